"""Removable singularities: where a gradient formula is 0/0 or inf * 0 (zero norms, constant
inputs, 0 ** 0, coincident points, rows of -inf, correction >= n), the value, the gradient and
the second derivative are PyTorch's, element for element, NaN and inf included."""

import math

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn.functional as F

INF, NAN = math.inf, math.nan
ZERO3, CONST3 = [0.0, 0.0, 0.0], [3.0, 3.0, 3.0]


def functional(lib):
    return torch.nn.functional if lib is torch else F


def derivatives(lib, fn, inputs, second=True):
    """[value, dy/dx_i..., d(sum_i w_i . dy/dx_i)/dx_j...] with fixed upstream weights."""
    xs = [lib.tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in inputs]
    y = fn(lib, *xs)
    upstream = lib.tensor(np.linspace(0.5, 1.5, y.numel()).reshape(tuple(y.shape)))
    grads = lib.autograd.grad(y, xs, upstream, create_graph=second, allow_unused=True)
    out = [y.detach()] + list(grads)
    if second:
        total = sum((g * lib.tensor(np.linspace(1.0, 2.0, g.numel()).reshape(tuple(g.shape)))).sum()
                    for g in grads if g is not None and g.requires_grad)
        if isinstance(total, int):  # no first derivative depends on the inputs
            out += [None] * len(xs)
        else:
            out += list(lib.autograd.grad(total, xs, allow_unused=True))
    return [None if v is None else _array(v) for v in out]


def _array(value):
    if isinstance(value, torch.Tensor) and value._is_zerotensor():  # torch's lazy zeros
        return np.zeros(tuple(value.shape))
    return np.array(value.detach().numpy(), dtype=np.float64)


def assert_same(ours, theirs, label):
    """Equal to 1e-12 relative (1e-13 absolute, for exact zeros computed through an SVD), with
    NaN where the other has NaN and inf of the same sign."""
    if ours is None or theirs is None:  # no gradient: a gradient of zeros is the same thing
        other = theirs if ours is None else ours
        assert other is None or not other.any(), f"{label}: {ours} vs {theirs}"
        return
    assert ours.shape == theirs.shape, label
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-13, equal_nan=True, err_msg=label)


CASES = [  # (id, fn(lib, *inputs), inputs, second order)
    ("std-constant", lambda lib, x: x.std(), [CONST3], True),
    ("std-constant-row", lambda lib, x: x.std(1), [[CONST3, [1.0, 2.0, 4.0]]], True),
    ("std-constant-keepdim", lambda lib, x: x.std(1, keepdim=True), [[CONST3, [1.0, 2.0, 4.0]]], True),
    ("std-population-constant", lambda lib, x: x.std(correction=0), [CONST3], True),
    ("std-one-element", lambda lib, x: x.std(correction=0), [[5.0]], True),
    ("std-n-equals-correction", lambda lib, x: x.std(), [[5.0]], True),
    ("std-0d", lambda lib, x: x.std(), [3.0], True),
    ("std-correction-n-dim", lambda lib, x: x.std(0, correction=2), [[1.0, 2.0]], True),
    ("std-correction-above-n", lambda lib, x: x.std(correction=3), [[1.0, 2.0]], True),
    ("var-n-equals-correction", lambda lib, x: x.var(), [[5.0]], True),
    ("var-n-equals-correction-dim", lambda lib, x: x.var(0), [[5.0]], True),
    ("var-correction-n", lambda lib, x: x.var(correction=2), [[1.0, 2.0]], True),
    ("var-correction-n-constant", lambda lib, x: x.var(correction=2), [[1.0, 1.0]], True),
    ("var-correction-above-n", lambda lib, x: x.var(correction=3), [[1.0, 2.0]], True),
    ("var-correction-n-dim", lambda lib, x: x.var(0, correction=2), [[1.0, 2.0]], True),
    ("var-correction-above-n-dim", lambda lib, x: x.var(0, correction=3), [[1.0, 2.0]], True),
    ("var-0d", lambda lib, x: x.var(), [3.0], True),
    ("sqrt-of-var-constant", lambda lib, x: x.var().sqrt(), [CONST3], True),
    ("std_mean-constant", lambda lib, x: sum(lib.std_mean(x)), [CONST3], True),
    ("var_mean-constant", lambda lib, x: sum(lib.var_mean(x)), [CONST3], True),
    ("std_mean-dim", lambda lib, x: lib.std_mean(x, 1)[0] * 2 + lib.std_mean(x, 1)[1],
     [[CONST3, [1.0, 2.0, 4.0]]], True),
    ("sqrt-0", lambda lib, x: x.sqrt(), [[0.0, 1.0]], True),
    ("norm-fro-zero", lambda lib, x: x.norm("fro"), [[ZERO3, ZERO3]], True),
    ("norm-fro-dims-zero", lambda lib, x: x.norm("fro", dim=(0, 1)), [[ZERO3, ZERO3]], True),
    ("norm-nuc-zero", lambda lib, x: x.norm("nuc"), [[[0.0, 0.0], [0.0, 0.0]]], False),
    ("linalg.norm-zero", lambda lib, x: lib.linalg.norm(x), [ZERO3], True),
    ("vector_norm-keepdim-zero-column", lambda lib, x: lib.linalg.vector_norm(x, 2, dim=0, keepdim=True),
     [[[0.0, 1.0], [0.0, 2.0]]], True),
    ("pow-0**0", lambda lib, x: x ** 0, [[0.0, 2.0]], True),
    ("pow-0**0.0", lambda lib, x: x ** 0.0, [[0.0, 2.0]], True),
    ("pow-0**-1", lambda lib, x: x ** -1, [[0.0, 2.0]], True),
    ("pow-0**-0.5", lambda lib, x: x ** -0.5, [[0.0, 2.0]], True),
    ("pow-0**0.5", lambda lib, x: x ** 0.5, [[0.0, 2.0]], True),
    ("pow-0**1", lambda lib, x: x ** 1, [[0.0, 2.0]], True),
    ("pow-0**1.5", lambda lib, x: x ** 1.5, [[0.0, 2.0]], True),
    ("pow-tensors-at-0", lambda lib, x, y: x ** y,
     [[0.0, 0.0, 0.0, 0.0, 0.0, 2.0, -1.0], [0.0, 1.0, -1.0, 0.5, 2.0, 0.0, 0.0]], True),
    ("pow-exponent-at-base-0", lambda lib, x, y: x.detach() ** y, [[0.0, 0.0, 0.0, 0.0, 2.0],
                                                                [0.0, 1.0, -1.0, 0.5, 0.0]], True),
    ("pow-base-at-exponent-0", lambda lib, x, y: x ** y.detach(), [[0.0, 2.0, -1.0, INF], [0.0] * 4], True),
    ("rpow-0**x", lambda lib, x: 0.0 ** x, [[0.0, 1.0, -1.0, 2.0]], True),
    ("float_power-at-0", lambda lib, x, y: lib.float_power(x, y), [[0.0] * 3, [0.0, -1.0, 2.0]], True),
    ("logsumexp-all-minus-inf", lambda lib, x: x.logsumexp(0), [[-INF, -INF]], True),
    ("logsumexp-row-minus-inf", lambda lib, x: x.logsumexp(1), [[[-INF, -INF], [0.0, 1.0]]], True),
    ("logsumexp-plus-inf", lambda lib, x: x.logsumexp(0), [[INF, 1.0]], True),
    ("log_softmax-all-minus-inf", lambda lib, x: x.log_softmax(0), [[-INF, -INF]], True),
    ("softmax-one-minus-inf", lambda lib, x: x.softmax(0), [[-INF, 1.0]], True),
    ("logaddexp-minus-inf", lambda lib, x, y: lib.logaddexp(x, y), [[-INF, 1.0], [-INF, -INF]], True),
    ("logaddexp-plus-inf", lambda lib, x, y: lib.logaddexp(x, y), [[INF, 1.0], [INF, INF]], True),
    ("logaddexp2-minus-inf", lambda lib, x, y: lib.logaddexp2(x, y), [[-INF, 1.0], [-INF, -INF]], True),
    ("atan2-origin", lambda lib, x, y: lib.atan2(x, y), [[0.0], [0.0]], True),
    ("atan2-subnormal-radius", lambda lib, x, y: lib.atan2(x, y), [[1e-155, 0.0], [0.0, 1e-170]], True),
    ("acosh-1", lambda lib, x: x.acosh(), [[1.0, 1.5]], True),
    ("remainder-by-0", lambda lib, x, y: lib.remainder(x, y), [[1.0], [0.0]], True),
    ("fmod-by-0", lambda lib, x, y: lib.fmod(x, y), [[1.0], [0.0]], True),
    ("prod-one-zero", lambda lib, x: x.prod(), [[0.0, 2.0, 3.0]], True),
    ("prod-two-zeros", lambda lib, x: x.prod(), [[0.0, 0.0, 3.0]], True),
    ("prod-dim-zeros", lambda lib, x: x.prod(1), [[[0.0, 2.0], [0.0, 0.0]]], True),
    ("prod-dims-zeros", lambda lib, x: x.prod(), [[[0.0, 2.0], [3.0, 4.0]]], True),
    ("cumprod-zeros", lambda lib, x: x.cumprod(0), [[2.0, 0.0, 3.0, 0.0, 4.0]], True),
    ("xlogy-at-0", lambda lib, x, y: lib.xlogy(x, y), [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], True),
    ("hypot-origin", lambda lib, x, y: lib.hypot(x, y), [[0.0], [0.0]], True),
    ("normalize-zero", lambda lib, x: functional(lib).normalize(x, dim=1), [[ZERO3, [1.0, 2.0, 2.0]]], True),
    ("normalize-p1-zero", lambda lib, x: functional(lib).normalize(x, p=1, dim=1),
     [[ZERO3, [1.0, 2.0, 2.0]]], True),
    ("normalize-inf-zero", lambda lib, x: functional(lib).normalize(x, p=INF, dim=0), [ZERO3], True),
    ("normalize-below-eps", lambda lib, x: functional(lib).normalize(x, dim=0), [[1e-13, 0.0, 0.0]], True),
    ("cosine_similarity-zero", lambda lib, x, y: functional(lib).cosine_similarity(x, y),
     [[ZERO3, [1.0, 2.0, 2.0]], [[1.0, 1.0, 1.0], ZERO3]], True),
    ("cosine_similarity-both-zero", lambda lib, x, y: functional(lib).cosine_similarity(x, y, dim=0),
     [ZERO3, ZERO3], True),
    ("cosine_similarity-parallel", lambda lib, x, y: functional(lib).cosine_similarity(x, y, dim=0),
     [[1.0, 2.0], [2.0, 4.0]], True),
    ("cosine_similarity-broadcast", lambda lib, x, y: functional(lib).cosine_similarity(x, y),
     [[[1.0, 0.0, 0.0]], [ZERO3, [0.0, 1.0, 1.0]]], True),
    ("pairwise_distance-coincident", lambda lib, x, y: functional(lib).pairwise_distance(x, y),
     [[[1.0, 2.0]], [[1.0, 2.0]]], True),
]
ORDS = [0, 0.5, 1, 1.5, 2, 3, INF, -INF, -1, -0.5]
for p in ORDS:
    CASES += [
        (f"vector_norm-{p}-zero", lambda lib, x, p=p: lib.linalg.vector_norm(x, p), [ZERO3], True),
        (f"vector_norm-{p}-zero-entry", lambda lib, x, p=p: lib.linalg.vector_norm(x, p, dim=1),
         [[ZERO3, [1.0, -2.0, 0.0]]], True),
        (f"norm-{p}-zero", lambda lib, x, p=p: x.norm(p), [ZERO3], True),
    ]
    if p != 0:  # PyTorch's backward of dist(p=0) fails (an undefined tensor)
        CASES.append((f"dist-{p}-coincident", lambda lib, x, y, p=p: lib.dist(x, y, p),
                      [[1.0, 2.0], [1.0, 2.0]], True))
    if p >= 0:  # PyTorch's cdist takes p >= 0 and has no double backward
        CASES += [
            (f"cdist-{p}-coincident", lambda lib, x, y, p=p: lib.cdist(x, y, p),
             [[[1.0, 2.0], [0.0, 0.0]], [[1.0, 2.0], [3.0, 1.0]]], False),
            (f"cdist-{p}-one-coordinate-equal", lambda lib, x, y, p=p: lib.cdist(x, y, p),
             [[[1.0, 2.0]], [[1.0, 3.0]]], False),
        ]
for o in ["fro", "nuc", 1, -1, 2, -2, INF, -INF]:
    CASES += [
        (f"matrix_norm-{o}-zero", lambda lib, x, o=o: lib.linalg.matrix_norm(x, o),
         [[[0.0, 0.0], [0.0, 0.0]]], o not in ("nuc", 2, -2)),  # singular values: first order only
        (f"matrix_norm-{o}-rank-one", lambda lib, x, o=o: lib.linalg.matrix_norm(x, o),
         [[[1.0, 2.0], [2.0, 4.0]]], False),
    ]


@requires_torch
class TestSingularPointsMatchTorch:
    @pytest.mark.parametrize("fn, inputs, second", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
    def test_value_gradient_and_second_derivative(self, fn, inputs, second):
        ours = derivatives(OURS, fn, inputs, second)
        theirs = derivatives(torch, fn, inputs, second)
        n = len(inputs)
        labels = ["value"] + [f"d/dx{i}" for i in range(n)] + [f"second d/dx{i}" for i in range(n)]
        for mine, reference, label in zip(ours, theirs, labels):
            assert_same(mine, reference, label)


class TestPinnedConventions:
    """The same conventions as exact values, so they hold without PyTorch installed."""

    @pytest.mark.parametrize("dim", [None, 0, (0,)])
    def test_std_of_a_constant_has_gradient_and_second_derivative_zero(self, dim):
        value, grad, second = derivatives(OURS, lambda lib, x: x.std(dim), [CONST3])
        np.testing.assert_array_equal(grad, np.zeros(3))
        np.testing.assert_array_equal(second, np.zeros(3))
        assert value == 0

    def test_the_issue_repro(self):
        x = ag.tensor([3.0, 3.0, 3.0], requires_grad=True)
        x.std().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])

    @pytest.mark.parametrize("correction, values, expected", [
        (2, [1.0, 2.0], [INF, INF]), (2, [1.0, 1.0], [NAN, NAN]), (3, [1.0, 2.0], [INF, INF]),
        (1, [5.0], [NAN]),
    ])
    def test_var_over_all_elements_with_correction_at_least_n(self, correction, values, expected):
        _, grad, _ = derivatives(OURS, lambda lib, x: x.var(correction=correction), [values])
        np.testing.assert_array_equal(grad, expected)

    @pytest.mark.parametrize("correction, expected", [(2, [-INF, INF]), (3, [0.5, -0.5])])
    def test_var_over_a_dim_with_correction_at_least_n_scales_by_2_over_n_minus_correction(
            self, correction, expected):
        _, grad, _ = derivatives(OURS, lambda lib, x: x.var(0, correction=correction), [[1.0, 2.0]])
        np.testing.assert_array_equal(grad, expected)

    @pytest.mark.parametrize("p", [2, 1.5, 0.5, -1, 3])
    def test_norm_of_zero_has_gradient_zero_and_nan_second_derivative(self, p):
        _, grad, second = derivatives(OURS, lambda lib, x: lib.linalg.vector_norm(x, p), [ZERO3])
        np.testing.assert_array_equal(grad, np.zeros(3))
        assert np.isnan(second).all() == (p != 3)  # p > 2: |x|^(p-2) is 0 at 0, no NaN

    @pytest.mark.parametrize("p", [1, INF, -INF])
    def test_norms_with_a_piecewise_constant_gradient_have_second_derivative_zero(self, p):
        _, grad, second = derivatives(OURS, lambda lib, x: lib.linalg.vector_norm(x, p), [ZERO3])
        np.testing.assert_array_equal(grad, np.zeros(3))
        assert second is None or not second.any()

    @pytest.mark.parametrize("exponent, expected", [(0, 0.0), (0.0, 0.0), (-1, -INF), (0.5, INF),
                                                    (1, 0.5), (2, 0.0)])
    def test_pow_at_zero(self, exponent, expected):
        _, grad = derivatives(OURS, lambda lib, x: x ** exponent, [[0.0]], second=False)
        assert grad[0] == expected

    def test_pow_exponent_gradient_at_base_zero(self):
        _, _, grad_y = derivatives(OURS, lambda lib, x, y: x.detach() ** y,
                                   [[0.0] * 4, [0.0, 1.0, -1.0, 0.5]], second=False)
        np.testing.assert_array_equal(grad_y, [0.0, 0.0, -INF, 0.0])

    def test_normalize_of_a_zero_vector_has_gradient_upstream_over_eps(self):
        _, grad = derivatives(OURS, lambda lib, x: functional(lib).normalize(x, dim=0), [ZERO3], second=False)
        np.testing.assert_allclose(grad, np.linspace(0.5, 1.5, 3) / 1e-12, rtol=1e-15)

    def test_cosine_similarity_of_zero_vectors_is_zero_with_zero_gradient(self):
        value, gx, gy = derivatives(OURS, lambda lib, x, y: functional(lib).cosine_similarity(x, y, dim=0),
                                    [ZERO3, ZERO3], second=False)
        assert value == 0
        np.testing.assert_array_equal(gx, np.zeros(3))
        np.testing.assert_array_equal(gy, np.zeros(3))

    def test_prod_through_zeros_supports_double_backward(self):
        _, grad, second = derivatives(OURS, lambda lib, x: x.prod(), [[0.0, 2.0, 3.0]])
        np.testing.assert_array_equal(grad, [3.0, 0.0, 0.0])  # upstream 0.5
        np.testing.assert_array_equal(second, [4.25, 1.5, 1.0])  # 0.5 (1.5 x2 + 2 x1), ...


class TestDegreesOfFreedom:
    CALLS = [(lambda lib, x: x.std(), "std", [5.0]),
             (lambda lib, x: lib.var(x, 0, correction=2), "var", [1.0, 2.0]),
             (lambda lib, x: lib.std_mean(x)[0], "std_mean", [5.0]),
             (lambda lib, x: x.var(correction=3), "var", [1.0])]

    @pytest.mark.parametrize("call, op, values", CALLS)
    def test_correction_at_least_n_warns_as_torch(self, call, op, values):
        message = (rf"{op}\(\): degrees of freedom is <= 0\. Correction should be strictly less than "
                   r"the reduction factor \(input numel divided by output numel\)\.")
        with pytest.warns(UserWarning, match=message):
            call(ag, ag.tensor(values))
        if torch is not None:
            with pytest.warns(UserWarning, match=message):
                call(torch, torch.tensor(values))

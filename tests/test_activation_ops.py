"""Exact tests for log1p, expm1, erf, leaky_relu, softplus, elu and binary_cross_entropy:
erf's accuracy, PyTorch's conventions at kinks and clamps, stability at +-1000 (finite values
and gradients, no RuntimeWarning) and float32 preservation. The op-spec table covers gradcheck,
gradgradcheck and agreement with PyTorch on random inputs."""

import math
import warnings

import numpy as np
import pytest
from conftest import requires_torch, to_torch, torch

import autograd as ag
from autograd import elu, leaky_relu, softplus
from nn.functional import binary_cross_entropy

F = torch.nn.functional if torch is not None else None
DTYPES = [ag.float32, ag.float64]


def grad_of(fn, values, dtype=ag.float64, upstream=None):
    x = ag.tensor(values, dtype=dtype, requires_grad=True)
    out = fn(x)
    out.backward(ag.ones_like(out) if upstream is None else upstream)
    return out.detach().numpy(), x.grad.detach().numpy()


def torch_grad_of(fn, values, dtype=ag.float64, upstream=None):
    x = to_torch(np.asarray(values, dtype=dtype), requires_grad=True)
    out = fn(x)
    out.backward(torch.ones_like(out) if upstream is None else to_torch(upstream))
    return out.detach().numpy(), x.grad.numpy()


def ag_second_derivative(fn, x):
    """(d/dx sum fn(x), d/dx sum of that) through create_graph; 0 where the first derivative
    does not depend on x (PyTorch records a graph there anyway)."""
    (g,) = ag.grad(fn(x).sum(), [x], create_graph=True)
    if not g.requires_grad:
        return g, ag.zeros_like(x)
    (gg,) = ag.grad(g.sum(), [x])
    return g, gg


def second_derivative(fn, values, lib=ag):
    """d/dx of sum(d fn / dx), through create_graph."""
    if lib is ag:
        g, gg = ag_second_derivative(fn, ag.tensor(values, dtype=ag.float64, requires_grad=True))
        return g.detach().numpy(), gg.detach().numpy()
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)
    return g.detach().numpy(), gg.numpy()


# ---- erf -----------------------------------------------------------------------------------
def _erf_grid():
    dense = np.linspace(-30.0, 30.0, 600_001)
    tiny = np.geomspace(5e-324, 1.0, 20_000)
    edges = np.array([0.46875, 4.0, 26.543, 5.9, 6.0, 27.0, 1e300])
    edges = np.concatenate([edges, np.nextafter(edges, 0), np.nextafter(edges, np.inf)])
    positive = np.concatenate([dense[dense > 0], tiny, edges])
    return np.concatenate([positive, -positive, [0.0, -0.0]])


def test_erf_matches_math_erf_to_1e_14_over_the_real_line():
    x = _erf_grid()
    got = ag.erf(ag.tensor(x, dtype=ag.float64)).detach().numpy()
    expected = np.array([math.erf(v) for v in x])
    assert got.dtype == np.float64
    assert np.max(np.abs(got - expected)) < 1e-14
    # and relatively: a few units in the last place, also where erf(x) ~ 2x/sqrt(pi) is tiny
    # (subnormal results excepted: they carry fewer significant bits)
    normal = np.abs(expected) >= np.finfo(np.float64).tiny
    assert np.max(np.abs(got - expected)[normal] / np.abs(expected[normal])) < 2e-15


def test_erf_special_values():
    values = [0.0, -0.0, np.inf, -np.inf, np.nan, 30.0, -30.0]
    out = ag.tensor(values, dtype=ag.float64).erf().numpy()
    np.testing.assert_array_equal(out[[0, 1, 2, 3, 5, 6]], [0, 0, 1, -1, 1, -1])
    assert not np.signbit(out[0]) and np.signbit(out[1])
    assert np.isnan(out[4])


@requires_torch
def test_erf_in_float32_matches_torch():
    x = np.concatenate([np.linspace(-6, 6, 100_001), [0.0, -0.0, 1e-30, -1e-30, 1000.0]])
    x = x.astype(np.float32)
    out, grad = grad_of(ag.erf, x, dtype=ag.float32)
    expected, expected_grad = torch_grad_of(torch.erf, x, dtype=np.float32)
    assert out.dtype == np.float32 and grad.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=2e-7, atol=2e-7)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-6, atol=1e-30)


@requires_torch
def test_erf_log1p_expm1_values_and_gradients_match_torch_in_float64():
    x = [-1000.0, -20.0, -0.5, -1e-20, 0.0, 1e-20, 0.7, 5.0]
    for mine, theirs, values in [(ag.erf, torch.erf, x), (ag.expm1, torch.expm1, x[1:]),
                                 (ag.log1p, torch.log1p, [-0.999, -1e-20, 0.0, 1e-20, 3.0, 1e30])]:
        out, grad = grad_of(mine, values)
        expected, expected_grad = torch_grad_of(theirs, values)
        np.testing.assert_allclose(out, expected, rtol=1e-15, atol=0)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-15, atol=0)


def test_log1p_and_expm1_are_accurate_near_zero():
    x = ag.tensor([1e-20, -1e-18], dtype=ag.float64)
    np.testing.assert_array_equal(x.log1p().detach().numpy(), [1e-20, -1e-18])
    np.testing.assert_array_equal(x.expm1().detach().numpy(), [1e-20, -1e-18])
    np.testing.assert_array_equal(grad_of(ag.expm1, [-1000.0, 0.0])[1], [0, 1])  # (e^x - 1) + 1


def test_integer_input_gives_float32_like_pytorch():
    for fn in (ag.erf, ag.log1p, ag.expm1):
        assert fn(ag.tensor([0, 1, 2])).dtype == ag.float32


@pytest.mark.parametrize("fn", [leaky_relu, softplus, elu])
def test_the_fused_activations_refuse_integers_like_pytorch(fn):  # "elu_cpu" not implemented for 'Long'
    with pytest.raises(NotImplementedError, match=rf"^{fn.__name__}: \"{fn.__name__}_cpu\" not "
                                                  r"implemented for 'Long'"):
        fn(ag.tensor([0, 1, 2]))


# ---- leaky_relu ----------------------------------------------------------------------------
def test_leaky_relu_slope_at_zero_is_negative_slope():
    out, grad = grad_of(lambda x: leaky_relu(x, 0.2), [-1.0, 0.0, -0.0, 1.0])
    np.testing.assert_array_equal(out, [-0.2, 0, 0, 1])
    assert np.signbit(out[2])  # -0.0 * slope, as in PyTorch
    np.testing.assert_array_equal(grad, [0.2, 0.2, 0.2, 1])
    np.testing.assert_array_equal(grad_of(leaky_relu, [0.0])[1], [0.01])  # the default slope
    np.testing.assert_array_equal(second_derivative(lambda x: leaky_relu(x, 0.2), [-1.0, 0.0, 1.0])[1],
                                  [0, 0, 0])


# ---- elu -----------------------------------------------------------------------------------
def test_elu_gradient_at_zero_is_alpha_and_second_derivative_is_zero():
    out, grad = grad_of(lambda x: elu(x, 1.5), [-1.0, 0.0, -0.0, 1.0])
    np.testing.assert_allclose(out, [1.5 * math.expm1(-1.0), 0, 0, 1], rtol=1e-15)
    np.testing.assert_allclose(grad, [1.5 * math.exp(-1.0), 1.5, 1.5, 1], rtol=1e-15)
    g, gg = second_derivative(lambda x: elu(x, 1.5), [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(g, [1.5 * math.exp(-1.0), 1.5, 1], rtol=1e-15)
    np.testing.assert_allclose(gg, [1.5 * math.exp(-1.0), 0, 0], rtol=1e-15)


def test_elu_of_tiny_negatives_uses_expm1():
    assert elu(ag.tensor([-1e-20], dtype=ag.float64)).item() == -1e-20


# ---- softplus ------------------------------------------------------------------------------
def test_softplus_reverts_to_x_only_above_the_threshold():
    x = [19.999, 20.0, 20.0001, 2.5, 2.5000001]
    out, grad = grad_of(softplus, x[:3])
    assert out[0] != x[0] and out[1] == pytest.approx(20 + math.exp(-20), rel=1e-15)
    assert out[2] == x[2]  # beta x > threshold: x itself
    np.testing.assert_allclose(grad, [1 / (1 + math.exp(-19.999)), 1 / (1 + math.exp(-20)), 1],
                               rtol=1e-15)
    out, grad = grad_of(lambda t: softplus(t, beta=2.0, threshold=5.0), x[3:])
    assert out[0] == pytest.approx(math.log1p(math.exp(5)) / 2, rel=1e-15) and out[1] == x[4]
    np.testing.assert_allclose(grad, [1 / (1 + math.exp(-5)), 1], rtol=1e-15)


def test_softplus_is_finite_without_a_threshold():
    """PyTorch overflows to inf for beta x above ~710 when the threshold is large; ndgrad does
    not (log(1 + e^z) = max(z, 0) + log1p(e^-|z|))."""
    out, grad = grad_of(lambda t: softplus(t, threshold=math.inf), [-1000.0, 1000.0])
    np.testing.assert_array_equal(out, [0, 1000])
    np.testing.assert_array_equal(grad, [0, 1])


# ---- agreement with PyTorch at kinks, thresholds and extremes ------------------------------
EXTREMES = [-1000.0, -100.0, -20.0, -1.0, -1e-8, 0.0, -0.0, 1e-8, 1.0, 19.999, 20.0, 20.0001,
            100.0, 1000.0]
ACTIVATIONS = [
    ("leaky_relu", lambda x: leaky_relu(x), lambda x: F.leaky_relu(x)),
    ("leaky_relu_neg", lambda x: leaky_relu(x, -0.5), lambda x: F.leaky_relu(x, -0.5)),
    ("elu", lambda x: elu(x), lambda x: F.elu(x)),
    ("elu_alpha", lambda x: elu(x, 0.3), lambda x: F.elu(x, 0.3)),
    ("softplus", lambda x: softplus(x), lambda x: F.softplus(x)),
    ("softplus_beta", lambda x: softplus(x, 2.0, 5.0), lambda x: F.softplus(x, 2.0, 5.0)),
    ("softplus_neg_beta", lambda x: softplus(x, -1.5, 3.0), lambda x: F.softplus(x, -1.5, 3.0)),
    ("erf", lambda x: x.erf(), lambda x: x.erf()),
]


@requires_torch
@pytest.mark.parametrize(("name", "mine", "theirs"), ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_values_gradients_and_second_derivatives_match_torch(name, mine, theirs):
    upstream = np.linspace(-2, 2, len(EXTREMES))
    out, grad = grad_of(mine, EXTREMES, upstream=ag.tensor(upstream))
    expected, expected_grad = torch_grad_of(theirs, EXTREMES, upstream=upstream)
    np.testing.assert_allclose(out, expected, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(np.signbit(out), np.signbit(expected))
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-15, atol=0)
    g, gg = second_derivative(mine, EXTREMES)
    expected_g, expected_gg = second_derivative(theirs, EXTREMES, lib=torch)
    np.testing.assert_allclose(g, expected_g, rtol=1e-15, atol=0)
    np.testing.assert_allclose(gg, expected_gg, rtol=1e-12, atol=1e-300)


STABLE = [("leaky_relu", leaky_relu), ("elu", elu), ("softplus", softplus),
          ("softplus_no_threshold", lambda x: softplus(x, 1.0, math.inf)),
          ("softplus_neg_beta", lambda x: softplus(x, -2.0, math.inf)),
          ("erf", ag.erf), ("log1p", ag.log1p)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("name", "fn"), STABLE, ids=[s[0] for s in STABLE])
def test_finite_at_plus_minus_1000_without_warnings(name, fn, dtype):
    values = [-1000.0, -1.0, 0.0, 1.0, 1000.0] if name != "log1p" else [0.0, 1000.0, 1e30]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        x = ag.tensor(values, dtype=dtype, requires_grad=True)
        out = fn(x)
        g, gg = ag_second_derivative(fn, x)
    for t in (out, g, gg):
        assert t.dtype == dtype
        assert np.isfinite(t.detach().numpy()).all()


@pytest.mark.parametrize(("name", "fn"), STABLE + [("expm1", ag.expm1)],
                         ids=[s[0] for s in STABLE] + ["expm1"])
def test_float32_in_float32_out_and_grad_and_empty_tensors(name, fn):
    x = ag.tensor([[0.5, -0.25, 2.0]], dtype=ag.float32, requires_grad=True)
    out = fn(x)
    assert out.dtype == ag.float32
    g, gg = ag_second_derivative(fn, x)
    assert g.dtype == gg.dtype == ag.float32
    empty = ag.zeros(0, 3, dtype=ag.float32, requires_grad=True)
    fn(empty).sum().backward()
    assert empty.grad.shape == (0, 3) and empty.grad.dtype == ag.float32


# ---- binary_cross_entropy ------------------------------------------------------------------
def _bce_grid(dtype):
    """p in {0, 1, 1e-30, 1 - 1e-7, 0.5} (and the smallest subnormal) against y in {0, 1, 0.3}."""
    tiny = np.finfo(dtype).smallest_subnormal
    p = np.array([0.0, 1.0, 1e-30, 1 - 1e-7, 0.5, tiny], dtype=dtype)
    y = np.array([0.0, 1.0, 0.3], dtype=dtype)
    return np.repeat(p[None, :], 3, 0), np.repeat(y[:, None], len(p), 1)


@requires_torch
@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_clamps_and_gradients_match_torch_at_the_edges(dtype):
    p, y = _bce_grid(dtype)
    upstream = np.random.default_rng(0).uniform(0.5, 2.0, p.shape).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        mine_p, mine_y = ag.tensor(p, requires_grad=True), ag.tensor(y, requires_grad=True)
        out = binary_cross_entropy(mine_p, mine_y, reduction="none")
        out.backward(ag.tensor(upstream))
    theirs_p, theirs_y = to_torch(p, True), to_torch(y, True)
    expected = F.binary_cross_entropy(theirs_p, theirs_y, reduction="none")
    expected.backward(to_torch(upstream))
    assert out.dtype == mine_p.grad.dtype == mine_y.grad.dtype == dtype
    assert out.detach().numpy().max() == 100  # log(0) clamped at -100
    # float64: bit-identical; float32: PyTorch's vectorized log may differ by an ulp
    rtol = 0 if dtype == ag.float64 else 2.5e-7
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=rtol, atol=0)
    np.testing.assert_allclose(mine_p.grad.detach().numpy(), theirs_p.grad.numpy(), rtol=rtol, atol=0)
    np.testing.assert_allclose(mine_y.grad.detach().numpy(), theirs_y.grad.numpy(), rtol=rtol, atol=0)
    np.testing.assert_array_equal(np.isinf(mine_y.grad.detach().numpy()), np.isinf(theirs_y.grad.numpy()))


def test_bce_gradient_conventions_at_p_0_and_1():
    p = ag.tensor([0.0, 1.0, 0.0, 1.0, 0.0], dtype=ag.float64, requires_grad=True)
    y = ag.tensor([1.0, 0.0, 0.0, 1.0, 0.3], dtype=ag.float64, requires_grad=True)
    with np.errstate(all="raise"):
        binary_cross_entropy(p, y, reduction="sum").backward()
    # d/dp = (p - y) / max((1 - p) p, eps) with PyTorch's eps, the float32 nearest 1e-12
    eps = float(np.float32(1e-12))
    np.testing.assert_array_equal(p.grad.detach().numpy(), np.array([-1, 1, 0, 0, -0.3]) / eps)
    # d/dy = log(1 - p) - log(p), unclamped
    np.testing.assert_array_equal(y.grad.detach().numpy(), [np.inf, -np.inf, np.inf, -np.inf, np.inf])


@requires_torch
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bce_with_weight_and_reduction_matches_torch(reduction):
    rng = np.random.default_rng(1)
    p, y = rng.uniform(0.01, 0.99, (4, 3)), rng.uniform(0, 1, (4, 3))
    weight = rng.uniform(0.1, 2, (3,))
    mine_p, mine_y = ag.tensor(p, requires_grad=True), ag.tensor(y, requires_grad=True)
    mine_w = ag.tensor(weight, requires_grad=True)
    out = binary_cross_entropy(mine_p, mine_y, weight=mine_w, reduction=reduction)
    out.sum().backward()
    theirs_p, theirs_y = to_torch(p, True), to_torch(y, True)
    expected = F.binary_cross_entropy(theirs_p, theirs_y, weight=to_torch(weight),
                                      reduction=reduction)
    expected.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(mine_p.grad.detach().numpy(), theirs_p.grad.numpy(), rtol=1e-14)
    np.testing.assert_allclose(mine_y.grad.detach().numpy(), theirs_y.grad.numpy(), rtol=1e-14)
    # PyTorch refuses a weight that requires grad; ndgrad gives d/dw = the unweighted loss
    unweighted = F.binary_cross_entropy(to_torch(p), to_torch(y), reduction="none").numpy()
    scale = 1 / p.size if reduction == "mean" else 1
    np.testing.assert_allclose(mine_w.grad.detach().numpy(), unweighted.sum(0) * scale, rtol=1e-14)


def test_bce_gradcheck_and_gradgradcheck_in_every_argument():
    rng = np.random.default_rng(2)
    p = ag.tensor(rng.uniform(0.05, 0.95, (2, 3)), requires_grad=True)
    y = ag.tensor(rng.uniform(0, 1, (2, 3)), requires_grad=True)
    w = ag.tensor(rng.uniform(0.1, 2, (2, 1)), requires_grad=True)
    for reduction in ("none", "mean", "sum"):
        fn = lambda a, b, c: binary_cross_entropy(a, b, weight=c, reduction=reduction)  # noqa: B023, E731
        assert ag.gradcheck(fn, (p, y, w), raise_exception=True)
        assert ag.gradgradcheck(fn, (p, y, w), raise_exception=True)


def test_bce_rejects_bad_arguments_clearly():
    p, y = ag.tensor([0.2, 0.7]), ag.tensor([0.0, 1.0])
    with pytest.raises(ValueError,
                       match=r"target shape torch.Size\(\[2, 1\]\) differs from input "
                             r"shape torch.Size\(\[2\]\)"):
        binary_cross_entropy(p, y.reshape(2, 1))
    for bad in (1.5, -0.1, float("nan")):
        with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
            binary_cross_entropy(ag.tensor([0.5, bad]), y)
        with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
            binary_cross_entropy(p, ag.tensor([0.5, bad]))
    with pytest.raises(ag.OpError, match="target dtype torch.float64 differs from input dtype torch.float32"):
        binary_cross_entropy(p, y.double())
    with pytest.raises(ag.OpError, match="input must be floating point"):
        binary_cross_entropy(ag.tensor([0, 1]), ag.tensor([0, 1]))
    with pytest.raises(ValueError, match="'avg' is not a valid value for reduction"):
        binary_cross_entropy(p, y, reduction="avg")
    with pytest.raises(ValueError,
                       match=r"weight of shape torch.Size\(\[3\]\) does not broadcast "
                             r".* torch.Size\(\[2\]\)"):
        binary_cross_entropy(p, y, weight=ag.ones(3))
    with pytest.raises(TypeError,
                       match=r"binary_cross_entropy\(\): argument 'target' must be a Tensor, not list"):
        binary_cross_entropy(p, [0.0, 1.0])


def test_bce_float32_stays_float32_and_is_a_scalar_by_default():
    p = ag.tensor([0.25, 0.5], requires_grad=True)
    loss = binary_cross_entropy(p, ag.tensor([0.0, 1.0]), weight=ag.tensor([1.0, 2.0]))
    assert loss.shape == () and loss.dtype == ag.float32
    assert loss.item() == pytest.approx(-(math.log(0.75) + 2 * math.log(0.5)) / 2, rel=1e-6)
    loss.backward()
    assert p.grad.dtype == ag.float32

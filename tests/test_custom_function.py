"""Custom autograd functions PyTorch's way (``ag.Function`` with ``ctx``), checked against torch.

Each function is written once, for a library ``lib`` and its Function base, so the same code
runs on ndgrad and (when importable) on torch 2.13, and values, gradients and errors are
compared.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import torch

import autograd as ag


def libraries():
    found = [(ag, ag.Function)]
    if torch is not None:
        found.append((torch, torch.autograd.Function))
    return found


def legendre(base):
    class LegendrePolynomial3(base):
        """P3(x) = (5x^3 - 3x) / 2, the custom-Function tutorial's example."""

        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    return LegendrePolynomial3


def scaled_pair(base):
    class ScaledPair(base):
        """(a k, sum a, argmax a): two differentiable outputs, one integer output."""

        @staticmethod
        def forward(ctx, a, k):
            ctx.k = k
            return a * k, a.sum(), a.argmax()

        @staticmethod
        def backward(ctx, g_scaled, g_sum, g_index):
            assert g_index is None or not g_index.any()
            return g_scaled * ctx.k + g_sum, None

    return ScaledPair


def with_setup_context(base):
    class Scale(base):
        @staticmethod
        def forward(x, alpha):
            return x * alpha

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.alpha = inputs[1]
            ctx.seen_needs = ctx.needs_input_grad

        @staticmethod
        def backward(ctx, g):
            return g * ctx.alpha, None

    return Scale


def test_the_tutorial_legendre_fit_matches_torch():
    """The custom-Function tutorial: fit y = a + b P3(c + d x) to sin(x) by hand."""
    def fit(lib, base):
        P3 = legendre(base)
        x = lib.linspace(-np.pi, np.pi, 200, dtype=lib.float64)
        y = lib.sin(x)
        a, b, c, d = (lib.full((), v, dtype=lib.float64, requires_grad=True)
                      for v in (0.0, -1.0, 0.0, 0.3))
        for _ in range(300):
            loss = (a + b * P3.apply(c + d * x) - y).pow(2).sum()
            loss.backward()
            with lib.no_grad():
                for p in (a, b, c, d):
                    p -= 5e-6 * p.grad
                    p.grad = None
        return [loss.item()] + [p.item() for p in (a, b, c, d)]

    ours = fit(ag, ag.Function)
    assert ours[0] < 60  # it learns (the loss starts near 1000)
    if torch is not None:
        np.testing.assert_allclose(ours, fit(torch, torch.autograd.Function), rtol=1e-9, atol=1e-12)


def test_node_name_edges_and_needs_input_grad():
    for lib, base in libraries():
        P3 = legendre(base)
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        y = P3.apply(x)
        assert type(y.grad_fn).__name__ == "LegendrePolynomial3Backward"
        assert [type(n).__name__ for n, _ in y.grad_fn.next_functions] == ["AccumulateGrad"]
        Scale = with_setup_context(base)
        out = Scale.apply(x, 4.0)
        out.sum().backward()
        assert out.grad_fn.__class__.__name__ == "ScaleBackward"
        np.testing.assert_allclose(x.grad.numpy(), [4.0, 4.0])
        with lib.no_grad():
            assert Scale.apply(x, 2.0).grad_fn is None


def test_several_outputs_get_one_gradient_each():
    results = []
    for lib, base in libraries():
        ScaledPair = scaled_pair(base)
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        scaled, total, index = ScaledPair.apply(a, 3.0)
        assert not index.requires_grad and scaled.requires_grad and total.requires_grad
        (scaled.sum() + 2 * total).backward()
        first = a.grad.tolist()
        a.grad = None
        scaled, total, index = ScaledPair.apply(a, 3.0)
        scaled.sum().backward()  # total unused: its gradient is materialized as zeros
        results.append((first, a.grad.tolist(), type(scaled.grad_fn).__name__))
    assert results[0] == ([5.0, 5.0, 5.0], [3.0, 3.0, 3.0], "ScaledPairBackward")
    if torch is not None:
        assert results[0][:2] == results[1][:2]


def test_set_materialize_grads_false_passes_none():
    seen = []
    for lib, base in libraries():
        class Two(base):
            @staticmethod
            def forward(ctx, a):
                ctx.set_materialize_grads(False)
                return a * 2, a * 3

            @staticmethod
            def backward(ctx, g2, g3):
                seen.append((g2 is None, g3 is None))
                return (0 if g2 is None else g2 * 2) + (0 if g3 is None else g3 * 3)

        a = lib.tensor([1.0, 2.0], requires_grad=True)
        _, times3 = Two.apply(a)
        times3.sum().backward()
        assert a.grad.tolist() == [3.0, 3.0]
    assert seen[0] == (True, False)
    if torch is not None:
        assert seen[0] == seen[1]


def test_gradcheck_and_gradgradcheck_pass_through_tensor_op_backwards():
    x = ag.tensor([0.3, -0.7, 1.1], dtype=ag.float64, requires_grad=True)
    assert ag.gradcheck(legendre(ag.Function).apply, (x,))
    assert ag.gradgradcheck(legendre(ag.Function).apply, (x,))
    pair = scaled_pair(ag.Function)
    assert ag.gradcheck(lambda t: pair.apply(t, 2.0)[:2], (x,))
    assert ag.gradgradcheck(lambda t: pair.apply(t, 2.0)[:2], (x,))


def test_gradcheck_names_the_worst_element_of_a_wrong_backward():
    class WrongSquare(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x  # should be 2 g x

    x = ag.tensor([0.5, 3.0, -1.0], dtype=ag.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"position \(1,\): analytic 3 vs numeric 6"):
        ag.gradcheck(WrongSquare.apply, (x,), raise_exception=True)


def _errors(lib, base):
    class Exp(base):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    class TooFew(base):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g

    class BadShape(base):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g[:1]

    x = lib.tensor([0.5, 1.0], requires_grad=True)
    messages = {}
    y = Exp.apply(x)
    with lib.no_grad():
        y.mul_(2)  # the saved output changes in place
    for key, run in (("modified", lambda: y.sum().backward()),
                     ("count", lambda: TooFew.apply(x, x).sum().backward()),
                     ("shape", lambda: BadShape.apply(x).sum().backward())):
        with pytest.raises(RuntimeError) as info:
            run()
        messages[key] = str(info.value)
    z = Exp.apply(x)
    z.sum().backward()
    with pytest.raises(RuntimeError) as info:
        z.sum().backward()
    messages["twice"] = str(info.value)
    return messages


def test_errors_are_torchs():
    ours = _errors(ag, ag.Function)
    assert "modified by an inplace operation" in ours["modified"] and "version 1" in ours["modified"]
    assert ours["count"].startswith("function TooFewBackward returned an incorrect number of "
                                    "gradients (expected 2, got 1)")
    assert "BadShapeBackward returned an invalid gradient at index 0 - got [1] but expected " \
        "shape compatible with [2]" in ours["shape"]
    assert "backward through the graph a second time" in ours["twice"]
    if torch is not None:
        theirs = _errors(torch, torch.autograd.Function)
        for key in ("count", "shape"):
            assert ours[key] in theirs[key] or theirs[key] in ours[key], key


def test_save_for_backward_refuses_non_tensors():
    class Keeps(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3.0)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(TypeError, match="save_for_backward can only save tensors.*argument 1 "
                                        "is of type float.*ctx.value"):
        Keeps.apply(ag.ones(2, requires_grad=True))


def test_once_differentiable_runs_backward_without_a_graph():
    class Cube(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @ag.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * g * x ** 2

    x = ag.tensor([2.0], dtype=ag.float64, requires_grad=True)
    (g,) = ag.grad(Cube.apply(x).sum(), [x], create_graph=True)
    assert g.item() == 12.0 and not g.requires_grad

"""Helpers of the op-spec table for the functional ops (``nn.functional`` in both libraries):
NumPy references and parameter strategies."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import nn


def functional(lib):
    """``torch.nn.functional`` for PyTorch, ``nn.functional`` for ndgrad."""
    return lib.nn.functional if lib.__name__ == "torch" else nn.functional


def softplus_reference(x, beta, threshold):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


def elu_reference(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


@st.composite
def bce_args(draw, shapes):
    """reduction, and maybe a weight whose shape broadcasts to the input's (a float64 array,
    cast to the input's dtype inside the op, so float32 runs stay float32)."""
    shape = shapes[0]
    weight = None
    if draw(st.booleans()):
        tail = shape[draw(st.integers(0, len(shape))):]
        weight_shape = tuple(n if draw(st.booleans()) else 1 for n in tail)
        weight = draw(st.lists(st.floats(0.1, 2.0), min_size=int(np.prod(weight_shape)),
                               max_size=int(np.prod(weight_shape))))
        weight = np.array(weight, dtype=np.float64).reshape(weight_shape)
    return {"reduction": draw(st.sampled_from(["none", "mean", "sum"])), "weight": weight}


def bce(lib, p, y, weight, reduction):
    weight = None if weight is None else weight.to(p.dtype)
    return functional(lib).binary_cross_entropy(p, y, weight=weight, reduction=reduction)


def bce_reference(p, y, weight, reduction):
    out = -(y * np.log(p) + (1 - y) * np.log1p(-p)) * (1 if weight is None else weight)
    return {"none": out, "mean": np.mean(out), "sum": np.sum(out)}[reduction]


@st.composite
def cross_entropy_args(draw, shapes):
    """Valid class indices for (N, C) logits and a reduction (the fused path's domain)."""
    n, c = shapes[0]
    target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), np.int64)
    return {"target": target, "reduction": draw(st.sampled_from(["mean", "sum"]))}


def cross_entropy(lib, x, target, reduction):
    return functional(lib).cross_entropy(x, target, reduction=reduction)


def cross_entropy_reference(x, target, reduction):
    z = x - x.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    losses = -log_p[np.arange(len(target)), target]
    return losses.mean() if reduction == "mean" else losses.sum()


def hooked_module(lib, a, b):
    """``a * b.sin()`` in a module whose full backward (pre-)hooks watch and return None: the
    hook nodes (BackwardHookFunctionBackward) around its inputs and output pass gradients on."""
    modules = lib.nn if lib.__name__ == "torch" else nn

    class Scaled(modules.Module):
        def forward(self, a, b):
            return a * b.sin()

    module = Scaled()
    module.register_full_backward_pre_hook(lambda m, grad_output: None)
    module.register_full_backward_hook(lambda m, grad_input, grad_output: None)
    return module(a, b)

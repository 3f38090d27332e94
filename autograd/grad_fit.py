"""Fitting a rule's gradient to its input: un-broadcast (sum over broadcast dims), then cast.

A rule may return a gradient of its output's broadcast shape (``d(a + b)/da = g``); the
engine sums it back to each input's shape and dtype here, once for every op, and notes on the
node which inputs it summed (``Primitive.summed_grads``, which the explorer shows as ``Σ``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .sliced_grad import SlicedGrad

if TYPE_CHECKING:
    from .primitive import Primitive
    from .types import Shape, Value


def unbroadcast(grad: Value, shape: Shape) -> Value:
    """Sum a gradient over the dims that broadcasting added or stretched, back to ``shape``."""
    extra = grad.ndim - len(shape)
    if extra < 0:
        return grad.reshape(shape)
    stretched = tuple(i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    return grad


def _note_summed(node: Primitive, meta: tuple[Shape, np.dtype[Any]], shape: Shape) -> None:
    """Record on ``node`` that the gradient for the input with ``meta`` was summed from ``shape``."""
    index = next(i for i, m in enumerate(node._meta) if m is meta)
    summed = getattr(node, "summed_grads", None)  # the slot is unset until a first sum
    if summed is None:
        summed = node.summed_grads = {}
    summed[index] = shape


def fit(grad: Value | SlicedGrad, meta: tuple[Shape, np.dtype[Any]],
         node: Primitive) -> Value | SlicedGrad:
    """Un-broadcast and cast ``grad`` to the input's (shape, dtype); refuse a wrong shape.

    A ``SlicedGrad`` of the input's shape and dtype (a slice's, always) passes as it is.
    """
    shape, dtype = meta
    if isinstance(grad, SlicedGrad):
        return grad if (grad.shape, grad.dtype) == meta else fit(grad.dense(), meta, node)
    if isinstance(grad, np.generic):  # NumPy turns 0-d results into scalars; keep arrays
        grad = np.asarray(grad)
    if grad.shape != shape:
        if grad.size != math.prod(shape):  # a sum over broadcast dims, not a mere reshape
            _note_summed(node, meta, grad.shape)
        grad = unbroadcast(grad, shape)
        if grad.shape != shape:
            raise RuntimeError(f"{node.name()} returned a gradient of shape {grad.shape} for an "
                               f"input of shape {shape}: this is a bug in the op's backward rule")
    if grad.dtype != dtype:
        grad = grad.astype(dtype)
    return grad


"""Fused, numerically stable softmax and log-softmax along one dim.

softmax(x)_i = e^(x_i - m) / sum_j e^(x_j - m) with m = max(x), so large inputs never overflow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..checks import FLOATING, kernel
from ..dtypes import as_float
from ..primitive import Primitive
from .dims import normalize_dim

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..types import Array, DTypeLike, Value


def shifted(x: Array, axis: int | tuple[int, ...] | None) -> tuple[Array, Array]:
    """``(x - m, m)`` with m = max(x) over ``axis`` (keepdims), the stable argument of exp.

    Used by softmax, log_softmax and logsumexp; m is 0 where the max is infinite or x is empty,
    and integers become float32.
    """
    x = as_float(x)
    m = x.max(axis=axis, keepdims=True) if x.size else np.zeros([1] * x.ndim, x.dtype)
    m = np.where(np.isfinite(m), m, 0)
    return x - m, m


class Softmax(Primitive):
    """y = softmax(x);  d/dx = y * (g - sum(g * y)) along the dim."""

    saves_output = True

    def forward(self, x: Array, axis: int | None) -> Array:
        self.axis = axis
        e = np.exp(shifted(x, axis)[0])
        with np.errstate(invalid="ignore"):  # a row of -inf: NaN, silently (as PyTorch)
            return e / e.sum(axis=axis, keepdims=True)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        y = self.output()
        return (y * (g - (g * y).sum(axis=self.axis, keepdims=True)),)


class LogSoftmax(Primitive):
    """y = x - logsumexp(x);  d/dx = g - softmax(x) * sum(g) along the dim."""

    saves_output = True

    def forward(self, x: Array, axis: int | None) -> Array:
        self.axis = axis
        z, _ = shifted(x, axis)
        with np.errstate(divide="ignore", invalid="ignore"):  # a row of -inf: NaN, silently
            return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        y = self.output()
        return (g - self.xp.exp(y) * g.sum(axis=self.axis, keepdims=True),)


def _dim(op: str, input: Tensor, dim: int | None, axis: int | None) -> int:
    dim = dim if axis is None else axis
    if dim is None:
        raise TypeError(f"{op}: pass the dim to normalize over, e.g. {op}(x, dim=-1)")
    return normalize_dim(op, dim, input.ndim)


def softmax(input: Tensor, dim: int | None = None, *, axis: int | None = None,
            dtype: DTypeLike | None = None) -> Tensor:
    """Softmax along ``dim``: exponentials normalized to sum to 1."""
    input = input if dtype is None else input.to(dtype)
    axis = _dim("softmax", input, dim, axis)
    kernel("softmax", input._data.dtype, FLOATING, "pass dtype=, e.g. softmax(x, dim, dtype=ag.float32)")
    return Softmax.apply(input, axis=axis if input.ndim else None)


def log_softmax(input: Tensor, dim: int | None = None, *, axis: int | None = None,
                dtype: DTypeLike | None = None) -> Tensor:
    """log(softmax(x)) along ``dim``, computed without forming softmax."""
    input = input if dtype is None else input.to(dtype)
    axis = _dim("log_softmax", input, dim, axis)
    kernel("log_softmax", input._data.dtype, FLOATING,
           "pass dtype=, e.g. log_softmax(x, dim, dtype=ag.float32)")
    return LogSoftmax.apply(input, axis=axis if input.ndim else None)

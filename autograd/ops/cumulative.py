"""Cumulative ops along a dim: cumsum cumprod cummax cummin logcumsumexp (and cumsum_, cumprod_).

Bool and integer inputs of ``cumsum``/``cumprod`` accumulate in int64, as in PyTorch.
``cumprod``'s gradient is exact with zeros in the input (no division by them);
``cummax``/``cummin`` route the gradient to the returned index, which on ties is the latest
one (and a NaN, once seen, stays the running value at its latest index), as in PyTorch.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

import numpy as np

from .._tensor import Tensor
from ..inplace import apply_inplace
from ..out import write_out
from ..primitive import OpError, Primitive
from .dims import normalize_dim
from .indexing import Gather
from .reduce import ValuesIndices, accumulating

if TYPE_CHECKING:
    from ..types import Array, DTypeLike, Value


class Cumsum(Primitive):
    """out_k = sum_{j <= k} x_j (from the end when ``reverse``);  d/dx_i = sum_{k >= i} g_k.

    The gradient is the cumulative sum of g in the other direction, itself a ``Cumsum``.
    """

    def forward(self, x: Array, axis: int, reverse: bool = False) -> Array:
        self.axis, self.reverse = axis, reverse
        if x.ndim == 0:
            return x.copy()
        if reverse:  # dtype=: NumPy would widen int32 (and narrower) to the platform int
            return np.flip(np.cumsum(np.flip(x, axis), axis=axis, dtype=x.dtype), axis)
        return np.cumsum(x, axis=axis, dtype=x.dtype)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.call(Cumsum, g, axis=self.axis, reverse=not self.reverse),)


class Cumprod(Primitive):
    """out_k = prod_{j <= k} x_j;  d/dx_i = sum_{k >= i} g_k prod_{j <= k, j != i} x_j.

    In the fast path, before a row's first zero z this is ``revcumsum(g out)_i / x_i``; at z it
    is ``prod_{j < z} x_j * sum_{k >= z} g_k prod_{z < j <= k} x_j``; after z it is 0 (PyTorch's
    exact rule). Under create_graph the sum is formed directly from the products
    ``prod_{j <= k, j != i} x_j`` (a ``Cumprod`` of n x n rows, so O(n^2) memory), which is
    differentiable again and exact with zeros.
    """

    saved_inputs = (0,)
    saves_output = True

    def forward(self, x: Array, axis: int) -> Array:
        self.axis = axis
        return x.copy() if x.ndim == 0 else np.cumprod(x, axis=axis, dtype=x.dtype)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        if x.ndim == 0 or x.size == 0:
            return (g,)
        # The rule branches on the mode (like Prod): the fast path's O(n) exact rule has no
        # Tensor form, the graph path's O(n^2) one is built from differentiable ops.
        if self._create_graph:
            return (self._graph_rule(g, x),)
        g, out = cast("Array", g), cast("Array", self.output())
        return (np.moveaxis(_cumprod_grad(np.moveaxis(g, self.axis, -1),
                                          np.moveaxis(x, self.axis, -1),
                                          np.moveaxis(out, self.axis, -1)),
                            -1, self.axis),)

    def _graph_rule(self, g: Value, x: Tensor) -> Value:
        xs, gs = self.xp.swapaxes(x, self.axis, -1), self.xp.swapaxes(g, self.axis, -1)
        n = xs.shape[-1]
        eye = np.eye(n, dtype=x.dtype)
        others = xs[..., None, :] * (1 - eye) + eye  # row i: x with x_i replaced by 1
        products = self.call(Cumprod, others, axis=-1)  # [i, k] = prod_{j <= k, j != i} x_j
        upper = np.triu(np.ones((n, n), dtype=x.dtype))  # k >= i
        grad = (products * (gs[..., None, :] * upper)).sum(axis=-1)
        return self.xp.swapaxes(grad, self.axis, -1)


def _cumprod_grad(g: Array, x: Array, out: Array) -> Array:
    """Cumprod's exact gradient along the last axis (see ``Cumprod``)."""
    n = x.shape[-1]
    positions = np.arange(n)
    is_zero = x == 0
    first_zero = np.where(is_zero.any(-1), is_zero.argmax(-1), n)[..., None]
    before = positions < first_zero
    safe = np.where(before, x, 1)
    tail = np.flip(np.cumsum(np.flip(g * out, -1), -1), -1)  # sum_{k >= i} g_k out_k
    grad = np.where(before, tail / safe, 0)
    after = np.cumprod(np.where(positions <= first_zero, 1, x), -1)  # prod_{z < j <= k} x_j
    at_zero = np.prod(safe, -1, keepdims=True) * np.sum(
        np.where(positions >= first_zero, g * after, 0), -1, keepdims=True)
    return np.where(positions == first_zero, at_zero, grad).astype(g.dtype, copy=False)


class Cummax(Gather):
    """cummax values: x gathered at the index of the running maximum.

    d/dx = the gradient scatter-added at those indices.
    """


class Cummin(Gather):
    """cummin values: x gathered at the index of the running minimum.

    d/dx = the gradient scatter-added at those indices.
    """


class Logcumsumexp(Primitive):
    """out_k = log sum_{j <= k} e^{x_j}, by ``np.logaddexp.accumulate`` (never overflows).

    d/dx_i = sum_{k >= i} g_k e^{x_i - out_k}. The fast path sums in log space, split by the
    sign of g (PyTorch's rule); under create_graph the weights ``e^{x_i - out_k}`` (each <= 1)
    form an n x n matrix (O(n^2) memory), which is differentiable again.
    """

    saved_inputs = (0,)
    saves_output = True

    def forward(self, x: Array, axis: int) -> Array:
        if x.dtype.kind != "f":
            raise OpError(f"logcumsumexp: input dtype must be floating point, got {x.dtype}. "
                          "Hint: call .float() first")
        self.axis = axis
        return x.copy() if x.ndim == 0 else np.logaddexp.accumulate(x, axis=axis)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x, out = self.input(0), self.output()
        if x.ndim == 0 or x.size == 0:
            return (g,)
        if self._create_graph:  # branches on the mode, like Cumprod (see there)
            xs, outs = self.xp.swapaxes(x, self.axis, -1), self.xp.swapaxes(out, self.axis, -1)
            gs = self.xp.swapaxes(g, self.axis, -1)
            n = xs.shape[-1]
            upper = np.triu(np.ones((n, n), dtype=bool))  # [i, k]: k >= i
            weights = self.xp.exp(self.xp.where(upper, xs[..., :, None] - outs[..., None, :],
                                                -np.inf))
            return (self.xp.swapaxes((weights * gs[..., None, :]).sum(axis=-1), self.axis, -1),)
        return (_logcumsumexp_grad(cast("Array", g), x, cast("Array", out), self.axis),)


def _logcumsumexp_grad(g: Array, x: Array, out: Array, axis: int) -> Array:
    def reverse_lcse(a: Array) -> Array:
        return np.flip(np.logaddexp.accumulate(np.flip(a, axis), axis=axis), axis)

    with np.errstate(divide="ignore"):
        log_pos = np.log(np.where(g > 0, g, 0))
        log_neg = np.log(np.where(g < 0, -g, 0))
    return np.exp(x + reverse_lcse(log_pos - out)) - np.exp(x + reverse_lcse(log_neg - out))


def _running_index(x: Array, running: Array, axis: int) -> Array:
    """For each position, the latest index whose value equals the running extreme there."""
    hit = x == running
    if x.dtype.kind == "f":
        hit |= np.isnan(x) & np.isnan(running)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    positions = np.arange(x.shape[axis]).reshape(shape)
    return np.maximum.accumulate(np.where(hit, positions, 0), axis=axis).astype(np.int64)


def _accumulating(op: str, input: Tensor, dim: int, dtype: DTypeLike | None) -> tuple[Tensor, int]:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    return accumulating(input, dtype), normalize_dim(op, dim, input.ndim)


def _out_dtype(dtype: DTypeLike | None, out: Tensor | None) -> DTypeLike | None:
    """The dtype to accumulate in: ``dtype``, else out's (PyTorch's cumsum_out/cumprod_out)."""
    return out._data.dtype if dtype is None and isinstance(out, Tensor) else dtype


def cumsum(input: Tensor, dim: int, *, dtype: DTypeLike | None = None,
           out: Tensor | None = None) -> Tensor:
    """Cumulative sum along ``dim``: ``out[k] = input[0] + ... + input[k]``.

    Bool and integer tensors accumulate in int64 unless ``dtype`` is given. With ``out=`` and
    no ``dtype``, the sum runs in out's dtype (the input is cast first), as in PyTorch; with
    both, they must agree.
    """
    input, axis = _accumulating("cumsum", input, dim, _out_dtype(dtype, out))
    return write_out(Cumsum.apply(input, axis=axis), out, "cumsum", input, same_dtype=True)


def cumprod(input: Tensor, dim: int, *, dtype: DTypeLike | None = None,
            out: Tensor | None = None) -> Tensor:
    """Cumulative product along ``dim``; the gradient is exact where the input has zeros.

    ``out=`` as in cumsum.
    """
    input, axis = _accumulating("cumprod", input, dim, _out_dtype(dtype, out))
    return write_out(Cumprod.apply(input, axis=axis), out, "cumprod", input, same_dtype=True)


def cumsum_(self: Tensor, dim: int, *, dtype: DTypeLike | None = None) -> Tensor:
    """In place: ``self`` becomes its cumulative sum along ``dim``."""
    return apply_inplace(self, "cumsum_", partial(cumsum, dtype=dtype), dim)


def cumprod_(self: Tensor, dim: int, *, dtype: DTypeLike | None = None) -> Tensor:
    """In place: ``self`` becomes its cumulative product along ``dim``."""
    return apply_inplace(self, "cumprod_", partial(cumprod, dtype=dtype), dim)


def _running(op: str, primitive: type[Gather], accumulate: np.ufunc, input: Tensor,
             dim: int) -> ValuesIndices:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    axis = normalize_dim(op, dim, input.ndim)
    x = input.reshape(1) if input.ndim == 0 else input
    data = x._data
    running = accumulate.accumulate(data, axis=axis) if data.size else data
    index = _running_index(data, running, axis) if data.size else np.zeros(data.shape, np.int64)
    values = primitive.apply(x, index=index, axis=axis)
    if input.ndim == 0:
        return ValuesIndices(values.reshape(()), Tensor._wrap(index.reshape(())))
    return ValuesIndices(values, Tensor._wrap(index))


def cummax(input: Tensor, dim: int) -> ValuesIndices:
    """Running maximum along ``dim`` and, for each position, the index it was taken from."""
    return _running("cummax", Cummax, np.maximum, input, dim)


def cummin(input: Tensor, dim: int) -> ValuesIndices:
    """Running minimum along ``dim`` and, for each position, the index it was taken from."""
    return _running("cummin", Cummin, np.minimum, input, dim)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """``log(cumsum(exp(input), dim))`` computed without overflow (float tensors only)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"logcumsumexp: input must be a Tensor, got {type(input).__name__}")
    return Logcumsumexp.apply(input, axis=normalize_dim("logcumsumexp", dim, input.ndim))

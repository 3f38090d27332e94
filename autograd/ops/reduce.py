"""Reductions over ``dim`` (int, tuple or None) with ``keepdim``.

NumPy's ``axis``/``keepdims`` are accepted as aliases.

``max()``/``amax`` split the gradient evenly between tied maxima; ``max(dim)`` returns
``(values, indices)`` and routes the gradient to the returned index, as PyTorch does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .._tensor import Tensor
from ..checks import NUMERIC, is_int, kernel
from ..out import write_out
from ..primitive import OpError, Primitive, name_node
from .dims import keep_flag, pick, reduced_count, reduction_axes
from .indexing import Gather
from .softmax import shifted

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..types import Array, Dims, DTypeLike, Value


class ValuesIndices(NamedTuple):
    """What ``max(dim)``/``min(dim)`` return, like ``torch.return_types.max``."""

    values: Tensor
    indices: Tensor


class _Reduction(Primitive):
    """Shared state of reductions: the input shape, the reduced axes and keepdims."""

    def _setup(self, x: Array, axes: tuple[int, ...] | None, keepdims: bool) -> None:
        self.shape, self.axes, self.keepdims = x.shape, axes, keepdims

    def unreduce(self, g: Value) -> Value:
        """Give the upstream gradient back its reduced dims (size 1), for broadcasting."""
        if self.axes is not None and not self.keepdims:
            g = self.xp.expand_dims(g, self.axes)
        return g


class Sum(_Reduction):
    """sum of x over axes;  d/dx = 1."""

    def forward(self, x: Array, axes: tuple[int, ...] | None, keepdims: bool) -> Array:
        self._setup(x, axes, keepdims)
        return np.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)  # NumPy would widen int8

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.xp.broadcast_to(self.unreduce(g), self.shape),)


class Mean(_Reduction):
    """mean of x over axes (n elements each);  d/dx = 1/n."""

    def forward(self, x: Array, axes: tuple[int, ...] | None, keepdims: bool) -> Array:
        if x.dtype.kind != "f":
            raise OpError(f"mean: input dtype must be floating point, got {x.dtype}. "
                          "Hint: call .float() first")
        self._setup(x, axes, keepdims)
        if x.size == 0:  # NaN where nothing is averaged, as in PyTorch (NumPy would warn)
            with np.errstate(invalid="ignore"):
                return np.sum(x, axis=axes, keepdims=keepdims) / x.dtype.type(reduced_count(x.shape, axes))
        return np.mean(x, axis=axes, keepdims=keepdims)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        n = reduced_count(self.shape, self.axes)
        return (self.xp.broadcast_to(self.unreduce(g) / n, self.shape),)


class Prod(_Reduction):
    """prod of x over axes;  d/dx_i = prod of the other elements (exact with zeros).

    The products of the others are exclusive cumulative products from both sides (PyTorch's
    ``prod_safe_zeros_backward``): no division, so zeros are fine, and built from ``Cumprod``
    and concatenations, so double backward works through zeros too.
    """

    saved_inputs = (0,)

    def forward(self, x: Array, axes: tuple[int, ...] | None, keepdims: bool) -> Array:
        self._setup(x, axes, keepdims)
        return np.prod(x, axis=axes, keepdims=keepdims, dtype=x.dtype)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x, g = self.input(0), self.unreduce(g)
        if x.size == 0:
            return (self.xp.broadcast_to(g, x.shape),)
        return (g * self._products_of_others(x),)

    def _products_of_others(self, x: Value) -> Value:
        from .cumulative import Cumprod  # cumulative imports this module

        xp = self.xp
        axes = tuple(range(x.ndim)) if self.axes is None else self.axes
        last = tuple(range(x.ndim - len(axes), x.ndim))
        moved = xp.moveaxis(x, axes, last)
        flat = moved.reshape(tuple(moved.shape[:x.ndim - len(axes)]) + (-1,))
        ones = np.ones(tuple(flat.shape[:-1]) + (1,), dtype=x.dtype)
        before = self.call(Cumprod, xp.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        after = self.call(Cumprod, xp.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)
        return xp.moveaxis((before * after[..., ::-1]).reshape(moved.shape), last, axes)


class Amax(_Reduction):
    """max over axes;  d/dx = 1/k on each of the k elements equal to the max, else 0."""

    saved_inputs = (0,)
    saves_output = True
    reduce: staticmethod[..., Any] = staticmethod(np.max)  # declared: else mypy keeps np.max's first overload

    def forward(self, x: Array, axes: tuple[int, ...] | None, keepdims: bool) -> Array:
        if x.size == 0:
            raise OpError(f"{self.op_name}: the tensor is empty (shape {x.shape}) and the "
                          "operation has no identity. Hint: pass a dim that has elements")
        self._setup(x, axes, keepdims)
        return self.reduce(x, axis=axes, keepdims=keepdims)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        winners = self.input(0) == self.unreduce(self.output())
        count = winners.sum(axis=self.axes, keepdims=True).astype(g.dtype)  # not int64 -> float64
        return (self.unreduce(g) * winners / count,)


class Amin(Amax):
    """min over axes;  d/dx = 1/k on each of the k elements equal to the min, else 0."""

    reduce = staticmethod(np.min)


class Max(Gather):
    """max(dim) values: x at the given argmax indices (a gather along ``axis``).

    d/dx = 1 at the index, else 0.
    """

    shown_inputs = (0,)  # the index is no input of PyTorch's node
    # Gather's forward plus keepdims: applied only through _extreme, never as a Gather.
    def forward(self, x: Array, index: Array, axis: int, keepdims: bool) -> Array:  # type: ignore[override]
        self.keepdims = keepdims
        values = super().forward(x, index, axis)
        return values if keepdims else values.squeeze(axis)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return super().backward(g if self.keepdims else self.xp.expand_dims(g, self.axis))


class Min(Max):
    """min(dim) values: x at the given argmin indices;  d/dx = 1 at the index, else 0."""


class LogSumExp(_Reduction):
    """log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m = max(x), so it never overflows.

    d/dx = exp(x - logsumexp(x)) = softmax(x).
    """

    node_name = "LogsumexpBackward0"  # PyTorch's spelling
    saved_inputs = (0,)
    saves_output = True

    def forward(self, x: Array, axes: tuple[int, ...] | None, keepdims: bool) -> Array:
        self._setup(x, axes, keepdims)
        z, m = shifted(x, axes)
        with np.errstate(divide="ignore", invalid="ignore"):  # a row of -inf: -inf, silently
            out = np.log(np.sum(np.exp(z), axis=axes, keepdims=True)) + m
        return out if keepdims else out.squeeze(axes)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x, out = self.input(0), self.unreduce(self.output())
        with np.errstate(invalid="ignore"):  # -inf - -inf: NaN, as in PyTorch
            return (self.unreduce(g) * self.xp.exp(x - out),)


class ArgReduce(Primitive):
    """argmax, argmin, all, any: reductions whose result has no gradient."""

    differentiable = False

    def forward(self, x: Array, fn: Callable[..., Any], axis: int | tuple[int, ...] | None,
                keepdims: bool) -> Array:
        return fn(x, axis=axis, keepdims=keepdims)


# PyTorch's names over dims (or with keepdim), and of max()/min() (amax/amin nodes here)
_SUM_DIMS, _MEAN_DIMS, _PROD_DIM = (op.named(f"{op.__name__}Backward1") for op in (Sum, Mean, Prod))
_WHOLE = {"max": "MaxBackward1", "min": "MinBackward1"}


def accumulating(input: Tensor, dtype: DTypeLike | None) -> Tensor:
    """``input`` in the dtype its sum or product accumulates in, as PyTorch's sum/prod/cumsum.

    That is ``dtype`` if given, else int64 for bool and integer tensors (uint8 too).
    """
    if dtype is not None:
        return input.to(dtype)
    if input.dtype.kind in "biu" and input.dtype != np.int64:
        return input.to(np.int64)
    return input


def _args(op: str, input: Tensor, dim: Dims, axis: Dims, keepdim: bool,
          keepdims: bool | None) -> tuple[tuple[int, ...] | None, bool]:
    dim = pick(op, dim, axis, "dim", "axis")
    return reduction_axes(op, dim, input.ndim), keep_flag(op, keepdim, keepdims)


def sum(input: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,  # noqa: A001
        keepdims: bool | None = None, dtype: DTypeLike | None = None, out: Tensor | None = None) -> Tensor:
    """Sum over ``dim`` (all dims by default). Bool and integer tensors sum to int64."""
    axes, keep = _args("sum", input, dim, axis, keepdim, keepdims)
    input = accumulating(input, dtype)
    op = Sum if axes is None and not keep else _SUM_DIMS
    return write_out(op.apply(input, axes=axes, keepdims=keep), out, "sum", input)


def mean(input: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,
         keepdims: bool | None = None, dtype: DTypeLike | None = None, out: Tensor | None = None) -> Tensor:
    """Arithmetic mean over ``dim``."""
    axes, keep = _args("mean", input, dim, axis, keepdim, keepdims)
    op = Mean if axes is None and not keep else _MEAN_DIMS
    result = op.apply(input if dtype is None else input.to(dtype), axes=axes, keepdims=keep)
    return write_out(result, out, "mean", input)


def prod(input: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,
         keepdims: bool | None = None, dtype: DTypeLike | None = None,
         out: Tensor | None = None) -> Tensor:
    """Product over ``dim``. Bool and integer tensors multiply in int64."""
    axes, keep = _args("prod", input, dim, axis, keepdim, keepdims)
    input = accumulating(input, dtype)
    op = Prod if axes is None and not keep else _PROD_DIM
    return write_out(op.apply(input, axes=axes, keepdims=keep), out, "prod", input)


def amax(input: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,
         keepdims: bool | None = None, out: Tensor | None = None) -> Tensor:
    """Maximum over ``dim`` (ties share the gradient evenly)."""
    axes, keep = _args("amax", input, dim, axis, keepdim, keepdims)
    return write_out(Amax.apply(input, axes=axes, keepdims=keep), out, "amax", input)


def amin(input: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,
         keepdims: bool | None = None, out: Tensor | None = None) -> Tensor:
    """Minimum over ``dim`` (ties share the gradient evenly)."""
    axes, keep = _args("amin", input, dim, axis, keepdim, keepdims)
    return write_out(Amin.apply(input, axes=axes, keepdims=keep), out, "amin", input)


def _extreme(op: str, amax_or_amin: Callable[[Tensor], Tensor], pairwise: Callable[[Tensor, Tensor], Tensor],
             primitive: type[Max], arg_fn: Callable[..., Array], input: Tensor, dim: Dims | Tensor,
             keepdim: bool, axis: Dims, keepdims: bool | None) -> Tensor | ValuesIndices:
    if isinstance(dim, Tensor):
        return pairwise(input, dim)
    dim = pick(op, dim, axis, "dim", "axis")
    keep = keep_flag(op, keepdim, keepdims)
    if dim is None:
        return name_node(amax_or_amin(input), _WHOLE[op])
    if not is_int(dim):
        raise TypeError(f"{op}: dim must be an int (use amax/amin for several dims), got {dim!r}")
    (axis,) = reduction_axes(op, dim, input.ndim) or (0,)
    if input.ndim == 0:  # a 0-d tensor reduces over dim 0 to a 0-d result, keepdim or not
        input, keep = input.reshape(1), False
    if input.shape[axis] == 0:
        raise OpError(f"{op}: dim {dim} of shape {input.shape} is empty")
    index = arg_fn(input._data, axis=axis, keepdims=True)
    values = primitive.apply(input, index, axis=axis, keepdims=keep)
    indices = Tensor._wrap(index if keep else index.squeeze(axis))
    return ValuesIndices(values, indices)


def max(input: Tensor, dim: Dims | Tensor = None, keepdim: bool = False, *,  # noqa: A001
        axis: Dims = None, keepdims: bool | None = None) -> Tensor | ValuesIndices:
    """The maximum: of all elements, along a dim with its indices, or elementwise with another tensor.

    ``max()``: the largest value (ties share the gradient); ``max(dim)``: the named tuple
    ``(values, indices)``; ``max(other)``: elementwise ``maximum``.
    """
    from .select import maximum

    return _extreme("max", amax, maximum, Max, np.argmax, input, dim, keepdim, axis, keepdims)


def min(input: Tensor, dim: Dims | Tensor = None, keepdim: bool = False, *,  # noqa: A001
        axis: Dims = None, keepdims: bool | None = None) -> Tensor | ValuesIndices:
    """``min()``, ``min(dim)`` -> ``(values, indices)``, or elementwise ``minimum(other)``."""
    from .select import minimum

    return _extreme("min", amin, minimum, Min, np.argmin, input, dim, keepdim, axis, keepdims)


def logsumexp(input: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,
              keepdims: bool | None = None, out: Tensor | None = None) -> Tensor:
    """log(sum(exp(x))) over ``dim``, stable for large inputs."""
    axes, keep = _args("logsumexp", input, dim, axis, keepdim, keepdims)
    return write_out(LogSumExp.apply(input, axes=axes, keepdims=keep), out, "logsumexp", input)


def _arg_reduce(op: str, fn: Callable[..., Any], input: Tensor, dim: Dims, keepdim: bool, axis: Dims,
                keepdims: bool | None) -> Tensor:
    dim = pick(op, dim, axis, "dim", "axis")
    keep = keep_flag(op, keepdim, keepdims)
    axes: int | tuple[int, ...] | None  # a single int once argmax/argmin take their one dim
    axes = reduction_axes(op, dim, input.ndim) if dim is not None else None
    if fn in (np.argmax, np.argmin):
        if axes is not None and len(axes) > 1:
            raise TypeError(f"{op}: dim must be a single int")
        if input.numel() == 0:
            raise OpError(f"{op}: the tensor is empty (shape {input.shape})")
        axes = axes[0] if axes else None
        if axes is None and keep:
            return ArgReduce.apply(input.reshape(-1), fn=fn, axis=0, keepdims=True).reshape(
                (1,) * input.ndim)
    return ArgReduce.apply(input, fn=fn, axis=axes, keepdims=keep)


def argmax(input: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,
           keepdims: bool | None = None, out: Tensor | None = None) -> Tensor:
    """Index of the maximum (of the flattened tensor when ``dim`` is None)."""
    kernel("argmax", input._data.dtype, NUMERIC, "convert first, e.g. x.long()")
    result = _arg_reduce("argmax", np.argmax, input, dim, keepdim, axis, keepdims)
    return write_out(result, out, "argmax", input)


def argmin(input: Tensor, dim: Dims = None, keepdim: bool = False, *, axis: Dims = None,
           keepdims: bool | None = None, out: Tensor | None = None) -> Tensor:
    """Index of the minimum (of the flattened tensor when ``dim`` is None)."""
    kernel("argmin", input._data.dtype, NUMERIC, "convert first, e.g. x.long()")
    result = _arg_reduce("argmin", np.argmin, input, dim, keepdim, axis, keepdims)
    return write_out(result, out, "argmin", input)


def all(input: Tensor, dim: Dims = None, keepdim: bool = False, *,  # noqa: A001
        axis: Dims = None, keepdims: bool | None = None, out: Tensor | None = None) -> Tensor:
    """True where every element (over ``dim``) is non-zero."""
    return write_out(_arg_reduce("all", np.all, input, dim, keepdim, axis, keepdims), out, "all", input)


def any(input: Tensor, dim: Dims = None, keepdim: bool = False, *,  # noqa: A001
        axis: Dims = None, keepdims: bool | None = None, out: Tensor | None = None) -> Tensor:
    """True where some element (over ``dim``) is non-zero."""
    return write_out(_arg_reduce("any", np.any, input, dim, keepdim, axis, keepdims), out, "any", input)

"""Sorting and order statistics along a dim: sort argsort msort topk kthvalue median mode.

The values are gathers of the input at the chosen indices, so the gradient goes to the
returned index (PyTorch's ``value_selecting_reduction_backward``); ``median()`` without a dim
shares its gradient evenly between the elements equal to the median, as PyTorch does.

Conventions (pinned by tests): NaN sorts as the largest value; ``sort`` is always stable, also
for ``descending=True`` (equal values keep their order), so its indices match PyTorch's
``stable=True``. ``topk``, ``kthvalue`` and ``median(dim)`` pick among equal values by that
stable order (PyTorch's choice there is unspecified and may differ); ``topk(sorted=False)``
returns sorted values too. ``median`` is the lower median, and NaN (at its first index) when
the row holds a NaN. ``mode`` returns the smallest of the most frequent values and the last
index where it occurs (as PyTorch on the CPU); NaNs never count as equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..checks import NUMERIC, flag, integer, kernel
from ..out import write_outs
from ..primitive import OpError, Primitive
from .dims import normalize_dim
from .indexing import Gather
from .reduce import Max, ValuesIndices

if TYPE_CHECKING:
    from ..types import Array, Value


class Sort(Gather):
    """sort/topk values: x gathered along ``axis`` at the sorting indices.

    d/dx = the gradient scattered back to the index each value came from.
    """


class Topk(Sort):
    """topk values: x at the indices of the k largest (or smallest);  d/dx scatters back."""


class Kthvalue(Max):
    """The k-th smallest value along a dim;  d/dx = 1 at its index, else 0."""


class Median(Max):
    """median(dim) values: the lower median along a dim;  d/dx = 1 at its index, else 0."""

    node_name = "MedianBackward1"  # median(Tensor, int dim)


class Mode(Max):
    """mode(dim) values: the most frequent value along a dim;  d/dx = 1 at its index, else 0."""


class MedianAll(Primitive):
    """median() of all elements: the lower median (NaN if there is a NaN or no element).

    d/dx = 1/k on each of the k elements equal to the median (the NaNs, for a NaN), else 0.
    """

    node_name = "MedianBackward0"  # median(Tensor)

    def forward(self, x: Array) -> Array:
        flat = x.reshape(-1)
        if flat.size == 0:
            if x.dtype.kind != "f":
                raise OpError(f"median: the tensor is empty and of dtype {x.dtype}, which has "
                              "no NaN to return. Hint: give it elements or a float dtype")
            self.weights = np.zeros(x.shape, x.dtype)
            return np.array(np.nan, dtype=x.dtype)
        order = _argsort(flat, 0, descending=False)
        nans = np.isnan(flat) if flat.dtype.kind == "f" else np.zeros(flat.shape, bool)
        value = flat[order[(flat.size - 1) // 2]] if not nans.any() else flat[nans.argmax()]
        winners = nans if nans.any() else flat == value
        self.weights = (winners / winners.sum()).reshape(x.shape).astype(x.dtype)
        return np.asarray(value)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.weights,)


_SORT_STABLE = Sort.named("SortBackward1")  # PyTorch's sort(stable=...) overload


def _argsort(a: Array, axis: int, descending: bool) -> Array:
    """Stable argsort along ``axis``; NaN is the largest value; ties keep their order."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    flipped = np.flip(a, axis)
    return n - 1 - np.flip(np.argsort(flipped, axis=axis, kind="stable"), axis)


def _check_sortable(op: str, input: Tensor) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input.dtype.kind == "c":
        raise TypeError(f"{op}: complex tensors have no order (got {input.dtype})")


def _as_1d(input: Tensor) -> tuple[Tensor, bool]:
    """A 0-d tensor as shape (1,) (its results are reshaped back), else the tensor itself."""
    return (input.reshape(1), True) if input.ndim == 0 else (input, False)


def _check_k(op: str, k: Any, low: int, high: int, dim: int, shape: tuple[int, ...]) -> int:
    k = integer(op, "k", k)
    if not low <= k <= high:
        raise OpError(f"{op}: k={k} is out of range for dim {dim} of size {high} (shape "
                      f"{shape}); expected {low} <= k <= {high}")
    return k


def sort(input: Tensor, dim: int = -1, descending: bool = False,
         stable: bool | None = False, *, out: Any = None) -> ValuesIndices:
    """Sort along ``dim``; returns ``(values, indices)`` with ``input.gather(dim, indices) == values``.

    The sort is always stable (``stable`` is accepted for PyTorch's signature); NaN sorts last
    (first when ``descending``). ``out=(values, indices)`` takes two tensors of the values'
    dtype and int64.

    Example:
        >>> ag.sort(ag.tensor([3.0, 1.0, 2.0]))
        ValuesIndices(values=tensor([1., 2., 3.]), indices=tensor([1, 2, 0]))
    """
    _check_sortable("sort", input)
    axis = normalize_dim("sort", dim, input.ndim)
    x, was_0d = _as_1d(input)
    index = _argsort(x._data, axis, flag("sort", "descending", descending))
    values = (_SORT_STABLE if stable is True else Sort).apply(x, index=index, axis=axis)
    if was_0d:
        values, index = values.reshape(()), index.reshape(())
    return _pair(ValuesIndices(values, Tensor._wrap(index)), out, "sort", input)


def _pair(result: ValuesIndices, out: Any, op: str, input: Tensor) -> ValuesIndices:
    """``result``, or ``out=(values, indices)`` holding it (PyTorch's ``sort_out``/``topk_out``)."""
    return result if out is None else ValuesIndices(*write_outs(result, out, op, input))


def argsort(input: Tensor, dim: int = -1, descending: bool = False,
            stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (stable; see ``sort``)."""
    return sort(input, dim, descending, stable).indices


def msort(input: Tensor) -> Tensor:
    """The values of ``input`` sorted along dim 0 (``sort(input, 0).values``)."""
    return sort(input, 0).values


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True, *, out: Any = None) -> ValuesIndices:  # noqa: A002 - PyTorch's name
    """The ``k`` largest (``largest=False``: smallest) elements along ``dim`` and their indices.

    Values come sorted (largest first) also with ``sorted=False``; among equal values the
    earlier index comes first. ``out=(values, indices)`` as in ``sort``.
    """
    _check_sortable("topk", input)
    kernel("topk", input._data.dtype, NUMERIC)
    axis = normalize_dim("topk", dim, input.ndim)
    x, was_0d = _as_1d(input)
    k = _check_k("topk", k, 0, x.shape[axis], dim, tuple(input.shape))
    flag("topk", "sorted", sorted)
    order = _argsort(x._data, axis, descending=flag("topk", "largest", largest))
    index = np.take(order, np.arange(int(k)), axis=axis)
    values = Topk.apply(x, index=index, axis=axis)
    if was_0d:
        values, index = values.reshape(()), index.reshape(())
    return _pair(ValuesIndices(values, Tensor._wrap(index)), out, "topk", input)


def _select(op: str, primitive: type[Max], input: Tensor, dim: int, keepdim: bool,
            pick: Any) -> ValuesIndices:
    """Values and indices of one element per row along ``dim``; ``pick(rows)`` finds its index.

    ``rows`` is the input's data with ``dim`` moved last; ``pick`` returns indices of shape
    ``rows.shape[:-1]``.
    """
    _check_sortable(op, input)
    axis = normalize_dim(op, dim, input.ndim)
    keep = flag(op, "keepdim", keepdim)
    x = input
    if input.ndim == 0:
        x, keep = input.reshape(1), False
    if x.shape[axis] == 0:
        raise IndexError(f"{op}: dim {dim} of shape {tuple(input.shape)} is empty; expected "
                         "a reduction dim with at least one element")
    rows = np.moveaxis(x._data, axis, -1)
    index = np.expand_dims(np.asarray(pick(rows), dtype=np.int64), axis)
    values = primitive.apply(x, index, axis=axis, keepdims=keep)
    return ValuesIndices(values, Tensor._wrap(index if keep else index.squeeze(axis)))


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """The ``k``-th smallest element (k counts from 1) along ``dim`` and its index."""
    _check_sortable("kthvalue", input)
    kernel("kthvalue", input._data.dtype, NUMERIC)
    size = input.shape[normalize_dim("kthvalue", dim, input.ndim)] if input.ndim else 1
    if size:  # an empty dim is refused by _select
        k = _check_k("kthvalue", k, 1, size, dim, tuple(input.shape))

    def pick(rows: Array) -> Array:
        return _argsort(rows, -1, descending=False)[..., int(k) - 1]

    return _select("kthvalue", Kthvalue, input, dim, keepdim, pick)


def _median_index(rows: Array) -> Array:
    order = _argsort(rows, -1, descending=False)
    n = rows.shape[-1]
    nans = np.isnan(rows).sum(-1) if rows.dtype.kind == "f" else np.zeros(rows.shape[:-1], int)
    position = np.where(nans > 0, n - nans, (n - 1) // 2)  # the first NaN, else the lower median
    return np.take_along_axis(order, position[..., None], -1)[..., 0]


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """The lower median: of all elements (a 0-d tensor), or along ``dim`` with its indices.

    NaN propagates: a row holding a NaN has median NaN (at its first NaN's index).
    """
    _check_sortable("median", input)
    if input.dtype == np.bool_:
        raise TypeError("median: bool tensors are not supported. Hint: convert with .long()")
    if dim is None:
        return MedianAll.apply(input)
    return _select("median", Median, input, dim, keepdim, _median_index)


def _mode_index(rows: Array) -> Array:
    order = _argsort(rows, -1, descending=False)
    s = np.take_along_axis(rows, order, -1)
    positions = np.arange(rows.shape[-1])
    starts = np.ones(s.shape, dtype=bool)
    starts[..., 1:] = s[..., 1:] != s[..., :-1]  # NaN != NaN: each NaN is its own run
    run_start = np.maximum.accumulate(np.where(starts, positions, 0), axis=-1)
    count = positions - run_start + 1  # position within its run of equal values
    best = count.argmax(-1)  # the end of the first (smallest-valued) longest run
    return np.take_along_axis(order, best[..., None], -1)[..., 0]


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """The most frequent value along ``dim`` (the smallest among equally frequent ones).

    Its index is the last position where it occurs.
    """
    return _select("mode", Mode, input, dim, keepdim, _mode_index)

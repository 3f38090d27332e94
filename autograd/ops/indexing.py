"""Indexing: ``x[index]``, ``x[index] = value``, ``gather`` and their adjoints.

``x[index]`` takes ints, slices (negative steps too), None, ``...``, integer arrays and bool
masks (Tensors, lists or arrays). Its backward adds the gradient back at the indexed
positions with ``np.add.at``, so repeated indices accumulate; a basic index's backward, in the
fast path, hands the engine a ``SlicedGrad`` instead, so the gradients of many slices of one
tensor (``unbind``, ``split``, ``x[t]`` per step) are summed into one buffer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .._tensor import Tensor
from ..checks import warn
from ..dtypes import check_operand
from ..dtypes import name as dtype_name
from ..out import write_out
from ..primitive import Primitive
from ..sliced_grad import SlicedGrad
from .dims import normalize_dim

if TYPE_CHECKING:
    from ..types import Array, ArrayLike, Shape, Value

_INDEX_HINT = "indices must lie in [-size, size) of their dim"


class GetItem(Primitive):
    """x[index] with basic indexing (ints, slices, None, ...): a view of x.

    d/dx = the gradient placed at the indexed positions, zero elsewhere: in the fast path a
    ``SlicedGrad`` that the engine adds into x's pending sum in place (O(the slice), not
    O(x.size)), under create_graph a recorded ``IndexAdd``.
    """

    is_view = True
    hint = _INDEX_HINT

    def forward(self, x: Array, index: Any) -> Array:
        self.shape, self.index = x.shape, index
        out = x[index]
        if not isinstance(out, np.ndarray):  # an element: NumPy copies it out, a view keeps it
            out = x[(index if isinstance(index, tuple) else (index,)) + (Ellipsis,)]
        return out

    def backward(self, g: Value) -> tuple[Value | SlicedGrad | None, ...]:
        if self._create_graph:
            return self.call(IndexAdd, g, index=self.index, shape=self.shape), None
        return SlicedGrad(self.index, cast("Array", g), self.shape), None


class Index(GetItem):
    """x[index] with integer arrays or bool masks: a copy; repeated indices accumulate."""

    is_view = False

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return self.call(IndexAdd, g, index=self.index, shape=self.shape), None


class IndexAdd(Primitive):
    """zeros(shape) with ``g`` added at ``index`` (the adjoint of ``x[index]``).

    d/dg = the gradient read back at ``index``.
    """

    def forward(self, g: Array, index: Any, shape: Shape) -> Array:
        self.index = index
        out = np.zeros(shape, dtype=g.dtype)
        if _is_basic(index):
            out[index] = g
        else:
            np.add.at(out, index, g)
        return out

    def backward(self, g2: Value) -> tuple[Value | None, ...]:
        return (g2[self.index],)


class IndexPut(Primitive):
    """``x`` with ``x[index] = value`` applied (out of place; ``__setitem__`` writes it back).

    d/dx = the gradient with zeros at ``index``, d/dvalue = the gradient read at ``index``.

    When an integer index repeats a position, only the last write lands, so only it gets
    gradient (PyTorch leaves this case undefined and counts every write).
    """

    hint = _INDEX_HINT

    def forward(self, x: Array, value: ArrayLike, index: Any) -> Array:
        self.index = index
        out = x.copy()
        out[index] = value
        return out

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        kept = np.ones(g.shape, dtype=bool)  # g has x's shape
        kept[self.index] = False
        grad_value = g[self.index]
        if not _is_basic(self.index):
            grad_value = grad_value * _landed_writes(g.shape, self.index)
        return g * kept, grad_value


def _landed_writes(shape: Shape, index: Any) -> Array:
    """For each element of the selection ``x[index]``, whether its write is the one that stays."""
    selection_shape = np.empty(shape, dtype=np.bool_)[index].shape
    ids = np.arange(int(np.prod(selection_shape))).reshape(selection_shape)
    owner = np.full(shape, -1)
    owner[index] = ids
    return owner[index] == ids


class Gather(Primitive):
    """out[i][j] = x[index[i][j]][j] for dim 0 (``torch.gather``).

    d/dx = the gradient scatter-added at ``index``.
    """

    hint = "index must have as many dims as the input and fit inside it on the other dims"

    def forward(self, x: Array, index: Array, axis: int) -> Array:
        self.shape, self.index, self.axis = x.shape, index, axis
        return np.take_along_axis(x, index, axis)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return self.call(ScatterAdd, g, index=self.index, axis=self.axis, shape=self.shape), None


class ScatterAdd(Primitive):
    """zeros(shape) with ``g`` added along ``axis`` at ``index`` (the adjoint of gather).

    d/dg = gather of the gradient at ``index``.
    """

    def forward(self, g: Array, index: Array, axis: int, shape: Shape) -> Array:
        self.index, self.axis = index, axis
        out = np.zeros(shape, dtype=g.dtype)
        grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
        grid[axis] = index
        np.add.at(out, tuple(grid), g)
        return out

    def backward(self, g2: Value) -> tuple[Value | None, ...]:
        return (self.call(Gather, g2[gather_window(self.index.shape, self.axis)], index=self.index,
                          axis=self.axis),)


def gather_window(index_shape: Shape, axis: int) -> tuple[slice, ...]:
    """The part of a tensor that ``gather(dim=axis)`` with an index of ``index_shape`` reads."""
    return tuple(slice(None) if d == axis else slice(n) for d, n in enumerate(index_shape))


def _is_basic(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice)) for p in parts)


_UINT8_INDEX = ("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                "torch.bool instead.")


def _index_part(part: Any) -> Any:
    if isinstance(part, Tensor):
        part = part._data
        if part.dtype == np.uint8:  # PyTorch's legacy byte mask
            warn(_UINT8_INDEX)
            part = part.astype(bool)
        elif part.ndim and part.dtype.kind in "iu" and part.dtype not in (np.int32, np.int64):
            raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors, "
                             f"got {dtype_name(part.dtype)}. Hint: convert with .long()")
    elif isinstance(part, list):
        part = np.asarray(part)
    if isinstance(part, np.ndarray) and part.dtype.kind not in "biu":
        raise IndexError(f"tensors used as indices must be integer or bool, got {part.dtype}. "
                         "Hint: convert with .long()")
    if isinstance(part, bool):
        return np.asarray(part)
    return part


def normalize_index(index: Any) -> Any:
    """Tensors and lists inside an index become arrays; the result is valid for NumPy."""
    if isinstance(index, tuple):
        return tuple(_index_part(p) for p in index)
    return _index_part(index)


# PyTorch records ``x[index]`` as one view op per part of the index; the node is named as the
# last of them: select for an int, slice for a slice (one that keeps a whole dim is skipped
# inside a tuple), unsqueeze for None, alias when nothing else applies (``x[...]``).
_SELECT = GetItem.named("SelectBackward0")
_SLICE = GetItem.named("SliceBackward0")
_UNSQUEEZE = GetItem.named("UnsqueezeBackward0")
_ALIAS = GetItem.named("AliasBackward0")


def _view_type(index: Any, shape: Shape) -> type[GetItem]:
    """The node type PyTorch's name for ``x[index]`` (a basic index) picks."""
    if not isinstance(index, tuple):
        return (_SLICE if isinstance(index, slice) else _UNSQUEEZE if index is None
                else _ALIAS if index is Ellipsis else _SELECT)
    found, dim = _ALIAS, 0
    for part in index:
        if part is None:
            found = _UNSQUEEZE
        elif part is Ellipsis:
            dim += len(shape) - sum(p is not None and p is not Ellipsis for p in index)
        else:
            if not isinstance(part, slice):
                found = _SELECT
            elif dim >= len(shape) or part.indices(shape[dim]) != (0, shape[dim], 1):
                found = _SLICE
            dim += 1
    return found


def getitem(input: Tensor, index: Any) -> Tensor:
    """``x[index]``: views for basic indexing, copies for integer arrays and bool masks."""
    index = normalize_index(index)
    op = _view_type(index, input.shape) if _is_basic(index) else Index
    return op.apply(input, index=index)


def index_put(input: Tensor, index: Any, value: Tensor | ArrayLike) -> Tensor:
    """Out-of-place ``input[index] = value`` (used by ``__setitem__``).

    ``value`` broadcasts to the selection, and may carry extra leading size-1 dims, as in PyTorch.
    """
    if not isinstance(value, Tensor):
        check_operand("__setitem__", value)
    if np.ndim(value) == 0 and any(isinstance(p, Tensor) and p.dtype == np.uint8
                                   for p in (index if isinstance(index, tuple) else (index,))):
        raise RuntimeError("__setitem__: masked_fill_ only supports boolean masks, but got mask "
                           "with dtype uint8. Hint: index with mask.bool()")
    index = normalize_index(index)
    try:
        selection = np.broadcast_to(np.empty((), np.bool_), input.shape)[index].shape
    except IndexError as error:
        raise IndexError(f"__setitem__: {error} for a tensor of shape {input.shape}. "
                         f"Hint: {_INDEX_HINT}") from None
    value_shape = np.shape(value)
    extra = len(value_shape) - len(selection)
    fits = extra <= 0 or all(n == 1 for n in value_shape[:extra])
    try:
        fits = fits and np.broadcast_shapes(value_shape[max(extra, 0):], selection) == selection
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"__setitem__: a value of shape {value_shape} can't be written into the "
                         f"selection of shape {selection} of a tensor of shape {input.shape}. "
                         "Hint: the value must broadcast to the selected shape")
    if extra > 0:
        value = (value if hasattr(value, "reshape") else np.asarray(value)).reshape(
            value_shape[extra:])
    return IndexPut.apply(input, value, index=index)


def index_array(op: str, index: Any) -> Array:
    """The integer array of an ``index`` argument (gather, scatter, index_select...).

    Raises:
        TypeError: a non-integer index.
    """
    array = index._data if isinstance(index, Tensor) else np.asarray(index)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must be an integer tensor, got {array.dtype}. "
                        "Hint: convert with .long()")
    return array


def check_bounds(op: str, index: Array, size: int, dim: int) -> None:
    """Refuse indices outside ``[0, size)``: these ops take no negative indices, as in PyTorch.

    Raises:
        IndexError: an index out of bounds (the first offender is named).
    """
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = index.min() if index.min() < 0 else index.max()
        raise IndexError(f"{op}: index {bad} is out of bounds for dim {dim} of size {size} "
                         f"(indices must lie in [0, {size}))")


def gather(input: Tensor, dim: int, index: Any, *, out: Tensor | None = None) -> Tensor:
    """Values along ``dim`` at ``index`` (same number of dims as ``input``), each in [0, size)."""
    axis = normalize_dim("gather", dim, input.ndim)
    index = index_array("gather", index)
    if index.ndim == 0 and input.ndim == 1:  # PyTorch counts a 0-d index as 1-d: a 0-d result
        return gather(input, dim, index.reshape(1), out=out).reshape(())
    if index.ndim != input.ndim:
        raise IndexError(f"gather: index has {index.ndim} dims but the input {input.shape} has "
                         f"{input.ndim}; they must match")
    if any(i > n for d, (i, n) in enumerate(zip(index.shape, input.shape)) if d != axis):
        raise IndexError(f"gather: index shape {index.shape} exceeds input shape {input.shape} "
                         f"outside dim {dim}")
    check_bounds("gather", index, input.shape[axis] if input.ndim else 1, dim)
    if input.ndim == 0:  # NumPy has no axis 0 here; PyTorch reads the one element
        return gather(input.reshape(1), 0, index.reshape(1), out=out).reshape(())
    window = gather_window(index.shape, axis)
    if any(i != n for d, (i, n) in enumerate(zip(index.shape, input.shape)) if d != axis):
        input = getitem(input, window)
    return write_out(Gather.apply(input, index=index, axis=axis), out, "gather",
                     input, index, same_dtype=True)

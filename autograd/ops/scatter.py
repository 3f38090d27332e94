"""Masked and indexed reads and writes: masked_*, index_*, scatter, scatter_add, take_along_dim.

Most compose from indexing (``x[mask]``, ``x[:, index]``, ``index_put``, gather's adjoint
``ScatterAdd``); ``scatter`` is a primitive: the output is x with ``src`` written at ``index``
along ``dim``; d/dx = the gradient with zeros at the written positions, d/dsrc = the gradient
gathered at ``index`` (every write counted, as in PyTorch; with repeated indices the value
that lands is unspecified). ``scatter_reduce`` lives in ``scatter_reduce.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from ..conversion import scalar
from ..inplace import apply_inplace
from ..out import write_out
from ..primitive import OpError, Primitive, name_node
from .dims import normalize_dim
from .indexing import (
    Gather,
    IndexAdd,
    ScatterAdd,
    check_bounds,
    gather,
    gather_window,
    getitem,
    index_array,
    index_put,
)
from .movement import clone, expand, reshape
from .select import where

if TYPE_CHECKING:
    from ..types import Array, Shape, Value


def scatter_grid(index: Array, axis: int) -> tuple[Array, ...]:
    """The NumPy index that puts element ``index[i][j]`` at ``out[index[i][j]][j]`` (dim 0)."""
    grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
    grid[axis] = index
    return tuple(grid)


def window(shape: Shape) -> tuple[slice, ...]:
    """The leading block of a tensor that an index of ``shape`` reads."""
    return tuple(slice(n) for n in shape)


class Scatter(Primitive):
    """x with ``src[i][j]`` written at ``out[index[i][j]][j]`` (dim 0); ``src`` may be a scalar.

    d/dx = the gradient with zeros at the written positions; d/dsrc = gather(g, index), padded
    with zeros to src's shape.
    """

    def forward(self, x: Array, src: Any, index: Array, axis: int) -> Array:
        self.index, self.axis = index, axis
        self.src_shape = np.shape(src)
        grid = scatter_grid(index, axis)
        out = x.copy()
        out[grid] = src[window(index.shape)] if np.ndim(src) else src
        self.kept = np.ones(x.shape, dtype=np.bool_)
        self.kept[grid] = False
        return out

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        grad_x = g * self.kept if self.needs_input_grad[0] else None
        grad_src = None
        if self.needs_input_grad[1]:
            grad_src = self.call(Gather, g[gather_window(self.index.shape, self.axis)],
                                 index=self.index, axis=self.axis)
            if grad_src.shape != self.src_shape:
                grad_src = self.call(IndexAdd, grad_src, index=window(self.index.shape),
                                     shape=self.src_shape)
        return grad_x, grad_src


_SCATTER_VALUE = Scatter.named("ScatterBackward1", shown_inputs=(0,))  # PyTorch's scatter.value


# ---- argument checks ------------------------------------------------------------------------
def _bool_mask(op: str, mask: Any) -> Array:
    array = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if array.dtype != np.bool_:
        raise TypeError(f"{op}: mask must be a bool tensor, got {array.dtype}. "
                        "Hint: compare first (x > 0) or call .bool()")
    return array


def _same_dtype(op: str, input: Tensor, other: Tensor, name: str) -> None:
    if other.dtype != input.dtype:
        raise TypeError(f"{op}: self ({dtypes.name(input.dtype)}) and {name} "
                        f"({dtypes.name(other.dtype)}) must have the same dtype. "
                        f"Hint: {name}.to(x.dtype)")


def _vector_index(op: str, input: Tensor, dim: int, index: Any) -> tuple[int, Array]:
    """The axis and the 1-D index of index_select/index_add/index_copy, bounds checked."""
    axis = normalize_dim(op, dim, input.ndim)
    array = index_array(op, index)
    if array.ndim > 1:
        raise IndexError(f"{op}: index must be a vector (0-d or 1-D), got shape {array.shape}")
    array = array.reshape(-1)
    check_bounds(op, array, input.shape[axis] if input.ndim else 1, dim)
    return axis, array


def _check_source(op: str, input: Tensor, axis: int, index: Array, source: Tensor) -> None:
    _same_dtype(op, input, source, "source")
    expected = input.shape[:axis] + (len(index),) + input.shape[axis + 1:]
    if source.shape != expected and not (input.ndim == 0 and source.numel() == len(index)):
        raise OpError(f"{op}: source has shape {source.shape}, expected {expected} (the input "
                      f"{input.shape} with dim {axis} of the index's length {len(index)})")


def _scatter_checks(op: str, input: Tensor, dim: int, index: Any,
                    src: Tensor | None) -> tuple[int, Array]:
    """PyTorch's rules for scatter and friends; returns the axis and the index array."""
    axis = normalize_dim(op, dim, input.ndim)
    array = index_array(op, index)
    if array.size == 0:
        return axis, array
    if array.ndim == 0 and input.ndim == 1:  # PyTorch counts a 0-d index as 1-d
        array = array.reshape(1)
    if array.ndim != input.ndim:
        raise IndexError(f"{op}: index has {array.ndim} dims but the input {input.shape} has "
                         f"{input.ndim}; they must match")
    if src is not None:
        _same_dtype(op, input, src, "src")
        if max(src.ndim, 1) != max(input.ndim, 1):
            raise IndexError(f"{op}: src has {src.ndim} dims but the input {input.shape} has "
                             f"{input.ndim}; they must match")
    too_big = any(i > n for d, (i, n) in enumerate(zip(array.shape, input.shape)) if d != axis)
    if too_big or (src is not None and any(i > n for i, n in zip(array.shape, src.shape))):
        raise OpError(f"{op}: index shape {array.shape} must be no larger than the input "
                      f"{input.shape} outside dim {dim}"
                      + ("" if src is None else f", and no larger than src {src.shape}"))
    check_bounds(op, array, input.shape[axis] if input.ndim else 1, dim)
    return axis, array


# ---- masked -------------------------------------------------------------------------------
def masked_fill(input: Tensor, mask: Tensor, value: Tensor | float) -> Tensor:
    """``value`` where ``mask`` is True, else ``input`` (mask broadcasts; value is cast to input's dtype).

    ``value`` is a number or a 0-d tensor (which then gets the summed gradient of the filled
    positions).
    """
    cond = _bool_mask("masked_fill", mask)
    if isinstance(value, Tensor):
        if value.ndim:
            raise OpError(f"masked_fill: value must be a number or a 0-d tensor, got shape "
                          f"{value.shape}")
        fill: Any = value.to(input.dtype)
        return name_node(where(cond, fill, input), "MaskedFillBackward1", shown_inputs=(2, 1))
    fill = np.asarray(scalar(value, input._data.dtype, "masked_fill")).astype(input.dtype)
    return name_node(where(cond, fill, input), "MaskedFillBackward0", shown_inputs=(2,))


def masked_fill_(self: Tensor, mask: Tensor, value: Tensor | float) -> Tensor:
    """In place: set the elements where ``mask`` is True to ``value``."""
    mask_shape = _bool_mask("masked_fill_", mask).shape
    try:
        fits = np.broadcast_shapes(self.shape, mask_shape) == self.shape
    except ValueError:
        fits = False
    if not fits:
        raise OpError(f"masked_fill_: a mask of shape {mask_shape} does not broadcast to the "
                      f"tensor's shape {tuple(self.shape)}")
    return apply_inplace(self, "masked_fill_", masked_fill, mask, value)


def masked_select(input: Tensor, mask: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The elements where ``mask`` (broadcast with ``input``) is True, as a 1-D tensor.

    ``out=`` takes a tensor of the input's dtype, as in PyTorch.
    """
    cond = _bool_mask("masked_select", mask)
    try:
        shape = np.broadcast_shapes(input.shape, cond.shape)
    except ValueError:
        raise OpError(f"masked_select: the mask's shape {cond.shape} does not broadcast with "
                      f"the input's shape {input.shape}") from None
    if input.shape != shape:
        input = expand(input, shape)
    result = name_node(getitem(input, np.broadcast_to(cond, shape)), "MaskedSelectBackward0")
    return write_out(result, out, "masked_select", input, mask, same_dtype=True)


# ---- index_* ------------------------------------------------------------------------------
def index_select(input: Tensor, dim: int, index: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The slices ``index[0], index[1], ...`` along ``dim`` (a copy; indices may repeat).

    ``out=`` takes a tensor of the input's dtype, as in PyTorch.
    """
    axis, array = _vector_index("index_select", input, dim, index)
    if input.ndim == 0:
        if len(array) != 1:
            raise IndexError(f"index_select: a 0-d tensor takes exactly one index, got {len(array)}")
        result = clone(input)
    else:
        result = getitem(input, (slice(None),) * axis + (array,))
    return write_out(name_node(result, "IndexSelectBackward0"), out, "index_select", input,
                     same_dtype=True)


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: float = 1) -> Tensor:
    """``input`` with ``alpha * source[..., i, ...]`` added at ``index[i]`` along ``dim``.

    Repeated indices accumulate.
    """
    axis, array = _vector_index("index_add", input, dim, index)
    _check_source("index_add", input, axis, array, source)
    if input.ndim == 0:
        return reshape(index_add(reshape(input, 1), 0, index, reshape(source, -1), alpha=alpha), ())
    scaled = source if alpha == 1 else source * alpha
    added = IndexAdd.apply(scaled, index=(slice(None),) * axis + (array,), shape=input.shape)
    return name_node(input + added, "IndexAddBackward0")


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """``input`` with ``source[..., i, ...]`` copied to ``index[i]`` along ``dim``.

    With repeated indices the value that lands is unspecified, as in PyTorch.
    """
    axis, array = _vector_index("index_copy", input, dim, index)
    _check_source("index_copy", input, axis, array, source)
    if input.ndim == 0:
        return reshape(index_copy(reshape(input, 1), 0, index, reshape(source, -1)), ())
    return name_node(index_put(input, (slice(None),) * axis + (array,), source), "IndexCopyBackward0")


def index_add_(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: float = 1) -> Tensor:
    """In place: add ``alpha * source`` at ``index`` along ``dim``."""
    def op(x: Tensor, index: Tensor, source: Tensor) -> Tensor:
        return index_add(x, dim, index, source, alpha=alpha)
    return apply_inplace(self, "index_add_", op, index, source)


def index_copy_(self: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """In place: copy ``source`` to ``index`` along ``dim``."""
    def op(x: Tensor, index: Tensor, source: Tensor) -> Tensor:
        return index_copy(x, dim, index, source)
    return apply_inplace(self, "index_copy_", op, index, source)


# ---- scatter ------------------------------------------------------------------------------
def scatter(input: Tensor, dim: int, index: Tensor, src: Tensor | float | None = None, *,
            value: float | None = None, reduce: str | None = None) -> Tensor:
    """``input`` with ``src[i][j]`` (or the number ``value``) written at ``[index[i][j]][j]`` (dim 0).

    ``reduce='add'`` or ``'multiply'`` combines instead of writing (prefer ``scatter_add`` and
    ``scatter_reduce``). Repeated indices: the value that lands is unspecified.
    """
    if (src is None) == (value is None):
        raise TypeError("scatter: pass exactly one of src (a tensor or number) and value")
    fill = src if value is None else value
    src_tensor = fill if isinstance(fill, Tensor) else None
    if src_tensor is None and not isinstance(fill, (int, float, bool, np.number)):
        raise TypeError(f"scatter: src must be a tensor or a number, got {type(fill).__name__}")
    axis, array = _scatter_checks("scatter", input, dim, index, src_tensor)
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise OpError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}. "
                          "Hint: scatter_reduce has 'sum', 'prod', 'mean', 'amax' and 'amin'")
        source = src_tensor if src_tensor is not None else Tensor._wrap(
            np.full(array.shape, fill, dtype=input.dtype))
        if reduce == "add":
            return scatter_add(input, dim, index, source)
        from .scatter_reduce import scatter_reduce

        return scatter_reduce(input, dim, index, source, "prod")
    if array.size == 0:
        return clone(input)
    if input.ndim == 0:
        flat_src = fill if src_tensor is None else reshape(src_tensor, 1)
        return reshape(Scatter.apply(reshape(input, 1), flat_src, index=array.reshape(1),
                                     axis=0), ())
    if src_tensor is None:
        fill = scalar(fill, input._data.dtype, "scatter")
        return _SCATTER_VALUE.apply(input, np.asarray(fill).astype(input.dtype), index=array, axis=axis)
    if src_tensor.ndim == 0:  # with a 0-d index (PyTorch counts both as 1-d)
        src_tensor = reshape(src_tensor, 1)
    return Scatter.apply(input, src_tensor, index=array, axis=axis)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``input`` with ``src[i][j]`` added at ``[index[i][j]][j]`` (dim 0); repeated indices accumulate."""
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add: src must be a tensor, got {type(src).__name__}")
    axis, array = _scatter_checks("scatter_add", input, dim, index, src)
    if array.size == 0:
        return clone(input)
    if input.ndim == 0:
        return reshape(scatter_add(reshape(input, 1), 0, Tensor._wrap(array.reshape(1)),
                                   reshape(src, 1)), ())
    if src.ndim == 0:
        src = reshape(src, 1)
    if src.shape != array.shape:
        src = getitem(src, window(array.shape))
    added = ScatterAdd.apply(src, index=array, axis=axis, shape=input.shape)
    return name_node(input + added, "ScatterAddBackward0")


def scatter_(self: Tensor, dim: int, index: Tensor, src: Tensor | float | None = None, *,
             value: float | None = None, reduce: str | None = None) -> Tensor:
    """In place: ``scatter``."""
    def op(x: Tensor, index: Tensor, src: Any) -> Tensor:
        return scatter(x, dim, index, src, value=value, reduce=reduce)
    return apply_inplace(self, "scatter_", op, index, src)


def scatter_add_(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """In place: ``scatter_add``."""
    def op(x: Tensor, index: Tensor, src: Tensor) -> Tensor:
        return scatter_add(x, dim, index, src)
    return apply_inplace(self, "scatter_add_", op, index, src)


# ---- take_along_dim ---------------------------------------------------------------------------
def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """Values at ``indices`` along ``dim`` (``np.take_along_axis``); other dims broadcast.

    With ``dim=None`` both are flattened first.
    """
    array = index_array("take_along_dim", indices)
    if dim is None:
        flat = reshape(input, -1)
        check_bounds("take_along_dim", array, flat.shape[0], 0)
        return gather(flat, 0, array.reshape(-1))
    axis = normalize_dim("take_along_dim", dim, input.ndim)
    if array.ndim != input.ndim:
        raise OpError(f"take_along_dim: input and indices must have the same number of dims, "
                      f"got {input.ndim} ({input.shape}) and {array.ndim} ({array.shape})")
    if input.ndim == 0:
        check_bounds("take_along_dim", array.reshape(-1), 1, dim)
        return clone(input)
    check_bounds("take_along_dim", array, input.shape[axis], dim)
    try:
        shape = list(np.broadcast_shapes(
            tuple(1 if d == axis else n for d, n in enumerate(input.shape)),
            tuple(1 if d == axis else n for d, n in enumerate(array.shape))))
    except ValueError:
        raise OpError(f"take_along_dim: the shapes of input {input.shape} and indices "
                      f"{array.shape} do not broadcast outside dim {dim}") from None
    input_shape = tuple(input.shape[axis] if d == axis else n for d, n in enumerate(shape))
    index_shape = tuple(array.shape[axis] if d == axis else n for d, n in enumerate(shape))
    if input.shape != input_shape:
        input = expand(input, input_shape)
    return gather(input, axis, np.broadcast_to(array, index_shape))

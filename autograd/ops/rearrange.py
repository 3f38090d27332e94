"""Rearranging elements: flip, roll, repeat/tile, repeat_interleave, narrow, unbind, split, movedim.

``flip``, ``roll`` and ``repeat`` are primitives (their gradients: flip back, roll back, sum
the tiles); the rest compose from indexing and permute. ``Tensor.repeat`` follows
``np.tile`` (whole copies of the tensor), ``repeat_interleave`` follows ``np.repeat``
(each element repeated in place).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from .. import views
from .._tensor import Tensor
from ..checks import int_args, integer, integers, is_int
from ..primitive import OpError, Primitive, name_node
from .dims import normalize_dim
from .indexing import GetItem, getitem
from .movement import clone, permute, reshape, transpose

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..types import Array, Shape, Value


class Flip(Primitive):
    """Reverse the order along ``axes``;  d/dx = the gradient flipped back."""

    def forward(self, x: Array, axes: Shape) -> Array:
        self.axes = axes
        return np.flip(x, axes).copy()

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.call(Flip, g, axes=self.axes),)


class Roll(Primitive):
    """Shift elements cyclically by ``shifts`` along ``axes`` (None: the flattened tensor).

    d/dx = the gradient rolled back by ``-shifts``.
    """

    def forward(self, x: Array, shifts: Shape, axes: Shape | None) -> Array:
        self.shifts, self.axes = shifts, axes
        if axes is None:
            return np.roll(x, shifts[0])
        return np.roll(x, shifts, axes)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.call(Roll, g, shifts=tuple(-s for s in self.shifts), axes=self.axes),)


class Repeat(Primitive):
    """Tile whole copies: ``np.tile(x, reps)`` (x padded with leading size-1 dims to len(reps)).

    d/dx = the gradient split into its tiles and summed over them.
    """

    def forward(self, x: Array, reps: Shape) -> Array:
        self.shape, self.reps = x.shape, reps
        padded = (1,) * (len(reps) - x.ndim) + x.shape
        return np.tile(x.reshape(padded), reps)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        padded = (1,) * (len(self.reps) - len(self.shape)) + self.shape
        tiles = tuple(v for r, n in zip(self.reps, padded) for v in (r, n))
        summed = g.reshape(tiles).sum(axis=tuple(range(0, 2 * len(padded), 2)))
        return (summed.reshape(self.shape),)


def _unique_dims(op: str, dims: Sequence[int], ndim: int, name: str = "dims") -> tuple[int, ...]:
    axes = tuple(normalize_dim(op, d, ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise OpError(f"{op}: a dim appears more than once in {name} {tuple(dims)}")
    return axes


def flip(input: Tensor, *dims: int | Sequence[int]) -> Tensor:
    """Reverse the order of elements along ``dims`` (a copy, as in PyTorch)."""
    axes = _unique_dims("flip", int_args("flip", "dims", dims), input.ndim)
    if input.ndim == 0:
        return clone(input)
    return Flip.apply(input, axes=axes)


def roll(input: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
    """Shift elements cyclically along ``dims`` (with ``dims=None``, over the flattened tensor).

    Elements shifted past the end come back at the start.
    """
    shift = int_args("roll", "shifts", (shifts,))
    if dims is None:
        if len(shift) != 1:
            raise OpError(f"roll: with dims=None, shifts must be one int, got {shift}")
        return Roll.apply(input, shifts=shift, axes=None)
    axes = tuple(normalize_dim("roll", d, input.ndim) for d in int_args("roll", "dims", (dims,)))
    if len(shift) != len(axes) or not shift:
        raise OpError(f"roll: shifts {shift} and dims {tuple(axes)} must have the same length")
    if input.ndim == 0:
        return clone(input)
    return Roll.apply(input, shifts=shift, axes=axes)


def repeat(input: Tensor, *sizes: int | Sequence[int]) -> Tensor:
    """``x.repeat(a, b)``: tile whole copies of ``x`` (``np.tile``), ``a`` along dim 0...

    There must be at least as many sizes as dims; extra sizes add leading dims.
    """
    reps = int_args("repeat", "sizes", sizes)
    if not sizes:
        raise TypeError("repeat: missing the repeats, e.g. x.repeat(2, 1)")
    if len(reps) < input.ndim:
        raise OpError(f"repeat: {len(reps)} repeats {reps} for a tensor of shape {input.shape}: "
                      "give at least one per dim. Hint: x.tile() pads the repeats with 1s")
    if builtins.any(r < 0 for r in reps):
        raise OpError(f"repeat: repeats must be non-negative, got {reps}")
    return Repeat.apply(input, reps=reps)


def tile(input: Tensor, dims: int | Sequence[int]) -> Tensor:
    """``np.tile``: like ``repeat``, with fewer ``dims`` than dims padded with leading 1s."""
    reps = int_args("tile", "dims", (dims,))
    reps = (1,) * (input.ndim - len(reps)) + reps
    if not reps:
        return clone(input)
    return repeat(input, reps)


def repeat_interleave(input: Tensor, repeats: Tensor | int | None = None, dim: int | None = None,
                      *, output_size: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times in place (``np.repeat``), along ``dim``.

    With ``dim=None`` the tensor is flattened first. ``repeats`` is an int, or a tensor with
    one count per element along ``dim``. Called with only a 1-D count tensor
    (``repeat_interleave(counts)``), it returns the indices ``0..n-1`` repeated by the counts.
    """
    if output_size is not None:
        output_size = integer("repeat_interleave", "output_size", output_size)
    if repeats is None:
        counts = _counts(input, None)
        index = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        _check_output_size(output_size, index)
        return Tensor._wrap(index)
    if dim is None:
        input = reshape(input, -1)
        axis = 0
    else:
        axis = normalize_dim("repeat_interleave", dim, input.ndim)
    length = input.shape[axis] if input.ndim else 1
    counts = _counts(repeats, length)
    index = np.repeat(np.arange(length), counts)
    _check_output_size(output_size, index)
    # PyTorch: an expand and a view for an int count, index_select for a tensor of counts
    name = "IndexSelectBackward0" if isinstance(repeats, Tensor) else "ViewBackward0"
    if input.ndim == 0:
        return name_node(getitem(reshape(input, 1), (index,)), name)
    return name_node(getitem(input, (slice(None),) * axis + (index,)), name)


def _check_output_size(output_size: int | None, index: Array) -> None:
    if output_size is not None and output_size != len(index):
        raise OpError(f"repeat_interleave: output_size={output_size} but the repeats give "
                      f"{len(index)} elements")


def _counts(repeats: Tensor | int, length: int | None) -> Array:
    """The repeat count of each of ``length`` elements (an int broadcasts to all)."""
    if not isinstance(repeats, Tensor) and is_int(repeats):
        counts = np.full(length or 0, int(repeats), dtype=np.int64)
    elif isinstance(repeats, Tensor) and repeats._data.dtype in (np.int64, np.int32) and repeats.ndim <= 1:
        if length is None and repeats.ndim != 1:
            raise OpError(f"repeat_interleave: the counts must be a 1-D tensor, got shape "
                          f"{repeats.shape}")
        counts = repeats._data.reshape(-1).astype(np.int64)
        if length is not None and len(counts) == 1:
            counts = np.full(length, counts[0])
        if length is not None and len(counts) != length:
            raise OpError(f"repeat_interleave: {len(counts)} repeats for {length} elements "
                          "along the dim; give one count per element (or a single count)")
    else:
        kind = f"a {repeats.dtype} tensor of shape {repeats.shape}" if isinstance(
            repeats, Tensor) else type(repeats).__name__
        raise TypeError(f"repeat_interleave: repeats must be an int or a 0-d/1-D int64 or int32 "
                        f"tensor, got {kind}. Hint: repeats.long()")
    if (counts < 0).any():
        raise OpError(f"repeat_interleave: repeats must be non-negative, got {counts.tolist()}")
    return counts


_NARROW = GetItem.named("SliceBackward0")  # narrow is a slice, also of a whole dim
_UNBIND = GetItem.named("UnbindBackward0")
_SPLIT = GetItem.named("SplitBackward0")
_SPLIT_WITH_SIZES = GetItem.named("SplitWithSizesBackward0")


def narrow(input: Tensor, dim: int, start: int | Tensor, length: int) -> Tensor:
    """The view ``input[..., start:start + length]`` along ``dim`` (``start`` may be negative)."""
    if input.ndim == 0:
        raise OpError("narrow: cannot be applied to a 0-d tensor")
    axis = normalize_dim("narrow", dim, input.ndim)
    start, length = integer("narrow", "start", start), integer("narrow", "length", length)
    size = input.shape[axis]
    if not -size <= start <= size:
        raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {size} "
                         f"(expected a start in [{-size}, {size}])")
    start = start + size if start < 0 else start
    if length < 0:
        raise OpError(f"narrow: length must be non-negative, got {length}")
    if start + length > size:
        raise OpError(f"narrow: start ({start}) + length ({length}) exceeds the size {size} of "
                      f"dim {dim} (shape {input.shape})")
    return _NARROW.apply(input, index=(slice(None),) * axis + (slice(start, start + length),))


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along ``dim`` (views), with that dim removed.

    As in PyTorch, they may not be changed in place while they take part in autograd
    (``unbind`` returns several views; see ``autograd.views``).
    """
    if input.ndim == 0:
        raise IndexError("unbind: a 0-d tensor has no dim to unbind")
    axis = normalize_dim("unbind", dim, input.ndim)
    lead = (slice(None),) * axis
    return views.mark_multi_output(
        tuple(_UNBIND.apply(input, index=lead + (i,)) for i in range(input.shape[axis])))


def split(input: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """Split along ``dim`` into pieces of ``split_size`` or of the given sizes.

    With an int ``split_size_or_sections`` each piece has that size (the last may be smaller);
    with a list, the pieces have the given list of sizes. The pieces are views that, as in
    PyTorch, may not be changed in place while they take part in autograd.
    """
    axis = normalize_dim("split", dim, input.ndim)
    length = input.shape[axis]
    by_size = is_int(split_size_or_sections)
    if by_size:
        size = integer("split", "split_size", split_size_or_sections)
        if size <= 0:
            raise OpError(f"split: split_size must be positive, got {size}")
        sizes = [builtins.min(size, length - s) for s in range(0, length, size)] or [0]
    else:
        sizes = list(integers("split", "split_size_or_sections", split_size_or_sections))
        if builtins.sum(sizes) != length:
            raise OpError(f"split: sizes {sizes} sum to {builtins.sum(sizes)}, but dim {dim} "
                          f"has length {length}")
    lead, start, pieces = (slice(None),) * axis, 0, []
    op = _SPLIT if by_size else _SPLIT_WITH_SIZES
    for n in sizes:
        pieces.append(op.apply(input, index=lead + (slice(start, start + n),)))
        start += n
    return views.mark_multi_output(tuple(pieces))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Split into ``chunks`` pieces of ceil(length / chunks) (fewer if it does not divide)."""
    chunks = integer("chunk", "chunks", chunks)
    if chunks <= 0:
        raise OpError(f"chunk: chunks must be positive, got {chunks}")
    length = input.shape[normalize_dim("chunk", dim, input.ndim)]
    return split(input, builtins.max(-(-length // chunks), 1), dim)


def movedim(input: Tensor, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move the dims ``source`` to positions ``destination``; the others keep their order.

    Alias: ``moveaxis``.
    """
    src_dims = int_args("movedim", "source", (source,))
    dst_dims = int_args("movedim", "destination", (destination,))
    if len(src_dims) != len(dst_dims):
        raise OpError(f"movedim: source {src_dims} and destination {dst_dims} must have the "
                      "same number of dims")
    src = _unique_dims("movedim", src_dims, input.ndim, "source")
    dst = _unique_dims("movedim", dst_dims, input.ndim, "destination")
    if input.ndim == 0:
        return permute(input)
    order: list[int | None] = [None] * input.ndim
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(input.ndim) if d not in src)
    return permute(input, tuple(next(rest) if o is None else o for o in order))


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims (``transpose``'s other name, as ``swapaxes``)."""
    return transpose(input, dim0, dim1)


moveaxis = movedim
swapaxes = swapdims

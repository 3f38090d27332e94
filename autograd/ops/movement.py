"""Shape ops: reshape and its friends, permute/transpose, expand, cat, stack, casts.

Each gradient is the inverse movement: reshape back, permute back, sum over expanded dims
(done by the base's un-broadcast), split a concatenation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import checks, dtypes
from .._tensor import Tensor
from ..checks import infer_shape, int_args, is_int, type_name
from ..device import DEVICE_TYPES, check_cpu
from ..device import device as device_type
from ..out import write_out
from ..primitive import OpError, Primitive
from .dims import distinct_dims, normalize_dim

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..types import Array, ArrayLike, Dims, DTypeLike, Shape, Value


class Reshape(Primitive):
    """Same elements, new shape;  d/dx = the gradient reshaped back.

    Named as PyTorch names it: ``ViewBackward0``, or ``UnsafeViewBackward0`` where the
    elements had to be copied (a reshape of a transposed tensor: then not a view).
    """

    node_name = "ViewBackward0"
    is_view = True
    hint = "the new shape must hold the same number of elements; one dim may be -1"

    def forward(self, x: Array, shape: Shape) -> Array:
        self.shape = x.shape
        out = x.reshape(shape)
        if not x.flags.c_contiguous and out.size and not np.may_share_memory(out, x):
            # it had to copy: PyTorch's clone + _unsafe_view
            self.__class__ = type(self).named("UnsafeViewBackward0")
            self.is_view = False
        return out

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g.reshape(self.shape),)


class View(Reshape):
    """``x.view(shape)``: a reshape that shares memory; refused where it would have to copy."""

    def forward(self, x: Array, shape: Shape) -> Array:
        out = super().forward(x, shape)
        if not self.is_view:
            raise OpError(f"view: view size is not compatible with input tensor's size and stride "
                          f"(at least one dimension spans across two contiguous subspaces): shape "
                          f"{x.shape} with strides {tuple(s // x.itemsize for s in x.strides)} as "
                          f"{shape}. Use .reshape(...) instead")
        return out


class Flatten(Reshape):
    """``x.flatten(start_dim, end_dim)``: merge a run of dims into one."""

    node_name = "ViewBackward0"  # flatten is a view (or reshape) in PyTorch


class Squeeze(Reshape):
    """``x.squeeze(dim)``: drop size-1 dims."""


class Unsqueeze(Reshape):
    """``x.unsqueeze(dim)``: insert a size-1 dim."""


class Permute(Primitive):
    """Reorder dims by ``axes``;  d/dx = the gradient permuted by the inverse order."""

    is_view = True

    def forward(self, x: Array, axes: Shape) -> Array:
        self.axes = axes
        return np.transpose(x, axes)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.xp.transpose(g, tuple(np.argsort(self.axes))),)


class Transpose(Permute):
    """``x.transpose(dim0, dim1)``: swap two dims."""


class Expand(Primitive):
    """Broadcast to a larger shape without copying;  d/dx = the gradient summed over the broadcast dims.

    The base's un-broadcast does the sum. Writable as its input is; where a dim is
    stretched, several elements share one memory location, and in-place ops other than
    ``fill_``/``zero_`` refuse it, as in PyTorch.
    """

    is_view = True
    hint = "each dim must equal the target or be 1; new dims go on the left"

    def forward(self, x: Array, shape: Shape) -> Array:
        out = np.broadcast_to(x, shape)
        return np.lib.stride_tricks.as_strided(x, out.shape, out.strides)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g,)


class Cat(Primitive):
    """Concatenate along ``axis``;  d/dx_i = the gradient's slice for x_i."""

    hint = "all tensors must have the same shape except in the concatenated dim"

    def forward(self, *xs: Array, axis: int) -> Array:
        self.axis, self.sizes = axis, [x.shape[axis] for x in xs]
        return np.concatenate(xs, axis, dtype=dtypes.result_type(*xs), casting="unsafe")

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        lead = (slice(None),) * self.axis
        ends = np.cumsum(self.sizes)
        return tuple(g[lead + (slice(end - n, end),)] for n, end in zip(self.sizes, ends))


class Stack(Primitive):
    """Stack along a new dim ``axis``;  d/dx_i = the gradient's i-th slice along it."""

    hint = "all tensors must have the same shape"

    def forward(self, *xs: Array, axis: int) -> Array:
        self.axis = axis
        return np.stack(xs, axis, dtype=dtypes.result_type(*xs), casting="unsafe")

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        lead = (slice(None),) * self.axis
        return tuple(g[lead + (i,)] for i in range(g.shape[self.axis]))


class Cast(Primitive):
    """Convert to ``dtype``;  d/dx = the gradient converted back (done by the base)."""

    node_name = "ToCopyBackward0"  # PyTorch's ``_to_copy``

    def forward(self, x: Array, dtype: np.dtype[Any]) -> Array:
        return x.astype(dtype)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g,)


class Clone(Primitive):
    """A copy with its own memory;  d/dx = 1."""

    def forward(self, x: Array) -> Array:
        return x.copy()

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g,)


# PyTorch's squeeze(), squeeze(int) and squeeze(dims) overloads
_SQUEEZE_DIM = Squeeze.named("SqueezeBackward1")
_SQUEEZE_DIMS = Squeeze.named("SqueezeBackward2")


def _shape_args(op: str, args: tuple[Any, ...]) -> Shape:
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])``."""
    return int_args(op, "shape", args)


def reshape(input: Tensor, *shape: int | Sequence[int]) -> Tensor:
    """The same elements in a new shape (one dim may be -1)."""
    return Reshape.apply(input, shape=infer_shape("reshape", _shape_args("reshape", shape),
                                                  input.shape))


def view(input: Tensor, *shape: int | Sequence[int]) -> Tensor:
    """Like reshape (NumPy arrays need no contiguity check)."""
    return View.apply(input, shape=infer_shape("view", _shape_args("view", shape), input.shape))


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one."""
    start = normalize_dim("flatten", start_dim, input.ndim)  # a 0-d tensor takes 0 and -1
    end = normalize_dim("flatten", end_dim, input.ndim)
    if input.ndim == 0:
        return Flatten.apply(input, shape=(1,))
    if start > end:
        raise OpError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    if start == end:  # nothing to merge: the tensor itself, as in PyTorch
        return input
    merged = 1
    for n in input.shape[start:end + 1]:
        merged *= n
    shape = input.shape[:start] + (merged,) + input.shape[end + 1:]
    return Flatten.apply(input, shape=shape)


def squeeze(input: Tensor, dim: Dims = None) -> Tensor:
    """Drop size-1 dims (all of them, or those in ``dim`` that have size 1)."""
    if dim is None:
        dims = {d for d, n in enumerate(input.shape) if n == 1}
    else:
        dims = distinct_dims("squeeze", dim, input.ndim)
    shape = tuple(n for d, n in enumerate(input.shape) if not (d in dims and n == 1))
    op = Squeeze if dim is None else _SQUEEZE_DIM if is_int(dim) else _SQUEEZE_DIMS
    return op.apply(input, shape=shape)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at ``dim`` (negative dims count from the new end)."""
    position = normalize_dim("unsqueeze", dim, checks.dims("unsqueeze", input.ndim + 1))
    return Unsqueeze.apply(input, shape=input.shape[:position] + (1,) + input.shape[position:])


def permute(input: Tensor, *dims: int | Sequence[int]) -> Tensor:
    """Reorder the dims: ``x.permute(2, 0, 1)``."""
    dims = _shape_args("permute", dims)
    axes = tuple(normalize_dim("permute", d, input.ndim) for d in dims)
    if sorted(axes) != list(range(input.ndim)):
        raise OpError(f"permute: {dims} is not an ordering of the {input.ndim} dims of a tensor "
                      f"of shape {input.shape}")
    return Permute.apply(input, axes=axes)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims. Alias: ``swapaxes``."""
    axes = list(range(input.ndim))
    a, b = normalize_dim("transpose", dim0, input.ndim), normalize_dim("transpose", dim1, input.ndim)
    if input.ndim:
        axes[a], axes[b] = axes[b], axes[a]
    return Transpose.apply(input, axes=tuple(axes))


def reverse_dims(input: Tensor) -> Tensor:
    """``x.T``: all dims reversed."""
    return Permute.apply(input, axes=tuple(reversed(range(input.ndim))))


def swap_last_two(input: Tensor) -> Tensor:
    """``x.mT``: the last two dims swapped (batched matrix transpose)."""
    if input.ndim < 2:
        raise OpError(f"mT: needs at least 2 dims, got shape {input.shape}")
    return transpose(input, -2, -1)


def expand(input: Tensor, *sizes: int | Sequence[int]) -> Tensor:
    """Broadcast to ``sizes`` without copying; -1 keeps a dim's size."""
    sizes = _shape_args("expand", sizes)
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise OpError(f"expand: the target {sizes} has fewer dims than the tensor {input.shape}")
    shape = tuple(input.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes))
    return Expand.apply(input, shape=shape)


def broadcast_to(input: Tensor, shape: Sequence[int]) -> Tensor:
    """Broadcast to ``shape`` (NumPy's name for ``expand``), a tuple or list of ints."""
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"broadcast_to(): argument 'shape' must be a tuple of ints, not "
                        f"{type_name(shape)}. Hint: broadcast_to(x, (3,)) for one dim")
    return expand(input, *tuple(shape))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """Expand to the shape of ``other``."""
    return expand(input, *other.shape)


def _tensor_list(op: str, tensors: Sequence[Tensor | ArrayLike]) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not len(tensors):
        raise TypeError(f"{op}: expected a non-empty list or tuple of tensors")
    return [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]


def _castable(op: str, result: Tensor, out: Tensor | None) -> Tensor:
    """``result``; a TypeError (PyTorch's, for cat and stack) if it cannot be cast into ``out``."""
    if isinstance(out, Tensor) and not np.can_cast(result._data.dtype, out._data.dtype, "same_kind"):
        raise TypeError(f"{op}(): input types can't be cast to the desired output type "
                        f"{dtypes.name(out._data.dtype)} (the result is "
                        f"{dtypes.name(result._data.dtype)}). Hint: pass an out= of a wider kind")
    return result


def cat(tensors: Sequence[Tensor | ArrayLike], dim: int = 0, *, axis: int | None = None,
        out: Tensor | None = None) -> Tensor:
    """Concatenate tensors along an existing dim. Alias: ``concatenate``. ``out=`` as in PyTorch."""
    tensors = _tensor_list("cat", tensors)
    dim = dim if axis is None else axis
    result = Cat.apply(*tensors, axis=normalize_dim("cat", dim, tensors[0].ndim))
    return write_out(_castable("cat", result, out), out, "cat", *tensors)


def stack(tensors: Sequence[Tensor | ArrayLike], dim: int = 0, *, axis: int | None = None,
          out: Tensor | None = None) -> Tensor:
    """Stack same-shape tensors along a new dim. ``out=`` as in PyTorch."""
    tensors = _tensor_list("stack", tensors)
    dim = dim if axis is None else axis
    result = Stack.apply(*tensors, axis=normalize_dim("stack", dim, tensors[0].ndim + 1))
    return write_out(_castable("stack", result, out), out, "stack", *tensors)


def clone(input: Tensor) -> Tensor:
    """A copy with its own memory, still in the graph."""
    return Clone.apply(input)


def contiguous(input: Tensor) -> Tensor:
    """The tensor itself if its elements lie in row-major order, else a row-major copy (``clone``)."""
    return input if input._data.flags.c_contiguous else Clone.apply(input)


def to(input: Tensor, *args: Tensor | DTypeLike | device_type, dtype: DTypeLike | None = None,
       device: device_type | str | None = None, **_ignored: Any) -> Tensor:
    """Convert the dtype: ``x.to(ag.float64)``, ``x.to(other)``, ``x.to("cpu", ag.float64)``.

    Devices are accepted as ``torch.device`` objects or names; the CPU is where tensors already
    are, any other device is refused (``DeviceError``). ``non_blocking``/``copy`` are ignored.
    """
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, device_type) or isinstance(arg, str) and _is_device(arg):
            check_cpu("to", arg)
        else:
            dtype = arg
    check_cpu("to", device)
    if dtype is None:
        return input
    dtype = dtypes.as_dtype(dtype)
    return input if dtype == input.dtype else Cast.apply(input, dtype=dtype)


def _is_device(arg: object) -> bool:
    """A device object, or a string naming one (``"cpu"``, ``"cuda:1"``), not a dtype name."""
    if isinstance(arg, device_type):
        return True
    return isinstance(arg, str) and arg.partition(":")[0] in DEVICE_TYPES


def type_as(input: Tensor, other: Tensor) -> Tensor:
    """Convert to the dtype of ``other``."""
    return to(input, other.dtype)


def to_float(input: Tensor) -> Tensor:
    """``x.float()``: convert to float32."""
    return to(input, dtypes.float32)


def to_double(input: Tensor) -> Tensor:
    """``x.double()``: convert to float64."""
    return to(input, dtypes.float64)


def to_long(input: Tensor) -> Tensor:
    """``x.long()``: convert to int64."""
    return to(input, dtypes.int64)


def to_int(input: Tensor) -> Tensor:
    """``x.int()``: convert to int32."""
    return to(input, dtypes.int32)


def to_bool(input: Tensor) -> Tensor:
    """``x.bool()``: convert to bool."""
    return to(input, dtypes.bool_)

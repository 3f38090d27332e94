"""Tensor methods that describe or re-create a tensor rather than compute with it.

``nelement``, ``element_size``, ``nbytes``, ``stride``, ``data_ptr``, ``is_contiguous``,
``is_floating_point``, ``type()``, ``new_zeros``..., ``view_as``, ``t``, the CPU device methods
and ``format(t, ".4f")``, with PyTorch's meaning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes
from ._tensor import Tensor
from .checks import allocate
from .device import DeviceError
from .factories import _new, _size
from .ops.movement import Transpose
from .primitive import OpError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .device import DeviceLike
    from .types import ArrayLike, DTypeLike

__all__ = ["t"]

# PyTorch's legacy type names (x.type()) per dtype
_TYPE_NAMES = {
    dtypes.float32: "torch.FloatTensor", dtypes.float64: "torch.DoubleTensor",
    dtypes.float16: "torch.HalfTensor", dtypes.int64: "torch.LongTensor",
    dtypes.int32: "torch.IntTensor", dtypes.int16: "torch.ShortTensor",
    dtypes.int8: "torch.CharTensor", dtypes.uint8: "torch.ByteTensor",
    dtypes.bool_: "torch.BoolTensor",
}
_DTYPES_BY_NAME = {name: dtype for dtype, name in _TYPE_NAMES.items()}
_T = Transpose.named("TBackward0")  # PyTorch's node for t(), also of 0-d and 1-d tensors


def nelement(self: Tensor) -> int:
    """The number of elements (``numel``)."""
    return int(self._data.size)


def element_size(self: Tensor) -> int:
    """Bytes per element."""
    return int(self._data.itemsize)


def nbytes(self: Tensor) -> int:
    """Bytes of all elements: ``numel() * element_size()``."""
    return int(self._data.size * self._data.itemsize)


def is_floating_point(self: Tensor) -> bool:
    """True for float16/32/64 tensors."""
    return bool(self._data.dtype.kind == "f")


def is_contiguous(self: Tensor, memory_format: object = None) -> bool:
    """Whether the elements lie in memory in row-major order with no gaps."""
    return bool(self._data.flags.c_contiguous)


def stride(self: Tensor, dim: int | None = None) -> tuple[int, ...] | int:
    """Elements to step in memory to move one index along each dim (of one ``dim``)."""
    steps = tuple(s // self._data.itemsize for s in self._data.strides)
    return steps if dim is None else steps[dim]


def data_ptr(self: Tensor) -> int:
    """The address of the first element."""
    return int(self._data.__array_interface__["data"][0])


def cpu(self: Tensor, memory_format: object = None) -> Tensor:
    """The tensor itself: it is already on the CPU."""
    return self


def cuda(self: Tensor, device: object = None, non_blocking: bool = False) -> Tensor:
    """Refused: ndgrad runs on the CPU.

    Raises:
        DeviceError: always.
    """
    raise DeviceError("Tensor.cuda(): ndgrad runs on the CPU only (NumPy), there is no CUDA "
                      "device. Hint: device = 'cuda' if torch.cuda.is_available() else 'cpu'")


def pin_memory(self: Tensor, device: object = None) -> Tensor:
    """The tensor itself (pinned memory only matters for GPU copies)."""
    return self


def is_cuda(self: Tensor) -> bool:
    """False: every tensor lives on the CPU."""
    return False


def get_device(self: Tensor) -> int:
    """-1, PyTorch's answer for a CPU tensor."""
    return -1


def _like(self: Tensor, dtype: DTypeLike | None) -> np.dtype[Any]:
    return self._data.dtype if dtype is None else dtypes.as_dtype(dtype)


def new_zeros(self: Tensor, *size: int | Iterable[int], dtype: DTypeLike | None = None,
              device: DeviceLike | int | None = None, requires_grad: bool = False) -> Tensor:
    """Zeros of ``size`` with this tensor's dtype (unless ``dtype``)."""
    dt = _like(self, dtype)
    array = allocate("new_zeros", np.zeros, _size("new_zeros", size), dt)
    return _new(array, requires_grad, device, "new_zeros")


def new_ones(self: Tensor, *size: int | Iterable[int], dtype: DTypeLike | None = None,
             device: DeviceLike | int | None = None, requires_grad: bool = False) -> Tensor:
    """Ones of ``size`` with this tensor's dtype (unless ``dtype``)."""
    dt = _like(self, dtype)
    array = allocate("new_ones", np.ones, _size("new_ones", size), dt)
    return _new(array, requires_grad, device, "new_ones")


def new_empty(self: Tensor, *size: int | Iterable[int], dtype: DTypeLike | None = None,
              device: DeviceLike | int | None = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor of ``size`` with this tensor's dtype (unless ``dtype``)."""
    dt = _like(self, dtype)
    array = allocate("new_empty", np.empty, _size("new_empty", size), dt)
    return _new(array, requires_grad, device, "new_empty")


def new_full(self: Tensor, size: Iterable[int], fill_value: float, *,
             dtype: DTypeLike | None = None, device: DeviceLike | int | None = None,
             requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with this tensor's dtype (unless ``dtype``)."""
    dt = _like(self, dtype)
    array = allocate("new_full", np.empty, _size("new_full", (tuple(size),)), dt)
    array.fill(fill_value)
    return _new(array, requires_grad, device, "new_full")


def new_tensor(self: Tensor, data: ArrayLike, dtype: DTypeLike | None = None,
               device: DeviceLike | int | None = None, requires_grad: bool = False) -> Tensor:
    """A copy of ``data`` with this tensor's dtype (unless ``dtype``), not in any graph."""
    dt = _like(self, dtype)
    source = data._data if isinstance(data, Tensor) else data
    return _new(np.array(source, dtype=dt), requires_grad, device, "new_tensor")


def tensor_type(self: Tensor, dtype: DTypeLike | None = None, non_blocking: bool = False,
                **kwargs: Any) -> str | Tensor:
    """PyTorch's type name (``"torch.FloatTensor"``), or the tensor converted to ``dtype``.

    ``dtype`` may be a dtype or one of those names.
    """
    if dtype is None:
        return _TYPE_NAMES.get(self.dtype, f"torch.{dtypes.name(self._data.dtype)}")
    if isinstance(dtype, str) and dtype in _DTYPES_BY_NAME:
        dtype = _DTYPES_BY_NAME[dtype]
    elif isinstance(dtype, str) and dtype.endswith("Tensor"):
        raise TypeError(f"type(): invalid type {dtype!r}; use one of {sorted(_DTYPES_BY_NAME)}")
    return self.to(dtype)


def view_as(self: Tensor, other: Tensor) -> Tensor:
    """This tensor viewed with ``other``'s shape."""
    return self.view(tuple(other._data.shape))


def t(input: Tensor) -> Tensor:
    """The transpose of a matrix; 0-d and 1-d tensors come back unchanged, as views (``torch.t``).

    Raises:
        OpError: for more than 2 dims (use ``transpose`` or ``mT``).
    """
    if input.ndim > 2:
        raise OpError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D. "
                      "Hint: use x.transpose(dim0, dim1) or x.mT")
    return _T.apply(input, axes=tuple(reversed(range(input.ndim))))


def tensor_format(self: Tensor, format_spec: str) -> str:
    """``format(t, ".4f")``: a 0-d tensor formats its number, as in PyTorch."""
    if self._data.ndim == 0 and format_spec:
        return format(self._data.item(), format_spec)
    if format_spec:
        raise TypeError(f"unsupported format string {format_spec!r} passed to Tensor.__format__: "
                        f"only 0-d tensors format as numbers (this one has shape "
                        f"{tuple(self._data.shape)}). Hint: format t.item() or t.tolist()")
    return repr(self)


def is_tensor(obj: object) -> bool:
    """Whether ``obj`` is a Tensor (``torch.is_tensor``)."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """The number of elements of ``input`` (``torch.numel``)."""
    return int(input._data.size)


def Variable(data: Tensor, requires_grad: bool = False, volatile: bool = False) -> Tensor:  # noqa: N802
    """The tensor itself (``torch.autograd.Variable``, a no-op since PyTorch 0.4).

    ``requires_grad=True`` sets it on the tensor, as the old wrapper did.
    """
    if not isinstance(data, Tensor):
        raise TypeError(f"Variable(): expected a Tensor, got {type(data).__name__}")
    if requires_grad:
        data.requires_grad_(True)
    return data

"""``nn.Module``'s conversions, as ``torch.nn.Module``'s: ``to``, ``float``, ``double``, ``half``...

All go through ``_apply(fn)``, which converts every parameter and buffer of the tree: a
parameter keeps its identity (``param.data = fn(param)``, its ``.grad`` likewise), so an
optimizer made before the conversion still holds it; a buffer is replaced by ``fn(buffer)``.
``to`` and ``float``/``double``/``half`` change floating tensors only; ``type`` changes all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import autograd as ag
from autograd import DeviceError, NotSupportedError, Tensor
from autograd.types import DTypeLike

if TYPE_CHECKING:
    from typing_extensions import Self

    from .parameter import Parameter


def _refuse_device(method: str) -> DeviceError:
    return DeviceError(f"Module.{method}(): ndgrad runs on the CPU only (NumPy), there is no such "
                       "device. Hint: device = 'cuda' if torch.cuda.is_available() else 'cpu'; "
                       "model.to(device)")


class ModuleCasts:
    """Dtype and device conversions of a module's parameters and buffers."""

    if TYPE_CHECKING:
        _parameters: dict[str, Parameter | None]
        _buffers: dict[str, Tensor | None]

        def children(self) -> Iterator[Any]: ...  # noqa: D102

    def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Self:
        """Convert every parameter (in place, keeping identity) and buffer with ``fn``."""
        if recurse:
            for child in self.children():
                child._apply(fn)
        with ag.no_grad():
            for param in self._parameters.values():
                if param is None:
                    continue
                param.data = fn(param)
                if param.grad is not None:
                    param.grad.data = fn(param.grad)
            for name, buffer in self._buffers.items():
                if buffer is not None:
                    self._buffers[name] = fn(buffer)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Self:
        """``model.to(ag.float64)``, ``model.to('cpu')``, ``model.to(tensor)``, ``to(device, dtype)``.

        Casts the floating parameters and buffers; the CPU is accepted, other devices are refused
        (``DeviceError``); ``non_blocking`` and ``memory_format`` are accepted and ignored.
        """
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"Module.to() got an unexpected keyword argument {next(iter(kwargs))!r}")
        for arg in args:
            if isinstance(arg, bool):  # to(dtype, non_blocking)
                continue
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, (str, ag.device)) and _names_device(arg):
                device = arg
            else:
                dtype = arg
        ag.zeros(()).to(device=device)  # validates the device as Tensor.to does
        if dtype is None:
            return self
        dtype = ag.dtypes.of(ag.dtypes.as_dtype(dtype))
        if not dtype.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got "
                            f"desired dtype={dtype}")
        return self._cast_floats(dtype)

    def _cast_floats(self, dtype: ag.dtype) -> Self:
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self) -> Self:
        """Cast floating parameters and buffers to float32."""
        return self._cast_floats(ag.float32)

    def double(self) -> Self:
        """Cast floating parameters and buffers to float64."""
        return self._cast_floats(ag.float64)

    def half(self) -> Self:
        """Cast floating parameters and buffers to float16."""
        return self._cast_floats(ag.float16)

    def bfloat16(self) -> Self:
        """Refused: NumPy has no bfloat16 (``NotSupportedError``)."""
        raise NotSupportedError("Module.bfloat16(): ndgrad computes in float16/32/64 only (NumPy "
                                "has no bfloat16). Hint: use model.half() or model.float()")

    def type(self, dst_type: DTypeLike) -> Self:
        """Cast every parameter and buffer (integer ones too) to ``dst_type``."""
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self) -> Self:
        """The module itself: its tensors are on the CPU."""
        return self

    def cuda(self, device: Any = None) -> Self:
        """Refused (``DeviceError``): ndgrad runs on the CPU."""
        raise _refuse_device("cuda")

    def xpu(self, device: Any = None) -> Self:
        """Refused (``DeviceError``): ndgrad runs on the CPU."""
        raise _refuse_device("xpu")

    def ipu(self, device: Any = None) -> Self:
        """Refused (``DeviceError``): ndgrad runs on the CPU."""
        raise _refuse_device("ipu")

    def mtia(self, device: Any = None) -> Self:
        """Refused (``DeviceError``): ndgrad runs on the CPU."""
        raise _refuse_device("mtia")

    def to_empty(self, *, device: ag.device | str | None, recurse: bool = True) -> Self:
        """Replace every parameter's and buffer's values by uninitialized memory on ``device``."""
        return self._apply(lambda t: ag.empty_like(t, device=device), recurse=recurse)

    def share_memory(self) -> Self:
        """The module itself: one process shares its NumPy memory already."""
        return self

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """``torch.compile`` in place: nothing to do, ndgrad runs Python directly."""


def _names_device(arg: str | ag.device) -> bool:
    """A device object or a device name (``'cpu'``, ``'cuda:0'``), not a dtype name."""
    try:
        ag.device(arg)
    except RuntimeError:
        return False
    return True

"""PyTorch's legacy constructors: ``torch.Tensor(...)`` and ``FloatTensor``, ``LongTensor``...

``Tensor(data)`` converts lists and NumPy arrays to the default float (``tensor(data)``
infers the dtype instead); ``Tensor(2, 3)`` and ``Tensor(x.size())`` give an uninitialized
tensor of that shape; ``Tensor(t)`` is an alias of ``t`` (shared memory and version counter);
``Tensor()`` is empty. ``FloatTensor([1, 2])`` is the same in float32, ``LongTensor`` in int64
and so on, and ``isinstance(x, FloatTensor)`` asks whether ``x`` is a float32 tensor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import checks, dtypes
from .checks import is_int
from .conversion import from_data
from .size import Size

if TYPE_CHECKING:
    from ._tensor import Tensor
    from .types import Array, DTypeLike


def legacy_array(args: tuple[Any, ...], dtype: DTypeLike | None) -> Array:
    """The array ``Tensor(*args)`` holds: new data in ``dtype`` (the default float if None)."""
    target = dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype)
    if not args:
        return np.empty(0, target)
    if len(args) == 1 and isinstance(args[0], Size):
        args = tuple(args[0])
    if all(is_int(a) for a in args):
        return np.empty(checks.shape("Tensor", args), target)
    if len(args) > 1:
        raise TypeError(f"Tensor(): expected data or sizes (ints), got {len(args)} arguments of "
                        f"types {[type(a).__name__ for a in args]}. Hint: Tensor([1, 2]) or "
                        "Tensor(2, 3)")
    data = args[0]
    if isinstance(data, (float, complex, bool, np.generic)) or data is None:
        raise TypeError(f"Tensor(): data must be a sequence (got {type(data).__name__}). "
                        "Hint: Tensor([x]) for one value, or ag.tensor(x) for a 0-d tensor")
    if isinstance(data, str):
        raise TypeError("Tensor(): invalid data type 'str'")
    return from_data(data, target, "Tensor()")


def alias(self: Tensor, source: Tensor, dtype: DTypeLike | None) -> bool:
    """Make ``self`` share ``source`` (``Tensor(t)``); False if a dtype asks for a conversion."""
    if dtype is not None and dtypes.as_dtype(dtype) != source._data.dtype:
        return False
    self._data, self._version_counter = source._data, source._version_counter
    return True


class _LegacyType(type):
    """The metaclass of ``FloatTensor`` & co: calling one builds a Tensor of its dtype."""

    dtype: dtypes.DType

    def __call__(cls, *data: Any) -> Tensor:
        from ._tensor import Tensor

        if len(data) == 1 and isinstance(data[0], Tensor):
            return data[0].to(cls.dtype)
        return Tensor(*data, dtype=cls.dtype)

    def __instancecheck__(cls, instance: Any) -> bool:
        from ._tensor import Tensor

        return isinstance(instance, Tensor) and instance.dtype == cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy(name: str, dtype: dtypes.DType) -> type:
    return _LegacyType(name, (), {"dtype": dtype, "__doc__": f"Tensors of {dtype!r}: "
                                  f"``{name}(data)``, ``{name}(*sizes)``; isinstance checks it."})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
HalfTensor = _legacy("HalfTensor", dtypes.float16)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
ShortTensor = _legacy("ShortTensor", dtypes.int16)
CharTensor = _legacy("CharTensor", dtypes.int8)
ByteTensor = _legacy("ByteTensor", dtypes.uint8)
BoolTensor = _legacy("BoolTensor", dtypes.bool_)

"""Argument checks shared by the public functions, raising PyTorch's errors with ndgrad's detail.

Every function that takes a flag, a count or a shape checks it here, so one mistake gets one
message wherever it is made: ``zeros(-1)``, ``eye(-1)``, ``nn.Linear(-1, 2)`` and
``reshape(-2, 3)`` name the function, the argument and what was passed.

- flags (``requires_grad``, ``keepdim``...) must be Python bools, as torch's C++ arguments:
  ``requires_grad="no"`` is a TypeError, not True;
- counts (``linspace``'s ``steps``, ``eye``'s ``n``) are ints >= 0;
- sizes (``zeros(2, 3)``) are ints >= 0, at most ``MAX_DIMS`` of them (NumPy's limit; torch
  allows more, ndgrad cannot hold them).

An op's refusal of its inputs is an ``OpError``, a ``RuntimeError`` as PyTorch's; a wrong type
is a ``TypeError``, as in PyTorch.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType

    from .dtypes import DType

MAX_DIMS = 64  # NumPy's limit on ndarray dims


class OpError(RuntimeError):
    """An op refused its inputs; the message names the op, shapes, dtypes and a hint."""


class OpTypeError(TypeError):
    """An op refused an input's type or dtype where PyTorch raises a TypeError (``~float_tensor``)."""


class OpNotImplementedError(OpError, NotImplementedError):
    """An op has no kernel for a dtype: PyTorch's ``"frac_cpu" not implemented for 'Long'``."""


_TORCH_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int8": "Char",
                "int16": "Short", "int32": "Int", "int64": "Long", "uint8": "Byte", "bool": "Bool",
                "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64"}


def not_implemented(op: str, dtype: np.dtype[Any] | DType, hint: str) -> OpNotImplementedError:
    """PyTorch's refusal of a dtype an op has no kernel for, named after the op, with ``hint``."""
    return OpNotImplementedError(f"{op}: \"{op}_cpu\" not implemented for "
                                 f"'{_TORCH_NAMES.get(dtype.name, dtype.name)}' (input dtype "
                                 f"{dtype.name}). Hint: {hint}")


# ndgrad's own code: a warning points past it, at the user's line
_OWN_FILES = tuple(str(Path(__file__).parent.parent / package) + os.sep
                   for package in ("autograd", "nn", "optim"))


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn at the user's line: the first caller outside ndgrad and its public gates.

    A fixed ``stacklevel`` cannot be right for an op reached both as ``ag.std(x)`` (through the
    gate of ``autograd.boundary``) and as ``x.std()``.
    """
    frame: FrameType | None = sys._getframe(1)
    level = 2  # 1 would be this function
    while frame is not None and (frame.f_code.co_filename.startswith(_OWN_FILES)
                                 or frame.f_code.co_filename.startswith("<public ")):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


NUMERIC = "fiu"  # the dtype kinds of ``kernel``: anything but bool
FLOATING = "f"  # floating point only (``elu``, ``softmax``: no integer kernel in PyTorch)


def kernel(op: str, dtype: np.dtype[Any] | DType, kinds: str,
           hint: str = "convert first, e.g. x.float()") -> None:
    """Refuse, as PyTorch does, a dtype ``op`` has no kernel for: its kind is not in ``kinds``.

    ``kinds`` is ``NUMERIC`` (``relu``, ``abs``, ``argmax`` refuse bool) or ``FLOATING``
    (``elu``, ``gelu``, ``softmax`` refuse integers and bool).
    """
    if dtype.kind not in kinds:
        raise not_implemented(op, dtype, hint)


def allocate(op: str, make: Callable[[tuple[int, ...], np.dtype[Any]], np.ndarray[Any, Any]],
             shape: tuple[int, ...], dtype: np.dtype[Any]) -> np.ndarray[Any, Any]:
    """``make(shape, dtype)`` (``np.empty``, ``np.zeros``...), or PyTorch's RuntimeError.

    A size beyond memory is NumPy's ``MemoryError`` or "array is too big"; torch says
    "DefaultCPUAllocator: not enough memory".
    """
    try:
        return make(shape, dtype)
    except (MemoryError, ValueError) as error:
        count = math.prod(shape)
        raise OpError(f"{op}: cannot allocate a tensor of shape {tuple(shape)} and dtype {dtype.name} "
                      f"({count * dtype.itemsize:,} bytes): not enough memory. Hint: use smaller "
                      "sizes") from error


REDUCTIONS = ("mean", "sum", "none")  # a loss's ``reduction``


def check_reduction(name: str, reduction: str) -> None:
    """Refuse a reduction other than 'mean', 'sum' or 'none' (the one place it is checked)."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: {reduction!r} is not a valid value for reduction "
                         "(use 'mean', 'sum' or 'none')")


def type_name(value: Any) -> str:
    """A value's type as PyTorch's argument errors print it: ``float``, ``numpy.bool``, ``Tensor``."""
    kind = type(value)
    module = kind.__module__.partition(".")[0]
    return kind.__qualname__ if module in ("builtins", "autograd") else f"{module}.{kind.__name__}"


def is_int(value: Any) -> bool:
    """True for what PyTorch takes as an int argument: a size, a dim, a count, ``k``.

    That is Python and NumPy integers and 0-d integer tensors (``x.sum(np.int64(1))``,
    ``x.topk(t.argmax())``), never bools.
    """
    if isinstance(value, numbers.Integral):
        return not isinstance(value, (bool, np.bool_))
    from ._tensor import Tensor  # (this module is imported by _tensor)

    return isinstance(value, Tensor) and value._data.ndim == 0 and value._data.dtype.kind in "iu"


def integer(op: str, name: str, value: Any) -> int:
    """An int argument (see ``is_int``) as a Python int.

    Raises:
        TypeError: a bool, a float, or anything else, named as PyTorch names it.
    """
    if not is_int(value):
        raise TypeError(f"{_call(op)}: argument '{name}' must be int, not {type_name(value)}")
    return int(value)


def integers(op: str, name: str, values: Any) -> tuple[int, ...]:
    """A sequence of int arguments (a tuple, list, ``Size`` or 1-d integer tensor) as Python ints.

    Raises:
        TypeError: no sequence, or an element that is no int (its position named).
    """
    if not is_sequence(values):
        raise TypeError(f"{_call(op)}: argument '{name}' must be tuple of ints, not "
                        f"{type_name(values)}")
    for position, n in enumerate(values):
        if not is_int(n):
            raise TypeError(f"{_call(op)}: argument '{name}' must be tuple of ints, but found "
                            f"element of type {type_name(n)} at pos {position}")
    return tuple(int(n) for n in values)


def int_args(op: str, name: str, args: tuple[Any, ...]) -> tuple[int, ...]:
    """PyTorch's ints given as arguments or as one sequence: ``f(2, 3)``, ``f((2, 3))``."""
    if len(args) == 1 and not is_int(args[0]) and is_sequence(args[0]):
        return integers(op, name, args[0])
    return integers(op, name, args)


def is_sequence(value: Any) -> bool:
    """Whether ``value`` is a sequence of arguments (not a string, not a 0-d array or tensor)."""
    return (hasattr(value, "__iter__") and not isinstance(value, (str, bytes))
            and getattr(value, "ndim", 1) != 0)


def _call(op: str) -> str:
    """``zeros()``, as PyTorch's argument errors name the function (``tensor()`` stays)."""
    return op if op.endswith(")") else f"{op}()"


def flag(op: str, name: str, value: Any, default: bool | None = None) -> bool:
    """``value`` if it is a bool, else torch's TypeError (``requires_grad="no"``, ``keepdim=1``).

    ``None`` means ``default`` where one is given, as torch reads None for an optional flag.

    Raises:
        TypeError: ``value`` is not a Python bool (nor None with a default).
    """
    if value is True or value is False:
        return value
    if value is None and default is not None:
        return default
    raise TypeError(f"{_call(op)}: argument '{name}' must be bool, not {type_name(value)}")


def count(op: str, name: str, value: Any, negative: str | None = None) -> int:
    """A non-negative int argument such as ``steps`` or ``n``, as a Python int.

    Args:
        op: the function, for the messages.
        name: the argument.
        value: what was passed.
        negative: PyTorch's message for a negative value, a format of ``value`` (default:
            ``{name} must be greater or equal to 0, got {value}``).

    Raises:
        TypeError: not an int. OpError: negative.
    """
    value = integer(op, name, value)
    if value < 0:
        message = negative or f"{name} must be greater or equal to 0, got {{value}}"
        raise OpError(f"{op}: {message.format(value=value)}")
    return value


def shape(op: str, sizes: Any) -> tuple[int, ...]:
    """A shape given as ints (``zeros(2, 3)``) or one sequence (``zeros((2, 3))``), checked.

    Raises:
        TypeError: a size that is not an int. OpError: a negative size, or more than
            ``MAX_DIMS`` dims.
    """
    result = int_args(op, "size", tuple(sizes))
    for n in result:
        if n < 0:
            raise OpError(f"{op}: Trying to create tensor with negative dimension {n}: "
                          f"{list(result)}. Hint: sizes must be >= 0")
    dims(op, len(result))
    return result


def dims(op: str, ndim: int) -> int:
    """``ndim`` if a tensor can have that many dims.

    Raises:
        OpError: more than ``MAX_DIMS``.
    """
    if ndim > MAX_DIMS:
        raise OpError(f"{op}: a tensor of {ndim} dims is asked for, but ndgrad tensors have at "
                      f"most {MAX_DIMS} (NumPy's limit). Hint: use fewer dims, merging some of size 1")
    return ndim



def infer_shape(op: str, shape: tuple[int, ...], input_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape ``reshape``/``view`` ask for, its one ``-1`` inferred, checked as PyTorch does.

    Raises:
        OpError: a dim below -1, several -1, more than ``MAX_DIMS`` dims, or a shape that
            does not hold the input's number of elements.
    """
    numel = math.prod(input_shape)
    for index, n in enumerate(shape):
        if n < -1:
            raise OpError(f"{op}: invalid shape dimension {n} at index {index} of shape "
                          f"{list(shape)}. Hint: sizes are >= 0, and one of them may be -1")
    dims(op, len(shape))
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise OpError(f"{op}: only one dimension can be inferred, got shape {list(shape)}")
    known = 1
    for n in shape:
        known *= n if n != -1 else 1
    if unknown and known == 0 and numel == 0:
        raise OpError(f"{op}: cannot reshape tensor of {numel} elements into shape {list(shape)} "
                      "because the unspecified dimension size -1 can be any value and is "
                      "ambiguous")
    if unknown and known and numel % known == 0:
        return shape[:unknown[0]] + (numel // known,) + shape[unknown[0] + 1:]
    if unknown or known != numel:
        raise OpError(f"{op}: shape '{list(shape)}' is invalid for input of size {numel} (shape "
                      f"{tuple(input_shape)}). Hint: the new shape must hold the same number of "
                      "elements; one dim may be -1")
    return shape


def broadcast_shape(op: str, a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The shape ``a`` and ``b`` broadcast to, or PyTorch's error naming the first clash.

    Raises:
        OpError: "The size of tensor a (3) must match the size of tensor b (4) at
            non-singleton dimension 1" (dims counted in the broadcast shape).
    """
    ndim = max(len(a), len(b))
    padded_a, padded_b = (1,) * (ndim - len(a)) + a, (1,) * (ndim - len(b)) + b
    for dim, (size_a, size_b) in enumerate(zip(padded_a, padded_b)):
        if size_a != size_b and 1 not in (size_a, size_b):
            raise OpError(f"{op}: The size of tensor a ({size_a}) must match the size of tensor b "
                          f"({size_b}) at non-singleton dimension {dim} (shapes {list(a)} and "
                          f"{list(b)}). Hint: shapes broadcast when, aligned from the right, each "
                          "pair of dims is equal or one of them is 1")
    return tuple(max(x, y) if 0 not in (x, y) else 0 for x, y in zip(padded_a, padded_b))

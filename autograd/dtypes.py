"""Data types and PyTorch's type-promotion rules on top of NumPy dtypes.

``ag.float32`` is a ``DType``: it prints as ``torch.float32`` and is NumPy-compatible, since
``np.dtype(ag.float32)`` is ``np.dtype("float32")`` (NumPy reads its ``.dtype``), so
``np.zeros(3, ag.float32)``, ``x.dtype == ag.float32`` and ``x.dtype == np.float32`` all work.
Arrays inside hold NumPy dtypes. Python floats and lists of floats become the default float
(float32 unless ``set_default_dtype`` says otherwise); a NumPy array keeps its dtype.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .checks import type_name

if TYPE_CHECKING:
    from .types import Array, ArrayLike, DTypeLike


class DType:
    """A tensor's element type, as ``torch.dtype``: ``torch.float32``, ``torch.int64``...

    It equals its NumPy dtype and NumPy's scalar type (``ag.float32 == np.float32``) and hashes
    like them; attributes NumPy dtypes have (``kind``, ``type``, ``char``) are theirs.
    """

    __slots__ = ("_numpy", "_name")

    def __init__(self, numpy_dtype: np.dtype[Any], name: str) -> None:
        self._numpy, self._name = numpy_dtype, name

    @property
    def dtype(self) -> np.dtype[Any]:
        """The NumPy dtype (NumPy's protocol: ``np.dtype(ag.float32)`` reads it)."""
        return self._numpy

    @property
    def is_floating_point(self) -> bool:
        """True for float16, float32 and float64."""
        return self._numpy.kind == "f"

    @property
    def is_signed(self) -> bool:
        """True for the floats and the signed integers."""
        return self._numpy.kind in "fi"

    @property
    def is_complex(self) -> bool:
        """False: ndgrad holds no complex numbers."""
        return False

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self._numpy.itemsize

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._numpy, attribute)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DType):
            return self is other
        if isinstance(other, np.dtype) or isinstance(other, type) and issubclass(other, np.generic):
            return bool(self._numpy == other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._numpy)

    def __repr__(self) -> str:
        return f"torch.{self._name}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (of, (self._numpy,))


_NAMES = {np.float16: "float16", np.float32: "float32", np.float64: "float64", np.uint8: "uint8",
          np.int8: "int8", np.int16: "int16", np.int32: "int32", np.int64: "int64",
          np.bool_: "bool", np.uint16: "uint16", np.uint32: "uint32", np.uint64: "uint64"}
_DTYPES = {np.dtype(t): DType(np.dtype(t), n) for t, n in _NAMES.items()}
# what a dtype= argument may name (uint16/32/64 only come from NumPy data, as in torch)
_SUPPORTED = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64, np.uint8, np.int8,
                                             np.int16, np.int32, np.int64, np.bool_))


def of(numpy_dtype: np.dtype[Any]) -> DType:
    """The ``DType`` of a NumPy dtype a Tensor holds (what ``Tensor.dtype`` returns)."""
    return _DTYPES[numpy_dtype]


float16, float32, float64 = of(np.dtype(np.float16)), of(np.dtype(np.float32)), of(np.dtype(np.float64))
uint8, int8, int16 = of(np.dtype(np.uint8)), of(np.dtype(np.int8)), of(np.dtype(np.int16))
int32, int64, bool_ = of(np.dtype(np.int32)), of(np.dtype(np.int64)), of(np.dtype(np.bool_))

_default_float = [np.dtype(np.float32)]  # set_default_dtype's setting
_INT_RANGES = {np.dtype(t): (int(np.iinfo(t).min), int(np.iinfo(t).max))
               for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                         np.uint64)}
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}  # category order used by promotion: bool < int < float
_PYTHON_TYPES = {float: np.dtype(np.float64), int: np.dtype(np.int64), bool: np.dtype(np.bool_)}


def default_float() -> np.dtype[Any]:
    """The NumPy dtype new floating tensors get (float32 unless ``set_default_dtype`` changed it)."""
    return _default_float[0]


def _default_for_kind(kind: str) -> np.dtype[Any]:
    return _default_float[0] if kind == "f" else _PYTHON_TYPES[bool if kind == "b" else int]


def name(dtype: DTypeLike) -> str:
    """The short name PyTorch prints: ``float32``, ``int64``, ``bool``."""
    wrapped = _DTYPES.get(np.dtype(dtype)) if not isinstance(dtype, DType) else dtype
    return wrapped._name if wrapped is not None else str(dtype)


def as_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    """Normalize a dtype spelling: ``ag.float64``, ``np.float64``, ``"float64"`` or a Python type.

    Python's ``float``/``int``/``bool`` mean float64/int64/bool, as in PyTorch.
    """
    if isinstance(dtype, DType):
        return dtype._numpy
    if isinstance(dtype, np.dtype):
        return dtype
    if isinstance(dtype, type) and dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype]
    try:
        result = np.dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(f"dtype: {dtype!r} is not a data type; use ag.float32, ag.float64, "
                        "ag.int64 or ag.bool") from None
    if result not in _SUPPORTED:
        supported = sorted(of(d)._name for d in _SUPPORTED)
        raise TypeError(f"dtype: {result} is not supported; use one of {supported}")
    return result


def is_floating(dtype: np.dtype[Any] | DType) -> bool:
    """True for float16/32/64: the dtypes that can require gradients."""
    return dtype.kind == "f"


def as_float(array: Array) -> Array:
    """``array`` itself if it is floating point, else converted to float32 (PyTorch's default float).

    This is what float-valued functions (exp, softmax, division...) do with integer input.
    """
    return array if array.dtype.kind == "f" else array.astype(_default_float[0])


def default_for(array: Array) -> np.dtype[Any]:
    """The dtype PyTorch infers for data given as Python scalars or lists."""
    return _default_for_kind(array.dtype.kind) if array.dtype.kind in "biuf" else array.dtype


def _category(kind: str) -> int:
    if kind not in _CATEGORY:
        raise TypeError(f"unsupported data kind {kind!r}: ndgrad holds bool, integer and float data")
    return _CATEGORY[kind]


class OperandError(TypeError):
    """An op's operand is no Tensor, array or real number: None, a string, a list, complex..."""


def is_operand(value: Any) -> bool:
    """Whether ``value`` may stand next to a Tensor in an operator (``t + value``, ``t == value``).

    Arrays and numbers may; complex numbers too, which the ops then refuse by name (or compare,
    for ``==``). Anything else makes the operator return NotImplemented, so that Python raises
    its ``unsupported operand type(s)`` TypeError, and ``t == None`` is False, as in PyTorch.
    """
    return isinstance(value, (bool, int, float, complex, np.ndarray, np.generic))


def check_operand(op: str, value: Any) -> None:
    """Refuse, naming ``op``, a non-Tensor operand that no op takes (see ``is_operand``).

    Raises:
        OperandError: for None, strings, lists, complex numbers and the like.
    """
    try:
        result_type(value)
    except OperandError as err:
        raise OperandError(f"{op}: {err}") from None


def _operand_problem(value: Any) -> str:
    kind = getattr(value, "dtype", np.dtype(type(value)) if isinstance(value, complex) else None)
    if kind is not None and kind.kind == "c":
        return (f"complex operand {value!r}: ndgrad has no complex dtype. Hint: tensors hold bool, "
                "integer and float numbers; pass the real part (.real) if that is what you mean")
    what = f"an array of dtype {kind}" if kind is not None else type_name(value)
    return (f"expected a Tensor or a number (bool, int, float) as operand, got {what}. Hint: "
            "convert data with ag.tensor(...) first")


def result_type(*operands: ArrayLike) -> np.dtype[Any]:
    """PyTorch's promotion: the highest category (bool < int < float) wins.

    Within it, tensors with dimensions outrank 0-d tensors, which outrank Python scalars.

    ``float32 tensor * int64 tensor -> float32``; ``float32 tensor * 2.5 -> float32``;
    ``int64 tensor * 2.5 -> float32`` (the default float), unlike NumPy.
    """
    groups: tuple[list[np.dtype[Any]], ...] = ([], [], [])  # dimensioned, zero-dim, python scalar
    for x in operands:
        if isinstance(x, (np.ndarray, np.generic)):
            if x.dtype.kind not in _CATEGORY:
                raise OperandError(_operand_problem(x))
            groups[0 if isinstance(x, np.ndarray) and x.ndim else 1].append(x.dtype)
        elif isinstance(x, (bool, int, float)):
            groups[2].append(_default_for_kind("b" if isinstance(x, bool) else
                                               "i" if isinstance(x, int) else "f"))
        else:
            raise OperandError(_operand_problem(x))
    top = max(_category(d.kind) for group in groups for d in group)
    for group in groups:
        same = [d for d in group if _category(d.kind) == top]
        if same:
            return np.result_type(*same) if group is not groups[2] else same[0]
    raise AssertionError("unreachable")


def promote(a: ArrayLike, b: ArrayLike) -> tuple[Any, Any]:
    """Cast two operands (arrays or Python scalars) to their PyTorch-promoted dtype.

    Python scalars stay scalars when the array's dtype already holds them (NumPy 2 keeps
    ``float32 * 2.5`` in float32), so the common case costs two type checks. A Python int
    outside an integer dtype's range wraps into it, as in PyTorch (``int8 * 200`` multiplies
    by -56); one beyond 64 bits is an OverflowError.
    """
    if type(a) is np.ndarray:
        if type(b) is np.ndarray:
            if a.dtype == b.dtype:
                return a, b
        elif type(b) is float and a.dtype.kind == "f" or type(b) is int and (
                a.dtype.kind == "f" or _holds(a.dtype, b)):
            return a, b
    elif type(b) is np.ndarray and (type(a) is float and b.dtype.kind == "f" or type(a) is int and (
            b.dtype.kind == "f" or _holds(b.dtype, a))):
        return a, b
    dtype = result_type(a, b)
    return _cast(a, dtype), _cast(b, dtype)


def promoted_arrays(a: ArrayLike, b: ArrayLike) -> tuple[Array, Array]:
    """Both operands as arrays of their PyTorch-promoted dtype (Python ints wrap, as in ``promote``)."""
    dtype = result_type(a, b)
    return np.asarray(_cast(a, dtype)), np.asarray(_cast(b, dtype))


def float_operands(a: ArrayLike, b: ArrayLike) -> tuple[Array, Array]:
    """Both operands as arrays of their promoted dtype, made floating if it is not.

    (The default float then.) True division and other float-valued binary functions compute
    in it.
    """
    dtype = result_type(a, b)
    if dtype.kind != "f":
        dtype = _default_float[0]
    return _cast(a, dtype), _cast(b, dtype)


def _holds(dtype: np.dtype[Any], value: int) -> bool:
    """Whether the integer (or bool) ``dtype`` holds the Python int ``value`` as it is."""
    limits = _INT_RANGES.get(dtype)
    return limits is not None and limits[0] <= value <= limits[1]


def _cast(x: ArrayLike, dtype: np.dtype[Any]) -> Array:
    if isinstance(x, (np.ndarray, np.generic)):
        return x.astype(dtype, copy=False)
    if type(x) is int and dtype.kind in "iu" and not _holds(dtype, x):
        if not -2**63 <= x < 2**64:
            raise OverflowError(f"Python int {x} too big to convert")
        return np.asarray(x).astype(dtype)  # wraps (two's complement), as PyTorch does
    return np.asarray(x, dtype=dtype)


def get_default_dtype() -> DType:
    """The dtype of new floating tensors: ``torch.float32`` unless set otherwise."""
    return of(_default_float[0])


def set_default_dtype(d: DTypeLike) -> None:
    """Make ``d`` (float32 or float64; float16 too) the dtype of new floating tensors.

    As ``torch.set_default_dtype``: it is what ``tensor([1.5])``, ``zeros(3)``, ``randn(2)``,
    ``int_tensor / 2`` and ``tensor(1) * 2.5`` give from then on.

    Raises:
        TypeError: for a non-floating dtype.
    """
    resolved = as_dtype(d)
    if resolved.kind != "f":
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the "
                        f"default type, got {name(resolved)}. Hint: ag.float32 or ag.float64")
    _default_float[0] = resolved


def finfo(dtype: DTypeLike | None = None) -> np.finfo[Any]:
    """Machine limits of a floating dtype, the default float without one (``torch.finfo``).

    Fields: ``eps``, ``max``, ``min``, ``tiny``, ``resolution``, ``bits``.

    Raises:
        TypeError: for a non-floating dtype (use ``iinfo``).
    """
    resolved = _default_float[0] if dtype is None else as_dtype(dtype)
    if resolved.kind != "f":
        raise TypeError(f"finfo: {name(resolved)} is not a floating point dtype. Hint: use iinfo")
    return np.finfo(resolved)


def iinfo(dtype: DTypeLike) -> np.iinfo[Any]:
    """Machine limits of an integer dtype (``min``, ``max``, ``bits``): ``torch.iinfo``.

    Raises:
        TypeError: for a non-integer dtype (use ``finfo``).
    """
    resolved = as_dtype(dtype)
    if resolved.kind not in "iub":
        raise TypeError(f"iinfo: {name(resolved)} is not an integer dtype. Hint: use finfo")
    return np.iinfo(np.uint8 if resolved.kind == "b" else resolved)

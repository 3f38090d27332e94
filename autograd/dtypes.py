"""Data types and PyTorch's type-promotion rules on top of NumPy dtypes.

ndgrad's dtypes are NumPy dtype objects, so ``x.dtype == ag.float32`` and
``x.dtype == np.float32`` both hold. Python floats and lists of floats become
float32 (PyTorch's default); a NumPy array keeps its dtype.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .types import Array, ArrayLike, DTypeLike

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

_NAMES = {
    float16: "float16", float32: "float32", float64: "float64", uint8: "uint8",
    int8: "int8", int16: "int16", int32: "int32", int64: "int64", bool_: "bool",
}
_DEFAULT_FOR_KIND = {"b": bool_, "i": int64, "u": int64, "f": float32}
# Category order used by promotion: bool < integer < floating.
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
_PYTHON_TYPES = {float: float64, int: int64, bool: bool_}


def name(dtype: np.dtype[Any]) -> str:
    """The short name PyTorch prints: ``float32``, ``int64``, ``bool``."""
    return _NAMES.get(dtype, str(dtype))


def as_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    """Normalize a dtype spelling: ``ag.float64``, ``np.float64``, ``"float64"`` or a Python type.

    Python's ``float``/``int``/``bool`` mean float64/int64/bool, as in PyTorch.
    """
    if isinstance(dtype, np.dtype):
        return dtype
    if dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype]
    try:
        result = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype: {dtype!r} is not a data type; use ag.float32, ag.float64, "
                        "ag.int64 or ag.bool") from None
    if result not in _NAMES:
        raise TypeError(f"dtype: {name(result)} is not supported; use one of {sorted(_NAMES.values())}")
    return result


def is_floating(dtype: np.dtype[Any]) -> bool:
    """True for float16/32/64: the dtypes that can require gradients."""
    return dtype.kind == "f"


def as_float(array: Array) -> Array:
    """``array`` itself if it is floating point, else converted to float32 (PyTorch's default float).

    This is what float-valued functions (exp, softmax, division...) do with integer input.
    """
    return array if array.dtype.kind == "f" else array.astype(float32)


def as_array(data: ArrayLike, dtype: DTypeLike | None = None) -> Array:
    """Convert user data (nested lists, NumPy arrays, Python numbers) to a new ndarray.

    PyTorch's dtype inference: Python floats become float32, arrays keep their dtype.
    """
    if dtype is not None:
        dtype = as_dtype(dtype)
    if isinstance(data, (np.ndarray, np.generic)):
        array = np.array(data, dtype=dtype)
    else:
        try:
            array = np.array(data)
        except ValueError as err:
            raise ValueError(f"tensor(): cannot convert the data to a tensor ({err}). Hint: "
                             "nested lists must be rectangular") from None
        array = array.astype(dtype if dtype is not None else default_for(array), copy=False)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"tensor(): can't make a tensor from data of type {array.dtype}; "
                        "ndgrad holds bool, integer and float numbers")
    return array


def default_for(array: Array) -> np.dtype[Any]:
    """The dtype PyTorch infers for data given as Python scalars or lists."""
    return _DEFAULT_FOR_KIND.get(array.dtype.kind, array.dtype)


def _category(kind: str) -> int:
    if kind not in _CATEGORY:
        raise TypeError(f"unsupported data kind {kind!r}: ndgrad holds bool, integer and float data")
    return _CATEGORY[kind]


def result_type(*operands: ArrayLike) -> np.dtype[Any]:
    """PyTorch's promotion: the highest category (bool < int < float) wins.

    Within it, tensors with dimensions outrank 0-d tensors, which outrank Python scalars.

    ``float32 tensor * int64 tensor -> float32``; ``float32 tensor * 2.5 -> float32``;
    ``int64 tensor * 2.5 -> float32`` (the default float), unlike NumPy.
    """
    groups: tuple[list[np.dtype[Any]], ...] = ([], [], [])  # dimensioned, zero-dim, python scalar
    for x in operands:
        if isinstance(x, np.ndarray):
            groups[0 if x.ndim else 1].append(x.dtype)
        elif isinstance(x, np.generic):
            groups[1].append(x.dtype)
        else:
            groups[2].append(_DEFAULT_FOR_KIND[np.asarray(x).dtype.kind])
    top = max(_category(d.kind) for group in groups for d in group)
    for group in groups:
        same = [d for d in group if _category(d.kind) == top]
        if same:
            return np.result_type(*same) if group is not groups[2] else same[0]
    raise AssertionError("unreachable")


def promote(a: ArrayLike, b: ArrayLike) -> tuple[Any, Any]:
    """Cast two operands (arrays or Python scalars) to their PyTorch-promoted dtype.

    Python scalars stay scalars when the array's dtype already holds them (NumPy 2 keeps
    ``float32 * 2.5`` in float32), so the common case costs two type checks.
    """
    if type(a) is np.ndarray:
        if type(b) is np.ndarray:
            if a.dtype == b.dtype:
                return a, b
        elif type(b) is float and a.dtype.kind == "f" or type(b) is int and a.dtype.kind in "fiu":
            return a, b
    elif type(b) is np.ndarray and (
            type(a) is float and b.dtype.kind == "f" or type(a) is int and b.dtype.kind in "fiu"):
        return a, b
    dtype = result_type(a, b)
    return _cast(a, dtype), _cast(b, dtype)


def _cast(x: ArrayLike, dtype: np.dtype[Any]) -> Array:
    if isinstance(x, (np.ndarray, np.generic)):
        return x.astype(dtype, copy=False)
    return np.asarray(x, dtype=dtype)


def get_default_dtype() -> np.dtype[Any]:
    """The dtype of new floating tensors: float32."""
    return float32


def finfo(dtype: DTypeLike | None = None) -> np.finfo[Any]:
    """Machine limits of a floating dtype, the default float without one (``torch.finfo``).

    Fields: ``eps``, ``max``, ``min``, ``tiny``, ``resolution``, ``bits``.

    Raises:
        TypeError: for a non-floating dtype (use ``iinfo``).
    """
    resolved = float32 if dtype is None else as_dtype(dtype)
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

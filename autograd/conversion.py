"""How data becomes a Tensor's array: one dtype gate, and PyTorch's checks on Python values.

**The gate** (``tensor_array``): every way an array becomes a Tensor (``tensor``,
``as_tensor``, ``from_numpy``, ``Tensor(...)``, ``.data = ``, ``load``, the output of every op)
passes it. A Tensor holds float16/32/64, int8/16/32/64, uint8/16/32/64 or bool in native byte
order; anything else is refused as ``torch.from_numpy`` refuses it: object, string, structured,
datetime and long double arrays are a TypeError (ndgrad also has no complex numbers) and a
non-native byte order is a ValueError. Loading converts the byte order instead (a file's
byte order is no user's choice).

**Python values** (``from_data``, ``scalar``): PyTorch stores Python numbers into an integer
dtype only if they fit. ``tensor([nan], dtype=int64)``, ``tensor([3e9], dtype=int32)``,
``tensor([300], dtype=uint8)`` and ``int8_tensor.fill_(200)`` are errors ("value cannot be
converted to type int32 without overflow"), ``tensor([2**63])`` is "Overflow when unpacking
long long"; an unsigned dtype accepts negative ints down to ``-max`` (two's complement:
``tensor([-1], dtype=uint8)`` is 255). Floats convert truncating (3.7 -> 3). Data already in
NumPy arrays converts as NumPy casts it, unchecked, as in PyTorch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes
from .checks import OpError, type_name

if TYPE_CHECKING:
    from .types import Array, ArrayLike, DTypeLike

HELD = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64, np.int8, np.int16,
                                       np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                                       np.uint64, np.bool_))
_SUPPORTED_TEXT = ("float64, float32, float16, int64, int32, int16, int8, uint64, uint32, "
                   "uint16, uint8, and bool")
_HINTS = {
    "c": "ndgrad holds no complex numbers; take array.real, array.imag or np.abs(array) first",
    "O": "convert the objects to numbers first, e.g. array.astype(np.float32)",
    "U": "parse the strings into numbers first, e.g. array.astype(np.float32)",
    "S": "parse the strings into numbers first, e.g. array.astype(np.float32)",
    "V": "take one field of a structured array, e.g. array['x'], or view it as numbers",
    "M": "convert dates to numbers first, e.g. array.astype(np.int64)",
    "m": "convert time spans to numbers first, e.g. array.astype(np.int64)",
    "f": "convert it to float64 first: array.astype(np.float64)",
}


def tensor_array(array: Array, op: str, *, byteswap: bool = False) -> Array:
    """``array`` itself if a Tensor can hold it (the gate); in native byte order if ``byteswap``.

    Raises:
        TypeError: a dtype no Tensor holds (object, complex, str, structured, datetime,
            long double).
        ValueError: a non-native byte order (``>f4`` on a little-endian machine), unless
            ``byteswap``.
    """
    dtype = array.dtype
    if dtype in HELD:
        return array
    native = dtype.newbyteorder("=")
    if native in HELD:
        if byteswap:
            return array.astype(native)
        raise ValueError(f"{op}: given numpy array has byte order different from the native "
                         f"byte order (dtype {dtype.str!r}). Conversion between byte orders is "
                         "currently not supported. Hint: convert it first, e.g. "
                         "array.astype(array.dtype.newbyteorder('='))")
    raise TypeError(f"{op}: can't convert np.ndarray of type numpy.{dtype.type.__name__}. The "
                    f"only supported types are: {_SUPPORTED_TEXT}. Hint: "
                    f"{_HINTS.get(dtype.kind, 'convert it to one of those dtypes first')}")


def from_data(data: ArrayLike, dtype: DTypeLike | None, op: str) -> Array:
    """A new array holding ``data`` (nested lists, Python numbers or a NumPy array) in ``dtype``.

    Python floats become the default float, ints int64, bools bool; arrays keep their dtype;
    tensors and NumPy values in lists count as numbers of their dtype (``autograd/nested.py``).
    Python values must fit an integer ``dtype`` (see the module docstring).

    Raises:
        TypeError: data of no number type (strings, objects), or an array the gate refuses.
        ValueError: ragged nested lists; a Python int beyond int64.
        OpError: a Python value that does not fit the integer ``dtype``.
    """
    target = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(data, (np.ndarray, np.generic)):
        source = tensor_array(np.asarray(data), op)
        with np.errstate(over="ignore", invalid="ignore"):  # nan -> int wraps silently, as in PyTorch
            return np.array(source, dtype=target)
    inferred = None
    if isinstance(data, (list, tuple)):  # a tensor in it is a number of its dtype (nested.py)
        from .nested import read_nested

        data, inferred = read_nested(data)
    try:
        raw = np.array(data)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{op}: cannot convert the data to a tensor ({err}). Hint: nested "
                         "lists must be rectangular") from None
    if raw.dtype.kind not in "biuf":
        raw = _python_ints(raw, data, target, op)
    if target is None:
        target = dtypes.default_for(raw) if inferred is None else inferred
    check_fits(raw, target, op)
    with np.errstate(over="ignore"):  # 1e300 -> inf in float16, silently, as in PyTorch
        return tensor_array(raw.astype(target, copy=False), op)


def scalar(value: Any, dtype: np.dtype[Any], op: str) -> Any:
    """``value`` once checked to fit ``dtype`` (a fill value: ``fill_``, ``full``, ``x[i] = v``).

    Tensors and arrays pass unchecked (they convert as NumPy casts).

    Raises:
        OpError: a Python number that does not fit the integer ``dtype``.
        OverflowError: a Python int beyond 64 bits.
    """
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        raw = np.asarray(value)
        if raw.dtype.kind == "O":
            raise OverflowError(f"{op}: the Python int {value} is too big to convert (beyond 64 "
                                f"bits) to {dtypes.name(dtype)}. Hint: pass a smaller value")
        check_fits(raw, dtype, op, "pass a value in that range")
    return value


def check_fits(raw: Array, target: np.dtype[Any], op: str,
               advice: str = "use a wider or floating point dtype, or clamp (and replace nan in) "
                             "the values first") -> None:
    """Refuse Python values (as an array ``raw``) that an integer ``target`` cannot hold.

    Raises:
        ValueError: ints beyond int64 (``raw`` is uint64: they came from Python ints).
        OpError: values outside ``target``'s range, or nan/inf, for an integer ``target``.
    """
    if target.kind not in "iu" or raw.dtype == target or raw.dtype.kind == "b" or not raw.size:
        return
    if raw.dtype == np.uint64 and raw.max() > np.iinfo(np.int64).max:
        raise ValueError(f"{op}: value {int(raw.max())} is too big for int64 (Overflow when "
                         "unpacking long long). Hint: pass dtype=ag.float64 to hold it "
                         "approximately")
    info = np.iinfo(target)
    low = -int(info.max) if target.kind == "u" and raw.dtype.kind == "i" else int(info.min)
    if raw.dtype.kind == "f":
        high = (raw <= float(info.max)) & (raw < float(int(info.max) + 1))  # int64's max rounds up
        bad = raw[~((raw >= float(low)) & high)]  # nan fails both
    else:
        bad = raw[(raw < low) | (raw > int(info.max))]
    if bad.size:
        raise OpError(f"{op}: value {bad.flat[0].item()!r} cannot be converted to type "
                      f"{dtypes.name(target)} without overflow. Hint: {dtypes.name(target)} "
                      f"holds [{info.min}, {info.max}]; {advice}")


def _python_ints(raw: Array, data: Any, target: np.dtype[Any] | None, op: str) -> Array:
    """``data`` as numbers when NumPy made an object array of Python ints beyond 64 bits.

    Floats (a float among the values, or a float ``target``) hold them approximately; as
    integers they overflow int64, as in PyTorch.
    """
    numbers = raw.dtype.kind == "O" and raw.size and all(
        isinstance(v, (int, float)) for v in raw.flat)
    if numbers:
        if target is not None and target.kind == "f" or any(type(v) is float for v in raw.flat):
            return np.array(data, dtype=np.float64)  # then converted (and checked) as floats
        big = next(v for v in raw.flat if not -2**63 <= v < 2**63)
        raise ValueError(f"{op}: value {big} is out of the range of int64 (Overflow when "
                         "unpacking long long). Hint: pass dtype=ag.float64 to hold it "
                         "approximately")
    if raw.dtype.kind == "O":
        kind = type_name(next(v for v in raw.flat if not isinstance(v, (bool, int, float))))
    else:
        kind = {"U": "str", "S": "bytes", "c": "complex"}.get(raw.dtype.kind, str(raw.dtype))
    raise TypeError(f"{op}: can't make a tensor from data of type {kind}; ndgrad holds bool, "
                    "integer and float numbers. Hint: convert the data to numbers first")

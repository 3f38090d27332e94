"""Tensor factories: ``tensor``, ``zeros``, ``ones``, ``full``, ``eye``, ``arange``, ``linspace``...

Also the random ones (``rand``, ``randn``, ``randint``, ``randperm``, drawn from ``generator=``,
default the global generator that ``ag.manual_seed`` seeds) and the ``*_like`` forms. Floats
default to float32, integers to int64, as in PyTorch.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from . import checks, dtypes, random
from ._tensor import Tensor
from .checks import type_name
from .conversion import from_data, scalar, tensor_array
from .device import DeviceLike, check_cpu
from .out import write_out
from .primitive import OpError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .random import GeneratorLike
    from .types import Array, ArrayLike, DTypeLike, Shape


def tensor(data: ArrayLike, dtype: DTypeLike | None = None, requires_grad: bool = False,
           device: DeviceLike | int | None = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (Python floats -> float32; arrays keep dtype).

    Python values must fit an integer ``dtype`` and arrays must have a dtype a Tensor holds
    (``autograd.conversion``).
    """
    checks.flag("tensor()", "requires_grad", requires_grad)  # None too, as torch.tensor
    array = from_data(data._data if isinstance(data, Tensor) else data, dtype, "tensor()")
    return _new(array, requires_grad, device, "tensor()")


def as_tensor(data: ArrayLike, dtype: DTypeLike | None = None,
              device: DeviceLike | int | None = None) -> Tensor:
    """``data`` as a tensor, sharing memory when it already is one (or an array) of ``dtype``.

    As ``torch.as_tensor``: a Tensor of that dtype is returned itself, an ndarray of that
    dtype is shared as by ``from_numpy``; anything else is converted as by ``tensor``.
    """
    check_cpu("as_tensor", device)
    target = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(data, Tensor):
        return data if target is None or data._data.dtype == target else data.to(target)
    if isinstance(data, np.ndarray) and (target is None or data.dtype == target):
        return Tensor._wrap(tensor_array(data, "as_tensor"))
    return Tensor._wrap(from_data(data, target, "as_tensor"))


def from_numpy(array: Array) -> Tensor:
    """A tensor sharing memory with ``array`` (dtype kept; it must be one a Tensor holds)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type_name(array)})")
    return Tensor._wrap(tensor_array(array, "from_numpy"))


def _size(op: str, sizes: tuple[Any, ...], size: Any = None) -> Shape:
    """The shape of ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``, checked."""
    if size is not None:
        if sizes:
            raise TypeError(f"{op}: pass the sizes either as arguments or as size=, not both")
        sizes = (size,)
    return checks.shape(op, sizes)


def _new(array: Array, requires_grad: bool, device: DeviceLike | int | None = None,
         op: str = "tensor") -> Tensor:
    check_cpu(op, device)
    t = Tensor._wrap(array)
    if checks.flag(op, "requires_grad", requires_grad, default=False):
        t.requires_grad = True
    return t


def _float_dtype(op: str, dtype: DTypeLike | None) -> np.dtype[Any]:
    dtype = dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating point dtype, got {dtypes.name(dtype)}")
    return dtype


def zeros(*sizes: int | Sequence[int], size: int | Sequence[int] | None = None,
          dtype: DTypeLike | None = None, requires_grad: bool = False,
          device: DeviceLike | int | None = None,
          out: Tensor | None = None) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    array = checks.allocate("zeros", np.zeros, _size("zeros", sizes, size),
                            dtypes.as_dtype(dtype or dtypes.default_float()))
    return write_out(_new(array, requires_grad, device, "zeros"), out, "zeros")


def ones(*sizes: int | Sequence[int], size: int | Sequence[int] | None = None,
         dtype: DTypeLike | None = None, requires_grad: bool = False,
         device: DeviceLike | int | None = None,
         out: Tensor | None = None) -> Tensor:
    """A tensor of ones."""
    array = checks.allocate("ones", np.ones, _size("ones", sizes, size),
                            dtypes.as_dtype(dtype or dtypes.default_float()))
    return write_out(_new(array, requires_grad, device, "ones"), out, "ones")


def empty(*sizes: int | Sequence[int], size: int | Sequence[int] | None = None,
          dtype: DTypeLike | None = None, requires_grad: bool = False,
          device: DeviceLike | int | None = None,
          out: Tensor | None = None) -> Tensor:
    """An uninitialized tensor (its values are arbitrary)."""
    array = checks.allocate("empty", np.empty, _size("empty", sizes, size),
                            dtypes.as_dtype(dtype or dtypes.default_float()))
    return write_out(_new(array, requires_grad, device, "empty"), out, "empty")


def full(size: int | Sequence[int], fill_value: float, dtype: DTypeLike | None = None,
         requires_grad: bool = False,
         device: DeviceLike | int | None = None,
         out: Tensor | None = None) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value (float -> float32)."""
    dtype = dtypes.default_for(np.asarray(fill_value)) if dtype is None else dtypes.as_dtype(dtype)
    array = checks.allocate("full", np.empty, _size("full", (size,)), dtype)
    array.fill(scalar(fill_value, dtype, "full"))
    return write_out(_new(array, requires_grad, device, "full"), out, "full")


def eye(n: int, m: int | None = None, dtype: DTypeLike | None = None,
        requires_grad: bool = False,
        device: DeviceLike | int | None = None,
        out: Tensor | None = None) -> Tensor:
    """The n x m identity matrix (m = n by default)."""
    rows = checks.count("eye", "n", n)
    columns = rows if m is None else checks.count("eye", "m", m)
    array = np.eye(rows, columns, dtype=dtypes.as_dtype(dtype or dtypes.default_float()))
    return write_out(_new(array, requires_grad, device, "eye"), out, "eye")


def arange(start: float, end: float | None = None, step: float = 1, dtype: DTypeLike | None = None,
           requires_grad: bool = False,
           device: DeviceLike | int | None = None,
           out: Tensor | None = None) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 if all are ints.

    As in PyTorch, ``step`` must be non-zero, the bounds finite and ``end - start`` of the
    sign of ``step`` (or zero): ``arange(5, 0, 1)`` is an error, not an empty tensor.
    """
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    _check_range(start, end, step)
    if dtype is None:
        dtype = dtypes.default_for(np.asarray([start, end, step]))
    array = np.arange(start, end, step).astype(dtypes.as_dtype(dtype))
    return write_out(_new(array, requires_grad, device, "arange"), out, "arange")


def _check_range(start: Any, end: Any, step: Any) -> None:
    for name, value in (("start", start), ("end", end), ("step", step)):
        if not isinstance(value, numbers.Real):
            raise TypeError(f"arange(): argument '{name}' must be a number, not {type_name(value)}")
    if step == 0:
        raise OpError(f"arange: step must be nonzero (got start={start}, end={end}, step={step})")
    if not (np.isfinite(start) and np.isfinite(end)):
        raise OpError(f"arange: unsupported range: {start} -> {end}. Hint: the bounds must be "
                      "finite")
    if (end - start) * step < 0:
        raise OpError(f"arange: upper bound and lower bound inconsistent with step sign "
                      f"(start={start}, end={end}, step={step}). Hint: a negative step counts "
                      "down, e.g. arange(5, 0, -1)")


def linspace(start: float, end: float, steps: int, dtype: DTypeLike | None = None,
             requires_grad: bool = False,
             device: DeviceLike | int | None = None,
             out: Tensor | None = None) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    steps = checks.count("linspace", "steps", steps, "number of steps must be non-negative, got {value}")
    for label, value in (("start", start), ("end", end)):
        if isinstance(value, Tensor) and value.ndim:
            raise OpError(f"linspace: only 0-dimensional start and end tensors are supported, but "
                          f"{label} has shape {tuple(value.shape)}. Hint: pass numbers or 0-d tensors")
    array = np.linspace(start, end, steps).astype(_float_dtype("linspace", dtype))
    return write_out(_new(array, requires_grad, device, "linspace"), out, "linspace")


def rand(*sizes: int | Sequence[int], size: int | Sequence[int] | None = None,
         generator: GeneratorLike | None = None,
         dtype: DTypeLike | None = None, requires_grad: bool = False,
         device: DeviceLike | int | None = None,
         out: Tensor | None = None) -> Tensor:
    """Uniform samples in [0, 1), from ``generator`` (default: the global one, ``ag.manual_seed``)."""
    dtype = _float_dtype("rand", dtype)
    array = random.rng("rand", generator).random(_size("rand", sizes, size), dtype=np.float64).astype(dtype)
    np.minimum(array, np.nextafter(dtype.type(1), dtype.type(0)), out=array)  # rounding must not give 1
    return write_out(_new(array, requires_grad, device, "rand"), out, "rand")


def randn(*sizes: int | Sequence[int], size: int | Sequence[int] | None = None,
          generator: GeneratorLike | None = None,
          dtype: DTypeLike | None = None, requires_grad: bool = False,
          device: DeviceLike | int | None = None,
          out: Tensor | None = None) -> Tensor:
    """Standard normal samples, from ``generator`` (default: the global one)."""
    dtype = _float_dtype("randn", dtype)
    rng = random.rng("randn", generator)
    array = rng.standard_normal(_size("randn", sizes, size)).astype(dtype)
    return write_out(_new(array, requires_grad, device, "randn"), out, "randn")


def integer_range(op: str, low: int, high: int | None, dtype: np.dtype[Any]) -> tuple[int, int]:
    """Check ``[low, high)`` for integers drawn into ``dtype``; return the inclusive ``(low, high - 1)``.

    ``high=None`` means the largest value of ``dtype`` (``2**mantissa`` for floats), as in
    PyTorch's ``random_(from, None)``.
    """
    for name, value in (("low", low), ("high", high)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
            raise TypeError(f"{op}: {name} must be an int, got {type(value).__name__} {value!r}")
    if dtype.kind == "b":
        lo, hi = 0, 1
    elif dtype.kind in "iu":
        lo, hi = int(np.iinfo(dtype).min), int(np.iinfo(dtype).max)
    else:
        hi = 2 ** (np.finfo(dtype).nmant + 1)
        lo = -hi
    last = hi if high is None else int(high) - 1
    if high is not None and int(low) >= int(high):
        raise OpError(f"{op}: expects 'from' (low) to be less than 'to' (high), but got "
                      f"from={low} >= to={high}")
    if dtype.kind in "biu":
        if not lo <= int(low) <= hi:
            raise OpError(f"{op}: from is out of bounds for {dtypes.name(dtype)} (from={low}, "
                          f"range [{lo}, {hi}])")
        if not lo <= last <= hi:
            raise OpError(f"{op}: to - 1 is out of bounds for {dtypes.name(dtype)} (to - 1={last}, "
                          f"range [{lo}, {hi}])")
    return int(low), last


def draw_integers(rng: np.random.Generator, low: int, last: int, shape: Shape,
                  dtype: np.dtype[Any]) -> Array:
    """Integers uniform in ``[low, last]`` (inclusive), as an array of ``dtype``."""
    wide = last > 2**63 - 1  # uint64 values above int64's range
    array = rng.integers(low, last, size=shape, endpoint=True, dtype=np.uint64 if wide else np.int64)
    return array.astype(dtype)


def randint(low: int, high: int | Sequence[int] | None = None, size: int | Sequence[int] = (),
            dtype: DTypeLike | None = None, *, generator: GeneratorLike | None = None,
            requires_grad: bool = False,
            device: DeviceLike | int | None = None,
            out: Tensor | None = None) -> Tensor:
    """Integers uniform in [low, high) (``randint(high, size)`` starts at 0), int64 by default."""
    if isinstance(high, (tuple, list)) and size == ():
        size = tuple(high)  # randint(high, size)
        high = None
    if high is None:
        low, high = 0, low
    dtype = dtypes.as_dtype(dtype or dtypes.int64)
    shape = _size("randint", (size,))
    low, last = integer_range("randint", low, high, dtype)  # type: ignore[arg-type]
    array = draw_integers(random.rng("randint", generator), low, last, shape, dtype)
    return write_out(_new(array, requires_grad, device, "randint"), out, "randint")


def randperm(n: int, *, generator: GeneratorLike | None = None, dtype: DTypeLike | None = None,
             requires_grad: bool = False,
             device: DeviceLike | int | None = None,
             out: Tensor | None = None) -> Tensor:
    """A random permutation of 0..n-1 (int64 by default)."""
    n = checks.count("randperm", "n", n, "Trying to create tensor with negative dimension {value}: [{value}]")
    array = random.rng("randperm", generator).permutation(n)
    array = array.astype(dtypes.as_dtype(dtype or dtypes.int64))
    return write_out(_new(array, requires_grad, device, "randperm"), out, "randperm")


def zeros_like(input: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False,
               device: DeviceLike | int | None = None) -> Tensor:
    """A tensor of zeros with the shape (and by default the dtype) of ``input``."""
    return zeros(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, device=device)


def ones_like(input: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False,
              device: DeviceLike | int | None = None) -> Tensor:
    """A tensor of ones with the shape (and by default the dtype) of ``input``."""
    return ones(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, device=device)


def empty_like(input: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False,
               device: DeviceLike | int | None = None) -> Tensor:
    """An uninitialized tensor with the shape (and by default the dtype) of ``input``."""
    return empty(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, device=device)


def full_like(input: Tensor, fill_value: float, dtype: DTypeLike | None = None,
              requires_grad: bool = False,
              device: DeviceLike | int | None = None) -> Tensor:
    """A tensor filled with ``fill_value``, with the shape (and by default the dtype) of ``input``."""
    return full(input.shape, fill_value, dtype=dtype or input.dtype,
                requires_grad=requires_grad, device=device)


def rand_like(input: Tensor, *, generator: GeneratorLike | None = None, dtype: DTypeLike | None = None,
              requires_grad: bool = False,
              device: DeviceLike | int | None = None) -> Tensor:
    """Uniform samples in [0, 1) with the shape (and by default the dtype) of ``input``."""
    return rand(input.shape, generator=generator, dtype=_float_dtype("rand_like", dtype or input.dtype),
                requires_grad=requires_grad, device=device)


def randn_like(input: Tensor, *, generator: GeneratorLike | None = None, dtype: DTypeLike | None = None,
               requires_grad: bool = False,
               device: DeviceLike | int | None = None) -> Tensor:
    """Standard normal samples with the shape (and by default the dtype) of ``input``."""
    return randn(input.shape, generator=generator, dtype=_float_dtype("randn_like", dtype or input.dtype),
                 requires_grad=requires_grad, device=device)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *,
                 generator: GeneratorLike | None = None, dtype: DTypeLike | None = None,
                 requires_grad: bool = False,
                 device: DeviceLike | int | None = None) -> Tensor:
    """Integers uniform in [low, high) with the shape (and by default the dtype) of ``input``.

    ``randint_like(x, high)`` starts at 0, as in PyTorch.
    """
    if high is None:
        low, high = 0, low
    dtype = dtypes.as_dtype(dtype or input.dtype)
    low, last = integer_range("randint_like", low, high, dtype)
    array = draw_integers(random.rng("randint_like", generator), low, last, tuple(input.shape), dtype)
    return _new(array, requires_grad, device, "randint_like")

"""Tensor factories: ``tensor``, ``zeros``, ``ones``, ``full``, ``eye``, ``arange``, ``linspace``...

Also the random ones (``rand``, ``randn``, ``randint``, ``randperm``, seeded by ``ag.manual_seed``)
and the ``*_like`` forms. Floats default to float32, integers to int64, as in PyTorch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes
from ._tensor import Tensor
from .random import generator

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .types import Array, ArrayLike, DTypeLike, Shape


def tensor(data: ArrayLike, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (Python floats -> float32; arrays keep dtype)."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def from_numpy(array: Array) -> Tensor:
    """A tensor sharing memory with ``array`` (dtype kept)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected an np.ndarray, got {type(array).__name__}")
    return Tensor._wrap(array)


def _size(op: str, size: tuple[Any, ...]) -> Shape:
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"{op}: sizes must be non-negative ints, got {shape!r}")
    return tuple(int(n) for n in shape)


def _new(array: Array, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(array)
    if requires_grad:
        t.requires_grad = True
    return t


def _float_dtype(op: str, dtype: DTypeLike | None) -> np.dtype[Any]:
    dtype = dtypes.float32 if dtype is None else dtypes.as_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating point dtype, got {dtypes.name(dtype)}")
    return dtype


def zeros(*size: int | Sequence[int], dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _new(np.zeros(_size("zeros", size), dtypes.as_dtype(dtype or dtypes.float32)), requires_grad)


def ones(*size: int | Sequence[int], dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _new(np.ones(_size("ones", size), dtypes.as_dtype(dtype or dtypes.float32)), requires_grad)


def empty(*size: int | Sequence[int], dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """An uninitialized tensor (its values are arbitrary)."""
    return _new(np.empty(_size("empty", size), dtypes.as_dtype(dtype or dtypes.float32)), requires_grad)


def full(size: int | Sequence[int], fill_value: float, dtype: DTypeLike | None = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value (float -> float32)."""
    if dtype is None:
        dtype = dtypes.default_for(np.asarray(fill_value))
    return _new(np.full(_size("full", (size,)), fill_value, dtypes.as_dtype(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype: DTypeLike | None = None,
        requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix."""
    return _new(np.eye(n, m, dtype=dtypes.as_dtype(dtype or dtypes.float32)), requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: DTypeLike | None = None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 if all are ints."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = dtypes.default_for(np.asarray([start, end, step]))
    return _new(np.arange(start, end, step).astype(dtypes.as_dtype(dtype)), requires_grad)


def linspace(start: float, end: float, steps: int, dtype: DTypeLike | None = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    return _new(np.linspace(start, end, steps).astype(_float_dtype("linspace", dtype)), requires_grad)


def rand(*size: int | Sequence[int], dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1)."""
    dtype = _float_dtype("rand", dtype)
    return _new(generator().random(_size("rand", size), dtype=np.float64).astype(dtype), requires_grad)


def randn(*size: int | Sequence[int], dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples."""
    dtype = _float_dtype("randn", dtype)
    return _new(generator().standard_normal(_size("randn", size)).astype(dtype), requires_grad)


def randint(low: int, high: int | None = None, size: int | Sequence[int] = (),
            dtype: DTypeLike | None = None) -> Tensor:
    """Integers uniform in [low, high) (``randint(high, size)`` starts at 0)."""
    if high is None:
        low, high = 0, low
    array = generator().integers(low, high, size=_size("randint", (size,)))
    return _new(array.astype(dtypes.as_dtype(dtype or dtypes.int64)), False)


def randperm(n: int, dtype: DTypeLike | None = None) -> Tensor:
    """A random permutation of 0..n-1."""
    return _new(generator().permutation(n).astype(dtypes.as_dtype(dtype or dtypes.int64)), False)


def zeros_like(input: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros with the shape (and by default the dtype) of ``input``."""
    return zeros(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def ones_like(input: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones with the shape (and by default the dtype) of ``input``."""
    return ones(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def empty_like(input: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """An uninitialized tensor with the shape (and by default the dtype) of ``input``."""
    return empty(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value: float, dtype: DTypeLike | None = None,
              requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``, with the shape (and by default the dtype) of ``input``."""
    return full(input.shape, fill_value, dtype=dtype or input.dtype, requires_grad=requires_grad)


def rand_like(input: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) with the shape (and by default the dtype) of ``input``."""
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples with the shape (and by default the dtype) of ``input``."""
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)

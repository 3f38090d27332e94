"""Constant padding of the last dims (``torch.constant_pad_nd``); negative pads crop.

``pad`` lists (before, after) pairs from the last dim backwards, as in PyTorch:
``(left, right, top, bottom)`` pads W by (left, right) and H by (top, bottom).

    y = x cropped by the negative pads, then extended by the positive ones with ``value``;
    d/dx = g cropped by the positive pads and zero-extended by the negative ones, i.e. the
    same op with the pads negated and value 0 (which is its own adjoint again).
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from ..checks import OpError, allocate, integers, type_name
from ..primitive import Primitive

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .._tensor import Tensor
    from ..types import Array, Value

Pairs = tuple[tuple[int, int], ...]


class ConstantPadNd(Primitive):
    """y = x cropped and extended by ``pairs`` (one (before, after) per dim) with ``value``.

    d/dx = ConstantPadNd(g, the pairs negated, 0).
    """

    def forward(self, x: Array, pairs: Pairs, value: Any) -> Array:
        self.pairs = pairs
        crop = tuple(slice(max(-a, 0), n - max(-b, 0)) for n, (a, b) in zip(x.shape, pairs))
        cropped = x[crop]
        grow = [(max(a, 0), max(b, 0)) for a, b in pairs]
        shape = tuple(n + a + b for n, (a, b) in zip(cropped.shape, grow))
        out = allocate("constant_pad_nd", np.empty, shape, x.dtype)
        out.fill(np.asarray(value).astype(x.dtype))
        out[tuple(slice(a, a + n) for n, (a, _) in zip(cropped.shape, grow))] = cropped
        return out

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        negated = tuple((-a, -b) for a, b in self.pairs)
        return (self.call(ConstantPadNd, g, pairs=negated, value=0),)


def pad_pairs(op: str, pad: Any, shape: tuple[int, ...]) -> list[tuple[int, int]]:
    """PyTorch's flat ``pad`` as (before, after) pairs of the last dims, last dim first.

    Raises:
        TypeError: not a sequence of ints. OpError: an odd length, or more pairs than dims.
    """
    values = integers(op, "pad", pad)
    if len(values) % 2:
        raise OpError(f"{op}: Padding length must be divisible by 2, got pad={list(values)}")
    if len(values) // 2 > len(shape):
        raise OpError(f"{op}: Padding length should be less than or equal to two times the input "
                      f"dimension but got padding length {len(values)} and input of dimension "
                      f"{len(shape)}. Hint: pad lists (before, after) per dim, last dim first")
    return [(values[i], values[i + 1]) for i in range(0, len(values), 2)]


def full_pairs(op: str, pairs: Sequence[tuple[int, int]], shape: tuple[int, ...]) -> Pairs:
    """One (before, after) per dim of ``shape`` (the unpadded leading dims get (0, 0)), checked.

    Raises:
        OpError: a crop that leaves a dim with a negative size.
    """
    full = [(0, 0)] * (len(shape) - len(pairs)) + list(reversed(pairs))
    for dim, (n, (a, b)) in enumerate(zip(shape, full)):
        if n + a + b < 0:
            raise OpError(f"{op}: the pads {(a, b)} of dim {dim} crop more than its size {n} "
                          f"(input shape {list(shape)}). Hint: negative pads crop")
    return tuple(full)


def _check_value(op: str, value: float, dtype: np.dtype[Any]) -> None:
    """Refuse, as PyTorch, a fill value that the dtype cannot hold (bool holds any)."""
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        fits = np.isfinite(value) and info.min <= value <= info.max
    elif dtype.kind == "f":
        fits = not np.isfinite(value) or abs(value) <= np.finfo(dtype).max
    else:
        fits = True
    if not fits:
        raise OpError(f"{op}: value {value!r} cannot be converted to type {dtype.name} without "
                      "overflow. Hint: pad with a value the tensor's dtype holds")


def constant_pad_nd(input: Tensor, pad: Sequence[int], value: float = 0) -> Tensor:
    """``input`` padded with ``value`` by ``pad`` = (before, after) pairs from the last dim back.

    Example:
        >>> constant_pad_nd(ag.ones(2), (1, 2))
        tensor([0., 1., 1., 0., 0.])
    """
    op = "constant_pad_nd"
    if not isinstance(value, numbers.Number) or isinstance(value, complex):
        raise TypeError(f"{op}(): argument 'value' must be Number, not {type_name(value)}")
    pairs = full_pairs(op, pad_pairs(op, pad, tuple(input.shape)), tuple(input.shape))
    _check_value(op, value, np.dtype(input.dtype.dtype))
    return ConstantPadNd.apply(input, pairs=pairs, value=value)

"""Padding layers: ``ZeroPad``, ``ConstantPad``, ``ReflectionPad``, ``ReplicationPad``, ``CircularPad``.

In 1 and 2 dims, each ``F.pad`` with its padding held as PyTorch holds it (an int becomes
(p, p) or (p, p, p, p): left, right, top, bottom).
"""

from __future__ import annotations

from autograd import Tensor

from . import functional as F
from .module import Module

Padding = int | tuple[int, ...] | list[int]


def _tuple(padding: Padding, count: int) -> tuple[int, ...]:
    """PyTorch's ``_pair``/``_quadruple``: an int repeated ``count`` times, a sequence as a tuple."""
    return tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * count


class _PadNd(Module):
    size = 2  # pads per layer: 2 (1d) or 4 (2d)
    mode = "reflect"
    value: float | None = None

    def __init__(self, padding: Padding) -> None:
        super().__init__()
        self.padding = _tuple(padding, self.size)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode, self.value)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    mode = "constant"

    def __init__(self, padding: Padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with ``value``: (left, right)."""


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dims with ``value``: (left, right, top, bottom)."""

    size = 4


class ZeroPad1d(ConstantPad1d):
    """Pads the last dim with zeros: (left, right)."""

    extra_repr = _PadNd.extra_repr

    def __init__(self, padding: Padding) -> None:
        super().__init__(padding, 0.0)


class ZeroPad2d(ConstantPad2d):
    """Pads the last two dims with zeros: (left, right, top, bottom)."""

    extra_repr = _PadNd.extra_repr

    def __init__(self, padding: Padding) -> None:
        super().__init__(padding, 0.0)


class ReflectionPad1d(_PadNd):
    """Mirrors the last dim at its ends (without repeating the edge): (left, right)."""


class ReflectionPad2d(_PadNd):
    """Mirrors the last two dims at their ends: (left, right, top, bottom), each < the size."""

    size = 4


class ReplicationPad1d(_PadNd):
    """Repeats the edge values of the last dim: (left, right)."""

    mode = "replicate"


class ReplicationPad2d(_PadNd):
    """Repeats the edge values of the last two dims: (left, right, top, bottom)."""

    size, mode = 4, "replicate"


class CircularPad1d(_PadNd):
    """Wraps the last dim around: (left, right)."""

    mode = "circular"


class CircularPad2d(_PadNd):
    """Wraps the last two dims around: (left, right, top, bottom)."""

    size, mode = 4, "circular"

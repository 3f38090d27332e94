"""Convolution layers (``Conv1d/2d/3d``, ``ConvTranspose1d/2d/3d``) and ``Unfold``/``Fold``.

Built as PyTorch builds them.

A convolution's weight is (out_channels, in_channels / groups, *kernel_size) (transposed:
(in_channels, out_channels / groups, *kernel_size)), initialized as PyTorch's
``reset_parameters``: kaiming_uniform_ with a = sqrt(5), which is U(-1/sqrt(fan_in),
1/sqrt(fan_in)) with fan_in = weight.shape[1] * prod(kernel_size), and the bias from the same
range. ``padding_mode`` other than ``'zeros'`` pads the input first (reflect, replicate,
circular) and convolves without padding, as PyTorch does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import autograd as ag
from autograd import Tensor
from autograd.checks import integers, is_int
from autograd.types import DTypeLike

from . import functional as F
from . import init
from ._sizes import layer_size
from .module import Module
from .parameter import Parameter

_Size = int | tuple[int, ...]
_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(layer: str, name: str, value: Any, d: int) -> tuple[int, ...]:
    """An int or a tuple of ``d`` ints as ``d`` ints (PyTorch's ``_pair``)."""
    if is_int(value):
        return (int(value),) * d
    values = integers(layer, name, value)
    if len(values) != d:
        raise ValueError(f"{layer}: {name} must be an int or a tuple of {d} ints, got {value!r}")
    return values


class _ConvNd(Module):
    """The shared constructor of the convolutions (PyTorch's ``_ConvNd``)."""

    _dims: int
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _Size, stride: _Size = 1,
                 padding: _Size | str = 0, dilation: _Size = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: str | None = None,
                 dtype: DTypeLike | None = None, output_padding: _Size = 0) -> None:
        super().__init__()
        name, d = type(self).__name__, self._dims
        self.in_channels = layer_size(name, "in_channels", in_channels)
        self.out_channels = layer_size(name, "out_channels", out_channels)
        groups = layer_size(name, "groups", groups)
        if groups <= 0:
            raise ValueError(f"{name}: groups must be a positive integer, got {groups}")
        for what, channels in (("in_channels", self.in_channels), ("out_channels", self.out_channels)):
            if channels % groups:
                raise ValueError(f"{name}: {what} must be divisible by groups ({what}={channels}, "
                                 f"groups={groups})")
        self.kernel_size = _tuple(name, "kernel_size", kernel_size, d)
        self.stride = _tuple(name, "stride", stride, d)
        self.dilation = _tuple(name, "dilation", dilation, d)
        self.output_padding = _tuple(name, "output_padding", output_padding, d)
        if any(n < 0 for n in self.kernel_size):
            raise ValueError(f"{name}: kernel_size must be >= 0, got {self.kernel_size}")
        self.padding: tuple[int, ...] | str
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{name}: padding='same' is not supported for strided "
                                 f"convolutions (stride={self.stride})")
            self.padding = padding
        else:
            self.padding = _tuple(name, "padding", padding, d)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {set(_PADDING_MODES)}, but got "
                             f"padding_mode={padding_mode!r}")
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f'{name}: Only "zeros" padding mode is supported for {name}')
        self.groups, self.padding_mode = groups, padding_mode
        shape = ((self.in_channels, self.out_channels // groups) if self.transposed
                 else (self.out_channels, self.in_channels // groups)) + self.kernel_size
        dtype = ag.float32 if dtype is None else dtype
        self.weight = Parameter(ag.empty(shape, dtype=dtype))
        self.register_parameter("bias", Parameter(ag.empty(self.out_channels, dtype=dtype)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weight and bias as at construction (PyTorch's ``reset_parameters``)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _padding_pairs(self) -> list[tuple[int, int]]:
        """(before, after) zeros per spatial dim; ``'same'`` puts the odd one after."""
        if self.padding == "valid":
            return [(0, 0)] * self._dims
        if self.padding == "same":
            totals = [dl * (k - 1) for dl, k in zip(self.dilation, self.kernel_size)]
            return [(t // 2, t - t // 2) for t in totals]
        return [(p, p) for p in cast("tuple[int, ...]", self.padding)]

    def extra_repr(self) -> str:
        """PyTorch's text: the channels, kernel_size and stride, then what differs from the defaults."""
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * self._dims:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self._dims:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._dims:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class _Conv(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: _Size, stride: _Size = 1,
                 padding: _Size | str = 0, dilation: _Size = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: str | None = None,
                 dtype: DTypeLike | None = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype)

    def forward(self, input: Tensor) -> Tensor:
        conv = (F.conv1d, F.conv2d, F.conv3d)[self._dims - 1]
        if self.padding_mode == "zeros":
            return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)
        pads = [n for pair in reversed(self._padding_pairs()) for n in pair]  # last dim first
        padded = F.pad(input, pads, mode=self.padding_mode)  # as PyTorch's _conv_forward
        return conv(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) or (C_in, L) input (see ``F.conv1d``)."""

    _dims = 1


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) or (C_in, H, W) input (see ``F.conv2d``).

    Example:
        >>> nn.Conv2d(1, 6, 5)(ag.randn(64, 1, 28, 28)).shape
        torch.Size([64, 6, 24, 24])
    """

    _dims = 2


class Conv3d(_Conv):
    """3-D convolution over (N, C_in, D, H, W) or (C_in, D, H, W) input (see ``F.conv3d``)."""

    _dims = 3


class _ConvTranspose(_ConvNd):
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _Size, stride: _Size = 1,
                 padding: _Size = 0, output_padding: _Size = 0, groups: int = 1, bias: bool = True,
                 dilation: _Size = 1, padding_mode: str = "zeros", device: str | None = None,
                 dtype: DTypeLike | None = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype, output_padding)

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        conv = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[self._dims - 1]
        return conv(input, self.weight, self.bias, self.stride, cast("tuple[int, ...]", self.padding),
                    self._output_padding(input, output_size), self.groups, self.dilation)

    def _output_padding(self, input: Tensor, output_size: Sequence[int] | None) -> tuple[int, ...]:
        """``output_padding``, or the one that gives ``output_size`` (PyTorch's rule)."""
        if output_size is None:
            return self.output_padding
        name, d = type(self).__name__, self._dims
        leading = 2 if input.ndim == d + 2 else 1
        sizes = list(integers(name, "output_size", output_size))
        if len(sizes) == leading + d:
            sizes = sizes[leading:]
        if len(sizes) != d:
            raise ValueError(f"{name}: for {input.ndim}D input, output_size must have {d} or "
                             f"{leading + d} elements (got {len(sizes)})")
        padding = cast("tuple[int, ...]", self.padding)  # a transposed conv's is never a string
        smallest = [(input.shape[leading + i] - 1) * self.stride[i] - 2 * padding[i]
                    + self.dilation[i] * (self.kernel_size[i] - 1) + 1 for i in range(d)]
        largest = [n + s - 1 for n, s in zip(smallest, self.stride)]
        if any(not lo <= n <= hi for n, lo, hi in zip(sizes, smallest, largest)):
            raise ValueError(f"{name}: requested an output size of {sizes}, but valid sizes range "
                             f"from {smallest} to {largest} (for an input of "
                             f"{list(input.shape[leading:])})")
        return tuple(n - lo for n, lo in zip(sizes, smallest))


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution: ``conv1d``'s input gradient as a layer (``F.conv_transpose1d``)."""

    _dims = 1


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution: ``conv2d``'s input gradient as a layer (``F.conv_transpose2d``)."""

    _dims = 2


class ConvTranspose3d(_ConvTranspose):
    """3-D transposed convolution: ``conv3d``'s input gradient as a layer (``F.conv_transpose3d``)."""

    _dims = 3


class Unfold(Module):
    """Sliding local blocks as columns (``F.unfold``): (N, C, H, W) -> (N, C kH kW, L)."""

    def __init__(self, kernel_size: _Size, dilation: _Size = 1, padding: _Size = 0,
                 stride: _Size = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        """``F.unfold`` of the input with the layer's arguments."""
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        """PyTorch's text: ``kernel_size=2, dilation=1, padding=0, stride=1``."""
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Columns summed back into images (``F.fold``): (N, C kH kW, L) -> (N, C, *output_size)."""

    def __init__(self, output_size: _Size, kernel_size: _Size, dilation: _Size = 1,
                 padding: _Size = 0, stride: _Size = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        """``F.fold`` of the input with the layer's arguments."""
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self) -> str:
        """PyTorch's text: ``output_size=(4, 4), kernel_size=2, ...``."""
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")

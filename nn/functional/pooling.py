"""Pooling (``nn.functional``): max, average and adaptive pools over 1 or 2 spatial dims.

The ops are autograd's (``ag.max_pool2d``...: window maps, a gather and its scatter); here they
take ``torch.nn.functional``'s signatures, where max pools return the indices on request.
"""

from __future__ import annotations

import autograd as ag
from autograd import (
    Tensor,
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
)
from autograd.checks import flag

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "avg_pool1d", "avg_pool2d", "max_pool1d", "max_pool2d"]

IntOrPair = int | tuple[int, ...] | list[int]
OutputSize = int | tuple[int | None, ...] | list[int | None] | None


def max_pool1d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, dilation: IntOrPair = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum of each window along the last dim of (C, L) or (N, C, L).

    y[..., o] = max_j x[..., o*stride - padding + j*dilation], j in [0, kernel_size), with the
    padding counting as -inf; stride defaults to kernel_size. With ``return_indices`` also the
    position (in L) of each maximum, the first one where several are equal.
    """
    if flag("max_pool1d", "return_indices", return_indices):
        return ag.max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return ag.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, dilation: IntOrPair = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum of each (kH, kW) window over the last two dims of (C, H, W) or (N, C, H, W).

    As ``max_pool1d`` per dim; indices are flat in each (H, W) plane: h * W + w.

    Example:
        >>> F.max_pool2d(ag.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    if flag("max_pool2d", "return_indices", return_indices):
        return ag.max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return ag.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)


def adaptive_max_pool1d(input: Tensor, output_size: OutputSize,
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum over ``output_size`` windows of the last dim.

    Window i covers [floor(i L / n), ceil((i + 1) L / n)); with ``return_indices`` also the
    positions of the maxima.
    """
    return_indices = flag("adaptive_max_pool1d", "return_indices", return_indices)
    values, indices = ag.adaptive_max_pool1d(input, output_size)
    return (values, indices) if return_indices else values


def adaptive_max_pool2d(input: Tensor, output_size: OutputSize,
                        return_indices: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """The maximum over adaptive windows of the last two dims (None keeps a dim's size).

    With ``return_indices`` also the maxima's flat positions h * W + w.
    """
    return_indices = flag("adaptive_max_pool2d", "return_indices", return_indices)
    values, indices = ag.adaptive_max_pool2d(input, output_size)
    return (values, indices) if return_indices else values

"""``pixel_shuffle`` and ``pixel_unshuffle``: channels to space and back (reshape and permute).

pixel_shuffle with factor r:  (*, C r^2, H, W) -> (*, C, H r, W r),
    y[..., c, h r + i, w r + j] = x[..., c r^2 + i r + j, h, w];
pixel_unshuffle is its inverse. Both are permutations of the elements, so their gradients are
the other op applied to g (the composition's reshape and permute record that).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..checks import OpError, integer
from ..primitive import name_node
from .movement import permute, reshape

if TYPE_CHECKING:
    from .._tensor import Tensor


def _factor(op: str, name: str, value: int) -> int:
    factor = integer(op, name, value)
    if factor <= 0:
        raise OpError(f"{op}: {op} expects a positive {name}, but got {factor}")
    return factor


def _check_rank(op: str, input: Tensor) -> None:
    if input.ndim < 3:
        raise OpError(f"{op}: {op} expects input to have at least 3 dimensions, but got input with "
                      f"{input.ndim} dimension(s) (shape {list(input.shape)})")


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r): each group of r^2 channels becomes an r x r block.

    Example:
        >>> pixel_shuffle(ag.arange(4.0).reshape(1, 4, 1, 1), 2).shape
        torch.Size([1, 1, 2, 2])
    """
    op = "pixel_shuffle"
    r = _factor(op, "upscale_factor", upscale_factor)
    _check_rank(op, input)
    *lead, channels, height, width = input.shape
    if channels % (r * r):
        raise OpError(f"{op}: pixel_shuffle expects its input's 'channel' dimension to be divisible "
                      f"by the square of upscale_factor, but input.size(-3)={channels} is not "
                      f"divisible by {r * r}")
    n = len(lead)
    split = reshape(input, *lead, channels // (r * r), r, r, height, width)
    moved = permute(split, *range(n), n, n + 3, n + 1, n + 4, n + 2)
    return name_node(reshape(moved, *lead, channels // (r * r), height * r, width * r),
                     "PixelShuffleBackward0")


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of ``pixel_shuffle``."""
    op = "pixel_unshuffle"
    r = _factor(op, "downscale_factor", downscale_factor)
    _check_rank(op, input)
    *lead, channels, height, width = input.shape
    for name, size, dim in (("height", height, -2), ("width", width, -1)):
        if size % r:
            raise OpError(f"{op}: pixel_unshuffle expects {name} to be divisible by "
                          f"downscale_factor, but input.size({dim})={size} is not divisible by {r}")
    n = len(lead)
    split = reshape(input, *lead, channels, height // r, r, width // r, r)
    moved = permute(split, *range(n), n, n + 2, n + 4, n + 1, n + 3)
    return name_node(reshape(moved, *lead, channels * r * r, height // r, width // r),
                     "PixelUnshuffleBackward0")

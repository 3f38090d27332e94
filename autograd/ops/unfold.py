"""im2col and col2im as ops: ``unfold`` (sliding blocks to columns) and ``fold`` (back, summed).

For a (N, C, H, W) input, kernel (kH, kW) and L sliding blocks (the output positions of a
convolution with the same stride, padding and dilation):

    unfold(x)[n, c kH kW + u kW + v, l] = xpad[n, c, i_l s + u d, j_l s + v d]
    fold = the adjoint of unfold: every column entry added back where unfold read it

so ``unfold``'s gradient is ``fold`` of the gradient and ``fold``'s is ``unfold`` of it
(PyTorch's ``Im2ColBackward0`` and ``Col2ImBackward0``). Both share the convolution's kernels
(``autograd.ops.im2col``). 4-D input to ``unfold`` (3-D: unbatched), 3-D input
to ``fold`` (2-D: unbatched), as PyTorch accepts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..checks import FLOATING, OpError, kernel
from ..primitive import Primitive
from . import movement
from .conv_functions import Size, sizes
from .im2col import Geometry, col2im, columns, narrow, widen

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..types import Array, Value


class Unfold(Primitive):
    """cols = im2col(x) as (N, C kH kW, L);  d/dx = fold(g)."""

    node_name = "Im2ColBackward0"

    def forward(self, x: Array, geo: Geometry) -> Array:
        self.geo = geo
        rows = x.shape[1] * math.prod(geo.kernel)
        return narrow(columns(x, geo), geo).reshape(x.shape[0], rows, math.prod(geo.out_size))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.call(Fold, g, geo=self.geo),)


class Fold(Primitive):
    """x = col2im(cols) from (N, C kH kW, L) to (N, C, H, W);  d/dcols = unfold(g)."""

    node_name = "Col2ImBackward0"

    def forward(self, cols: Array, geo: Geometry) -> Array:
        self.geo = geo
        n, rows = cols.shape[:2]
        channels = rows // math.prod(geo.kernel)
        wide = widen(cols.reshape((n, rows) + geo.out_size), geo)
        return col2im(wide.reshape((n, channels) + geo.kernel + (geo.positions,)), geo)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.call(Unfold, g, geo=self.geo),)


def _geometry(op: str, in_size: tuple[int, ...], kernel_size: Any, dilation: Any, padding: Any,
              stride: Any) -> Geometry:
    """The blocks' geometry, each argument checked as PyTorch checks it."""
    args = {}
    for name, value in (("kernel_size", kernel_size), ("dilation", dilation),
                        ("padding", padding), ("stride", stride)):
        args[name] = values = sizes(op, name, value, 2)
        if name == "padding" and any(n < 0 for n in values):
            raise OpError(f"{op}: padding should be non-negative, but got padding={list(values)}")
        if name != "padding" and any(n <= 0 for n in values):
            raise OpError(f"{op}: {name} should be greater than zero, but got {name}={list(values)}")
    ks, dl, pad, st = args["kernel_size"], args["dilation"], args["padding"], args["stride"]
    blocks = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                   for n, p, d, k, s in zip(in_size, pad, dl, ks, st))
    if any(b < 1 for b in blocks):
        raise OpError(f"{op}: Given spatial size {tuple(in_size)}, kernel_size={ks}, dilation={dl}, "
                      f"padding={pad}, stride={st}, calculated shape of the array of sliding blocks "
                      f"as {blocks}, but its components must be at least one")
    # the plain layout: unfold's output is the plain columns, so the wide one would be narrowed again
    return Geometry(st, tuple((p, p) for p in pad), dl, 1, in_size, blocks, ks, prefer_wide=False)


def _batched(op: str, input: Tensor, ndim: int, layout: str) -> tuple[Tensor, bool]:
    if input.ndim not in (ndim - 1, ndim) or 0 in input.shape[input.ndim - ndim + 1:]:
        raise OpError(f"{op}: Expected {ndim - 1}D or {ndim}D (batch mode) tensor {layout} with "
                      f"possibly 0 batch size and other non-zero dimensions, but got: "
                      f"{list(input.shape)}")
    kernel(op, input.dtype, FLOATING)
    batched = input.ndim == ndim
    return (input if batched else movement.unsqueeze(input, 0)), batched


def unfold(input: Tensor, kernel_size: Size, dilation: Size = 1, padding: Size = 0,
           stride: Size = 1) -> Tensor:
    """Sliding local blocks of (N, C, H, W) input as columns (N, C kH kW, L) (im2col).

    ``conv2d(x, w)`` equals ``(w.view(O, -1) @ unfold(x, k)).view(N, O, oH, oW)``.

    Example:
        >>> unfold(ag.randn(2, 3, 4, 4), kernel_size=2).shape
        torch.Size([2, 12, 9])
    """
    x, batched = _batched("unfold", input, 4, "(N, C, H, W)")
    geo = _geometry("unfold", tuple(x.shape[2:]), kernel_size, dilation, padding, stride)
    result = Unfold.apply(x, geo=geo)
    return result if batched else movement.squeeze(result, 0)


def fold(input: Tensor, output_size: Size, kernel_size: Size, dilation: Size = 1,
         padding: Size = 0, stride: Size = 1) -> Tensor:
    """Columns (N, C kH kW, L) summed back into (N, C, *output_size) (col2im, ``unfold``'s adjoint).

    Overlapping entries add up: ``fold(unfold(x))`` is x times the number of blocks covering
    each pixel.

    Example:
        >>> fold(ag.ones(1, 4, 9), output_size=(4, 4), kernel_size=2).shape
        torch.Size([1, 1, 4, 4])
    """
    cols, batched = _batched("fold", input, 3, "(N, C kH kW, L)")
    in_size = sizes("fold", "output_size", output_size, 2)
    geo = _geometry("fold", in_size, kernel_size, dilation, padding, stride)
    taps = math.prod(geo.kernel)
    if cols.shape[1] % taps:
        raise OpError(f"fold: Expected size of input's dimension 1 to be divisible by the product "
                      f"of kernel_size, but got input.size(1)={cols.shape[1]} and "
                      f"kernel_size={geo.kernel}")
    blocks = math.prod(geo.out_size)
    if cols.shape[2] != blocks:
        raise OpError(f"fold: Given output_size={in_size}, kernel_size={geo.kernel}, dilation="
                      f"{geo.dilation}, padding={tuple(p for p, _ in geo.padding)}, stride="
                      f"{geo.stride}, expected size of input's dimension 2 to match the calculated "
                      f"number of sliding blocks {' * '.join(map(str, geo.out_size))} = {blocks}, "
                      f"but got input.size(2)={cols.shape[2]}")
    result = Fold.apply(cols, geo=geo)
    return result if batched else movement.squeeze(result, 0)

"""Convolution primitives: the convolution, its transpose and its weight gradient.

Each is the other two's backward, so every order of gradient is again a convolution.

For y = conv(x, w) (cross-correlation, PyTorch's convention) with groups G, stride s,
padding p and dilation d, in one spatial dim:

    y[n, o, j] = sum_{c in group(o), k} w[o, c, k] * xpad[n, c, j s + k d]

The map is linear in x and in w, so for an upstream gradient g:

    dL/dx = conv_transpose(g, w)      (``ConvTranspose``: col2im of w^T g)
    dL/dw = conv_weight_grad(x, g)    (``ConvWeightGrad``: g correlated with x)
    dL/db = sum of g over the batch and spatial dims

and each of the three is linear in both its arguments with the other two as its adjoints
(``<h, conv_transpose(g, w)> = <conv(h, w), g>``, ``<H, conv_weight_grad(x, g)> =
<conv(x, H), g>``), which is how their backward rules are written (``self.call``).

The kernel is im2col + one batched BLAS product (its threads chosen by the size of one
product of the batch, ``blas.fit_threads``): ``columns`` copies the windows of the padded
input to (N, C, *kernel, P') and ``w (G, O/G, C/G * K) @ cols (N, G, C/G * K, P')`` gives the
output in (N, O, P') order without a transpose; ``col2im`` is the adjoint, one slice-add per
kernel tap (``autograd.ops.im2col``, with its two layouts of the P' positions). The sizes of
one convolution (``Geometry``) are fixed by the caller (``conv_functions``), which checks the
arguments.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..blas import fit_threads
from ..primitive import Primitive
from .im2col import Geometry, col2im, columns, narrow, widen

if TYPE_CHECKING:
    from ..types import Array, Value


def _channel_sum(g: Value) -> Value:
    """The gradient of a per-channel bias: g summed over every dim but dim 1 (batch first)."""
    return g.sum(axis=0).reshape(g.shape[1], -1).sum(axis=1)


def _bias_view(b: Array, ndim: int) -> Array:
    return b.reshape((-1,) + (1,) * (ndim - 2))


class Conv(Primitive):
    """y = conv(x, w) + b (``F.conv1d``/``F.conv2d``; PyTorch's ``ConvolutionBackward0``).

    d/dx = conv_transpose(g, w), d/dw = conv_weight_grad(x, g), d/db = sum of g over (N, *out).
    """

    node_name = "ConvolutionBackward0"
    saved_inputs = (0, 1)

    def forward(self, x: Array, w: Array, b: Array | None, geo: Geometry) -> Array:
        self.geo = geo
        n, groups, out_channels = x.shape[0], geo.groups, w.shape[0]
        kernels = w.reshape(groups, out_channels // groups, w[0].size)
        riding = b if groups == 1 and not geo.wide else None  # the bias as a column of the weights
        if riding is not None:
            kernels = np.concatenate([kernels, riding.reshape(1, -1, 1)], axis=2)
        self.cols = cols = columns(x, geo, ones=riding is not None)  # (N, rows, P')
        fit_threads(kernels[0].size * geo.positions)  # one product of the batch
        out = np.matmul(kernels, cols.reshape(n, groups, cols.shape[1] // groups, geo.positions))
        out = out.reshape(n, out_channels, geo.positions)
        return narrow(out, geo, b if riding is None else None)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x, w = self.input(0), self.input(1)
        geo = self.geo
        need_x, need_w, need_b = self.needs_input_grad
        # the fast path reuses the forward's columns; a graph's node makes its own
        cols = None if self._create_graph else self.cols
        return (self.call(_TRANSPOSE_IN_BACKWARD, g, w, None, geo=geo._replace(prefer_wide=True))
                if need_x else None,
                self.call(ConvWeightGrad, x, g, geo=geo, cols=cols) if need_w else None,
                _channel_sum(g) if need_b else None)

    def _release(self) -> None:
        super()._release()
        self.cols = None  # type: ignore[assignment]  # released with the saved values


class ConvTranspose(Primitive):
    """x = conv_transpose(g, w) + b: the adjoint of ``Conv`` in its input (``F.conv_transpose2d``).

    cols = w^T g per group, then col2im. Linear in g and w: d/dg = conv(h, w),
    d/dw = conv_weight_grad(h, g), d/db = sum of h over (N, *in) for an upstream h.
    """

    node_name = "ConvolutionBackward0"
    saved_inputs = (0, 1)

    def forward(self, g: Array, w: Array, b: Array | None, geo: Geometry) -> Array:
        self.geo = geo
        n, groups, out_channels = g.shape[0], geo.groups, w.shape[0]
        kernels = w.reshape(groups, out_channels // groups, w[0].size)
        rows = widen(g, geo).reshape(n, groups, out_channels // groups, geo.positions)
        fit_threads(kernels[0].size * geo.positions)
        cols = np.matmul(kernels.swapaxes(1, 2), rows)
        out = col2im(cols.reshape((n, groups * w.shape[1]) + geo.kernel + (geo.positions,)), geo)
        if b is not None:
            out += _bias_view(b, out.ndim)
        return out

    def backward(self, h: Value) -> tuple[Value | None, ...]:
        g, w = self.input(0), self.input(1)
        geo = self.geo
        need_g, need_w, need_b = self.needs_input_grad
        return (self.call(_CONV_IN_BACKWARD, h, w, None, geo=geo) if need_g else None,
                self.call(ConvWeightGrad, h, g, geo=geo) if need_w else None,
                _channel_sum(h) if need_b else None)


class ConvWeightGrad(Primitive):
    """dL/dw of a convolution: gw[o, c, k] = sum_{n, j} g[n, o, j] xpad[n, c, j s + k d].

    Linear in x and g, the adjoint of ``Conv`` in its weight: for an upstream H (w's shape),
    d/dx = conv_transpose(g, H), d/dg = conv(x, H).
    """

    node_name = "ConvolutionBackwardBackward0"
    saved_inputs = (0, 1)

    def forward(self, x: Array, g: Array, geo: Geometry, cols: Array | None = None) -> Array:
        self.geo = geo
        n, groups, out_channels = x.shape[0], geo.groups, g.shape[1]
        rows_per_group = x.shape[1] // groups * math.prod(geo.kernel)
        if cols is None:  # (the forward's columns, when Conv's backward has them)
            cols = columns(x, geo)
        cols = cols.reshape(n, groups, cols.shape[1] // groups, geo.positions)[:, :, :rows_per_group]
        positions = geo.positions  # (the ones row of a riding bias left out)
        if geo.wide and rows_per_group * groups < out_channels:  # fewer columns: narrow them instead
            positions = math.prod(geo.out_size)
            cols = narrow(cols.reshape(n, groups * rows_per_group, geo.positions), geo).reshape(
                n, groups, rows_per_group, positions)
            rows = g.reshape(n, groups, out_channels // groups, positions)
        else:
            rows = widen(g, geo).reshape(n, groups, out_channels // groups, positions)
        fit_threads(rows_per_group * positions * rows.shape[2])
        grad = np.matmul(rows, cols.swapaxes(-1, -2)).sum(axis=0)
        return grad.reshape((out_channels, x.shape[1] // groups) + geo.kernel)

    def backward(self, big_h: Value) -> tuple[Value | None, ...]:
        x, g = self.input(0), self.input(1)
        geo = self.geo
        need_x, need_g = self.needs_input_grad
        return (self.call(_TRANSPOSE_IN_BACKWARD, g, big_h, None, geo=geo) if need_x else None,
                self.call(_CONV_IN_BACKWARD, x, big_h, None, geo=geo) if need_g else None)


# A convolution recorded by a convolution's backward (create_graph=True) is PyTorch's
# ConvolutionBackwardBackward0, whatever its role.
_CONV_IN_BACKWARD = Conv.named("ConvolutionBackwardBackward0")
_TRANSPOSE_IN_BACKWARD = ConvTranspose.named("ConvolutionBackwardBackward0")

"""Op specs of the convolutions (joined to ``SPECS`` in op_specs.py; the same fields and rules).

conv1d/2d/3d, conv_transpose1d/2d/3d (``Conv`` and ``ConvTranspose``; each is the other's
input gradient, so gradgradcheck runs both), the weight gradient as a function of its own
(``ConvWeightGrad``: ``ag.grad`` of a convolution with ``create_graph=True``), and
unfold/fold (``Unfold``/``Fold``). Sizes, strides, paddings, dilations and groups come from
``autograd.testing.conv_args``; the references are written tap by tap with ``np.pad``,
independent of the im2col kernels.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import OpSpec
from op_specs_functional import functional

from autograd.testing import conv_args

_KEYS = ("stride", "padding", "dilation", "groups")


class _Case(tuple):
    """The drawn shapes, carrying the call's keyword arguments (``params`` reads them)."""

    kwargs: dict


def _case(shapes, kwargs):
    case = _Case(shapes)
    case.kwargs = kwargs
    return case


def _conv_case(args, transposed=False, weight_grad=False):
    keys = _KEYS + (("output_padding",) if transposed else ())
    kwargs = {k: args[k] for k in keys}
    x, w = args["input_shape"], args["weight_shape"]
    if weight_grad:
        out = _conv_reference(np.zeros(x), np.zeros(w), None, **kwargs).shape
        return _case((x, out), {**kwargs, "weight_shape": w})
    out_channels = w[1] * args["groups"] if transposed else w[0]
    shapes = (x, w, (out_channels,)) if args["bias"] else (x, w)
    return _case(shapes, kwargs)


def _params(shapes):
    return st.just(shapes.kwargs)


def _tuple(value, d):
    return (value,) * d if isinstance(value, int) else tuple(value)


def _batched(x, d):
    return (x, True) if x.ndim == d + 2 else (x[None], False)


def _pads(padding, d, kernel, dilation):
    if padding == "valid":
        return [(0, 0)] * d
    if padding == "same":
        totals = [dl * (k - 1) for dl, k in zip(dilation, kernel)]
        return [(t // 2, t - t // 2) for t in totals]
    return [(p, p) for p in _tuple(padding, d)]


def _taps(kernel, dilation, stride, out):
    """Per kernel tap: the tap and the strided window of the padded input it reads."""
    for tap in np.ndindex(*kernel):
        yield tap, tuple(slice(t * dl, t * dl + s * (o - 1) + 1, s)
                         for t, dl, s, o in zip(tap, dilation, stride, out))


def _geometry(x, w, stride, padding, dilation):
    d = w.ndim - 2
    kernel, stride, dilation = w.shape[2:], _tuple(stride, d), _tuple(dilation, d)
    pads = _pads(padding, d, kernel, dilation)
    xp = np.pad(x, [(0, 0), (0, 0)] + pads)
    out = [(n - dl * (k - 1) - 1) // s + 1 for n, dl, k, s in zip(xp.shape[2:], dilation, kernel, stride)]
    return kernel, stride, dilation, pads, xp, out


def _conv_reference(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    x, batched = _batched(x, w.ndim - 2)
    kernel, stride, dilation, _, xp, out = _geometry(x, w, stride, padding, dilation)
    cg, og = x.shape[1] // groups, w.shape[0] // groups
    y = np.zeros((x.shape[0], w.shape[0], *out))
    for g in range(groups):
        for tap, window in _taps(kernel, dilation, stride, out):
            part = xp[(slice(None), slice(g * cg, (g + 1) * cg)) + window]
            y[:, g * og:(g + 1) * og] += np.einsum("nc...,oc->no...", part, w[(slice(g * og, (g + 1) * og),
                                                                                  slice(None)) + tap])
    if b is not None:
        y += b.reshape((-1,) + (1,) * len(out))
    return y if batched else y[0]


def _weight_grad_reference(x, g, weight_shape, stride=1, padding=0, dilation=1, groups=1):
    x, batched = _batched(x, len(weight_shape) - 2)
    g = g if batched else g[None]
    kernel, stride, dilation, _, xp, out = _geometry(x, np.zeros(weight_shape), stride, padding, dilation)
    cg, og = x.shape[1] // groups, weight_shape[0] // groups
    gw = np.zeros(weight_shape)
    for k in range(groups):
        for tap, window in _taps(kernel, dilation, stride, out):
            part = xp[(slice(None), slice(k * cg, (k + 1) * cg)) + window]
            summed = [0, *range(2, part.ndim)]
            gw[(slice(k * og, (k + 1) * og), slice(None)) + tap] = np.tensordot(
                g[:, k * og:(k + 1) * og], part, axes=(summed, summed))
    return gw


def _transpose_reference(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Each input entry scattered through the kernel: y[o s + t d - p] += x[o] w[t]."""
    d = w.ndim - 2
    x, batched = _batched(x, d)
    stride, dilation = _tuple(stride, d), _tuple(dilation, d)
    pads, extra = _tuple(padding, d), _tuple(output_padding, d)
    kernel, size = w.shape[2:], x.shape[2:]
    full = [(n - 1) * s + dl * (k - 1) + 1 + e
            for n, s, dl, k, e in zip(size, stride, dilation, kernel, extra)]
    ig, cg = x.shape[1] // groups, w.shape[1]
    y = np.zeros((x.shape[0], cg * groups, *full))
    for g in range(groups):
        for tap, window in _taps(kernel, dilation, stride, size):
            taps = w[(slice(g * ig, (g + 1) * ig), slice(None)) + tap]
            y[(slice(None), slice(g * cg, (g + 1) * cg)) + window] += np.einsum(
                "ni...,ic->nc...", x[:, g * ig:(g + 1) * ig], taps)
    y = y[(slice(None), slice(None)) + tuple(slice(p, n - p) for p, n in zip(pads, full))]
    if b is not None:
        y += b.reshape((-1,) + (1,) * d)
    return y if batched else y[0]


def _unfold_reference(x, kernel_size, dilation=1, padding=0, stride=1):
    x, batched = _batched(x, 2)
    kernel = _tuple(kernel_size, 2)
    _, stride, dilation, _, xp, out = _geometry(x, np.zeros((1, 1, *kernel)), stride, padding, dilation)
    cols = np.stack([xp[(slice(None), slice(None)) + window]
                     for _, window in _taps(kernel, dilation, stride, out)], 2)
    cols = cols.reshape(x.shape[0], -1, int(np.prod(out)))
    return cols if batched else cols[0]


def _fold_reference(cols, output_size, kernel_size, dilation=1, padding=0, stride=1):
    batched = cols.ndim == 3
    cols = cols if batched else cols[None]
    kernel, pads = _tuple(kernel_size, 2), _tuple(padding, 2)
    size = [n + 2 * p for n, p in zip(_tuple(output_size, 2), pads)]
    stride, dilation = _tuple(stride, 2), _tuple(dilation, 2)
    out = [(n - dl * (k - 1) - 1) // s + 1 for n, dl, k, s in zip(size, dilation, kernel, stride)]
    taps = cols.reshape(cols.shape[0], -1, int(np.prod(kernel)), *out)
    y = np.zeros((cols.shape[0], taps.shape[1], *size))
    for i, (_, window) in enumerate(_taps(kernel, dilation, stride, out)):
        y[(slice(None), slice(None)) + window] += taps[:, :, i]
    y = y[:, :, pads[0]:size[0] - pads[0], pads[1]:size[1] - pads[1]]
    return y if batched else y[0]


@st.composite
def _unfold_case(draw, fold=False):
    args = draw(conv_args(spatial_dims=2, max_channels=3, max_size=5))
    kernel, dilation = args["weight_shape"][2:], _tuple(args["dilation"], 2)
    shape, padding = args["input_shape"], args["padding"]
    if isinstance(padding, str):  # unfold pads symmetrically: no 'same'
        padding = 0
        shape = shape[:-2] + tuple(max(n, dl * (k - 1) + 1) for n, k, dl in zip(shape[-2:], kernel, dilation))
    kwargs = {"kernel_size": kernel, "dilation": args["dilation"], "padding": padding,
              "stride": args["stride"]}
    if fold:
        cols = _unfold_reference(np.zeros(shape), **kwargs).shape
        return _case((cols,), {"output_size": shape[-2:], **kwargs})
    return _case((shape,), kwargs)


def _conv(d):
    return lambda lib, x, w, b=None, **p: getattr(functional(lib), f"conv{d}d")(x, w, b, **p)


def _conv_transpose(d):
    return lambda lib, x, w, b=None, **p: getattr(functional(lib), f"conv_transpose{d}d")(x, w, b, **p)


def _weight_grad(lib, x, g, weight_shape, **p):
    """dL/dw of conv2d as a function of x and g (its graph: ``ConvWeightGrad``)."""
    w = lib.zeros(weight_shape, dtype=x.dtype, requires_grad=True)
    y = functional(lib).conv2d(x, w, **p)
    grad = lib.autograd.grad if lib.__name__ == "torch" else lib.grad
    return grad(y, w, g, create_graph=True)[0]


def _shapes(d, **kw):
    return conv_args(spatial_dims=d, **{"max_channels": 3, "max_size": 5, **kw})


SPECS = [
    OpSpec("conv1d", _conv(1), _conv_reference, _shapes(1, max_size=7).map(_conv_case), params=_params),
    OpSpec("conv2d", _conv(2), _conv_reference, _shapes(2).map(_conv_case), params=_params),
    OpSpec("conv3d", _conv(3), _conv_reference,
           _shapes(3, max_size=3, max_channels=2, max_kernel=2).map(_conv_case), params=_params),
    OpSpec("conv_transpose1d", _conv_transpose(1), _transpose_reference,
           _shapes(1, transposed=True).map(lambda a: _conv_case(a, transposed=True)), params=_params),
    OpSpec("conv_transpose2d", _conv_transpose(2), _transpose_reference,
           _shapes(2, transposed=True).map(lambda a: _conv_case(a, transposed=True)), params=_params),
    OpSpec("conv_transpose3d", _conv_transpose(3), _transpose_reference,
           _shapes(3, transposed=True, max_size=3, max_channels=2, max_kernel=2).map(
               lambda a: _conv_case(a, transposed=True)), params=_params),
    OpSpec("conv2d_weight_grad", _weight_grad, _weight_grad_reference,
           _shapes(2).map(lambda a: _conv_case(a, weight_grad=True)), params=_params),
    OpSpec("unfold", lambda lib, x, **p: functional(lib).unfold(x, **p), _unfold_reference,
           _unfold_case(), params=_params),
    OpSpec("fold", lambda lib, x, **p: functional(lib).fold(x, **p), _fold_reference,
           _unfold_case(fold=True), params=_params),
]

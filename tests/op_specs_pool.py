"""Op specs of pooling, padding and resampling (joined to ``SPECS`` in op_specs.py).

Arguments come from ``autograd.testing.pool_args`` (valid per PyTorch's rules: padding at most
half the kernel, the dilated kernel inside the padded input, ceil_mode's last window starting
inside). Max pools read "distinct" values (no ties: the first maximum is tested apart, in
test_nn_pooling.py). The references below are loops over windows, written from PyTorch's
documented formulas, independent of ndgrad's window maps. ``*_grad`` rows differentiate
``autograd.grad(y, x, y, create_graph=True)`` = A^T A x, the pools' backward as an op of its
own (its gradient is the forward again).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import strategies as st
from op_specs import OpSpec
from op_specs_functional import functional

from autograd.testing import pool_args, pool_shapes


# ---- window references ---------------------------------------------------------------------
def _out_len(n, k, s, p, d, ceil):
    span = n + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return out


def _tuple(value, nd):
    return tuple(value) if isinstance(value, tuple) else (value,) * nd


def _strided_windows(spatial, kernel_size, stride, padding, dilation, ceil_mode):
    """For each output position (row-major): [(positions inside, count inside the padding)]."""
    nd = len(spatial)
    k, p, d = _tuple(kernel_size, nd), _tuple(padding, nd), _tuple(dilation, nd)
    s = _tuple(stride, nd) if stride is not None else k
    per_dim = []
    for n, kk, ss, pp, dd in zip(spatial, k, s, p, d):
        rows = []
        for o in range(_out_len(n, kk, ss, pp, dd, ceil_mode)):
            start = o * ss - pp
            taps = [start + j * dd for j in range(kk)]
            rows.append(([t for t in taps if 0 <= t < n], min(start + kk, n + pp) - start))
        per_dim.append(rows)
    return per_dim


def _adaptive_windows(spatial, output_size):
    sizes = _tuple(output_size, len(spatial))
    per_dim = []
    for n, m in zip(spatial, sizes):
        m = n if m is None else m
        per_dim.append([(list(range(i * n // m, math.ceil((i + 1) * n / m))),) * 2 for i in range(m)])
    return [[(taps, len(taps)) for taps, _ in rows] for rows in per_dim]


def _pool(x, per_dim, reduce):
    """Apply ``reduce(values, windows, padded_count)`` per output position of each plane."""
    nd = len(per_dim)
    lead = x.shape[:-nd]
    out = np.empty(lead + tuple(len(rows) for rows in per_dim))
    for where in itertools.product(*(range(len(rows)) for rows in per_dim)):
        windows = [per_dim[i][o] for i, o in enumerate(where)]
        taps = list(itertools.product(*(w[0] for w in windows)))
        values = np.stack([x[(..., *t)] for t in taps], -1) if taps else np.empty(lead + (0,))
        padded = math.prod(w[1] for w in windows)
        out[(..., *where)] = reduce(values, len(taps), padded)
    return out


def _max(values, count, padded):
    return values.max(-1) if count else np.full(values.shape[:-1], -np.inf)


def max_pool_reference(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, nd=2):
    return _pool(x, _strided_windows(x.shape[-nd:], kernel_size, stride, padding, dilation,
                                     ceil_mode), _max)


def avg_pool_reference(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                       divisor_override=None, nd=2):
    def mean(values, count, padded):
        divisor = divisor_override or (padded if count_include_pad else count)
        return values.sum(-1) / divisor
    return _pool(x, _strided_windows(x.shape[-nd:], kernel_size, stride, padding, 1, ceil_mode), mean)


def adaptive_reference(x, output_size, nd, reduce):
    return _pool(x, _adaptive_windows(x.shape[-nd:], output_size),
                 _max if reduce == "max" else (lambda v, c, p: v.sum(-1) / c))


def _linear_map(fn, shape):
    """The matrix of a linear ``fn`` on arrays of ``shape`` (columns: images of unit arrays)."""
    size = math.prod(shape)
    columns = [fn(np.eye(size)[i].reshape(shape)).reshape(-1) for i in range(size)]
    return np.stack(columns, axis=1)


def _gram(fn):
    """x -> A^T A x for the linear ``fn`` (A its matrix): the pool's backward applied to itself."""
    def reference(x, **kwargs):
        a = _linear_map(lambda v: fn(v, **kwargs), x.shape)
        return (a.T @ (a @ x.reshape(-1))).reshape(x.shape)
    return reference


def _max_gram(x, **kwargs):
    """A^T A x with A selecting each window's maximum of this x."""
    y = max_pool_reference(x, **kwargs)
    out = np.zeros_like(x)
    for position in np.ndindex(*y.shape):
        lead, value = position[:x.ndim - 2], y[position]
        out[lead][x[lead] == value] += value
    return out


def _grad_of(pool):
    """``autograd.grad(y, x, y, create_graph=True)`` for ``y = pool(x)`` in either library."""
    def fn(lib, x, **kwargs):
        y = pool(lib, x, **kwargs)
        grad = lib.autograd.grad if lib.__name__ == "torch" else lib.grad
        return grad(y, x, y, create_graph=True)[0]
    return fn


# ---- parameter strategies --------------------------------------------------------------------
def _shapes(nd):
    return pool_shapes(nd).map(lambda s: (s,))


def _batched(nd):
    """(N, C, *spatial): interpolate takes batched inputs only."""
    return pool_shapes(nd).filter(lambda s: len(s) == nd + 2).map(lambda s: (s,))


def _args(nd, dilation=True):
    return lambda shapes: pool_args(nd, shape=shapes[0], dilation=dilation).map(lambda case: case[1])


@st.composite
def avg_args(draw, shapes, nd):
    kwargs = draw(_args(nd, dilation=False)(shapes))
    kwargs["count_include_pad"] = draw(st.booleans())
    if nd == 2 and draw(st.integers(0, 3)) == 0:
        kwargs["divisor_override"] = draw(st.integers(1, 5))
    return kwargs


@st.composite
def adaptive_args(draw, shapes, nd):
    sides = [draw(st.integers(1, 7)) for _ in range(nd)]
    if nd == 2 and draw(st.booleans()):
        sides[draw(st.integers(0, 1))] = None
    return {"output_size": sides[0] if nd == 1 or (sides[0] == sides[1] and draw(st.booleans()))
            else tuple(sides)}


@st.composite
def pad_args(draw, shapes, mode):
    (shape,) = shapes
    count = 1 if mode == "constant" and draw(st.booleans()) else min(2, len(shape) - 1)
    pads = []
    for n in reversed(shape[-count:]):
        low = -((n - 1) // 2) if mode in ("constant", "replicate", "reflect") else 0
        high = n - 1 if mode == "reflect" else n if mode == "circular" else 3
        pads += [draw(st.integers(low, high)), draw(st.integers(low, high))]
    kwargs = {"pad": tuple(pads), "mode": mode}
    if mode == "constant":
        kwargs["value"] = draw(st.sampled_from([0.0, 1.5, -2.0]))
    return kwargs


def pad_reference(x, pad, mode, value=0.0):
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    grown = [(max(a, 0), max(b, 0)) for a, b in widths]
    np_mode = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    extra = {"constant_values": value} if mode == "constant" else {}
    out = np.pad(x, grown, mode=np_mode, **extra)
    return out[tuple(slice(max(-a, 0), out.shape[i] - max(-b, 0)) for i, (a, b) in enumerate(widths))]


@st.composite
def interpolate_args(draw, shapes, mode):
    (shape,) = shapes
    nd = len(shape) - 2
    kwargs = {"mode": mode}
    if draw(st.booleans()):
        kwargs["size"] = tuple(draw(st.integers(1, 8)) for _ in range(nd))
    else:
        smallest = min(shape[2:])
        kwargs["scale_factor"] = draw(st.sampled_from(
            [f for f in (2.0, 0.5, 1.7, 3.0, 0.75) if smallest * f >= 1]))
        if draw(st.booleans()):
            kwargs["recompute_scale_factor"] = draw(st.booleans())
    if mode in ("linear", "bilinear"):
        kwargs["align_corners"] = draw(st.booleans())
    return kwargs


def _interpolate_reference(x, mode, size=None, scale_factor=None, align_corners=False,
                           recompute_scale_factor=None):
    nd = x.ndim - 2
    for k in range(nd - 1, -1, -1):
        axis, n = 2 + k, x.shape[2 + k]
        m = size[k] if size else math.floor(n * scale_factor)
        given = scale_factor if size is None and not recompute_scale_factor else None
        weights = np.zeros((m, n))
        for i in range(m):
            if mode == "nearest":
                scale = np.float32(1.0 / given) if given else np.float32(n) / np.float32(m)
                j = i if n == m else min(int(np.floor(np.float32(i) * scale)), n - 1)
                weights[i, j] = 1
                continue
            if align_corners:
                src = (n - 1) / (m - 1) * i if m > 1 else 0.0
            else:
                src = max(((1.0 / given) if given else n / m) * (i + 0.5) - 0.5, 0.0)
            j0 = min(int(math.floor(src)), n - 1)
            j1 = j0 + (j0 < n - 1)
            lam = min(max(src - j0, 0.0), 1.0)
            weights[i, j0] += 1 - lam
            weights[i, j1] += lam
        x = np.moveaxis(np.tensordot(x, weights, axes=([axis], [1])), -1, axis)
    return x


def _shuffle_reference(x, r):
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    return y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2).reshape(*lead, c // (r * r), h * r, w * r)


@st.composite
def shuffle_shapes(draw):
    r = draw(st.integers(1, 3))
    lead = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    return (lead + (draw(st.integers(1, 2)) * r * r, draw(st.integers(1, 3)), draw(st.integers(1, 3))),)


def _max_pool2d(lib, x, **kw):
    return functional(lib).max_pool2d(x, **kw)


def _avg_pool2d(lib, x, **kw):
    return functional(lib).avg_pool2d(x, **kw)


SPECS = [
    OpSpec("max_pool1d", lambda lib, x, **kw: functional(lib).max_pool1d(x, **kw),
           lambda x, **kw: max_pool_reference(x, nd=1, **kw), _shapes(1), ("distinct",), _args(1)),
    OpSpec("max_pool2d", _max_pool2d, max_pool_reference, _shapes(2), ("distinct",), _args(2)),
    OpSpec("max_pool2d_grad", _grad_of(_max_pool2d), _max_gram, _shapes(2), ("distinct",), _args(2)),
    OpSpec("avg_pool1d", lambda lib, x, **kw: functional(lib).avg_pool1d(x, **kw),
           lambda x, **kw: avg_pool_reference(x, nd=1, **kw), _shapes(1),
           params=lambda s: avg_args(s, 1)),
    OpSpec("avg_pool2d", _avg_pool2d, avg_pool_reference, _shapes(2), params=lambda s: avg_args(s, 2)),
    OpSpec("avg_pool2d_grad", _grad_of(_avg_pool2d), _gram(avg_pool_reference), _shapes(2),
           params=lambda s: avg_args(s, 2)),
    OpSpec("adaptive_avg_pool1d", lambda lib, x, **kw: functional(lib).adaptive_avg_pool1d(x, **kw),
           lambda x, output_size: adaptive_reference(x, output_size, 1, "mean"), _shapes(1),
           params=lambda s: adaptive_args(s, 1)),
    OpSpec("adaptive_avg_pool2d", lambda lib, x, **kw: functional(lib).adaptive_avg_pool2d(x, **kw),
           lambda x, output_size: adaptive_reference(x, output_size, 2, "mean"), _shapes(2),
           params=lambda s: adaptive_args(s, 2)),
    OpSpec("adaptive_max_pool1d", lambda lib, x, **kw: functional(lib).adaptive_max_pool1d(x, **kw),
           lambda x, output_size: adaptive_reference(x, output_size, 1, "max"), _shapes(1),
           ("distinct",), params=lambda s: adaptive_args(s, 1)),
    OpSpec("adaptive_max_pool2d", lambda lib, x, **kw: functional(lib).adaptive_max_pool2d(x, **kw),
           lambda x, output_size: adaptive_reference(x, output_size, 2, "max"), _shapes(2),
           ("distinct",), params=lambda s: adaptive_args(s, 2)),
    *[OpSpec(f"pad_{mode}", lambda lib, x, **kw: functional(lib).pad(x, **kw), pad_reference,
             _shapes(2), params=lambda s, mode=mode: pad_args(s, mode))
      for mode in ("constant", "reflect", "replicate", "circular")],
    *[OpSpec(f"interpolate_{mode}", lambda lib, x, **kw: functional(lib).interpolate(x, **kw),
             _interpolate_reference, _batched(nd),
             params=lambda s, mode=mode: interpolate_args(s, mode))
      for mode, nd in (("nearest", 1), ("nearest", 2), ("linear", 1), ("bilinear", 2))],
    OpSpec("pixel_shuffle", lambda lib, x, r: functional(lib).pixel_shuffle(x, r), _shuffle_reference,
           shuffle_shapes(), params=lambda s: st.sampled_from(
               [r for r in (1, 2, 3) if s[0][-3] % (r * r) == 0]).map(lambda r: {"r": r})),
    OpSpec("pixel_unshuffle", lambda lib, x, r: functional(lib).pixel_unshuffle(
        functional(lib).pixel_shuffle(x, r), r), lambda x, r: x, shuffle_shapes(),
           params=lambda s: st.sampled_from(
               [r for r in (1, 2, 3) if s[0][-3] % (r * r) == 0]).map(lambda r: {"r": r})),
]

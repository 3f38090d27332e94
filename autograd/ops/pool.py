"""Max and average pooling over 1 or 2 spatial dims, strided and adaptive (PyTorch's rules).

Every pool reads windows given by a window map (``autograd/ops/windows.py``): output position
o reads the flat plane positions ``w(o, k)`` for the kernel offsets k.

    max:  y[o] = x[w(o, k*)] with k* the first k of the largest x[w(o, k)] (padding is -inf;
          a NaN wins, the last one, as in PyTorch);  dL/dx[w(o, k*)] += g[o].
    avg:  y[o] = sum_k valid(o, k) x[w(o, k)] / divisor(o);  dL/dx[w(o, k)] += g[o] / divisor(o).

``MaxPool`` records the gather of the maxima (found on arrays); its backward is the scatter
``MaxPoolBackward``, whose backward is the gather ``AsStrided`` again. The strided avg pool
is ``AvgPool``, a sum of strided slices of the zero-padded input, and its adjoint
``AvgPoolBackward``, each the other's backward; the adaptive avg pool is a gather, a mask, a
sum and a division. avg's divisor is the window's size inside the padded input
(count_include_pad), the number of its positions inside the input (count_include_pad=False),
or ``divisor_override``. Nodes are named as PyTorch names them (1-d pools: SqueezeBackward1,
PyTorch's outermost node of its 2-d call).
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..checks import FLOATING, OpError, allocate, flag, integer, kernel
from ..primitive import Primitive, name_node
from .select import where
from .strided import AsStrided
from .windows import adaptive_size, adaptive_windows, check_input, check_window, pool_windows, sizes

if TYPE_CHECKING:
    from ..types import Array, Shape, Value

IntOrPair = int | tuple[int, ...] | list[int]
OutputSize = int | tuple[int | None, ...] | list[int | None] | None  # None: the input's size
Maps = tuple["Array", "Array", "Array", "Array"]  # windows, valid, first, pool size (windows.py)
_ADAPTIVE_AVG = {1: "SqueezeBackward1", 2: "AdaptiveAvgPool2DBackward0"}


def _rows(x: Array, nd: int) -> tuple[int, int]:
    """The number of planes (leading elements) and the size of one plane."""
    plane = math.prod(x.shape[-nd:])
    return (x.size // plane if plane else 0), plane


class MaxPool(Primitive):
    """y = x.reshape(-1)[positions], the windows' maxima;  d/dx = g added back at ``positions``.

    ``values`` are those maxima, found on arrays by ``_maxima`` with ``positions`` (passed in so
    they are gathered once); ``kept`` is False where a window lies wholly in the padding (its
    -inf has no input to go back to); ``unique``: no two outputs share a position (disjoint
    windows), so the gradient is written, not added.
    """

    node_name = "MaxPool2DWithIndicesBackward0"

    def forward(self, x: Array, values: Array, positions: Array, kept: Array | None,
                unique: bool) -> Array:
        self.shape, self.positions, self.kept, self.unique = x.shape, positions, kept, unique
        return values

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        if self.kept is not None:  # windows wholly in the padding pass no gradient
            g = self.xp.where(self.kept, g, 0)
        return (self.call(MaxPoolBackward, g, positions=self.positions, shape=self.shape,
                          unique=self.unique),)


class MaxPoolBackward(Primitive):
    """zeros(shape) with g added at ``positions`` (the adjoint of the gather);  d/dg = the gather."""

    node_name = "MaxPool2DWithIndicesBackwardBackward0"

    def forward(self, g: Array, positions: Array, shape: Shape, unique: bool) -> Array:
        self.positions = positions
        out = np.zeros(math.prod(shape), dtype=g.dtype)
        if unique:
            out[positions.reshape(-1)] = g.reshape(-1)
        else:
            np.add.at(out, positions.reshape(-1), g.reshape(-1))
        return out.reshape(shape)

    def backward(self, g2: Value) -> tuple[Value | None, ...]:
        return (self.call(AsStrided, g2, positions=self.positions),)


def _lowest_bit() -> Array:
    """table[code] = the lowest set bit of an 8-bit code (-1 for 0)."""
    codes = np.arange(256)
    lowest = np.log2(codes & -codes, where=codes > 0, out=np.zeros(256))
    return np.where(codes > 0, lowest, -1).astype(np.intp)


_LOWEST_BIT = _lowest_bit()


def _maxima(x: Array, maps: Maps, nd: int) -> tuple[Array, Array]:
    """Each window's maximum (rows, O) and PyTorch's plane index of it.

    The first maximum in the window's row-major order; the last NaN where there is one; the
    first position past the left padding where no value is above -inf. Up to 8 kernel
    offsets, which offsets hold the maximum is packed into a byte per output and the first
    one read from a table (one pass per offset, no argmax over a short axis).
    """
    windows, valid, first, _ = maps
    rows, plane = _rows(x, nd)
    offsets = np.ascontiguousarray(windows.T)  # (K, O)
    size, count = offsets.shape
    values = np.take(x.reshape(rows, plane), offsets, axis=1)  # (rows, K, O)
    inside = None if valid.all() else np.ascontiguousarray(valid.T)
    if inside is not None:
        values = np.where(inside, values, np.array(-np.inf, dtype=x.dtype))
    best = values.max(axis=1)
    hits = values == best[:, None]
    if inside is not None:
        hits &= inside
    if size <= 8:
        code = hits[:, 0].view(np.uint8).copy()
        for k in range(1, size):
            code |= hits[:, k].view(np.uint8) << k
        choice = _LOWEST_BIT[code]
    else:
        choice = np.where(hits.any(axis=1), hits.argmax(axis=1), -1)
    nan = np.isnan(best)
    if nan.any():  # the last NaN of the window wins
        last = size - 1 - np.isnan(values[:, ::-1]).argmax(axis=1)
        choice = np.where(nan, last, choice)
    index = np.take(offsets, np.maximum(choice, 0) * count + np.arange(count))
    return best, np.where(choice >= 0, index, first)


def _argmax(op: type[MaxPool], input: Tensor, maps: Maps, out: tuple[int, ...], nd: int,
            disjoint: bool) -> tuple[Tensor, Tensor]:
    """The values and PyTorch's plane indices of each window's maximum."""
    x = input._data
    rows, plane = _rows(x, nd)
    best, index = _maxima(x, maps, nd)
    shape = x.shape[:-nd] + out
    positions = np.arange(rows)[:, None] * plane + np.minimum(index, plane - 1)
    empty = ~maps[1].any(axis=1)
    kept = np.broadcast_to(~empty, best.shape).reshape(shape) if empty.any() else None
    result = op.apply(input, values=best.reshape(shape), positions=positions.reshape(shape), kept=kept,
                      unique=disjoint and kept is None)
    return result, Tensor._wrap(index.reshape(shape).astype(np.int64), None)


def _constant(array: Array) -> Tensor:
    """A constant Tensor of ``array`` (no grad)."""
    return Tensor._wrap(array, None)


def _mean(name: str, input: Tensor, maps: Maps, divisor: Array,
          out: tuple[int, ...], nd: int) -> Tensor:
    """sum_k valid x[w(o, k)] / divisor(o), recorded as a gather, a mask, a sum and a division."""
    windows, valid, _, _ = maps
    x = input._data
    rows, plane = _rows(x, nd)
    positions = np.arange(rows)[:, None, None] * plane + windows
    lead = x.shape[:-nd]
    gathered = AsStrided.apply(input, positions=positions.reshape(lead + out + windows.shape[1:]))
    if not valid.all():
        gathered = where(_constant(valid.reshape(out + windows.shape[1:])), gathered, 0.0)
    total = gathered.sum(-1)
    return name_node(total / _constant(divisor.reshape(out).astype(x.dtype)), name)


class _Geometry:
    """A strided avg pool's windows as slices of the input zero-padded to ``padded``."""

    def __init__(self, shape: Shape, kernel: tuple[int, ...], stride: tuple[int, ...],
                 padding: tuple[int, ...], out: tuple[int, ...], divisor: Array) -> None:
        nd = len(kernel)
        self.shape, self.divisor = shape, divisor
        spatial = shape[-nd:]
        needed = [max(n + 2 * p, (o - 1) * s + k)
                  for n, k, s, p, o in zip(spatial, kernel, stride, padding, out)]
        self.pad = [(0, 0)] * (len(shape) - nd) + [(p, m - n - p)
                                                    for n, p, m in zip(spatial, padding, needed)]
        self.inner: tuple[Any, ...] = (Ellipsis, *(slice(p, p + n) for n, p in zip(spatial, padding)))
        self.windows: list[tuple[Any, ...]] = [(Ellipsis, *(slice(j, j + s * (o - 1) + 1, s)
                                     for j, s, o in zip(offset, stride, out)))
                        for offset in itertools.product(*(range(k) for k in kernel))]


class AvgPool(Primitive):
    """y[o] = sum_k xpad[o*s + k] / divisor(o) (xpad: x zero-padded);  d/dx = ``AvgPoolBackward``(g)."""

    node_name = "AvgPool2DBackward0"

    def forward(self, x: Array, geometry: _Geometry) -> Array:
        self.geometry = geometry
        padded = np.pad(x, geometry.pad) if any(map(any, geometry.pad)) else x
        total = padded[geometry.windows[0]].copy()
        for window in geometry.windows[1:]:
            total += padded[window]
        return total / geometry.divisor.astype(x.dtype)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.call(AvgPoolBackward, g, geometry=self.geometry),)


class AvgPoolBackward(Primitive):
    """The adjoint of ``AvgPool``: g / divisor added back over each window;  d/dg = ``AvgPool``."""

    node_name = "AvgPool2DBackwardBackward0"

    def forward(self, g: Array, geometry: _Geometry) -> Array:
        self.geometry = geometry
        share = g / geometry.divisor.astype(g.dtype)
        padded = np.zeros([n + a + b for n, (a, b) in zip(geometry.shape, geometry.pad)], dtype=g.dtype)
        for window in geometry.windows:
            padded[window] += share
        return padded[geometry.inner]

    def backward(self, g2: Value) -> tuple[Value | None, ...]:
        return (self.call(AvgPool, g2, geometry=self.geometry),)


_AVG_NODES: dict[int, type[AvgPool]] = {1: AvgPool.named("SqueezeBackward1"), 2: AvgPool}
_ADAPTIVE_AVG_NODES: dict[int, type[AvgPool]] = {nd: AvgPool.named(name)
                                                 for nd, name in _ADAPTIVE_AVG.items()}
_MAX: dict[int, type[MaxPool]] = {1: MaxPool.named("SqueezeBackward1"), 2: MaxPool}
_ADAPTIVE_MAX: dict[int, type[MaxPool]] = {1: MaxPool.named("SqueezeBackward1"),
                                           2: MaxPool.named("AdaptiveMaxPool2DBackward0")}


def _window_args(op: str, input: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                 ceil_mode: Any, nd: int) -> tuple[tuple[tuple[int, ...], ...], Maps,
                                                   tuple[int, ...]]:
    """((kernel, stride, padding), window maps, output spatial size) of a strided pool.

    The arguments are checked as PyTorch checks them (``windows.check_window``).
    """
    kernel(op, input.dtype, FLOATING)
    k = sizes(op, "kernel_size", kernel_size, nd)
    s = sizes(op, "stride", stride, nd, default=k)
    p = sizes(op, "padding", padding, nd)
    d = sizes(op, "dilation", dilation, nd)
    ceil = flag(op, "ceil_mode", ceil_mode)
    check_input(op, input, nd)
    out = check_window(op, tuple(input.shape), k, s, p, d, ceil)
    return (k, s, p), pool_windows(tuple(input.shape[-nd:]), k, s, p, d, out), out


def _max_pool(op: str, nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: Any) -> tuple[Tensor, Tensor]:
    (k, s, _), maps, out = _window_args(op, input, kernel_size, stride, padding, dilation, ceil_mode, nd)
    d = sizes(op, "dilation", dilation, nd)
    disjoint = all(step >= span * (size - 1) + 1 for step, span, size in zip(s, d, k))
    return _argmax(_MAX[nd], input, maps, out, nd, disjoint)


def max_pool1d_with_indices(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
                            padding: IntOrPair = 0, dilation: IntOrPair = 1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    """``max_pool1d`` with the index (in the input's last dim) of each window's maximum."""
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, dilation: IntOrPair = 1, ceil_mode: bool = False) -> Tensor:
    """The maximum of each window along the last dim of (C, L) or (N, C, L).

    y[..., o] = max_j x[..., o*stride - padding + j*dilation] for j in [0, kernel_size), the
    padding counting as -inf; the gradient goes to the first maximum.

    Example:
        >>> max_pool1d(ag.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
        tensor([[3., 2.]])
    """
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode)[0]


def max_pool2d_with_indices(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
                            padding: IntOrPair = 0, dilation: IntOrPair = 1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    """``max_pool2d`` with each maximum's flat index h * W + w in its (H, W) plane."""
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, dilation: IntOrPair = 1, ceil_mode: bool = False) -> Tensor:
    """The maximum of each window over the last two dims of (C, H, W) or (N, C, H, W).

    y[..., i, j] = max over the window at (i*sH - pH, j*sW - pW) of kernel (kH, kW) with
    dilation (dH, dW), the padding counting as -inf. The gradient goes to the first maximum
    (row-major in the window), as in PyTorch; stride defaults to the kernel size.
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode)[0]


def _avg_pool(op: str, nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
              ceil_mode: Any, count_include_pad: Any, divisor_override: Any) -> Tensor:
    (k, s, p), maps, out = _window_args(op, input, kernel_size, stride, padding, 1, ceil_mode, nd)
    include = flag(op, "count_include_pad", count_include_pad)
    if divisor_override is not None:
        override = integer(op, "divisor_override", divisor_override)
        if override == 0:
            raise OpError(f"{op}: divisor must be not zero (divisor_override=0)")
        divisor = np.full(maps[0].shape[0], override)
    else:
        divisor = maps[3] if include else maps[1].sum(axis=1)
    geometry = _Geometry(tuple(input.shape), k, s, p, out, divisor.reshape(out))
    return _AVG_NODES[nd].apply(input, geometry=geometry)


def avg_pool1d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """The mean of each window along the last dim of (C, L) or (N, C, L).

    y[..., o] = sum of the window's elements / divisor, where the divisor counts the window's
    positions inside the zero-padded input (count_include_pad) or inside the input itself;
    a ceil_mode window past the padding is cut there.
    """
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)


def avg_pool2d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """The mean of each window over the last two dims of (C, H, W) or (N, C, H, W).

    As ``avg_pool1d`` per dim (the divisor is the product of both dims' counts), or the sum
    divided by ``divisor_override`` when given.
    """
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def _adaptive(op: str, input: Tensor, output_size: Any,
              nd: int) -> tuple[Maps, tuple[int, ...]]:
    kernel(op, input.dtype, FLOATING)
    out = adaptive_size(op, output_size, input, nd)
    allocate(op, np.empty, tuple(input.shape[:-nd]) + out, input._data.dtype)  # PyTorch's memory error
    return adaptive_windows(tuple(input.shape[-nd:]), out), out


def _disjoint(input: Tensor, out: tuple[int, ...]) -> bool:
    """Whether adaptive windows do not overlap: each output size divides its input size."""
    return all(o and n % o == 0 for n, o in zip(input.shape[-len(out):], out))


def _adaptive_mean(input: Tensor, maps: Maps, out: tuple[int, ...], nd: int) -> Tensor:
    """The adaptive windows' means.

    Where each output size divides its input size the windows are equal and side by side, so
    this is a plain avg pool with kernel = stride = n / o (summed slices, no gather: ~3x faster).
    """
    if _disjoint(input, out):
        k = tuple(n // o for n, o in zip(input.shape[-nd:], out))
        geometry = _Geometry(tuple(input.shape), k, k, (0,) * nd, out, np.full(out, math.prod(k)))
        return _ADAPTIVE_AVG_NODES[nd].apply(input, geometry=geometry)
    return _mean(_ADAPTIVE_AVG[nd], input, maps, maps[3], out, nd)


def adaptive_avg_pool1d(input: Tensor, output_size: OutputSize) -> Tensor:
    """The mean over ``output_size`` windows of the last dim.

    Window i is [floor(i L / n), ceil((i + 1) L / n)); y[i] = its sum / its length.
    """
    maps, out = _adaptive("adaptive_avg_pool1d", input, output_size, 1)
    return _adaptive_mean(input, maps, out, 1)


def adaptive_avg_pool2d(input: Tensor, output_size: OutputSize) -> Tensor:
    """The mean over adaptive windows of each of the last two dims (see ``adaptive_avg_pool1d``).

    ``output_size`` is an int or a pair; None keeps that dim's size.
    """
    maps, out = _adaptive("adaptive_avg_pool2d", input, output_size, 2)
    return _adaptive_mean(input, maps, out, 2)


def adaptive_max_pool1d(input: Tensor, output_size: OutputSize) -> tuple[Tensor, Tensor]:
    """The maximum over adaptive windows of the last dim, and its index (as ``torch.adaptive_max_pool1d``)."""
    maps, out = _adaptive("adaptive_max_pool1d", input, output_size, 1)
    return _argmax(_ADAPTIVE_MAX[1], input, maps, out, 1, _disjoint(input, out))


def adaptive_max_pool2d(input: Tensor, output_size: OutputSize
                        ) -> tuple[Tensor, Tensor]:
    """The maximum over adaptive windows of the last two dims, and its flat index h * W + w."""
    maps, out = _adaptive("adaptive_max_pool2d", input, output_size, 2)
    return _argmax(_ADAPTIVE_MAX[2], input, maps, out, 2, _disjoint(input, out))

"""The geometry of pooling windows: PyTorch's argument rules, output sizes and index maps.

A pooling op over the last ``nd`` dims (1 or 2) of an input sees each leading plane (batch x
channel) as a flat vector of ``prod(spatial)`` elements. A window map gives, for each output
position ``o`` (row-major over the output's spatial dims) and each kernel offset ``k`` (row-major
over the kernel), the flat position ``windows[o, k]`` it reads, and ``valid[o, k]`` whether that
position lies inside the input (False in the padding). Positions in the padding are clipped
into range so they can be gathered; the ops mask them.

Per dim, with input size L, kernel k, stride s, padding p, dilation d (PyTorch's
``pooling_output_shape``):
    out = floor((L + 2p - d (k - 1) - 1 + (s - 1 if ceil_mode else 0)) / s) + 1,
    and with ceil_mode the last window must start inside the input or the left padding:
    out -= 1 if (out - 1) s >= L + p;
    window o reads o s - p + j d for j in [0, k).
Adaptive pooling (output size n): window i reads [floor(i L / n), ceil((i + 1) L / n)).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ..checks import OpError, integer, integers, is_int

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..types import Array

_COUNT = {1: "one int", 2: "two ints"}


def sizes(op: str, name: str, value: Any, nd: int, default: tuple[int, ...] | None = None) -> tuple[int, ...]:
    """An int or a tuple of 1 or ``nd`` ints (``kernel_size=2``, ``(2, 3)``), as ``nd`` ints.

    ``default`` (the stride's: the kernel size) stands for None and ``()``.

    Raises:
        TypeError: not an int or a sequence of ints. OpError: a sequence of another length.
    """
    if default is not None and (value is None or (isinstance(value, (tuple, list)) and not value)):
        return default
    if is_int(value):
        return (integer(op, name, value),) * nd
    values = integers(op, name, value)
    if len(values) not in (1, nd):
        raise OpError(f"{op}: {name} must either be a single int, or a tuple of {_COUNT[nd]}, got "
                      f"{list(values)}")
    return values * nd if len(values) == 1 else values


def check_input(op: str, input: Tensor, nd: int, batch_may_be_empty: bool = True) -> None:
    """Refuse an input that is not (C, *spatial) or (N, C, *spatial) with non-empty C and spatial dims.

    Raises:
        OpError: another number of dims, or an empty non-batch dim.
    """
    shape = tuple(input.shape)
    non_batch = shape[1:] if len(shape) == nd + 2 and batch_may_be_empty else shape
    if len(shape) not in (nd + 1, nd + 2) or 0 in non_batch:
        raise OpError(f"{op}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 dim "
                      f"batch size for input, but got: {list(shape)}. Hint: the input is (C, "
                      f"{', '.join('HW'[2 - nd:])}) or (N, C, {', '.join('HW'[2 - nd:])}) with "
                      "non-empty C and spatial dims")


def output_size(length: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """The number of windows along one dim (PyTorch's ``pooling_output_shape``)."""
    extent = length + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = extent // stride + 1
    if ceil_mode and (out - 1) * stride >= length + pad:
        out -= 1
    return out


def check_window(op: str, shape: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                 padding: tuple[int, ...], dilation: tuple[int, ...], ceil_mode: bool) -> tuple[int, ...]:
    """The output's spatial sizes, after PyTorch's checks of the window arguments.

    Raises:
        OpError: a kernel, stride or dilation below 1, a negative padding, a padding over half
            the kernel, or no window fitting into the padded input.
    """
    for name, values, low in (("kernel_size", kernel, 1), ("stride", stride, 1),
                              ("dilation", dilation, 1), ("padding", padding, 0)):
        if min(values) < low:
            relation = "greater than zero" if low else "non-negative"
            raise OpError(f"{op}: {name} must be {relation}, but got {name}={list(values)}")
    for k, p in zip(kernel, padding):
        if p > k // 2:
            raise OpError(f"{op}: pad should be at most half of kernel size, but got padding="
                          f"{list(padding)} and kernel_size={list(kernel)}. Hint: padding <= "
                          "kernel_size // 2")
    spatial = shape[-len(kernel):]
    out = tuple(output_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation))
    if min(out) < 1:
        raise OpError(f"{op}: Given input size: {tuple(shape)}. Calculated output size: "
                      f"{tuple(shape[:-len(kernel)]) + out}. Output size is too small. Hint: the "
                      f"kernel (dilation*(kernel_size-1)+1) must fit into the padded input")
    return out


def adaptive_size(op: str, output_size: Any, input: Tensor, nd: int) -> tuple[int, ...]:
    """The adaptive output size: an int or ``nd`` ints, None meaning the input's size.

    Raises:
        TypeError: not an int or a sequence of ints and None. OpError: the wrong length, a
            negative size, or an input that is not (C, *spatial) / (N, C, *spatial).
    """
    spatial = tuple(input.shape[-nd:]) if input.ndim >= nd else (0,) * nd
    if is_int(output_size) or output_size is None and nd == 1:
        values: list[Any] = [integer(op, "output_size", output_size)] * nd
    elif isinstance(output_size, (tuple, list)):
        values = list(output_size)
        for position, n in enumerate(values):
            if n is not None and not is_int(n):
                raise TypeError(f"{op}(): argument 'output_size' must be tuple of ints, but found "
                                f"element of type {type(n).__name__} at pos {position}")
        if len(values) != nd:
            raise OpError(f"{op}: output_size must be {nd}, got {output_size!r}")
    else:
        raise TypeError(f"{op}(): argument 'output_size' must be tuple of ints, not "
                        f"{type(output_size).__name__}")
    result = tuple(n if n is not None else s for n, s in zip(values, spatial))
    if min(result) < 0:
        raise OpError(f"{op}: elements of output_size must be greater than or equal to 0 but "
                      f"received {list(result)}")
    check_input(op, input, nd)
    return tuple(int(n) for n in result)


# ---- index maps (cached: one per geometry) ---------------------------------------------------
@lru_cache(maxsize=256)
def pool_windows(spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                 padding: tuple[int, ...], dilation: tuple[int, ...],
                 out: tuple[int, ...]) -> tuple[Array, Array, Array, Array]:
    """The window map of a strided pool: ``(windows, valid, first, pool_size)``.

    ``first[o]`` is PyTorch's index of an output whose window holds no value above -inf (the
    first kernel offset past the left padding); ``pool_size[o]`` the number of window positions
    inside the input padded by ``padding`` (avg_pool's divisor with count_include_pad).
    """
    per_dim = [np.arange(o)[:, None] * s - p + np.arange(k)[None, :] * d
               for o, k, s, p, d in zip(out, kernel, stride, padding, dilation)]
    firsts = [np.where(pos[:, :1] < 0, pos[:, :1] - (pos[:, :1] // d) * d, pos[:, :1])[:, 0]
              for pos, d in zip(per_dim, dilation)]
    extents = [np.minimum(pos[:, 0] + k, n + p) - pos[:, 0]
               for pos, k, n, p in zip(per_dim, kernel, spatial, padding)]
    return _combine(spatial, per_dim, firsts, extents)


@lru_cache(maxsize=256)
def adaptive_windows(spatial: tuple[int, ...], out: tuple[int, ...]) -> tuple[Array, Array, Array, Array]:
    """The window map of adaptive pooling, windows [floor(i L / n), ceil((i + 1) L / n))."""
    per_dim, firsts, extents = [], [], []
    for n, o in zip(spatial, out):
        start = np.arange(o) * n // o
        end = -(-(np.arange(o) + 1) * n // o)
        width = int((end - start).max()) if o else 1
        pos = start[:, None] + np.arange(width)[None, :]
        per_dim.append(np.where(pos < end[:, None], pos, -1))  # -1: past the window, masked
        firsts.append(start)
        extents.append(end - start)
    return _combine(spatial, per_dim, firsts, extents)


def _combine(spatial: tuple[int, ...], per_dim: list[Array], firsts: list[Array],
             extents: list[Array]) -> tuple[Array, Array, Array, Array]:
    """The per-dim positions (out, k) combined row-major into flat (O, K) maps."""
    flat = np.zeros((1, 1), dtype=np.int64)
    valid = np.ones((1, 1), dtype=np.bool_)
    first = np.zeros(1, dtype=np.int64)
    size = np.ones(1, dtype=np.int64)
    for n, pos, head, extent in zip(spatial, per_dim, firsts, extents):
        inside = (pos >= 0) & (pos < n)
        flat = (flat[:, None, :, None] * n + np.clip(pos, 0, n - 1)[None, :, None, :])
        valid = valid[:, None, :, None] & inside[None, :, None, :]
        outs, kernel = flat.shape[0] * flat.shape[1], flat.shape[2] * flat.shape[3]
        flat, valid = flat.reshape(outs, kernel), valid.reshape(outs, kernel)
        first = (first[:, None] * n + head[None, :]).reshape(-1)
        size = (size[:, None] * extent[None, :]).reshape(-1)
    for array in (flat, valid, first, size):
        array.flags.writeable = False
    return flat, valid, first, size

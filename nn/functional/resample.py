"""``nn.functional.interpolate`` (nearest, nearest-exact, linear, bilinear, area) and the pixel shuffles.

Per resized dim (input size n, output size m), with ``scale`` = 1 / scale_factor when a scale
factor is given (and not recomputed), else n / m, in the input's float precision as PyTorch:
    nearest:        src = min(floor(dst * scale), n - 1)  (float32 arithmetic, as PyTorch)
    nearest-exact:  src = min(floor((dst + 0.5) * scale), n - 1)
    linear:         src = scale * dst with align_corners (scale = (n-1)/(m-1)), else
                    max(scale * (dst + 0.5) - 0.5, 0); i0 = floor(src), i1 = min(i0 + 1, n - 1),
                    y = x[i0] * (1 - l) + x[i1] * l with l = src - i0
applied dim after dim from the last (bilinear: W, then H), which is PyTorch's order of the
sums. ``area`` is ``adaptive_avg_pool``. The resizes are index selections and products, so
their gradients are those ops' own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

import numpy as np

import autograd as ag
from autograd import Tensor, name_node, pixel_shuffle, pixel_unshuffle
from autograd.checks import FLOATING, OpError, allocate, is_int, kernel, type_name

from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d

__all__ = ["interpolate", "pixel_shuffle", "pixel_unshuffle"]

_MODES = {("nearest", 3): "UpsampleNearest1DBackward0", ("nearest", 4): "UpsampleNearest2DBackward0",
          ("nearest-exact", 3): "UpsampleNearestExact1DBackward0",
          ("nearest-exact", 4): "UpsampleNearestExact2DBackward0",
          ("linear", 3): "UpsampleLinear1DBackward0", ("bilinear", 4): "UpsampleBilinear2DBackward0"}
_INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear")


def _scale(n: int, m: int, scale_factor: float | None, dtype: np.dtype) -> np.floating:
    """PyTorch's ``compute_scales_value``: 1 / scale_factor if given (> 0), else n / m."""
    if scale_factor is not None and scale_factor > 0:
        return dtype.type(1.0 / scale_factor)
    return dtype.type(n) / dtype.type(m)


def _nearest(x: Tensor, dim: int, m: int, scale_factor: float | None, exact: bool) -> Tensor:
    n = x.shape[dim]
    dst = np.arange(m)
    if n == m:
        src = dst
    elif m == 2 * n and not exact:
        src = dst >> 1
    else:
        scale = _scale(n, m, scale_factor, np.dtype(np.float32))
        shifted = dst + 0.5 if exact else dst.astype(np.float32)  # PyTorch: (dst + 0.5) in double
        src = np.minimum(np.floor(shifted * scale), n - 1)
    return ag.index_select(x, dim, ag.from_numpy(src.astype(np.int64)))


def _linear(x: Tensor, dim: int, m: int, scale_factor: float | None, align_corners: bool) -> Tensor:
    n = x.shape[dim]
    dtype = np.dtype(x.dtype.dtype)
    dst = np.arange(m).astype(dtype)
    if align_corners:
        scale = dtype.type(n - 1) / dtype.type(m - 1) if m > 1 else dtype.type(0)
        src = scale * dst
    else:
        src = np.maximum(_scale(n, m, scale_factor, dtype) * (dst + dtype.type(0.5)) - dtype.type(0.5), 0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    i1 = i0 + (i0 < n - 1)
    lambda1 = np.clip(src - i0, 0, 1).astype(dtype)
    lambda0 = (1 - lambda1).astype(dtype)
    shape = (m,) + (1,) * (x.ndim - 1 - dim)
    x0 = ag.index_select(x, dim, ag.from_numpy(i0))
    x1 = ag.index_select(x, dim, ag.from_numpy(i1))
    return x0 * ag.from_numpy(lambda0.reshape(shape)) + x1 * ag.from_numpy(lambda1.reshape(shape))


def _output_size(input: Tensor, size: object, scale_factor: object, recompute: object,
                 dims: int) -> tuple[tuple[int, ...], tuple[float | None, ...]]:
    """(output sizes, the scale factors the kernels see) by PyTorch's rules."""
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is not None:
        sizes = list(size) if isinstance(size, (list, tuple)) else [size] * dims
        if len(sizes) != dims:
            raise ValueError(f"interpolate: Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(input.shape[2:])} and output size of {size!r}")
        if not all(is_int(n) for n in sizes):
            raise TypeError(f"interpolate: expected size to be one of int or Tuple[int] or Tuple[int, "
                            f"int], but got size with types {[type_name(n) for n in sizes]}")
        if recompute:
            raise ValueError("interpolate: recompute_scale_factor is not meaningful with an explicit size.")
        return tuple(int(cast("int", n)) for n in sizes), (None,) * dims
    if scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    factors = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * dims
    if len(factors) != dims:
        raise ValueError(f"interpolate: Input and scale_factor must have the same number of spatial "
                         f"dimensions, but got input with spatial dimensions of "
                         f"{list(input.shape[2:])} and scale_factor of shape {scale_factor!r}")
    for f in factors:
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not math.isfinite(f):
            raise TypeError(f"interpolate: scale_factor must be finite floats, got {scale_factor!r}")
    numbers = [float(cast("float", f)) for f in factors]
    out = tuple(math.floor(float(n) * f) for n, f in zip(input.shape[2:], numbers))
    return out, ((None,) * dims if recompute else tuple(numbers))


def interpolate(input: Tensor, size: int | Sequence[int] | None = None,
                scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, L) or (N, C, H, W) to ``size`` or by ``scale_factor``.

    Modes ``nearest``, ``nearest-exact``, ``linear`` (3-D), ``bilinear`` (4-D) and ``area``;
    ``align_corners`` only with the interpolating modes (default False). See the module
    docstring for the source positions and weights.

    Example:
        >>> F.interpolate(ag.tensor([[[1.0, 2.0]]]), scale_factor=2, mode="linear")
        tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])
    """
    if not isinstance(mode, str):
        raise TypeError(f"interpolate: mode must be a str, not {type_name(mode)}")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("interpolate: align_corners option can only be set with the "
                             "interpolating modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    for name, flag in (("align_corners", align_corners), ("recompute_scale_factor", recompute_scale_factor)):
        if flag is not None and not isinstance(flag, bool):
            raise TypeError(f"interpolate(): argument '{name}' must be bool, not {type_name(flag)}")
    if antialias:
        raise NotImplementedError("interpolate: antialias is not supported by ndgrad")
    dims = input.ndim - 2
    if (mode, input.ndim) not in _MODES and not (mode == "area" and dims in (1, 2)):
        raise NotImplementedError(f"interpolate: mode {mode!r} on a {input.ndim}D input is not "
                                  "supported. Hint: nearest, nearest-exact and area take 3-D or 4-D "
                                  "input, linear 3-D, bilinear 4-D")
    kernel("interpolate", input.dtype, "fu" if mode.startswith("nearest") else FLOATING)
    if input.dtype.is_signed is False and input.dtype.itemsize > 1:
        kernel("interpolate", input.dtype, FLOATING)  # of the unsigned types, only uint8
    out, factors = _output_size(input, size, scale_factor, recompute_scale_factor, dims)
    if min(out) < 1:
        raise OpError(f"interpolate: Input and output sizes should be greater than 0, but got input "
                      f"{list(input.shape[2:])} output {list(out)}")
    allocate("interpolate", np.empty, tuple(input.shape[:2]) + out, np.dtype(input.dtype.dtype))
    if mode == "area":
        return adaptive_avg_pool1d(input, out) if dims == 1 else adaptive_avg_pool2d(input, out)
    result = input
    for k in range(dims - 1, -1, -1):
        dim = 2 + k
        if mode.startswith("nearest"):
            result = _nearest(result, dim, out[k], factors[k], mode == "nearest-exact")
        else:
            result = _linear(result, dim, out[k], factors[k], bool(align_corners))
    return name_node(result, _MODES[mode, input.ndim])

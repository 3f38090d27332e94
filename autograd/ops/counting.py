"""Counting and bucketing: nonzero unique bincount histc histogram bucketize searchsorted.

Also argwhere and count_nonzero. Their results are indices, counts or bin edges: none has a
gradient (PyTorch's neither).
Conventions (pinned by tests): ``unique`` always sorts (as PyTorch on the CPU) and counts
each NaN apart; ``histc`` ignores elements outside [min, max] and widens an empty range by 1
on each side, ``histogram`` by 0.5; the last bin includes its right edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np

from .._tensor import Tensor
from ..checks import NUMERIC, integer, is_int, kernel
from ..primitive import OpError
from .dims import normalize_dim, reduction_axes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..types import Array, Dims


class HistogramResult(NamedTuple):
    """What ``histogram`` returns, like ``torch.return_types.histogram``."""

    hist: Tensor
    bin_edges: Tensor


def _data(op: str, value: Any, name: str = "input") -> Array:
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, (bool, int, float, np.number)):
        return np.asarray(value)
    raise TypeError(f"{op}: {name} must be a Tensor or a number, got {type(value).__name__}")


def _wrap(array: Array) -> Tensor:
    return Tensor._wrap(np.asarray(array, order="C"))


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, one row per element.

    ``as_tuple=True``: one 1-D index tensor per dim (a 0-d input counts as 1-D).
    """
    data = _data("nonzero", input)
    if as_tuple:
        return tuple(_wrap(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(data)))
    return _wrap(np.argwhere(data).astype(np.int64))


def argwhere(input: Tensor) -> Tensor:
    """``nonzero(input)``: the (n, ndim) indices of the non-zero elements."""
    result = nonzero(input)
    assert isinstance(result, Tensor)  # noqa: S101 - as_tuple=False gives one tensor
    return result


def count_nonzero(input: Tensor, dim: Dims = None) -> Tensor:
    """The number of non-zero elements (over ``dim``: an int or a tuple), as int64."""
    data = _data("count_nonzero", input)
    axes = reduction_axes("count_nonzero", dim, data.ndim)
    return _wrap(np.asarray(np.count_nonzero(data, axis=axes), dtype=np.int64))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: int | None = None) -> Tensor | tuple[Tensor, ...]:
    """The distinct elements (``dim``: the distinct slices along dim), sorted.

    With ``return_inverse``, also where each element (slice) of the input went in the result;
    with ``return_counts``, how often each occurs. Returns ``output`` alone or the tuple
    ``(output, inverse?, counts?)``.
    """
    data = _data("unique", input)
    kwargs: dict[str, Any] = {"return_inverse": True, "return_counts": True}
    if dim is None:
        values, inverse, counts = np.unique(data.reshape(-1), equal_nan=False, **kwargs)
        inverse = inverse.reshape(data.shape)
    else:
        axis = normalize_dim("unique", dim, data.ndim)
        if data.ndim == 0:
            raise IndexError("unique: a 0-d tensor has no dim to take unique slices along. "
                             "Hint: pass dim=None")
        if data.shape[axis] == 0:
            values, inverse, counts = data, np.zeros(0, np.int64), np.zeros(0, np.int64)
        else:
            values, inverse, counts = np.unique(data, axis=axis, equal_nan=False, **kwargs)
            inverse = inverse.reshape(-1)
    out = [_wrap(values)]
    if return_inverse:
        out.append(_wrap(inverse.astype(np.int64)))
    if return_counts:
        out.append(_wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ... occurs in a 1-D non-negative integer tensor.

    With ``weights`` (same length), the sum of the weights of each value instead: float32
    weights give float32, other weights float64. The result has at least ``minlength`` bins.
    """
    data = _data("bincount", input)
    kernel("bincount", data.dtype, NUMERIC, "convert first, e.g. x.long()")
    if data.dtype.kind not in "iu" or data.ndim != 1 or (data.size and data.min() < 0):
        raise OpError(f"bincount: the input must be a 1-D tensor of non-negative integers, got "
                      f"shape {data.shape} dtype {data.dtype}"
                      f"{' with negative values' if data.dtype.kind in 'iu' and data.ndim == 1 else ''}")
    if integer("bincount", "minlength", minlength) < 0:
        raise OpError(f"bincount: minlength must be an int >= 0, got {minlength!r}")
    if weights is None:
        return _wrap(np.bincount(data, minlength=int(minlength)).astype(np.int64))
    w = _data("bincount", weights, "weights")
    if w.shape != data.shape:
        raise OpError(f"bincount: weights of shape {w.shape} must have the input's shape "
                      f"{data.shape}")
    dtype = np.float32 if w.dtype == np.float32 else np.float64
    return _wrap(np.bincount(data, weights=w.astype(np.float64),
                             minlength=int(minlength)).astype(dtype))


def _float_input(op: str, input: Tensor) -> Array:
    data = _data(op, input)
    if data.dtype.kind != "f":
        raise TypeError(f"{op}: the input must be a floating point tensor, got {data.dtype}. "
                        "Hint: call .float() first")
    return data


def histc(input: Tensor, bins: int = 100, min: float = 0,  # noqa: A002 - PyTorch's names
          max: float = 0) -> Tensor:  # noqa: A002
    """Counts of the elements in ``bins`` equal-width bins over [min, max] (input's dtype).

    ``min == max`` (the default) takes the data's range; elements outside it are ignored.
    """
    data = _float_input("histc", input)
    bins = integer("histc", "bins", bins)
    if bins <= 0:
        raise OpError(f"histc: bins must be an int > 0, got {bins!r}")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise OpError(f"histc: max must be larger than min, got min={lo} max={hi}")
    if lo == hi and data.size:
        lo, hi = float(data.min()), float(data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise OpError(f"histc: range of [{lo}, {hi}] is not finite. Hint: pass finite min and max")
    flat = data.reshape(-1)
    flat = flat[(flat >= lo) & (flat <= hi)]
    index = ((flat - lo) * bins / (hi - lo)).astype(np.int64)
    index = np.minimum(index, bins - 1)
    return _wrap(np.bincount(index, minlength=int(bins)).astype(data.dtype))


def histogram(input: Tensor, bins: int | Tensor | Sequence[float], *,
              range: tuple[float, float] | None = None,  # noqa: A002 - PyTorch's name
              weight: Tensor | None = None, density: bool = False) -> HistogramResult:
    """A histogram of the elements: ``(hist, bin_edges)``, both of the input's dtype.

    ``bins`` is a count of equal-width bins over ``range`` (default: the data's min and max)
    or the increasing bin edges. Bins are [e_i, e_i+1), the last one closed.
    """
    data = _float_input("histogram", input).reshape(-1)
    if not isinstance(bins, Tensor) and is_int(bins):
        count = integer("histogram", "bins", bins)
        if count <= 0:
            raise OpError(f"histogram: bins must be > 0, got {count}")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
            if lo > hi:
                raise OpError(f"histogram: range must be (min, max) with min <= max, got {range}")
        else:
            lo, hi = (float(data.min()), float(data.max())) if data.size else (0.0, 1.0)
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, count + 1).astype(data.dtype)
    else:
        edges = np.asarray(bins._data if isinstance(bins, Tensor) else bins, dtype=data.dtype)
        if edges.ndim != 1 or edges.size < 2 or (np.diff(edges) < 0).any():
            raise OpError(f"histogram: bins as edges must be a 1-D increasing tensor of at least "
                          f"2 values, got shape {edges.shape}")
    w = None
    if weight is not None:
        w = _data("histogram", weight, "weight").reshape(-1)
        if w.shape != data.shape:
            raise OpError(f"histogram: weight of {w.size} elements must match the input's "
                          f"{data.size}")
    keep = (data >= edges[0]) & (data <= edges[-1])
    index = np.searchsorted(edges, data[keep], side="right") - 1
    index = np.minimum(index, edges.size - 2)
    hist = np.bincount(index, weights=None if w is None else w[keep].astype(np.float64),
                       minlength=edges.size - 1).astype(np.float64)
    if density:
        total = hist.sum()
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero-width bin: NaN or inf
            hist = hist / (total * np.diff(edges.astype(np.float64))) if total else hist
    return HistogramResult(_wrap(hist.astype(data.dtype)), _wrap(edges))


def searchsorted(sorted_sequence: Tensor, input: Tensor | float, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None,
                 sorter: Tensor | None = None) -> Tensor:
    """For each value, the index where it would be inserted to keep the sequence sorted.

    ``right=False``/``side="left"``: the first i with ``value <= seq[i]``; ``right=True``/
    ``side="right"``: the first i with ``value < seq[i]``. An N-D ``sorted_sequence`` searches
    each of its last-dim rows for the matching rows of ``input``.
    """
    seq = _data("searchsorted", sorted_sequence, "sorted_sequence")
    values = _data("searchsorted", input)
    for array in (seq, values):
        kernel("searchsorted", array.dtype, NUMERIC, "convert first, e.g. x.long()")
    if side not in (None, "left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if side == "left" and right:
        raise OpError("searchsorted: side='left' and right=True contradict each other")
    where: Literal["left", "right"] = "right" if right or side == "right" else "left"
    if seq.ndim == 0:
        raise OpError("searchsorted: sorted_sequence must have at least 1 dim, got a 0-d tensor")
    if sorter is not None:
        order = _data("searchsorted", sorter, "sorter")
        if order.shape != seq.shape or order.dtype.kind not in "iu":
            raise OpError(f"searchsorted: sorter must be an integer tensor of the sequence's "
                          f"shape {seq.shape}, got {order.shape} {order.dtype}")
        seq = np.take_along_axis(seq, order.astype(np.int64), -1)
    result: Array
    if seq.ndim == 1:
        result = np.searchsorted(seq, values, side=where)
    else:
        if values.ndim != seq.ndim or values.shape[:-1] != seq.shape[:-1]:
            raise OpError(f"searchsorted: the leading dims of sorted_sequence {seq.shape} and "
                          f"input {values.shape} must match (all but the last)")
        rows = seq.reshape(-1, seq.shape[-1])
        queries = values.reshape(rows.shape[0], -1)
        result = np.stack([np.searchsorted(r, q, side=where) for r, q in zip(rows, queries)]
                          ).reshape(values.shape) if rows.shape[0] else np.zeros(values.shape, np.int64)
    return _wrap(np.asarray(result, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input: Tensor | float, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The bucket of each value for the 1-D increasing ``boundaries``.

    ``right=False``: the i with ``boundaries[i-1] < v <= boundaries[i]``; ``right=True``:
    ``boundaries[i-1] <= v < boundaries[i]``.
    """
    edges = _data("bucketize", boundaries, "boundaries")
    if edges.ndim != 1:
        raise OpError(f"bucketize: boundaries must be 1-D, got shape {edges.shape}")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


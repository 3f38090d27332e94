"""What the explorer shows of one array: every value when small, else a heatmap and a histogram.

A view is plain JSON (numbers, lists, strings) so the page needs no NumPy:

    {"shape": [3, 4], "dtype": "float32", "size": 12, "values": [...],      # size <= MAX_VALUES
     "min": m, "max": M, "mean": mu, "std": s, "norm": ||a||_2,
     "heat": {"rows": r, "cols": c, "values": [...]},                       # size > MAX_VALUES
     "hist": {"lo": m, "hi": M, "counts": [...]}}                           # size > MAX_VALUES

Values are the array's own numbers (float32 ones widened exactly to float64), so what the
page prints is what ``tensor.tolist()`` holds. The heatmap folds the array to 2-D (leading dims
into rows, the last dim into columns) and averages blocks down to at most HEAT_SIDE x HEAT_SIDE.
Non-finite values are written as the strings "nan", "inf", "-inf" (JSON has no such numbers)
and left out of the statistics.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

MAX_VALUES = 64
HEAT_SIDE = 24
HIST_BINS = 20


def _number(x: float) -> float | str:
    """A JSON-safe float: finite numbers as they are, else 'nan' / 'inf' / '-inf'."""
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _heat(a: np.ndarray[Any, Any]) -> dict[str, Any]:
    """Block means of ``a`` folded to 2-D, at most HEAT_SIDE x HEAT_SIDE cells."""
    grid = a.reshape(1, -1) if a.ndim < 2 else a.reshape(-1, a.shape[-1])
    rows, cols = grid.shape
    out_r, out_c = min(rows, HEAT_SIDE), min(cols, HEAT_SIDE)
    r_edges = np.linspace(0, rows, out_r + 1).astype(int)
    c_edges = np.linspace(0, cols, out_c + 1).astype(int)
    # sum over row blocks, then column blocks (np.add.reduceat), divided by the block sizes
    summed = np.add.reduceat(np.add.reduceat(grid, r_edges[:-1], axis=0), c_edges[:-1], axis=1)
    counts = np.outer(np.diff(r_edges), np.diff(c_edges))
    means = summed / counts
    return {"rows": out_r, "cols": out_c, "values": [_number(float(v)) for v in means.ravel()]}


def tensor_view(array: Any) -> dict[str, Any]:
    """The JSON view of ``array`` described in the module docstring."""
    a = np.asarray(array)
    view: dict[str, Any] = {"shape": [int(n) for n in a.shape], "dtype": str(a.dtype),
                            "size": int(a.size)}
    if a.dtype.kind not in "biuf":  # complex and other kinds: shape and dtype only
        return view
    if a.size == 1:  # the common case of scalar graphs, without NumPy's reductions
        x = float(a.reshape(()))
        view["values"] = [_number(x)]
        if math.isfinite(x):
            view.update(min=x, max=x, mean=x, std=0.0, norm=abs(x))
        return view
    wide = a.astype(np.float64)
    if a.size <= MAX_VALUES:
        view["values"] = [_number(float(v)) for v in wide.ravel()]
    finite = wide[np.isfinite(wide)]
    if finite.size:
        view.update(min=float(finite.min()), max=float(finite.max()), mean=float(finite.mean()),
                    std=float(finite.std()), norm=float(np.linalg.norm(finite)))
    if a.size > MAX_VALUES:
        view["heat"] = _heat(np.where(np.isfinite(wide), wide, 0.0))
        lo, hi = view.get("min", 0.0), view.get("max", 0.0)
        counts, _ = np.histogram(finite, bins=HIST_BINS, range=(lo, hi if hi > lo else lo + 1))
        view["hist"] = {"lo": lo, "hi": hi, "counts": [int(c) for c in counts]}
    return view

"""PyTorch-style printing of tensors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._tensor import Tensor
    from .types import Array


_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": float("inf"), "edgeitems": 3, "linewidth": 80},
}
_options: dict[str, Any] = {**_PROFILES["default"], "sci_mode": None}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """How tensors print, as ``torch.set_printoptions``.

    Args:
        precision: digits after the point (4).
        threshold: more elements than this are summarized with ``...`` (1000).
        edgeitems: elements shown at each end of a summarized dim (3).
        linewidth: characters per line (80).
        profile: ``"default"``, ``"short"`` (2 digits, 2 edge items) or ``"full"`` (never
            summarize); applied first, then the other arguments.
        sci_mode: True or False forces scientific or fixed notation; None (the default, and
            what every call without it restores) chooses as PyTorch does.

    Raises:
        ValueError: for an unknown profile.
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}; use one of "
                             f"{sorted(_PROFILES)}")
        _options.update(_PROFILES[profile])
    given = {"precision": precision, "threshold": threshold, "edgeitems": edgeitems,
             "linewidth": linewidth}
    _options.update({key: value for key, value in given.items() if value is not None})
    _options["sci_mode"] = sci_mode


def _summarized(data: Array, edgeitems: int) -> Array:
    """The elements a summarized print shows: ``edgeitems`` at both ends of each long dim."""
    for axis, size in enumerate(data.shape):
        if size > 2 * edgeitems:
            ends = np.r_[0:edgeitems, size - edgeitems:size]
            data = np.take(data, ends, axis=axis)
    return data


def _formatter(shown: Array) -> Callable[[Any], str]:
    """PyTorch's ``_Formatter``: each value as text, right-aligned to one common width.

    Floats: integral values as ``1.``, else ``precision`` decimals, or scientific
    (``1.0000e+05``) when the finite non-zero magnitudes of the values shown span more than
    1000x or leave [1e-4, 1e8] (integral values: exceed 1e8), unless ``sci_mode`` says; the
    width is that of the widest finite non-zero value (nan, inf and 0 don't widen). Other
    dtypes print as Python prints the value (``True``, ``-3``), as wide as the widest.
    """
    if shown.dtype.kind != "f":
        width = max((len(str(v)) for v in shown.ravel().tolist()), default=0)
        return lambda value: str(value).rjust(width)
    precision = _options["precision"]
    finite = shown[np.isfinite(shown)].astype(np.float64)
    nonzero = finite[finite != 0]
    integral = bool(np.all(nonzero == np.ceil(nonzero)))
    if nonzero.size:
        low, high = np.abs(nonzero).min(), np.abs(nonzero).max()
        with np.errstate(over="ignore"):  # high / 5e-324 is inf: scientific
            scientific = high / low > 1000 or high > 1e8 or (not integral and low < 1e-4)
    else:
        scientific = False
    if _options["sci_mode"] is not None:
        scientific = _options["sci_mode"]
    if scientific:
        spec = f"{{:.{precision}e}}"
    elif integral:
        spec = "{:.0f}."
    else:
        spec = f"{{:.{precision}f}}"

    def text(value: float) -> str:
        return spec.format(value) if np.isfinite(value) else str(value)

    width = max((len(text(v)) for v in nonzero.tolist()), default=0)
    return lambda value: text(value).rjust(width)


def _vector(row: Array, indent: int, summarize: bool, fmt: Callable[[Any], str]) -> str:
    """One dim as PyTorch writes it: as many values per line as ``linewidth`` takes."""
    edge = _options["edgeitems"]
    if summarize and row.shape[0] > 2 * edge:
        items = [fmt(v) for v in row[:edge].tolist()] + [" ..."] + [fmt(v) for v in row[-edge:].tolist()]
    else:
        items = [fmt(v) for v in row.tolist()]
    width = len(fmt(row.flat[0])) + 2 if row.size else 2
    per_line = max(1, int((_options["linewidth"] - indent) // width))
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(data: Array, indent: int, summarize: bool, fmt: Callable[[Any], str]) -> str:
    """PyTorch's ``_tensor_str_with_formatter``: dims as nested brackets, rows on new lines."""
    if data.ndim == 1:
        return _vector(data, indent, summarize, fmt)
    edge = _options["edgeitems"]
    if summarize and data.shape[0] > 2 * edge:
        parts = ([_nested(data[i], indent + 1, summarize, fmt) for i in range(edge)] + ["..."]
                 + [_nested(data[i], indent + 1, summarize, fmt)
                    for i in range(data.shape[0] - edge, data.shape[0])])
    else:
        parts = [_nested(part, indent + 1, summarize, fmt) for part in data]
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def format_tensor(t: Tensor) -> str:
    """PyTorch-style repr: ``tensor([1., 2.], requires_grad=True)``."""
    data = t._data
    summarize = data.size > _options["threshold"]
    if not data.size:
        body = "[]"
    else:
        fmt = _formatter(_summarized(data, _options["edgeitems"]) if summarize else data)
        body = fmt(data.item()).strip() if data.ndim == 0 else _nested(data, 7, summarize, fmt)
    extras = []
    implied = (dtypes.default_float(), dtypes.int64, dtypes.bool_) if data.size else (dtypes.default_float(),)
    if data.dtype not in implied:  # an empty tensor has no values to imply int64 or bool
        extras.append(f"dtype={dtypes.of(data.dtype)!r}")
    if not data.size and data.shape != (0,):
        extras.insert(0, f"size={data.shape}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn={t.grad_fn!r}")
    elif t._requires_grad:
        extras.append("requires_grad=True")
    text = "tensor(" + body
    last_line = len(text) - text.rfind("\n") + 1
    for extra in extras:  # PyTorch's _add_suffixes: a suffix that overflows starts a new line
        if last_line + len(extra) + 2 > _options["linewidth"]:
            text += ",\n" + " " * 7 + extra
            last_line = 7 + len(extra)
        else:
            text += ", " + extra
            last_line += len(extra) + 2
    return text + ")"

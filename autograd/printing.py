"""PyTorch-style printing of tensors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import dtypes

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._tensor import Tensor
    from .types import Array


def _float_formatter(data: Array) -> Callable[[Any], str]:
    """PyTorch's float printing: integral values as ``1.``, else 4 decimals, or ``1.0000e+05``.

    Scientific notation is used when the finite non-zero magnitudes span more than 1000x or
    leave [1e-4, 1e8]; values are right-aligned to the widest finite non-zero one.
    """
    finite = data[np.isfinite(data)].astype(np.float64)
    nonzero = finite[finite != 0]
    integral = bool(np.all(nonzero == np.ceil(nonzero)))
    if nonzero.size:
        low, high = np.abs(nonzero).min(), np.abs(nonzero).max()
        scientific = high / low > 1000 or high > 1e8 or (not integral and low < 1e-4)
    else:
        scientific = False
    if scientific:
        spec = "{:.4e}"
    elif integral:
        spec = "{:.0f}."
    else:
        spec = "{:.4f}"

    def text(value: Any) -> str:  # a NumPy float scalar
        return spec.format(value) if np.isfinite(value) else str(float(value))

    width = max((len(text(v)) for v in nonzero), default=0)  # as PyTorch: nan/inf/0 don't widen
    return lambda value: text(value).rjust(width)


def format_tensor(t: Tensor) -> str:
    """PyTorch-style repr: ``tensor([1., 2.], requires_grad=True)``."""
    data = t._data
    options: dict[str, Any] = {"separator": ", ", "prefix": "tensor(", "max_line_width": 80}
    if data.dtype.kind == "f" and data.size:
        options["formatter"] = {"float_kind": _float_formatter(data)}
    body = np.array2string(data, **options) if data.size else "[]"
    extras = []
    if data.dtype not in (dtypes.float32, dtypes.int64, dtypes.bool_):
        extras.append(f"dtype=ag.{dtypes.name(data.dtype)}")
    if not data.size and data.shape != (0,):
        extras.insert(0, f"size={data.shape}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn={t.grad_fn!r}")
    elif t._requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + extras) + ")"

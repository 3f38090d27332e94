"""Anomaly detection: find the op that first produced NaN or inf, and where the user created it.

While on, every op records the line of user code that called it, its forward output is
checked for NaN/inf, and so is every gradient its backward returns.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import numpy as np

from .grad_mode import Switch

if TYPE_CHECKING:
    from types import FrameType

    from .primitive import Primitive
    from .types import Array

_PACKAGE_DIRS = tuple(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep + name + os.sep
    for name in ("autograd", "nn", "optim")
)


class _State:
    enabled = False


_state = _State()


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on."""
    return _state.enabled


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly detection on or off globally."""
    _state.enabled = bool(mode)


class detect_anomaly(Switch):  # noqa: N801 - PyTorch's name
    """Context manager and decorator: ``with ag.detect_anomaly(): loss.backward()``."""

    state = _state
    mode = True


def user_call_site() -> str:
    """``file:line: code`` of the innermost frame outside ndgrad's own packages."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIRS):
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    import linecache

    code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return f"{frame.f_code.co_filename}:{frame.f_lineno}: {code}"


def check_finite(array: Array, what: str, node: Primitive) -> None:
    """Raise if a float array holds NaN or inf, naming the op and its creation site."""
    if array.dtype.kind != "f" or np.isfinite(array).all():
        return
    kind = "nan" if np.isnan(array).any() else "inf"
    raise RuntimeError(
        f"anomaly: {what} of {node.name()} has {kind} values (shape {array.shape}).\n"
        f"  The op was created at {getattr(node, 'creation_site', None) or '<not recorded>'}\n"
        "  Hint: look for log/sqrt/division of zero or negative values, or overflow in exp."
    )

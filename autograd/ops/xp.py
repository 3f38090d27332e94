"""The NumPy functions that backward rules use, on Tensors: under ``create_graph=True`` a rule's
``self.xp`` is this module, so its arithmetic is recorded and can be differentiated again.

Each function takes NumPy's arguments and defers to the Tensor op; plain numbers and arrays
pass through to NumPy. Add here any NumPy function a rule calls through ``self.xp`` (operators
such as ``*`` and ``@`` and methods such as ``.sum(axis=...)`` need nothing: Tensors have them).
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import movement, select, unary


def _is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def exp(x):
    return unary.exp(x) if _is_tensor(x) else np.exp(x)


def log(x):
    return unary.log(x) if _is_tensor(x) else np.log(x)


def sin(x):
    return unary.sin(x) if _is_tensor(x) else np.sin(x)


def cos(x):
    return unary.cos(x) if _is_tensor(x) else np.cos(x)


def sign(x):
    return unary.sign(x) if _is_tensor(x) else np.sign(x)


def where(condition, x, y):
    if not (_is_tensor(condition) or _is_tensor(x) or _is_tensor(y)):
        return np.where(condition, x, y)
    return select.where(condition, x, y)


def broadcast_to(x, shape):
    return movement.broadcast_to(x, shape)


def expand_dims(x, axis):
    """Insert size-1 dims at ``axis`` (an int or a tuple, positions in the result)."""
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    ndim = x.ndim + len(axes)
    for a in sorted(a % ndim for a in axes):
        x = movement.unsqueeze(x, a)
    return x


def transpose(x, axes):
    return movement.permute(x, *axes)


def swapaxes(x, axis1, axis2):
    return movement.transpose(x, axis1, axis2)

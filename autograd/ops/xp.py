"""The NumPy functions that backward rules use, on Tensors.

Under ``create_graph=True`` a rule's ``self.xp`` is this module, so its arithmetic is recorded
and can be differentiated again.

Each function takes NumPy's arguments and defers to the Tensor op; plain numbers and arrays
pass through to NumPy. Add here any NumPy function a rule calls through ``self.xp`` (operators
such as ``*`` and ``@`` and methods such as ``.sum(axis=...)`` need nothing: Tensors have them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._tensor import Tensor
from . import movement, rearrange, select, unary

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TypeGuard

    from ..types import ArrayLike, Shape, Value


def _is_tensor(x: object) -> TypeGuard[Tensor]:
    return isinstance(x, Tensor)


def exp(x: Value) -> Value:
    """``np.exp``: e^x, recorded when ``x`` is a Tensor."""
    return unary.exp(x) if _is_tensor(x) else np.exp(x)


def log(x: Value) -> Value:
    """``np.log``: the natural logarithm, recorded when ``x`` is a Tensor."""
    return unary.log(x) if _is_tensor(x) else np.log(x)


def sin(x: Value) -> Value:
    """``np.sin``, recorded when ``x`` is a Tensor."""
    return unary.sin(x) if _is_tensor(x) else np.sin(x)


def cos(x: Value) -> Value:
    """``np.cos``, recorded when ``x`` is a Tensor."""
    return unary.cos(x) if _is_tensor(x) else np.cos(x)


def sign(x: Value) -> Value:
    """``np.sign``: -1, 0 or 1 elementwise, recorded when ``x`` is a Tensor."""
    return unary.sign(x) if _is_tensor(x) else np.sign(x)


def where(condition: Value | ArrayLike, x: Value | ArrayLike, y: Value | ArrayLike) -> Value:
    """``np.where``: ``x`` where ``condition`` holds, else ``y``; recorded when any is a Tensor."""
    if not (_is_tensor(condition) or _is_tensor(x) or _is_tensor(y)):
        return np.where(condition, x, y)
    return select.where(condition, x, y)


def broadcast_to(x: Tensor, shape: Shape) -> Tensor:
    """``np.broadcast_to`` on a Tensor (recorded; its gradient sums over the broadcast dims)."""
    return movement.broadcast_to(x, shape)


def expand_dims(x: Tensor, axis: int | Sequence[int]) -> Tensor:
    """Insert size-1 dims at ``axis`` (an int or a tuple, positions in the result)."""
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    ndim = x.ndim + len(axes)
    for a in sorted(a % ndim for a in axes):
        x = movement.unsqueeze(x, a)
    return x


def transpose(x: Tensor, axes: Sequence[int]) -> Tensor:
    """``np.transpose(x, axes)`` on a Tensor: its dims permuted to ``axes``."""
    return movement.permute(x, *axes)


def swapaxes(x: Tensor, axis1: int, axis2: int) -> Tensor:
    """``np.swapaxes`` on a Tensor: dims ``axis1`` and ``axis2`` exchanged."""
    return movement.transpose(x, axis1, axis2)


def moveaxis(x: Tensor, source: Sequence[int], destination: Sequence[int]) -> Tensor:
    """``np.moveaxis`` on a Tensor: dims ``source`` moved to positions ``destination``."""
    return rearrange.movedim(x, tuple(source), tuple(destination))


def concatenate(xs: Sequence[Value | ArrayLike], axis: int = 0) -> Tensor:
    """``np.concatenate`` of Tensors (and arrays, which enter as constants) along ``axis``."""
    return movement.cat(xs, axis)

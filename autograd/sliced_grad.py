"""``SlicedGrad``: the gradient of a basic slice ``x[index]``, kept as the slice.

The adjoint of ``y = x[index]`` is dL/dx = zeros(x.shape) with dL/dy at ``index``. Built dense,
each of the T pieces of ``x.unbind(0)`` (or ``split``, ``chunk``, ``x[t]`` in a loop) would
cost a zero-filled array of the whole of x, and their sum O(T * x.size): quadratic in the
length of a sequence. So in the fast path (not under ``create_graph``) a slice's rule returns
this object, and the engine's ``GradientSums`` adds it into the one buffer it owns for x:

    buffer = zeros(x.shape) once, then buffer[index] += values for each piece,

O(x.size + the pieces' sizes) in all. Only the engine sees it: a pending sum is always a plain
array, so hooks, ``retain_grad``, ``.grad`` and the next rule never do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .types import Array, Shape


class SlicedGrad:
    """dL/dx for ``y = x[index]`` (a basic index): zeros of ``shape`` with ``values`` at ``index``.

    Attributes:
        index: the basic index (ints, slices, None, ``...``); it selects each position once.
        values: dL/dy, of the selection's shape; read, never written.
        shape: x's shape.
    """

    __slots__ = ("index", "values", "shape")

    def __init__(self, index: Any, values: Array, shape: Shape) -> None:
        self.index, self.values, self.shape = index, values, shape

    @property
    def dtype(self) -> np.dtype[Any]:
        """The gradient's dtype: that of ``values``."""
        return self.values.dtype

    def add_into(self, buffer: Array) -> Array:
        """``buffer[index] += values`` in place; returns ``buffer``."""
        buffer[self.index] += self.values
        return buffer

    def dense(self) -> Array:
        """The gradient as a fresh array: zeros of ``shape`` with ``values`` at ``index``."""
        return self.add_into(np.zeros(self.shape, self.dtype))

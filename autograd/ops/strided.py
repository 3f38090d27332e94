"""A view replayed from its base: ``as_strided``, its adjoint, and ``CopySlices``.

``autograd.views`` uses them when a view's base (or another view of the same base) changed
in place. The view's elements are given by ``positions``: for each element of the view, its
row-major position in the base (``base.reshape(-1)[positions]`` is the view). Repeated
positions (an expanded view) add their gradients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..primitive import Primitive

if TYPE_CHECKING:
    from ..types import Array, Shape, Value


class AsStrided(Primitive):
    """out = x.reshape(-1)[positions]: a view's elements read out of its base, as a copy.

    d/dx = the gradient added back at ``positions``, zero elsewhere.
    """

    def forward(self, x: Array, positions: Array) -> Array:
        self.shape, self.positions = x.shape, positions
        return x.reshape(-1)[positions]

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.call(AsStridedScatter, g, positions=self.positions, shape=self.shape),)


class AsStridedScatter(Primitive):
    """zeros(shape) with ``g`` added at the row-major ``positions``: the adjoint of AsStrided.

    d/dg = the gradient read at ``positions``.
    """

    def forward(self, g: Array, positions: Array, shape: Shape) -> Array:
        self.positions = positions
        out = np.zeros(int(np.prod(shape)), dtype=g.dtype)
        np.add.at(out, positions, g)
        return out.reshape(shape)

    def backward(self, g2: Value) -> tuple[Value | None, ...]:
        return (self.call(AsStrided, g2, positions=self.positions),)


class CopySlices(Primitive):
    """The base with the view at ``positions`` replaced by ``value`` (an in-place op on a view).

    out = base, then out.reshape(-1)[positions] = value.
    d/dbase = the gradient with zeros at ``positions``; d/dvalue = the gradient at ``positions``.
    A view whose elements share memory (``overlapping``: a fill of an expanded view) has no
    gradient: backward refuses it, as PyTorch does.
    """

    node_name = "torch::autograd::CopySlices"

    def forward(self, base: Array, value: Array, positions: Array, overlapping: bool) -> Array:
        self.positions, self.overlapping = positions, overlapping
        out = base.copy()
        out.reshape(-1)[positions] = value
        return out

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        if self.overlapping:
            from ..views import OVERLAP_MESSAGE

            raise RuntimeError(f"{self.name()} (an in-place op on an expanded view): "
                               f"{OVERLAP_MESSAGE}. Hint: .clone() the view before changing it")
        kept = np.ones(g.shape, dtype=bool)
        kept.reshape(-1)[self.positions] = False
        return g * kept, self.call(AsStrided, g, positions=self.positions)

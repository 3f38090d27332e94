"""Triangles and diagonals: ``tril``, ``triu``, ``diag``, ``diagonal``, ``trace``.

``tril``/``triu`` keep a triangle of the last two dims (their gradient keeps the same triangle
of the upstream gradient). ``diagonal`` is a view, as in PyTorch (the diagonal is written
with strides into the input's memory); its adjoint writes a gradient onto the diagonal of
zeros, which is also ``diag`` of a vector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..checks import NUMERIC, integer, kernel
from ..inplace import apply_inplace
from ..primitive import OpError, Primitive, name_node
from .dims import normalize_dim
from .movement import clone

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..types import Array, Shape, Value


def _diagonal_view(x: Array, offset: int, axis1: int, axis2: int) -> Array:
    """The diagonal of ``x`` over (axis1, axis2) as a strided view, last dim the diagonal.

    Writable whenever ``x`` is (``np.diagonal`` returns a read-only view).
    """
    y = np.moveaxis(x, (axis1, axis2), (-2, -1))
    y = y[..., :, offset:] if offset >= 0 else y[..., -offset:, :]
    n = max(min(y.shape[-2], y.shape[-1]), 0)
    strides = y.strides[:-2] + (y.strides[-2] + y.strides[-1],)
    return np.lib.stride_tricks.as_strided(y, y.shape[:-2] + (n,), strides)


class Tril(Primitive):
    """Lower triangle of the last two dims (``j - i <= k``), zeros above;  d/dx = tril(g, k)."""

    _keep = staticmethod(np.tril)

    def forward(self, x: Array, k: int) -> Array:
        self.k = k
        return self._keep(x, k)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.call(type(self), g, k=self.k),)


class Triu(Tril):
    """Upper triangle of the last two dims (``j - i >= k``), zeros below;  d/dx = triu(g, k)."""

    _keep = staticmethod(np.triu)


class Diagonal(Primitive):
    """out[..., i] = x[i, i + offset] over (axis1, axis2), a view of x.

    d/dx = zeros of x's shape with the gradient written on that diagonal.
    """

    is_view = True

    def forward(self, x: Array, offset: int, axis1: int, axis2: int) -> Array:
        self.shape, self.offset, self.axis1, self.axis2 = x.shape, offset, axis1, axis2
        return _diagonal_view(x, offset, axis1, axis2)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (self.call(DiagonalScatter, g, shape=self.shape, offset=self.offset,
                          axis1=self.axis1, axis2=self.axis2),)


class DiagonalScatter(Primitive):
    """zeros(shape) with ``g`` written on the diagonal (offset, axis1, axis2): diagonal's adjoint.

    d/dg = the diagonal of the gradient.
    """

    def forward(self, g: Array, shape: Shape, offset: int, axis1: int, axis2: int) -> Array:
        self.offset, self.axis1, self.axis2 = offset, axis1, axis2
        out = np.zeros(shape, dtype=g.dtype)
        _diagonal_view(out, offset, axis1, axis2)[...] = g
        return out

    def backward(self, g2: Value) -> tuple[Value | None, ...]:
        return (self.call(Diagonal, g2, offset=self.offset, axis1=self.axis1, axis2=self.axis2),)


def _triangle(op: str, cls: type[Tril], input: Tensor, diagonal: int) -> Tensor:
    k = integer(op, "diagonal", diagonal)
    if input.ndim < 2:
        raise OpError(f"{op}: input tensor must have at least 2 dimensions, got shape "
                      f"{input.shape}. Hint: unsqueeze a vector into a matrix first")
    return cls.apply(input, k=k)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims: elements with ``col - row <= diagonal``, else 0."""
    return _triangle("tril", Tril, input, diagonal)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims: elements with ``col - row >= diagonal``, else 0."""
    return _triangle("triu", Triu, input, diagonal)


def tril_(self: Tensor, diagonal: int = 0) -> Tensor:
    """In place: zero the elements above the ``diagonal``-th diagonal."""
    return apply_inplace(self, "tril_", tril, diagonal)


def triu_(self: Tensor, diagonal: int = 0) -> Tensor:
    """In place: zero the elements below the ``diagonal``-th diagonal."""
    return apply_inplace(self, "triu_", triu, diagonal)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal over dims (dim1, dim2) as a view, appended as the last dim.

    ``offset > 0`` is above the main diagonal, ``offset < 0`` below; an offset past the
    edge gives an empty diagonal.
    """
    k = integer("diagonal", "offset", offset)
    a1 = normalize_dim("diagonal", dim1, max(input.ndim, 1))
    a2 = normalize_dim("diagonal", dim2, max(input.ndim, 1))
    if input.ndim < 2:
        raise IndexError(f"diagonal: needs a tensor with at least 2 dims, got shape {input.shape}")
    if a1 == a2:
        raise OpError(f"diagonal: dim1 and dim2 are the same dim ({dim1}, {dim2}); "
                      "pick two different dims")
    return Diagonal.apply(input, offset=k, axis1=a1, axis2=a2)


_DIAG_EMBED = DiagonalScatter.named("DiagEmbedBackward0")  # diag of a vector, as PyTorch names it


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A vector's square matrix with it on the ``diagonal``-th diagonal, or a matrix's diagonal (a copy)."""
    k = integer("diag", "diagonal", diagonal)
    if input.ndim == 1:
        n = input.shape[0] + abs(k)
        return _DIAG_EMBED.apply(input, shape=(n, n), offset=k, axis1=0, axis2=1)
    if input.ndim == 2:  # PyTorch's name for its copy of the diagonal
        return name_node(clone(Diagonal.apply(input, offset=k, axis1=0, axis2=1)), "DiagonalBackward0_copy")
    raise OpError(f"diag: supports 1-D or 2-D tensors, got shape {input.shape}. "
                  "Hint: use diagonal(x, dim1=-2, dim2=-1) for the diagonals of a batch")


def trace(input: Tensor) -> Tensor:
    """The sum of a matrix's main diagonal (integer tensors sum to int64)."""
    if input.ndim != 2:
        raise OpError(f"trace: expected a matrix (2-D), got shape {input.shape}. "
                      "Hint: use diagonal(x, dim1=-2, dim2=-1).sum(-1) for batches")
    kernel("trace", input._data.dtype, NUMERIC, "convert first, e.g. x.long()")
    return name_node(Diagonal.apply(input, offset=0, axis1=0, axis2=1).sum(), "TraceBackward0")

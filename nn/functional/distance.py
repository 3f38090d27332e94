"""Distances and similarities (``nn.functional``): normalize, cosine_similarity, pairwise_distance.

Composed as PyTorch composes them, so their values and gradients at the singular points (zero
vectors, coincident points) are PyTorch's:

- ``normalize``: x / max(||x||_p, eps); at x = 0 the gradient is upstream / eps.
- ``cosine_similarity``: sum((x1 / max(||x1||, eps)) * (x2 / max(||x2||, eps))); the clamp
  is applied to the norms' values only (PyTorch clamps a clone in place under no_grad), so the
  norms' own gradients, 0 at a zero vector, still flow.
- ``pairwise_distance``: ||x1 - x2 + eps||_p over the last dim; eps keeps coincident points
  off the norm's kink.
"""

from __future__ import annotations

import numpy as np

import autograd as ag
from autograd import Tensor

__all__ = ["cosine_similarity", "normalize", "pairwise_distance"]


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim``: unit vectors (zero vectors stay 0).

    Example:
        >>> F.normalize(ag.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor([[0.6000, 0.8000],
                [0.0000, 0.0000]])
    """
    denominator = ag.linalg.vector_norm(input, p, dim, keepdim=True).clamp_min(eps)
    result = input / denominator.expand_as(input)
    if out is None:
        return result
    with ag.no_grad():
        out.copy_(result)
    return out


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim`` (they broadcast).

    cos = sum(x1 x2) / (max(||x1||, eps) max(||x2||, eps)), computed as the sum of the
    products of the two normalized vectors, which keeps it in [-1, 1].
    """
    for name, x in (("x1", x1), ("x2", x2)):
        if not isinstance(x, Tensor):
            raise TypeError(f"cosine_similarity(): argument '{name}' must be a Tensor, not "
                            f"{type(x).__name__}")
    try:
        shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    except ValueError:
        raise ag.OpError(f"cosine_similarity: x1 of shape {tuple(x1.shape)} and x2 of shape "
                         f"{tuple(x2.shape)} do not broadcast. Hint: shapes broadcast when, "
                         "aligned from the right, each pair of dims is equal or one is 1") from None
    x1, x2 = (x if x.shape == shape else x.expand(shape) for x in (x1, x2))
    if not x1.is_floating_point():
        x1, x2 = x1.float(), x2.float()
    norms = []
    for x in (x1, x2):
        norm = ag.linalg.vector_norm(x, 2, dim, keepdim=True).clone()
        with ag.no_grad():  # the value is clamped, its gradient is the norm's (as in PyTorch)
            norm.clamp_min_(eps)
        norms.append(norm)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The p-norm of ``x1 - x2 + eps`` over the last dim (they broadcast)."""
    difference = x1 - x2 + eps
    return ag.norm(difference, p, max(x1.ndim, x2.ndim) - 1, keepdim)

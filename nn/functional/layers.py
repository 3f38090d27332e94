"""Linear maps (a fused autograd op: y = x W^T + b) and dropout (``nn.functional``)."""

from __future__ import annotations

import autograd as ag
from autograd import linear

__all__ = ["linear", "dropout"]


def check_probability(p: float) -> None:
    """Refuse a dropout probability outside [0, 1] (``nn.Dropout`` checks it when built)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Inverted dropout: in training, zero each element with probability p and scale the
    rest by 1/(1-p), so the expectation is unchanged; the identity otherwise."""
    check_probability(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = ag.random.generator().random(input.shape, dtype=input.dtype) >= p
    return input * ag.from_numpy(keep.astype(input.dtype) * (1.0 / (1.0 - p)))

"""Linear maps and dropout (``nn.functional``)."""

from __future__ import annotations

import autograd as ag
from autograd.random import generator


def linear(input, weight, bias=None):
    """y = x W^T + b, with W of shape (out_features, in_features)."""
    if input.shape[-1:] != weight.shape[-1:]:
        raise ValueError(f"linear: input of shape {tuple(input.shape)} has {input.shape[-1:]} "
                         f"features but the weight {tuple(weight.shape)} expects "
                         f"{weight.shape[-1]}. Hint: check in_features or flatten the input")
    out = input @ weight.T
    return out if bias is None else out + bias


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Inverted dropout: in training, zero each element with probability p and scale the
    rest by 1/(1-p), so the expectation is unchanged; the identity otherwise."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = generator().random(input.shape, dtype=input.dtype) >= p
    return input * ag.from_numpy(keep.astype(input.dtype) * (1.0 / (1.0 - p)))

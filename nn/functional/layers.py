"""Linear maps (a fused autograd op: y = x W^T + b), dropout and one_hot (``nn.functional``)."""

from __future__ import annotations

import autograd as ag
from autograd import Tensor, linear, one_hot

__all__ = ["dropout", "linear", "one_hot"]


def check_probability(p: float) -> None:
    """Refuse a dropout probability outside [0, 1] (``nn.Dropout`` checks it when built)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: in training, zero each element with probability p, scale the rest by 1/(1-p).

    The expectation is unchanged; outside training (or with p = 0) it is the identity.
    """
    check_probability(p)
    if training is not True and training is not False:
        kind = type(training)
        module = kind.__module__.partition(".")[0]
        name = kind.__name__ if module == "builtins" else f"{module}.{kind.__name__}"
        raise TypeError(f"dropout(): argument 'training' must be bool, not {name}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = ag.random.generator().random(input.shape, dtype=input.dtype) >= p
    return input * ag.from_numpy(keep.astype(input.dtype) * (1.0 / (1.0 - p)))

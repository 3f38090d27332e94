"""Linear maps (a fused autograd op: y = x W^T + b) and one_hot (``nn.functional``)."""

from __future__ import annotations

from autograd import linear, one_hot

__all__ = ["linear", "one_hot"]

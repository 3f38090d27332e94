"""``Dropout``: inverted dropout in training, the identity in eval mode."""

from __future__ import annotations

from autograd import Tensor

from . import functional as F
from .functional.layers import check_probability
from .module import Module


class Dropout(Module):
    """Zero each element with probability p in training and scale the kept ones by 1/(1-p)."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        check_probability(p)
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

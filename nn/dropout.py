"""Dropout layers: inverted dropout in training, the identity in eval mode (``F.dropout``...).

``Dropout`` zeros elements; ``Dropout1d``/``2d``/``3d`` zero whole channels (every input[n, c]
plane at once, as after a convolution, where neighbouring values are correlated);
``AlphaDropout`` and ``FeatureAlphaDropout`` keep the mean and variance of SELU activations.
"""

from __future__ import annotations

from autograd import Tensor

from . import functional as F
from .functional.dropout import check_probability
from .module import Module


class _DropoutNd(Module):
    """A dropout layer's probability ``p`` (checked) and ``inplace`` flag."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        check_probability(p)
        self.p, self.inplace = p, inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability p in training and scale the kept ones by 1/(1-p)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) or (C, L) input with probability p in training.

    The kept channels are scaled by 1/(1-p) (``F.dropout1d``).
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) input with probability p in training.

    The kept channels are scaled by 1/(1-p) (``F.dropout2d``); a 3D input is taken as
    (N, C, L), with PyTorch's warning.
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability p in training.

    The kept channels are scaled by 1/(1-p) (``F.dropout3d``).
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Alpha dropout of each element in training (``F.alpha_dropout``).

    Dropped values become SELU's negative saturation, then an affine map restores zero mean and
    unit variance.
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.alpha_dropout(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels of (N, C, *) input in training (``F.feature_alpha_dropout``)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.feature_alpha_dropout(input, self.p, self.training, self.inplace)

"""Convolutions and sliding blocks, with PyTorch's signatures.

``conv1d``, ``conv2d``, ``conv3d``, ``conv_transpose1d/2d/3d``, ``unfold`` and ``fold``.

Each is one primitive of the engine (``ag.conv2d`` is ``torch.conv2d``): y = conv(x, w) + b,
its gradients the transposed convolution and the weight gradient, themselves differentiable.
"""

from __future__ import annotations

from autograd import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    fold,
    unfold,
)

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "fold", "unfold"]

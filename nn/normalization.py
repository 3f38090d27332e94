"""Normalization layers over each sample: ``LayerNorm`` and ``GroupNorm``.

The per-channel norms with running statistics are in ``batchnorm.py`` (``BatchNorm1d``...) and
``instancenorm.py`` (``InstanceNorm1d``...).
"""

from __future__ import annotations

from collections.abc import Sequence

import autograd as ag
from autograd import Tensor
from autograd.types import DTypeLike, Shape

from . import functional as F
from ._sizes import layer_size
from .functional.normalization import normalized_shape_of
from .module import Module
from .parameter import Parameter


def register_affine(module: Module, shape: Shape, dtype: DTypeLike, weight: bool, bias: bool) -> None:
    """The learnable scale (ones) and shift (zeros) of a normalization layer, or None."""
    module.register_parameter("weight", Parameter(ag.ones(shape, dtype=dtype)) if weight else None)
    module.register_parameter("bias", Parameter(ag.zeros(shape, dtype=dtype)) if bias else None)


class LayerNorm(Module):
    """Normalize each sample over its last dims ``normalized_shape``, then scale and shift.

    The scale and shift are elementwise and learnable (``elementwise_affine``).
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: str | None = None,
                 dtype: DTypeLike | None = None) -> None:
        super().__init__()
        shape = normalized_shape_of("LayerNorm", normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.elementwise_affine = elementwise_affine
        dtype = ag.float32 if dtype is None else dtype
        register_affine(self, shape, dtype, elementwise_affine, elementwise_affine and bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalize each sample of (N, C, *) input over groups of C / ``num_groups`` channels.

    Each group's mean and biased variance are taken over its channels and the spatial dims;
    then y = x_hat * weight[c] + bias[c] with a learnable per-channel scale (ones) and shift
    (zeros) when ``affine``. No running statistics: training and eval compute the same.

    Example:
        >>> GroupNorm(2, 6)(ag.randn(4, 6, 5)).shape
        torch.Size([4, 6, 5])
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: str | None = None, dtype: DTypeLike | None = None, *, bias: bool = True) -> None:
        super().__init__()
        num_groups = layer_size("GroupNorm", "num_groups", num_groups)
        num_channels = layer_size("GroupNorm", "num_channels", num_channels)
        if num_groups == 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups}). Hint: num_groups must be a positive "
                             "divisor of num_channels")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        dtype = ag.float32 if dtype is None else dtype
        register_affine(self, (num_channels,), dtype, affine, affine and bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")

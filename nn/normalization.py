"""Normalization layers: ``BatchNorm1d`` (with PyTorch's running statistics) and ``LayerNorm``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import autograd as ag
from autograd import Tensor
from autograd.types import DTypeLike, Shape

from . import functional as F
from ._sizes import layer_size
from .functional.normalization import normalized_shape_of
from .module import Module
from .parameter import Parameter


def _register_affine(module: Module, shape: Shape, dtype: DTypeLike, weight: bool, bias: bool) -> None:
    """The learnable scale (ones) and shift (zeros) of a normalization layer, or None."""
    module.register_parameter("weight", Parameter(ag.ones(shape, dtype=dtype)) if weight else None)
    module.register_parameter("bias", Parameter(ag.zeros(shape, dtype=dtype)) if bias else None)


class BatchNorm1d(Module):
    """Batch normalization over (N, C) or (N, C, L) input, per channel C.

    Training: normalize by the batch mean and biased variance; update
    ``running_mean``/``running_var`` with r = (1 - momentum) r + momentum s (unbiased batch
    variance), or with the cumulative average when ``momentum=None``; count
    ``num_batches_tracked``. Eval: normalize by the running statistics (if tracked).
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: str | None = None,
                 dtype: DTypeLike | None = None, *, bias: bool = True) -> None:
        super().__init__()
        num_features = layer_size(type(self).__name__, "num_features", num_features)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = ag.float32 if dtype is None else dtype
        _register_affine(self, (num_features,), dtype, affine, affine and bias)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ag.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", ag.tensor(0, dtype=ag.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    _version = 2  # version 2 added num_batches_tracked

    def _load_from_state_dict(self, state_dict: dict[str, Any], prefix: str,
                              local_metadata: dict[str, Any], *args: Any) -> None:
        """A checkpoint older than version 2 (or without metadata) may lack num_batches_tracked.

        It then keeps its current value, as in PyTorch.
        """
        key = prefix + "num_batches_tracked"
        if (local_metadata.get("version") or 1) < 2 and self.track_running_stats:
            state_dict.setdefault(key, self.num_batches_tracked)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)

    def reset_running_stats(self) -> None:
        """Reset running_mean to 0, running_var to 1 and num_batches_tracked to 0 (if tracked)."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in (2, 3):
            raise ValueError(f"{type(self).__name__}: expected 2D or 3D input (got {input.ndim}D "
                             f"input of shape {tuple(input.shape)})")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / int(self.num_batches_tracked.item())
        use_batch_stats = self.training or self.running_mean is None
        tracked = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if tracked else None,
                            self.running_var if tracked else None, self.weight, self.bias,
                            use_batch_stats, momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


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
        _register_affine(self, shape, dtype, elementwise_affine, elementwise_affine and bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")

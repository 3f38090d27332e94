"""Batch normalization: ``BatchNorm1d``, ``BatchNorm2d``, ``BatchNorm3d`` and their common base.

``_NormBase`` holds what batch and instance norm share (as PyTorch's ``_NormBase``): the
per-channel affine parameters, the running statistics and their ``num_batches_tracked`` count,
the checkpoint versions and the repr. The three batch norms differ only in the input ranks
they accept.
"""

from __future__ import annotations

from typing import Any

import autograd as ag
from autograd import Tensor
from autograd.types import DTypeLike

from . import functional as F
from . import init
from ._sizes import layer_size
from .module import Module
from .normalization import register_affine


class _NormBase(Module):
    """Per-channel normalization of (N, C, *) input with optional running statistics.

    ``weight`` (ones) and ``bias`` (zeros) of shape (C,) when ``affine``; the buffers
    ``running_mean`` (zeros), ``running_var`` (ones) and ``num_batches_tracked`` (int64 0) when
    ``track_running_stats``. A subclass names its accepted input ranks in ``_ranks``.
    """

    _ranks: tuple[int, ...] = ()
    _version = 2  # version 2 added num_batches_tracked

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: str | None = None,
                 dtype: DTypeLike | None = None, *, bias: bool = True) -> None:
        super().__init__()
        num_features = layer_size(type(self).__name__, "num_features", num_features)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = ag.float32 if dtype is None else dtype
        register_affine(self, (num_features,), dtype, affine, affine and bias)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ag.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", ag.tensor(0, dtype=ag.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

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

    def reset_parameters(self) -> None:
        """Reset the running statistics, and the weight to 1 and the bias to 0 (if affine)."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._ranks:
            expected = " or ".join(f"{rank}D" for rank in self._ranks)
            raise ValueError(f"{type(self).__name__}: expected {expected} input (got {input.ndim}D "
                             f"input of shape {tuple(input.shape)})")

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Batch normalization over (N, C, *) input, per channel C (``F.batch_norm``).

    Training: normalize by the batch mean and biased variance over N and the spatial dims;
    update ``running_mean``/``running_var`` with r = (1 - momentum) r + momentum s (unbiased
    batch variance), or with the cumulative average r = r + (s - r) / t after t batches when
    ``momentum=None``; count ``num_batches_tracked``. Eval: normalize by the running statistics
    (by the batch's when they are not tracked).
    """

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


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) input (see ``_BatchNorm``)."""

    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) input (see ``_BatchNorm``).

    Example:
        >>> bn = BatchNorm2d(6)
        >>> bn(ag.randn(4, 6, 8, 8)).shape
        torch.Size([4, 6, 8, 8])
    """

    _ranks = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) input (see ``_BatchNorm``)."""

    _ranks = (5,)

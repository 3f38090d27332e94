"""Instance normalization: ``InstanceNorm1d``, ``InstanceNorm2d``, ``InstanceNorm3d``.

Each channel of each sample is normalized over its spatial dims (``F.instance_norm``). As in
PyTorch, the defaults are ``affine=False`` and ``track_running_stats=False`` (batch norm's are
True), an unbatched input (C, *) is taken as a batch of one, and ``num_batches_tracked`` is
kept as a buffer but never counted.
"""

from __future__ import annotations

from typing import Any

from autograd import Tensor
from autograd.checks import warn
from autograd.types import DTypeLike

from . import functional as F
from .batchnorm import _NormBase


class _InstanceNorm(_NormBase):
    """Instance normalization of (N, C, *) or unbatched (C, *) input, per sample and channel.

    Training (or ``track_running_stats=False``): normalize by each instance's mean and biased
    variance over the spatial dims; with ``track_running_stats`` the running statistics move
    by ``momentum`` towards the batch mean of the instances' statistics. Eval with tracked
    statistics: normalize by the running statistics.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: str | None = None,
                 dtype: DTypeLike | None = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype,
                         bias=bias)

    def _load_from_state_dict(self, state_dict: dict[str, Any], prefix: str,
                              local_metadata: dict[str, Any], strict: bool, missing_keys: list[str],
                              unexpected_keys: list[str], error_msgs: list[str]) -> None:
        """Refuse the running statistics of a checkpoint without a version (before PyTorch 0.4).

        A layer with ``track_running_stats=False`` has none: they are dropped, with PyTorch's error.
        """
        keys = [prefix + name for name in ("running_mean", "running_var") if prefix + name in state_dict]
        if local_metadata.get("version") is None and not self.track_running_stats and keys:
            name, names = type(self).__name__, " and ".join(f'"{key}"' for key in keys)
            error_msgs.append(
                f"Unexpected running stats buffer(s) {names} "
                f"for {name} with track_running_stats=False. If state_dict is a checkpoint saved "
                f"before 0.4.0, this may be expected because {name} does not track running stats by "
                "default since 0.4.0. Please remove these keys from state_dict. If the running stats "
                f"are actually needed, instead set track_running_stats=True in {name} to enable them. "
                f"See the documentation of {name} for details.")
            for key in keys:
                state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        unbatched = input.ndim == self._ranks[0]
        feature_dim = 0 if unbatched else 1
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"{type(self).__name__}: expected input's size at dim={feature_dim} "
                                 f"to match num_features ({self.num_features}), but got: "
                                 f"{input.shape[feature_dim]}.")
            warn(f"input's size at dim={feature_dim} does not match num_features. You can silence "
                 "this warning by not passing in num_features, which is not used because affine=False")
        batched = input.unsqueeze(0) if unbatched else input
        out = F.instance_norm(batched, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              0.0 if self.momentum is None else self.momentum, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) or unbatched (C, L) input (see ``_InstanceNorm``)."""

    _ranks = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) or unbatched (C, H, W) input (see ``_InstanceNorm``).

    Example:
        >>> InstanceNorm2d(3)(ag.randn(2, 3, 4, 4)).shape
        torch.Size([2, 3, 4, 4])
    """

    _ranks = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of (N, C, D, H, W) or unbatched (C, D, H, W) input (see ``_InstanceNorm``)."""

    _ranks = (4, 5)

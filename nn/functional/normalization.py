"""Normalization (``nn.functional``): batch_norm and layer_norm, composed from autograd ops.

Both compute x_hat = (x - mean) / sqrt(var + eps) with the biased variance over the
normalized dims, then y = weight * x_hat + bias.
"""

from __future__ import annotations

from collections.abc import Sequence

import autograd as ag
from autograd import Tensor, name_node

from .._sizes import layer_size


def _normalize(input: Tensor, dims: tuple[int, ...], eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(x - mean) / sqrt(var + eps) over ``dims``, the batch mean and the biased variance.

    The mean and variance are kept (keepdim) for the running statistics.
    """
    mean = input.mean(dims, keepdim=True)
    centered = input - mean
    var = (centered * centered).mean(dims, keepdim=True)
    return centered * (var + eps) ** -0.5, mean, var


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel (dim 1) of (N, C) or (N, C, L) input, then scale and shift.

    In training, by the batch statistics, and the running statistics move by ``momentum``:
    r = (1 - m) r + m s, with the unbiased batch variance, as PyTorch. Otherwise, by the
    running statistics.
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input with a batch and a channel dim, got "
                         f"shape {tuple(input.shape)}")
    channels = input.shape[1]
    dims = (0, *range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise ValueError(f"batch_norm: {name} has shape {tuple(t.shape)} but the input "
                             f"{tuple(input.shape)} has {channels} channels in dim 1")
    if training:
        count = input.numel() // channels
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {list(input.shape)}")
        out, mean, var = _normalize(input, dims, eps)
        if running_mean is not None:
            # (type: ignore) running_var comes with running_mean: the callers pass both or neither
            with ag.no_grad():
                batch_mean = mean.detach().reshape(channels).to(running_mean.dtype)
                unbiased = var.detach().reshape(channels).to(running_var.dtype) * (count / (count - 1))  # type: ignore[union-attr]
                running_mean.mul_(1 - momentum).add_(batch_mean * momentum)
                running_var.mul_(1 - momentum).add_(unbiased * momentum)  # type: ignore[union-attr]
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation without running statistics needs "
                             "training=True (batch statistics)")
        out = (input - running_mean.reshape(shape)) * (running_var.reshape(shape) + eps) ** -0.5
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return name_node(out, "NativeBatchNormBackward0")  # PyTorch's one node


def normalized_shape_of(owner: str, normalized_shape: int | Sequence[int]) -> tuple[int, ...]:
    """``normalized_shape`` (one size or several; NumPy integers too) as a tuple of checked ints."""
    sizes = normalized_shape if isinstance(normalized_shape, Sequence) else (normalized_shape,)
    return tuple(layer_size(owner, "normalized_shape", n) for n in sizes)


def layer_norm(input: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the last ``len(normalized_shape)`` dims of each sample."""
    normalized_shape = normalized_shape_of("layer_norm", normalized_shape)
    k = len(normalized_shape)
    if k == 0 or tuple(input.shape[input.ndim - k:]) != normalized_shape or input.ndim < k:
        raise ValueError(f"layer_norm: given normalized_shape={list(normalized_shape)}, expected "
                         f"input with shape [*, {', '.join(map(str, normalized_shape))}], but got "
                         f"input of size {list(input.shape)}")
    out, _, _ = _normalize(input, tuple(range(input.ndim - k, input.ndim)), eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return name_node(out, "NativeLayerNormBackward0")  # PyTorch's one node

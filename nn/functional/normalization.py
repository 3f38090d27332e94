"""Normalization (``nn.functional``): batch, instance, group and layer norm, composed from autograd ops.

Each computes x_hat = (x - mean) / sqrt(var + eps) with the biased variance over its own dims,
then y = weight * x_hat + bias (per channel, dim 1, for batch, instance and group norm; per
element of ``normalized_shape`` for layer norm):

* batch_norm: over every dim but the channel dim 1 (N and the spatial dims);
* instance_norm: over the spatial dims of each sample and channel (batch norm of the input
  reshaped to (1, N*C, *), as PyTorch computes it);
* group_norm: over the channels of each of ``num_groups`` groups and the spatial dims, per sample;
* layer_norm: over the last ``len(normalized_shape)`` dims of each sample.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import autograd as ag
from autograd import Tensor, name_node
from autograd.checks import FLOATING, kernel

from .._sizes import layer_size


def _moments(input: Tensor, dims: tuple[int, ...]) -> tuple[Tensor, Tensor, Tensor]:
    """The centered input x - mean, the mean and the biased variance mean((x - mean)^2) over ``dims``."""
    mean = input.mean(dims, keepdim=True)
    centered = input - mean
    return centered, mean, (centered * centered).mean(dims, keepdim=True)


def _normalize(input: Tensor, dims: tuple[int, ...], eps: float) -> Tensor:
    """(x - mean) / sqrt(var + eps) over ``dims``."""
    centered, _, var = _moments(input, dims)
    return centered * (var + eps) ** -0.5


def _affine(out: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple[int, ...]) -> Tensor:
    """The affine map out * weight + bias, each (if given) reshaped to ``shape`` to broadcast."""
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _more_than_one(count: int, size: object, what: str) -> None:
    """PyTorch's refusal of training statistics over ``count`` = 1 value (``size``: the shape to show)."""
    if count == 1:
        raise ValueError(f"Expected more than 1 {what} when training, got input size {size}. "
                         "Hint: statistics over one value are undefined; use a larger batch or eval()")


def _same_dtypes(op: str, input: Tensor, params: tuple[tuple[str, Tensor | None], ...]) -> None:
    """Refuse what PyTorch's CPU kernels refuse: an input that is not floating point, mixed dtypes.

    The parameters have the input's dtype (float32 ones may go with a float16 input).
    """
    kernel(op, input.dtype, FLOATING)
    for name, t in params:
        mixed_precision = input.dtype == ag.float16 and t is not None and t.dtype == ag.float32
        if t is not None and t.dtype != input.dtype and not mixed_precision:
            raise ag.OpError(f"{op}: mixed dtype (CPU): all inputs must share same datatype; {name} is "
                             f"{t.dtype} but the input is {input.dtype}. Hint: convert one, e.g. "
                             "layer.double() for a float64 input")


def _empty(input: Tensor) -> Tensor:
    """The result for an empty input (nothing to normalize): a copy, in a node of its own."""
    return input.clone()


def _check_batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                      weight: Tensor | None, bias: Tensor | None, training: bool, eps: float) -> None:
    """``batch_norm``'s refusals, PyTorch's in its order (with its words)."""
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input with a batch and a channel dim, got "
                         f"shape {tuple(input.shape)}")
    if training:
        _more_than_one(input.shape[0] * math.prod(input.shape[2:]), input.shape, "value per channel")
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if not training and t is None:
            raise ag.OpError(f"batch_norm: {name} must be defined in evaluation mode. Hint: pass "
                             "the running statistics or training=True (batch statistics)")
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise ag.OpError(f"batch_norm: {name} should contain {channels} elements not {t.numel()}: "
                             f"it has shape {tuple(t.shape)} but the input {tuple(input.shape)} has "
                             f"{channels} channels in dim 1")
    _same_dtypes("batch_norm", input, (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                                       ("running_var", running_var)))


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel (dim 1) of (N, C, *) input over N and the spatial dims, then scale and shift.

    In training, by the batch statistics, and the running statistics move by ``momentum``:
    r = (1 - m) r + m s, with the unbiased batch variance (n / (n - 1) times the biased one), as
    PyTorch. Otherwise, by the running statistics:
    y = (x - running_mean) / sqrt(running_var + eps) * weight + bias.
    """
    _check_batch_norm(input, running_mean, running_var, weight, bias, training, eps)
    channels = input.shape[1]
    dims = (0, *range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    if input.numel() == 0:  # the statistics stay as they are
        return name_node(_affine(_empty(input), weight, bias, shape), "NativeBatchNormBackward0")
    if training:
        centered, mean, var = _moments(input, dims)
        if running_mean is not None and running_var is not None:
            _update_running(running_mean, running_var, mean, var, input.numel() // channels, momentum)
    else:  # both given (checked above)
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)  # type: ignore[union-attr]
    # per channel, as PyTorch's kernel: y = x_hat * weight + bias = x * scale + shift
    scale = (var + eps) ** -0.5 if weight is None else (var + eps) ** -0.5 * weight.reshape(shape)
    if training:
        out = centered * scale if bias is None else centered * scale + bias.reshape(shape)
    else:
        shift = -mean * scale if bias is None else bias.reshape(shape) - mean * scale
        out = input * scale + shift
    return name_node(out, "NativeBatchNormBackward0")  # PyTorch's one node


def _update_running(running_mean: Tensor, running_var: Tensor, mean: Tensor, var: Tensor, count: int,
                    momentum: float) -> None:
    """Move the running statistics in place: r = (1 - momentum) r + momentum s.

    The variance's s is the unbiased var * n / (n - 1).
    """
    with ag.no_grad():
        channels = running_mean.numel()
        unbiased = var.reshape(channels) * (count / (count - 1))
        running_mean.mul_(1 - momentum).add_(mean.reshape(channels).to(running_mean.dtype), alpha=momentum)
        running_var.mul_(1 - momentum).add_(unbiased.to(running_var.dtype), alpha=momentum)


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel of each sample of (N, C, *) input over its spatial dims.

    It is ``batch_norm`` of the input viewed as (1, N*C, *), with the weight, bias and running
    statistics repeated N times; each running statistic then becomes the mean over the batch of
    its N updated copies: r = (1 - m) r + m mean_n(s_n). With ``use_input_stats=False``, the
    running statistics normalize instead.
    """
    if use_input_stats:
        _more_than_one(math.prod(input.shape[2:]), input.shape, "spatial element")
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    if not use_input_stats and running_mean is None:
        raise ag.OpError("instance_norm: Expected running_mean and running_var to be defined when "
                         "use_input_stats is false")
    if input.ndim < 2:
        raise ValueError(f"instance_norm: expected an input with a batch and a channel dim, got "
                         f"shape {tuple(input.shape)}. Hint: an unbatched (C, L) input needs "
                         "input.unsqueeze(0)")
    n, c = input.shape[0], input.shape[1]
    repeated = [None if t is None else t.repeat(n) for t in (running_mean, running_var, weight, bias)]
    out = batch_norm(input.reshape(1, n * c, *input.shape[2:]), repeated[0], repeated[1],
                     repeated[2], repeated[3], use_input_stats, momentum, eps).reshape(input.shape)
    if use_input_stats:
        with ag.no_grad():
            for running, copies in zip((running_mean, running_var), repeated[:2]):
                if running is not None and copies is not None:
                    running.copy_(copies.reshape(n, c).mean(0))
    return out


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalize each sample of (N, C, *) input over groups of C / num_groups channels.

    Each group's statistics are over its channels and the spatial dims; then each channel is
    scaled and shifted: y = x_hat * weight[c] + bias[c].
    """
    if input.ndim < 2:
        raise ag.OpError(f"group_norm: Expected at least 2 dimensions for input tensor but received "
                         f"{input.ndim}. Hint: the input is (N, C, *)")
    if isinstance(num_groups, bool) or not isinstance(num_groups, numbers.Integral):
        raise TypeError(f"group_norm(): argument 'num_groups' must be int, not {type(num_groups).__name__}")
    n, c, groups = input.shape[0], input.shape[1], int(num_groups)
    if groups <= 0:
        raise ag.OpError(f"group_norm: Expected num groups to be greater than 0, got {groups}")
    _more_than_one(n * c // groups * math.prod(input.shape[2:]),
                   [n * c // groups, groups, *input.shape[2:]], "value per channel")
    if c % groups:
        raise ag.OpError(f"group_norm: Expected number of channels in input to be divisible by "
                         f"num_groups, but got input of shape {list(input.shape)} and "
                         f"num_groups={groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise ag.OpError(f"group_norm: Expected {name} to be a vector of size equal to the number "
                             f"of channels in input, but got {name} of shape {list(t.shape)} and "
                             f"input of shape {list(input.shape)}")
    _same_dtypes("group_norm", input, (("weight", weight), ("bias", bias)))
    shape = (1, c) + (1,) * (input.ndim - 2)
    out = _normalize(input.reshape(n, groups, -1), (2,), eps).reshape(input.shape) \
        if input.numel() else _empty(input)
    return name_node(_affine(out, weight, bias, shape), "NativeGroupNormBackward0")  # PyTorch's one node


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
    out = _normalize(input, tuple(range(input.ndim - k, input.ndim)), eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return name_node(out, "NativeLayerNormBackward0")  # PyTorch's one node

"""Dropout (``nn.functional``): elementwise, channel-wise (``dropout1d/2d/3d``) and alpha dropout.

All are PyTorch's one kernel (ATen's ``_dropout_impl``): in training, a mask m ~ Bernoulli(1 - p)
drawn from ndgrad's global generator, then

* dropout: y = x * m / (1 - p), so E[y] = x;
* alpha dropout (for SELU networks): y = a (x m + alpha' p) - alpha' a (1 - m), i.e. a dropped
  value becomes SELU's negative saturation -alpha' = -1.7581 and y is rescaled by
  a = ((alpha'^2 p + 1)(1 - p))^(-1/2), keeping zero mean and unit variance.

The feature (channel-wise) forms draw one m per (sample, channel) and broadcast it over the
spatial dims, so each input[n, c] plane is either all dropped or all kept. Outside training, with
p = 0 or an empty input, each returns its input itself; with p = 1, zeros.
"""

from __future__ import annotations

import math
import numbers

import autograd as ag
from autograd import Tensor
from autograd.checks import flag, warn

__all__ = ["alpha_dropout", "dropout", "dropout1d", "dropout2d", "dropout3d", "feature_alpha_dropout"]

_SELU_ALPHA = 1.7580993408473766  # SELU's scale * alpha: the negative saturation


def check_probability(p: float) -> None:
    """Refuse a dropout probability outside [0, 1] (``nn.Dropout`` checks it when built)."""
    if not isinstance(p, (numbers.Real, Tensor)):
        raise TypeError(f"dropout: p must be a probability (a float in [0, 1]), got "
                        f"{type(p).__name__} {p!r}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(op: str, input: Tensor, p: float, training: bool, inplace: bool, mask_dims: int | None,
             alpha: bool = False) -> Tensor:
    """The one implementation (see the module docstring).

    Args:
        op: the public function, for the messages.
        input: the values.
        p: the probability of a drop.
        training: False gives ``input`` itself.
        inplace: write the result into ``input`` (and return it).
        mask_dims: how many leading dims get their own mask entry (2: (N, C); 1: an unbatched
            (C, *) input), or None for one entry per element.
        alpha: alpha dropout instead of the scaled zeros.
    """
    check_probability(p)
    if not flag(op, "training", training) or p == 0.0 or input.numel() == 0:
        return input
    if p == 1.0:
        return input.mul_(0.0) if inplace else input * 0.0
    if not input.is_floating_point():
        raise ag.OpError(f"{op}: result type Float can't be cast to the desired output type "
                         f"{input.dtype}. Hint: dropout needs a floating-point input, e.g. x.float()")
    if mask_dims is None:
        shape = tuple(input.shape)
    elif input.ndim < mask_dims:
        raise ag.OpError(f"{op}: Feature dropout requires at least 2 dimensions in the input, got shape "
                         f"{tuple(input.shape)}. Hint: the input is (N, C, *)")
    else:
        shape = tuple(input.shape[:mask_dims]) + (1,) * (input.ndim - mask_dims)
    keep = (ag.random.generator().random(shape, dtype=input.dtype) >= p).astype(input.dtype)
    if not alpha:
        noise = ag.from_numpy(keep * (1.0 / (1.0 - p)))
        return input.mul_(noise) if inplace else input * noise
    a = 1.0 / math.sqrt((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p))
    shift = ag.from_numpy((keep - 1) * (_SELU_ALPHA * a) + _SELU_ALPHA * a * p)
    noise = ag.from_numpy(keep * a)
    return input.mul_(noise).add_(shift) if inplace else input * noise + shift


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: in training, zero each element with probability p, scale the rest by 1/(1-p).

    The expectation is unchanged; outside training (or with p = 0) it is the identity.
    """
    return _dropout("dropout", input, p, training, inplace, None)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of each element (see the module docstring); note ``training=False`` by default."""
    return _dropout("alpha_dropout", input, p, training, inplace, None, alpha=True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels of (N, C, *) input; ``training=False`` by default."""
    return _dropout("feature_alpha_dropout", input, p, training, inplace, 2, alpha=True)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels input[n, c] of (N, C, L) or unbatched (C, L) input with probability p.

    The kept channels are scaled by 1/(1-p).

    Raises:
        OpError: the input is not 2D or 3D.
    """
    check_probability(p)
    if input.ndim not in (2, 3):
        raise ag.OpError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. "
                         "Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
                         "spatial dimension, a channel dimension, and an optional batch dimension "
                         "(i.e. 2D or 3D inputs).")
    return _dropout("dropout1d", input, p, training, inplace, input.ndim - 1)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels input[n, c] of (N, C, H, W) input with probability p.

    The kept channels are scaled by 1/(1-p). As in PyTorch, another rank is deprecated (a
    warning), and a 3D input is taken as (N, C, L) (1D channel-wise dropout, with a warning),
    not as an unbatched (C, H, W) one.
    """
    check_probability(p)
    if input.ndim not in (3, 4):
        warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will "
             "result in an error in a future release. To retain the behavior and silence this "
             "warning, please use dropout instead. Note that dropout2d exists to provide channel-wise "
             "dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch "
             "dimension (i.e. 3D or 4D inputs).")
    if input.ndim == 3:
        warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
             "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
             "dim. This behavior will change in a future release to interpret the input as one "
             "without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise "
             "dropout behavior, please switch to using dropout1d instead.")
    return _dropout("dropout2d", input, p, training, inplace, 2)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels input[n, c] of (N, C, D, H, W) or (C, D, H, W) input with probability p.

    The kept channels are scaled by 1/(1-p). Another rank is deprecated (a warning) and taken
    as unbatched.
    """
    check_probability(p)
    if input.ndim not in (4, 5):
        warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and will "
             "result in an error in a future release. To retain the behavior and silence this "
             "warning, please use dropout instead. Note that dropout3d exists to provide channel-wise "
             "dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch "
             "dimension (i.e. 4D or 5D inputs).")
    return _dropout("dropout3d", input, p, training, inplace, 2 if input.ndim == 5 else 1)

"""Activation functions (``nn.functional``): compositions of autograd ops, no backward here.

The primitives with kinks or stability concerns (leaky_relu, elu, softplus, log_softmax) are
fused ops in ``autograd.ops``; the rest are written from them.
"""

from __future__ import annotations

import math

import autograd as ag
from autograd import Tensor, elu, leaky_relu, name_node, softplus
from autograd.checks import FLOATING, kernel, warn
from autograd.types import DTypeLike

__all__ = ["relu", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softplus",
           "softmax", "log_softmax", "logsigmoid"]


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0); relu'(0) = 0."""
    return ag.relu(input)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^-x)."""
    return ag.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """(e^x - e^-x) / (e^x + e^-x)."""
    return ag.tanh(input)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """SiLU (a.k.a. swish): x * sigmoid(x)."""
    kernel("silu", input.dtype, FLOATING)
    return name_node(input * ag.sigmoid(input), "SiluBackward0")  # one node in PyTorch


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """GELU: x * Phi(x) = x/2 (1 + erf(x / sqrt 2)).

    With ``approximate='tanh'``: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    """
    kernel("gelu", input.dtype, FLOATING)
    if approximate == "none":  # PyTorch's one node, either way
        return name_node(input * 0.5 * (1.0 + ag.erf(input * (1.0 / math.sqrt(2.0)))), "GeluBackward0")
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (input + 0.044715 * input ** 3)
        return name_node(input * 0.5 * (1.0 + ag.tanh(inner)), "GeluBackward0")
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def logsigmoid(input: Tensor) -> Tensor:
    """Log-sigmoid: log sigmoid(x) = -softplus(-x), stable for large |x|."""
    kernel("logsigmoid", input.dtype, FLOATING)
    return name_node(-softplus(-input, threshold=math.inf), "LogSigmoidBackward0")


def _softmax_dim(name: str, ndim: int, dim: int | None) -> int:
    if dim is not None:
        return dim
    warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
         "dim=X as an argument.")
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, dtype: DTypeLike | None = None) -> Tensor:
    """e^x_i / sum_j e^x_j along ``dim``."""
    if dtype is not None:
        input = input.to(dtype)
    return ag.softmax(input, _softmax_dim("softmax", input.ndim, dim))


def log_softmax(input: Tensor, dim: int | None = None, dtype: DTypeLike | None = None) -> Tensor:
    """x_i - logsumexp(x) along ``dim`` (fused and stable)."""
    if dtype is not None:
        input = input.to(dtype)
    return ag.log_softmax(input, _softmax_dim("log_softmax", input.ndim, dim))

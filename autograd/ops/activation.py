"""Activation functions with parameters: leaky_relu, softplus, elu.

They are nn.functional's building blocks; relu, sigmoid and tanh are in ``unary``.

Each follows PyTorch's conventions exactly, including the gradient at the kink:
    leaky_relu'(0) = negative_slope      (the x <= 0 branch)
    elu'(0) = alpha, elu''(0) = 0         (the x <= 0 branch; second derivative from x < 0)
    softplus reverts to x where beta x > threshold (and its gradient to 1)
and each is finite, without overflow warnings, at +-1000 in float32 and float64.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..checks import FLOATING, kernel
from ..dtypes import as_float
from ..primitive import Primitive
from .unary import Sigmoid

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..types import Array, Value


class LeakyRelu(Primitive):
    """f(x) = x where x > 0, else negative_slope * x.

    df/dx = 1 where x > 0, else negative_slope (so f'(0) = negative_slope, as in PyTorch).
    """

    op_name = "leaky_relu"
    saved_inputs = (0,)

    # np.where is ~10x slower than arithmetic on large arrays (NumPy 2.x, float32), so forward
    # and backward use max/min and a 0/1 mask; both stay exact (one term is always 0).
    def forward(self, x: Array, negative_slope: float) -> Array:
        self.negative_slope = negative_slope
        x = as_float(x)
        pick = np.maximum if negative_slope <= 1 else np.minimum  # the x > 0 branch is x
        return pick(x, x * negative_slope)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        positive = (self.input(0) > 0).astype(g.dtype)
        return (g * positive + (g * self.negative_slope) * (1 - positive),)


class Softplus(Primitive):
    """f(x) = log(1 + e^(beta x)) / beta, and f(x) = x where beta x > threshold.

    df/dx = sigmoid(beta x), and 1 where beta x > threshold;
    d2f/dx2 = beta sigmoid'(beta x) where beta x < threshold, else 0 (PyTorch's mask).

    log(1 + e^z) is computed as max(z, 0) + log1p(e^-|z|), which never overflows.
    """

    saved_inputs = (0,)

    def forward(self, x: Array, beta: float, threshold: float) -> Array:
        self.beta, self.threshold = beta, threshold
        x = as_float(x)
        z = x * beta
        soft = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta
        return np.where(z > threshold, x, soft)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        z = self.input(0) * self.beta
        xp = self.xp
        # sigmoid(z) where z <= threshold; z is frozen at the threshold itself, so that the
        # second derivative there is 0, as PyTorch's (it masks with z < threshold)
        below = xp.where(z < self.threshold, z, self.threshold)
        return (xp.where(z > self.threshold, g, g * self.call(Sigmoid, below)),)


class Elu(Primitive):
    """f(x) = x where x > 0, else alpha (e^x - 1) (computed with expm1).

    df/dx = 1 where x > 0, else alpha e^x (so f'(0) = alpha, as in PyTorch).

    e^x is evaluated at min(x, 0) only, so large positive x never overflows; that clamp is
    written as where(x < 0, x, 0) so the second derivative at 0 is 0, as in PyTorch, and
    elu(-0.0) = -0.0 as in PyTorch.
    """

    saved_inputs = (0,)

    def forward(self, x: Array, alpha: float) -> Array:
        self.alpha = alpha
        x = as_float(x)
        return np.where(x > 0, x, np.expm1(np.where(x > 0, 0, x)) * alpha)  # keeps -0.0

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        xp = self.xp
        negative = xp.exp(xp.where(x < 0, x, 0))
        return (xp.where(x > 0, g, g * self.alpha * negative),)


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """Leaky ReLU: x where x > 0, else ``negative_slope * x``.

    Gradient: 1 where x > 0, else ``negative_slope`` (also at x = 0, as in PyTorch).

    Example:
        >>> leaky_relu(ag.tensor([-2.0, 0.0, 3.0]), 0.1)
        tensor([-0.2000,  0.0000,  3.0000])
    """
    kernel("leaky_relu", input._data.dtype, FLOATING)
    return LeakyRelu.apply(input, negative_slope=float(negative_slope))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """Softplus: ``log(1 + e^(beta x)) / beta``, a smooth ReLU.

    It is x itself where ``beta * x > threshold`` (PyTorch's semantics).

    Gradient: ``sigmoid(beta x)``, and 1 where ``beta * x > threshold``. Finite for all x.

    Example:
        >>> softplus(ag.tensor([-1000.0, 0.0, 2.0]))
        tensor([0.0000, 0.6931, 2.1269])
    """
    kernel("softplus", input._data.dtype, FLOATING)
    return Softplus.apply(input, beta=float(beta), threshold=float(threshold))


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: x where x > 0, else ``alpha * (e^x - 1)``.

    Gradient: 1 where x > 0, else ``alpha * e^x`` (so ``alpha`` at x = 0, as in PyTorch).

    Example:
        >>> elu(ag.tensor([-1000.0, 0.0, 2.0]))
        tensor([-1.,  0.,  2.])
    """
    kernel("elu", input._data.dtype, FLOATING)
    return Elu.apply(input, alpha=float(alpha))

"""Elementwise functions of one tensor.

exp log log1p expm1 sqrt abs sin cos tanh sigmoid erf relu sign sgn nan_to_num clamp clamp_min
clamp_max.

Conventions pinned by tests: relu'(0) = 0, |x|'(0) = 0, clamp passes the gradient where
min <= x <= max (a tensor bound gets it where it is the result, ties excluded); sigmoid and
tanh stay finite at +-1000.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._tensor import Tensor
from ..dtypes import as_float, result_type
from ..function import Function, OpError
from ._erf import erf as _erf_float64

if TYPE_CHECKING:
    from ..types import Array, Value

_TWO_OVER_SQRT_PI = 1.1283791670955126  # 2 / sqrt(pi)


class Exp(Function):
    """e^x;  d/dx = e^x."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.exp(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.output(),)


class Log(Function):
    """ln x;  d/dx = 1/x."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return np.log(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g / self.input(0),)


class Log1p(Function):
    """ln(1 + x), accurate for tiny x;  d/dx = 1 / (1 + x)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return np.log1p(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g / (1 + self.input(0)),)


class Expm1(Function):
    """e^x - 1, accurate for tiny x;  d/dx = e^x, computed as output + 1 (PyTorch's rule)."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.expm1(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * (self.output() + 1),)


class Erf(Function):
    """erf(x) = 2/sqrt(pi) int_0^x e^(-t^2) dt (Cody's rational approximations, see ``_erf``).

    d/dx = 2/sqrt(pi) e^(-x^2).
    """

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        x = as_float(x)
        return _erf_float64(x).astype(x.dtype, copy=False)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        return (g * _TWO_OVER_SQRT_PI * self.xp.exp(-(x * x)),)


class Sqrt(Function):
    """sqrt(x);  d/dx = 1 / (2 sqrt(x))."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.sqrt(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g / (2 * self.output()),)


class Sin(Function):
    """sin x;  d/dx = cos x."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return np.sin(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.xp.cos(self.input(0)),)


class Cos(Function):
    """cos x;  d/dx = -sin x."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return np.cos(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (-g * self.xp.sin(self.input(0)),)


class Tanh(Function):
    """tanh x;  d/dx = 1 - tanh^2 x."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.tanh(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        y = self.output()
        return (g * (1 - y * y),)


class Sigmoid(Function):
    """sigma(x) = 1 / (1 + e^-x), computed from e^-|x| so it never overflows.

    d/dx = sigma(x) (1 - sigma(x)).
    """

    saves_output = True

    def forward(self, x: Array) -> Array:
        x = as_float(x)
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1, e) / (1 + e)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        y = self.output()
        return (g * (y * (1 - y)),)


class Relu(Function):
    """max(x, 0);  d/dx = 1 where x > 0, else 0 (so relu'(0) = 0)."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.maximum(x, 0)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * (self.output() > 0),)


class Abs(Function):
    """|x|;  d/dx = sign(x) (so |x|'(0) = 0)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return np.abs(x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.xp.sign(self.input(0)),)


def zeros_like(g: Value) -> Value:
    """A constant zero gradient shaped like ``g`` (a Tensor under create_graph, else an array).

    Exact zeros, as PyTorch's, even where ``g`` is inf or nan.
    """
    if isinstance(g, Tensor):
        return Tensor._wrap(np.zeros_like(g._data))
    return np.zeros_like(g)


class Sign(Function):
    """sign(x) in {-1, 0, 1} (0 for nan, as in PyTorch); its gradient is zero (exact zeros)."""

    def forward(self, x: Array) -> Array:
        if x.dtype.kind == "b":
            return x.copy()
        return np.where(np.isnan(x), 0, np.sign(x)) if x.dtype.kind == "f" else np.sign(x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (zeros_like(g),)


class NanToNum(Function):
    """x with nan, +inf and -inf replaced by numbers;  d/dx = 1 where x is finite, else 0."""

    def forward(self, x: Array, nan: float, posinf: float | None, neginf: float | None) -> Array:
        if x.dtype.kind != "f":
            return x.copy()
        self.finite = np.isfinite(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.finite,)


class Clamp(Function):
    """min(max(x, lo), hi);  d/dx = 1 where lo <= x <= hi, else 0."""

    saved_inputs = (0,)

    def forward(self, x: Array, lo: float | None, hi: float | None) -> Array:
        if lo is None and hi is None:
            raise OpError("clamp: at least one of min and max must be given")
        self.lo, self.hi = lo, hi
        x = x.astype(result_type(x, *(v for v in (lo, hi) if v is not None)), copy=False)
        return np.clip(x, lo, hi)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        if self.lo is not None:
            g = g * (x >= self.lo)
        if self.hi is not None:
            g = g * (x <= self.hi)
        return (g,)


def exp(input: Tensor) -> Tensor:
    """e^x elementwise."""
    return Exp.apply(input)


def log(input: Tensor) -> Tensor:
    """Natural logarithm elementwise."""
    return Log.apply(input)


def log1p(input: Tensor) -> Tensor:
    """ln(1 + x) elementwise, accurate where |x| is tiny."""
    return Log1p.apply(input)


def expm1(input: Tensor) -> Tensor:
    """e^x - 1 elementwise, accurate where |x| is tiny."""
    return Expm1.apply(input)


def erf(input: Tensor) -> Tensor:
    """The error function 2/sqrt(pi) int_0^x e^(-t^2) dt elementwise, accurate to float64.

    Example:
        >>> ag.tensor([0.0, 1.0], dtype=ag.float64).erf()
        tensor([0.0000, 0.8427], dtype=ag.float64)
    """
    return Erf.apply(input)


def sqrt(input: Tensor) -> Tensor:
    """Square root elementwise."""
    return Sqrt.apply(input)


def sin(input: Tensor) -> Tensor:
    """Sine elementwise (radians)."""
    return Sin.apply(input)


def cos(input: Tensor) -> Tensor:
    """Cosine elementwise (radians)."""
    return Cos.apply(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent, finite for all inputs."""
    return Tanh.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    """Logistic function 1 / (1 + e^-x), finite for all inputs."""
    return Sigmoid.apply(input)


def relu(input: Tensor) -> Tensor:
    """max(x, 0)."""
    return Relu.apply(input)


def abs(input: Tensor) -> Tensor:  # noqa: A001 - PyTorch's name
    """|x| elementwise."""
    return Abs.apply(input)


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 elementwise."""
    return Sign.apply(input)


def clamp(input: Tensor, min: Tensor | float | None = None,  # noqa: A002 - PyTorch's names
          max: Tensor | float | None = None) -> Tensor:  # noqa: A002
    """Limit values to [min, max]; either bound may be None or a tensor. Alias: ``clip``.

    With tensor bounds, as in PyTorch, ``input`` gets the gradient where min <= x <= max
    (ties included), ``min`` where x < min and ``max`` where x > max.
    """
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        from .select import where

        lower = input if min is None else where(input < min, min, input)
        return lower if max is None else where(lower > max, max, lower)
    return Clamp.apply(input, lo=min, hi=max)


def clamp_min(input: Tensor, min: Tensor | float) -> Tensor:  # noqa: A002 - PyTorch's name
    """max(x, min) elementwise; ``input`` gets the gradient where x >= min (ties included)."""
    return clamp(input, min=min)


def clamp_max(input: Tensor, max: Tensor | float) -> Tensor:  # noqa: A002 - PyTorch's name
    """min(x, max) elementwise; ``input`` gets the gradient where x <= max (ties included)."""
    return clamp(input, max=max)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """Replace nan by ``nan``, +inf by ``posinf`` and -inf by ``neginf``.

    The infinities default to the dtype's largest and lowest finite values, as in PyTorch;
    the gradient is 0 at the replaced elements.

    Example:
        >>> ag.nan_to_num(ag.tensor([float("nan"), 1.0, float("inf")]), posinf=9.0)
        tensor([0., 1., 9.])
    """
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)


def sgn(input: Tensor) -> Tensor:
    """The sign of each element; for real tensors the same as ``sign``."""
    return Sign.apply(input)


absolute = abs

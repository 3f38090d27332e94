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
from ..checks import NUMERIC, kernel
from ..conversion import scalar
from ..dtypes import as_float, result_type
from ..out import write_out
from ..primitive import OpError, Primitive, name_node
from ._erf import erf as _erf_float64

if TYPE_CHECKING:
    from ..types import Array, Value

_TWO_OVER_SQRT_PI = 1.1283791670955126  # 2 / sqrt(pi)


class Exp(Primitive):
    """e^x;  d/dx = e^x."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.exp(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.output(),)


class Log(Primitive):
    """ln x;  d/dx = 1/x."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return np.log(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g / self.input(0),)


class Log1p(Primitive):
    """ln(1 + x), accurate for tiny x;  d/dx = 1 / (1 + x)."""

    node_name = "Log1PBackward0"  # PyTorch's spelling
    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return np.log1p(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g / (1 + self.input(0)),)


class Expm1(Primitive):
    """e^x - 1, accurate for tiny x;  d/dx = e^x, computed as output + 1 (PyTorch's rule)."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.expm1(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * (self.output() + 1),)


class Erf(Primitive):
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


class Sqrt(Primitive):
    """sqrt(x);  d/dx = 1 / (2 sqrt(x))."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.sqrt(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g / (2 * self.output()),)


class Sin(Primitive):
    """sin x;  d/dx = cos x."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return np.sin(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.xp.cos(self.input(0)),)


class Cos(Primitive):
    """cos x;  d/dx = -sin x."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return np.cos(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (-g * self.xp.sin(self.input(0)),)


class Tanh(Primitive):
    """tanh x;  d/dx = 1 - tanh^2 x."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.tanh(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        y = self.output()
        return (g * (1 - y * y),)


class Sigmoid(Primitive):
    """sigma(x) = 1 / (1 + e^-x);  d/dx = sigma(x) (1 - sigma(x)).

    For x below about -88 (float32) e^-x overflows to inf and 1 / (1 + inf) = 0, the correctly
    rounded value up to denormals, so the overflow is silenced, not avoided: the formula has no
    cancellation anywhere, and it is four passes over x.
    """

    saves_output = True

    def forward(self, x: Array) -> Array:
        x = as_float(x)
        out = np.negative(x, out=np.empty_like(x))  # (an array, also for a 0-d x)
        with np.errstate(over="ignore"):
            np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        y = self.output()
        return (g * (y * (1 - y)),)


class Relu(Primitive):
    """max(x, 0);  d/dx = 1 where x > 0, else 0 (so relu'(0) = 0)."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return np.maximum(x, 0)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * (self.output() > 0),)


class Abs(Primitive):
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


class Sign(Primitive):
    """sign(x) in {-1, 0, 1} (0 for nan, as in PyTorch); its gradient is zero (exact zeros)."""

    def forward(self, x: Array) -> Array:
        if x.dtype.kind == "b":
            return x.copy()
        return np.where(np.isnan(x), 0, np.sign(x)) if x.dtype.kind == "f" else np.sign(x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (zeros_like(g),)


class NanToNum(Primitive):
    """x with nan, +inf and -inf replaced by numbers;  d/dx = 1 where x is finite, else 0."""

    def forward(self, x: Array, nan: float, posinf: float | None, neginf: float | None) -> Array:
        if x.dtype.kind != "f":
            return x.copy()
        self.finite = np.isfinite(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.finite,)


class Clamp(Primitive):
    """min(max(x, lo), hi);  d/dx = 1 where lo <= x <= hi, else 0."""

    node_name = "ClampBackward1"  # clamp(Tensor, Scalar?, Scalar?)
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


_CLAMP_MIN = Clamp.named("ClampMinBackward0")
_CLAMP_MAX = Clamp.named("ClampMaxBackward0")
_SGN = Sign.named("SgnBackward0")


def exp(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """e^x elementwise."""
    return write_out(Exp.apply(input), out, "exp", input)


def log(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Natural logarithm elementwise."""
    return write_out(Log.apply(input), out, "log", input)


def log1p(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """ln(1 + x) elementwise, accurate where |x| is tiny."""
    return write_out(Log1p.apply(input), out, "log1p", input)


def expm1(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """e^x - 1 elementwise, accurate where |x| is tiny."""
    return write_out(Expm1.apply(input), out, "expm1", input)


def erf(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The error function 2/sqrt(pi) int_0^x e^(-t^2) dt elementwise, accurate to float64.

    Example:
        >>> ag.tensor([0.0, 1.0], dtype=ag.float64).erf()
        tensor([0.0000, 0.8427], dtype=ag.float64)
    """
    return write_out(Erf.apply(input), out, "erf", input)


def sqrt(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Square root elementwise."""
    return write_out(Sqrt.apply(input), out, "sqrt", input)


def sin(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Sine elementwise (radians)."""
    return write_out(Sin.apply(input), out, "sin", input)


def cos(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Cosine elementwise (radians)."""
    return write_out(Cos.apply(input), out, "cos", input)


def tanh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Hyperbolic tangent, finite for all inputs."""
    return write_out(Tanh.apply(input), out, "tanh", input)


def sigmoid(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Logistic function 1 / (1 + e^-x), finite for all inputs."""
    return write_out(Sigmoid.apply(input), out, "sigmoid", input)


def relu(input: Tensor) -> Tensor:
    """max(x, 0)."""
    kernel("relu", input._data.dtype, NUMERIC)
    return Relu.apply(input)


def abs(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A001 - PyTorch's name
    """|x| elementwise."""
    kernel("abs", input._data.dtype, NUMERIC)
    return write_out(Abs.apply(input), out, "abs", input, same_dtype=True)


def sign(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """-1, 0 or 1 elementwise."""
    return write_out(Sign.apply(input), out, "sign", input, same_dtype=True)


def clamp(input: Tensor, min: Tensor | float | None = None,  # noqa: A002 - PyTorch's names
          max: Tensor | float | None = None, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Limit values to [min, max]; either bound may be None or a tensor. Alias: ``clip``.

    With tensor bounds, as in PyTorch, ``input`` gets the gradient where min <= x <= max
    (ties included), ``min`` where x < min and ``max`` where x > max.
    """
    return write_out(_clamp(input, min, max, Clamp, "ClampBackward0"), out, "clamp",
                     input, min, max, same_dtype=_numbers(min, max))


def _clamp(input: Tensor, min: Tensor | float | None, max: Tensor | float | None,  # noqa: A002
           scalar_bounds: type[Clamp], tensor_bounds: str) -> Tensor:
    """Clamp with number bounds (one node, ``scalar_bounds``) or tensor bounds (``where`` nodes).

    PyTorch names each of clamp, clamp_min and clamp_max; with tensor bounds the last
    ``where`` is named ``tensor_bounds``.
    """
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        from .select import where

        lower = input if min is None else where(input < min, min, input)
        return name_node(lower if max is None else where(lower > max, max, lower), tensor_bounds)
    for bound in (min, max):
        if bound is not None:
            scalar(bound, result_type(input._data, bound), scalar_bounds.op_name)
    return scalar_bounds.apply(input, lo=min, hi=max)


def _numbers(*bounds: Tensor | float | None) -> bool:
    """Number bounds: PyTorch's clamp then writes only into an ``out=`` of the input's dtype."""
    return not any(isinstance(b, Tensor) for b in bounds)


def clamp_min(input: Tensor, min: Tensor | float,
              *, out: Tensor | None = None) -> Tensor:  # noqa: A002 - PyTorch's name
    """max(x, min) elementwise; ``input`` gets the gradient where x >= min (ties included)."""
    return write_out(_clamp(input, min, None, _CLAMP_MIN, "ClampMinBackward1"), out, "clamp_min",
                     input, min, same_dtype=_numbers(min))


def clamp_max(input: Tensor, max: Tensor | float,
              *, out: Tensor | None = None) -> Tensor:  # noqa: A002 - PyTorch's name
    """min(x, max) elementwise; ``input`` gets the gradient where x <= max (ties included)."""
    return write_out(_clamp(input, None, max, _CLAMP_MAX, "ClampMaxBackward1"), out, "clamp_max",
                     input, max, same_dtype=_numbers(max))


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None, *, out: Tensor | None = None) -> Tensor:
    """Replace nan by ``nan``, +inf by ``posinf`` and -inf by ``neginf``.

    The infinities default to the dtype's largest and lowest finite values, as in PyTorch;
    the gradient is 0 at the replaced elements.

    Example:
        >>> ag.nan_to_num(ag.tensor([float("nan"), 1.0, float("inf")]), posinf=9.0)
        tensor([0., 1., 9.])
    """
    return write_out(NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf), out, "nan_to_num",
                     input, same_dtype=True)


def sgn(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The sign of each element; for real tensors the same as ``sign``."""
    return write_out(_SGN.apply(input), out, "sgn", input, same_dtype=True)


absolute = abs

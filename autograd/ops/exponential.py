"""Exponentials, logarithms and powers of one tensor, and log-sum-exp of two.

exp2 log2 log10 rsqrt reciprocal square logaddexp logaddexp2.

Integer inputs give float32 (``square`` keeps integers, as in PyTorch). Division by zero
and logarithms of zero or negatives give inf or nan silently, as in PyTorch.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..checks import not_implemented
from ..dtypes import as_float, promoted_arrays
from ..out import write_out
from ..primitive import Primitive
from .arithmetic import BROADCAST_HINT, pow

if TYPE_CHECKING:
    from ..types import Array, Value

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


class Exp2(Primitive):
    """2^x;  d/dx = 2^x ln 2."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        with np.errstate(over="ignore"):
            return np.exp2(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.output() * _LN2,)


class Log2(Primitive):
    """log_2 x;  d/dx = 1 / (x ln 2)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log2(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g / (self.input(0) * _LN2),)


class Log10(Primitive):
    """log_10 x;  d/dx = 1 / (x ln 10)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(as_float(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g / (self.input(0) * _LN10),)


class Rsqrt(Primitive):
    """1 / sqrt(x);  d/dx = -1/2 x^(-3/2) = -y^3 / 2."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        x = as_float(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.reciprocal(np.sqrt(x))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        y = self.output()
        with np.errstate(invalid="ignore", over="ignore"):
            return (g * (y * y * y) * -0.5,)


class Reciprocal(Primitive):
    """1 / x;  d/dx = -1/x^2 = -y^2."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        x = as_float(x)
        with np.errstate(divide="ignore"):
            return np.reciprocal(x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        y = self.output()
        with np.errstate(invalid="ignore", over="ignore"):
            return (-g * (y * y),)


def float_pair(op: str, a: Any, b: Any) -> tuple[Array, Array]:
    """Two operands as arrays of their promoted dtype, which must be floating point.

    Raises:
        OpNotImplementedError: an integer or bool result dtype (PyTorch has no kernel for it).
    """
    a, b = promoted_arrays(a, b)
    if a.dtype.kind != "f":
        raise not_implemented(op, a.dtype, "convert first, e.g. x.float()")
    return a, b


class Logaddexp(Primitive):
    """log(e^a + e^b) without overflow;  d/da = 1 / (1 + e^(b - a)), d/db = 1 / (1 + e^(a - b)).

    (The sigmoids of a - b and b - a, written as PyTorch writes them, so that double backward
    at infinite arguments is PyTorch's NaN.)
    """

    saved_inputs = (0, 1)
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        with np.errstate(invalid="ignore"):
            return np.logaddexp(*float_pair("logaddexp", a, b))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        a, b = self.input(0), self.input(1)
        xp = self.xp
        with np.errstate(invalid="ignore", over="ignore"):
            grad_a = g / (1 + xp.exp(b - a)) if self.needs_input_grad[0] else None
            grad_b = g / (1 + xp.exp(a - b)) if self.needs_input_grad[1] else None
        return grad_a, grad_b


class Logaddexp2(Primitive):
    """log2(2^a + 2^b) without overflow;  d/da = 1 / (1 + 2^(b - a)), d/db likewise (PyTorch's form)."""

    saved_inputs = (0, 1)
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        with np.errstate(invalid="ignore"):
            return np.logaddexp2(*float_pair("logaddexp2", a, b))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        a, b = self.input(0), self.input(1)
        with np.errstate(invalid="ignore", over="ignore"):
            grad_a = g / (1 + 2.0 ** (b - a)) if self.needs_input_grad[0] else None
            grad_b = g / (1 + 2.0 ** (a - b)) if self.needs_input_grad[1] else None
        return grad_a, grad_b


def exp2(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """2^x elementwise."""
    return write_out(Exp2.apply(input), out, "exp2", input)


def log2(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Base-2 logarithm elementwise."""
    return write_out(Log2.apply(input), out, "log2", input)


def log10(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Base-10 logarithm elementwise."""
    return write_out(Log10.apply(input), out, "log10", input)


def rsqrt(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """1 / sqrt(x) elementwise (inf at 0, nan below)."""
    return write_out(Rsqrt.apply(input), out, "rsqrt", input)


def reciprocal(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """1 / x elementwise (integers give float32; inf at 0)."""
    return write_out(Reciprocal.apply(input), out, "reciprocal", input)


def square(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The square x * x elementwise (integer tensors stay integer; bool gives int64, as in PyTorch)."""
    return write_out(pow(input, 2), out, "square", input)


def require_tensors(op: str, input: Any, other: Any) -> None:
    """Refuse a non-Tensor operand, as PyTorch's binary functions without a Scalar overload do."""
    for label, value in (("input", input), ("other", other)):
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}(): argument '{label}' must be a Tensor, not "
                            f"{type(value).__name__}. Hint: wrap it, e.g. ag.tensor({value!r})")


def logaddexp(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """log(e^input + e^other) elementwise, broadcasting, without overflow."""
    require_tensors("logaddexp", input, other)
    return write_out(Logaddexp.apply(input, other), out, "logaddexp", input, other)


def logaddexp2(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """log2(2^input + 2^other) elementwise, broadcasting, without overflow."""
    require_tensors("logaddexp2", input, other)
    return write_out(Logaddexp2.apply(input, other), out, "logaddexp2", input, other)

"""Trigonometric and hyperbolic functions beyond sin/cos/tanh, and their inverses.

tan sinh cosh asin acos atan asinh acosh atanh atan2 hypot (NumPy's arc* names are aliases).

Integer inputs give float32, as in PyTorch. Outside a function's domain the result is nan
(asin(2)) or inf, silently, as in PyTorch. atan2's gradient is 0 at (0, 0), PyTorch's convention.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..dtypes import as_float, promoted_arrays
from ..out import write_out
from ..primitive import Primitive
from .arithmetic import BROADCAST_HINT
from .exponential import Rsqrt, float_pair, require_tensors

if TYPE_CHECKING:
    from ..types import Array, Value


def _float(ufunc: np.ufunc, x: Array) -> Array:
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return ufunc(as_float(x))


class Tan(Primitive):
    """tan x;  d/dx = 1 + tan^2 x."""

    saves_output = True

    def forward(self, x: Array) -> Array:
        return _float(np.tan, x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        y = self.output()
        return (g * (1 + y * y),)


class Sinh(Primitive):
    """sinh x;  d/dx = cosh x."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return _float(np.sinh, x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.call(Cosh, self.input(0)),)


class Cosh(Primitive):
    """cosh x;  d/dx = sinh x."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return _float(np.cosh, x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g * self.call(Sinh, self.input(0)),)


class Asin(Primitive):
    """arcsin x on [-1, 1];  d/dx = 1 / sqrt(1 - x^2)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return _float(np.arcsin, x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        return (g * self.call(Rsqrt, 1 - x * x),)


class Acos(Primitive):
    """arccos x on [-1, 1];  d/dx = -1 / sqrt(1 - x^2)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return _float(np.arccos, x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        return (-g * self.call(Rsqrt, 1 - x * x),)


class Atan(Primitive):
    """arctan x;  d/dx = 1 / (1 + x^2)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return _float(np.arctan, x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        return (g / (1 + x * x),)


class Asinh(Primitive):
    """arsinh x;  d/dx = 1 / sqrt(x^2 + 1)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return _float(np.arcsinh, x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        return (g * self.call(Rsqrt, x * x + 1),)


class Acosh(Primitive):
    """arcosh x on [1, inf);  d/dx = 1 / sqrt(x^2 - 1) (as PyTorch writes it: -inf slope at 1)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return _float(np.arccosh, x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        return (g * self.call(Rsqrt, x * x - 1),)


class Atanh(Primitive):
    """artanh x on (-1, 1);  d/dx = 1 / (1 - x^2)."""

    saved_inputs = (0,)

    def forward(self, x: Array) -> Array:
        return _float(np.arctanh, x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x = self.input(0)
        with np.errstate(divide="ignore"):
            return (g / (1 - x * x),)


def _float_pair(a: Any, b: Any) -> tuple[Array, Array]:
    a, b = promoted_arrays(a, b)
    return as_float(a), as_float(b)


class Atan2(Primitive):
    """The angle of the point (b, a): atan2(a, b) in [-pi, pi].

    d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2); both 0 where a^2 + b^2 = 0 (PyTorch's
    choice, masking the reciprocal: double backward is NaN there, as PyTorch's).
    """

    saved_inputs = (0, 1)
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        return np.arctan2(*_float_pair(a, b))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        a, b = self.input(0), self.input(1)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r2 = a * a + b * b
            reciprocal = self.xp.where(r2 == 0, 0.0, 1 / r2)
            grad_a = g * b * reciprocal if self.needs_input_grad[0] else None
            grad_b = g * -a * reciprocal if self.needs_input_grad[1] else None
        return grad_a, grad_b


class Hypot(Primitive):
    """sqrt(a^2 + b^2) without overflow;  d/da = a / hypot, d/db = b / hypot (nan at 0, 0)."""

    saved_inputs = (0, 1)
    saves_output = True
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        return np.hypot(*float_pair("hypot", a, b))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = g / self.output()
            grad_a = scale * self.input(0) if self.needs_input_grad[0] else None
            grad_b = scale * self.input(1) if self.needs_input_grad[1] else None
        return grad_a, grad_b


def tan(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Tangent elementwise (radians)."""
    return write_out(Tan.apply(input), out, "tan", input)


def sinh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Hyperbolic sine elementwise."""
    return write_out(Sinh.apply(input), out, "sinh", input)


def cosh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Hyperbolic cosine elementwise."""
    return write_out(Cosh.apply(input), out, "cosh", input)


def asin(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Inverse sine elementwise (nan outside [-1, 1]). Alias: ``arcsin``."""
    return write_out(Asin.apply(input), out, "asin", input)


def acos(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Inverse cosine elementwise (nan outside [-1, 1]). Alias: ``arccos``."""
    return write_out(Acos.apply(input), out, "acos", input)


def atan(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Inverse tangent elementwise, in (-pi/2, pi/2). Alias: ``arctan``."""
    return write_out(Atan.apply(input), out, "atan", input)


def asinh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Inverse hyperbolic sine elementwise. Alias: ``arcsinh``."""
    return write_out(Asinh.apply(input), out, "asinh", input)


def acosh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Inverse hyperbolic cosine elementwise (nan below 1). Alias: ``arccosh``."""
    return write_out(Acosh.apply(input), out, "acosh", input)


def atanh(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Inverse hyperbolic tangent elementwise (+-inf at +-1, nan outside). Alias: ``arctanh``."""
    return write_out(Atanh.apply(input), out, "atanh", input)


def atan2(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The angle of the point (other, input), in [-pi, pi], broadcasting. Alias: ``arctan2``.

    Example:
        >>> ag.atan2(ag.tensor([1.0]), ag.tensor([-1.0]))
        tensor([2.3562])
    """
    require_tensors("atan2", input, other)
    return write_out(Atan2.apply(input, other), out, "atan2", input, other)


def hypot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """sqrt(input^2 + other^2) elementwise, broadcasting, without overflow."""
    require_tensors("hypot", input, other)
    return write_out(Hypot.apply(input, other), out, "hypot", input, other)


arcsin = asin
arccos = acos
arctan = atan
arcsinh = asinh
arccosh = acosh
arctanh = atanh
arctan2 = atan2

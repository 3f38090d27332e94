"""Rounding and remainders: floor ceil round trunc fix frac fmod remainder.

As in PyTorch, floor/ceil/round/trunc keep integer dtypes (refusing bool) and have a zero
gradient everywhere (the exact zeros, even for a non-finite upstream gradient); frac's
gradient is 1. ``fmod`` is C's remainder (the sign of the dividend), ``remainder`` Python's
(the sign of the divisor); their gradients are d/da = 1 and d/db = -trunc(a/b) (fmod) or
-floor(a/b) (remainder). Integer division by zero raises an OpError (a RuntimeError, as
PyTorch's "ZeroDivisionError").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..checks import NUMERIC, OpError, kernel, not_implemented
from ..dtypes import promoted_arrays
from ..out import write_out
from ..primitive import Primitive
from .arithmetic import BROADCAST_HINT
from .unary import zeros_like

if TYPE_CHECKING:
    from ..types import Array, Value


class _Rounding(Primitive):
    """An integer-valued step function of x: its gradient is zero wherever it exists."""

    _ufunc: np.ufunc

    def forward(self, x: Array) -> Array:
        kernel(self.op_name, x.dtype, NUMERIC)
        return x.copy() if x.dtype.kind in "iu" else self._ufunc(x)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (zeros_like(g),)


class Floor(_Rounding):
    """floor(x), the largest integer <= x;  d/dx = 0."""

    _ufunc = np.floor


class Ceil(_Rounding):
    """ceil(x), the smallest integer >= x;  d/dx = 0."""

    _ufunc = np.ceil


class Trunc(_Rounding):
    """trunc(x), x rounded toward zero;  d/dx = 0."""

    _ufunc = np.trunc


class Round(_Rounding):
    """x rounded to ``decimals`` places, halves to even;  d/dx = 0.

    PyTorch's formula: rint(x * 10^d) / 10^d for d >= 0, rint(x / 10^-d) * 10^-d for d < 0,
    in the tensor's dtype.
    """

    def forward(self, x: Array, decimals: int = 0) -> Array:
        kernel("round", x.dtype, NUMERIC)
        if decimals == 0:
            return x.copy() if x.dtype.kind in "iu" else np.rint(x)
        if x.dtype.kind != "f":
            raise not_implemented("round", x.dtype, f"decimals={decimals} needs a floating "
                                  "point tensor; convert first, e.g. x.float()")
        scale = x.dtype.type(10.0 ** abs(decimals))
        with np.errstate(over="ignore", invalid="ignore"):
            return np.rint(x * scale) / scale if decimals > 0 else np.rint(x / scale) * scale


class Frac(Primitive):
    """x - trunc(x), the fractional part with the sign of x;  d/dx = 1."""

    def forward(self, x: Array) -> Array:
        if x.dtype.kind != "f":
            raise not_implemented("frac", x.dtype, "an integer's fractional part is 0; convert "
                                  "with x.float()")
        with np.errstate(invalid="ignore"):
            return x - np.trunc(x)  # nan at +-inf, as in PyTorch

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (g,)


class Fmod(Primitive):
    """a - trunc(a / b) b, with the sign of a (C's fmod);  d/da = 1, d/db = -trunc(a / b)."""

    node_name = "FmodBackward1"  # fmod(Tensor, Tensor); a number divisor is FmodBackward0
    saved_inputs = (0, 1)
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        a, b = _operands(self.op_name, a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.fmod(a, b)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        grad_b = None
        if self.needs_input_grad[1]:
            grad_b = -g * _quotient(np.trunc, self.input(0), self.input(1))
        return g, grad_b


class Remainder(Primitive):
    """a - floor(a / b) b, with the sign of b (Python's %);  d/da = 1, d/db = -floor(a / b).

    Floats follow PyTorch's kernel: fmod(a, b), plus b where it is nonzero and its sign
    differs from b's (so -0.0 % 2 stays -0.0).
    """

    node_name = "RemainderBackward1"  # remainder(Tensor, Tensor); a number divisor: ...Backward0
    saved_inputs = (0, 1)
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        a, b = _operands(self.op_name, a, b)
        if a.dtype.kind != "f":
            return np.remainder(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            mod = np.fmod(a, b)
            return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        grad_b = None
        if self.needs_input_grad[1]:
            grad_b = -g * _quotient(np.floor, self.input(0), self.input(1))
        return g, grad_b


def _quotient(rounding: np.ufunc, a: Value, b: Value) -> Array:
    """The rounded quotient ``rounding(a / b)``, a constant: its derivative is 0 everywhere.

    (PyTorch's ``div(rounding_mode=...)`` has a zero gradient; dividing Tensors first would
    make double backward 0 * (1 / b), NaN where b = 0.)
    """
    a, b = (v._data if isinstance(v, Tensor) else v for v in (a, b))
    with np.errstate(divide="ignore", invalid="ignore"):
        return rounding(a / b)


def _operands(op: str, a: Any, b: Any) -> tuple[Array, Array]:
    """Promote, and refuse bool operands and an integer division by zero."""
    a, b = promoted_arrays(a, b)
    kernel(op, a.dtype, NUMERIC)
    if a.dtype.kind in "iu" and not np.all(b):
        raise OpError(f"{op}: ZeroDivisionError: integer division by zero (the divisor has zeros). "
                                "Hint: use a floating point divisor to get nan instead")
    return a, b


# PyTorch's names for the forms of the call (see Primitive.named); a number is no input of
# PyTorch's overload. ``2 % x`` is PyTorch's ``NotImplemented`` node (it has no derivative
# there); ndgrad differentiates it and names it as ``x % 2``.
_ROUND_DECIMALS = Round.named("RoundBackward1")
_FMOD_SCALAR = Fmod.named("FmodBackward0", shown_inputs=(0,))
_REMAINDER_SCALAR = Remainder.named("RemainderBackward0", shown_inputs=(0,))
_RREMAINDER = Remainder.named("RemainderBackward0", shown_inputs=(1,))


def floor(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The largest integer <= x elementwise (integer tensors are returned as they are)."""
    return write_out(Floor.apply(input), out, "floor", input, same_dtype=True)


def ceil(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The smallest integer >= x elementwise (integer tensors are returned as they are)."""
    return write_out(Ceil.apply(input), out, "ceil", input, same_dtype=True)


def trunc(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Round toward zero elementwise. Alias: ``fix``."""
    return write_out(Trunc.apply(input), out, "trunc", input, same_dtype=True)


def fix(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Alias of ``trunc``: x rounded toward zero."""
    return write_out(Trunc.apply(input), out, "fix", input, same_dtype=True)


def round(input: Tensor, *, decimals: int = 0,
          out: Tensor | None = None) -> Tensor:  # noqa: A001 - PyTorch's name
    """Round to the nearest integer (halves to even), or to ``decimals`` decimal places.

    Example:
        >>> ag.round(ag.tensor([0.5, 1.5, 1.2345]), decimals=2)
        tensor([0.5000, 1.5000, 1.2300])
    """
    if type(decimals) is not int:
        raise TypeError(f"round: decimals must be an int, got {type(decimals).__name__}")
    return write_out((_ROUND_DECIMALS if decimals else Round).apply(input, decimals=decimals), out, "round",
                     input, same_dtype=True)


def frac(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The fractional part ``x - trunc(x)``, with the sign of x (floating point tensors only)."""
    return write_out(Frac.apply(input), out, "frac", input, same_dtype=True)


def fmod(input: Tensor, other: Tensor | float, *, out: Tensor | None = None) -> Tensor:
    """C-style remainder of ``input / other``: the result has the sign of ``input``."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod: input must be a Tensor, got {type(input).__name__}. "
                        "Hint: wrap it with ag.tensor(...)")
    return write_out((Fmod if isinstance(other, Tensor) else _FMOD_SCALAR).apply(input, other), out, "fmod",
                     input, other)


def remainder(input: Tensor | float, other: Tensor | float, *, out: Tensor | None = None) -> Tensor:
    """Python-style remainder of ``input / other``: the result has the sign of ``other``.

    Either operand may be a number (not both).
    """
    if not (isinstance(input, Tensor) or isinstance(other, Tensor)):
        raise TypeError("remainder: at least one of input and other must be a Tensor, got "
                        f"{type(input).__name__} and {type(other).__name__}")
    op = Remainder if isinstance(other, Tensor) else _REMAINDER_SCALAR
    return write_out((op if isinstance(input, Tensor) else _RREMAINDER).apply(input, other), out, "remainder",
                     input, other)


def rremainder(input: Tensor, other: float) -> Tensor:
    """``other % input`` for a number ``other`` (``Tensor.__rmod__``)."""
    return remainder(other, input)

"""Elementwise functions of two operands: xlogy float_power copysign, and signbit.

Operands broadcast and promote with PyTorch's rules (``dtypes.result_type``); a Python number
may stand for one of them where PyTorch has a Scalar overload (``xlogy(2, t)``, ``xlogy(t, 2)``,
``float_power(2, t)``, ``copysign(t, -1)``, never both). Integer and bool operands give float32
(float64 for ``float_power``, which always computes in double precision, as in PyTorch).
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from ..inplace import apply_inplace
from ..out import write_out
from ..primitive import OpError, Primitive
from .arithmetic import BROADCAST_HINT, pow_type
from .movement import to
from .unary import zeros_like

if TYPE_CHECKING:
    from ..types import Array, Value


class Xlogy(Primitive):
    """x log(y), with 0 where x == 0 (unless y is nan, which gives nan).

    d/dx = xlogy(1, y) = log(y), set to 0 where x == 0 and y <= 0 (PyTorch's rule);
    d/dy = x / y.
    """

    saved_inputs = (0, 1)
    hint = BROADCAST_HINT

    def forward(self, x: Any, y: Any) -> Array:
        x, y = dtypes.float_operands(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            product = x * np.log(y)
        return np.where((x == 0) & ~np.isnan(y), x.dtype.type(0), product)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x, y = self.input(0), self.input(1)
        grad_x = grad_y = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.needs_input_grad[0]:  # x is a tensor; y may be a number
                grad_x = self.call(Xlogy, g, y)
                if not isinstance(y, numbers.Real):
                    grad_x = self.xp.where((x == 0) & (y <= 0), 0.0, grad_x)
                elif y <= 0:
                    grad_x = self.xp.where(x == 0, 0.0, grad_x)
            if self.needs_input_grad[1]:
                grad_y = g * x / y
        return grad_x, grad_y


class Copysign(Primitive):
    """|x| with the sign (bit) of y;  d/dx = copysign(x, y) / x (0 where x == 0), d/dy = 0.

    The other operand gets an explicit zero gradient, as in PyTorch.
    """

    hint = BROADCAST_HINT

    def forward(self, x: Any, y: Any) -> Array:
        x, y = dtypes.float_operands(x, y)
        out = np.copysign(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):  # the ratio is +-1 (nan at nan)
            self.ratio = np.where(x == 0, out.dtype.type(0), out / x)
        return out

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        grad_x = g * self.ratio if self.needs_input_grad[0] else None
        return grad_x, zeros_like(g) if self.needs_input_grad[1] else None


class Signbit(Primitive):
    """Whether the sign bit is set (True for -0.0 and negative values); no gradient."""

    differentiable = False

    def forward(self, x: Array) -> Array:
        if x.dtype.kind == "f":
            return np.signbit(x)
        return x < 0 if x.dtype.kind == "i" else np.zeros(x.shape, dtype=bool)


# PyTorch's overloads with a number operand (no edge for it in next_functions)
_XLOGY_SCALAR_OTHER = Xlogy.named("XlogyBackward2", shown_inputs=(0,))
_XLOGY_SCALAR_SELF = Xlogy.named("XlogyBackward1", shown_inputs=(1,))
_COPYSIGN_SCALAR = Copysign.named("CopysignBackward1", shown_inputs=(0,))


def _operands(op: str, input: Any, other: Any, other_name: str = "other",
              number_input: bool = True) -> None:
    """Refuse what PyTorch's overloads refuse: two numbers, or an operand of another type."""
    for label, value, number_ok in (("input", input, number_input), (other_name, other, True)):
        if isinstance(value, Tensor) or number_ok and isinstance(value, numbers.Real):
            continue
        kind = "a Tensor or a number" if number_ok else "a Tensor"
        raise TypeError(f"{op}(): argument '{label}' must be {kind}, not {type(value).__name__}. "
                        f"Hint: wrap it, e.g. ag.tensor({value!r})")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{op}(): at least one of 'input' and '{other_name}' must be a Tensor, "
                        f"got two numbers ({input!r}, {other!r}). Hint: use the math module")


def xlogy(input: Tensor | float, other: Tensor | float, *, out: Tensor | None = None) -> Tensor:
    """``input * log(other)`` elementwise, with 0 where ``input`` is 0 (``torch.xlogy``).

    Args:
        input: a Tensor or a number (x).
        other: a Tensor or a number (y); broadcasts against ``input``.
        out: a tensor to write the result into (not with autograd).

    Returns:
        x log(y), float (integers give float32): 0 where x == 0 even if y == 0, nan where y is
        nan. The gradient for x is log(y) (0 where x == 0 and y <= 0), for y it is x / y.

    Example:
        >>> ag.xlogy(ag.tensor([0.0, 2.0]), ag.tensor([0.0, 3.0]))
        tensor([0.0000, 2.1972])
    """
    _operands("xlogy", input, other)
    op = Xlogy if isinstance(other, Tensor) else _XLOGY_SCALAR_OTHER
    op = op if isinstance(input, Tensor) else _XLOGY_SCALAR_SELF
    return write_out(op.apply(input, other), out, "xlogy", input, other)


def xlogy_(self: Tensor, other: Tensor | float) -> Tensor:
    """In place: ``self = xlogy(self, other)`` (self must be floating point)."""
    return apply_inplace(self, "xlogy_", xlogy, other)


def _float64(x: Tensor | float) -> Tensor | Array:
    return to(x, dtypes.float64) if isinstance(x, Tensor) else np.asarray(float(x), dtypes.float64)


def float_power(input: Tensor | float, exponent: Tensor | float, *,
                out: Tensor | None = None) -> Tensor:
    """``input ** exponent`` computed in float64 (``torch.float_power``).

    Args:
        input: a Tensor or a number (the base).
        exponent: a Tensor or a number; broadcasts against ``input``.
        out: a float64 tensor to write the result into (not with autograd).

    Returns:
        A float64 tensor, whatever the operands' dtypes (a float32 input's gradient is float32).

    Raises:
        RuntimeError: ``out`` is not float64.
    """
    _operands("float_power", input, exponent, "exponent")
    if out is not None and isinstance(out, Tensor) and out._data.dtype != dtypes.float64:
        raise OpError(f"float_power: the output given to float_power has dtype "
                      f"{dtypes.name(out._data.dtype)} but the operation's result requires dtype "
                      "float64. Hint: pass out=ag.empty(0, dtype=ag.float64)")
    base = _float64(input)
    power = exponent if isinstance(exponent, numbers.Real) else _float64(exponent)
    if isinstance(power, numbers.Real):
        power = float(power)
    return write_out(pow_type(base, power).apply(base, power), out, "float_power", input, exponent)


def float_power_(self: Tensor, exponent: Tensor | float) -> Tensor:
    """In place: ``self = float_power(self, exponent)``; self must be float64.

    Raises:
        RuntimeError: self is not float64 (the result is always float64).
    """
    if self._data.dtype != dtypes.float64:
        raise OpError(f"float_power_: the base given to float_power_ has dtype "
                      f"{dtypes.name(self._data.dtype)} but the operation's result requires dtype "
                      "float64. Hint: x = x.double() first, or use float_power(x, exponent)")
    return apply_inplace(self, "float_power_", float_power, exponent)


def copysign(input: Tensor, other: Tensor | float, *, out: Tensor | None = None) -> Tensor:
    """``|input|`` with the sign of ``other`` elementwise (``torch.copysign``).

    Args:
        input: a Tensor (the magnitudes).
        other: a Tensor or a number whose sign bit is taken (-0.0 counts as negative).
        out: a tensor to write the result into (not with autograd).

    Returns:
        A float tensor (integers give float32). The gradient for ``input`` is +-1 (0 where
        ``input`` is 0); ``other`` gets a zero gradient.
    """
    _operands("copysign", input, other, number_input=False)
    op = Copysign if isinstance(other, Tensor) else _COPYSIGN_SCALAR
    return write_out(op.apply(input, other), out, "copysign", input, other)


def copysign_(self: Tensor, other: Tensor | float) -> Tensor:
    """In place: ``self = copysign(self, other)`` (self must be floating point)."""
    return apply_inplace(self, "copysign_", copysign, other)


def signbit(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Whether each element's sign bit is set: True for negatives and -0.0 (``torch.signbit``).

    Args:
        input: a Tensor (bool and unsigned tensors give all False).
        out: a bool tensor to write the result into.

    Returns:
        A bool tensor that never requires grad.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"signbit(): argument 'input' must be a Tensor, not {type(input).__name__}")
    return write_out(Signbit.apply(input), out, "signbit", input, same_dtype=True)

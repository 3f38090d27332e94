"""Arithmetic with broadcasting: + - * / ** and negation.

Gradients are written for the broadcast shape; the base sums them back to each input's
shape. Operands are promoted with PyTorch's rules (``dtypes.promote``). A binary primitive's
``forward`` sees arrays or Python numbers, either side (``2 - x`` runs ``Sub`` on ``(2, x)``):
its operands are typed ``Any``.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..checks import NUMERIC, kernel, not_implemented
from ..conversion import scalar
from ..dtypes import float_operands, promote, result_type
from ..out import write_out
from ..primitive import OpError, Primitive, name_node
from .unary import zeros_like

if TYPE_CHECKING:
    from ..types import Array, ArrayLike, Value

BROADCAST_HINT = ("shapes broadcast when, aligned from the right, each pair of dims is equal "
                   "or one of them is 1")


class Add(Primitive):
    """a + b;  d/da = 1, d/db = 1."""

    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        a, b = promote(a, b)
        return a + b

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return g, g


_BOOL = np.dtype(bool)


def _is_bool(value: Any) -> bool:
    """A bool operand: a bool array or a Python bool (``x - True`` is refused too)."""
    return type(value) is bool or getattr(value, "dtype", None) is _BOOL


def _refuse_bool_subtraction(a: Any, b: Any) -> None:
    if _is_bool(a) and _is_bool(b):
        raise OpError("sub: Subtraction, the `-` operator, with two bool tensors is not "
                      "supported. Hint: use the `^` or logical_xor() operator instead")
    raise OpError("sub: Subtraction, the `-` operator, with a bool tensor is not supported. "
                  "Hint: to invert a mask, use ~x or logical_not(x)")


class Sub(Primitive):
    """a - b;  d/da = 1, d/db = -1."""

    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        # inline (no call) on every subtraction: about 0.2 us, what a bool check costs in Python
        if type(a) is bool or type(b) is bool or getattr(a, "dtype", None) is _BOOL or getattr(
                b, "dtype", None) is _BOOL:
            _refuse_bool_subtraction(a, b)
        a, b = promote(a, b)
        return a - b

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return g, -g


class Mul(Primitive):
    """a * b;  d/da = b, d/db = a."""

    saved_inputs = (0, 1)
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        a, b = promote(a, b)
        return a * b

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        grad_a = g * self.input(1) if self.needs_input_grad[0] else None
        grad_b = g * self.input(0) if self.needs_input_grad[1] else None
        return grad_a, grad_b


def _same_float(a: Any, b: Any) -> bool:
    """True when NumPy's ``a / b`` already has PyTorch's dtype.

    That is a float array and the same dtype or a Python number (NumPy 2 keeps
    ``float32 / 2`` and ``1.0 / float32`` in float32).
    """
    if type(a) is np.ndarray:
        return a.dtype.kind == "f" and (type(b) in (float, int) or type(b) is np.ndarray
                                         and b.dtype == a.dtype)
    return type(b) is np.ndarray and b.dtype.kind == "f" and type(a) in (float, int)


class Div(Primitive):
    """a / b (true division: integers give float32);  d/da = 1/b, d/db = -a/b^2."""

    saved_inputs = (0, 1)
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        if not _same_float(a, b):  # e.g. int tensors, 1.0 / x, an int and a float tensor
            a, b = float_operands(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):  # x/0 is inf or nan, silently, as in PyTorch
            return a / b

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        b = self.input(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            grad_a = g / b
            grad_b = -grad_a * self.input(0) / b if self.needs_input_grad[1] else None
        return grad_a, grad_b


class Neg(Primitive):
    """-a;  d/da = -1."""

    def forward(self, a: Array) -> Array:
        if a.dtype.kind == "b":
            raise OpError("neg: Negation, the `-` operator, on a bool tensor is not supported. "
                          "Hint: to invert a mask, use ~x or logical_not(x)")
        return np.negative(a)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        return (-g,)


class Pow(Primitive):
    """a ** b;  d/da = b a^(b-1) (0 where b == 0), d/db = a^b log(a) (0 where a == 0, b >= 0).

    The rules are PyTorch's term for term (``pow_backward_self``/``_exponent``): the masks pick
    0 over the unsafe value, so where that value is inf or NaN (a == 0) double backward is NaN,
    as in PyTorch. The exponent's gradient is computed only when the exponent requires grad.
    """

    saved_inputs = (0, 1)
    saves_output = True
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any) -> Array:
        a, b = promote(a, b)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # inf/nan silently
            try:
                return a ** b
            except ValueError:  # NumPy refuses negative integer exponents
                if not isinstance(b, np.ndarray):
                    raise OpError(f"pow: Integers to negative integer powers are not allowed "
                                  f"(a {a.dtype} tensor ** {b}). Hint: use a floating point "
                                  "base, e.g. x.float() ** -1") from None
                return _integer_power(a, b)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        xp = self.xp
        a, b = self.input(0), self.input(1)
        grad_a = grad_b = None
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            if self.needs_input_grad[0]:
                if isinstance(b, (int, float)):
                    grad_a = g * (b * a ** (b - 1)) if b != 0 else zeros_like(g)
                else:
                    grad_a = xp.where(b == 0, 0.0, g * (b * a ** (b - 1)))
            if self.needs_input_grad[1]:
                grad_b = g * xp.where((a == 0) & (b >= 0), 0.0, self.output() * xp.log(a))
        return grad_a, grad_b


def _integer_power(a: Array, b: Array) -> Array:
    """``a ** b`` for integers with negative exponents, as PyTorch computes it.

    ``1 ** -n = 1``, ``(-1) ** -n = +-1`` by the parity of n, any other base gives 0 (the
    integer part of ``1 / a ** n``).
    """
    a, b = np.broadcast_arrays(a, b)
    power = a ** np.maximum(b, 0)
    at_negative = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(b < 0, at_negative, power).astype(power.dtype)


# PyTorch's node names for the forms of a call (``Primitive.named``): ``x ** 2`` is pow(Tensor,
# Scalar), ``x ** y`` pow(Tensor, Tensor), ``2 ** x`` pow(Scalar, Tensor); a number is no input
# of those overloads, so next_functions leaves it out. ``1 - x`` is rsub(Tensor, Scalar).
_POW_SCALAR = Pow.named("PowBackward0", shown_inputs=(0,))
_POW_TENSOR = Pow.named("PowBackward1")
_RPOW = Pow.named("PowBackward2", shown_inputs=(1,))
_RSUB = Sub.named("RsubBackward1", shown_inputs=(1,))
_RSUB_TENSOR = Sub.named("RsubBackward0", shown_inputs=(1, 0))
# ``2 / x`` is ``x.reciprocal() * 2`` in PyTorch (two nodes), one Div here: named as the outer one
_RDIV = Div.named("MulBackward0", shown_inputs=(1, 0))


def _alpha(op: str, input: Tensor | ArrayLike, alpha: float) -> float:
    """``alpha``: a real number, which must fit an integer input's dtype.

    PyTorch refuses ``int8.sub(1, alpha=200)``.
    """
    if not isinstance(alpha, numbers.Real):
        raise TypeError(f"{op}(): argument 'alpha' must be a number, not {type(alpha).__name__}. "
                        "Hint: pass an int or a float")
    if isinstance(input, Tensor) and input._data.dtype.kind in "iu":
        return scalar(alpha, input._data.dtype, op)
    return alpha


def add(input: Tensor | ArrayLike, other: Any, *, alpha: float = 1, out: Tensor | None = None) -> Tensor:
    """``input + alpha * other``, broadcasting; ``out=`` as in PyTorch (``alpha`` fits the dtype)."""
    result = Add.apply(input, other if alpha == 1 else other * _alpha("add", input, alpha))
    return result if out is None else write_out(result, out, "add", input, other)


def sub(input: Tensor | ArrayLike, other: Any, *, alpha: float = 1, out: Tensor | None = None) -> Tensor:
    """``input - alpha * other``, broadcasting; ``out=`` as in PyTorch (``alpha`` fits the dtype)."""
    result = Sub.apply(input, other if alpha == 1 else other * _alpha("sub", input, alpha))
    return result if out is None else write_out(result, out, "sub", input, other)


def mul(input: Tensor | ArrayLike, other: Tensor | ArrayLike, *, out: Tensor | None = None) -> Tensor:
    """Elementwise product, broadcasting; ``out=`` as in PyTorch."""
    result = Mul.apply(input, other)
    return result if out is None else write_out(result, out, "mul", input, other)


def div(input: Tensor | ArrayLike, other: Tensor | ArrayLike, *, out: Tensor | None = None) -> Tensor:
    """Elementwise true division, broadcasting; ``out=`` as in PyTorch."""
    result = Div.apply(input, other)
    return result if out is None else write_out(result, out, "div", input, other)


def pow(input: Tensor | ArrayLike, exponent: Tensor | ArrayLike, *,  # noqa: A001 - PyTorch's name
        out: Tensor | None = None) -> Tensor:
    """``input ** exponent``; either may be a tensor or a number; ``out=`` as in PyTorch."""
    result = pow_type(input, exponent).apply(input, exponent)
    return result if out is None else write_out(result, out, "pow", input, exponent)


def pow_type(base: Any, exponent: Any) -> type[Pow]:
    """The node type of ``base ** exponent``, by PyTorch's overload.

    A number base is ``PowBackward2``, a tensor exponent ``PowBackward1``, a number exponent
    ``PowBackward0``.
    """
    if not isinstance(base, Tensor):
        return _RPOW
    return _POW_TENSOR if isinstance(exponent, Tensor) else _POW_SCALAR


def neg(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``-input``."""
    return write_out(Neg.apply(input), out, "neg", input, same_dtype=True)


def positive(input: Tensor) -> Tensor:
    """``+input`` (the tensor itself)."""
    kernel("positive", input._data.dtype, NUMERIC, "the `+` operator on a bool tensor is not supported")
    return input


def radd(input: Tensor | ArrayLike, other: ArrayLike) -> Tensor:
    """``other + input``: the reflected ``+`` (``3 + x``), broadcasting.

    Recorded as ``input + other`` (exact, addition commutes), as PyTorch does: the tensor's
    edge comes first in ``next_functions``.
    """
    return Add.apply(input, other)


def rsub(input: Tensor | ArrayLike, other: ArrayLike) -> Tensor:
    """``other - input``: the reflected ``-`` (``3 - x``), broadcasting (``torch.rsub``)."""
    return (_RSUB_TENSOR if isinstance(other, Tensor) else _RSUB).apply(other, input)


def rmul(input: Tensor | ArrayLike, other: ArrayLike) -> Tensor:
    """``other * input``: the reflected ``*`` (``3 * x``), broadcasting.

    Recorded as ``input * other`` (exact, multiplication commutes), as PyTorch does.
    """
    return Mul.apply(input, other)


def rdiv(input: Tensor | ArrayLike, other: ArrayLike) -> Tensor:
    """``other / input``: the reflected true division (``3 / x``), broadcasting."""
    return _RDIV.apply(other, input)


def rpow(input: Tensor, other: ArrayLike) -> Tensor:
    """``other ** input`` for a number ``other`` (the reflected ``**``, ``2 ** x``).

    The base becomes a 0-d array of the promoted dtype, so the exponent's gradient rule sees
    arrays only.
    """
    return _RPOW.apply(np.asarray(other, dtype=result_type(other, input._data)), input)


def negative(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Alias of ``neg``: ``-input``."""
    return write_out(Neg.apply(input), out, "negative", input, same_dtype=True)


def lerp(input: Tensor, end: Tensor, weight: Tensor | float, *, out: Tensor | None = None) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``, broadcasting.

    As PyTorch computes it: from ``end`` (``end - (end - input) * (1 - weight)``) where
    ``|weight| >= 0.5``, so ``weight = 1`` gives ``end`` exactly. ``input`` and ``end`` are
    floating point tensors of one dtype.
    """
    from .select import where

    for label, value in (("input", input), ("end", end)):
        if not isinstance(value, Tensor):
            raise TypeError(f"lerp(): argument '{label}' must be a Tensor, not {type(value).__name__}")
    if input.dtype.kind != "f":
        raise not_implemented("lerp", input._data.dtype, "convert first, e.g. x.float()")
    if end.dtype != input.dtype:
        raise TypeError(f"lerp: expected dtype {input.dtype} for `end` but got dtype {end.dtype}. "
                        "Hint: convert one, e.g. end.to(input.dtype)")
    diff = end - input
    if not isinstance(weight, Tensor):
        result = input + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)
        return write_out(name_node(result, "LerpBackward0"), out, "lerp", input, end, weight)
    result = where(weight.abs() < 0.5, input + weight * diff, end - diff * (1 - weight))
    return write_out(name_node(result, "LerpBackward1"), out, "lerp", input, end, weight)

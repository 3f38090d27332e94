"""Comparisons, logical and bitwise ops, selection: == != < <= > >=, & | ^ ~, maximum, where.

Comparisons and logical ops return bool tensors that never require grad; bitwise ops (the
``& | ^ ~`` operators) take bool or integer tensors only, as in PyTorch. ``maximum`` and
``minimum`` split the gradient evenly between tied inputs, as PyTorch does. As in ``arithmetic``,
a binary primitive's operands are arrays or Python numbers (typed ``Any``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..checks import OpTypeError, not_implemented
from ..conversion import scalar
from ..dtypes import check_operand, name, promote, result_type
from ..out import write_out
from ..primitive import OpError, Primitive
from .arithmetic import BROADCAST_HINT

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..types import Array, ArrayLike, Value


class Compare(Primitive):
    """Elementwise comparison with broadcasting; a bool result without gradient."""

    differentiable = False
    hint = BROADCAST_HINT

    def forward(self, a: Any, b: Any, ufunc: np.ufunc) -> Array:
        self.op_name = _NAMES[ufunc]  # errors name the comparison, not "compare"
        return ufunc(*promote(a, b))


_NAMES: dict[np.ufunc, str] = {np.equal: "eq", np.not_equal: "ne", np.less: "lt", np.less_equal: "le",
                               np.greater: "gt", np.greater_equal: "ge"}


class Logical(Primitive):
    """Elementwise logical op on the truth values (``x != 0``) of any dtype: a bool result."""

    differentiable = False
    hint = BROADCAST_HINT

    def forward(self, *arrays: ArrayLike, ufunc: np.ufunc) -> Array:
        return ufunc(*arrays)


class Bitwise(Primitive):
    """Elementwise bitwise op on bool or integer tensors, operands promoted as for ``+``.

    A float operand is refused as PyTorch refuses it (``"bitwise_and_cpu" not implemented for
    'Float'``); the subclasses made by ``_bitwise`` name the op and its ufunc.
    """

    differentiable = False
    hint = BROADCAST_HINT
    ufunc: np.ufunc

    def forward(self, *operands: Any) -> Array:
        arrays = promote(*operands) if len(operands) == 2 else operands
        for a in arrays:
            kind = np.asarray(a).dtype
            if kind.kind not in "biu":
                raise not_implemented(self.op_name, kind, "bitwise ops take bool or integer "
                                      f"tensors; for truth values use logical_{self.op_name[8:]}")
        return self.ufunc(*arrays)


class Maximum(Primitive):
    """max(a, b) elementwise;  d/da = 1 where a > b, 1/2 where a == b, else 0."""

    saved_inputs = (0, 1)
    hint = BROADCAST_HINT
    _pick = staticmethod(np.maximum)

    def forward(self, a: Any, b: Any) -> Array:
        return self._pick(*promote(a, b))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        a, b = self.input(0), self.input(1)
        share_a = self._wins(a, b) + (a == b) * g.dtype.type(0.5)  # in g's dtype, no float64
        grad_a = g * share_a
        return grad_a, g - grad_a

    @staticmethod
    def _wins(a: Value, b: Value) -> Value:
        return a > b


class Minimum(Maximum):
    """min(a, b) elementwise;  d/da = 1 where a < b, 1/2 where a == b, else 0."""

    _pick = staticmethod(np.minimum)

    @staticmethod
    def _wins(a: Value, b: Value) -> Value:
        return a < b


class Where(Primitive):
    """cond ? a : b elementwise;  d/da = cond, d/db = not cond (cond has no gradient)."""

    shown_inputs = (1, 2)  # the condition is no edge of PyTorch's node
    saved_inputs = (0,)
    hint = BROADCAST_HINT

    def forward(self, cond: Array, a: Any, b: Any) -> Array:
        if cond.dtype.kind != "b":
            raise OpError(f"where: expected condition to be a boolean tensor, but got a tensor "
                          f"with dtype {name(cond.dtype)}. Hint: compare first, e.g. "
                          "where(x > 0, a, b), or call .bool()")
        return np.where(cond, *promote(a, b))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        cond = self.input(0)
        xp = self.xp
        return None, xp.where(cond, g, 0.0), xp.where(cond, 0.0, g)


def _compare(ufunc: np.ufunc) -> Callable[[Tensor, Tensor | ArrayLike], Tensor]:
    def compare(input: Tensor, other: Tensor | ArrayLike) -> Tensor:
        if ufunc in (np.equal, np.not_equal) and (_is_complex(input) or _is_complex(other)):
            return _complex_equal(ufunc, *((other, input) if _is_complex(input) else (input, other)))
        return Compare.apply(input, other, ufunc=ufunc)

    compare.__name__ = ufunc.__name__
    compare.__doc__ = f"Elementwise ``{ufunc.__name__}``: a bool tensor without gradient."
    return compare


def _is_complex(value: Any) -> bool:
    return not isinstance(value, Tensor) and np.iscomplexobj(value)


def _complex_equal(ufunc: np.ufunc, real: Tensor | ArrayLike, number: Any) -> Tensor:
    """``real == number`` (or !=) for a complex number or array: as PyTorch compares them.

    Equal where the real parts are equal and the imaginary part is 0.
    """
    equal = Compare.apply(real, np.real(number), ufunc=np.equal)._data & (np.imag(number) == 0)
    return Tensor._wrap(equal if ufunc is np.equal else ~equal)


eq: Callable[[Tensor, Tensor | ArrayLike], Tensor] = _compare(np.equal)
ne: Callable[[Tensor, Tensor | ArrayLike], Tensor] = _compare(np.not_equal)
lt: Callable[[Tensor, Tensor | ArrayLike], Tensor] = _compare(np.less)
le: Callable[[Tensor, Tensor | ArrayLike], Tensor] = _compare(np.less_equal)
gt: Callable[[Tensor, Tensor | ArrayLike], Tensor] = _compare(np.greater)
ge: Callable[[Tensor, Tensor | ArrayLike], Tensor] = _compare(np.greater_equal)


def _logical(ufunc: np.ufunc) -> Callable[..., Tensor]:
    def logical(*tensors: Tensor | ArrayLike) -> Tensor:
        for t in tensors:
            if not isinstance(t, Tensor):
                check_operand(ufunc.__name__, t)
        return Logical.apply(*tensors, ufunc=ufunc)

    logical.__name__ = ufunc.__name__
    logical.__doc__ = (f"Elementwise ``{ufunc.__name__}`` of the truth values (non-zero is True) "
                       "of any dtype: a bool tensor without gradient.")
    return logical


logical_and: Callable[..., Tensor] = _logical(np.logical_and)
logical_or: Callable[..., Tensor] = _logical(np.logical_or)
logical_xor: Callable[..., Tensor] = _logical(np.logical_xor)
logical_not: Callable[..., Tensor] = _logical(np.logical_not)


def _bitwise(op: str, ufunc: np.ufunc) -> Callable[..., Tensor]:
    primitive: type[Bitwise] = type(op.title().replace("_", ""), (Bitwise,), {
        "op_name": op, "ufunc": staticmethod(ufunc), "__module__": __name__,
        "__doc__": f"``{op}`` on bool or integer operands."})

    def bitwise(*operands: Tensor | ArrayLike) -> Tensor:
        return primitive.apply(*operands)

    bitwise.__name__ = op
    bitwise.__doc__ = (f"Elementwise ``{op}`` of bool or integer tensors (the ``&``, ``|``, ``^``, "
                       "``~`` operators); float tensors are refused, as in PyTorch.")
    return bitwise


bitwise_and: Callable[..., Tensor] = _bitwise("bitwise_and", np.bitwise_and)
bitwise_or: Callable[..., Tensor] = _bitwise("bitwise_or", np.bitwise_or)
bitwise_xor: Callable[..., Tensor] = _bitwise("bitwise_xor", np.bitwise_xor)
bitwise_not: Callable[..., Tensor] = _bitwise("bitwise_not", np.invert)


def invert(input: Tensor) -> Tensor:
    """``~input``: ``bitwise_not`` of a bool or integer tensor (a TypeError on floats, as in PyTorch)."""
    if input.dtype.kind not in "biu":
        raise OpTypeError(f"~ (operator.invert) is only implemented on integer and Boolean-type "
                          f"tensors, got {name(input.dtype)}. Hint: for a mask of the non-zero "
                          "elements use logical_not(x) or x == 0")
    return bitwise_not(input)


def maximum(input: Tensor, other: Tensor | ArrayLike, *, out: Tensor | None = None) -> Tensor:
    """Elementwise maximum, broadcasting; ties split the gradient evenly."""
    return write_out(Maximum.apply(input, other), out, "maximum", input, other)


def minimum(input: Tensor, other: Tensor | ArrayLike, *, out: Tensor | None = None) -> Tensor:
    """Elementwise minimum, broadcasting; ties split the gradient evenly."""
    return write_out(Minimum.apply(input, other), out, "minimum", input, other)


def where(condition: Tensor | ArrayLike, input: Tensor | ArrayLike, other: Tensor | ArrayLike,
          *, out: Tensor | None = None) -> Tensor:
    """``input`` where ``condition`` holds, else ``other`` (broadcasting)."""
    if not isinstance(condition, Tensor):
        condition = np.asarray(condition)
    for value, like in ((input, other), (other, input)):  # a number must fit a tensor's int dtype
        if isinstance(like, Tensor) and isinstance(value, (bool, int, float)):
            scalar(value, result_type(like._data, value), "where")
    return write_out(Where.apply(condition, input, other), out, "where",
                     condition, input, other, same_dtype=True)


def tensor_where(self: Tensor, condition: Tensor | ArrayLike, other: Tensor | ArrayLike) -> Tensor:
    """``x.where(condition, y)`` is ``where(condition, x, y)``, as in PyTorch."""
    return where(condition, self, other)

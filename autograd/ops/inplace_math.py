"""In-place forms of the elementwise math functions: ``x.exp_()``, ``x.floor_()``, ``x.clamp_min_(0)``.

Each one is ``apply_inplace`` around the out-of-place function (see ``autograd.inplace``):
it is recorded in the graph when it must be, bumps the version counter, and refuses a
result that cannot be cast to the tensor's dtype (``int_tensor.exp_()``), as PyTorch does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..inplace import apply_inplace
from . import arithmetic, exponential, rounding, trig, unary

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._tensor import Tensor


def _unary(op_name: str, fn: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    def method(self: Tensor) -> Tensor:
        return apply_inplace(self, op_name, fn)

    method.__name__ = method.__qualname__ = op_name
    method.__doc__ = f"In place: ``self = {op_name[:-1]}(self)``; returns self."
    return method


def _binary(op_name: str, fn: Callable[[Tensor, Any], Tensor]) -> Callable[[Tensor, Any], Tensor]:
    def method(self: Tensor, other: Any) -> Tensor:
        return apply_inplace(self, op_name, fn, other)

    method.__name__ = method.__qualname__ = op_name
    method.__doc__ = f"In place: ``self = {op_name[:-1]}(self, other)``; returns self."
    return method


exp_: Callable[[Tensor], Tensor] = _unary("exp_", unary.exp)
log_: Callable[[Tensor], Tensor] = _unary("log_", unary.log)
log1p_: Callable[[Tensor], Tensor] = _unary("log1p_", unary.log1p)
expm1_: Callable[[Tensor], Tensor] = _unary("expm1_", unary.expm1)
sqrt_: Callable[[Tensor], Tensor] = _unary("sqrt_", unary.sqrt)
abs_: Callable[[Tensor], Tensor] = _unary("abs_", unary.abs)
sin_: Callable[[Tensor], Tensor] = _unary("sin_", unary.sin)
cos_: Callable[[Tensor], Tensor] = _unary("cos_", unary.cos)
tanh_: Callable[[Tensor], Tensor] = _unary("tanh_", unary.tanh)
sigmoid_: Callable[[Tensor], Tensor] = _unary("sigmoid_", unary.sigmoid)
relu_: Callable[[Tensor], Tensor] = _unary("relu_", unary.relu)
erf_: Callable[[Tensor], Tensor] = _unary("erf_", unary.erf)
sign_: Callable[[Tensor], Tensor] = _unary("sign_", unary.sign)
sgn_: Callable[[Tensor], Tensor] = _unary("sgn_", unary.sgn)
neg_: Callable[[Tensor], Tensor] = _unary("neg_", arithmetic.neg)
exp2_: Callable[[Tensor], Tensor] = _unary("exp2_", exponential.exp2)
log2_: Callable[[Tensor], Tensor] = _unary("log2_", exponential.log2)
log10_: Callable[[Tensor], Tensor] = _unary("log10_", exponential.log10)
rsqrt_: Callable[[Tensor], Tensor] = _unary("rsqrt_", exponential.rsqrt)
reciprocal_: Callable[[Tensor], Tensor] = _unary("reciprocal_", exponential.reciprocal)
square_: Callable[[Tensor], Tensor] = _unary("square_", exponential.square)
floor_: Callable[[Tensor], Tensor] = _unary("floor_", rounding.floor)
ceil_: Callable[[Tensor], Tensor] = _unary("ceil_", rounding.ceil)
trunc_: Callable[[Tensor], Tensor] = _unary("trunc_", rounding.trunc)
frac_: Callable[[Tensor], Tensor] = _unary("frac_", rounding.frac)
tan_: Callable[[Tensor], Tensor] = _unary("tan_", trig.tan)
sinh_: Callable[[Tensor], Tensor] = _unary("sinh_", trig.sinh)
cosh_: Callable[[Tensor], Tensor] = _unary("cosh_", trig.cosh)
asin_: Callable[[Tensor], Tensor] = _unary("asin_", trig.asin)
acos_: Callable[[Tensor], Tensor] = _unary("acos_", trig.acos)
atan_: Callable[[Tensor], Tensor] = _unary("atan_", trig.atan)
asinh_: Callable[[Tensor], Tensor] = _unary("asinh_", trig.asinh)
acosh_: Callable[[Tensor], Tensor] = _unary("acosh_", trig.acosh)
atanh_: Callable[[Tensor], Tensor] = _unary("atanh_", trig.atanh)
fmod_: Callable[[Tensor, Any], Tensor] = _binary("fmod_", rounding.fmod)
remainder_: Callable[[Tensor, Any], Tensor] = _binary("remainder_", rounding.remainder)
atan2_: Callable[[Tensor, Any], Tensor] = _binary("atan2_", trig.atan2)
hypot_: Callable[[Tensor, Any], Tensor] = _binary("hypot_", trig.hypot)
clamp_min_: Callable[[Tensor, Any], Tensor] = _binary("clamp_min_", unary.clamp_min)
clamp_max_: Callable[[Tensor, Any], Tensor] = _binary("clamp_max_", unary.clamp_max)


def round_(self: Tensor, *, decimals: int = 0) -> Tensor:
    """In place: ``self = round(self, decimals=decimals)``; returns self."""
    return apply_inplace(self, "round_", lambda x: rounding.round(x, decimals=decimals))


def clip_(self: Tensor, min: Tensor | float | None = None,  # noqa: A002 - PyTorch's names
          max: Tensor | float | None = None) -> Tensor:  # noqa: A002
    """In place: ``self = clamp(self, min, max)``; returns self."""
    return apply_inplace(self, "clip_", unary.clamp, min, max)


def nan_to_num_(self: Tensor, nan: float = 0.0, posinf: float | None = None,
                neginf: float | None = None) -> Tensor:
    """In place: ``self = nan_to_num(self, nan, posinf, neginf)``; returns self."""
    return apply_inplace(self, "nan_to_num_", unary.nan_to_num, nan, posinf, neginf)


def lerp_(self: Tensor, end: Tensor, weight: Tensor | float) -> Tensor:
    """In place: ``self = lerp(self, end, weight)``; returns self."""
    return apply_inplace(self, "lerp_", arithmetic.lerp, end, weight)

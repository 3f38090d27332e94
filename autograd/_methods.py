"""Tensor's method table: every op method is a public function of ``autograd.ops``.

``x.exp()`` is ``ops.unary.exp(x)`` and ``x + y`` is ``ops.arithmetic.add(x, y)``. The table is
bound to the class when ``autograd/_tensor.py`` imports this module, right below ``class
Tensor`` (the ops import Tensor at their top, so they cannot be imported before it). To add a
method, add a row ``("name alias", module.function)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import (
    attributes,  # noqa: I001
    dtypes,
    inplace,
    sampling,  # noqa: I001
)
from ._tensor import Tensor
from .ops import (
    arithmetic,
    binary_math,  # noqa: I001
    compare,  # noqa: I001
    counting,  # noqa: I001
    cumulative,  # noqa: I001
    exponential,  # noqa: I001
    indexing,
    inplace_math,  # noqa: I001
    linalg,  # noqa: I001
    matmul,
    moments,  # noqa: I001
    movement,
    norms,  # noqa: I001
    products,  # noqa: I001
    rearrange,  # noqa: I001
    reduce,
    rounding,  # noqa: I001
    scatter,  # noqa: I001
    scatter_reduce,  # noqa: I001
    select,
    softmax,
    sort,  # noqa: I001
    triangular,  # noqa: I001
    trig,  # noqa: I001
    unary,
)

if TYPE_CHECKING:
    from collections.abc import Callable

METHODS = (  # (space-separated method names, function)
    ("_apply_inplace", inplace.apply_inplace),
    ("__iadd__ add_", inplace.add_), ("__isub__ sub_", inplace.sub_),
    ("__imul__ mul_", inplace.mul_), ("__itruediv__ div_", inplace.div_),
    ("clamp_", inplace.clamp_), ("copy_", inplace.copy_), ("fill_", inplace.fill_),
    ("zero_", inplace.zero_), ("__setitem__", inplace.setitem), ("set_", inplace.set_),
    ("detach_", inplace.detach_),
    ("__add__ add", arithmetic.add), ("__sub__ sub", arithmetic.sub),
    ("__mul__ mul", arithmetic.mul), ("__truediv__ div divide true_divide", arithmetic.div),
    ("__pow__ pow", arithmetic.pow), ("__neg__ neg negative", arithmetic.neg),
    ("__radd__", arithmetic.radd), ("__rsub__ rsub", arithmetic.rsub),
    ("__rmul__", arithmetic.rmul), ("__rtruediv__", arithmetic.rdiv),
    ("__rpow__", arithmetic.rpow), ("__pos__", arithmetic.positive),
    ("__matmul__ matmul", matmul.matmul), ("__rmatmul__", matmul.rmatmul), ("mm", matmul.mm),
    ("__abs__ abs", unary.abs), ("exp", unary.exp), ("log", unary.log), ("sqrt", unary.sqrt),
    ("sin", unary.sin), ("cos", unary.cos), ("tanh", unary.tanh), ("sigmoid", unary.sigmoid),
    ("relu", unary.relu), ("sign", unary.sign), ("log1p", unary.log1p),
    ("expm1", unary.expm1), ("erf", unary.erf), ("clamp clip", unary.clamp),
    ("__eq__ eq", select.eq), ("__ne__ ne", select.ne), ("__lt__ lt", select.lt),
    ("__le__ le", select.le), ("__gt__ gt", select.gt), ("__ge__ ge", select.ge),
    ("logical_and", select.logical_and), ("logical_or", select.logical_or),
    ("logical_xor", select.logical_xor), ("logical_not", select.logical_not),
    ("__and__ __rand__ bitwise_and", select.bitwise_and),
    ("__or__ __ror__ bitwise_or", select.bitwise_or),
    ("__xor__ __rxor__ bitwise_xor", select.bitwise_xor),
    ("bitwise_not", select.bitwise_not), ("__invert__", select.invert),
    ("maximum", select.maximum), ("minimum", select.minimum), ("where", select.tensor_where),
    ("sum", reduce.sum), ("mean", reduce.mean), ("var", moments.var), ("std", moments.std),
    ("prod", reduce.prod), ("max", reduce.max), ("min", reduce.min), ("amax", reduce.amax),
    ("amin", reduce.amin), ("logsumexp", reduce.logsumexp), ("argmax", reduce.argmax),
    ("argmin", reduce.argmin), ("all", reduce.all), ("any", reduce.any),
    ("reshape", movement.reshape), ("view", movement.view), ("flatten", movement.flatten),
    ("squeeze", movement.squeeze), ("unsqueeze", movement.unsqueeze),
    ("transpose swapaxes", movement.transpose), ("permute", movement.permute),
    ("T", property(movement.reverse_dims)), ("mT", property(movement.swap_last_two)),
    ("expand", movement.expand), ("broadcast_to", movement.broadcast_to),
    ("expand_as", movement.expand_as), ("split", rearrange.split), ("chunk", rearrange.chunk),
    ("clone", movement.clone), ("contiguous", movement.contiguous),
    ("to astype", movement.to), ("type_as", movement.type_as), ("float", movement.to_float),
    ("double", movement.to_double), ("long", movement.to_long), ("int", movement.to_int),
    ("bool", movement.to_bool),
    ("__getitem__", indexing.getitem), ("gather", indexing.gather),
    ("softmax", softmax.softmax), ("log_softmax", softmax.log_softmax),
    ("nelement", attributes.nelement),
    ("element_size", attributes.element_size),
    ("nbytes", property(attributes.nbytes)),
    ("is_floating_point", attributes.is_floating_point),
    ("is_contiguous", attributes.is_contiguous),
    ("stride", attributes.stride),
    ("data_ptr", attributes.data_ptr),
    ("cpu", attributes.cpu),
    ("cuda", attributes.cuda),
    ("pin_memory", attributes.pin_memory),
    ("is_cuda", property(attributes.is_cuda)),
    ("get_device", attributes.get_device),
    ("new_zeros", attributes.new_zeros),
    ("new_ones", attributes.new_ones),
    ("new_empty", attributes.new_empty),
    ("new_full", attributes.new_full),
    ("new_tensor", attributes.new_tensor),
    ("type", attributes.tensor_type),
    ("view_as", attributes.view_as),
    ("t", attributes.t),
    ("__format__", attributes.tensor_format),
    ("sort", sort.sort),
    ("argsort", sort.argsort),
    ("msort", sort.msort),
    ("topk", sort.topk),
    ("kthvalue", sort.kthvalue),
    ("median", sort.median),
    ("mode", sort.mode),
    ("cumsum", cumulative.cumsum),
    ("cumprod", cumulative.cumprod),
    ("cumsum_", cumulative.cumsum_),
    ("cumprod_", cumulative.cumprod_),
    ("cummax", cumulative.cummax),
    ("cummin", cumulative.cummin),
    ("logcumsumexp", cumulative.logcumsumexp),
    ("nonzero", counting.nonzero),
    ("argwhere", counting.argwhere),
    ("count_nonzero", counting.count_nonzero),
    ("unique", counting.unique),
    ("bincount", counting.bincount),
    ("histc", counting.histc),
    ("histogram", counting.histogram),
    ("tril", triangular.tril),
    ("tril_", triangular.tril_),
    ("triu", triangular.triu),
    ("triu_", triangular.triu_),
    ("diag", triangular.diag),
    ("diagonal", triangular.diagonal),
    ("trace", triangular.trace),
    ("flip", rearrange.flip),
    ("roll", rearrange.roll),
    ("repeat", rearrange.repeat),
    ("tile", rearrange.tile),
    ("repeat_interleave", rearrange.repeat_interleave),
    ("narrow", rearrange.narrow),
    ("unbind", rearrange.unbind),
    ("movedim moveaxis", rearrange.movedim),
    ("swapdims", rearrange.swapdims),
    ("masked_fill", scatter.masked_fill),
    ("masked_fill_", scatter.masked_fill_),
    ("masked_select", scatter.masked_select),
    ("index_select", scatter.index_select),
    ("index_add", scatter.index_add),
    ("index_add_", scatter.index_add_),
    ("index_copy", scatter.index_copy),
    ("index_copy_", scatter.index_copy_),
    ("scatter", scatter.scatter),
    ("scatter_", scatter.scatter_),
    ("scatter_add", scatter.scatter_add),
    ("scatter_add_", scatter.scatter_add_),
    ("take_along_dim", scatter.take_along_dim),
    ("scatter_reduce", scatter_reduce.scatter_reduce),
    ("scatter_reduce_", scatter_reduce.scatter_reduce_),
    ("dot", linalg.dot),
    ("mv", linalg.mv),
    ("bmm", linalg.bmm),
    ("addmm", linalg.addmm),
    ("addmm_", linalg.addmm_),
    ("outer", linalg.outer),
    ("ger", linalg.ger),
    ("norm", norms.norm),
    ("dist", norms.dist),
    ("exp2", exponential.exp2),
    ("log2", exponential.log2),
    ("log10", exponential.log10),
    ("rsqrt", exponential.rsqrt),
    ("reciprocal", exponential.reciprocal),
    ("square", exponential.square),
    ("logaddexp", exponential.logaddexp),
    ("logaddexp2", exponential.logaddexp2),
    ("floor", rounding.floor),
    ("ceil", rounding.ceil),
    ("trunc fix", rounding.trunc),
    ("round", rounding.round),
    ("frac", rounding.frac),
    ("fmod", rounding.fmod),
    ("remainder", rounding.remainder),
    ("tan", trig.tan),
    ("sinh", trig.sinh),
    ("cosh", trig.cosh),
    ("asin arcsin", trig.asin),
    ("acos arccos", trig.acos),
    ("atan arctan", trig.atan),
    ("asinh arcsinh", trig.asinh),
    ("acosh arccosh", trig.acosh),
    ("atanh arctanh", trig.atanh),
    ("atan2 arctan2", trig.atan2),
    ("hypot", trig.hypot),
    ("isclose", compare.isclose),
    ("allclose", compare.allclose),
    ("equal", compare.equal),
    ("isnan", compare.isnan),
    ("isinf", compare.isinf),
    ("isposinf", compare.isposinf),
    ("isneginf", compare.isneginf),
    ("isfinite", compare.isfinite),
    ("isreal", compare.isreal),
    ("clamp_min", unary.clamp_min),
    ("clamp_max", unary.clamp_max),
    ("nan_to_num", unary.nan_to_num),
    ("sgn", unary.sgn),
    ("absolute", unary.abs),
    ("lerp", arithmetic.lerp),
    ("positive", arithmetic.positive),
    ("exp_", inplace_math.exp_),
    ("log_", inplace_math.log_),
    ("log1p_", inplace_math.log1p_),
    ("expm1_", inplace_math.expm1_),
    ("sqrt_", inplace_math.sqrt_),
    ("abs_ absolute_", inplace_math.abs_),
    ("sin_", inplace_math.sin_),
    ("cos_", inplace_math.cos_),
    ("tanh_", inplace_math.tanh_),
    ("sigmoid_", inplace_math.sigmoid_),
    ("relu_", inplace_math.relu_),
    ("erf_", inplace_math.erf_),
    ("sign_", inplace_math.sign_),
    ("sgn_", inplace_math.sgn_),
    ("neg_ negative_", inplace_math.neg_),
    ("exp2_", inplace_math.exp2_),
    ("log2_", inplace_math.log2_),
    ("log10_", inplace_math.log10_),
    ("rsqrt_", inplace_math.rsqrt_),
    ("reciprocal_", inplace_math.reciprocal_),
    ("square_", inplace_math.square_),
    ("floor_", inplace_math.floor_),
    ("ceil_", inplace_math.ceil_),
    ("trunc_ fix_", inplace_math.trunc_),
    ("frac_", inplace_math.frac_),
    ("round_", inplace_math.round_),
    ("tan_", inplace_math.tan_),
    ("sinh_", inplace_math.sinh_),
    ("cosh_", inplace_math.cosh_),
    ("asin_ arcsin_", inplace_math.asin_),
    ("acos_ arccos_", inplace_math.acos_),
    ("atan_ arctan_", inplace_math.atan_),
    ("asinh_ arcsinh_", inplace_math.asinh_),
    ("acosh_ arccosh_", inplace_math.acosh_),
    ("atanh_ arctanh_", inplace_math.atanh_),
    ("fmod_", inplace_math.fmod_),
    ("remainder_", inplace_math.remainder_),
    ("atan2_ arctan2_", inplace_math.atan2_),
    ("hypot_", inplace_math.hypot_),
    ("clamp_min_", inplace_math.clamp_min_),
    ("clamp_max_", inplace_math.clamp_max_),
    ("clip_", inplace_math.clip_),
    ("nan_to_num_", inplace_math.nan_to_num_),
    ("lerp_", inplace_math.lerp_),
    ("multinomial", sampling.multinomial),
    ("bernoulli", sampling.bernoulli),
    ("uniform_", sampling.uniform_),
    ("normal_", sampling.normal_),
    ("bernoulli_", sampling.bernoulli_),
    ("random_", sampling.random_),
    ("exponential_", sampling.exponential_),
    ("__mod__", rounding.remainder),
    ("__rmod__", rounding.rremainder),
    ("xlogy", binary_math.xlogy),
    ("xlogy_", binary_math.xlogy_),
    ("float_power", binary_math.float_power),
    ("float_power_", binary_math.float_power_),
    ("copysign", binary_math.copysign),
    ("copysign_", binary_math.copysign_),
    ("signbit", binary_math.signbit),
    ("inner", products.inner),
    ("baddbmm", products.baddbmm),
    ("baddbmm_", products.baddbmm_),
    ("addbmm", products.addbmm),
    ("addbmm_", products.addbmm_),
    ("addmv", products.addmv),
    ("addmv_", products.addmv_),
    ("addr", products.addr),
    ("addr_", products.addr_),
    ("cauchy_", sampling.cauchy_),
    ("log_normal_", sampling.log_normal_),
    ("geometric_", sampling.geometric_),
    # (rows of new ops go above this line)
)
# Binary operators: an operand that is no Tensor, array or number (None, "a", [1, 2], {}) makes
# them return NotImplemented, as PyTorch's do, so Python raises "unsupported operand type(s)"
# and `t == None` is False; the functions (ag.add(t, None)) raise an OperandError instead.
OPERATORS = frozenset(
    f"__{prefix}{name}__" for name in ("add", "sub", "mul", "truediv", "pow", "matmul", "mod", "and",
                                       "or", "xor") for prefix in ("", "r", "i")
) | {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"}


# `x + y` is `Add.apply(x, y)` itself: add()'s alpha and out= checks cost a call per op
_PRIMITIVE_OPERATORS = {"__add__": arithmetic.Add.apply, "__sub__": arithmetic.Sub.apply,
                        "__mul__": arithmetic.Mul.apply, "__truediv__": arithmetic.Div.apply}


def _operator(function: Any, name: str) -> Callable[[Tensor, Any], Any]:
    # @ takes tensors and arrays only (a number too is NotImplemented, as in PyTorch)
    operand = _is_matrix if "matmul" in name else dtypes.is_operand
    call = _PRIMITIVE_OPERATORS.get(name, function)

    def method(self: Tensor, other: Any) -> Any:
        if isinstance(other, Tensor) or operand(other):
            return call(self, other)
        return NotImplemented

    method.__doc__ = function.__doc__
    return method


def _is_matrix(value: Any) -> bool:
    return isinstance(value, np.ndarray)


for _names, _method in METHODS:
    for _name in _names.split():
        setattr(Tensor, _name, _operator(_method, _name) if _name in OPERATORS else _method)

# NumPy ufuncs with a Tensor op: `ndarray <op> Tensor` and `np.exp(t)` give tracked Tensors.
NUMPY_OPERATORS: dict[np.ufunc, Callable[..., Tensor]] = {
    np.add: arithmetic.add, np.subtract: arithmetic.sub, np.multiply: arithmetic.mul,
    np.true_divide: arithmetic.div, np.power: arithmetic.pow, np.matmul: matmul.matmul,
    np.equal: select.eq, np.not_equal: select.ne, np.less: select.lt, np.less_equal: select.le,
    np.greater: select.gt, np.greater_equal: select.ge, np.bitwise_and: select.bitwise_and,
    np.bitwise_or: select.bitwise_or, np.bitwise_xor: select.bitwise_xor,
    np.negative: arithmetic.neg, np.absolute: unary.abs, np.exp: unary.exp, np.log: unary.log,
    np.sqrt: unary.sqrt, np.sin: unary.sin, np.cos: unary.cos, np.tanh: unary.tanh,
    np.sign: unary.sign, np.maximum: select.maximum, np.minimum: select.minimum,
}

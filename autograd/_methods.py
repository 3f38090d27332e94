"""Tensor's method table: every op method is a public function of ``autograd.ops``.

``x.exp()`` is ``ops.unary.exp(x)`` and ``x + y`` is ``ops.arithmetic.add(x, y)``. The table is
bound to the class when ``autograd/_tensor.py`` imports this module, right below ``class
Tensor`` (the ops import Tensor at their top, so they cannot be imported before it). To add a
method, add a row ``("name alias", module.function)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import inplace
from ._tensor import Tensor
from .ops import arithmetic, indexing, matmul, movement, reduce, select, softmax, unary

if TYPE_CHECKING:
    from collections.abc import Callable

METHODS = (  # (space-separated method names, function)
    ("_apply_inplace", inplace.apply_inplace),
    ("__iadd__ add_", inplace.add_), ("__isub__ sub_", inplace.sub_),
    ("__imul__ mul_", inplace.mul_), ("__itruediv__ div_", inplace.div_),
    ("clamp_", inplace.clamp_), ("copy_", inplace.copy_), ("fill_", inplace.fill_),
    ("zero_", inplace.zero_), ("__setitem__", inplace.setitem),
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
    ("__and__ logical_and", select.logical_and), ("__or__ logical_or", select.logical_or),
    ("__xor__", select.logical_xor), ("__invert__ logical_not", select.logical_not),
    ("maximum", select.maximum), ("minimum", select.minimum), ("where", select.tensor_where),
    ("sum", reduce.sum), ("mean", reduce.mean), ("var", reduce.var), ("std", reduce.std),
    ("prod", reduce.prod), ("max", reduce.max), ("min", reduce.min), ("amax", reduce.amax),
    ("amin", reduce.amin), ("logsumexp", reduce.logsumexp), ("argmax", reduce.argmax),
    ("argmin", reduce.argmin), ("all", reduce.all), ("any", reduce.any),
    ("reshape", movement.reshape), ("view", movement.view), ("flatten", movement.flatten),
    ("squeeze", movement.squeeze), ("unsqueeze", movement.unsqueeze),
    ("transpose swapaxes", movement.transpose), ("permute", movement.permute),
    ("T", property(movement.reverse_dims)), ("mT", property(movement.swap_last_two)),
    ("expand", movement.expand), ("broadcast_to", movement.broadcast_to),
    ("expand_as", movement.expand_as), ("split", movement.split), ("chunk", movement.chunk),
    ("clone", movement.clone), ("contiguous", movement.contiguous),
    ("to astype", movement.to), ("type_as", movement.type_as), ("float", movement.to_float),
    ("double", movement.to_double), ("long", movement.to_long), ("int", movement.to_int),
    ("bool", movement.to_bool),
    ("__getitem__", indexing.getitem), ("gather", indexing.gather),
    ("softmax", softmax.softmax), ("log_softmax", softmax.log_softmax),
    # (rows of new ops go above this line)
)
for _names, _method in METHODS:
    for _name in _names.split():
        setattr(Tensor, _name, _method)

# NumPy ufuncs with a Tensor op: `ndarray <op> Tensor` and `np.exp(t)` give tracked Tensors.
NUMPY_OPERATORS: dict[np.ufunc, Callable[..., Tensor]] = {
    np.add: arithmetic.add, np.subtract: arithmetic.sub, np.multiply: arithmetic.mul,
    np.true_divide: arithmetic.div, np.power: arithmetic.pow, np.matmul: matmul.matmul,
    np.equal: select.eq, np.not_equal: select.ne, np.less: select.lt, np.less_equal: select.le,
    np.greater: select.gt, np.greater_equal: select.ge, np.bitwise_and: select.logical_and,
    np.bitwise_or: select.logical_or, np.bitwise_xor: select.logical_xor,
    np.negative: arithmetic.neg, np.absolute: unary.abs, np.exp: unary.exp, np.log: unary.log,
    np.sqrt: unary.sqrt, np.sin: unary.sin, np.cos: unary.cos, np.tanh: unary.tanh,
    np.sign: unary.sign, np.maximum: select.maximum, np.minimum: select.minimum,
}

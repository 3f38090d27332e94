"""ndgrad's autograd: NumPy tensors that record a dynamic graph, and reverse-mode backward.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x ** 2).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""

from . import allocator, data, dtypes
from ._tensor import Tensor
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .dtypes import bool_, float16, float32, float64, int8, int16, int32, int64, uint8
from .engine import backward, grad, zero_grads
from .factories import (
    arange,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .function import Function, OpError
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck, gradgradcheck
from .hooks import RemovableHandle
from .inplace import increment_version
from .ops.activation import elu, leaky_relu, softplus
from .ops.arithmetic import add, div, mul, neg, pow, sub
from .ops.indexing import gather
from .ops.loss import binary_cross_entropy, cross_entropy
from .ops.matmul import linear, matmul, mm
from .ops.movement import (
    broadcast_to,
    cat,
    chunk,
    clone,
    flatten,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    transpose,
    unsqueeze,
)
from .ops.reduce import (
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    logsumexp,
    max,
    mean,
    min,
    prod,
    std,
    sum,
    var,
)
from .ops.select import (
    eq,
    ge,
    gt,
    le,
    logical_and,
    logical_not,
    logical_or,
    lt,
    maximum,
    minimum,
    ne,
    where,
)
from .ops.softmax import log_softmax, softmax
from .ops.unary import (
    abs,
    clamp,
    cos,
    erf,
    exp,
    expm1,
    log,
    log1p,
    relu,
    sigmoid,
    sign,
    sin,
    sqrt,
    tanh,
)
from .random import manual_seed
from .viz import backward_steps, draw_graph, to_dot

clip = clamp
concatenate = cat
divide = true_divide = div
multiply = mul
subtract = sub
swapaxes = transpose
# PyTorch's dtype names; `bool`, `float`, `int` deliberately shadow the builtins only as
# attributes of this package (ag.bool, ag.float), as torch.bool and torch.float do.
bool = bool_  # noqa: A001
float = float32  # noqa: A001
double = float64
half = float16
int = int32  # noqa: A001
long = int64
short = int16

__version__ = "0.1.0"

__all__ = [  # the public names (strict type checkers see only these as re-exported)
    "allocator", "data", "dtypes", "hooks", "ops", "random", "viz",  # submodules used as attributes
    "Tensor", "detect_anomaly", "is_anomaly_enabled", "set_detect_anomaly", "bool_", "float16",
    "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "backward", "grad",
    "zero_grads", "arange", "empty", "empty_like", "eye", "from_numpy", "full", "full_like",
    "linspace", "ones", "ones_like", "rand", "rand_like", "randint", "randn", "randn_like",
    "randperm", "tensor", "zeros", "zeros_like", "Function", "OpError", "enable_grad",
    "is_grad_enabled", "no_grad", "set_grad_enabled", "gradcheck", "gradgradcheck",
    "RemovableHandle", "increment_version", "elu", "leaky_relu", "softplus", "add", "div", "mul",
    "neg", "pow", "sub", "gather", "binary_cross_entropy", "cross_entropy", "linear", "matmul",
    "mm", "broadcast_to", "cat", "chunk", "clone", "flatten", "permute", "reshape", "split",
    "squeeze", "stack", "transpose", "unsqueeze", "all", "amax", "amin", "any", "argmax",
    "argmin", "logsumexp", "max", "mean", "min", "prod", "std", "sum", "var", "eq", "ge", "gt",
    "le", "logical_and", "logical_not", "logical_or", "lt", "maximum", "minimum", "ne", "where",
    "log_softmax", "softmax", "abs", "clamp", "cos", "erf", "exp", "expm1", "log", "log1p",
    "relu", "sigmoid", "sign", "sin", "sqrt", "tanh", "manual_seed", "backward_steps",
    "draw_graph", "to_dot", "clip", "concatenate", "divide", "true_divide", "multiply",
    "subtract", "swapaxes", "bool", "float", "double", "half", "int", "long", "short",
]
# (exports of new ops: `from .ops.<module> import ...` above, and `__all__ += [...]` here)

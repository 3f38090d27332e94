"""ndgrad's autograd: NumPy tensors that record a dynamic graph, and reverse-mode backward.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x ** 2).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""

from . import (
    accelerator,
    allocator,
    backends,
    cuda,
    data,
    dtypes,
    hooks,
    linalg,
    utils,
)
from ._tensor import Tensor
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .attributes import Variable, is_tensor, numel, t
from .device import DeviceError, device, get_default_device, set_default_device
from .dtypes import (
    DType,
    OperandError,
    bool_,
    finfo,
    float16,
    float32,
    float64,
    get_default_dtype,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
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
    randint_like,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import gradcheck, gradgradcheck
from .handle import RemovableHandle
from .inplace import increment_version
from .legacy import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from .ops.activation import elu, leaky_relu, softplus
from .ops.arithmetic import add, div, lerp, mul, neg, negative, positive, pow, sub
from .ops.compare import allclose, equal, isclose, isfinite, isinf, isnan, isneginf, isposinf, isreal
from .ops.counting import (
    argwhere,
    bincount,
    bucketize,
    count_nonzero,
    histc,
    histogram,
    nonzero,
    searchsorted,
    unique,
)
from .ops.cumulative import cummax, cummin, cumprod, cumsum, logcumsumexp
from .ops.exponential import exp2, log2, log10, logaddexp, logaddexp2, reciprocal, rsqrt, square
from .ops.indexing import gather
from .ops.linalg import addmm, bmm, dot, einsum, ger, mv, outer
from .ops.loss import binary_cross_entropy, cross_entropy
from .ops.matmul import linear, matmul, mm
from .ops.moments import std, std_mean, var, var_mean
from .ops.movement import (
    broadcast_to,
    cat,
    clone,
    flatten,
    permute,
    reshape,
    squeeze,
    stack,
    transpose,
    unsqueeze,
)
from .ops.norms import cdist, dist, norm
from .ops.onehot import one_hot
from .ops.rearrange import (
    chunk,
    flip,
    moveaxis,
    movedim,
    narrow,
    repeat_interleave,
    roll,
    split,
    swapdims,
    tile,
    unbind,
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
    sum,
)
from .ops.rounding import ceil, fix, floor, fmod, frac, remainder, round, trunc
from .ops.scatter import (
    index_add,
    index_copy,
    index_select,
    masked_fill,
    masked_select,
    scatter,
    scatter_add,
    take_along_dim,
)
from .ops.scatter_reduce import scatter_reduce
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
from .ops.sort import argsort, kthvalue, median, mode, msort, sort, topk
from .ops.triangular import diag, diagonal, trace, tril, triu
from .ops.trig import (
    acos,
    acosh,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cosh,
    hypot,
    sinh,
    tan,
)
from .ops.unary import (
    abs,
    absolute,
    clamp,
    clamp_max,
    clamp_min,
    cos,
    erf,
    exp,
    expm1,
    log,
    log1p,
    nan_to_num,
    relu,
    sgn,
    sigmoid,
    sign,
    sin,
    sqrt,
    tanh,
)
from .primitive import OpError, Primitive, name_node
from .printing import set_printoptions
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .sampling import bernoulli, multinomial, normal, poisson
from .serialization import load, save
from .size import Size
from .unsupported import (
    NotSupportedError,
    compile,
    distributed,
    jit,
    quantization,
    sparse,
    sparse_coo_tensor,
    sparse_csr_tensor,
)
from .viz import backward_steps, draw_graph, explore, to_dot

clip = clamp
concatenate = cat
divide = true_divide = div
multiply = mul
subtract = sub
swapaxes = transpose
# PyTorch's dtype names; `bool`, `float`, `int` deliberately shadow the builtins only as
# attributes of this package (ag.bool, ag.float), as torch.bool and torch.float do.
dtype = DType  # torch.dtype: the class of ag.float32 & co
bool = bool_  # noqa: A001
float = float32  # noqa: A001
double = float64
half = float16
int = int32  # noqa: A001
long = int64
short = int16

__version__ = "0.1.0"

__all__ = [  # the public names (strict type checkers see only these as re-exported)
    "allocator", "data", "dtypes", "hooks", "ops", "random", "viz", "Tensor", "detect_anomaly",
    "is_anomaly_enabled", "set_detect_anomaly", "bool_", "float16", "float32", "float64",
    "int8", "int16", "int32", "int64", "uint8", "backward", "grad", "zero_grads", "arange",
    "empty", "empty_like", "eye", "from_numpy", "full", "full_like", "linspace", "ones",
    "ones_like", "rand", "rand_like", "randint", "randn", "randn_like", "randperm", "tensor",
    "zeros", "zeros_like", "Function", "FunctionCtx", "once_differentiable", "Primitive", "OpError",
    "OperandError",
    "name_node", "enable_grad", "is_grad_enabled", "no_grad",
    "set_grad_enabled", "gradcheck", "gradgradcheck", "RemovableHandle", "increment_version",
    "elu", "leaky_relu", "softplus", "add", "div", "mul", "neg", "pow", "sub", "gather",
    "binary_cross_entropy", "cross_entropy", "linear", "matmul", "mm", "broadcast_to", "cat",
    "chunk", "clone", "flatten", "permute", "reshape", "split", "squeeze", "stack", "transpose",
    "unsqueeze", "all", "amax", "amin", "any", "argmax", "argmin", "logsumexp", "max", "mean",
    "min", "prod", "std", "std_mean", "sum", "var", "var_mean", "eq", "ge", "gt", "le", "logical_and",
    "logical_not",
    "logical_or", "lt", "maximum", "minimum", "ne", "where", "log_softmax", "softmax", "abs",
    "clamp", "cos", "erf", "exp", "expm1", "log", "log1p", "relu", "sigmoid", "sign", "sin",
    "sqrt", "tanh", "manual_seed", "backward_steps", "draw_graph", "explore", "to_dot", "clip",
    "concatenate", "divide", "true_divide", "multiply", "subtract", "swapaxes", "bool", "float",
    "double", "half", "int", "long", "short", "t", "Size", "device", "DeviceError",
    "get_default_device", "set_default_device", "accelerator", "backends", "cuda", "utils",
    "inference_mode", "is_inference_mode_enabled", "is_tensor", "numel", "Variable",
    "get_default_dtype", "set_default_dtype", "set_printoptions", "dtype", "DType", "FloatTensor",
    "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
    "ByteTensor", "BoolTensor",
    "finfo", "iinfo", "sort", "argsort", "msort", "topk", "kthvalue",
    "median", "mode", "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "nonzero",
    "argwhere", "count_nonzero", "unique", "bincount", "histc", "histogram", "bucketize",
    "searchsorted", "tril", "triu", "diag", "diagonal", "trace", "flip", "roll", "tile",
    "repeat_interleave", "narrow", "unbind", "movedim", "moveaxis", "swapdims", "masked_fill",
    "masked_select", "index_select", "index_add", "index_copy", "scatter", "scatter_add",
    "take_along_dim", "scatter_reduce", "one_hot", "dot", "mv", "bmm", "addmm", "outer", "ger",
    "einsum", "norm", "dist", "cdist", "exp2", "log2", "log10", "rsqrt", "reciprocal", "square",
    "logaddexp", "logaddexp2", "floor", "ceil", "trunc", "fix", "round", "frac", "fmod",
    "remainder", "tan", "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh",
    "atan2", "hypot", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "arctan2",
    "isclose", "allclose", "equal", "isnan", "isinf", "isposinf", "isneginf", "isfinite",
    "isreal", "clamp_min", "clamp_max", "nan_to_num", "sgn", "absolute", "lerp", "negative",
    "positive", "Generator", "default_generator", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "randint_like", "multinomial", "bernoulli", "normal", "poisson",
    "NotSupportedError", "compile", "sparse_coo_tensor", "sparse_csr_tensor", "sparse",
    "distributed", "quantization", "jit", "linalg", "save", "load", "serialization",
]

# (exports of new ops: `from .ops.<module> import ...` above, and `__all__ += [...]` here)
from .ops.binary_math import xlogy, xlogy_, float_power, copysign, signbit  # noqa: E402, I001
__all__ += ["xlogy", "xlogy_", "float_power", "copysign", "signbit"]
from .ops.products import inner, tensordot, baddbmm, addbmm, addmv, addmv_, addr  # noqa: E402, I001
__all__ += ["inner", "tensordot", "baddbmm", "addbmm", "addmv", "addmv_", "addr"]
from .ops.select import bitwise_and, bitwise_not, bitwise_or, bitwise_xor, logical_xor  # noqa: E402, I001
__all__ += ["bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "logical_xor"]
from .factories import as_tensor  # noqa: E402, I001
__all__ += ["as_tensor"]
from .ops.pool import max_pool1d, max_pool1d_with_indices, max_pool2d, avg_pool1d, adaptive_avg_pool1d, adaptive_max_pool1d  # noqa: E402, I001, E501
from .ops.pad import constant_pad_nd  # noqa: E402, I001
from .ops.shuffle import pixel_shuffle, pixel_unshuffle  # noqa: E402, I001
__all__ += ["max_pool1d", "max_pool1d_with_indices", "max_pool2d", "avg_pool1d", "adaptive_avg_pool1d",
            "adaptive_max_pool1d", "constant_pad_nd", "pixel_shuffle", "pixel_unshuffle"]
# torch._C._nn's 2-d pools (not torch.*): exported for nn.functional, which uses only public names
from .ops.pool import max_pool2d_with_indices, avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d  # noqa: E402, I001
__all__ += ["max_pool2d_with_indices", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d"]
from .ops.conv_functions import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d  # noqa: E402, I001, E501
from .ops.unfold import fold, unfold  # noqa: E402, I001 - torch.nn.functional's (for nn, as one_hot)
__all__ += ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
            "fold", "unfold"]
# torch._C._nn.mse_loss (not torch.*): exported for nn.functional, one MseLossBackward0 node
from .ops.loss import mse_loss  # noqa: E402, I001
__all__ += ["mse_loss"]

# every public function behind its signature's gate: argument types checked at the call, errors
# named after the function called (autograd/boundary.py); the engine and decorators are left as is
from .boundary import public_namespace  # noqa: E402, I001
public_namespace(globals(), __all__, exempt=("backward", "grad", "once_differentiable", "compile",
                                             "name_node", "save", "load"))

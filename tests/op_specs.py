"""The table of differentiable ops that drives the gradient tests.

Each spec's ``fn(lib, *tensors, **params)`` is written once against the PyTorch API, so the
same function runs on ndgrad (``lib = autograd``) and on PyTorch (``lib = torch``); NumPy arrays
in ``params`` are converted to the library's tensors first. ``reference`` is an independent
NumPy implementation of the forward. Domains keep inputs away from kinks and ties (see
``autograd.testing``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from op_specs_functional import (
    bce,
    bce_args,
    bce_reference,
    cross_entropy,
    cross_entropy_args,
    cross_entropy_reference,
    elu_reference,
    functional,
    hooked_module,
    softplus_reference,
)

from autograd.testing import broadcastable_shapes, shapes


@dataclass(frozen=True)
class OpSpec:
    name: str
    fn: Callable
    reference: Callable
    shapes: st.SearchStrategy = field(default_factory=lambda: shapes().map(lambda s: (s,)))
    domains: tuple = ("real",)
    params: Callable = lambda shapes: st.just({})  # noqa: E731 - shapes -> strategy of kwargs
    second_order: bool = True
    torch_fn: Callable | None = None  # where PyTorch's API differs from ndgrad's

    def domain(self, i: int) -> str:
        return self.domains[min(i, len(self.domains) - 1)]


def unary_shapes(min_dims=0, max_dims=3, min_side=1):
    return shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side).map(lambda s: (s,))


BINARY = broadcastable_shapes(2)
AT_LEAST_TWO = shapes(min_dims=1).filter(lambda s: np.prod(s) >= 2).map(lambda s: (s,))


def _softmax(x, dim):
    dim = None if x.ndim == 0 else dim
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


# ---- parameter strategies ------------------------------------------------------------------
def any_dim(shape):
    ndim = len(shape)
    return st.integers(-ndim, ndim - 1) if ndim else st.sampled_from([0, -1])


@st.composite
def reduce_args(draw, shapes, tuples=True, none=True, min_count=1):
    """dim (None, int or tuple) and keepdim, with at least ``min_count`` reduced elements."""
    (shape,) = shapes
    ndim = len(shape)
    options = [st.just(None)] if none else []
    if not ndim and not none:
        options.append(st.sampled_from([0, -1]))
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
        if tuples:
            options.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                                    unique=True).map(tuple))
    dim = draw(st.one_of(options))
    count = 1
    if ndim:
        axes = range(ndim) if dim is None else [d % ndim for d in ((dim,) if isinstance(dim, int) else dim)]
        count = int(np.prod([shape[a] for a in axes]))
    if count < min_count:
        dim = None
    return {"dim": dim, "keepdim": draw(st.booleans())}


def dim_arg(shapes):
    return any_dim(shapes[0]).map(lambda d: {"dim": d})


def _np_axis(x, dim):
    """NumPy's axis for PyTorch's dim (a 0-d tensor accepts dim 0 or -1)."""
    return None if x.ndim == 0 else dim


def _keep(fn):
    """A NumPy reduction reference taking PyTorch's dim/keepdim."""
    return lambda x, dim=None, keepdim=False: fn(x, axis=_np_axis(x, dim), keepdims=keepdim)


@st.composite
def linear_shapes(draw):
    """x (..., k), weight (m, k), bias (m,): nn.Linear's operands, with 0 to 2 batch dims."""
    k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch = draw(shapes(min_dims=0, max_dims=2))
    return batch + (k,), (m, k), (m,)


@st.composite
def matmul_shapes(draw):
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch = draw(broadcastable_shapes(2, max_dims=2, max_side=3))
    kind = draw(st.sampled_from(["mm", "vec-mat", "mat-vec", "dot", "batched"]))
    return {
        "mm": ((n, k), (k, m)),
        "vec-mat": ((k,), batch[1] + (k, m)),
        "mat-vec": (batch[0] + (n, k), (k,)),
        "dot": ((k,), (k,)),
        "batched": (batch[0] + (n, k), batch[1] + (k, m)),
    }[kind]


@st.composite
def same_shapes(draw, count_range=(2, 3), min_dims=1):
    shape = draw(shapes(min_dims=min_dims))
    return (shape,) * draw(st.integers(*count_range))


@st.composite
def cat_shapes(draw):
    shape = draw(shapes(min_dims=1))
    dim = draw(st.integers(0, len(shape) - 1))
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))
    return tuple(shape[:dim] + (n,) + shape[dim + 1:] for n in sizes)


@st.composite
def expand_args(draw, shapes):
    (shape,) = shapes
    target = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    return {"size": lead + target}


@st.composite
def permutation(draw, shapes):
    return {"dims": tuple(draw(st.permutations(range(len(shapes[0])))))}


@st.composite
def basic_index(draw, shapes):
    """Ints, slices (negative steps too), None and Ellipsis."""
    (shape,) = shapes
    parts = []
    for n in shape:
        parts.append(draw(st.one_of(
            st.integers(-n, n - 1),
            st.builds(slice, st.none() | st.integers(-n, n), st.none() | st.integers(-n, n),
                      st.none() | st.sampled_from([1, 2, -1, -2])))))
    if parts and draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), None)
    if len(parts) > 1 and draw(st.booleans()):
        cut = draw(st.integers(1, len(parts) - 1))
        parts = [p for p in parts[:cut] if p is not None] + [Ellipsis]
    return {"index": tuple(parts)}


@st.composite
def advanced_index(draw, shapes, unique=False):
    """Integer lists with repeats (first dim), or a bool mask over the leading dims."""
    (shape,) = shapes
    if draw(st.booleans()):
        rows = draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=5, unique=unique)
                    if unique else
                    st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=5))
        rest = [slice(None)] * (len(shape) - 1)
        return {"index": tuple([rows] + rest)}
    lead = draw(st.integers(1, len(shape)))
    mask = draw(st.lists(st.booleans(), min_size=int(np.prod(shape[:lead])),
                         max_size=int(np.prod(shape[:lead]))))
    return {"index": np.array(mask).reshape(shape[:lead])}


@st.composite
def gather_args(draw, shapes):
    (shape,) = shapes
    dim = draw(st.integers(0, len(shape) - 1))
    index_shape = tuple(draw(st.integers(1, n)) if d != dim else draw(st.integers(1, 4))
                        for d, n in enumerate(shape))
    index = draw(st.lists(st.integers(0, shape[dim] - 1), min_size=int(np.prod(index_shape)),
                          max_size=int(np.prod(index_shape))))
    return {"dim": dim, "index": np.array(index, dtype=np.int64).reshape(index_shape)}


@st.composite
def where_args(draw, shapes):
    shape = np.broadcast_shapes(*shapes)
    cond = draw(st.lists(st.booleans(), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    return {"cond": np.array(cond, dtype=bool).reshape(shape)}


@st.composite
def split_args(draw, shapes):
    (shape,) = shapes
    dim = draw(st.integers(0, len(shape) - 1))
    return {"dim": dim, "size": draw(st.integers(1, shape[dim]))}


@st.composite
def setitem_args(draw, shapes):
    """An index into the first input (the value is 0-d, so it broadcasts to any selection).
    Integer indices do not repeat: PyTorch leaves repeated writes undefined (tested apart)."""
    return draw(st.one_of(basic_index(shapes[:1]), advanced_index(shapes[:1], unique=True)))


def _take_positions(lib, x, index):
    """``x[index]`` for PyTorch, which refuses negative slice steps: gather the same flat
    positions, which selects the same elements with the same gradient."""
    index = index.numpy() if hasattr(index, "numpy") else index
    positions = np.arange(x.numel()).reshape(tuple(x.shape))[index]
    return x.reshape(-1)[lib.from_numpy(np.array(positions))]


def _torch_setitem(lib, x, value, index):
    """``x[index] = value`` for PyTorch, through the flat positions (see _take_positions)."""
    index = index.numpy() if hasattr(index, "numpy") else index
    positions = np.arange(x.numel()).reshape(tuple(x.shape))[index]
    out = x * 1
    out.view(-1)[lib.from_numpy(np.array(positions))] = value
    return out


def _setitem(lib, x, value, index):
    out = x * 1
    out[index] = value
    return out


def _setitem_reference(x, value, index):
    out = x.copy()
    out[index] = value
    return out


@st.composite
def setitem_shapes(draw, value_is_row=False):
    shape = draw(shapes(min_dims=1))
    return (shape, shape[1:] if value_is_row else ())


def _split_cat(lib, x, dim, size):
    return lib.cat([piece * (i + 1) for i, piece in enumerate(x.split(size, dim))], dim)


def _split_cat_reference(x, dim, size):
    pieces = np.split(x, range(size, x.shape[dim], size), axis=dim)
    return np.concatenate([piece * (i + 1) for i, piece in enumerate(pieces)], axis=dim)


def _chunk_cat(lib, x, dim, size):
    return lib.cat([piece * (i + 1) for i, piece in enumerate(x.chunk(size, dim))], dim)


def _chunk_cat_reference(x, dim, size):
    step = -(-x.shape[dim] // size)
    return _split_cat_reference(x, dim, step)


def _max_values(x, dim, keepdim):
    return np.max(x, axis=_np_axis(x, dim), keepdims=keepdim)


SPECS = [
    # ---- elementwise -------------------------------------------------------------------
    OpSpec("neg", lambda lib, x: -x, np.negative),
    OpSpec("exp", lambda lib, x: x.exp(), np.exp),
    OpSpec("log", lambda lib, x: x.log(), np.log, domains=("positive",)),
    OpSpec("sqrt", lambda lib, x: x.sqrt(), np.sqrt, domains=("positive",)),
    OpSpec("abs", lambda lib, x: x.abs(), np.abs, domains=("nonzero",)),
    OpSpec("sign", lambda lib, x: x.sign() * x, lambda x: np.sign(x) * x, domains=("nonzero",)),
    OpSpec("sin", lambda lib, x: x.sin(), np.sin),
    OpSpec("cos", lambda lib, x: x.cos(), np.cos),
    OpSpec("tanh", lambda lib, x: x.tanh(), np.tanh),
    OpSpec("sigmoid", lambda lib, x: x.sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    OpSpec("relu", lambda lib, x: x.relu(), lambda x: np.maximum(x, 0), domains=("nonzero",)),
    OpSpec("log1p", lambda lib, x: x.log1p(), np.log1p, domains=("unit",)),
    OpSpec("expm1", lambda lib, x: x.expm1(), np.expm1),
    OpSpec("erf", lambda lib, x: lib.erf(x) + x.erf(), lambda x: 2 * np.vectorize(
        math.erf, otypes=[np.float64])(x)),
    OpSpec("leaky_relu", lambda lib, x, **p: functional(lib).leaky_relu(x, **p),
           lambda x, negative_slope: np.where(x > 0, x, negative_slope * x), domains=("nonzero",),
           params=lambda s: st.sampled_from([0.01, 0.2, -0.3, 1.7]).map(
               lambda v: {"negative_slope": v})),
    OpSpec("softplus", lambda lib, x, **p: functional(lib).softplus(x, **p), softplus_reference,
           params=lambda s: st.fixed_dictionaries({  # kinks at threshold / beta, never drawn
               "beta": st.sampled_from([1.0, 0.5, 2.0, -1.5]),
               "threshold": st.sampled_from([20.0, math.pi])})),
    OpSpec("elu", lambda lib, x, **p: functional(lib).elu(x, **p), elu_reference,
           domains=("nonzero",),
           params=lambda s: st.sampled_from([1.0, 0.3, 2.5]).map(lambda v: {"alpha": v})),
    OpSpec("binary_cross_entropy", bce, bce_reference,
           shapes().map(lambda s: (s, s)), ("probability",), params=bce_args),
    OpSpec("clamp", lambda lib, x: x.clamp(min=-1.01, max=0.99), lambda x: np.clip(x, -1.01, 0.99),
           domains=("distinct",)),
    OpSpec("clamp_min", lambda lib, x: lib.clamp(x, min=0.26), lambda x: np.maximum(x, 0.26),
           domains=("distinct_offset",)),
    OpSpec("square", lambda lib, x: x ** 2, np.square),
    OpSpec("cube", lambda lib, x: x ** 3, lambda x: x ** 3),
    OpSpec("pow_half", lambda lib, x: x ** 0.5, np.sqrt, domains=("positive",)),
    OpSpec("pow_negative", lambda lib, x: x ** -1.5, lambda x: x ** -1.5, domains=("positive",)),
    OpSpec("pow_zero", lambda lib, x: x ** 0 + x, lambda x: 1 + x),
    OpSpec("rpow", lambda lib, x: 2.0 ** x, lambda x: 2.0 ** x),
    # ---- binary with broadcasting ------------------------------------------------------
    OpSpec("add", lambda lib, a, b: a + b, np.add, BINARY),
    OpSpec("sub", lambda lib, a, b: a - b, np.subtract, BINARY),
    OpSpec("mul", lambda lib, a, b: a * b, np.multiply, BINARY),
    OpSpec("div", lambda lib, a, b: a / b, np.divide, BINARY, ("real", "nonzero")),
    OpSpec("pow", lambda lib, a, b: a ** b, np.power, BINARY, ("positive", "unit_nonzero")),  # b=0: a kink
    OpSpec("scalar_arithmetic", lambda lib, x: (3 - x) * 0.5 / 2 + 1 / (x + 10),
           lambda x: (3 - x) * 0.5 / 2 + 1 / (x + 10)),
    OpSpec("maximum", lambda lib, a, b: lib.maximum(a, b), np.maximum, BINARY,
           ("distinct", "distinct_offset")),
    OpSpec("minimum", lambda lib, a, b: lib.minimum(a, b), np.minimum, BINARY,
           ("distinct", "distinct_offset")),
    OpSpec("where", lambda lib, a, b, cond: lib.where(cond, a, b),
           lambda a, b, cond: np.where(cond, a, b), BINARY, params=where_args),
    OpSpec("matmul", lambda lib, a, b: a @ b, np.matmul, matmul_shapes()),
    OpSpec("cross_entropy", cross_entropy, cross_entropy_reference,
           shapes(min_dims=2, max_dims=2).map(lambda s: (s,)), params=cross_entropy_args),
    OpSpec("linear", lambda lib, x, w, b: functional(lib).linear(x, w, b),
           lambda x, w, b: x @ w.T + b, linear_shapes()),
    # ---- reductions ----------------------------------------------------------------------
    OpSpec("sum", lambda lib, x, **p: x.sum(**p), _keep(np.sum), params=reduce_args),
    OpSpec("mean", lambda lib, x, **p: x.mean(**p), _keep(np.mean), params=reduce_args),
    OpSpec("var", lambda lib, x, **p: x.var(**p),
           lambda x, dim=None, keepdim=False: np.var(x, axis=dim, keepdims=keepdim, ddof=1),
           AT_LEAST_TWO, ("distinct",), params=lambda s: reduce_args(s, min_count=2)),
    OpSpec("var_population", lambda lib, x, **p: x.var(correction=0, **p),
           lambda x, dim=None, keepdim=False: np.var(x, axis=dim, keepdims=keepdim),
           AT_LEAST_TWO, ("distinct",), params=lambda s: reduce_args(s, min_count=2)),
    OpSpec("std", lambda lib, x, **p: x.std(**p),
           lambda x, dim=None, keepdim=False: np.std(x, axis=dim, keepdims=keepdim, ddof=1),
           AT_LEAST_TWO, ("distinct",), params=lambda s: reduce_args(s, min_count=2)),
    OpSpec("prod", lambda lib, x, **p: x.prod(**p), _keep(np.prod), domains=("nonzero",),
           params=lambda s: reduce_args(s, tuples=False, none=False)),
    OpSpec("amax", lambda lib, x, **p: x.amax(**p), _keep(np.max), domains=("distinct",),
           params=lambda s: reduce_args(s, none=False)),
    OpSpec("amin", lambda lib, x, **p: x.amin(**p), _keep(np.min), domains=("distinct",),
           params=lambda s: reduce_args(s, none=False)),
    OpSpec("max_all", lambda lib, x: x.max(), np.max, domains=("distinct",)),
    OpSpec("min_all", lambda lib, x: x.min(), np.min, domains=("distinct",)),
    OpSpec("max_dim", lambda lib, x, **p: x.max(**p).values, _max_values, domains=("distinct",),
           params=lambda s: reduce_args(s, tuples=False, none=False)),
    OpSpec("min_dim", lambda lib, x, **p: x.min(**p).values,
           lambda x, dim, keepdim: np.min(x, axis=_np_axis(x, dim), keepdims=keepdim),
           domains=("distinct",),
           params=lambda s: reduce_args(s, tuples=False, none=False)),
    OpSpec("logsumexp", lambda lib, x, **p: x.logsumexp(**p),
           lambda x, dim, keepdim: np.log(np.sum(np.exp(x), axis=_np_axis(x, dim), keepdims=keepdim)),
           params=lambda s: reduce_args(s, none=False)),
    OpSpec("softmax", lambda lib, x, dim: x.softmax(dim), _softmax, params=dim_arg),
    OpSpec("log_softmax", lambda lib, x, dim: x.log_softmax(dim),
           lambda x, dim: np.log(_softmax(x, dim)), params=dim_arg),
    # ---- shape and indexing --------------------------------------------------------------
    OpSpec("reshape", lambda lib, x: x.reshape(-1), np.ravel),
    OpSpec("view", lambda lib, x: x.view(x.numel(), 1), lambda x: x.reshape(-1, 1)),
    OpSpec("flatten", lambda lib, x: x.flatten(1), lambda x: x.reshape(x.shape[0], -1),
           unary_shapes(min_dims=3)),  # a 2-D x.flatten(1) is x itself, as in PyTorch
    OpSpec("squeeze", lambda lib, x: x.squeeze(), np.squeeze),
    OpSpec("unsqueeze", lambda lib, x, dim: x.unsqueeze(dim), lambda x, dim: np.expand_dims(x, dim),
           params=lambda s: st.integers(-len(s[0]) - 1, len(s[0])).map(lambda d: {"dim": d})),
    OpSpec("transpose", lambda lib, x: x.transpose(0, -1), lambda x: np.swapaxes(x, 0, -1),
           unary_shapes(min_dims=1)),
    OpSpec("permute", lambda lib, x, dims: x.permute(dims), lambda x, dims: np.transpose(x, dims),
           params=permutation),
    OpSpec("T", lambda lib, x: x.T, lambda x: x.T, unary_shapes(min_dims=2, max_dims=2)),
    OpSpec("mT", lambda lib, x: x.mT, lambda x: np.swapaxes(x, -1, -2), unary_shapes(min_dims=2)),
    OpSpec("expand", lambda lib, x, size: x.expand(size), lambda x, size: np.broadcast_to(x, size),
           params=expand_args),
    OpSpec("cat", lambda lib, *xs: lib.cat([x * (i + 1) for i, x in enumerate(xs)], 0),
           lambda *xs: np.concatenate([x * (i + 1) for i, x in enumerate(xs)], 0),
           cat_shapes().map(lambda ss: tuple(ss) if len({s[1:] for s in ss}) == 1 else
                            tuple((s[0],) + ss[0][1:] for s in ss))),
    OpSpec("stack", lambda lib, *xs: lib.stack([x * (i + 1) for i, x in enumerate(xs)], -1),
           lambda *xs: np.stack([x * (i + 1) for i, x in enumerate(xs)], -1), same_shapes()),
    OpSpec("split", _split_cat, _split_cat_reference, unary_shapes(min_dims=1), params=split_args),
    OpSpec("chunk", _chunk_cat, _chunk_cat_reference, unary_shapes(min_dims=1), params=split_args),
    OpSpec("getitem_basic", lambda lib, x, index: x[index], lambda x, index: x[index],
           unary_shapes(min_dims=1), params=basic_index, torch_fn=_take_positions),
    OpSpec("getitem_advanced", lambda lib, x, index: x[index], lambda x, index: x[index],
           unary_shapes(min_dims=1), params=advanced_index),
    OpSpec("setitem", _setitem, _setitem_reference, setitem_shapes(), params=setitem_args,
           torch_fn=_torch_setitem),
    OpSpec("setitem_row", _setitem, _setitem_reference, setitem_shapes(value_is_row=True),
           params=lambda s: st.sampled_from([0, -1]).map(lambda i: {"index": i})),
    OpSpec("gather", lambda lib, x, dim, index: x.gather(dim, index),
           lambda x, dim, index: np.take_along_axis(x[tuple(
               slice(None) if d == dim else slice(n) for d, n in enumerate(index.shape))],
               index, dim), unary_shapes(min_dims=1), params=gather_args),
    OpSpec("clone", lambda lib, x: x.clone() * 2, lambda x: x * 2),
    OpSpec("module_backward_hooks", hooked_module, lambda a, b: a * np.sin(b), BINARY),
]


# The rows of later op families, each in its own file (imported last: they use OpSpec).
from op_specs_conv import SPECS as _CONV  # noqa: E402, I001
from op_specs_linalg import SPECS as _LINALG  # noqa: E402
from op_specs_loss import SPECS as _LOSS  # noqa: E402
from op_specs_math import SPECS as _MATH  # noqa: E402
from op_specs_pool import SPECS as _POOL  # noqa: E402
from op_specs_shape import SPECS as _SHAPE  # noqa: E402
from op_specs_sort import SPECS as _SORT  # noqa: E402

SPECS += _MATH + _LINALG + _SHAPE + _SORT + _POOL + _CONV + _LOSS

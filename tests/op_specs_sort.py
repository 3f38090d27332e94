"""Op specs of the sort ops (joined to ``SPECS`` in op_specs.py; the same fields and rules).

Sorting, order statistics and running extremes are drawn on the "distinct" domain (no ties);
``cumprod_zeros`` multiplies the input by a random 0/1 mask first, so its gradient is checked
with zeros in the product.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import OpSpec, any_dim

from autograd.testing import shapes


def _along(fn):
    """A NumPy reference along ``dim`` that also takes a 0-d input (as a 1-element row)."""
    def reference(x, *args, dim=-1, keepdim=None, **kwargs):
        row = x.reshape(1) if x.ndim == 0 else x
        out = fn(row, *args, axis=dim % row.ndim, **kwargs)
        if keepdim is not None and not keepdim:
            out = np.squeeze(out, dim % row.ndim)
        return out.reshape(()) if x.ndim == 0 and np.size(out) == 1 else out
    return reference


def _sort(x, axis, descending=False):
    out = np.sort(x, axis=axis)
    return np.flip(out, axis) if descending else out


def _topk(x, k, axis, largest=True):
    return np.take(_sort(x, axis, largest), np.arange(k), axis=axis)


def _kth(x, k, axis):
    return np.take(np.sort(x, axis=axis), [k - 1], axis=axis)


def _median(x, axis):
    return _kth(x, (x.shape[axis] + 1) // 2, axis)


def _cumsum(x, axis):
    return np.cumsum(x, axis=axis)


def _cumprod(x, axis):
    return np.cumprod(x, axis=axis)


def _logcumsumexp(x, axis):
    return np.log(np.cumsum(np.exp(x), axis=axis))


def _cumulative(fn):
    return lambda x, dim: _along(fn)(x, dim=dim)


# ---- parameter strategies ------------------------------------------------------------------
def _size(shape, dim):
    return shape[dim % len(shape)] if shape else 1


@st.composite
def sort_args(draw, shapes):
    return {"dim": draw(any_dim(shapes[0])), "descending": draw(st.booleans())}


@st.composite
def topk_args(draw, shapes):
    dim = draw(any_dim(shapes[0]))
    return {"dim": dim, "k": draw(st.integers(1, _size(shapes[0], dim))),
            "largest": draw(st.booleans())}


@st.composite
def kth_args(draw, shapes):
    dim = draw(any_dim(shapes[0]))
    return {"dim": dim, "k": draw(st.integers(1, _size(shapes[0], dim))),
            "keepdim": draw(st.booleans())}


@st.composite
def dim_keepdim(draw, shapes):
    return {"dim": draw(any_dim(shapes[0])), "keepdim": draw(st.booleans())}


def dim_only(shapes):
    return any_dim(shapes[0]).map(lambda d: {"dim": d})


@st.composite
def zero_mask(draw, shapes):
    """dim and a bool mask of the input's shape (mostly ones, so products have some zeros)."""
    shape = shapes[0]
    size = int(np.prod(shape))
    mask = draw(st.lists(st.sampled_from([False, True, True]), min_size=size, max_size=size))
    return {"dim": draw(any_dim(shape)), "mask": np.array(mask, dtype=bool).reshape(shape)}


def _sort_fn(lib, x, dim, descending):
    return x.sort(dim, descending).values * 1 + lib.sort(x, dim=dim, descending=descending)[0]


SPECS: list[OpSpec] = [
    OpSpec("sort", _sort_fn,
           lambda x, dim, descending: 2 * _along(_sort)(x, dim=dim, descending=descending),
           domains=("distinct",), params=sort_args),
    OpSpec("msort", lambda lib, x: x.msort(), lambda x: np.sort(x, axis=0),
           shapes(min_dims=1).map(lambda s: (s,)), ("distinct",)),
    OpSpec("topk", lambda lib, x, **p: x.topk(**p).values,
           lambda x, k, dim, largest: _along(_topk)(x, k, dim=dim, largest=largest),
           domains=("distinct",), params=topk_args),
    OpSpec("kthvalue", lambda lib, x, **p: lib.kthvalue(x, **p).values,
           lambda x, k, dim, keepdim: _along(_kth)(x, k, dim=dim, keepdim=keepdim),
           domains=("distinct",), params=kth_args),
    OpSpec("median_all", lambda lib, x: x.median(), lambda x: np.sort(x.reshape(-1))[
        (x.size - 1) // 2], domains=("distinct",)),
    OpSpec("median_dim", lambda lib, x, **p: x.median(**p).values,
           lambda x, dim, keepdim: _along(_median)(x, dim=dim, keepdim=keepdim),
           domains=("distinct",), params=dim_keepdim),
    OpSpec("mode", lambda lib, x, **p: x.mode(**p).values,  # no repeats: the smallest value
           lambda x, dim, keepdim: _along(lambda r, axis: np.min(r, axis=axis, keepdims=True))(
               x, dim=dim, keepdim=keepdim), domains=("distinct",), params=dim_keepdim),
    OpSpec("cumsum", lambda lib, x, dim: x.cumsum(dim), _cumulative(_cumsum), params=dim_only),
    OpSpec("cumprod", lambda lib, x, dim: lib.cumprod(x, dim), _cumulative(_cumprod),
           params=dim_only),
    OpSpec("cumprod_zeros", lambda lib, x, dim, mask: (x * mask).cumprod(dim),
           lambda x, dim, mask: _cumulative(_cumprod)(x * mask, dim), params=zero_mask),
    OpSpec("cummax", lambda lib, x, dim: x.cummax(dim).values,
           _cumulative(lambda x, axis: np.maximum.accumulate(x, axis=axis)),
           domains=("distinct",), params=dim_only),
    OpSpec("cummin", lambda lib, x, dim: lib.cummin(x, dim)[0],
           _cumulative(lambda x, axis: np.minimum.accumulate(x, axis=axis)),
           domains=("distinct",), params=dim_only),
    OpSpec("logcumsumexp", lambda lib, x, dim: x.logcumsumexp(dim), _cumulative(_logcumsumexp),
           params=dim_only),
]

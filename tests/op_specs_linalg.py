"""Op specs of the linalg ops (joined to ``SPECS`` in op_specs.py; the same fields and rules)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from op_specs import OpSpec, reduce_args

import autograd.linalg  # noqa: F401 - makes ``ag.linalg`` an attribute, as ``torch.linalg``
from autograd.testing import broadcastable_shapes, shapes

INF = math.inf


# ---- einsum: an equation per row, sizes drawn per subscript ----------------------------------
@st.composite
def einsum_shapes(draw, equation, size_one=False):
    """Shapes fitting ``equation`` (letters and at most one ``...`` per term). With
    ``size_one``, some operands have size 1 where the subscript is larger (broadcasting)."""
    terms = equation.split("->")[0].split(",")
    sizes = {c: draw(st.integers(1, 3)) for c in set(equation) if c.isalpha()}
    ells = draw(broadcastable_shapes(len(terms), max_dims=2, max_side=3))
    result = []
    for term, ell in zip(terms, ells):
        ones = {c for c in set(term) if c.isalpha() and size_one and draw(st.booleans())}
        shape = []
        for c in term.replace("...", "."):
            if c == ".":
                shape += list(ell)
            else:
                shape.append(1 if c in ones else sizes[c])
        result.append(tuple(shape))
    return tuple(result)


def einsum_row(name, equation, size_one=False, shapes_of=None):
    return OpSpec(name, lambda lib, *xs: lib.einsum(equation, *xs),
                  lambda *xs: np.einsum(equation, *xs),
                  shapes_of or einsum_shapes(equation.replace(" ", ""), size_one))


# ---- norms -------------------------------------------------------------------------------
def _axes(x, dim):
    return None if x.ndim == 0 or dim is None else dim


def vnorm_reference(x, ord=2, dim=None, keepdim=False):
    """The vector norm in NumPy (``dim`` None: all elements)."""
    a, axis = np.abs(x), _axes(x, dim)
    if ord == INF:
        return np.max(a, axis=axis, keepdims=keepdim)
    if ord == -INF:
        return np.min(a, axis=axis, keepdims=keepdim)
    return np.sum(a ** ord, axis=axis, keepdims=keepdim) ** (1 / ord)


def with_ord(ords, tuples=True):
    def params(shapes):
        return st.tuples(reduce_args(shapes, tuples=tuples), st.sampled_from(ords)).map(
            lambda pair: {**pair[0], "ord": pair[1]})
    return params


@st.composite
def matrix_args(draw, shapes, ords):
    ndim = len(shapes[0])
    dim = tuple(draw(st.permutations(range(-ndim, 0)))[:2])
    return {"ord": draw(st.sampled_from(ords)), "dim": dim, "keepdim": draw(st.booleans())}


@st.composite
def linalg_norm_args(draw, shapes):
    (shape,) = shapes
    ndim = len(shape)
    options = [{"dim": None, "ord": None}]
    if ndim >= 1:
        options.append({"dim": draw(st.integers(-ndim, ndim - 1)),
                        "ord": draw(st.sampled_from([None, 2, 3]))})
    if ndim in (1, 2):
        options.append({"dim": None, "ord": draw(st.sampled_from([1, 2] if ndim == 1 else [1, "fro", INF]))})
    if ndim >= 2:
        options.append({"dim": (0, -1), "ord": draw(st.sampled_from([None, "fro", -1, -INF]))})
    return {**draw(st.sampled_from(options)), "keepdim": draw(st.booleans())}


def linalg_norm_reference(x, ord, dim, keepdim):
    if isinstance(dim, tuple) or dim is None and ord is not None and x.ndim == 2:
        return np.linalg.norm(x, "fro" if ord is None else ord, axis=dim or (0, 1), keepdims=keepdim)
    return vnorm_reference(x, 2 if ord is None else ord, dim, keepdim)


@st.composite
def torch_norm_args(draw, shapes):
    args = draw(reduce_args(shapes))
    p = draw(st.sampled_from(["fro", 2, 3, 1]))
    if p == "fro" and isinstance(args["dim"], tuple) and len(args["dim"]) > 2:
        args["dim"] = args["dim"][:2]
    return {**args, "p": p}


@st.composite
def cdist_shapes(draw):
    batch = draw(broadcastable_shapes(2, max_dims=2, max_side=3))
    m, p, r = (draw(st.integers(1, 3)) for _ in range(3))
    return batch[0] + (p, m), batch[1] + (r, m)


def cdist_reference(x1, x2, p):
    return vnorm_reference(x1[..., :, None, :] - x2[..., None, :, :], p, -1)


# ---- products ----------------------------------------------------------------------------
def vecdot_dim(shapes):
    ndim = max(len(np.broadcast_shapes(*shapes)), 1)
    return st.integers(-ndim, ndim - 1).map(lambda d: {"dim": d})


@st.composite
def addmm_shapes(draw):
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    bias = draw(st.sampled_from([(n, m), (m,), (1, m), (n, 1), ()]))
    return bias, (n, k), (k, m)


def addmm_args(shapes):
    return st.fixed_dictionaries({"beta": st.sampled_from([1, 0.5, 0, -2]),
                                  "alpha": st.sampled_from([1, 0.5, 0, 3])})


VEC2 = st.tuples(st.integers(1, 4), st.integers(1, 4)).map(lambda nm: ((nm[0],), (nm[1],)))
SAME_VEC = st.integers(1, 4).map(lambda n: ((n,), (n,)))
MV = st.tuples(st.integers(1, 3), st.integers(1, 3)).map(lambda nm: (nm, (nm[1],)))
BMM = st.tuples(*(st.integers(1, 3) for _ in range(4))).map(
    lambda s: ((s[0], s[1], s[2]), (s[0], s[2], s[3])))

SPECS: list[OpSpec] = [
    # ---- products ----------------------------------------------------------------------
    OpSpec("dot", lambda lib, a, b: lib.dot(a, b) + a.dot(b), lambda a, b: 2 * np.dot(a, b), SAME_VEC),
    OpSpec("mv", lambda lib, a, v: lib.mv(a, v), lambda a, v: a @ v, MV),
    OpSpec("bmm", lambda lib, a, b: a.bmm(b), np.matmul, BMM),
    OpSpec("addmm", lambda lib, c, a, b, **p: lib.addmm(c, a, b, **p),
           lambda c, a, b, beta, alpha: beta * c + alpha * (a @ b), addmm_shapes(), params=addmm_args),
    OpSpec("outer", lambda lib, a, b: lib.outer(a, b) + a.ger(b), lambda a, b: 2 * np.outer(a, b), VEC2),
    OpSpec("vecdot", lambda lib, a, b, dim: lib.linalg.vecdot(a, b, dim=dim),
           lambda a, b, dim: np.sum(a * b, axis=None if np.ndim(a * b) == 0 else dim),
           broadcastable_shapes(2), params=vecdot_dim),
    einsum_row("einsum_matmul", "ij,jk->ik"),
    einsum_row("einsum_batched_implicit", "bij,bjk"),
    einsum_row("einsum_diagonal", "ii->i"),
    einsum_row("einsum_trace_implicit", "ii"),
    einsum_row("einsum_repeated_and_summed", "iij,jk->k"),
    einsum_row("einsum_sum_all", "ijk->"),
    einsum_row("einsum_three_operands", "ab,bc,cd->da"),
    einsum_row("einsum_outer_spaces", "i, j -> j i"),
    einsum_row("einsum_ellipsis_broadcast", "...ij,...jk->...ik"),
    einsum_row("einsum_ellipsis_middle", "i...j,j->...i"),
    einsum_row("einsum_size_one_broadcast", "ij,jk,k->ik", size_one=True),
    # ---- norms ---------------------------------------------------------------------------
    OpSpec("vector_norm", lambda lib, x, **p: lib.linalg.vector_norm(x, **p), vnorm_reference,
           domains=("nonzero",), params=with_ord([2, 3, 4.5])),
    OpSpec("vector_norm_low_p", lambda lib, x, **p: lib.linalg.vector_norm(x, **p), vnorm_reference,
           domains=("nonzero",), params=with_ord([1, 1.5, 0.5, -1, -2.5])),
    OpSpec("vector_norm_inf", lambda lib, x, **p: lib.linalg.vector_norm(x + 10, **p) +
           lib.linalg.vector_norm(x - 10, **p), lambda x, **p: vnorm_reference(x + 10, **p) +
           vnorm_reference(x - 10, **p), domains=("distinct",), params=with_ord([INF, -INF])),
    OpSpec("matrix_norm", lambda lib, x, **p: lib.linalg.matrix_norm(x, **p),
           lambda x, ord, dim, keepdim: np.linalg.norm(x, ord, axis=dim, keepdims=keepdim),
           shapes(min_dims=2).map(lambda s: (s,)), domains=("distinct_offset",),
           params=lambda s: matrix_args(s, ["fro", 1, -1, INF, -INF])),
    OpSpec("linalg_norm", lambda lib, x, **p: lib.linalg.norm(x, **p), linalg_norm_reference,
           domains=("distinct_offset",), params=linalg_norm_args),
    OpSpec("norm", lambda lib, x, **p: lib.norm(x, **p) + x.norm(**p),
           lambda x, p, dim, keepdim: 2 * vnorm_reference(x, 2 if p == "fro" else p, dim, keepdim),
           domains=("nonzero",), params=torch_norm_args),
    OpSpec("dist", lambda lib, a, b, p: lib.dist(a, b, p) + a.dist(b, p),
           lambda a, b, p: 2 * vnorm_reference(a - b, p), broadcastable_shapes(2),
           ("distinct", "distinct_offset"),
           params=lambda s: st.sampled_from([2, 1, 3, 0.5]).map(lambda p: {"p": p})),
    OpSpec("cdist", lambda lib, a, b, p: lib.cdist(a, b, p), cdist_reference, cdist_shapes(),
           ("distinct", "distinct_offset"),
           params=lambda s: st.sampled_from([2.0, 1.0, 3.0, 1.5, 0.5]).map(lambda p: {"p": p})),
]

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

# ---- inner, tensordot, baddbmm, addbmm, addmv, addr ------------------------------------------
@st.composite
def inner_shapes(draw):
    k = draw(st.integers(1, 3))
    return (draw(shapes(max_dims=2, max_side=3)) + (k,), draw(shapes(max_dims=2, max_side=3)) + (k,))


@st.composite
def tensordot_shapes(draw):
    """a = free_a + contracted, b = contracted + free_b (contracted: 0 to 2 dims)."""
    contracted = draw(shapes(max_dims=2, max_side=3))
    return (draw(shapes(max_dims=2, max_side=3)) + contracted,
            contracted + draw(shapes(max_dims=2, max_side=3)))


def tensordot_int(shapes):
    a, b = shapes
    valid = [n for n in range(min(len(a), len(b)) + 1) if a[len(a) - n:] == b[:n]]
    return st.sampled_from(valid).map(lambda n: {"dims": n})


@st.composite
def tensordot_lists(draw, shapes):
    """Random pairs of equal-size dims of a and b, in any order, some written negative."""
    a, b = shapes
    free_b = list(range(len(b)))
    dims_a, dims_b = [], []
    for da in draw(st.permutations(range(len(a)))):
        matches = [db for db in free_b if b[db] == a[da]]
        if matches and draw(st.booleans()):
            db = draw(st.sampled_from(matches))
            free_b.remove(db)
            dims_a.append(da - len(a) if draw(st.booleans()) else da)
            dims_b.append(db - len(b) if draw(st.booleans()) else db)
    return {"dims": (dims_a, dims_b)}


@st.composite
def add_product_shapes(draw, kind):
    """(input, operand 1, operand 2) of baddbmm, addbmm, addmv or addr; input broadcasts."""
    bt, n, m, p = (draw(st.integers(1, 3)) for _ in range(4))
    operands, inputs = {
        "baddbmm": (((bt, n, m), (bt, m, p)), [(bt, n, p), (n, p), (p,), (1, n, 1), ()]),
        "addbmm": (((bt, n, m), (bt, m, p)), [(n, p), (p,), (n, 1), ()]),
        "addmv": (((n, m), (m,)), [(n,), (1,), ()]),
        "addr": (((n,), (m,)), [(n, m), (m,), (n, 1), ()]),
    }[kind]
    return (draw(st.sampled_from(inputs)),) + operands


def _scaled(beta, alpha, c, product):
    return beta * c + alpha * product


# ---- singular values: well-conditioned matrices ------------------------------------------------
@st.composite
def well_conditioned(draw, shapes, dims=(-2, -1)):
    """A ``base`` of the input's shape whose (dims) matrices have singular values 1, 2.2, 3.4...

    The row's input x enters as base + 0.1 x with |x| <= 0.9 ("unit"), which moves each singular
    value by at most 0.36 (4 x 4): they stay distinct (gaps > 0.4) and above 0.6, where svdvals
    and its norms are smooth (their second derivatives divide by the gaps).
    """
    (shape,) = shapes
    d0, d1 = (d % len(shape) for d in dims)
    batch = tuple(n for d, n in enumerate(shape) if d not in (d0, d1))
    m, n = shape[d0], shape[d1]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    k = min(m, n)
    u = np.linalg.qr(rng.standard_normal(batch + (m, m)))[0][..., :k]
    v = np.linalg.qr(rng.standard_normal(batch + (n, n)))[0][..., :k]
    s = 1.0 + 1.2 * rng.permutation(k).astype(np.float64)
    base = (u * s) @ np.swapaxes(v, -1, -2)
    return {"base": np.moveaxis(base, (-2, -1), (d0, d1))}


@st.composite
def svd_norm_args(draw, shapes, ords):
    ndim = len(shapes[0])
    dim = tuple(draw(st.permutations(range(-ndim, 0)))[:2])
    return {**draw(well_conditioned(shapes, dim)), "ord": draw(st.sampled_from(ords)), "dim": dim,
            "keepdim": draw(st.booleans())}


def _perturbed(x, base):
    return base.to(x.dtype) + 0.1 * x


MATRICES = shapes(min_dims=2, max_dims=3).map(lambda s: (s,))
MATRIX_2D = shapes(min_dims=2, max_dims=2).map(lambda s: (s,))


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
           broadcastable_shapes(2), params=vecdot_dim,
           # torch's own vecdot backward fails when the summed dim broadcasts ((1,) . (2,));
           # its definition, sum(a * b, dim), is the oracle
           torch_fn=lambda lib, a, b, dim: (a * b).sum(dim) if (a * b).ndim else a * b),
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
           shapes(min_dims=2).map(lambda s: (s,)), domains=("distinct_sums",),
           params=lambda s: matrix_args(s, ["fro", 1, -1, INF, -INF])),
    OpSpec("linalg_norm", lambda lib, x, **p: lib.linalg.norm(x, **p), linalg_norm_reference,
           domains=("distinct_sums",), params=linalg_norm_args),
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
    # ---- inner, tensordot, baddbmm, addbmm, addmv, addr ----------------------------------------
    OpSpec("inner", lambda lib, a, b: lib.inner(a, b) + a.inner(b), lambda a, b: 2 * np.inner(a, b),
           inner_shapes()),
    OpSpec("inner_scalar", lambda lib, a, b: lib.inner(a, b), np.inner,
           shapes(max_dims=2).map(lambda s: ((), s))),
    OpSpec("tensordot_int", lambda lib, a, b, dims: lib.tensordot(a, b, dims),
           lambda a, b, dims: np.tensordot(a, b, dims), tensordot_shapes(), params=tensordot_int),
    OpSpec("tensordot_lists", lambda lib, a, b, dims: lib.tensordot(a, b, dims=dims),
           lambda a, b, dims: np.tensordot(a, b, dims), broadcastable_shapes(2, max_side=3),
           params=tensordot_lists),
    OpSpec("baddbmm", lambda lib, c, a, b, **p: lib.baddbmm(c, a, b, **p) + c.baddbmm(a, b),
           lambda c, a, b, beta, alpha: _scaled(beta, alpha, c, a @ b) + c + a @ b,
           add_product_shapes("baddbmm"), params=addmm_args),
    OpSpec("addbmm", lambda lib, c, a, b, **p: lib.addbmm(c, a, b, **p) + c.addbmm(a, b),
           lambda c, a, b, beta, alpha: (_scaled(beta, alpha, c, np.einsum("bnm,bmp->np", a, b))
                                         + c + np.einsum("bnm,bmp->np", a, b)),
           add_product_shapes("addbmm"), params=addmm_args),
    OpSpec("addmv", lambda lib, c, a, v, **p: lib.addmv(c, a, v, **p) + c.addmv(a, v),
           lambda c, a, v, beta, alpha: _scaled(beta, alpha, c, a @ v) + c + a @ v,
           add_product_shapes("addmv"), params=addmm_args),
    OpSpec("addr", lambda lib, c, u, v, **p: lib.addr(c, u, v, **p) + c.addr(u, v),
           lambda c, u, v, beta, alpha: _scaled(beta, alpha, c, np.outer(u, v)) + c + np.outer(u, v),
           add_product_shapes("addr"), params=addmm_args),
    # ---- singular values and the norms made of them (inputs kept well conditioned) -------------
    OpSpec("svdvals", lambda lib, x, base: lib.linalg.svdvals(_perturbed(x, base)),
           lambda x, base: np.linalg.svd(base + 0.1 * x, compute_uv=False), MATRICES, ("unit",),
           params=well_conditioned),
    OpSpec("matrix_norm_svd", lambda lib, x, base, **p: lib.linalg.matrix_norm(_perturbed(x, base), **p),
           lambda x, base, ord, dim, keepdim: np.linalg.norm(base + 0.1 * x, ord, axis=dim,
                                                             keepdims=keepdim),
           MATRICES, ("unit",), params=lambda s: svd_norm_args(s, [2, -2, "nuc"])),
    OpSpec("norm_svd_2d", lambda lib, x, base, ord: lib.linalg.norm(_perturbed(x, base), ord)
           + lib.norm(_perturbed(x, base), "nuc"),
           lambda x, base, ord: np.linalg.norm(base + 0.1 * x, ord) + np.linalg.norm(base + 0.1 * x, "nuc"),
           MATRIX_2D, ("unit",),
           params=lambda s: st.tuples(well_conditioned(s), st.sampled_from([2, -2, "nuc"])).map(
               lambda pair: {**pair[0], "ord": pair[1]})),
]

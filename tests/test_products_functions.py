"""inner, tensordot, baddbmm, addbmm, addmv, addr, svdvals and the 2 / -2 / 'nuc' matrix norms:
PyTorch's conventions pinned exactly (beta = 0 and alpha = 0, integer and bool operands, size-1
contracted dims, empty inputs, ties of singular values) and the errors for bad input. The
gradients on random inputs are rows of op_specs_linalg.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import autograd.linalg as L
from autograd.primitive import OpError

NAN, INF = math.nan, math.inf
RNG = np.random.default_rng(0)


def same(mine, theirs, exact=False):
    theirs = theirs.detach().numpy()
    assert mine._data.dtype == theirs.dtype and mine.shape == theirs.shape
    if exact or mine._data.dtype.kind != "f":
        np.testing.assert_array_equal(mine._data, theirs)
    else:
        np.testing.assert_allclose(mine._data, theirs, rtol=1e-5, atol=1e-6)


def pair(*shapes, dtype=np.float64):
    arrays = [RNG.standard_normal(s).astype(dtype) for s in shapes]
    return [ag.tensor(a) for a in arrays], [torch.from_numpy(a.copy()) for a in arrays]


@pytest.mark.parametrize(
    "name", ["inner", "baddbmm", "baddbmm_", "addbmm", "addbmm_", "addmv", "addmv_", "addr", "addr_"]
)
def test_methods_exist(name):
    assert callable(getattr(ag.Tensor, name))


def test_functions_exist():
    for name in ("inner", "tensordot", "baddbmm", "addbmm", "addmv", "addmv_", "addr"):
        assert callable(getattr(ag, name))
    assert callable(L.svdvals) and "svdvals" in L.__all__


# ---- inner and tensordot -----------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize(
    ("shapes", "dims"),
    [
        (((2, 3, 4), (3, 4, 5)), 2),
        (((2, 3), (4,)), 0),
        (((2, 3, 4), (4, 5)), 1),
        (((2, 3, 4), (3, 4, 5)), ([1, 2], [0, 1])),
        (((2, 3, 4), (4, 3, 2)), ([-1, 0], [0, -1])),
        (((2, 3, 4), (5, 4)), [[2], [1]]),
        (((2, 3), (3,)), ([], [])),
    ],
)
def test_tensordot_dims_forms_match_torch(shapes, dims):
    (a, b), (ta, tb) = pair(*shapes)
    same(ag.tensordot(a, b, dims), torch.tensordot(ta, tb, dims))
    same(ag.tensordot(a, b, dims=dims), torch.tensordot(ta, tb, dims=dims))


@requires_torch
def test_tensordot_size_one_dims_broadcast_and_tensor_dims_match_torch():
    (a, b), (ta, tb) = pair((2, 1), (3, 5))
    same(ag.tensordot(a, b, dims=([1], [0])), torch.tensordot(ta, tb, dims=([1], [0])))
    (a, b), (ta, tb) = pair((2, 3, 4), (3, 4, 5))
    same(
        ag.tensordot(a, b, ag.tensor([[1, 2], [0, 1]])),
        torch.tensordot(ta, tb, torch.tensor([[1, 2], [0, 1]])),
    )
    same(ag.tensordot(a, b, ag.tensor(2)), torch.tensordot(ta, tb, torch.tensor(2)))
    same(
        ag.tensordot(ag.tensor(2.0), ag.tensor(3.0), 0),
        torch.tensordot(torch.tensor(2.0), torch.tensor(3.0), 0),
    )
    ints = np.arange(6).reshape(2, 3)
    same(
        ag.tensordot(ag.tensor(ints), ag.tensor(ints.T.copy()), 1),
        torch.tensordot(torch.tensor(ints), torch.tensor(ints.T.copy()), 1),
    )


@requires_torch
def test_inner_matches_torch_for_scalars_integers_and_batches():
    (a, b), (ta, tb) = pair((2, 3, 4), (5, 4))
    same(ag.inner(a, b), torch.inner(ta, tb))
    same(a.inner(b), ta.inner(tb))
    same(ag.inner(ag.tensor(2), ag.ones(3)), torch.inner(torch.tensor(2), torch.ones(3)))
    same(ag.inner(ag.ones(2, 3), ag.tensor(2.0)), torch.inner(torch.ones(2, 3), torch.tensor(2.0)))
    same(
        ag.inner(ag.tensor([1, 2]), ag.tensor([3, 4])),
        torch.inner(torch.tensor([1, 2]), torch.tensor([3, 4])),
    )


def test_inner_and_tensordot_errors():
    with pytest.raises(OpError, match=r"inner: the last dimension must match .* shapes \[2, 1\] and \[3\]"):
        ag.inner(ag.ones(2, 1), ag.ones(3))
    with pytest.raises(
        OpError, match="inner: expected all operands to have the same dtype, got input float32, other float64"
    ):
        ag.inner(ag.ones(3), ag.ones(3, dtype=ag.float64))
    with pytest.raises(TypeError, match=r"inner\(\): argument 'other' must be a Tensor, not int"):
        ag.inner(ag.ones(3), 2)
    a, b = ag.ones(2, 3, 4), ag.ones(3, 4, 5)
    with pytest.raises(OpError, match="tensordot expects dims >= 0, but got dims=-1"):
        ag.tensordot(a, b, -1)
    with pytest.raises(OpError, match="tensordot expects dims < ndim_a or ndim_b, but got dims=4"):
        ag.tensordot(a, b, 4)
    with pytest.raises(OpError, match="tensordot expects dims to be int or .* but got dims=1.5"):
        ag.tensordot(a, b, 1.5)
    with pytest.raises(
        TypeError,
        match=r"tensordot: the dims of a must be a list of ints, got 1. Hint: dims=\(\[1\], \[0\]\)",
    ):
        ag.tensordot(a, b, (1, 0))
    with pytest.raises(OpError, match="both dimension lists should have same length"):
        ag.tensordot(a, b, ([1, 2], [0]))
    with pytest.raises(OpError, match="dim 1 appears multiple times in the list of dims of a"):
        ag.tensordot(a, b, ([1, 1], [0, 1]))
    with pytest.raises(
        IndexError, match=r"Dimension out of range \(expected to be in range of \[-3, 2\], but got 5\)"
    ):
        ag.tensordot(a, b, ([5], [0]))
    with pytest.raises(
        OpError,
        match="contracted dimensions need to match, but first has size 2 in dim 0 "
        "and second has size 3 in dim 0",
    ):
        ag.tensordot(a, b, ([0], [0]))
    with pytest.raises(OpError, match="tensordot: expected all operands to have the same dtype"):
        ag.tensordot(a, b.double(), 2)
    with pytest.raises(OpError, match="tensordot: bool tensors are not supported"):
        ag.tensordot(ag.ones(2, dtype=ag.bool), ag.ones(2, dtype=ag.bool), 1)


# ---- beta * input + alpha * product ------------------------------------------------------------
CALLS = {  # (name, input, operand shapes)
    "baddbmm": ((3, 5), (2, 3, 4), (2, 4, 5)),
    "addbmm": ((3, 5), (2, 3, 4), (2, 4, 5)),
    "addmv": ((3,), (3, 4), (4,)),
    "addr": ((3, 4), (3,), (4,)),
}


@requires_torch
@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize(("beta", "alpha"), [(1, 1), (0.5, -2), (0, 1), (1, 0), (0, 0)])
def test_scaled_products_and_their_nan_conventions_match_torch(name, beta, alpha):
    """beta = 0 ignores a nan input; alpha = 0 ignores a nan product in addbmm/addmv but not in
    baddbmm/addr (PyTorch's CPU kernels)."""
    shapes = CALLS[name]
    (c, x, y), (tc, tx, ty) = pair(*shapes)
    c._data[0], tc[0], x._data[0], tx[0] = NAN, NAN, NAN, NAN
    same(
        getattr(ag, name)(c, x, y, beta=beta, alpha=alpha),
        getattr(torch, name)(tc, tx, ty, beta=beta, alpha=alpha),
    )


@requires_torch
@pytest.mark.parametrize("name", list(CALLS))
def test_scaled_products_gradients_with_zero_scalars_match_torch(name):
    shapes = CALLS[name]
    arrays = [RNG.standard_normal(s) for s in shapes]
    for beta, alpha in [(0, 2), (3, 0)]:
        ours = [ag.tensor(a, requires_grad=True) for a in arrays]
        theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
        getattr(ag, name)(*ours, beta=beta, alpha=alpha).sum().backward()
        getattr(torch, name)(*theirs, beta=beta, alpha=alpha).sum().backward()
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o.grad._data, t.grad.numpy(), rtol=1e-12)


@requires_torch
def test_integer_and_bool_operands_follow_torch():
    i3, i4 = ag.ones(2, 3, 4, dtype=ag.int64), ag.ones(2, 4, 5, dtype=ag.int64)
    t3, t4 = torch.ones(2, 3, 4, dtype=torch.long), torch.ones(2, 4, 5, dtype=torch.long)
    same(
        ag.baddbmm(ag.ones(3, 5, dtype=ag.int64), i3, i4, beta=0.5, alpha=3),  # truncated
        torch.baddbmm(torch.ones(3, 5, dtype=torch.long), t3, t4, beta=0.5, alpha=3),
    )
    same(
        ag.addbmm(ag.ones(3, 5, dtype=ag.int64), i3, i4, beta=2, alpha=2.7),
        torch.addbmm(torch.ones(3, 5, dtype=torch.long), t3, t4, beta=2, alpha=2.7),
    )
    same(
        ag.addmv(
            ag.ones(2, dtype=ag.int64), ag.ones(2, 2, dtype=ag.int64), ag.tensor([1, 1]), beta=0.5, alpha=2.7
        ),
        torch.addmv(
            torch.ones(2, dtype=torch.long),
            torch.ones(2, 2, dtype=torch.long),
            torch.tensor([1, 1]),
            beta=0.5,
            alpha=2.7,
        ),
    )
    u, v = [True, False, True], [True, True]
    for beta, alpha in [(1, 1), (0, 1), (1, 0), (True, False), (2, 3)]:
        same(
            ag.addr(ag.tensor([[False, True]] * 3), ag.tensor(u), ag.tensor(v), beta=beta, alpha=alpha),
            torch.addr(
                torch.tensor([[False, True]] * 3), torch.tensor(u), torch.tensor(v), beta=beta, alpha=alpha
            ),
        )
    same(
        ag.addr(ag.zeros(2, 2), ag.tensor([1.0, 2.0]), ag.tensor([1, 1])),  # addr promotes
        torch.addr(torch.zeros(2, 2), torch.tensor([1.0, 2.0]), torch.tensor([1, 1])),
    )
    same(
        ag.addr(ag.zeros(2, 2, dtype=ag.float64), ag.tensor([1.0, 2.0]), ag.tensor([1.0, 1.0])),
        torch.addr(
            torch.zeros(2, 2, dtype=torch.float64), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0])
        ),
    )


@requires_torch
def test_broadcast_inputs_empty_batches_and_inplace_forms_match_torch():
    (c, x, y), (tc, tx, ty) = pair((2, 1, 1), (2, 3, 4), (2, 4, 5))
    same(ag.baddbmm(c, x, y), torch.baddbmm(tc, tx, ty))
    same(
        ag.addbmm(ag.tensor(1.0), ag.ones(0, 3, 4), ag.ones(0, 4, 5)),
        torch.addbmm(torch.tensor(1.0), torch.ones(0, 3, 4), torch.ones(0, 4, 5)),
    )
    same(
        ag.addmv(ag.tensor([2.0]), ag.ones(3, 2), ag.ones(2)),
        torch.addmv(torch.tensor([2.0]), torch.ones(3, 2), torch.ones(2)),
    )
    for name, shapes in CALLS.items():
        (c, x, y), (tc, tx, ty) = pair(*((shapes[0] if name != "baddbmm" else (2, 3, 5)),) + shapes[1:])
        assert getattr(c, name + "_")(x, y, beta=0.5, alpha=2) is c
        getattr(tc, name + "_")(tx, ty, beta=0.5, alpha=2)
        same(c, tc)


def test_scaled_product_errors():
    b3, b4 = ag.ones(2, 3, 4), ag.ones(2, 4, 5)
    with pytest.raises(
        OpError, match=r"baddbmm: batch1 must be a 3-D tensor \(batch, rows, cols\), got shape \(3, 4\)"
    ):
        ag.baddbmm(ag.ones(3, 5), b3[0], b4)
    with pytest.raises(
        OpError, match="addbmm: batch1 and batch2 must have same number of batches, got 2 and 3"
    ):
        ag.addbmm(ag.ones(3, 5), b3, ag.ones(3, 4, 5))
    with pytest.raises(
        OpError, match=r"baddbmm: batch1 \(2, 3, 4\) and batch2 \(2, 3, 5\) cannot be multiplied"
    ):
        ag.baddbmm(ag.ones(3, 5), b3, ag.ones(2, 3, 5))
    with pytest.raises(
        OpError,
        match=r"baddbmm: input of shape \(4, 5\) does not broadcast to the product's shape \(2, 3, 5\)",
    ):
        ag.baddbmm(ag.ones(4, 5), b3, b4)
    with pytest.raises(
        OpError,
        match=r"addbmm: input of shape \(2, 3, 5\) does not broadcast to the product's shape \(3, 5\)",
    ):
        ag.addbmm(ag.ones(2, 3, 5), b3, b4)
    with pytest.raises(
        OpError,
        match="baddbmm: expected all operands to have the same dtype, got input float64, "
        "batch1 float32, batch2 float32",
    ):
        ag.baddbmm(ag.ones(3, 5, dtype=ag.float64), b3, b4)
    with pytest.raises(OpError, match="baddbmm: bool tensors are not supported"):
        ag.baddbmm(*(ag.ones(1, 2, 2, dtype=ag.bool),) * 3)
    with pytest.raises(OpError, match=r"addmv: vector \+ matrix @ vector expected, got 1-D, 3-D and 1-D"):
        ag.addmv(ag.ones(3), ag.ones(3, 4, 1), ag.ones(4))
    with pytest.raises(OpError, match=r"addmv: size mismatch, got input \(2,\), mat \(3x4\), vec \(4\)"):
        ag.addmv(ag.ones(2), ag.ones(3, 4), ag.ones(4))
    with pytest.raises(OpError, match=r"addr: Expected 1-D argument vec1, but got 2-D \(shape \(3, 1\)\)"):
        ag.addr(ag.ones(3, 4), ag.ones(3, 1), ag.ones(4))
    with pytest.raises(
        OpError, match=r"addr: input of shape \(3, 3\) does not broadcast to the product's shape \(3, 4\)"
    ):
        ag.addr(ag.ones(3, 3), ag.ones(3), ag.ones(4))
    ints = (ag.zeros(2, 2, dtype=ag.int64), ag.tensor([1, 2]), ag.tensor([1, 1]))
    with pytest.raises(
        OpError, match="addr: For integral input tensors, argument alpha must not be a floating point"
    ):
        ag.addr(*ints, alpha=0.5)
    with pytest.raises(OpError, match="addr: Boolean beta only supported for Boolean results"):
        ag.addr(*ints, beta=True)
    with pytest.raises(TypeError, match=r"addmv\(\): argument 'alpha' must be a number, not str"):
        ag.addmv(ag.ones(3), ag.ones(3, 4), ag.ones(4), alpha="2")
    with pytest.raises(TypeError, match=r"addr\(\): argument 'vec2' must be a Tensor, not list"):
        ag.addr(ag.ones(3, 4), ag.ones(3), [1.0] * 4)


# ---- svdvals and the singular-value norms ------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5), (2, 3, 4), (1, 3), (0, 3), (2, 0, 3), (3, 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_svdvals_and_norms_match_torch(shape, dtype):
    (a,), (t,) = pair(shape, dtype=dtype)
    same(L.svdvals(a), torch.linalg.svdvals(t))
    for ord in (2, "nuc"):
        same(L.matrix_norm(a, ord), torch.linalg.matrix_norm(t, ord))
    if 0 not in shape[-2:]:
        same(L.matrix_norm(a, -2, keepdim=True), torch.linalg.matrix_norm(t, -2, keepdim=True))


@requires_torch
@pytest.mark.parametrize(
    ("values", "ord"),
    [
        (np.eye(2) * 3, 2),
        (np.eye(2) * 3, -2),
        (np.zeros((2, 3)), 2),
        (np.zeros((3, 2)), -2),
        (np.diag([2.0, 2.0, 1.0]), 2),
        (np.diag([1.0, -4.0]), 2),
    ],
)
def test_ties_and_zero_singular_values_share_the_gradient_as_torch(values, ord):
    x, t = ag.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    L.matrix_norm(x, ord).backward()
    torch.linalg.matrix_norm(t, ord).backward()
    np.testing.assert_allclose(x.grad._data, t.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("values", [np.ones((2, 2)), np.outer([1.0, 2.0, -1.0], [3.0, 0.5])])
def test_the_nuclear_norm_gradient_at_a_rank_deficient_matrix_is_a_subgradient(values):
    """With a zero singular value, U diag(1) V^T (torch's rule too) depends on the signs LAPACK
    picks for the null vectors, so torch's number is not unique: check what is, that
    G = U1 V1^T + W with U1^T W = 0, W V1 = 0 and ||W||_2 <= 1 (rank-1 inputs: U1, V1 one column)."""
    x = ag.tensor(values, requires_grad=True)
    L.matrix_norm(x, "nuc").backward()
    g = x.grad.numpy()
    u, s, vh = np.linalg.svd(values)
    u1, v1 = u[:, :1], vh[:1].T
    w = g - u1 @ v1.T
    np.testing.assert_allclose(u1.T @ w, 0, atol=1e-12)
    np.testing.assert_allclose(w @ v1, 0, atol=1e-12)
    assert np.linalg.norm(w, 2) <= 1 + 1e-12


@requires_torch
def test_norm_functions_route_nuc_and_2_to_singular_values():
    (a,), (t,) = pair((3, 4, 2))
    same(L.norm(a[0], "nuc"), torch.linalg.norm(t[0], "nuc"))
    same(L.norm(a[0], -2), torch.linalg.norm(t[0], -2))
    same(L.norm(a, 2, dim=(2, 0)), torch.linalg.norm(t, 2, dim=(2, 0)))
    same(ag.norm(a, "nuc", dim=(0, 1), keepdim=True), torch.norm(t, "nuc", dim=(0, 1), keepdim=True))
    same(a[0].norm("nuc"), t[0].norm("nuc"))
    same(
        L.matrix_norm(a.float(), 2, dtype=ag.float64),
        torch.linalg.matrix_norm(t.float(), 2, dtype=torch.float64),
    )
    assert L.matrix_norm(ag.tensor(np.eye(2), requires_grad=True), 2).grad_fn.name() == "AmaxBackward0"
    assert (
        L.svdvals(ag.tensor(np.eye(2), requires_grad=True)).grad_fn.name()
        == torch.linalg.svdvals(torch.eye(2, requires_grad=True)).grad_fn.name()
    )


@requires_torch
def test_svdvals_of_inf_is_nan_and_third_derivatives_are_refused():
    same(
        L.svdvals(ag.tensor([[INF, 1.0], [1.0, 1.0]])),
        torch.linalg.svdvals(torch.tensor([[INF, 1.0], [1.0, 1.0]])),
    )
    x = ag.tensor([[2.0, 1.0], [0.0, 1.0]], dtype=ag.float64, requires_grad=True)
    (g,) = ag.grad(L.svdvals(x).sum(), x, create_graph=True)
    (gg,) = ag.grad((g * g).sum(), x, retain_graph=True)  # second order: fine
    assert gg.shape == (2, 2) and np.isfinite(gg._data).all()
    with pytest.raises(RuntimeError, match="derivatives of the third order and higher are not supported"):
        ag.grad((g * g).sum(), x, create_graph=True)  # a graph of the second derivative


def test_svdvals_and_norm_errors():
    with pytest.raises(
        OpError, match="linalg.svdvals: The input tensor A must have at least 2 dimensions, got shape"
    ):
        L.svdvals(ag.ones(3))
    with pytest.raises(OpError, match="linalg.svdvals: expected a floating point tensor as input, got int64"):
        L.svdvals(ag.ones(2, 2, dtype=ag.int64))
    with pytest.raises(OpError, match="linalg.svdvals: float16 is not supported. Hint: convert"):
        L.svdvals(ag.ones(2, 2, dtype=ag.float16))
    with pytest.raises(
        OpError, match="failed to converge because the input matrix contained non-finite values"
    ):
        L.svdvals(ag.tensor([[NAN, 1.0], [1.0, 1.0]]))
    with pytest.raises(OpError, match="keyword argument `driver=` is only supported on CUDA inputs"):
        L.svdvals(ag.ones(2, 2), driver="gesvd")
    with pytest.raises(TypeError, match=r"linalg.svdvals\(\): argument 'A' must be a Tensor, not list"):
        L.svdvals([[1.0]])
    with pytest.raises(OpError, match="linalg.norm: ord='nuc' is a matrix norm but the input is 1-D"):
        L.norm(ag.ones(3), "nuc")
    with pytest.raises(OpError, match="linalg.matrix_norm: order True is not supported"):
        L.matrix_norm(ag.ones(2, 2), True)

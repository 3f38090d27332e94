"""Products and norms: PyTorch's conventions pinned exactly (zero gradients where a norm is 0,
ties of the inf norms, beta=0 in addmm, dtypes, empty inputs) and the errors for bad input.
The gradients on random inputs are in op_specs_linalg.py."""

import math

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import autograd.linalg as L
from autograd.primitive import OpError

INF = math.inf
ORDS = [2, 1, 0.5, 1.5, 3, INF, -INF, -1, -2.5]


def _pair(values, dtype=np.float64):
    array = np.asarray(values, dtype=dtype)
    return ag.tensor(array, requires_grad=True), torch.tensor(array, requires_grad=True)


# ---- norms: removable singularities, ties and conventions ------------------------------------
@requires_torch
@pytest.mark.parametrize("ord", ORDS)
def test_gradient_of_a_zero_norm_is_zero_like_torch(ord):
    x, t = _pair(np.zeros((2, 3)))
    L.vector_norm(x, ord, dim=1).sum().backward()
    torch.linalg.vector_norm(t, ord, dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(x.grad.detach().numpy(), t.grad.numpy())


@requires_torch
@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, -1])
def test_norm_with_some_zero_entries_matches_torch(ord):
    x, t = _pair([[0.0, 1.5, -2.0], [0.0, 0.0, 0.0]])
    L.vector_norm(x, ord, dim=1).sum().backward()
    torch.linalg.vector_norm(t, ord, dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), t.grad.numpy(), rtol=1e-14, atol=0)


def test_ord_zero_counts_nonzeros_and_has_no_gradient():
    x = ag.tensor([[1.0, 0.0, -2.0], [0.0, 0.0, 3.0]], requires_grad=True)
    n = L.vector_norm(x, 0, dim=1)
    np.testing.assert_array_equal(n.detach().numpy(), [2.0, 1.0])
    assert n.dtype == ag.float32
    n.sum().backward()
    assert x.grad is None  # as torch: ord 0 gives no gradient at all


@requires_torch
def test_inf_norm_ties_share_the_gradient_but_cdist_gives_each_all_of_it():
    x, t = _pair([[1.0, -1.0, 0.5]])
    L.vector_norm(x, INF).backward()
    torch.linalg.vector_norm(t, INF).backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [[0.5, -0.5, 0.0]])
    np.testing.assert_array_equal(x.grad.detach().numpy(), t.grad.numpy())
    x, t = _pair([[1.0, -1.0, 0.5]])
    zero = np.zeros((1, 3))
    ag.cdist(x, ag.tensor(zero), p=INF).sum().backward()
    torch.cdist(t, torch.tensor(zero), p=INF).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [[1.0, -1.0, 0.0]])
    np.testing.assert_array_equal(x.grad.detach().numpy(), t.grad.numpy())


@requires_torch
@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, INF, 0.0])
def test_cdist_of_identical_points_is_zero_with_zero_gradient(p):
    points = [[1.0, 2.0, -1.0], [1.0, 2.0, -1.0], [0.5, 0.0, 2.0]]
    x, t = _pair(points)
    d, td = ag.cdist(x, x, p=p), torch.cdist(t, t, p=p)
    np.testing.assert_allclose(d.detach().numpy(), td.detach().numpy(), rtol=1e-14, atol=0)
    assert d.detach().numpy()[0, 1] == 0 and d.detach().numpy()[0, 0] == 0
    d.sum().backward()
    td.sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy() if x.grad is not None else 0 * t.grad.numpy(),
                               t.grad.numpy(), rtol=1e-14, atol=1e-15)


def test_cdist_is_exact_for_many_points():
    """torch's default switches to |a|^2 + |b|^2 - 2ab above 25 points (a diagonal of ~1e-8):
    ndgrad always subtracts, so a point's distance to itself is exactly 0, gradient too."""
    x = ag.tensor(np.random.default_rng(0).standard_normal((30, 3)), requires_grad=True)
    d = ag.cdist(x, x)
    np.testing.assert_array_equal(d.detach().numpy().diagonal(), np.zeros(30))
    (g,) = ag.grad(d.sum(), [x], create_graph=True)
    assert np.isfinite(g.detach().numpy()).all()


@requires_torch
def test_cdist_batched_broadcast_and_empty():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 1, 4, 3)), rng.standard_normal((5, 2, 3))
    np.testing.assert_allclose(ag.cdist(ag.tensor(a), ag.tensor(b)).detach().numpy(),
                               torch.cdist(torch.tensor(a), torch.tensor(b)).numpy(), rtol=1e-12)
    assert ag.cdist(ag.ones(0, 3), ag.ones(4, 3)).shape == (0, 4)
    np.testing.assert_array_equal(ag.cdist(ag.ones(2, 0), ag.ones(4, 0)).detach().numpy(), np.zeros((2, 4)))


@requires_torch
def test_matrix_norms_match_torch_including_ties():
    a = np.array([[1.0, -2.0], [-2.0, 1.0], [0.0, 0.0]])  # equal column sums: a tie
    for ord in ["fro", 1, -1, INF, -INF]:
        for dim in [(-2, -1), (1, 0)]:
            x, t = _pair(a)
            out, expected = L.matrix_norm(x, ord, dim), torch.linalg.matrix_norm(t, ord, dim)
            np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-14)
            out.backward()
            expected.backward()
            np.testing.assert_allclose(x.grad.detach().numpy(), t.grad.numpy(), rtol=1e-14)


@requires_torch
def test_norm_shapes_dtypes_and_dims_match_torch():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 10
    x, t = ag.tensor(a), torch.tensor(a)
    cases = [
        lambda lib, v: lib.linalg.vector_norm(v, dim=()),
        lambda lib, v: lib.linalg.vector_norm(v, 3, dim=(0, 2), keepdim=True),
        lambda lib, v: lib.linalg.vector_norm(v, keepdim=True),
        lambda lib, v: lib.linalg.vector_norm(v, dtype=lib.float64),
        lambda lib, v: lib.linalg.matrix_norm(v, keepdim=True),
        lambda lib, v: lib.linalg.matrix_norm(v, -INF, dim=(0, 2)),
        lambda lib, v: lib.linalg.norm(v),
        lambda lib, v: lib.linalg.norm(v, 1, dim=-1),
        lambda lib, v: lib.linalg.norm(v[0], INF),
        lambda lib, v: lib.linalg.norm(v[0, 0], 0.5),
        lambda lib, v: lib.linalg.norm(v, dim=(2, 0)),
        lambda lib, v: lib.norm(v),
        lambda lib, v: lib.norm(v, 3, 1, True),
        lambda lib, v: lib.norm(v, "fro", (0, 1)),
        lambda lib, v: lib.norm(v, None),
        lambda lib, v: v.norm(p=1, dim=2),
        lambda lib, v: v.dist(v * 0.5, 3),
        lambda lib, v: lib.linalg.vector_norm(v[0, 0, 0], dim=0),
    ]
    for case in cases:
        mine, theirs = case(ag, x), case(torch, t)
        assert mine.shape == tuple(theirs.shape)
        assert str(mine.dtype) == str(theirs.dtype)
        np.testing.assert_allclose(mine.detach().numpy(), theirs.numpy(), rtol=1e-6)


@requires_torch
def test_empty_inputs_like_torch():
    assert L.vector_norm(ag.ones(0)).item() == 0
    assert L.vector_norm(ag.ones(2, 0), INF, dim=0).shape == (0,)
    assert L.matrix_norm(ag.ones(0, 3), 1).item() == 0 == torch.linalg.matrix_norm(torch.ones(0, 3), 1)
    assert L.matrix_norm(ag.ones(0, 3), INF).item() == 0
    with pytest.raises(OpError, match="cannot compute the inf norm: the tensor is empty"):
        L.vector_norm(ag.ones(0), INF)
    with pytest.raises(OpError, match=r"cannot compute the -1 norm: dim 1 is empty \(shape \(2, 0\)\)"):
        L.vector_norm(ag.ones(2, 0), -1, dim=1)
    with pytest.raises(OpError, match="empty matrix"):
        L.matrix_norm(ag.ones(3, 0), -1)


def test_float32_stays_float32():
    x = ag.ones(2, 3, requires_grad=True)
    for out in (L.vector_norm(x, 3), L.matrix_norm(x, 1), ag.cdist(x, x), ag.dist(x, x * 2)):
        assert out.dtype == ag.float32
    L.vector_norm(x).backward()
    assert x.grad.dtype == ag.float32


def test_linalg_is_a_namespace_module():
    assert L.norm is not ag.norm
    assert set(L.__all__) >= {"norm", "vector_norm", "matrix_norm", "matmul"}


def test_norm_errors():
    x = ag.ones(2, 3)
    with pytest.raises(OpError, match=r"linalg.vector_norm: expected a floating point .* int64"):
        L.vector_norm(ag.tensor([1, 2]))
    with pytest.raises(OpError, match="norm: expected a floating point"):
        ag.norm(ag.tensor([1, 2]))
    with pytest.raises(TypeError, match="ord must be a number.*'fro' and 'nuc' are matrix norms"):
        L.vector_norm(x, "fro")
    with pytest.raises(OpError, match="dtype must be floating point, got int64"):
        L.vector_norm(x, dtype=ag.int64)
    with pytest.raises(OpError, match="float64 can't be converted to dtype=float32 without narrowing"):
        L.vector_norm(x.double(), dtype=ag.float32)
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        L.vector_norm(x, dim=2)
    with pytest.raises(OpError, match="repeats a dimension"):
        L.vector_norm(x, dim=(0, 0))
    with pytest.raises(OpError, match="matrix_norm: order 3 is not supported"):
        L.matrix_norm(x, 3)
    with pytest.raises(OpError, match="matrix_norm: order 'abc' is not supported.*'nuc', 2, -2"):
        L.matrix_norm(x, "abc")
    with pytest.raises(OpError, match="expected a floating point tensor as input, got int64"):
        L.matrix_norm(ag.ones(2, 2, dtype=ag.int64), "nuc")
    with pytest.raises(OpError, match="cannot compute the -2 norm of an empty matrix"):
        L.matrix_norm(ag.ones(0, 3), -2)
    with pytest.raises(OpError, match="at least 2 dims, got shape \\(3,\\)"):
        L.matrix_norm(ag.ones(3))
    with pytest.raises(OpError, match="dims must be different"):
        L.matrix_norm(x, dim=(0, -2))
    with pytest.raises(OpError, match="dim must be a 2-tuple"):
        L.matrix_norm(x, dim=0)
    with pytest.raises(OpError, match="must be 1-D or 2-D, got shape \\(2, 2, 2\\)"):
        L.norm(ag.ones(2, 2, 2), 2)
    with pytest.raises(OpError, match="is a matrix norm but dim=1 names one dim"):
        L.norm(x, "fro", dim=1)
    with pytest.raises(OpError, match="dim must name 1 or 2 dims"):
        L.norm(x, dim=(0, 1, 1))
    with pytest.raises(OpError, match="norm: p='fro' with dim=\\(0, 1, 2\\) is not supported"):
        ag.norm(ag.ones(2, 2, 2), "fro", dim=(0, 1, 2))
    with pytest.raises(OpError, match="p='abc'"):
        ag.norm(x, "abc")
    with pytest.raises(TypeError, match=r"dist\(\): argument 'other' must be a Tensor, not float"):
        ag.dist(x, 1.0)


def test_cdist_errors():
    with pytest.raises(OpError, match="x1 must have at least 2 dims"):
        ag.cdist(ag.ones(3), ag.ones(3))
    with pytest.raises(OpError, match="same number of columns"):
        ag.cdist(ag.ones(2, 3), ag.ones(4, 2))
    with pytest.raises(OpError, match="p must be a non-negative number, got -1"):
        ag.cdist(ag.ones(2, 3), ag.ones(4, 3), p=-1)
    with pytest.raises(OpError, match="only floating dtypes are supported, x1 is int64"):
        ag.cdist(ag.ones(2, 3).long(), ag.ones(4, 3).long())
    with pytest.raises(OpError, match="x1 is float32 but x2 is float64"):
        ag.cdist(ag.ones(2, 3), ag.ones(4, 3).double())
    with pytest.raises(OpError, match="batch dims .* do not broadcast"):
        ag.cdist(ag.ones(2, 2, 3), ag.ones(3, 4, 3))
    with pytest.raises(ValueError, match="compute_mode='bad'"):
        ag.cdist(ag.ones(2, 3), ag.ones(4, 3), compute_mode="bad")


# ---- products ------------------------------------------------------------------------------
@requires_torch
def test_einsum_forms_values_and_gradients_match_torch():
    rng = np.random.default_rng(2)
    a, b, c = rng.standard_normal((3, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)
    cases = [
        lambda lib, a, b, c: lib.einsum("ij,jk", [a, b]),
        lambda lib, a, b, c: lib.einsum(a, [0, 1], b, [1, 2], [0, 2]),
        lambda lib, a, b, c: lib.einsum(a, [Ellipsis, 0], [Ellipsis]),
        lambda lib, a, b, c: lib.einsum("ii,ij,j->", a, b, c),
        lambda lib, a, b, c: lib.einsum("Ba,aC->CB", a, b),
        lambda lib, a, b, c: lib.einsum("i...->...", b),
        lambda lib, a, b, c: lib.einsum("...,...->...", c, b),
    ]
    for case in cases:
        mine = [ag.tensor(v, requires_grad=True) for v in (a, b, c)]
        theirs = [torch.tensor(v, requires_grad=True) for v in (a, b, c)]
        out, expected = case(ag, *mine), case(torch, *theirs)
        assert out.shape == tuple(expected.shape)
        np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
        out.sum().backward()
        expected.sum().backward()
        for x, t in zip(mine, theirs):
            if t.grad is None:
                assert x.grad is None
            else:
                np.testing.assert_allclose(x.grad.detach().numpy(), t.grad.numpy(), rtol=1e-12)


@requires_torch
def test_einsum_integer_dtypes_and_empty():
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    out = ag.einsum("ij,kj->ik", ag.tensor(a), ag.tensor(a))
    assert out.dtype == ag.int64
    np.testing.assert_array_equal(out.numpy(), torch.einsum("ij,kj->ik", torch.tensor(a), torch.tensor(a)))
    assert ag.einsum("i->", ag.ones(0)).item() == 0
    x = ag.ones(0, 3, requires_grad=True)
    ag.einsum("ij,j->i", x, ag.ones(3)).sum().backward()
    assert x.grad.shape == (0, 3)


def test_einsum_second_derivative_of_a_diagonal():
    """d^2/dA^2 of sum(diag(A)^2): the backward einsum of ``ii->i`` is differentiable again."""
    A = ag.tensor(np.arange(9.0).reshape(3, 3), requires_grad=True)
    (g,) = ag.grad((ag.einsum("ii->i", A) ** 2).sum(), [A], create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), np.diag([0.0, 8.0, 16.0]))
    g.sum().backward()
    np.testing.assert_array_equal(A.grad.detach().numpy(), 2 * np.eye(3))


@pytest.mark.parametrize("call, message", [
    (lambda: ag.einsum("ij,jk", ag.ones(2, 3)), "has 2 operand term\\(s\\) but 1 operand\\(s\\)"),
    (lambda: ag.einsum("i1", ag.ones(2, 3)), "invalid subscript '1'"),
    (lambda: ag.einsum("ii->ii", ag.ones(3, 3)), "output subscript 'i' appears more than once"),
    (lambda: ag.einsum("ij->k", ag.ones(3, 3)), "output subscript 'k' .* does not appear"),
    (lambda: ag.einsum("ij", ag.ones(3)), "operand 0 has shape \\(3,\\) \\(1 dims\\) but its "
     "subscripts 'ij' name 2 dims and there is no ellipsis"),
    (lambda: ag.einsum("ii", ag.ones(2, 3)), "'i' is repeated in operand 0 .* sizes 2 and 3"),
    (lambda: ag.einsum("i,i", ag.ones(2), ag.ones(3)), "'i' has size 3 in operand 1"),
    (lambda: ag.einsum("i,i", ag.ones(2), ag.ones(2).double()), "different dtypes float32, float64"),
    (lambda: ag.einsum("i....", ag.ones(2)), "not part of one ellipsis"),
    (lambda: ag.einsum("i->->i", ag.ones(2)), "more than one '->'"),
    (lambda: ag.einsum("i", ag.ones(2).bool()), "bool operands"),
    (lambda: ag.einsum("ij->j"), "needs at least one operand"),
    (lambda: ag.einsum("i", 3), "operand 0 must be a Tensor"),
    (lambda: ag.einsum(ag.ones(2, 3), [0, 52]), "not an int in \\[0, 52\\)"),
    (lambda: ag.dot(ag.ones(2, 2), ag.ones(2)), "dot: 1-D tensors expected, got 2-D and 1-D"),
    (lambda: ag.dot(ag.ones(2), ag.ones(3)), "dot: sizes differ, 2 and 3"),
    (lambda: ag.dot(ag.ones(2), ag.ones(2).double()), "dot: operands have different dtypes"),
    (lambda: ag.mv(ag.ones(2, 2), ag.ones(3)), "mv: size mismatch"),
    (lambda: ag.mv(ag.ones(2), ag.ones(2)), "mv: expected a 2-D matrix and a 1-D vector"),
    (lambda: ag.bmm(ag.ones(2, 2), ag.ones(2, 2)), "bmm: both operands must be 3-D"),
    (lambda: ag.bmm(ag.ones(2, 2, 3), ag.ones(3, 3, 2)), "mat2 must start with \\(batch, cols\\)"),
    (lambda: ag.addmm(ag.ones(2, 2), ag.ones(2, 4), ag.ones(4, 3)), "input of shape \\(2, 2\\) does "
     "not broadcast to the product's shape \\(2, 3\\)"),
    (lambda: ag.addmm(ag.ones(2, 3), ag.ones(4), ag.ones(4, 3)), "mat1 must be a matrix"),
    (lambda: ag.addmm(ag.ones(2, 3), ag.ones(2, 4), ag.ones(5, 3)), "cannot be multiplied \\(2x4 and 5x3\\)"),
    (lambda: L.vecdot(ag.ones(2), ag.ones(2).double()), "vecdot: operands have different dtypes"),
    (lambda: L.vecdot(ag.tensor([1, 2]), ag.tensor([1, 2])), "vecdot: expected floating point .* int64"),
    (lambda: L.vecdot(ag.ones(2, 3), ag.ones(2, 3), dim=2), "dim 2 is out of range"),
    (lambda: ag.outer(ag.ones(2, 2), ag.ones(3)), "outer: expected 1-D argument input"),
    (lambda: ag.ger(ag.ones(2), ag.tensor(1.0)), "ger: expected 1-D argument vec2"),
])
def test_product_errors(call, message):
    with pytest.raises((OpError, TypeError, ValueError, IndexError), match=message):
        call()


@requires_torch
def test_addmm_beta_zero_ignores_the_input_and_alpha_zero_the_product():
    nan = np.full((2, 3), np.nan)
    x, t = _pair(nan)
    m1, tm1 = _pair(np.ones((2, 4)))
    m2 = np.ones((4, 3))
    out = ag.addmm(x, m1, ag.tensor(m2), beta=0, alpha=2)
    expected = torch.addmm(t, tm1, torch.tensor(m2), beta=0, alpha=2)
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), t.grad.numpy())
    np.testing.assert_array_equal(m1.grad.detach().numpy(), tm1.grad.numpy())
    bad = ag.tensor(nan[:, :1].repeat(4, 1))
    out = ag.addmm(ag.ones(3, dtype=ag.float64), bad, ag.tensor(m2), alpha=0)
    np.testing.assert_array_equal(out.detach().numpy(), np.ones((2, 3)))


@requires_torch
def test_addmm_in_place_and_integers_like_torch():
    a, m1, m2 = np.arange(6).reshape(2, 3), np.ones((2, 4), np.int64), np.ones((4, 3), np.int64)
    mine = ag.addmm(ag.tensor(a), ag.tensor(m1), ag.tensor(m2), beta=0.5)
    theirs = torch.addmm(torch.tensor(a), torch.tensor(m1), torch.tensor(m2), beta=0.5)
    assert mine.dtype == ag.int64
    np.testing.assert_array_equal(mine.detach().numpy(), theirs.numpy())
    c = ag.zeros(2, 2)
    assert c.addmm_(ag.ones(2, 3), ag.ones(3, 2), alpha=2) is c
    np.testing.assert_array_equal(c.detach().numpy(), np.full((2, 2), 6.0))

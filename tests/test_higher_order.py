"""Gradients of gradients (create_graph=True): analytic values, PyTorch's values, Hessian-vector
products of an MLP loss, and ag.gradgradcheck."""

import numpy as np
import pytest

import autograd as ag

RNG = np.random.default_rng(1234)


def leaf(array):
    return ag.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def second_derivative(fn, values):
    """d^2/dx^2 of an elementwise fn, via grad of (grad of sum)."""
    x = leaf(values)
    (g,) = ag.grad(fn(x).sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    (gg,) = ag.grad(g.sum(), x)
    return g.detach().numpy(), gg.detach().numpy()


def hvp(fn, x_values, v_values, weights=None):
    """(H v) for the scalar sum(weights * fn(x)) in ndgrad."""
    x = leaf(x_values)
    out = fn(x)
    scalar = (out * ag.tensor(weights)).sum() if weights is not None else out.sum()
    (g,) = ag.grad(scalar, x, create_graph=True)
    (hv,) = ag.grad((g * ag.tensor(v_values)).sum(), x)
    return hv.detach().numpy()


def torch_hvp(fn, x_values, v_values, weights=None):
    torch = pytest.importorskip("torch")
    x = torch.tensor(x_values, dtype=torch.float64, requires_grad=True)
    out = fn(x)
    scalar = (out * torch.tensor(weights)).sum() if weights is not None else out.sum()
    (g,) = torch.autograd.grad(scalar, x, create_graph=True)
    (hv,) = torch.autograd.grad((g * torch.tensor(v_values)).sum(), x)
    return hv.numpy()


X = np.array([-1.5, -0.3, 0.4, 1.1, 2.0])


# ---- elementwise: analytic ---------------------------------------------------------------
@pytest.mark.parametrize(("fn", "d1", "d2"), [
    (lambda x: x ** 3, lambda x: 3 * x ** 2, lambda x: 6 * x),
    (lambda x: x.sin(), np.cos, lambda x: -np.sin(x)),
    (lambda x: x.exp() * x, lambda x: np.exp(x) * (1 + x), lambda x: np.exp(x) * (2 + x)),
    (lambda x: x.tanh(), lambda x: 1 - np.tanh(x) ** 2,
     lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    (lambda x: 1 / (1 + x * x), lambda x: -2 * x / (1 + x * x) ** 2,
     lambda x: (6 * x * x - 2) / (1 + x * x) ** 3),
], ids=["cube", "sin", "x_exp", "tanh", "rational"])
def test_second_derivative_matches_analytic(fn, d1, d2):
    g, gg = second_derivative(fn, X)
    np.testing.assert_allclose(g, d1(X), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gg, d2(X), rtol=1e-12, atol=1e-14)


def test_third_derivative_of_cube_is_six():
    x = leaf([0.5, -2.0])
    (g,) = ag.grad((x ** 3).sum(), x, create_graph=True)
    (gg,) = ag.grad(g.sum(), x, create_graph=True)
    (ggg,) = ag.grad(gg.sum(), x)
    np.testing.assert_allclose(gg.detach().numpy(), [3.0, -12.0])
    np.testing.assert_allclose(ggg.detach().numpy(), [6.0, 6.0])


def test_backward_create_graph_makes_dot_grad_differentiable():
    """As in PyTorch: x.grad = 3x^2 with a graph; its backward gives 6x."""
    x = leaf(2.0)
    (x ** 3).backward(create_graph=True)
    g = x.grad
    assert g.item() == 12.0 and g.requires_grad
    x.grad = None
    g.backward()
    assert x.grad.item() == 12.0


def test_grad_without_create_graph_is_not_differentiable():
    x = leaf([1.0, 2.0])
    (g,) = ag.grad((x ** 3).sum(), x)
    assert not g.requires_grad and g.grad_fn is None


def test_mixed_partial_derivative():
    """f(x, y) = x^2 y^3: d/dy (df/dx) = 6 x y^2."""
    x, y = leaf(1.5), leaf(-2.0)
    (gx,) = ag.grad(x * x * y ** 3, x, create_graph=True)
    (gxy,) = ag.grad(gx, y)
    assert gxy.item() == pytest.approx(6 * 1.5 * 4.0, rel=1e-14)


# ---- vector functions: analytic and PyTorch --------------------------------------------
V = np.array([0.3, -1.0, 2.0, 0.5, -0.7])
W = np.array([1.0, 2.0, -0.5, 0.25, 3.0])


def test_logsumexp_hessian_is_diag_p_minus_ppT():
    p = np.exp(X - np.log(np.exp(X).sum()))
    expected = p * V - p * (p @ V)
    np.testing.assert_allclose(hvp(lambda x: x.logsumexp(0), X, V), expected, rtol=1e-12)


def test_log_softmax_hessian():
    """sum(w * log_softmax(x)) = w.x - sum(w) lse(x), so H v = -sum(w) (p v - p (p.v))."""
    p = np.exp(X - np.log(np.exp(X).sum()))
    expected = -W.sum() * (p * V - p * (p @ V))
    np.testing.assert_allclose(hvp(lambda x: x.log_softmax(0), X, V, W), expected, rtol=1e-12)


def test_var_hessian():
    """var = |x - mean|^2 / (n - 1): H v = 2 (v - mean(v)) / (n - 1)."""
    expected = 2 * (V - V.mean()) / (len(X) - 1)
    np.testing.assert_allclose(hvp(lambda x: x.var(), X, V), expected, rtol=1e-12)


@pytest.mark.parametrize(("ours", "theirs"), [
    (lambda x: x.softmax(0), lambda x: x.softmax(0)),
    (lambda x: x.log_softmax(0), lambda x: x.log_softmax(0)),
    (lambda x: x.logsumexp(0), lambda x: x.logsumexp(0)),
    (lambda x: x.var(), lambda x: x.var()),
    (lambda x: x.std(), lambda x: x.std()),
    (lambda x: x.sigmoid() * x.exp(), lambda x: x.sigmoid() * x.exp()),
    (lambda x: (x.reshape(5, 1) * x).softmax(1), lambda x: (x.reshape(5, 1) * x).softmax(1)),
    (lambda x: x.max(0).values * x, lambda x: x.max(0).values * x),
], ids=["softmax", "log_softmax", "logsumexp", "var", "std", "sigmoid_exp", "softmax_2d", "max"])
def test_hvp_matches_torch(ours, theirs):
    weights = W if ours(leaf(X)).shape == W.shape else None
    np.testing.assert_allclose(hvp(ours, X, V, weights), torch_hvp(theirs, X, V, weights),
                               rtol=1e-10, atol=1e-12)


def test_matmul_chain_hvp_analytic_and_torch():
    """f(X) = sum(A X X B) = u^T X X w with u = A^T 1, w = B 1; H[V] = u (V w)^T + V^T u w^T."""
    A, B = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))
    X0, V0 = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))
    x = leaf(X0)
    (g,) = ag.grad((ag.tensor(A) @ x @ x @ ag.tensor(B)).sum(), x, create_graph=True)
    (hv,) = ag.grad((g * ag.tensor(V0)).sum(), x)
    u, w = A.T @ np.ones(2), B @ np.ones(4)
    np.testing.assert_allclose(g.detach().numpy(), np.outer(u, X0 @ w) + np.outer(X0.T @ u, w), rtol=1e-12)
    np.testing.assert_allclose(hv.detach().numpy(), np.outer(u, V0 @ w) + np.outer(V0.T @ u, w), rtol=1e-12)

    torch = pytest.importorskip("torch")
    xt = torch.tensor(X0, requires_grad=True)
    (gt,) = torch.autograd.grad((torch.tensor(A) @ xt @ xt @ torch.tensor(B)).sum(), xt,
                                create_graph=True)
    (hvt,) = torch.autograd.grad((gt * torch.tensor(V0)).sum(), xt)
    np.testing.assert_allclose(hv.detach().numpy(), hvt.numpy(), rtol=1e-12, atol=1e-12)


# ---- the acceptance point: Hessian-vector products of an MLP loss -------------------------
SIZES = (4, 8, 3)
BATCH = 6


def mlp_data():
    rng = np.random.default_rng(7)
    params = [rng.standard_normal((4, 8)) * 0.7, rng.standard_normal(8) * 0.1,
              rng.standard_normal((8, 3)) * 0.7, rng.standard_normal(3) * 0.1]
    vectors = [rng.standard_normal(p.shape) for p in params]
    inputs = rng.standard_normal((BATCH, 4))
    targets = rng.integers(0, 3, size=BATCH)
    return params, vectors, inputs, targets


def mlp_loss(lib, params, inputs, targets):
    """Cross-entropy of a tanh MLP, written with log_softmax and gather (same code for both)."""
    w1, b1, w2, b2 = params
    logits = (inputs @ w1 + b1).tanh() @ w2 + b2
    return -logits.log_softmax(dim=1).gather(1, targets.reshape(-1, 1)).mean()


def ndgrad_mlp_hvp(params, vectors, inputs, targets):
    ps = [leaf(p) for p in params]
    loss = mlp_loss(ag, ps, ag.tensor(inputs), ag.tensor(targets))
    grads = ag.grad(loss, ps, create_graph=True)
    dot = sum((g * ag.tensor(v)).sum() for g, v in zip(grads, vectors))
    return loss.item(), [g.detach().numpy() for g in grads], [h.detach().numpy() for h in ag.grad(dot, ps)]


def test_mlp_hvp_matches_torch_to_1e_10():
    torch = pytest.importorskip("torch")
    params, vectors, inputs, targets = mlp_data()
    loss, grads, hv = ndgrad_mlp_hvp(params, vectors, inputs, targets)

    ps = [torch.tensor(p, requires_grad=True) for p in params]
    loss_t = mlp_loss(torch, ps, torch.tensor(inputs), torch.tensor(targets))
    grads_t = torch.autograd.grad(loss_t, ps, create_graph=True)
    dot_t = sum((g * torch.tensor(v)).sum() for g, v in zip(grads_t, vectors))
    hv_t = torch.autograd.grad(dot_t, ps)

    assert loss == pytest.approx(loss_t.item(), abs=1e-12)
    for ours, theirs in zip(grads, grads_t):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=0, atol=1e-12)
    for ours, theirs in zip(hv, hv_t):
        assert np.abs(theirs.numpy()).max() > 1e-3  # a non-trivial product
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=0, atol=1e-10)


def test_mlp_hvp_matches_finite_differences_of_the_gradient():
    """Without torch: H v ~ (grad(p + e v) - grad(p - e v)) / 2e."""
    params, vectors, inputs, targets = mlp_data()
    _, _, hv = ndgrad_mlp_hvp(params, vectors, inputs, targets)
    eps = 1e-5
    shifted = []
    for sign in (1, -1):
        ps = [leaf(p + sign * eps * v) for p, v in zip(params, vectors)]
        loss = mlp_loss(ag, ps, ag.tensor(inputs), ag.tensor(targets))
        shifted.append([g.detach().numpy() for g in ag.grad(loss, ps)])
    for ours, plus, minus in zip(hv, *shifted):
        np.testing.assert_allclose(ours, (plus - minus) / (2 * eps), rtol=1e-5, atol=1e-8)


# ---- gradgradcheck -----------------------------------------------------------------------
@pytest.mark.parametrize(("fn", "shapes"), [
    (lambda x: x.tanh() * x.sigmoid(), [(3, 2)]),
    (lambda x: x.softmax(dim=1), [(2, 4)]),
    (lambda x: x.log_softmax(dim=0), [(3, 2)]),
    (lambda x: x.logsumexp(dim=1), [(2, 3)]),
    (lambda x: x.var(dim=0), [(4, 2)]),
    (lambda a, b: (a @ b).sin(), [(2, 3), (3, 2)]),
    (lambda a, b: a / b.exp() + a ** 3, [(2, 3), (3,)]),
    (lambda x: x.gather(1, ag.tensor([[0, 2], [1, 1]])) ** 2, [(2, 3)]),
    (lambda x: x[[0, 0, 1]].cos(), [(3,)]),
], ids=["tanh_sigmoid", "softmax", "log_softmax", "logsumexp", "var", "matmul_sin", "div_pow",
        "gather", "index"])
def test_gradgradcheck_passes(fn, shapes):
    inputs = [leaf(RNG.uniform(0.5, 1.5, shape)) for shape in shapes]
    assert ag.gradgradcheck(fn, inputs, raise_exception=True)


class DetachedSquare(ag.Primitive):
    """x^2 whose backward is right to first order but not differentiable (it reads raw data)."""

    saved_inputs = (0,)

    def forward(self, x):
        return x * x

    def backward(self, g):
        return (g * (2 * np.asarray(self.input(0))),)


def test_gradgradcheck_catches_a_non_differentiable_backward():
    x = leaf([0.5, 1.5])
    assert ag.gradcheck(DetachedSquare.apply, [x])
    assert not ag.gradgradcheck(DetachedSquare.apply, [x])

"""Layers against PyTorch (outputs, gradients, running statistics) and gradcheck in float64."""

import numpy as np
import pytest
from conftest import requires_torch, to_torch, torch

import autograd as ag
import nn
import nn.functional as F


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def copy_parameters(ours, theirs):
    """Give the torch module our parameters and buffers (same names)."""
    with torch.no_grad():
        for name, value in ours.state_dict().items():
            theirs.state_dict()[name].copy_(torch.from_numpy(np.array(value.detach().numpy())))


def run_both(ours, theirs, x, upstream_seed=1):
    """Forward and backward with the same input and upstream gradient; returns outputs and
    the input gradient of each."""
    xt = to_torch(x, requires_grad=True)
    x = ag.tensor(x, requires_grad=True)
    out, out_t = ours(x), theirs(xt)
    g = randn(*out.shape, seed=upstream_seed)
    out.backward(ag.tensor(g))
    out_t.backward(torch.from_numpy(g))
    return out, out_t, x.grad, xt.grad


def assert_close(a, b, **kw):
    kw.setdefault("rtol", 1e-10)
    kw.setdefault("atol", 1e-12)
    np.testing.assert_allclose(np.asarray(a.detach().numpy() if hasattr(a, "data") else a),
                               b.detach().numpy() if hasattr(b, "detach") else b, **kw)


# ---- Linear ----------------------------------------------------------------------------------
def test_linear_init_bounds_follow_pytorch():
    ag.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert p.dtype == ag.float32
        assert np.abs(p.detach().numpy()).max() <= bound and np.abs(p.detach().numpy()).max() > 0.95 * bound
    assert abs(layer.weight.detach().numpy().std() - bound / np.sqrt(3)) < 0.01 * bound


def test_linear_init_is_seeded():
    ag.manual_seed(3)
    a = nn.Linear(4, 4).weight.detach().numpy().copy()
    ag.manual_seed(3)
    np.testing.assert_array_equal(a, nn.Linear(4, 4).weight.detach().numpy())


@requires_torch
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_pytorch(bias):
    ours = nn.Linear(5, 3, bias=bias).double()
    theirs = torch.nn.Linear(5, 3, bias=bias).double()
    copy_parameters(ours, theirs)
    out, out_t, gx, gx_t = run_both(ours, theirs, randn(4, 2, 5))
    assert_close(out, out_t)
    assert_close(gx, gx_t)
    assert_close(ours.weight.grad, theirs.weight.grad)
    if bias:
        assert_close(ours.bias.grad, theirs.bias.grad)


def test_linear_gradcheck_and_wrong_features():
    w, b = ag.tensor(randn(3, 4), requires_grad=True), ag.tensor(randn(3), requires_grad=True)
    assert ag.gradcheck(F.linear, (ag.tensor(randn(2, 4), requires_grad=True), w, b))
    with pytest.raises(ag.OpError, match=r"\(2, 5\).*in_features"):
        nn.Linear(4, 3)(ag.ones(2, 5))


# ---- activations ------------------------------------------------------------------------------
ACTIVATIONS = [
    lambda lib: lib.nn.ReLU(), lambda lib: lib.nn.LeakyReLU(0.1), lambda lib: lib.nn.ELU(0.7),
    lambda lib: lib.nn.GELU(), lambda lib: lib.nn.GELU(approximate="tanh"),
    lambda lib: lib.nn.SiLU(), lambda lib: lib.nn.Sigmoid(), lambda lib: lib.nn.Tanh(),
    lambda lib: lib.nn.Softplus(), lambda lib: lib.nn.Softplus(beta=2.0, threshold=3.0),
    lambda lib: lib.nn.Softmax(dim=1), lambda lib: lib.nn.LogSoftmax(dim=0),
]


class _Ours:
    nn = nn


def away_from_kinks(shape, seed=0):
    x = randn(*shape, seed=seed) * 3
    return np.where(np.abs(x) < 0.05, 0.5, x)


@requires_torch
@pytest.mark.parametrize("make", ACTIVATIONS)
def test_activation_matches_pytorch(make):
    out, out_t, gx, gx_t = run_both(make(_Ours), make(torch), away_from_kinks((6, 5)))
    assert_close(out, out_t)
    assert_close(gx, gx_t)


@pytest.mark.parametrize("make", ACTIVATIONS)
def test_activation_gradcheck(make):
    layer = make(_Ours)
    assert ag.gradcheck(layer, (ag.tensor(away_from_kinks((3, 4)), requires_grad=True),),
                        raise_exception=True)


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(ag.ones(2), approximate="fast")


# ---- BatchNorm1d ----------------------------------------------------------------------------
BN_CASES = [
    ({}, (8, 3)), ({}, (6, 3, 4)), ({"momentum": None}, (8, 3)), ({"affine": False}, (5, 3)),
    ({"track_running_stats": False}, (5, 3)), ({"eps": 1e-2, "momentum": 0.3}, (4, 3, 2)),
]


@requires_torch
@pytest.mark.parametrize(("options", "shape"), BN_CASES)
def test_batchnorm_matches_pytorch_in_training_and_eval(options, shape):
    ours = nn.BatchNorm1d(3, **options).double()
    theirs = torch.nn.BatchNorm1d(3, **options).double()
    if ours.weight is not None:
        with ag.no_grad():
            ours.weight.copy_(ag.tensor(randn(3, seed=5) + 1))
            ours.bias.copy_(ag.tensor(randn(3, seed=6)))
    copy_parameters(ours, theirs)
    for step in range(3):  # training steps move the running statistics
        x = randn(*shape, seed=10 + step) * 2 + 1
        out, out_t, gx, gx_t = run_both(ours, theirs, x, upstream_seed=step)
        assert_close(out, out_t, rtol=1e-9)
        assert_close(gx, gx_t, rtol=1e-8, atol=1e-10)
    for name, value in ours.state_dict().items():
        assert_close(value, theirs.state_dict()[name], err_msg=name)
    if ours.weight is not None:
        assert_close(ours.weight.grad, theirs.weight.grad, rtol=1e-9)
        assert_close(ours.bias.grad, theirs.bias.grad, rtol=1e-9)
    ours.eval()
    theirs.eval()
    out, out_t, gx, gx_t = run_both(ours, theirs, randn(*shape, seed=20))
    assert_close(out, out_t, rtol=1e-9)
    assert_close(gx, gx_t, rtol=1e-9)


def test_batchnorm_running_variance_is_unbiased():
    bn = nn.BatchNorm1d(1, momentum=1.0)
    bn(ag.tensor([[1.0], [2.0], [3.0], [6.0]]))
    assert bn.running_mean.item() == pytest.approx(3.0)
    assert bn.running_var.item() == pytest.approx(np.var([1, 2, 3, 6], ddof=1))
    assert bn.num_batches_tracked.item() == 1 and bn.num_batches_tracked.dtype == ag.int64


def test_batchnorm_training_mode_gradcheck():
    bn = nn.BatchNorm1d(3).double()

    def f(x, w, b):
        return F.batch_norm(x, None, None, w, b, training=True)

    args = (ag.tensor(randn(5, 3, 2), requires_grad=True),
            ag.tensor(randn(3) + 2, requires_grad=True), ag.tensor(randn(3), requires_grad=True))
    assert ag.gradcheck(f, args, raise_exception=True)
    assert bn(ag.tensor(randn(4, 3))).dtype == ag.float64


@pytest.mark.parametrize(("shape", "error", "pattern"), [
    ((2, 3, 4, 5), ValueError, "2D or 3D"), ((1, 3), ValueError, "more than 1 value per channel"),
    ((4, 5), RuntimeError, "should contain 5 elements not 3"),  # as PyTorch's RuntimeError
])
def test_batchnorm_errors(shape, error, pattern):
    with pytest.raises(error, match=pattern):
        nn.BatchNorm1d(3)(ag.ones(*shape))


# ---- LayerNorm ------------------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize(("normalized", "shape", "options"), [
    (5, (4, 5), {}), ((3, 5), (2, 3, 5), {}), (5, (4, 5), {"elementwise_affine": False}),
    (5, (2, 4, 5), {"bias": False, "eps": 1e-3}),
])
def test_layernorm_matches_pytorch(normalized, shape, options):
    ours = nn.LayerNorm(normalized, **options).double()
    theirs = torch.nn.LayerNorm(normalized, **options).double()
    if ours.weight is not None:
        with ag.no_grad():
            ours.weight.copy_(ag.tensor(randn(*ours.weight.shape, seed=4) + 1))
    copy_parameters(ours, theirs)
    out, out_t, gx, gx_t = run_both(ours, theirs, randn(*shape) * 3)
    assert_close(out, out_t, rtol=1e-9)
    assert_close(gx, gx_t, rtol=1e-8, atol=1e-10)
    if ours.weight is not None:
        assert_close(ours.weight.grad, theirs.weight.grad, rtol=1e-9)


def test_layernorm_gradcheck_and_shape_error():
    args = (ag.tensor(randn(3, 4), requires_grad=True), ag.tensor(randn(4) + 2, requires_grad=True),
            ag.tensor(randn(4), requires_grad=True))
    assert ag.gradcheck(lambda x, w, b: F.layer_norm(x, (4,), w, b), args, raise_exception=True)
    with pytest.raises(ValueError, match=r"normalized_shape=\[4\].*\[2, 3\]"):
        nn.LayerNorm(4)(ag.ones(2, 3))


# ---- Dropout --------------------------------------------------------------------------------
def test_dropout_zeroes_about_p_and_scales_the_rest():
    ag.manual_seed(0)
    x = ag.ones(200, 500)
    y = nn.Dropout(0.3)(x).detach().numpy()
    assert abs((y == 0).mean() - 0.3) < 0.01
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)
    assert y.dtype == np.float32


def test_dropout_gradient_follows_the_mask():
    ag.manual_seed(1)
    x = ag.ones(50, 40, requires_grad=True)
    y = F.dropout(x, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), y.detach().numpy())


def test_dropout_eval_is_identity_and_seeding_reproduces():
    layer = nn.Dropout(0.5).eval()
    x = ag.randn(4, 4)
    assert layer(x) is x
    layer.train()
    ag.manual_seed(7)
    a = layer(ag.ones(10)).detach().numpy()
    ag.manual_seed(7)
    np.testing.assert_array_equal(a, layer(ag.ones(10)).detach().numpy())
    assert not nn.Dropout(1.0)(ag.ones(5)).detach().numpy().any()
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


# ---- Flatten / Identity ----------------------------------------------------------------------
def test_flatten_and_identity():
    x = ag.ones(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Identity(7, key=1)(x) is x

"""nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters."""

import math

import numpy as np
import pytest
from conftest import requires_torch, to_torch

import autograd as ag
from nn import utils

SHAPES = [(3, 4), (5,), (), (2, 2, 2)]


def make_params(seed=0, grads_none=(), scale=1.0, dtype=ag.float32):
    """Parameters of SHAPES with random grads (None for the indices in grads_none)."""
    rng = np.random.default_rng(seed)
    params = []
    for i, shape in enumerate(SHAPES):
        p = ag.tensor(rng.standard_normal(shape), dtype=dtype, requires_grad=True)
        if i not in grads_none:
            p.grad = ag.tensor(scale * rng.standard_normal(shape), dtype=dtype)
        params.append(p)
    return params


def grads_of(params):
    return [None if p.grad is None else p.grad.detach().numpy().copy() for p in params]


def total_norm_np(grads, p):
    flat = np.concatenate([g.ravel().astype(np.float64) for g in grads if g is not None])
    return np.abs(flat).max() if p == math.inf else (np.abs(flat) ** p).sum() ** (1 / p)


# ---- clip_grad_norm_ ---------------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf"])
def test_clip_grad_norm_scales_to_max_norm(norm_type):
    params = make_params(grads_none=(1,))
    before = grads_of(params)
    p = float(norm_type)
    expected = total_norm_np(before, p)
    total = utils.clip_grad_norm_(params, max_norm=0.5, norm_type=norm_type)
    assert isinstance(total, ag.Tensor) and total.shape == () and total.dtype == np.float32
    assert float(total) == pytest.approx(expected, rel=1e-6)
    coef = 0.5 / (expected + 1e-6)
    for b, param in zip(before, params):
        if b is None:
            assert param.grad is None
        else:
            np.testing.assert_allclose(param.grad.detach().numpy(), b * coef, rtol=1e-6)
            assert param.grad.dtype == np.float32
    after = grads_of(params)
    assert total_norm_np(after, p) == pytest.approx(0.5, rel=1e-5)


def test_clip_grad_norm_no_change_below_max():
    params = make_params(scale=1e-3)
    before = grads_of(params)
    total = utils.clip_grad_norm_(params, max_norm=10.0)
    assert float(total) == pytest.approx(total_norm_np(before, 2), rel=1e-6)
    for b, param in zip(before, params):
        np.testing.assert_array_equal(param.grad.detach().numpy(), b)


def test_clip_grad_norm_single_tensor_and_generator():
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    w.grad = ag.tensor([3.0, 4.0])
    assert float(utils.clip_grad_norm_(w, 1.0)) == pytest.approx(5.0)
    np.testing.assert_allclose(w.grad.detach().numpy(), [0.6, 0.8], rtol=1e-6)
    params = make_params()
    expected = total_norm_np(grads_of(params), 2)
    assert float(utils.clip_grad_norm_((p for p in params), 1.0)) == pytest.approx(expected, 1e-6)
    with pytest.warns(UserWarning, match="empty generator"):
        utils.clip_grad_norm_((p for p in []), 1.0)


def test_clip_grad_norm_without_grads():
    params = make_params(grads_none=range(len(SHAPES)))
    total = utils.clip_grad_norm_(params, 1.0)
    assert float(total) == 0.0 and total.dtype == np.float32
    assert float(utils.clip_grad_norm_([], 1.0)) == 0.0


def test_clip_grad_norm_epsilon():
    """coef = max_norm / (total + 1e-6): tiny norms are visibly affected, as in PyTorch."""
    w = ag.zeros(2, dtype=ag.float64, requires_grad=True)
    w.grad = ag.tensor([1e-6, 0.0], dtype=ag.float64)
    assert float(utils.clip_grad_norm_(w, max_norm=1e-6)) == pytest.approx(1e-6, rel=1e-12)
    np.testing.assert_allclose(w.grad.detach().numpy(), [0.5e-6, 0.0], rtol=1e-9)


def test_clip_grad_norm_float64_and_version():
    params = make_params(dtype=ag.float64)
    versions = [p.grad._version for p in params]
    total = utils.clip_grad_norm_(params, 0.1)
    assert total.dtype == np.float64
    assert all(p.grad._version > v for p, v in zip(params, versions))
    assert all(p.grad.dtype == np.float64 for p in params)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_clip_grad_norm_nonfinite(bad):
    params = make_params()
    params[0].grad.data[0, 0] = bad
    before = grads_of(params)
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    for b, param in zip(before, params):  # nothing was scaled
        np.testing.assert_array_equal(param.grad.detach().numpy(), b)
    with np.errstate(invalid="ignore"):  # inf * 0 = nan, as in PyTorch
        total = utils.clip_grad_norm_(params, 1.0)  # default: scale anyway
    assert not math.isfinite(float(total))


@requires_torch
@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 0.5])
@pytest.mark.parametrize("max_norm", [0.3, 100.0])
@pytest.mark.parametrize("grads_none", [(), (0, 2)])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, grads_none):
    import torch

    params = make_params(seed=3, grads_none=grads_none)
    tparams = []
    for p in params:
        tp = to_torch(p, requires_grad=True)
        tp.grad = None if p.grad is None else to_torch(p.grad)
        tparams.append(tp)
    total = utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tparams, max_norm, norm_type=norm_type)
    assert float(total) == pytest.approx(float(ttotal), rel=1e-5)
    for p, tp in zip(params, tparams):
        if p.grad is None:
            assert tp.grad is None
        else:
            np.testing.assert_allclose(p.grad.detach().numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-7)


# ---- clip_grad_value_ ---------------------------------------------------------------------
def test_clip_grad_value():
    params = make_params(grads_none=(2,), scale=3.0)
    before = grads_of(params)
    assert utils.clip_grad_value_(params, 1.5) is None
    for b, param in zip(before, params):
        if b is None:
            assert param.grad is None
        else:
            np.testing.assert_array_equal(param.grad.detach().numpy(), np.clip(b, -1.5, 1.5))
            assert param.grad.dtype == np.float32
    assert any(np.abs(b).max() > 1.5 for b in before if b is not None)  # clipping happened


@requires_torch
def test_clip_grad_value_matches_torch():
    import torch

    params = make_params(seed=5, scale=2.0)
    tparams = [to_torch(p, requires_grad=True) for p in params]
    for p, tp in zip(params, tparams):
        tp.grad = to_torch(p.grad)
    utils.clip_grad_value_(params, 0.7)
    torch.nn.utils.clip_grad_value_(tparams, 0.7)
    for p, tp in zip(params, tparams):
        np.testing.assert_array_equal(p.grad.detach().numpy(), tp.grad.numpy())


# ---- parameters_to_vector / vector_to_parameters ---------------------------------------------
def test_vector_round_trip():
    params = make_params()
    vec = utils.parameters_to_vector(params)
    assert vec.shape == (sum(p.numel() for p in params),) and vec.dtype == np.float32
    expected = np.concatenate([p.detach().numpy().ravel() for p in params])
    np.testing.assert_array_equal(vec.detach().numpy(), expected)

    memories = [p.detach().numpy() for p in params]
    versions = [p._version for p in params]
    new = ag.tensor(np.arange(vec.numel(), dtype=np.float64))
    assert utils.vector_to_parameters(new, params) is None
    for p, memory, version in zip(params, memories, versions):
        assert p.detach().numpy() is memory and p.dtype == np.float32 and p._version > version
        assert p.is_leaf and p.requires_grad
    np.testing.assert_array_equal(utils.parameters_to_vector(params).detach().numpy(), new.detach().numpy())
    assert params[2].shape == () and float(params[2]) == 17.0  # 12 + 5 elements before it


def test_parameters_to_vector_is_differentiable():
    params = make_params(grads_none=range(len(SHAPES)))
    vec = utils.parameters_to_vector(params)
    weights = ag.tensor(np.arange(vec.numel(), dtype=np.float32))
    (vec * weights).sum().backward()
    offset = 0
    for p in params:
        n = p.numel()
        np.testing.assert_array_equal(p.grad.numpy().ravel(), weights.numpy()[offset:offset + n])
        offset += n


def test_vector_errors_and_single_tensor():
    w = ag.zeros(2, 3, requires_grad=True)
    np.testing.assert_array_equal(utils.parameters_to_vector(w).detach().numpy(), np.zeros(6))
    utils.vector_to_parameters(ag.ones(6), w)
    np.testing.assert_array_equal(w.detach().numpy(), np.ones((2, 3)))
    with pytest.raises(ValueError, match="5 elements but the parameters have 6"):
        utils.vector_to_parameters(ag.ones(5), [w])
    with pytest.raises(TypeError, match="expected Tensor"):
        utils.vector_to_parameters(np.ones(6), [w])
    with pytest.raises(ValueError, match="1-D"):
        utils.vector_to_parameters(ag.ones(2, 3), [w])
    with pytest.raises(TypeError, match="expected Tensors"):
        utils.clip_grad_norm_([np.ones(3)], 1.0)


@requires_torch
def test_parameters_to_vector_matches_torch():
    import torch

    params = make_params(seed=9)
    expected = torch.nn.utils.parameters_to_vector([to_torch(p) for p in params])
    np.testing.assert_array_equal(utils.parameters_to_vector(params).detach().numpy(), expected.numpy())

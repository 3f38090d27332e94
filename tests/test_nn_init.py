"""nn.init: gains, fans, bounds and statistics, seeding, dtype, in-place semantics."""

import math
import warnings

import numpy as np
import pytest
from conftest import requires_torch

import autograd as ag
from nn import init

RANDOM_INITS = {
    "uniform_": lambda t: init.uniform_(t, -0.5, 0.5),
    "normal_": lambda t: init.normal_(t, 0.0, 0.1),
    "trunc_normal_": lambda t: init.trunc_normal_(t, std=0.5, a=-1.0, b=1.0),
    "orthogonal_": init.orthogonal_,
    "xavier_uniform_": init.xavier_uniform_,
    "xavier_normal_": init.xavier_normal_,
    "kaiming_uniform_": init.kaiming_uniform_,
    "kaiming_normal_": init.kaiming_normal_,
}
ALL_INITS = {**RANDOM_INITS, "constant_": lambda t: init.constant_(t, 0.25),
             "zeros_": init.zeros_, "ones_": init.ones_, "eye_": init.eye_}


# ---- calculate_gain and fans ------------------------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("linear", 1.0), ("conv1d", 1.0), ("conv2d", 1.0), ("conv3d", 1.0),
    ("conv_transpose2d", 1.0), ("sigmoid", 1.0), ("tanh", 5.0 / 3), ("relu", math.sqrt(2.0)),
    ("leaky_relu", math.sqrt(2.0 / (1 + 0.01 ** 2))), ("selu", 0.75),
])
def test_calculate_gain_values(name, expected):
    assert init.calculate_gain(name) == pytest.approx(expected, rel=1e-12)


def test_calculate_gain_leaky_relu_param():
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2.0))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "0.1")


@pytest.mark.parametrize("shape, fans", [
    ((7, 3), (3, 7)), ((8, 4, 3), (12, 24)), ((16, 3, 5, 5), (75, 400)),
    ((2, 3, 2, 2, 2), (24, 16)), ((5, 0), (0, 5)),
])
def test_fan_in_and_fan_out(shape, fans):
    assert init._calculate_fan_in_and_fan_out(ag.empty(shape)) == fans


@pytest.mark.parametrize("shape", [(), (5,)])
def test_fan_needs_two_dims(shape):
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ag.empty(shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(ag.empty(shape))


@requires_torch
@pytest.mark.parametrize("name, param", [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None),
])
def test_calculate_gain_matches_torch(name, param):
    import torch

    assert init.calculate_gain(name, param) == pytest.approx(
        torch.nn.init.calculate_gain(name, param), rel=1e-12)


@requires_torch
@pytest.mark.parametrize("shape", [(7, 3), (8, 4, 3), (16, 3, 5, 5), (2, 3, 2, 2, 2)])
def test_fans_match_torch(shape):
    import torch

    expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert init._calculate_fan_in_and_fan_out(ag.empty(shape)) == expected


def test_bad_mode_and_nonlinearity():
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(ag.empty(3, 4), mode="fan_avg")
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.kaiming_normal_(ag.empty(3, 4), nonlinearity="gelu")
    init.kaiming_normal_(ag.empty(3, 4), mode="FAN_OUT")  # case-insensitive, as PyTorch


# ---- bounds and statistics ----------------------------------------------------------------
def test_uniform_bounds_and_mean():
    ag.manual_seed(0)
    t = init.uniform_(ag.empty(200, 500), a=-2.0, b=3.0)
    assert t.detach().numpy().min() >= -2.0 and t.detach().numpy().max() <= 3.0
    assert t.detach().numpy().min() < -1.99 and t.detach().numpy().max() > 2.99
    assert t.detach().numpy().mean() == pytest.approx(0.5, abs=0.02)
    default = init.uniform_(ag.empty(1000))
    assert default.detach().numpy().min() >= 0.0 and default.detach().numpy().max() <= 1.0


def test_normal_statistics():
    ag.manual_seed(1)
    t = init.normal_(ag.empty(400, 500, dtype=ag.float64), mean=2.0, std=0.5)
    assert t.detach().numpy().mean() == pytest.approx(2.0, abs=0.005)
    assert t.detach().numpy().std() == pytest.approx(0.5, rel=0.01)


@pytest.mark.parametrize("shape, gain", [((300, 200), 1.0), ((64, 32, 3, 3), 2.0)])
def test_xavier_uniform_bound(shape, gain):
    ag.manual_seed(2)
    t = init.xavier_uniform_(ag.empty(shape), gain=gain)
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    assert np.abs(t.detach().numpy()).max() <= bound
    assert np.abs(t.detach().numpy()).max() > 0.99 * bound
    assert t.detach().numpy().std() == pytest.approx(bound / math.sqrt(3.0), rel=0.03)


def test_xavier_normal_std():
    ag.manual_seed(3)
    t = init.xavier_normal_(ag.empty(400, 600), gain=init.calculate_gain("tanh"))
    expected = 5.0 / 3 * math.sqrt(2.0 / 1000)
    assert t.detach().numpy().std() == pytest.approx(expected, rel=0.03)
    assert abs(t.detach().numpy().mean()) < 0.02 * expected


@pytest.mark.parametrize("kwargs, gain", [
    ({}, math.sqrt(2 / (1 + 0.0))),  # a=0 with leaky_relu: sqrt(2)
    ({"a": math.sqrt(5)}, math.sqrt(1 / 3)),
    ({"nonlinearity": "relu"}, math.sqrt(2.0)),
    ({"nonlinearity": "tanh", "mode": "fan_out"}, 5.0 / 3),
])
def test_kaiming_normal_std(kwargs, gain):
    ag.manual_seed(4)
    t = init.kaiming_normal_(ag.empty(256, 64, 3, 3), **kwargs)
    fan = 64 * 9 if kwargs.get("mode", "fan_in") == "fan_in" else 256 * 9
    assert t.detach().numpy().std() == pytest.approx(gain / math.sqrt(fan), rel=0.03)


@pytest.mark.parametrize("mode, fan", [("fan_in", 200), ("fan_out", 300)])
def test_kaiming_uniform_bound(mode, fan):
    ag.manual_seed(5)
    t = init.kaiming_uniform_(ag.empty(300, 200), a=math.sqrt(5), mode=mode)
    bound = math.sqrt(3.0) * math.sqrt(2 / 6) / math.sqrt(fan)  # nn.Linear's default init
    assert np.abs(t.detach().numpy()).max() <= bound
    assert np.abs(t.detach().numpy()).max() > 0.99 * bound


def test_trunc_normal_bounds_and_std():
    ag.manual_seed(6)
    t = init.trunc_normal_(ag.empty(100_000, dtype=ag.float64), mean=1.0, std=2.0, a=0.0, b=2.0)
    assert t.detach().numpy().min() >= 0.0 and t.detach().numpy().max() <= 2.0
    # N(1, 2^2) truncated to [1 - 0.5 std, 1 + 0.5 std]: variance std^2 (1 - 2 b phi(b) / Z)
    beta = 0.5
    phi = math.exp(-beta ** 2 / 2) / math.sqrt(2 * math.pi)
    z = math.erf(beta / math.sqrt(2))
    assert t.detach().numpy().mean() == pytest.approx(1.0, abs=0.01)
    assert t.detach().numpy().std() == pytest.approx(2.0 * math.sqrt(1 - 2 * beta * phi / z), rel=0.02)
    default = init.trunc_normal_(ag.empty(10_000))
    assert default.detach().numpy().min() >= -2.0 and default.detach().numpy().max() <= 2.0


def test_trunc_normal_warns_far_mean():
    with pytest.warns(UserWarning, match="more than 2 std"):
        t = init.trunc_normal_(ag.empty(100), mean=10.0, std=1.0, a=-1.0, b=1.0)
    assert t.detach().numpy().min() >= -1.0 and t.detach().numpy().max() <= 1.0


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3)])
def test_orthogonal(shape):
    t = init.orthogonal_(ag.empty(shape, dtype=ag.float64), gain=2.0)
    flat = t.detach().numpy().reshape(shape[0], -1)
    small = min(flat.shape)
    gram = flat @ flat.T if flat.shape[0] == small else flat.T @ flat
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-12)


def test_constant_zeros_ones_eye():
    t = ag.empty(2, 3)
    assert init.constant_(t, 0.25) is t and np.all(t.detach().numpy() == np.float32(0.25))
    assert np.all(init.zeros_(t).detach().numpy() == 0) and np.all(init.ones_(t).detach().numpy() == 1)
    np.testing.assert_array_equal(init.eye_(t).detach().numpy(), np.eye(2, 3))
    ints = init.constant_(ag.zeros(3, dtype=ag.int64), 1.5)  # truncated, as PyTorch's fill_
    assert ints.dtype == np.int64 and ints.tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(ag.empty(2, 2, 2))


# ---- seeding, dtype and in-place semantics ---------------------------------------------------
@pytest.mark.parametrize("name", sorted(RANDOM_INITS))
def test_seeding(name):
    fn = RANDOM_INITS[name]
    ag.manual_seed(123)
    first = fn(ag.empty(20, 30)).detach().numpy().copy()
    ag.manual_seed(123)
    again = fn(ag.empty(20, 30)).detach().numpy().copy()
    ag.manual_seed(124)
    other = fn(ag.empty(20, 30)).detach().numpy().copy()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_explicit_generator():
    a = init.normal_(ag.empty(50), generator=np.random.default_rng(7))
    b = init.normal_(ag.empty(50), generator=np.random.default_rng(7))
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    ag.manual_seed(0)
    before = ag.rand(3).detach().numpy()
    ag.manual_seed(0)
    init.kaiming_uniform_(ag.empty(4, 4), generator=np.random.default_rng(1))
    np.testing.assert_array_equal(ag.rand(3).detach().numpy(), before)  # global generator untouched


@pytest.mark.parametrize("name", sorted(ALL_INITS))
@pytest.mark.parametrize("dtype", [ag.float32, ag.float64, ag.float16])
def test_dtype_kept_and_in_place(name, dtype):
    t = ag.zeros(6, 4, dtype=dtype)
    memory = t.detach().numpy()
    out = ALL_INITS[name](t)
    assert out is t and t.dtype == dtype and t.detach().numpy() is memory
    assert t.shape == (6, 4) and np.all(np.isfinite(t.detach().numpy()))


@pytest.mark.parametrize("name", sorted(ALL_INITS))
def test_parameter_that_requires_grad(name):
    w = ag.zeros(5, 5, requires_grad=True)
    version = w._version
    with ag.enable_grad():
        out = ALL_INITS[name](w)
    assert out is w and w.is_leaf and w.grad_fn is None and w.requires_grad
    assert w._version > version
    assert ag.is_grad_enabled()
    (w * 2).sum().backward()  # still a usable leaf
    np.testing.assert_array_equal(w.grad.detach().numpy(), np.full((5, 5), 2, np.float32))


def test_version_bump_invalidates_saved_values():
    w = ag.ones(3, 3, requires_grad=True)
    loss = (w * w).sum()  # saves w
    init.normal_(w)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_errors_on_non_float_and_non_tensor():
    with pytest.raises(TypeError, match="floating point"):
        init.normal_(ag.zeros(3, 3, dtype=ag.int64))
    with pytest.raises(TypeError, match="expected a Tensor"):
        init.uniform_(np.zeros((3, 3)))
    with pytest.raises(RuntimeError, match="expects std >= 0.0"):
        init.normal_(ag.empty(3), std=-1.0)
    with pytest.raises(RuntimeError, match=r"from=1\.0 > to=0\.0"):
        init.uniform_(ag.empty(3), 1.0, 0.0)


def test_kaiming_zero_element_is_noop_with_warning():
    t = ag.empty(0, 3)
    with pytest.warns(UserWarning, match="zero-element"):
        assert init.kaiming_uniform_(t) is t
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        init.xavier_uniform_(ag.empty(0, 3))


@requires_torch
@pytest.mark.parametrize("shape", [(64, 32), (16, 8, 3, 3)])
@pytest.mark.parametrize("name, kwargs", [
    ("xavier_uniform_", {"gain": 1.5}), ("xavier_normal_", {}),
    ("kaiming_uniform_", {"a": math.sqrt(5)}), ("kaiming_normal_", {"mode": "fan_out"}),
    ("kaiming_uniform_", {"nonlinearity": "relu"}),
])
def test_spread_matches_torch(shape, name, kwargs):
    """Same distribution as torch.nn.init: compare the max |x| (uniform) or the std (normal)
    over many draws."""
    import torch

    torch.manual_seed(0)
    ag.manual_seed(0)
    ours = np.concatenate([getattr(init, name)(ag.empty(shape), **kwargs).detach().numpy().ravel()
                           for _ in range(20)])
    theirs = np.concatenate([getattr(torch.nn.init, name)(torch.empty(shape), **kwargs)
                             .numpy().ravel() for _ in range(20)])
    statistic = (lambda x: np.abs(x).max()) if "uniform" in name else np.std
    assert statistic(ours) == pytest.approx(statistic(theirs), rel=0.03)

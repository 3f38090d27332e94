"""Channel-wise dropout (Dropout1d/2d/3d, FeatureAlphaDropout) and AlphaDropout: the exact structure
(each input[n, c] plane all zero or all scaled by 1/(1-p)), the statistics, gradients, eval mode,
in-place use and PyTorch's errors and warnings for the input ranks."""

import inspect
import warnings

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn
import nn.functional as F

SELU_ALPHA = 1.7580993408473766


def _planes(y, mask_dims):
    """``y`` as (planes, values per plane): one row per mask entry."""
    return y.reshape(int(np.prod(y.shape[:mask_dims])), -1)


@pytest.mark.parametrize(("make", "shape", "mask_dims"), [
    (lambda p: nn.Dropout1d(p), (40, 50, 6), 2), (lambda p: nn.Dropout1d(p), (500, 7), 1),
    (lambda p: nn.Dropout2d(p), (40, 50, 3, 4), 2), (lambda p: nn.Dropout3d(p), (20, 50, 2, 3, 2), 2),
    (lambda p: nn.Dropout3d(p), (400, 2, 3, 2), 1),
    (lambda p: (lambda x: F.dropout2d(x, p)), (40, 50, 3, 4), 2),
])
@pytest.mark.parametrize("p", [0.3, 0.75])
def test_whole_channels_are_zeroed_and_the_rest_scaled(make, shape, mask_dims, p):
    ag.manual_seed(0)
    y = make(p)(ag.ones(*shape, dtype=ag.float64)).detach().numpy()
    assert y.shape == shape
    planes = _planes(y, mask_dims)
    dropped = (planes == 0).all(axis=1)
    np.testing.assert_allclose(planes[~dropped], 1 / (1 - p), rtol=1e-15)  # all or nothing per plane
    assert abs(dropped.mean() - p) < 4 * np.sqrt(p * (1 - p) / len(dropped))
    assert abs(y.mean() - 1) < 4 * np.sqrt(p / (1 - p) / len(dropped))  # E[y] = x


def test_the_planes_drop_independently_of_the_values():
    ag.manual_seed(1)
    x = ag.tensor(np.random.default_rng(0).standard_normal((30, 40, 5, 5)) + 3)
    y = F.dropout2d(x, 0.5).detach().numpy()
    kept = (y != 0).all(axis=(2, 3))
    assert ((y == 0).all(axis=(2, 3)) | kept).all()
    np.testing.assert_allclose(y[kept], 2 * x.numpy()[kept])


@pytest.mark.parametrize(("fn", "shape"), [
    (F.dropout1d, (6, 8, 5)), (F.dropout2d, (6, 8, 3, 3)), (F.dropout3d, (6, 8, 3, 3, 2)),
    (F.feature_alpha_dropout, (6, 8, 3, 3)),
])
def test_the_gradient_follows_the_channel_mask(fn, shape):
    ag.manual_seed(2)
    x = ag.ones(*shape, dtype=ag.float64, requires_grad=True)
    y = fn(x, 0.4, training=True)
    g = np.random.default_rng(0).standard_normal(shape)
    y.backward(ag.tensor(g))
    if fn is F.feature_alpha_dropout:  # y = a m x + b: dy/dx = a m
        a = 1 / np.sqrt((SELU_ALPHA ** 2 * 0.4 + 1) * 0.6)
        kept = ~np.isclose(y.detach().numpy(), SELU_ALPHA * a * (0.4 - 1))
        np.testing.assert_allclose(x.grad.numpy(), g * kept * a)
    else:  # x = 1: y is the mask / (1 - p), the gradient's factor
        np.testing.assert_allclose(x.grad.numpy(), g * y.detach().numpy())


def test_alpha_dropout_keeps_zero_mean_and_unit_variance():
    ag.manual_seed(3)
    x = ag.tensor(np.random.default_rng(1).standard_normal((400, 500)))
    for p in (0.2, 0.5):
        y = nn.AlphaDropout(p)(x).detach().numpy()
        a = 1 / np.sqrt((SELU_ALPHA ** 2 * p + 1) * (1 - p))
        dropped = np.isclose(y, -SELU_ALPHA * a * (1 - p))  # the saturation, rescaled
        assert abs(dropped.mean() - p) < 0.01
        np.testing.assert_allclose(y[~dropped], a * x.numpy()[~dropped] + SELU_ALPHA * a * p)
        assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.02


def test_feature_alpha_dropout_sets_whole_channels():
    ag.manual_seed(4)
    y = nn.FeatureAlphaDropout(0.5)(ag.ones(30, 40, 2, 2, dtype=ag.float64)).detach().numpy()
    planes = _planes(y, 2)
    assert (planes == planes[:, :1]).all() and len(np.unique(planes)) == 2


@pytest.mark.parametrize("cls", [nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout,
                                 nn.FeatureAlphaDropout])
def test_eval_p0_and_empty_give_the_input_itself_and_p1_zeros(cls):
    x = ag.randn(2, 3, 4, 5)[..., 0] if cls is nn.Dropout1d else ag.randn(2, 3, 4, 5)
    x = x.unsqueeze(-1) if cls is nn.Dropout3d else x
    assert cls(0.5).eval()(x) is x
    assert cls(0.0)(x) is x
    assert not cls(1.0)(x).detach().numpy().any()
    empty = ag.ones(0, *x.shape[1:])
    assert cls(0.5)(empty) is empty


def test_seeding_reproduces_the_masks():
    layer = nn.Dropout2d(0.5)
    ag.manual_seed(7)
    a = layer(ag.ones(8, 8, 2, 2)).detach().numpy()
    ag.manual_seed(7)
    np.testing.assert_array_equal(a, layer(ag.ones(8, 8, 2, 2)).detach().numpy())


def test_inplace_writes_the_input_and_refuses_a_leaf():
    ag.manual_seed(5)
    for layer, shape in ((nn.Dropout2d(0.5, inplace=True), (4, 6, 3, 3)),
                         (nn.Dropout1d(0.5, inplace=True), (6, 3))):
        x = ag.ones(*shape)
        assert layer(x) is x and x.shape == shape
        assert ((x.numpy().reshape(-1, 3) == 0).all(1) | (x.numpy().reshape(-1, 3) == 2).all(1)).all()
    leaf = ag.ones(4, 6, 3, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^dropout2d: a leaf Variable that requires grad"):
        nn.Dropout2d(inplace=True)(leaf)
    y = leaf * 1
    nn.Dropout2d(0.5, inplace=True)(y).sum().backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), y.detach().numpy())


@requires_torch
@pytest.mark.parametrize(("name", "shape", "messages"), [
    ("dropout2d", (3, 4), ["dropout2d: Received a 2-D input to dropout2d, which is deprecated"]),
    ("dropout2d", (2, 3, 4), ["dropout2d: Received a 3D input to dropout2d and assuming that channel-wise"]),
    ("dropout2d", (2, 3, 4, 5, 2), ["dropout2d: Received a 5-D input"]),
    ("dropout3d", (2, 3, 4), ["dropout3d: Received a 3-D input to dropout3d, which is deprecated"]),
    ("dropout2d", (2, 3, 4, 5), []), ("dropout3d", (2, 3, 4, 5), []), ("dropout1d", (3, 4), []),
])
def test_the_rank_warnings_are_pytorch_s(name, shape, messages):
    for lib in (OURS, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = getattr(lib.nn.functional, name)(lib.ones(*shape), 0.5)
        assert tuple(y.shape) == shape
        assert len(caught) == len(messages)
        for warning, start in zip(caught, messages):
            assert str(warning.message).startswith(start) and warning.category is UserWarning
            assert lib is torch or warning.filename == __file__


def test_dropout2d_of_a_3d_input_drops_rows_as_dropout1d():
    ag.manual_seed(6)
    with pytest.warns(UserWarning, match="interpreted as shape"):
        y = F.dropout2d(ag.ones(40, 50, 3), 0.5).detach().numpy()
    assert ((y == 0).all(2) | (y == 2).all(2)).all()


@pytest.mark.parametrize(("call", "error", "pattern"), [
    (lambda lib: lib.nn.functional.dropout1d(lib.ones(3)), RuntimeError,
     r"dropout1d: Expected 2D or 3D input, but received a 1D input"),
    (lambda lib: lib.nn.Dropout1d()(lib.ones(2, 3, 4, 5)), RuntimeError,
     r"dropout1d: Expected 2D or 3D input, but received a 4D input"),
    (lambda lib: lib.nn.functional.dropout1d(lib.ones(3, 4), 1.5), ValueError,
     "dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda lib: lib.nn.Dropout2d(-0.1), ValueError,
     "dropout probability has to be between 0 and 1, but got -0.1"),
    (lambda lib: lib.nn.AlphaDropout(2.0), ValueError, "dropout probability has to be between 0 and 1"),
    (lambda lib: lib.nn.functional.dropout2d(lib.ones(3, 4, 5, 6), training=1), TypeError,
     "argument '.*' .*must be bool, not int"),
    (lambda lib: lib.nn.functional.feature_alpha_dropout(lib.ones(3), training=True), RuntimeError,
     "Feature dropout requires at least 2 dimensions in the input"),
    (lambda lib: lib.nn.functional.dropout2d(lib.ones(2, 3, 4, 5, dtype=lib.int64)), RuntimeError,
     "result type Float can't be cast to the desired output type"),
])
def test_errors_are_pytorch_s(call, error, pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=pattern):
            call(OURS)
        if torch is not None:
            with pytest.raises(error, match=pattern):
                call(torch)


@requires_torch
@pytest.mark.parametrize("name", ["Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                                  "FeatureAlphaDropout"])
def test_repr_and_defaults_follow_pytorch(name):
    assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())
    assert repr(getattr(nn, name)(0.2, True)) == repr(getattr(torch.nn, name)(0.2, True))
    for fn in ("dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"):
        ours, theirs = inspect.signature(getattr(F, fn)), inspect.signature(getattr(torch.nn.functional, fn))
        assert [(p.name, p.default) for p in ours.parameters.values()] == \
               [(p.name, p.default) for p in theirs.parameters.values()]

"""Pooling, padding and resampling layers against PyTorch (float64: outputs, input gradients,
indices, reprs, node names), the first-maximum rule on ties, and the errors' wording."""

import numpy as np
import pytest
from conftest import requires_torch, to_torch, torch
from hypothesis import given, settings

import autograd as ag
import nn
import nn.functional as F
from autograd.testing import pool_args

# (layer, constructor args, constructor kwargs, input shape)
CONFIGS = [
    ("MaxPool1d", (2,), {}, (2, 3, 9)),
    ("MaxPool1d", (3, 2, 1), {"dilation": 2, "ceil_mode": True}, (3, 10)),
    ("MaxPool1d", (3,), {"return_indices": True, "padding": 1}, (2, 2, 7)),
    ("MaxPool2d", (2,), {}, (2, 3, 8, 8)),
    ("MaxPool2d", ((3, 2),), {"stride": (2, 1), "padding": (1, 1), "ceil_mode": True}, (2, 2, 7, 6)),
    ("MaxPool2d", (3,), {"stride": 2, "dilation": 2, "padding": 1, "return_indices": True}, (3, 9, 8)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 8)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (3, 8)),
    ("AvgPool2d", (2,), {}, (2, 3, 8, 8)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 2, 7, 6)),
    ("AvgPool2d", ((3, 2),), {"stride": (2, 1), "padding": (1, 0), "ceil_mode": True,
                              "count_include_pad": False}, (2, 7, 6)),
    ("AvgPool2d", (3,), {"padding": 1, "divisor_override": 4}, (1, 2, 6, 5)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 10)),
    ("AdaptiveAvgPool2d", ((3, 4),), {}, (2, 3, 7, 9)),
    ("AdaptiveAvgPool2d", ((None, 2),), {}, (3, 5, 7)),
    ("AdaptiveAvgPool2d", (5,), {}, (1, 2, 3, 4)),
    ("AdaptiveMaxPool1d", (3,), {"return_indices": True}, (2, 3, 10)),
    ("AdaptiveMaxPool2d", ((3, 4),), {}, (2, 3, 7, 9)),
    ("AdaptiveMaxPool2d", (2,), {"return_indices": True}, (3, 5, 7)),
    ("ZeroPad1d", ((1, 2),), {}, (2, 3, 4)),
    ("ZeroPad2d", (1,), {}, (2, 3, 4, 5)),
    ("ZeroPad2d", ((1, -1, 2, 0),), {}, (3, 4, 5)),
    ("ConstantPad1d", (2, 3.5), {}, (2, 4)),
    ("ConstantPad2d", ((1, 2, 0, 1), -1.0), {}, (2, 3, 4, 5)),
    ("ReflectionPad1d", ((2, 3),), {}, (2, 3, 5)),
    ("ReflectionPad2d", (2,), {}, (2, 3, 4, 5)),
    ("ReflectionPad2d", ((1, 0, 3, -1),), {}, (3, 4, 5)),
    ("ReplicationPad1d", (3,), {}, (2, 3, 2)),
    ("ReplicationPad2d", ((2, 1, 0, 3),), {}, (2, 3, 4, 5)),
    ("CircularPad1d", (2,), {}, (2, 3, 4)),
    ("CircularPad2d", ((1, 2, 3, 0),), {}, (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": 2}, (2, 3, 4, 5)),
    ("Upsample", (), {"size": (7, 3)}, (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": 1.7, "mode": "bilinear"}, (2, 3, 4, 5)),
    ("Upsample", (), {"scale_factor": (0.6, 2.5), "mode": "bilinear", "align_corners": True}, (1, 2, 5, 4)),
    ("Upsample", (), {"scale_factor": 2.5, "mode": "bilinear", "recompute_scale_factor": True}, (1, 2, 3, 4)),
    ("Upsample", (), {"scale_factor": 3, "mode": "linear"}, (2, 3, 5)),
    ("Upsample", (), {"size": 4, "mode": "linear", "align_corners": True}, (2, 3, 7)),
    ("Upsample", (), {"scale_factor": 1.5, "mode": "nearest-exact"}, (2, 3, 5, 4)),
    ("Upsample", (), {"size": (2, 3), "mode": "area"}, (2, 3, 5, 7)),
    ("UpsamplingNearest2d", (), {"scale_factor": 3}, (1, 2, 3, 2)),
    ("UpsamplingBilinear2d", (), {"size": (5, 4)}, (1, 2, 3, 2)),
    ("PixelShuffle", (2,), {}, (2, 8, 3, 4)),
    ("PixelShuffle", (3,), {}, (9, 2, 2)),
    ("PixelUnshuffle", (2,), {}, (2, 3, 4, 6)),
]
IDS = [f"{name}-{i}" for i, (name, *_) in enumerate(CONFIGS)]


def _values(shape, seed=0):
    """Distinct values (no ties), shuffled."""
    rng = np.random.default_rng(seed)
    return rng.permutation(np.prod(shape)).reshape(shape) * 0.37 - 3.0 + rng.uniform(0, 0.01, shape)


@requires_torch
@pytest.mark.parametrize(("name", "args", "kwargs", "shape"), CONFIGS, ids=IDS)
def test_layer_matches_torch(name, args, kwargs, shape):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    x = _values(shape)
    xt, xa = to_torch(x, requires_grad=True), ag.tensor(x, requires_grad=True)
    out, out_t = ours(xa), theirs(xt)
    if kwargs.get("return_indices"):
        (out, indices), (out_t, indices_t) = out, out_t
        assert indices.dtype == ag.int64
        np.testing.assert_array_equal(indices.numpy(), indices_t.numpy())
    assert out.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out.detach().numpy(), out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert type(out.grad_fn).__name__ == type(out_t.grad_fn).__name__
    g = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(ag.tensor(g))
    out_t.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize(("name", "args", "kwargs", "shape"),
                         [c for c in CONFIGS if c[0] not in ("Upsample",)][::3], ids=lambda v: str(v))
def test_layer_gradgradcheck(name, args, kwargs, shape):
    layer = getattr(nn, name)(*args, **kwargs)
    x = ag.tensor(_values(shape) * 0.1, requires_grad=True)

    def run(t):
        out = layer(t)
        return out[0] if isinstance(out, tuple) else out

    assert ag.gradcheck(run, (x,)) and ag.gradgradcheck(run, (x,))


# ---- ties: the first maximum, as in PyTorch ---------------------------------------------------
@requires_torch
@pytest.mark.parametrize("call", [
    lambda f, x: f.max_pool2d(x, 2, return_indices=True),
    lambda f, x: f.max_pool2d(x, 3, stride=1, padding=1, return_indices=True),
    lambda f, x: f.max_pool1d(x.flatten(2), 4, stride=3, return_indices=True),
    lambda f, x: f.adaptive_max_pool2d(x, (3, 2), return_indices=True),
], ids=["2x2", "3x3-overlapping", "1d", "adaptive"])
def test_ties_go_to_the_first_maximum(call):
    x = np.zeros((1, 2, 4, 4))
    x[0, 1] = [[1, 1, 0, 2], [1, 1, 2, 2], [0, 0, 1, 1], [0, 0, 1, 1]]
    xa, xt = ag.tensor(x, requires_grad=True), to_torch(x, requires_grad=True)
    (out, indices), (out_t, indices_t) = call(F, xa), call(torch.nn.functional, xt)
    np.testing.assert_array_equal(indices.numpy(), indices_t.numpy())
    out.sum().backward()
    out_t.sum().backward()
    np.testing.assert_array_equal(xa.grad.numpy(), xt.grad.numpy())


@requires_torch
@settings(deadline=None, max_examples=60)
@given(case=pool_args(2))
def test_max_pool_indices_equal_torchs_on_drawn_arguments(case):
    shape, kwargs = case
    x = np.random.default_rng(0).permutation(int(np.prod(shape))).reshape(shape).astype(np.float64)
    _, ours = F.max_pool2d(ag.tensor(x), return_indices=True, **kwargs)
    _, theirs = torch.nn.functional.max_pool2d(torch.from_numpy(x), return_indices=True, **kwargs)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_a_tie_sends_the_whole_gradient_to_the_first_position():
    x = ag.ones(1, 1, 2, 2, requires_grad=True)
    out, indices = F.max_pool2d(x, 2, return_indices=True)
    out.backward()
    assert indices.item() == 0
    np.testing.assert_array_equal(x.grad.numpy(), [[[[1.0, 0.0], [0.0, 0.0]]]])


@requires_torch
def test_nan_wins_the_window_and_padding_is_minus_infinity():
    x = np.array([[[1.0, np.nan, 2.0, np.nan, -np.inf, -np.inf]]])
    for kwargs in ({"kernel_size": 4}, {"kernel_size": 2, "stride": 1, "padding": 1}):
        out, idx = F.max_pool1d(ag.tensor(x), return_indices=True, **kwargs)
        out_t, idx_t = torch.nn.functional.max_pool1d(torch.from_numpy(x), return_indices=True, **kwargs)
        np.testing.assert_array_equal(out.numpy(), out_t.numpy())
        np.testing.assert_array_equal(idx.numpy(), idx_t.numpy())


@requires_torch
@pytest.mark.parametrize(("length", "kwargs"), [
    (1, {"kernel_size": 2, "stride": 1, "padding": 1, "dilation": 2}),
    (2, {"kernel_size": 2, "stride": 1, "padding": 1, "dilation": 3}),
])
def test_a_window_wholly_in_the_padding_is_minus_infinity_with_no_gradient(length, kwargs):
    x = np.arange(1.0, 2 * length + 1).reshape(1, 2, length)
    xa = ag.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    out, idx = F.max_pool1d(xa, return_indices=True, **kwargs)
    out_t, idx_t = torch.nn.functional.max_pool1d(xt, return_indices=True, **kwargs)
    assert np.isneginf(out.detach().numpy()).any()
    np.testing.assert_array_equal(out.detach().numpy(), out_t.detach().numpy())
    np.testing.assert_array_equal(idx.numpy(), idx_t.numpy())
    g = np.where(np.isfinite(out_t.detach().numpy()), 1.0, 0.0)  # torch writes out of range there
    out.backward(ag.tensor(g))
    out_t.backward(torch.tensor(g))
    np.testing.assert_array_equal(xa.grad.numpy(), xt.grad.numpy())


# ---- errors -------------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: F.max_pool2d(ag.ones(1, 1, 2, 2), 3), ag.OpError, r"max_pool2d: .*Output size is too small"),
    (lambda: F.max_pool2d(ag.ones(1, 1, 4, 4), 2, padding=2), ag.OpError,
     r"max_pool2d: pad should be at most half of kernel size"),
    (lambda: F.avg_pool1d(ag.ones(1, 1, 4), 3, padding=2), ag.OpError,
     r"avg_pool1d: pad should be at most half"),
    (lambda: F.max_pool1d(ag.ones(1, 1, 4), 0),
     ag.OpError, r"max_pool1d: kernel_size must be greater than zero"),
    (lambda: F.max_pool2d(ag.ones(1, 1, 4, 4), (1, 2, 3)), ag.OpError,
     r"max_pool2d: kernel_size must either be a single int, or a tuple of two ints"),
    (lambda: F.max_pool2d(ag.ones(4, 4), 2), ag.OpError, r"max_pool2d: Expected 3D or 4D"),
    (lambda: F.max_pool2d(ag.ones(1, 1, 4, 4), 2.0), TypeError, r"max_pool2d\(\): argument 'kernel_size'"),
    (lambda: F.max_pool2d(ag.ones(1, 1, 4, 4, dtype=ag.int64), 2), NotImplementedError,
     r"max_pool2d: .*not implemented for 'Long'"),
    (lambda: F.avg_pool2d(ag.ones(1, 1, 4, 4), 2, divisor_override=0), ag.OpError,
     r"avg_pool2d: divisor must be not zero"),
    (lambda: F.adaptive_avg_pool2d(ag.ones(1, 1, 4, 4), (2, 3, 4)), ag.OpError,
     r"adaptive_avg_pool2d: output_size must be 2"),
    (lambda: F.adaptive_avg_pool2d(ag.ones(1, 1, 4, 4), -1), ag.OpError,
     r"adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0"),
    (lambda: F.adaptive_max_pool2d(ag.ones(1, 1, 4, 4), 2.5), TypeError,
     r"adaptive_max_pool2d\(\): argument 'output_size'"),
    (lambda: F.pad(ag.ones(2, 3), (3, 3), mode="reflect"), ag.OpError,
     r"pad: Padding size should be less than the corresponding input dimension"),
    (lambda: F.pad(ag.ones(2, 3), (1, 1, 1)),
     ag.OpError, r"constant_pad_nd: Padding length must be divisible by 2"),
    (lambda: F.pad(ag.ones(2, 3), (4, 1), mode="circular"),
     ag.OpError, r"pad: Padding value causes wrapping"),
    (lambda: F.pad(ag.ones(3), (1, 1), mode="replicate"),
     NotImplementedError, r"pad: Padding size 2 is not supported"),
    (lambda: F.pad(ag.ones(2, 3), (1, 1), mode="bogus"),
     NotImplementedError, r"pad: Unrecognised padding mode"),
    (lambda: F.pad(ag.ones(2, 3, dtype=ag.uint8), (1, 1), value=-1), ag.OpError,
     r"constant_pad_nd: value -1 cannot be converted"),
    (lambda: F.interpolate(ag.ones(1, 1, 4), size=2, scale_factor=2.0), ValueError,
     r"interpolate: only one of size or scale_factor"),
    (lambda: F.interpolate(ag.ones(1, 1, 4), scale_factor=0.1), ag.OpError,
     r"interpolate: Input and output sizes should be greater than 0"),
    (lambda: F.interpolate(ag.ones(1, 1, 4), scale_factor=2.0, align_corners=True), ValueError,
     r"interpolate: align_corners option can only be set with the interpolating modes"),
    (lambda: F.interpolate(ag.ones(1, 1, 4), scale_factor=2.0, mode="bilinear"), NotImplementedError,
     r"interpolate: mode 'bilinear' on a 3D input"),
    (lambda: F.pixel_shuffle(ag.ones(1, 3, 2, 2), 2),
     ag.OpError, r"pixel_shuffle: .*divisible by the square"),
    (lambda: F.pixel_unshuffle(ag.ones(1, 3, 3, 2), 2),
     ag.OpError, r"pixel_unshuffle: .*height to be divisible"),
    (lambda: nn.MaxPool2d(2)(ag.ones(1, 1, 1, 1)), ag.OpError, r"max_pool2d: .*Output size is too small"),
])
def test_errors_name_the_function_and_the_rule(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_float32_stays_float32():
    x = ag.randn(2, 3, 6, 6, requires_grad=True)
    for layer in (nn.MaxPool2d(2), nn.AvgPool2d(3, 2, 1), nn.AdaptiveAvgPool2d(2), nn.ReflectionPad2d(1),
                  nn.Upsample(scale_factor=2, mode="bilinear"), nn.PixelUnshuffle(2)):
        out = layer(x)
        assert out.dtype == ag.float32
        x.grad = None
        out.sum().backward()
        assert x.grad.dtype == ag.float32

"""The convolution layers against PyTorch: every configuration built in both libraries with the
weights copied by state_dict key, outputs and input and parameter gradients compared in float64;
initialization bounds and statistics, reprs, and the refusals PyTorch makes (named after the
layer or function)."""

import math

import numpy as np
import pytest
from conftest import requires_torch, to_torch, torch
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd.testing import conv_args

pytestmark = requires_torch
TOL = {"rtol": 1e-7, "atol": 1e-9}


def _randn(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


def _compare(ours, theirs, x, *call_args):
    """Forward and backward on the same input and upstream gradient, weights copied by key."""
    ours = ours.to(ag.float64)
    theirs = theirs.double()
    with torch.no_grad():
        for name, value in ours.state_dict().items():
            theirs.state_dict()[name].copy_(torch.from_numpy(np.array(value.numpy())))
    xo, xt = ag.tensor(x, requires_grad=True), to_torch(x, requires_grad=True)
    out, out_t = ours(xo, *call_args), theirs(xt, *call_args)
    assert tuple(out.shape) == tuple(out_t.shape)
    np.testing.assert_allclose(out.detach().numpy(), out_t.detach().numpy(), **TOL)
    g = _randn(tuple(out.shape), 7)
    out.backward(ag.tensor(g))
    out_t.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), **TOL)
    mine = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(mine[name].grad.numpy(), p.grad.numpy(), **TOL)
    return out


CONFIGS = [
    ("Conv1d", (2, 4, 3), {}, (3, 2, 9)),
    ("Conv1d", (4, 6, 4), {"stride": 2, "padding": 3, "dilation": 2, "groups": 2}, (2, 4, 11)),
    ("Conv1d", (2, 3, 4), {"padding": "same", "bias": False}, (2, 2, 7)),
    ("Conv1d", (2, 3, 3), {"padding": "valid"}, (2, 6)),
    ("Conv1d", (2, 3, 3), {"padding": 2, "padding_mode": "reflect"}, (2, 2, 6)),
    ("Conv1d", (2, 3, 3), {"padding": 3, "padding_mode": "circular"}, (2, 2, 5)),
    ("Conv2d", (1, 6, 5), {}, (4, 1, 12, 12)),
    ("Conv2d", (6, 16, 5), {}, (2, 6, 9, 9)),
    ("Conv2d", (3, 4, (3, 2)), {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2)}, (2, 3, 8, 7)),
    ("Conv2d", (4, 8, 3), {"groups": 4, "bias": False}, (2, 4, 6, 6)),
    ("Conv2d", (2, 4, 4), {"padding": "same", "dilation": (1, 2)}, (2, 2, 7, 8)),
    ("Conv2d", (2, 4, 3), {"padding": 1}, (2, 6, 6)),  # unbatched
    ("Conv2d", (2, 3, 3), {"padding": (1, 2), "padding_mode": "reflect"}, (2, 2, 5, 5)),
    ("Conv2d", (2, 3, 3), {"padding": 2, "padding_mode": "replicate"}, (2, 2, 4, 5)),
    ("Conv2d", (2, 3, 3), {"padding": 1, "padding_mode": "circular", "stride": 2}, (2, 2, 5, 6)),
    ("Conv2d", (2, 3, 4), {"padding": "same", "padding_mode": "reflect"}, (2, 2, 6, 6)),
    ("ConvTranspose1d", (3, 2, 3), {}, (2, 3, 5)),
    ("ConvTranspose1d", (4, 6, 3), {"stride": 3, "padding": 1, "output_padding": 2, "groups": 2,
                                    "dilation": 2}, (2, 4, 4)),
    ("ConvTranspose2d", (4, 2, 3), {"stride": 2, "output_padding": 1}, (2, 4, 4, 5)),
    ("ConvTranspose2d", (4, 6, (2, 3)), {"stride": (1, 2), "padding": (1, 0), "groups": 2,
                                         "bias": False, "dilation": (2, 1)}, (2, 4, 5, 3)),
    ("ConvTranspose2d", (3, 2, 3), {"stride": 2, "padding": 1}, (3, 4, 4)),  # unbatched
    ("Conv3d", (2, 4, (2, 3, 2)), {"stride": (1, 2, 1), "padding": 1, "groups": 2}, (2, 2, 4, 5, 3)),
    ("Conv3d", (2, 3, 2), {"padding": "same", "padding_mode": "replicate"}, (2, 3, 3, 4)),
    ("ConvTranspose3d", (2, 4, 2), {"stride": 2, "output_padding": (1, 0, 1)}, (2, 2, 3, 2, 3)),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "shape"), CONFIGS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CONFIGS)])
def test_each_layer_configuration_matches_torch(name, args, kwargs, shape):
    ag.manual_seed(0)
    _compare(getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs),
             _randn(shape, 1))


@pytest.mark.parametrize("output_size", [(9, 9), (10, 10), [2, 3, 10, 9]])
def test_conv_transpose_output_size_picks_the_output_padding(output_size):
    ours, theirs = nn.ConvTranspose2d(3, 3, 3, stride=2), torch.nn.ConvTranspose2d(3, 3, 3, stride=2)
    out = _compare(ours, theirs, _randn((2, 3, 4, 4), 2), output_size)
    assert tuple(out.shape[-2:]) == tuple(output_size[-2:])


def test_conv_transpose_refuses_an_output_size_out_of_range():
    with pytest.raises(ValueError, match=r"^ConvTranspose2d: requested an output size of \[12, 12\]"):
        nn.ConvTranspose2d(3, 3, 3, stride=2)(ag.randn(1, 3, 4, 4), output_size=(12, 12))


def test_unfold_and_fold_layers_match_torch():
    x = _randn((2, 3, 6, 5), 3)
    ours = nn.Unfold(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    theirs = torch.nn.Unfold(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    cols = _compare(ours, theirs, x)
    fold = (nn.Fold((6, 5), (2, 3), (1, 2), 1, (2, 1)), torch.nn.Fold((6, 5), (2, 3), (1, 2), 1, (2, 1)))
    _compare(*fold, cols.detach().numpy())
    assert repr(ours) == repr(theirs) and repr(fold[0]) == repr(fold[1])


@settings(max_examples=20)
@given(args=conv_args(spatial_dims=2), transposed=st.booleans(), data=st.data())
def test_functional_forms_on_drawn_arguments_match_torch(args, transposed, data):
    if transposed:
        args = data.draw(conv_args(spatial_dims=2, transposed=True))
    x, w = _randn(args["input_shape"], 1), _randn(args["weight_shape"], 2)
    out_channels = args["weight_shape"][1] * args["groups"] if transposed else args["weight_shape"][0]
    b = _randn((out_channels,), 3) if args["bias"] else None
    keys = ("stride", "padding", "dilation", "groups") + (("output_padding",) if transposed else ())
    kwargs = {k: args[k] for k in keys}
    name = "conv_transpose2d" if transposed else "conv2d"
    ours = getattr(F, name)(ag.tensor(x), ag.tensor(w), None if b is None else ag.tensor(b), **kwargs)
    theirs = getattr(torch.nn.functional, name)(torch.from_numpy(x), torch.from_numpy(w),
                                                None if b is None else torch.from_numpy(b), **kwargs)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), **TOL)


@pytest.mark.parametrize(("cls", "args", "fan_in"), [
    (nn.Conv2d, (6, 16, 5), 6 * 25), (nn.Conv1d, (4, 8, 3, 1, 0, 1, 2), 2 * 3),
    (nn.ConvTranspose2d, (16, 6, 5), 6 * 25), (nn.ConvTranspose1d, (4, 8, 3, 1, 0, 0, 2), 4 * 3)])
def test_init_is_kaiming_uniform_with_a_sqrt5_and_the_bias_in_the_same_range(cls, args, fan_in):
    ag.manual_seed(0)
    layer = cls(*args)
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)): gain sqrt(2 / 6) * sqrt(3 / fan_in)
    for p in (layer.weight, layer.bias):
        values = p.detach().numpy()
        assert p.dtype == ag.float32
        assert np.abs(values).max() <= bound
    weight = layer.weight.detach().numpy()
    assert np.abs(weight).max() > 0.9 * bound  # spread over the whole range
    np.testing.assert_allclose(weight.std(), bound / math.sqrt(3), rtol=0.15)


def test_weight_shapes_dtype_and_state_dict_keys_are_torch_s():
    for ours, theirs in [(nn.Conv2d(4, 6, (3, 2), groups=2, dtype=ag.float64),
                          torch.nn.Conv2d(4, 6, (3, 2), groups=2, dtype=torch.float64)),
                         (nn.ConvTranspose1d(4, 6, 3, groups=2, bias=False),
                          torch.nn.ConvTranspose1d(4, 6, 3, groups=2, bias=False))]:
        assert list(ours.state_dict()) == list(theirs.state_dict())
        for key, value in ours.state_dict().items():
            assert tuple(value.shape) == tuple(theirs.state_dict()[key].shape)
            assert str(value.dtype).split(".")[-1] == str(theirs.state_dict()[key].dtype).split(".")[-1]


@pytest.mark.parametrize(("name", "args", "kwargs"), [
    ("Conv2d", (3, 4, 3), {}), ("Conv2d", (3, 4, (3, 2)), {"stride": 2, "padding": 1, "dilation": 2,
                                                          "bias": False, "padding_mode": "reflect"}),
    ("Conv2d", (2, 4, 4), {"padding": "same", "groups": 2}), ("Conv1d", (2, 4, 3), {"padding": "valid"}),
    ("Conv1d", (2, 4, 3), {"padding_mode": "circular", "padding": 1}),
    ("ConvTranspose2d", (3, 4, 3), {"stride": 2, "output_padding": 1, "groups": 1, "dilation": 2}),
    ("ConvTranspose1d", (2, 4, 3), {"groups": 2, "padding": 1}),
    ("Unfold", (2,), {}), ("Fold", ((4, 4), 2), {"stride": 2})])
def test_repr_is_torch_s(name, args, kwargs):
    assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


@pytest.mark.parametrize(("build", "error", "match"), [
    (lambda: nn.Conv2d(3, 4, 3, groups=2), ValueError, "^Conv2d: in_channels must be divisible by groups"),
    (lambda: nn.Conv2d(4, 3, 3, groups=2), ValueError, "^Conv2d: out_channels must be divisible by groups"),
    (lambda: nn.Conv2d(4, 4, 3, groups=0), ValueError, "^Conv2d: groups must be a positive integer"),
    (lambda: nn.Conv1d(2, 4, 3, padding="full"), ValueError, "^Conv1d: Invalid padding string 'full'"),
    (lambda: nn.Conv2d(2, 4, 3, stride=2, padding="same"), ValueError,
     "^Conv2d: padding='same' is not supported for strided convolutions"),
    (lambda: nn.Conv2d(2, 4, 3, padding_mode="mirror"), ValueError, "^Conv2d: padding_mode must be one of"),
    (lambda: nn.ConvTranspose2d(2, 4, 3, padding_mode="reflect"), ValueError,
     '^ConvTranspose2d: Only "zeros" padding mode is supported for ConvTranspose2d'),
    (lambda: nn.Conv2d(2, 4, (3, 3, 3)), ValueError, "^Conv2d: kernel_size must be an int or a tuple of 2"),
    (lambda: nn.Conv2d(2, 4, 2.5), TypeError, "^Conv2d.*kernel_size"),
])
def test_bad_constructor_arguments_are_refused_naming_the_layer(build, error, match):
    with pytest.raises(error, match=match):
        build()


@pytest.mark.parametrize(("call", "match"), [
    (lambda: nn.Conv2d(3, 4, 3)(ag.randn(2, 4, 8, 8)),
     r"^conv2d: Given groups=1, weight of size \[4, 3, 3, 3\], expected input\[2, 4, 8, 8\] to have "
     r"3 channels, but got 4 channels instead"),
    (lambda: nn.Conv2d(3, 4, 9)(ag.randn(2, 3, 8, 8)),
     r"^conv2d: Calculated padded input size per channel: \(8 x 8\). Kernel size: \(9 x 9\). "
     "Kernel size can't be greater than actual input size"),
    (lambda: nn.Conv1d(3, 4, 3)(ag.randn(2, 3, 8, 8)),
     r"^conv1d: Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d, but got input of size: "
     r"\[2, 3, 8, 8\]"),
    (lambda: nn.ConvTranspose2d(3, 4, 3)(ag.randn(2, 4, 5, 5)),
     r"^conv_transpose2d: Given transposed=1, weight of size \[3, 4, 3, 3\], expected input\[2, 4, 5, 5\] "
     "to have 3 channels, but got 4 channels instead"),
    (lambda: F.conv2d(ag.randn(2, 4, 8, 8), ag.randn(5, 2, 3, 3), groups=2),
     r"^conv2d: Given groups=2, expected weight to be divisible by 2 at dimension 0"),
    (lambda: F.conv2d(ag.randn(2, 4, 8, 8), ag.randn(6, 4, 3, 3), ag.randn(5)),
     r"^conv2d: Given weight of size \[6, 4, 3, 3\], expected bias to be 1-dimensional with 6 elements"),
    (lambda: F.conv2d(ag.randn(2, 4, 8, 8), ag.randn(6, 4, 3, 3), stride=2, padding="same"),
     "^conv2d: padding='same' is not supported for strided convolutions"),
    (lambda: F.conv2d(ag.randn(2, 4, 8, 8), ag.randn(6, 4, 3, 3), stride=(1, 2, 3)),
     "^conv2d: expected stride to be a single integer value or a list of 2 values"),
    (lambda: F.conv2d(ag.randn(2, 4, 8, 8), ag.randn(6, 4, 3, 3), padding=-1),
     "^conv2d: negative padding is not supported"),
    (lambda: F.conv2d(ag.randn(2, 4, 8, 8).double(), ag.randn(6, 4, 3, 3)),
     "^conv2d: expected scalar type"),
    (lambda: F.conv2d(ag.ones(2, 4, 8, 8, dtype=ag.int64), ag.ones(6, 4, 3, 3, dtype=ag.int64)),
     "^conv2d: \"conv2d_cpu\" not implemented for 'Long'"),
    (lambda: F.conv_transpose2d(ag.randn(1, 4, 5, 5), ag.randn(4, 2, 3, 3), stride=2, output_padding=2),
     "^conv_transpose2d: output padding must be smaller than either stride or dilation"),
    (lambda: nn.Conv2d(2, 3, 3, padding=4, padding_mode="reflect")(ag.randn(1, 2, 3, 3)),
     r"^pad: Padding size should be less than the corresponding input dimension, but got: "
     r"padding \(4, 4\) at dimension 3 of input \[1, 2, 3, 3\]"),
    (lambda: F.conv2d(ag.randn(2, 0, 4, 4), ag.randn(3, 0, 3, 3)),
     r"^conv2d: the input\[2, 0, 4, 4\] has no channels"),
    (lambda: F.unfold(ag.randn(2, 3, 4, 4), 5),
     "^unfold: .*calculated shape of the array of sliding blocks as"),
    (lambda: F.fold(ag.randn(2, 12, 8), (4, 4), 2),
     "^fold: .*expected size of input's dimension 2 to match the calculated number of sliding blocks"),
    (lambda: F.fold(ag.randn(2, 5, 9), (4, 4), 2),
     "^fold: Expected size of input's dimension 1 to be divisible by the product of kernel_size"),
])
def test_bad_inputs_are_refused_as_torch_refuses_them(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


def test_grad_fn_names_are_torch_s():
    x, w = ag.randn(2, 3, 6, 6, requires_grad=True), ag.randn(4, 3, 3, 3, requires_grad=True)
    assert type(F.conv2d(x, w).grad_fn).__name__ == "ConvolutionBackward0"
    assert type(F.conv2d(x[0], w).grad_fn).__name__ == "SqueezeBackward1"
    assert type(F.conv_transpose2d(x, w.transpose(0, 1)).grad_fn).__name__ == "ConvolutionBackward0"
    assert type(F.unfold(x, 2).grad_fn).__name__ == "Im2ColBackward0"
    assert type(F.fold(F.unfold(x, 2), (6, 6), 2).grad_fn).__name__ == "Col2ImBackward0"
    grads = ag.grad(F.conv2d(x, w).sum(), (x, w), create_graph=True)
    assert [type(g.grad_fn).__name__ for g in grads] == ["ConvolutionBackwardBackward0"] * 2


def test_conv_is_differentiable_to_third_order():
    x = ag.tensor(_randn((1, 2, 5, 5), 0), requires_grad=True)
    w = ag.tensor(_randn((3, 2, 3, 3), 1), requires_grad=True)
    assert ag.gradgradcheck(lambda x, w: F.conv2d(x, w, stride=2, padding=1) ** 2, (x, w))

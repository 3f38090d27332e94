"""Normalization of images against PyTorch in float64: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d and
GroupNorm (outputs, input and parameter gradients, running statistics over several training
steps, eval mode, state_dict keys), their functional forms' gradchecks and PyTorch's errors.
The channel-wise dropouts are in tests/test_nn_dropout_nd.py."""

import warnings

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch
from test_nn_layers import assert_close, copy_parameters, randn, run_both

import autograd as ag
import nn
import nn.functional as F


def _randomize_affine(layer, channels):
    """Weights away from their ones/zeros init, so that a wrong broadcast shows."""
    with ag.no_grad():
        if layer.weight is not None:
            layer.weight.copy_(ag.tensor(randn(channels, seed=5) + 1))
        if layer.bias is not None:
            layer.bias.copy_(ag.tensor(randn(channels, seed=6)))


def _compare_training_then_eval(name, args, options, shape, steps=3):
    """Both layers, same parameters and buffers by state_dict key; ``steps`` training steps (each
    moves the running statistics), then one in eval mode: everything equal to 1e-9."""
    ours = getattr(nn, name)(*args, **options).double()
    theirs = getattr(torch.nn, name)(*args, **options).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _randomize_affine(ours, args[-1])
    copy_parameters(ours, theirs)
    for step in range(steps + 1):
        if step == steps:
            ours.eval()
            theirs.eval()
        x = randn(*shape, seed=10 + step) * 2 + 1
        out, out_t, gx, gx_t = run_both(ours, theirs, x, upstream_seed=step)
        assert ours.training == theirs.training
        assert_close(out, out_t, rtol=1e-9, atol=1e-10)
        assert_close(gx, gx_t, rtol=1e-8, atol=1e-10)
        for key, value in ours.state_dict().items():
            assert_close(value, theirs.state_dict()[key], rtol=1e-9, err_msg=key)
            assert str(value.dtype) == str(theirs.state_dict()[key].dtype), key
        for key, param in ours.named_parameters():
            assert_close(param.grad, dict(theirs.named_parameters())[key].grad, rtol=1e-8, atol=1e-10)
    return ours


BATCH_OPTIONS = [{}, {"momentum": None}, {"affine": False}, {"track_running_stats": False},
                 {"eps": 1e-2, "momentum": 0.3}, {"bias": False},
                 {"track_running_stats": False, "affine": False}]


@requires_torch
@pytest.mark.parametrize("options", BATCH_OPTIONS)
@pytest.mark.parametrize(("name", "shape"), [
    ("BatchNorm2d", (4, 3, 5, 6)), ("BatchNorm2d", (1, 3, 2, 2)), ("BatchNorm3d", (2, 3, 2, 3, 4)),
    ("BatchNorm1d", (5, 3, 4)),
])
def test_batchnorm_matches_pytorch_in_training_and_eval(name, shape, options):
    bn = _compare_training_then_eval(name, (3,), options, shape)
    if bn.track_running_stats:
        assert bn.num_batches_tracked.item() == 3 and bn.num_batches_tracked.dtype == ag.int64


@requires_torch
@pytest.mark.parametrize(("options", "shape"), [
    ({}, (2, 3, 4, 5)), ({"affine": True}, (2, 3, 4, 5)), ({"track_running_stats": True}, (3, 3, 4, 4)),
    ({"track_running_stats": True, "affine": True, "momentum": 0.4}, (2, 3, 5, 2)),
    ({"track_running_stats": True, "momentum": None}, (2, 3, 3, 3)),
    ({"affine": True, "bias": False, "eps": 1e-3}, (2, 3, 4, 5)),
    ({"affine": True}, (3, 4, 5)), ({"track_running_stats": True}, (3, 4, 5)),  # unbatched (C, H, W)
])
def test_instancenorm2d_matches_pytorch(options, shape):
    _compare_training_then_eval("InstanceNorm2d", (3,), options, shape)


@requires_torch
@pytest.mark.parametrize(("name", "shape"), [
    ("InstanceNorm1d", (4, 3, 6)), ("InstanceNorm1d", (3, 6)), ("InstanceNorm3d", (2, 3, 2, 3, 4)),
    ("InstanceNorm3d", (3, 2, 3, 4)),
])
@pytest.mark.parametrize("options", [{"affine": True}, {"track_running_stats": True}])
def test_instancenorm_1d_and_3d_match_pytorch(name, shape, options):
    _compare_training_then_eval(name, (3,), options, shape)


def test_instancenorm_counts_no_batches_as_pytorch():
    layer = nn.InstanceNorm2d(3, track_running_stats=True)
    layer(ag.randn(2, 3, 4, 4))
    assert layer.num_batches_tracked.item() == 0  # registered, never counted (PyTorch's)


@requires_torch
@pytest.mark.parametrize(("args", "options", "shape"), [
    ((2, 6), {}, (4, 6, 3, 3)), ((3, 6), {}, (4, 6, 5)), ((1, 6), {}, (2, 6, 2, 2)),
    ((6, 6), {}, (2, 6, 3)), ((2, 6), {"affine": False}, (3, 6, 2, 2)),
    ((3, 6), {"bias": False, "eps": 1e-3}, (2, 6, 4)), ((2, 4), {}, (3, 4)),
    ((2, 4), {}, (2, 4, 2, 2, 2)),
])
def test_groupnorm_matches_pytorch(args, options, shape):
    _compare_training_then_eval("GroupNorm", args, options, shape, steps=1)


@requires_torch
@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.BatchNorm2d(4, momentum=None), lambda lib: lib.nn.BatchNorm3d(4, affine=False),
    lambda lib: lib.nn.BatchNorm2d(4, track_running_stats=False), lambda lib: lib.nn.GroupNorm(2, 4),
    lambda lib: lib.nn.GroupNorm(2, 4, affine=False), lambda lib: lib.nn.InstanceNorm2d(4),
    lambda lib: lib.nn.InstanceNorm1d(4, affine=True, track_running_stats=True),
    lambda lib: lib.nn.InstanceNorm3d(4, affine=True, bias=False),
])
def test_state_dict_keys_repr_and_loading_follow_pytorch(make):
    ours, theirs = make(OURS), make(torch)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    state = {k: ag.tensor(v.numpy()) for k, v in theirs.state_dict().items()}
    ours.load_state_dict(state)
    assert getattr(ours, "_version", 1) == getattr(theirs, "_version", 1)


def test_reset_parameters_and_running_stats():
    bn = nn.BatchNorm2d(3)
    bn(ag.randn(4, 3, 2, 2) * 3 + 1)
    _randomize_affine(bn, 3)
    bn.reset_parameters()
    assert bn.running_mean.tolist() == [0, 0, 0] and bn.running_var.tolist() == [1, 1, 1]
    assert bn.weight.tolist() == [1, 1, 1] and bn.bias.tolist() == [0, 0, 0]
    assert bn.num_batches_tracked.item() == 0


def test_a_checkpoint_before_version_2_keeps_num_batches_tracked_and_old_instance_stats_are_refused():
    bn = nn.BatchNorm2d(2)
    bn(ag.randn(3, 2, 2, 2))
    old = {k: v for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
    nn.BatchNorm2d(2).load_state_dict(old)  # no metadata: version 1, num_batches_tracked kept
    with pytest.raises(RuntimeError, match=r'Unexpected running stats buffer\(s\) "running_mean" and '
                                           r'"running_var" for InstanceNorm2d'):
        nn.InstanceNorm2d(2).load_state_dict({"running_mean": ag.zeros(2), "running_var": ag.ones(2)})


def test_batchnorm_eval_without_running_stats_uses_the_batch():
    bn = nn.BatchNorm2d(2, track_running_stats=False).double().eval()
    x = ag.tensor(randn(3, 2, 2, 2))
    assert_close(bn(x), F.batch_norm(x, None, None, bn.weight, bn.bias, training=True).detach().numpy())


def test_cumulative_moving_average_is_the_mean_of_the_batch_statistics():
    bn = nn.BatchNorm2d(2, momentum=None).double()
    batches = [randn(3, 2, 2, 2, seed=s) for s in range(4)]
    for batch in batches:
        bn(ag.tensor(batch))
    assert_close(bn.running_mean, np.mean([b.mean(axis=(0, 2, 3)) for b in batches], axis=0))
    assert_close(bn.running_var, np.mean([b.var(axis=(0, 2, 3), ddof=1) for b in batches], axis=0))


# ---- the functional forms: gradcheck in float64 ------------------------------------------
def _leaf(*shape, seed=0, shift=0.0):
    return ag.tensor(randn(*shape, seed=seed) + shift, requires_grad=True)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradcheck_and_gradgradcheck_4d(training):
    stats = (ag.tensor(randn(3, seed=3)), ag.tensor(np.abs(randn(3, seed=4)) + 0.5))

    def f(x, w, b):
        return F.batch_norm(x, *(ag.tensor(s.numpy()) for s in stats), w, b, training=training)

    args = (_leaf(3, 3, 2, 2), _leaf(3, seed=1, shift=2), _leaf(3, seed=2))
    assert ag.gradcheck(f, args, raise_exception=True)
    assert ag.gradgradcheck(f, args, raise_exception=True)


@pytest.mark.parametrize("shape", [(2, 3, 2, 2), (2, 3, 4), (1, 2, 5)])
def test_instance_norm_gradcheck(shape):
    c = shape[1]
    assert ag.gradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
                        (_leaf(*shape), _leaf(c, seed=1, shift=2), _leaf(c, seed=2)),
                        raise_exception=True)
    assert ag.gradcheck(lambda x: F.instance_norm(x, ag.zeros(c, dtype=ag.float64),
                                                  ag.ones(c, dtype=ag.float64), use_input_stats=False),
                        (_leaf(*shape),), raise_exception=True)


@pytest.mark.parametrize(("shape", "groups"), [((2, 4, 3), 2), ((2, 6, 2, 2), 3), ((3, 4), 1)])
def test_group_norm_gradcheck_and_gradgradcheck(shape, groups):
    def f(x, w, b):
        return F.group_norm(x, groups, w, b)

    args = (_leaf(*shape), _leaf(shape[1], seed=1, shift=2), _leaf(shape[1], seed=2))
    assert ag.gradcheck(f, args, raise_exception=True)
    assert ag.gradgradcheck(f, args, raise_exception=True)


@requires_torch
@pytest.mark.parametrize(("name", "call", "node"), [
    ("batch_norm", lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True),
     "NativeBatchNormBackward0"),
    ("group_norm", lambda lib, x: lib.nn.functional.group_norm(x, 2), "NativeGroupNormBackward0"),
    ("instance_norm", lambda lib, x: lib.nn.functional.instance_norm(x), "ViewBackward0"),
])
def test_node_names_are_pytorch_s(name, call, node):
    x = randn(2, 4, 3, 3)
    assert call(OURS, ag.tensor(x, requires_grad=True)).grad_fn.name() == node
    assert call(torch, torch.tensor(x, requires_grad=True)).grad_fn.name() == node


@requires_torch
def test_empty_inputs_follow_pytorch():
    for lib in (OURS, torch):
        bn = lib.nn.BatchNorm2d(3)
        out = bn(lib.zeros(0, 3, 2, 2))
        assert tuple(out.shape) == (0, 3, 2, 2) and int(bn.num_batches_tracked) == 1
        assert bn.running_mean.tolist() == [0, 0, 0] and bn.running_var.tolist() == [1, 1, 1]
        assert tuple(lib.nn.functional.group_norm(lib.zeros(2, 4, 0), 2).shape) == (2, 4, 0)


# ---- errors: PyTorch's types and words ---------------------------------------------------
def _stats(lib, n=4):
    return lib.zeros(n, dtype=lib.float64), lib.ones(n, dtype=lib.float64)


ERRORS = [
    (lambda lib: lib.nn.BatchNorm2d(4)(lib.ones(2, 4, 3)), ValueError, r"expected 4D input \(got 3D input"),
    (lambda lib: lib.nn.BatchNorm3d(4)(lib.ones(2, 4, 3, 3)), ValueError,
     r"expected 5D input \(got 4D input"),
    (lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(2, 4, 3, 3)), RuntimeError,
     "running_mean should contain 4 elements not 3"),
    (lambda lib: lib.nn.BatchNorm2d(4)(lib.ones(1, 4, 1, 1)), ValueError,
     r"Expected more than 1 value per channel when training, got input size torch.Size\(\[1, 4, 1, 1\]\)"),
    (lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 4, 3), None, None, training=True, eps=0.0),
     ValueError, "batch_norm eps must be positive during training, but got 0.0"),
    (lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 4, 3), *_stats(lib, 4), eps=-1.0),
     ValueError, "batch_norm eps must be non-negative, but got -1.0"),
    (lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 4, 3), lib.zeros(4), None, training=True),
     ValueError, "running_mean and running_var must either both be None or neither be None"),
    (lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 4, 3), None, None), RuntimeError,
     "running_mean must be defined in evaluation mode"),
    (lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 4, 3), lib.zeros(4), None), RuntimeError,
     "running_var must be defined in evaluation mode"),
    (lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 4, 3), None, None, lib.ones(3), training=True),
     RuntimeError, "weight should contain 4 elements not 3"),
    (lambda lib: lib.nn.GroupNorm(4, 6), ValueError,
     r"num_channels \(6\) must be divisible by num_groups \(4\)"),
    (lambda lib: lib.nn.functional.group_norm(lib.ones(2, 4, 3), 3), RuntimeError,
     r"Expected number of channels in input to be divisible by num_groups, but got input of shape "
     r"\[2, 4, 3\] and num_groups=3"),
    (lambda lib: lib.nn.functional.group_norm(lib.ones(2, 4, 3), -2), RuntimeError,
     "Expected num groups to be greater than 0, got -2"),
    (lambda lib: lib.nn.functional.group_norm(lib.ones(4), 2), RuntimeError,
     "Expected at least 2 dimensions for input tensor but received 1"),
    (lambda lib: lib.nn.functional.group_norm(lib.ones(1, 2, 1), 2), ValueError,
     r"Expected more than 1 value per channel when training, got input size \[1, 2, 1\]"),
    (lambda lib: lib.nn.functional.group_norm(lib.ones(2, 4, 3), 2, lib.ones(3)), RuntimeError,
     "Expected weight to be a vector of size equal to the number of channels in input, but got "
     r"weight of shape \[3\] and input of shape \[2, 4, 3\]"),
    (lambda lib: lib.nn.functional.group_norm(lib.ones(2, 4, 3), 2.0), TypeError, "num_groups"),
    (lambda lib: lib.nn.InstanceNorm2d(4)(lib.ones(3, 3)), ValueError,
     r"expected 3D or 4D input \(got 2D input"),
    (lambda lib: lib.nn.InstanceNorm1d(4)(lib.ones(2, 4, 3, 3)), ValueError,
     r"expected 2D or 3D input \(got 4D input"),
    (lambda lib: lib.nn.InstanceNorm2d(4, affine=True)(lib.ones(2, 3, 3, 3)), ValueError,
     r"expected input's size at dim=1 to match num_features \(4\), but got: 3."),
    (lambda lib: lib.nn.InstanceNorm1d(4)(lib.ones(4, 1)), ValueError,
     r"Expected more than 1 spatial element when training, got input size torch.Size\(\[1, 4, 1\]\)"),
    (lambda lib: lib.nn.functional.instance_norm(lib.ones(2, 4, 3), lib.zeros(4)), ValueError,
     "running_mean and running_var must either both be None or neither be None"),
    (lambda lib: lib.nn.functional.instance_norm(lib.ones(2, 4, 3), use_input_stats=False), RuntimeError,
     "Expected running_mean and running_var to be defined when use_input_stats is false"),
    (lambda lib: lib.nn.functional.instance_norm(lib.ones(2, 4, 3), lib.zeros(3), lib.ones(3)),
     RuntimeError, "running_mean should contain 8 elements not 6"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), ERRORS)
def test_errors_are_pytorch_s(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(OURS)
    if torch is not None:
        with pytest.raises(error, match=pattern):
            call(torch)


def test_errors_name_the_layer_or_function():
    with pytest.raises(ValueError, match=r"^BatchNorm2d: expected 4D input \(got 3D input of shape "
                                         r"\(2, 4, 3\)\)"):
        nn.BatchNorm2d(4)(ag.ones(2, 4, 3))
    with pytest.raises(RuntimeError, match=r"^group_norm: Expected number of channels"):
        nn.GroupNorm(2, 4)(ag.ones(2, 3, 3))
    with pytest.raises(ValueError, match=r"^instance_norm: Expected more than 1 spatial element"):
        nn.InstanceNorm2d(4)(ag.ones(2, 4, 1, 1))
    with pytest.raises(ValueError, match=r"^GroupNorm: num_channels \(3\) must be divisible by "
                                         r"num_groups \(0\)"):
        nn.GroupNorm(0, 3)
    with pytest.raises(RuntimeError, match=r"^GroupNorm: num_groups must be >= 0"):
        nn.GroupNorm(-1, 3)


@requires_torch
def test_instancenorm_warns_when_the_channels_differ_without_affine():
    for lib in (OURS, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.InstanceNorm2d(4)(lib.ones(2, 3, 3, 3))
        assert len(caught) == 1
        assert str(caught[0].message).startswith("input's size at dim=1 does not match num_features.")
        assert lib is torch or caught[0].filename == __file__  # ours points at the user's line


@requires_torch
@pytest.mark.parametrize(("call", "error"), [
    (lambda lib: lib.nn.BatchNorm2d(2)(lib.ones(3, 2, 2, 2, dtype=lib.float64)), RuntimeError),
    (lambda lib: lib.nn.GroupNorm(1, 2)(lib.ones(3, 2, 2, dtype=lib.float64)), RuntimeError),
    (lambda lib: lib.nn.functional.group_norm(lib.ones(3, 2, 2, dtype=lib.int64), 1), NotImplementedError),
    (lambda lib: lib.nn.functional.batch_norm(lib.ones(3, 2, dtype=lib.int64), lib.zeros(2), lib.ones(2)),
     NotImplementedError),
])
def test_dtypes_are_refused_as_pytorch_s_cpu_kernels(call, error):
    for lib in (OURS, torch):
        with pytest.raises(error):
            call(lib)

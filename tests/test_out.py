"""``out=`` on factories and reductions (and ``device=`` on factories), against PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag


@pytest.mark.parametrize(("make", "shape"), [
    (lambda out: ag.zeros(2, 3, out=out), (2, 3)), (lambda out: ag.ones(4, out=out), (4,)),
    (lambda out: ag.full((2,), 7.0, out=out), (2,)), (lambda out: ag.eye(3, out=out), (3, 3)),
    (lambda out: ag.arange(5.0, out=out), (5,)), (lambda out: ag.linspace(0, 1, 4, out=out), (4,)),
    (lambda out: ag.rand(3, out=out), (3,)), (lambda out: ag.randn(2, 2, out=out), (2, 2))])
def test_factories_write_into_out_and_return_it(make, shape):
    out = ag.empty(shape)
    version = out._version
    assert make(out) is out and out.shape == shape and out._version > version


@requires_torch
@pytest.mark.parametrize(("name", "kwargs"), [
    ("sum", {"dim": 1}), ("mean", {"dim": 0}), ("prod", {"dim": 1}), ("amax", {"dim": 0}),
    ("amin", {"dim": 1}), ("logsumexp", {"dim": 1}), ("var", {"dim": 1}), ("std", {"dim": 0}),
    ("sum", {"dim": (0, 1)}), ("mean", {"dim": (0, 1)})])
def test_reductions_write_into_out_as_torch(name, kwargs):
    x = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
    mine_out, theirs_out = ag.empty(0, dtype=ag.float64), torch.empty(0, dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an empty out is resized without a warning anyway
        mine = getattr(ag, name)(ag.tensor(x), **kwargs, out=mine_out)
        theirs = getattr(torch, name)(torch.from_numpy(x), **kwargs, out=theirs_out)
    assert mine is mine_out and theirs is theirs_out
    np.testing.assert_allclose(mine.detach().numpy(), theirs.numpy(), rtol=1e-12)


def test_out_refuses_autograd_and_narrowing_casts():
    x = ag.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"sum\(\): functions with out=\.\.\. arguments don't "
                                           "support automatic differentiation"):
        ag.sum(x, out=ag.empty(()))
    with ag.no_grad():
        assert ag.sum(x, out=ag.empty(())).item() == 3.0
    with pytest.raises(RuntimeError, match=r"result type float32 can't be cast to the desired "
                                           "output type int64"):
        ag.mean(ag.ones(2), out=ag.empty((), dtype=ag.int64))
    with pytest.raises(TypeError, match="argument 'out' must be a Tensor, not ndarray"):
        ag.zeros(2, out=np.empty(2))


def test_an_out_of_another_shape_is_resized_with_a_warning():
    out = ag.empty(5)
    with pytest.warns(UserWarning, match=r"resized since it had shape \[5\].*shape \[2\]"):
        ag.ones(2, out=out)
    assert out.shape == (2,) and out.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("make", [
    lambda d: ag.zeros(2, device=d), lambda d: ag.ones(2, device=d), lambda d: ag.rand(2, device=d),
    lambda d: ag.arange(3, device=d), lambda d: ag.tensor([1.0], device=d),
    lambda d: ag.zeros_like(ag.ones(2), device=d), lambda d: ag.linspace(0, 1, 3, device=d),
    lambda d: ag.full((2,), 1.0, device=d), lambda d: ag.eye(2, device=d)])
def test_factories_take_the_cpu_device_and_refuse_others(make):
    assert make("cpu").device == ag.device("cpu") and make(ag.device("cpu:0")).shape
    with pytest.raises(ag.DeviceError, match="ndgrad runs on the CPU only"):
        make("cuda")

"""The dtype of sums and products (bool and every integer kind accumulate in int64, as in
PyTorch, uint8 included, unless ``dtype=`` says otherwise) and the value of reductions over
nothing (a mean of no elements is NaN, silently; losses of an empty batch likewise)."""

import warnings

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn.functional as F

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64"]
REDUCTIONS = {
    "sum": lambda lib, x: x.sum(), "sum(dim)": lambda lib, x: x.sum(0),
    "prod": lambda lib, x: x.prod(), "prod(dim)": lambda lib, x: x.prod(0),
    "cumsum": lambda lib, x: x.cumsum(0), "cumprod": lambda lib, x: x.cumprod(0),
    "sum(dtype=int8)": lambda lib, x: x.sum(dtype=lib.int8),
    "prod(dtype=int16)": lambda lib, x: x.prod(dtype=lib.int16),
    "cumsum(dtype=float32)": lambda lib, x: x.cumsum(0, dtype=lib.float32),
    "trace": lambda lib, x: x.reshape(1, -1)[:, :1].trace(),
}


def values(lib, dtype):
    if dtype == "bool":
        return lib.tensor([True, True, False])
    return lib.tensor([3, 1, 2], dtype=getattr(lib, dtype))


def reduced(lib, reduction, dtype):
    if reduction == "trace" and dtype == "bool":
        pytest.skip("PyTorch has no bool trace")
    return REDUCTIONS[reduction](OURS if lib is ag else lib, values(lib, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", list(REDUCTIONS))
class TestAccumulationDtypes:
    def test_int64_unless_a_dtype_is_given(self, reduction, dtype):
        expected = reduction.partition("dtype=")[2].rstrip(")") or "int64"
        assert str(reduced(ag, reduction, dtype).dtype) == f"torch.{expected}"

    @requires_torch
    def test_as_torch(self, reduction, dtype):
        ours, theirs = reduced(ag, reduction, dtype), reduced(torch, reduction, dtype)
        assert str(ours.dtype) == str(theirs.dtype) and ours.tolist() == theirs.tolist()


class TestAccumulationEdges:
    def test_a_uint8_sum_does_not_wrap_or_widen_to_uint64(self):
        x = ag.full((300,), 255, dtype=ag.uint8)
        assert x.sum().dtype == ag.int64 and x.sum().item() == 76500
        assert x.prod(dtype=ag.uint8).item() == 1  # 255 ** 300 mod 256, in the dtype asked for

    def test_int8_sums_in_its_own_dtype_when_asked(self):
        assert ag.tensor([100, 100], dtype=ag.int8).sum(dtype=ag.int8).item() == -56  # wraps, as torch


EMPTY = {
    "mean": lambda lib: lib.zeros(0).mean(),
    "mean(dim)": lambda lib: lib.zeros(0, 3).mean(0),
    "mean(empty dim, kept)": lambda lib: lib.zeros(2, 0).mean(1, keepdim=True),
    "mean over a non-empty dim": lambda lib: lib.zeros(0, 3).mean(1),
    "cross_entropy mean": lambda lib: functional(lib).cross_entropy(
        lib.zeros(0, 3), lib.zeros(0, dtype=lib.long)),
    "cross_entropy sum": lambda lib: functional(lib).cross_entropy(
        lib.zeros(0, 3), lib.zeros(0, dtype=lib.long), reduction="sum"),
    "cross_entropy none": lambda lib: functional(lib).cross_entropy(
        lib.zeros(0, 3), lib.zeros(0, dtype=lib.long), reduction="none"),
    "cross_entropy weighted": lambda lib: functional(lib).cross_entropy(
        lib.zeros(0, 3), lib.zeros(0, dtype=lib.long), weight=lib.ones(3)),
    "cross_entropy smoothed": lambda lib: functional(lib).cross_entropy(
        lib.zeros(0, 3), lib.zeros(0, dtype=lib.long), label_smoothing=0.1),
    "cross_entropy spatial": lambda lib: functional(lib).cross_entropy(lib.zeros(0, 3, 2),
                                                                     lib.zeros(0, 2, dtype=lib.long)),
    "cross_entropy all ignored": lambda lib: functional(lib).cross_entropy(lib.zeros(2, 3),
                                                                         lib.tensor([-100, -100])),
    "nll_loss mean": lambda lib: functional(lib).nll_loss(lib.zeros(0, 3), lib.zeros(0, dtype=lib.long)),
    "mse_loss mean": lambda lib: functional(lib).mse_loss(lib.zeros(0), lib.zeros(0)),
    "l1_loss mean": lambda lib: functional(lib).l1_loss(lib.zeros(0), lib.zeros(0)),
    "binary_cross_entropy mean": lambda lib: functional(lib).binary_cross_entropy(lib.zeros(0), lib.zeros(0)),
}


def functional(lib):
    return torch.nn.functional if lib is torch else F


class TestEmptyReductions:
    @pytest.mark.parametrize("case", list(EMPTY))
    def test_silent_and_as_torch(self, case):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no NumPy "Mean of empty slice" or "invalid value"
            ours = EMPTY[case](OURS)
        assert ours.dtype == ag.float32
        if torch is not None:
            theirs = EMPTY[case](torch)
            assert ours.shape == tuple(theirs.shape)
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())

    def test_the_issue_repro(self):
        logits = ag.zeros(0, 3, requires_grad=True)
        loss = F.cross_entropy(logits, ag.zeros(0, dtype=ag.int64))
        assert loss.dtype == ag.float32 and np.isnan(loss.item())
        loss.backward()
        assert logits.grad.shape == (0, 3)

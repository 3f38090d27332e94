"""The process-level speed settings: glibc allocator thresholds and BLAS threads per product."""

import sys

import numpy as np
import pytest

import autograd as ag
from autograd import allocator, blas


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_allocator_is_tuned_at_import_unless_opted_out(monkeypatch):
    assert allocator.tune_allocator() is allocator.TUNED
    monkeypatch.setenv("NDGRAD_KEEP_MALLOC", "1")
    assert allocator.tune_allocator() is False


@pytest.mark.skipif(not blas._state.controllers, reason="no BLAS controllable by threadpoolctl")
@pytest.mark.parametrize("small_on_one", [True, False])
def test_small_products_follow_the_calibration_and_large_ones_use_all_threads(monkeypatch, small_on_one):
    monkeypatch.setattr(blas._state, "small_on_one", small_on_one)
    blas.fit_threads(blas.SMALL_PRODUCT)
    assert blas._state.current == blas._state.most
    assert all(c.num_threads == blas._state.most for c in blas._state.controllers)
    x = ag.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    (x @ ag.ones(3, 2)).sum().backward()  # a tiny product: one thread only if calibrated so
    want = 1 if small_on_one else blas._state.most
    assert blas._state.current == want
    assert all(c.num_threads == want for c in blas._state.controllers)
    np.testing.assert_array_equal(x.grad.detach().numpy(), np.full((2, 3), 2.0))


@pytest.mark.skipif(not blas._state.controllers, reason="no BLAS controllable by threadpoolctl")
def test_the_calibration_runs_once_on_the_first_product(monkeypatch):
    monkeypatch.setattr(blas._state, "small_on_one", None)
    calls = []
    real = blas.calibrate
    monkeypatch.setattr(blas, "calibrate", lambda: calls.append(1) or real())
    blas.fit_threads(10)
    blas.fit_threads(10)
    assert calls == [1]
    assert isinstance(blas._state.small_on_one, bool)
    assert blas._state.current == (1 if blas._state.small_on_one else blas._state.most)

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
def test_small_products_run_on_one_blas_thread_and_large_on_all():
    blas.fit_threads(blas.SMALL_PRODUCT)
    assert blas._state.current == blas._state.most
    assert all(c.num_threads == blas._state.most for c in blas._state.controllers)
    x = ag.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    (x @ ag.ones(3, 2)).sum().backward()  # a tiny product switches to one thread
    assert blas._state.current == 1
    assert all(c.num_threads == 1 for c in blas._state.controllers)
    np.testing.assert_array_equal(x.grad.detach().numpy(), np.full((2, 3), 2.0))

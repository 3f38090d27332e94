"""BLAS threads per matrix product, chosen once per process by measuring this machine.

On small products a second OpenBLAS thread can cost more in hand-off than it saves: on an
Intel Xeon (2 cores) the batch-32 MLP step took 0.17 ms with one thread and 0.27-0.29 ms with
two. On an AMD EPYC VM (2 cores) it is the other way: a 32x784 @ 784x100 product takes 248 us
on one thread and 93-114 us on two, even after 50-500 us of Python since the last product, and
on the idle machine the whole steps gained (the spiral step 2.4-2.6 ms against 2.9-3.2, the
LSTM step 50 ms against 58, the batch-1024 MLP step 8.7 ms against 9.6, batch 32 and 128
even). Large products gain from every core on both.

So the first product of a process runs ``calibrate``: the batch-32 MNIST layer's product,
each time after 200 us of Python (the gap a training step leaves between its products, in
which a second thread may fall asleep), ``_CALIBRATION_RUNS`` times on one thread and on all,
alternately (about 8 ms in all). If one thread's median is at least 10% faster, products of
fewer than ``SMALL_PRODUCT`` multiply-adds run on one thread from then on; otherwise every
product runs on all threads, as in plain NumPy. Switching costs about 1.5 us (threadpoolctl's
``set_num_threads``) and happens only when the choice changes. Without threadpoolctl or a BLAS
it can control, this does nothing.

Under load (another process busy on the second core) that VM's second thread sleeps and
takes 4-40 ms to wake: over 3,000 batch-32 steps two threads then gave a mean of 4.18 ms
against 1.21 ms on one. Plain NumPy and PyTorch stall the same way there; a probe that waits
longer (1 ms) did not tell the two states apart reliably (it took up to 0.5 s and changed its
verdict between runs), so the probe measures what an idle machine does, like NumPy's default.
OpenBLAS's results may differ in the last bit between thread counts, so where the verdict
changes between runs, results may differ by rounding; on an idle machine it is the same every run.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # optional: products then use the BLAS default
    ThreadpoolController = None

SMALL_PRODUCT = 16_000_000  # multiply-adds: the batch-128 MNIST product (10M) counts as small
_CALIBRATION_RUNS = 7
_CALIBRATION_GAP = 200e-6  # seconds of Python before each timed product
_CALIBRATION_MARGIN = 0.9  # one thread must be 10% faster to be chosen


def _blas_controllers() -> list[Any]:
    if ThreadpoolController is None:
        return []
    return [c for c in ThreadpoolController().lib_controllers if c.user_api == "blas"]


class _State:
    controllers = _blas_controllers()
    most = max((c.num_threads for c in controllers), default=1)
    current = most
    small_on_one: bool | None = None  # None until calibrated


_state = _State()


def _set_threads(count: int) -> None:
    if count != _state.current:
        for controller in _state.controllers:
            controller.set_num_threads(count)
        _state.current = count


def _timed_after_gap(count: int, a: np.ndarray, b: np.ndarray) -> float:
    _set_threads(count)
    a @ b  # noqa: B018 - the switch's own first product is not timed
    end = time.perf_counter() + _CALIBRATION_GAP
    while time.perf_counter() < end:  # Python running, as between a step's products
        pass
    start = time.perf_counter()
    a @ b  # noqa: B018
    return time.perf_counter() - start


def calibrate() -> bool:
    """Whether small products are faster on one thread here (measured; see the module docstring)."""
    if _state.most == 1:
        return False
    a = np.ones((32, 784), np.float32)
    b = np.ones((784, 100), np.float32)
    one, many = [], []
    for _ in range(_CALIBRATION_RUNS):
        one.append(_timed_after_gap(1, a, b))
        many.append(_timed_after_gap(_state.most, a, b))
    return statistics.median(one) < _CALIBRATION_MARGIN * statistics.median(many)


def fit_threads(multiply_adds: int) -> None:
    """One BLAS thread for a product under SMALL_PRODUCT multiply-adds if faster here, else all.

    ``calibrate`` decides, on the first call.
    """
    if _state.small_on_one is None:
        _state.small_on_one = calibrate()
    _set_threads(1 if _state.small_on_one and multiply_adds < SMALL_PRODUCT else _state.most)

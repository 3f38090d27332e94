"""BLAS threads per matrix product.

On small products a second OpenBLAS thread costs more in hand-off than it saves (measured on
2 cores: the batch-32 MLP step takes 0.17 ms with one thread and 0.27-0.29 ms with two),
while large products gain from every core. So each product whose multiply-adds fall below
``SMALL_PRODUCT`` runs on one thread and larger ones on all of them. Switching costs about
1.5 us (threadpoolctl's ``set_num_threads``), and happens only when the choice changes.
Without threadpoolctl or a BLAS it can control, this does nothing.

Re-measured on a 2-core AMD EPYC VM, where a lone 32x784 @ 784x100 product is twice as fast
on two threads (126 us against 248 us): there a sleeping second thread takes 4-40 ms to wake
after 0.5-5 ms without a product, the gaps a training step has between its products while
Python runs. Over 3,000 batch-32 MLP steps, one thread gave a mean of 1.21 ms (max 4.5 ms);
two threads a median of 1.22 ms but a mean of 4.18 ms (99th percentile 48 ms). So the rule
stays: one thread never stalls, and small products lose little with it.
"""

from __future__ import annotations

from typing import Any

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # optional: products then use the BLAS default
    ThreadpoolController = None

SMALL_PRODUCT = 16_000_000  # multiply-adds: the batch-128 MNIST product (10M) stays on one thread


def _blas_controllers() -> list[Any]:
    if ThreadpoolController is None:
        return []
    return [c for c in ThreadpoolController().lib_controllers if c.user_api == "blas"]


class _State:
    controllers = _blas_controllers()
    most = max((c.num_threads for c in controllers), default=1)
    current = most


_state = _State()


def fit_threads(multiply_adds: int) -> None:
    """Use one BLAS thread for a product of fewer than SMALL_PRODUCT multiply-adds, else all."""
    want = 1 if multiply_adds < SMALL_PRODUCT else _state.most
    if want != _state.current:
        for controller in _state.controllers:
            controller.set_num_threads(want)
        _state.current = want

"""Learning-rate schedulers, after ``torch.optim.lr_scheduler``.

A scheduler only writes ``group["lr"]`` (OneCycleLR also ``momentum`` or ``betas``). Call
``scheduler.step()`` after ``optimizer.step()``: once per epoch (OneCycleLR: once per batch;
ReduceLROnPlateau: ``step(metric)``). Each scheduler uses PyTorch's recurrences (the chainable
form: the new lr is computed from the current ``group["lr"]``), so the sequences match
PyTorch's to rounding; the docstrings give the closed forms.

    >>> sched = StepLR(opt, step_size=30, gamma=0.1)
    >>> for epoch in range(100):
    ...     train(...)        # calls opt.step()
    ...     sched.step()
"""

from __future__ import annotations

from .base import LRScheduler
from .decay import CosineAnnealingLR, ExponentialLR, LambdaLR, MultiStepLR, StepLR
from .one_cycle import OneCycleLR
from .plateau import ReduceLROnPlateau

__all__ = ["LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR",
           "CosineAnnealingLR", "ReduceLROnPlateau", "OneCycleLR"]

"""ReduceLROnPlateau: reduce the lr when a metric stops improving."""

from __future__ import annotations

import math
from typing import SupportsFloat

from ..arguments import each, real
from ..optimizer import Optimizer
from .base import LRScheduler, check_optimizer, current_lrs


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by ``factor`` when a metric has stopped improving.

    ``step(metric)`` after each epoch. The metric improves when it beats the best so far by
    the threshold: ``a < best * (1 - threshold)`` ('min', 'rel'), ``a < best - threshold``
    ('min', 'abs'), ``a > best * (1 + threshold)`` ('max', 'rel'), ``a > best + threshold``
    ('max', 'abs'). After more than ``patience`` epochs without improvement,
    ``lr = max(lr * factor, min_lr)`` (skipped if it changes lr by less than ``eps``), then
    ``cooldown`` epochs are ignored.

    Args:
        mode: 'min' (e.g. a loss) or 'max' (e.g. an accuracy).
        factor: multiplier of the lr, < 1.
        patience: epochs without improvement tolerated before reducing.
        threshold, threshold_mode: what counts as an improvement ('rel' or 'abs').
        cooldown: epochs to wait after a reduction before counting bad epochs again.
        min_lr: lower bound of the lr, one for all groups or a list.
        eps: minimal change of the lr.
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | list[float] = 0, eps: float = 1e-8) -> None:
        real("factor", factor)
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        check_optimizer(optimizer)
        for name, value in (("patience", patience), ("threshold", threshold),
                            ("cooldown", cooldown), ("eps", eps)):
            real(name, value)
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown! (use 'min' or 'max')")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown! (use 'rel' or 'abs')")
        self.optimizer = optimizer
        self.factor = factor
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(f"expected {len(optimizer.param_groups)} min_lrs, got {len(min_lr)}")
            each(real, "min_lr", min_lr)
            self.default_min_lr: float | None = None
            self.min_lrs = list(min_lr)
        else:
            real("min_lr", min_lr)
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.patience, self.cooldown, self.eps = patience, cooldown, eps
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = current_lrs(self)
        self._reset()

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        """Whether the scheduler is waiting out the ``cooldown`` after a reduction."""
        return self.cooldown_counter > 0

    def is_better(self, a: float, best: float) -> bool:
        """Whether metric ``a`` improves on ``best`` by the threshold."""
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics: SupportsFloat) -> None:  # type: ignore[override]  # takes the metric
        """Record this epoch's metric (a number or a one-element Tensor)."""
        current = float(metrics)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in cooldown don't count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = current_lrs(self)

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(f"The optimizer has {len(groups)} param groups but "
                                   f"ReduceLROnPlateau got {len(self.min_lrs)} min_lrs (was a "
                                   "group added?). Hint: update the scheduler's min_lrs list")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

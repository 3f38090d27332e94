"""Schedules that decay the lr with the epoch.

LambdaLR, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR.
"""

from __future__ import annotations

import copy
import math
import types
from collections.abc import Callable, Iterable
from typing import Any

from ..arguments import each, epochs, function, positive, real
from ..optimizer import Optimizer
from .base import LRScheduler, check_optimizer, current_lrs


class LambdaLR(LRScheduler):
    """``lr = base_lr * lr_lambda(epoch)``.

    Args:
        lr_lambda: a function of the epoch, or a list of them (one per group).

    Example: warm-up over 5 epochs: ``LambdaLR(opt, lambda e: min(1.0, (e + 1) / 5))``.
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got "
                                 f"{len(lr_lambda)}")
            each(function, "lr_lambda", lr_lambda)
            self.lr_lambdas = list(lr_lambda)
        else:
            function("lr_lambda", lr_lambda)
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """``base_lr * lr_lambda(last_epoch)`` for each group."""
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """As the base, but functions are not saved.

        ``lr_lambdas`` holds None for a plain function and the attribute dict of a callable
        object (as PyTorch).
        """
        state = {key: copy.deepcopy(value) for key, value in self.__dict__.items()
                 if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) or not hasattr(fn, "__dict__")
            else copy.deepcopy(fn.__dict__) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``; callable objects in ``lr_lambdas`` get their saved attributes back."""
        state = {key: value for key, value in state_dict.items() if key != "lr_lambdas"}
        super().load_state_dict(state)
        for fn, saved in zip(self.lr_lambdas, state_dict.get("lr_lambdas", [])):
            if saved is not None:
                fn.__dict__.update(copy.deepcopy(saved))


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    ``lr = base_lr * gamma ** (epoch // step_size)``.
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        positive("step_size", step_size)  # PyTorch takes a float too: 0.5 decays every epoch
        real("gamma", gamma)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current lr of each group, times ``gamma`` at a multiple of ``step_size``."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return current_lrs(self)
        return [lr * self.gamma for lr in current_lrs(self)]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each milestone (a repeated milestone counts again).

    ``lr = base_lr * gamma ** (number of milestones <= epoch)``.

    Args:
        milestones: epoch indices (kept as ``{epoch: count}``).
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        real("gamma", gamma)
        self.milestones: dict[int, int] = {}
        for epoch in epochs("milestones", milestones):
            self.milestones[epoch] = self.milestones.get(epoch, 0) + 1
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current lr of each group, times ``gamma ** count`` at a milestone."""
        if self.last_epoch not in self.milestones:
            return current_lrs(self)
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in current_lrs(self)]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``, milestones keyed by int again."""
        super().load_state_dict(state_dict)
        # a serializer may return the keys as strings
        self.milestones = {int(k): int(v) for k, v in self.milestones.items()}


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch: ``lr = base_lr * gamma ** epoch``."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        real("gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current lr of each group times ``gamma`` (unchanged at the initial step)."""
        if self._is_initial:
            return current_lrs(self)
        return [lr * self.gamma for lr in current_lrs(self)]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from ``base_lr`` down to ``eta_min`` over ``T_max`` epochs.

    SGDR without restarts; past ``T_max`` the cosine goes back up::

        lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2

    computed, as PyTorch does, by the recurrence
    ``lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t / T)) / (1 + cos(pi (t-1) / T))``.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        positive("T_max", T_max)
        real("eta_min", eta_min)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The lr of each group at ``last_epoch``, by the recurrence above."""
        t, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        lrs = current_lrs(self)
        if self._is_initial:  # also when resuming: the groups hold the lr already
            return lrs
        if (t - 1 - period) % (2 * period) == 0:  # at the minimum the ratio below is 0/0
            return [lr + (base_lr - eta_min) * (1 - math.cos(math.pi / period)) / 2
                    for base_lr, lr in zip(self.base_lrs, lrs)]
        return [(1 + math.cos(math.pi * t / period)) / (1 + math.cos(math.pi * (t - 1) / period))
                * (lr - eta_min) + eta_min for lr in lrs]

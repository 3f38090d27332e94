"""OneCycleLR: the 1cycle policy (Smith & Topin, 2017), stepped once per batch."""

from __future__ import annotations

import math
from typing import Any

from ..arguments import each, flag, positive, real
from ..optimizer import Optimizer
from .base import LRScheduler, check_optimizer


def _per_group(name: str, optimizer: Optimizer,
               value: float | list[float] | tuple[float, ...]) -> list[float]:
    """One real number per param group: a list is checked (its length, each entry), a number repeated."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have the same length as optimizer.param_groups. {name} "
                             f"has {len(value)} values, param_groups has "
                             f"{len(optimizer.param_groups)}.")
        each(real, name, value)
        return list(value)
    real(name, value)
    return [value] * len(optimizer.param_groups)


def anneal_cos(start: float, end: float, pct: float) -> float:
    """Cosine from start (pct 0) to end (pct 1): ``end + (start - end) / 2 * (1 + cos(pi pct))``."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def anneal_linear(start: float, end: float, pct: float) -> float:
    """Straight line from start (pct 0) to end (pct 1): ``start + (end - start) * pct``."""
    return (end - start) * pct + start


class OneCycleLR(LRScheduler):
    """The 1cycle policy: the lr rises to ``max_lr``, then anneals; the momentum moves the opposite way.

    The lr rises from ``max_lr / div_factor`` to ``max_lr`` over the first ``pct_start`` of
    ``total_steps``, then anneals to ``initial_lr / final_div_factor``; the momentum (SGD's
    ``momentum``, or Adam's ``beta1``) moves the opposite way, between ``max_momentum`` and
    ``base_momentum``. Call ``step()`` after every batch.

    Phases (step s, from 0), each interpolated with ``anneal_strategy``::

        two-phase (default):  [0, pct_start*T - 1]: initial_lr -> max_lr
                              [.., T - 1]:          max_lr -> min_lr
        three_phase=True:     [0, pct_start*T - 1]: initial_lr -> max_lr
                              [.., 2*pct_start*T - 2]: max_lr -> initial_lr
                              [.., T - 1]:          initial_lr -> min_lr

    Args:
        optimizer: the optimizer (with ``momentum`` or ``betas`` if ``cycle_momentum``).
        max_lr: peak lr, one for all groups or a list.
        total_steps: T; or give ``epochs`` and ``steps_per_epoch`` (T = their product).
        pct_start: fraction of the cycle spent raising the lr.
        anneal_strategy: 'cos' or 'linear'.
        cycle_momentum: move the momentum inversely to the lr.
        base_momentum, max_momentum: the momentum range (at max_lr it is base_momentum).
        div_factor: ``initial_lr = max_lr / div_factor``.
        final_div_factor: ``min_lr = initial_lr / final_div_factor``.
        three_phase: use the original paper's three phases.
        last_epoch: index of the last batch (-1 to start).
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | list[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | list[float] = 0.85,
                 max_momentum: float | list[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            if not isinstance(epochs, int) or epochs <= 0:
                raise ValueError(f"Expected positive integer epochs, but got {epochs}")
            if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
                raise ValueError(f"Expected positive integer steps_per_epoch, but got "
                                 f"{steps_per_epoch}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self.anneal_strategy = anneal_strategy
        flag("three_phase", three_phase)
        flag("cycle_momentum", cycle_momentum)
        positive("div_factor", div_factor)
        positive("final_div_factor", final_div_factor)
        # (end_step, start lr key, end lr key, start momentum key, end momentum key)
        up_end = float(pct_start * self.total_steps) - 1
        if three_phase:
            self.phases: list[list[Any]] = [
                [up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"],
                [float(2 * pct_start * self.total_steps) - 2, "max_lr", "initial_lr",
                 "base_momentum", "max_momentum"],
                [self.total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"],
            ]
        else:
            self.phases = [
                [up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"],
                [self.total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"],
            ]

        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, group_max_lr in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = group_max_lr / div_factor
                group["max_lr"] = group_max_lr
                group["min_lr"] = group["initial_lr"] / final_div_factor

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(f"optimizer must support momentum or beta1 with `cycle_momentum` "
                                 f"option enabled ({type(optimizer).__name__} has neither). "
                                 "Hint: pass cycle_momentum=False")
            self.use_beta1 = "betas" in optimizer.defaults
            max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for group, m_max, m_base in zip(optimizer.param_groups, max_momentums,
                                                base_momentums):
                    self._set_momentum(group, m_max)
                    group["max_momentum"] = m_max
                    group["base_momentum"] = m_base
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group: dict[str, Any], momentum: float) -> None:
        if self.use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum

    def get_lr(self) -> list[float]:
        """The lr of each group at step ``last_epoch`` (and, with ``cycle_momentum``, set its momentum)."""
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"Tried to step {step} times. The specified number of total steps "
                             f"is {self.total_steps}")
        anneal = anneal_cos if self.anneal_strategy == "cos" else anneal_linear
        lrs: list[float] = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, (end_step, start_lr, end_lr, start_m, end_m) in enumerate(self.phases):
                if step <= end_step or i == len(self.phases) - 1:
                    if end_step == start_step:  # PyTorch divides by zero here
                        raise ValueError(f"step {step} is in phase {i} of the schedule, which has "
                                         f"no length (it starts and ends at step {end_step}). "
                                         "Hint: change pct_start or total_steps")
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(anneal(group[start_lr], group[end_lr], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, anneal(group[start_m], group[end_m], pct))
                    break
                start_step = end_step
        return lrs

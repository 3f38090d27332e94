"""LRScheduler: the base of the epoch-driven schedulers."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from ..arguments import NamedErrors
from ..optimizer import Optimizer


def check_optimizer(optimizer: Any) -> None:
    """PyTorch's TypeError unless ``optimizer`` is an Optimizer (before a scheduler reads its groups)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


class LRScheduler(NamedErrors):
    """Base class: sets ``initial_lr`` in each group, keeps ``base_lrs`` and ``last_epoch``.

    Subclasses check their arguments (with ``optim/arguments.py``'s checks) and implement
    ``get_lr()``: the new lr of each group at ``self.last_epoch``. Constructing a scheduler makes
    one initial step (``last_epoch`` -1 -> 0). The errors a constructor and ``step`` raise name
    the class: "StepLR: step_size must be positive, got 0".

    Args:
        optimizer: the optimizer whose groups' ``lr`` it sets.
        last_epoch: index of the last epoch; -1 starts a new schedule. To resume, the groups
            must already hold ``initial_lr`` (load the optimizer's state dict first).
    """

    _is_initial = False
    _named_methods: ClassVar[tuple[str, ...]] = ("__init__", "step")

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when "
                                   "resuming a scheduler with last_epoch >= 0. Hint: load the "
                                   "optimizer's state dict (saved with its scheduler) first")
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rate of each group for epoch ``self.last_epoch``."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and write the new lr into each group."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """A copy of the scheduler's attributes except the optimizer (plain Python data)."""
        return {key: copy.deepcopy(value) for key, value in self.__dict__.items()
                if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``. Load the optimizer's state dict too."""
        self.__dict__.update(copy.deepcopy(state_dict))


def current_lrs(scheduler: LRScheduler) -> list[float]:
    """The lr of each of the scheduler's optimizer's groups."""
    return [group["lr"] for group in scheduler.optimizer.param_groups]

"""Adagrad: per-coordinate learning rates from the sum of all past squared gradients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

import autograd as ag

from .arguments import Check, flag, nonnegative
from .optimizer import Optimizer
from .state_checks import Kind, count, squares

if TYPE_CHECKING:
    from autograd.types import Array

    from .optimizer import Params


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as ``torch.optim.Adagrad``.

    With ``g = grad + weight_decay * p`` (``-grad`` if ``maximize``) at step t = 1, 2, ...::

        lr_t = lr / (1 + (t - 1) * lr_decay)
        s = s + g^2                        (s starts at initial_accumulator_value)
        p = p - lr_t * g / (sqrt(s) + eps)

    Args:
        params: Tensors, or dicts of per-group options.
        lr: learning rate.
        lr_decay: learning rate decay per step.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: starting value of the sum of squares.
        eps: added to the denominator for numerical stability.
        maximize: ascend the objective instead of descending.

    State per parameter (created with the group, as in PyTorch): ``step`` (int), ``sum`` (s).
    """

    def __init__(self, params: Params, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, maximize: bool = False) -> None:
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "maximize": maximize}
        super().__init__(params, defaults)

    _state_kinds: ClassVar[dict[str, Kind] | None] = {"step": count, "sum": squares}

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "sum")

    _option_kinds: ClassVar[dict[str, Check]] = {
        "lr": nonnegative("learning rate", tensor=True), "lr_decay": nonnegative("lr_decay value"),
        "weight_decay": nonnegative("weight_decay value"),
        "initial_accumulator_value": nonnegative("initial_accumulator_value value"),
        "eps": nonnegative("epsilon value"), "maximize": flag}

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a param group (see ``Optimizer.add_param_group``) and set up its state sums."""
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        for param in group["params"]:
            self._init_state(param, group)

    def _init_state(self, param: ag.Tensor, group: dict[str, Any]) -> None:
        state = self.state[param]
        if not state:
            state["step"] = 0
            self._buffer(param, "sum", float(group["initial_accumulator_value"]))

    def _update(self, param: ag.Tensor, grad: Array, group: dict[str, Any]) -> None:
        lr, lr_decay, eps = float(group["lr"]), float(group["lr_decay"]), float(group["eps"])
        weight_decay = float(group["weight_decay"])
        p = param.detach().numpy()
        self._init_state(param, group)  # e.g. after loading a state dict without this param
        state = self.state[param]
        state["step"] += 1
        t = state["step"]
        s = state["sum"].numpy()

        g = -grad if group["maximize"] else grad
        if weight_decay != 0:
            g = g + weight_decay * p

        clr = lr / (1 + (t - 1) * lr_decay)  # lr_t
        s += g * g  # s = s + g^2
        std = np.sqrt(s)
        std += eps
        p -= clr * (g / std)

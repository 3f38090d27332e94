"""Adadelta: steps scaled by the ratio of running RMS of past steps to that of past gradients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

import autograd as ag

from .arguments import Check, flag, nonnegative, number
from .optimizer import Optimizer
from .state_checks import Kind, count, squares

if TYPE_CHECKING:
    from autograd.types import Array

    from .optimizer import Params


def _rho(name: str, value: Any) -> None:
    """PyTorch's ``Invalid rho value``: a number in [0, 1] (NaN fails)."""
    number(name, value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"Invalid rho value: {value}")


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), as ``torch.optim.Adadelta``.

    With ``g = grad + weight_decay * p`` (``-grad`` if ``maximize``)::

        v = rho * v + (1 - rho) * g^2
        d = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * d^2
        p = p - lr * d

    Args:
        params: Tensors, or dicts of per-group options.
        lr: coefficient that scales the step d.
        rho: smoothing constant of both running averages.
        eps: added inside both square roots for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        maximize: ascend the objective instead of descending.

    State per parameter: ``step`` (int), ``square_avg`` (v) and ``acc_delta`` (u).
    """

    def __init__(self, params: Params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, maximize: bool = False) -> None:
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    _state_kinds: ClassVar[dict[str, Kind] | None] = {
        "step": count, "square_avg": squares, "acc_delta": squares}

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "square_avg", "acc_delta")

    _option_kinds: ClassVar[dict[str, Check]] = {
        "lr": nonnegative("learning rate", tensor=True), "rho": _rho,
        "eps": nonnegative("epsilon value"), "weight_decay": nonnegative("weight_decay value"),
        "maximize": flag}

    def _update(self, param: ag.Tensor, grad: Array, group: dict[str, Any]) -> None:
        lr, rho, eps = float(group["lr"]), float(group["rho"]), float(group["eps"])
        weight_decay = float(group["weight_decay"])
        p = param.detach().numpy()
        state = self.state[param]
        state["step"] = state.get("step", 0) + 1
        v = self._buffer(param, "square_avg")
        u = self._buffer(param, "acc_delta")

        g = -grad if group["maximize"] else grad
        if weight_decay != 0:
            g = g + weight_decay * p

        v *= rho  # v = rho v + (1 - rho) g^2
        v += (1 - rho) * (g * g)
        d = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u *= rho  # u = rho u + (1 - rho) d^2
        u += (1 - rho) * (d * d)
        p -= lr * d

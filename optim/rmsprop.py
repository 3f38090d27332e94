"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

import autograd as ag

from .arguments import Check, flag, nonnegative
from .optimizer import Optimizer
from .state_checks import Kind, buffer, count, squares

if TYPE_CHECKING:
    from autograd.types import Array

    from .optimizer import Params


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), as ``torch.optim.RMSprop``.

    With ``g = grad + weight_decay * p`` (``-grad`` if ``maximize``)::

        v = alpha * v + (1 - alpha) * g^2
        a = alpha * a + (1 - alpha) * g             (centered)
        d = sqrt(v - a^2) + eps  if centered  else  sqrt(v) + eps
        b = momentum * b + g / d;  p = p - lr * b   (momentum > 0)
        p = p - lr * g / d                          (otherwise)

    Args:
        params: Tensors, or dicts of per-group options.
        lr: learning rate.
        alpha: smoothing constant of the squared-gradient average.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        momentum: momentum factor.
        centered: normalize by an estimate of the gradient's variance instead of its
            second moment.
        maximize: ascend the objective instead of descending.

    State per parameter: ``step`` (int), ``square_avg`` (v), and ``momentum_buffer`` (b) and
    ``grad_avg`` (a) when used.
    """

    def __init__(self, params: Params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    _state_kinds: ClassVar[dict[str, Kind] | None] = {
        "step": count, "square_avg": squares, "momentum_buffer": buffer, "grad_avg": buffer}

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return (("step", "square_avg") + (("momentum_buffer",) if group["momentum"] > 0 else ())
                + (("grad_avg",) if group["centered"] else ()))

    def _load_param_state(self, param: ag.Tensor, values: Any, group: dict[str, Any],
                          where: str) -> dict[str, Any]:
        """The entries checked one by one, then together: centered, ``a^2 <= v`` (else sqrt(v - a^2) is NaN).

        Both are averages with the same weights, of g and of g^2, so ``a^2 <= v`` always holds.
        """
        state = super()._load_param_state(param, values, group, where)
        if "grad_avg" in state and "square_avg" in state:
            a, v = state["grad_avg"].numpy(), state["square_avg"].numpy()
            excess = a * a - v
            if excess.size and excess.max() > 1e-6 * max(float(np.abs(v).max()), 1e-30):
                raise ValueError(f"{where}: 'grad_avg' squared exceeds 'square_avg' (by up to "
                                 f"{excess.max()}); as averages of g and g^2 with the same "
                                 "weights, grad_avg^2 <= square_avg always holds")
        return state

    _option_kinds: ClassVar[dict[str, Check]] = {
        "lr": nonnegative("learning rate", tensor=True), "eps": nonnegative("epsilon value"),
        "momentum": nonnegative("momentum value"), "weight_decay": nonnegative("weight_decay value"),
        "alpha": nonnegative("alpha value"), "centered": flag, "maximize": flag}

    def _update(self, param: ag.Tensor, grad: Array, group: dict[str, Any]) -> None:
        lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
        weight_decay, momentum = float(group["weight_decay"]), float(group["momentum"])
        p = param.detach().numpy()
        state = self.state[param]
        state["step"] = state.get("step", 0) + 1
        v = self._buffer(param, "square_avg")
        buf = self._buffer(param, "momentum_buffer") if momentum > 0 else None
        a = self._buffer(param, "grad_avg") if group["centered"] else None

        g = -grad if group["maximize"] else grad
        if weight_decay != 0:
            g = g + weight_decay * p

        v *= alpha  # v = alpha v + (1 - alpha) g^2
        v += (1 - alpha) * (g * g)
        if a is not None:
            a *= alpha  # a = alpha a + (1 - alpha) g
            a += (1 - alpha) * g
            denom = np.sqrt(v - a * a)
        else:
            denom = np.sqrt(v)
        denom += eps

        if buf is not None:
            buf *= momentum  # b = mu b + g / d
            buf += g / denom
            p -= lr * buf
        else:
            p -= lr * (g / denom)

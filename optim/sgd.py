"""SGD: stochastic gradient descent with optional momentum, dampening and Nesterov momentum."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import autograd as ag

from .arguments import Check, flag, nonnegative, number
from .optimizer import Optimizer
from .state_checks import Kind, optional_buffer

if TYPE_CHECKING:
    from autograd.types import Array

    from .optimizer import Params


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``.

    With ``g = grad + weight_decay * p`` (``-grad`` if ``maximize``)::

        b = g                                (first step)
        b = momentum * b + (1 - dampening) * g
        g = g + momentum * b  if nesterov else  b      (when momentum != 0)
        p = p - lr * g

    Args:
        params: Tensors, or dicts of per-group options.
        lr: learning rate (PyTorch 2.x's default 1e-3).
        momentum: momentum factor mu.
        dampening: dampening of the gradient added to the momentum buffer.
        weight_decay: L2 penalty added to the gradient.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening == 0).
        maximize: ascend the objective instead of descending.

    Example:
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> loss.backward(); opt.step(); opt.zero_grad()
    """

    def __init__(self, params: Params, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    _state_kinds: ClassVar[dict[str, Kind] | None] = {"momentum_buffer": optional_buffer}
    _option_kinds: ClassVar[dict[str, Check]] = {
        "lr": nonnegative("learning rate", tensor=True), "momentum": nonnegative("momentum value"),
        "weight_decay": nonnegative("weight_decay value"), "dampening": number,
        "nesterov": flag, "maximize": flag}

    def _validate(self, options: dict[str, Any]) -> None:
        super()._validate(options)
        if options["nesterov"] and (options["momentum"] <= 0 or options["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update(self, param: ag.Tensor, grad: Array, group: dict[str, Any]) -> None:
        lr, weight_decay = float(group["lr"]), float(group["weight_decay"])
        momentum, dampening = float(group["momentum"]), float(group["dampening"])
        p = param._data
        g = -grad if group["maximize"] else grad
        if weight_decay != 0:
            g = g + weight_decay * p
        if momentum != 0:
            first_step = "momentum_buffer" not in self.state[param]
            buf = self._buffer(param, "momentum_buffer", initial=g)  # b = g (a copy) at first
            if not first_step:
                buf *= momentum  # b = mu b + (1 - dampening) g
                buf += (1 - dampening) * g
            g = g + momentum * buf if group["nesterov"] else buf
        p -= lr * g

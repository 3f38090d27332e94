"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay.

AdamW is Adam with ``decoupled_weight_decay=True`` (as in PyTorch 2.x); the update is one
function.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

import autograd as ag

from .arguments import Check, betas, flag, nonnegative
from .optimizer import Optimizer
from .state_checks import Kind, buffer, count, squares

if TYPE_CHECKING:
    from autograd.types import Array

    from .optimizer import Params


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as ``torch.optim.Adam``.

    With ``g = grad`` (``-grad`` if ``maximize``) at step t = 1, 2, ...::

        g = g + weight_decay * p                    (L2, when not decoupled)
        p = p * (1 - lr * weight_decay)             (decoupled, AdamW)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        v_max = max(v_max, v)                       (amsgrad; then v_max replaces v below)
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)
        p = p - lr * m_hat / (sqrt(v_hat) + eps)

    Args:
        params: Tensors, or dicts of per-group options.
        lr: learning rate.
        betas: (beta1, beta2), decay rates of the first and second moment averages.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty (decoupled from the gradient when decoupled_weight_decay).
        amsgrad: use the maximum of past second moments (Reddi et al., 2018).
        maximize: ascend the objective instead of descending.
        decoupled_weight_decay: decay the weights directly, as AdamW.

    State per parameter: ``step`` (int), ``exp_avg`` (m), ``exp_avg_sq`` (v) and, with
    amsgrad, ``max_exp_avg_sq``.
    """

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 maximize: bool = False, decoupled_weight_decay: bool = False) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    _state_kinds: ClassVar[dict[str, Kind] | None] = {
        "step": count, "exp_avg": buffer, "exp_avg_sq": squares, "max_exp_avg_sq": squares}

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("step", "exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())

    _option_kinds: ClassVar[dict[str, Check]] = {
        "lr": nonnegative("learning rate", tensor=True), "eps": nonnegative("epsilon value"),
        "betas": betas, "weight_decay": nonnegative("weight_decay value"), "amsgrad": flag,
        "maximize": flag, "decoupled_weight_decay": flag}

    def _update(self, param: ag.Tensor, grad: Array, group: dict[str, Any]) -> None:
        lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = group["betas"]
        beta1, beta2 = float(beta1), float(beta2)
        p = param._data
        state = self.state[param]
        t = state["step"] = state.get("step", 0) + 1
        m = self._buffer(param, "exp_avg")
        v = self._buffer(param, "exp_avg_sq")

        g = -grad if group["maximize"] else grad
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p *= 1 - lr * weight_decay  # p = p (1 - lr wd)
            else:
                g = g + weight_decay * p  # g = g + wd p

        # in place, through one scratch array s (no temporaries of the parameter's size)
        s = np.multiply(g, 1 - beta1, dtype=p.dtype)
        m *= beta1  # m = beta1 m + (1 - beta1) g
        m += s
        np.multiply(g, g, out=s)
        s *= 1 - beta2
        v *= beta2  # v = beta2 v + (1 - beta2) g^2
        v += s
        if group["amsgrad"]:
            v_max = self._buffer(param, "max_exp_avg_sq")
            np.maximum(v_max, v, out=v_max)
            v = v_max

        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        # p -= lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / bc1, v_hat = v / bc2
        np.sqrt(v, out=s)
        s /= math.sqrt(bias_correction2)
        s += eps  # s = denominator
        np.divide(m, s, out=s)
        s *= lr / bias_correction1
        p -= s


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    Each step first shrinks the weights, ``p = p (1 - lr wd)``, then applies the Adam update to
    the plain gradient (see ``Adam``). Default weight_decay 1e-2.
    """

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)

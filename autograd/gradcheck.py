"""Numerical gradient checks (public API): compare backward with central differences in float64."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._tensor import Tensor
from .engine import grad
from .factories import tensor
from .types import Array


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck(..., raise_exception=True)`` with the worst mismatching element."""


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _prepare(inputs: Tensor | Sequence[Any]) -> tuple[Any, ...]:
    """Float inputs become float64 copies; those that required grad still do."""
    prepared = []
    for x in _as_tuple(inputs):
        if isinstance(x, Tensor) and x.dtype.kind == "f":
            prepared.append(tensor(x._data, dtype=np.float64, requires_grad=x.requires_grad))
        else:
            prepared.append(x)
    if not any(isinstance(x, Tensor) and x.requires_grad for x in prepared):
        raise ValueError("gradcheck: no input requires grad. Hint: create the inputs with "
                         "requires_grad=True")
    return tuple(prepared)


def _outputs(fn: Callable[..., Any], inputs: Sequence[Any]) -> tuple[Tensor, ...]:
    outs = _as_tuple(fn(*inputs))
    if not all(isinstance(o, Tensor) for o in outs):
        raise TypeError("gradcheck: fn must return a Tensor or a tuple of Tensors")
    return outs


def _numerical_jacobians(fn: Callable[..., Any], inputs: Sequence[Any], wrt: list[int],
                         eps: float) -> list[list[Array]]:
    """J[k][j] has shape (out_k.size, in_j.size): central differences (f(x+e) - f(x-e)) / 2e."""
    outs = _outputs(fn, inputs)
    jac = [[np.zeros((o.numel(), inputs[j].numel())) for j in wrt] for o in outs]
    for col, j in enumerate(wrt):
        flat = inputs[j]._data.reshape(-1)
        for e in range(flat.size):
            original = flat[e]
            flat[e] = original + eps
            plus = [o._data.astype(np.float64).ravel() for o in _outputs(fn, inputs)]
            flat[e] = original - eps
            minus = [o._data.astype(np.float64).ravel() for o in _outputs(fn, inputs)]
            flat[e] = original
            for k in range(len(outs)):
                jac[k][col][:, e] = (plus[k] - minus[k]) / (2 * eps)
    return jac


def _analytic_jacobians(fn: Callable[..., Any], inputs: Sequence[Any],
                        wrt: list[int]) -> list[list[Array]]:
    """J[k][j] row by row: one backward per output element with a one-hot upstream gradient."""
    outs = _outputs(fn, inputs)
    tensors = [inputs[j] for j in wrt]
    jac = [[np.zeros((o.numel(), inputs[j].numel())) for j in wrt] for o in outs]
    for k, out in enumerate(outs):
        if not out.requires_grad:
            continue
        for r in range(out.numel()):
            one_hot = np.zeros(out.numel(), dtype=out.dtype)
            one_hot[r] = 1
            grads = grad(out, tensors, one_hot.reshape(out.shape), retain_graph=True,
                         allow_unused=True)
            for col, g in enumerate(grads):
                if g is not None:
                    if g.shape != tensors[col].shape or g.dtype != tensors[col].dtype:
                        raise GradcheckError(
                            f"gradcheck: the gradient for input {wrt[col]} has shape {g.shape} "
                            f"{g.dtype}, expected {tensors[col].shape} {tensors[col].dtype}")
                    jac[k][col][r] = g._data.ravel()
    return jac


def gradcheck(fn: Callable[..., Any], inputs: Tensor | Sequence[Any], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = False) -> bool:
    """Check ``fn``'s backward against central differences, in float64.

    Every element of every input that requires grad is perturbed by +-eps; every output
    element is back-propagated with a one-hot upstream gradient. Passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|`` everywhere.

    Returns True/False; with ``raise_exception=True`` a failure raises ``GradcheckError`` naming
    the worst element (input index, position, analytic vs numeric).
    """
    inputs = _prepare(inputs)
    wrt = [j for j, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    numeric = _numerical_jacobians(fn, inputs, wrt, eps)
    analytic = _analytic_jacobians(fn, inputs, wrt)
    worst = None
    for k, (num_row, ana_row) in enumerate(zip(numeric, analytic)):
        for col, (num, ana) in enumerate(zip(num_row, ana_row)):
            excess = np.abs(ana - num) - (atol + rtol * np.abs(num))
            if excess.size and excess.max() > 0:
                r, e = np.unravel_index(np.argmax(excess), excess.shape)
                if worst is None or excess[r, e] > worst[0]:
                    position = np.unravel_index(e, inputs[wrt[col]].shape)
                    worst = (excess[r, e], k, r, wrt[col], position, ana[r, e], num[r, e])
    if worst is None:
        return True
    if raise_exception:
        _, k, r, j, position, ana, num = worst
        raise GradcheckError(
            f"gradcheck: Jacobian mismatch for output {k} (element {r}) with respect to input "
            f"{j} at position {tuple(int(p) for p in position)}: analytic {ana:.8g} vs numeric "
            f"{num:.8g} (atol={atol}, rtol={rtol})")
    return False


def gradgradcheck(fn: Callable[..., Any], inputs: Tensor | Sequence[Any],
                  grad_outputs: Tensor | Sequence[Any] | None = None, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = False,
                  seed: int = 0) -> bool:
    """Check second derivatives: ``gradcheck`` of the vector-Jacobian product.

    The product is ``v -> grad(fn(x), x, v, create_graph=True)`` for a random (or given) ``v``.
    """
    inputs = _prepare(inputs)
    wrt = [j for j, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(fn, inputs)
    rng = np.random.default_rng(seed)
    if grad_outputs is None:
        grad_outputs = [tensor(rng.standard_normal(o.shape)) for o in outs]
    vs = [tensor(np.asarray(v, dtype=np.float64), requires_grad=True)
          for v in _as_tuple(grad_outputs)]

    def first_derivatives(*args: Any) -> tuple[Tensor, ...]:
        xs, v = args[:len(inputs)], args[len(inputs):]
        diff_outs = _outputs(fn, xs)
        tensors = [xs[j] for j in wrt]
        grads = grad(diff_outs, tensors, list(v), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, tuple(inputs) + tuple(vs), eps, atol, rtol,
                     raise_exception)

"""Fused losses: binary cross-entropy (clamps and gradients exactly as PyTorch's) and the
common case of cross-entropy (logits and class indices) in one node.

The primitive computes the elementwise loss; ``weight`` and the reduction are composed from
Tensor ops outside it (``loss * weight``, ``.mean()``, ``.sum()``), so their gradients come from
those ops' rules.
"""

from __future__ import annotations

import numpy as np

from .. import _tensor as tensor_module
from ..function import Function, OpError
from .softmax import Softmax, shifted

_LOG_FLOOR = -100.0  # PyTorch clamps each log at -100, so the loss is at most 100 per element
# PyTorch's floor on p (1 - p) in the input gradient: the float32 number nearest 1e-12
# (9.99999996e-13; its Loss.cpp declares EPSILON as a float), also in float64 computations
_EPSILON = float(np.float32(1e-12))
_REDUCTIONS = ("none", "mean", "sum")


def _check_unit_interval(name: str, values: np.ndarray) -> None:
    inside = (values >= 0) & (values <= 1)  # False for nan too, as in PyTorch
    if not inside.all():
        bad = values[~inside].flat[0]
        raise OpError(f"binary_cross_entropy: all elements of {name} should be between 0 and 1 "
                      f"(found {bad}). Hint: pass probabilities, e.g. apply .sigmoid() to "
                      "logits first")


class BinaryCrossEntropy(Function):
    """Elementwise l(p, y) = -(y max(log p, -100) + (1 - y) max(log(1 - p), -100)).

    Gradients, as PyTorch computes them (not the derivative of the clamped formula):
        dl/dp = (p - y) / max((1 - p) p, eps), eps = float32(1e-12) = 9.99999996e-13
        dl/dy = log(1 - p) - log(p) = -logit(p), computed as -log(p / (1 - p)), unclamped
              (so +inf at p = 0 and -inf at p = 1, like PyTorch's).
    Both are written with ``self.xp``, so double backward works.
    """

    saved_inputs = (0, 1)

    def forward(self, p, y):
        _check_unit_interval("input", p)
        _check_unit_interval("target", y)
        with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped to -100
            return ((y - 1) * np.maximum(np.log1p(-p), _LOG_FLOOR)
                    - y * np.maximum(np.log(p), _LOG_FLOOR))

    def backward(self, g):
        p, y = self.input(0), self.input(1)
        grad_p = grad_y = None
        with np.errstate(divide="ignore", invalid="ignore"):  # -logit at p = 0 or 1 is +-inf
            if self.needs_input_grad[0]:
                grad_p = g * (p - y) / ((1 - p) * p).clip(min=_EPSILON)
            if self.needs_input_grad[1]:
                grad_y = -self.xp.log(p / (1 - p)) * g
        return grad_p, grad_y

    @classmethod
    def op_name(cls) -> str:
        return "binary_cross_entropy"


def _require_tensor(name: str, value) -> None:
    if not isinstance(value, tensor_module.Tensor):
        raise TypeError(f"binary_cross_entropy: {name} must be a Tensor, got "
                        f"{type(value).__name__}. Hint: wrap it with ag.tensor(...)")


def binary_cross_entropy(input, target, weight=None, reduction: str = "mean"):
    """Binary cross-entropy between probabilities ``input`` and targets ``target``.

        loss_i = -w_i (y_i max(log p_i, -100) + (1 - y_i) max(log(1 - p_i), -100))

    then averaged (``reduction='mean'``), summed (``'sum'``) or returned as is (``'none'``).
    Each log is clamped at -100 exactly as in PyTorch, so p = 0 or 1 gives a finite loss. The
    input gradient is PyTorch's ``w (p - y) / max((1 - p) p, 1e-12)``; the target gradient is
    PyTorch's ``w (log(1 - p) - log p)``; ``weight`` may require grad too (d/dw = the unweighted
    loss), which PyTorch refuses.

    Args:
        input: probabilities in [0, 1], any shape, floating point.
        target: same shape and dtype as ``input``, values in [0, 1].
        weight: optional rescaling weight broadcastable to ``input``'s shape.
        reduction: ``'none'``, ``'mean'`` or ``'sum'``.

    Raises:
        ValueError: on different shapes (the message shows both) or an unknown reduction.
        OpError: (a RuntimeError) on a non-float input, a dtype mismatch, or values outside
            [0, 1]: "all elements of input should be between 0 and 1".

    Example:
        >>> p = ag.tensor([0.9, 0.2], requires_grad=True)
        >>> binary_cross_entropy(p, ag.tensor([1.0, 0.0]))
        tensor(0.1643, grad_fn=<MeanBackward>)
    """
    _require_tensor("input", input)
    _require_tensor("target", target)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"binary_cross_entropy: {reduction!r} is not a valid value for "
                         f"reduction; choose one of {', '.join(map(repr, _REDUCTIONS))}")
    if target.shape != input.shape:
        raise ValueError(f"binary_cross_entropy: target shape {target.shape} differs from input "
                         f"shape {input.shape}. Hint: they must be equal (reshape the target, "
                         "e.g. target.reshape(input.shape), or squeeze the input)")
    if input.dtype.kind != "f":
        raise OpError(f"binary_cross_entropy: input must be floating point, got {input.dtype}. "
                      "Hint: convert with .float()")
    if target.dtype != input.dtype:
        raise OpError(f"binary_cross_entropy: target dtype {target.dtype} differs from input "
                      f"dtype {input.dtype}. Hint: target.to(input.dtype)")
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        weight_shape = np.shape(getattr(weight, "data", weight))
        try:
            fits = np.broadcast_shapes(weight_shape, input.shape) == input.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"binary_cross_entropy: weight of shape {weight_shape} does not "
                             f"broadcast to the input shape {input.shape}. Hint: aligned from "
                             "the right, each weight dim must be 1 or equal the input's")
        loss = loss * weight
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


class CrossEntropy(Function):
    """Cross-entropy of logits x (N, C) against class indices t (N,), in one node:
    loss = s * sum_n -log softmax(x_n)[t_n], with s = 1/N ('mean') or 1 ('sum');
    d/dx = g s (softmax(x) - onehot(t)).

    ``nn.functional.cross_entropy`` takes this path when no weight, label smoothing or
    ignored target is involved; it replaces some eight nodes (log_softmax, gather, mean...).
    """

    saved_inputs = (0,)

    def forward(self, x, target, reduction):
        rows = np.arange(x.shape[0])
        self.target, self.rows = target, rows
        self.scale = 1.0 / x.shape[0] if reduction == "mean" else 1.0
        z = shifted(x, 1)
        picked = z[rows, target] - np.log(np.exp(z).sum(axis=1))
        return -picked.sum() * self.scale

    def backward(self, g):
        probs = self.call(Softmax, self.input(0), axis=1)  # recorded under create_graph
        onehot = np.zeros(probs.shape, probs.dtype)
        onehot[self.rows, self.target] = 1
        return (probs - onehot) * (g * self.scale), None, None

    @classmethod
    def op_name(cls) -> str:
        return "cross_entropy"


def cross_entropy(input, target: np.ndarray, reduction: str = "mean"):
    """Fused cross-entropy of logits (N, C) with integer class indices (N,) all in [0, C);
    ``reduction`` is 'mean' or 'sum'. The general form lives in ``nn.functional``."""
    return CrossEntropy.apply(input, target, reduction)

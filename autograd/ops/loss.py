"""Fused losses: squared error, binary cross-entropy and common cross-entropy, each one node.

Binary cross-entropy clamps and computes gradients exactly as PyTorch's; cross-entropy covers
the common case of logits and class indices.

Only the primitives live here. The user-facing losses (argument checks, ``weight``, the
``'mean'|'sum'|'none'`` reduction) are in ``nn.functional.loss``, composed from Tensor ops, so
their gradients come from those ops' rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._tensor import Tensor
from ..checks import check_reduction
from ..dtypes import promote
from ..primitive import OpError, Primitive
from .softmax import Softmax, shifted

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..types import Array, Value

_LOG_FLOOR = -100.0  # PyTorch clamps each log at -100, so the loss is at most 100 per element
# PyTorch's floor on p (1 - p) in the input gradient: the float32 number nearest 1e-12
# (9.99999996e-13; its Loss.cpp declares EPSILON as a float), also in float64 computations
_EPSILON = float(np.float32(1e-12))


def _check_unit_interval(name: str, values: Array) -> None:
    inside = (values >= 0) & (values <= 1)  # False for nan too, as in PyTorch
    if not inside.all():
        bad = values[~inside].flat[0]
        raise OpError(f"binary_cross_entropy: all elements of {name} should be between 0 and 1 "
                      f"(found {bad}). Hint: pass probabilities, e.g. apply .sigmoid() to "
                      "logits first")


class MseLoss(Primitive):
    """The squared error l = (x - y)^2 in one node whose edges are x and y, as PyTorch's.

    Reduced as s * sum l with s = 1/n ('mean') or 1 ('sum'), or kept elementwise ('none').
    Gradients: dl/dx = 2 s (x - y) g and dl/dy = -dl/dx (g broadcast over x for 'mean' and
    'sum'), written with Tensor ops on the inputs, so double backward works.
    """

    op_name = "mse_loss"
    node_name = "MseLossBackward0"
    shown_inputs = (0, 1)  # the reduction is no edge of PyTorch's node
    saved_inputs = (0, 1)

    def forward(self, x: Array, y: Array, reduction: str) -> Array:
        x, y = promote(x, y)
        squares = (x - y) ** 2
        if reduction != "mean":
            self.scale = 2.0
            return squares if reduction == "none" else squares.sum()
        # the mean of an empty input is nan, as PyTorch's
        self.scale = 2.0 / squares.size if squares.size else np.nan
        return squares.mean() if squares.size else np.full((), np.nan, squares.dtype)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        grad_x = (self.input(0) - self.input(1)) * (g * self.scale)
        return (grad_x if self.needs_input_grad[0] else None,
                -grad_x if self.needs_input_grad[1] else None, None)


class BinaryCrossEntropy(Primitive):
    """Elementwise l(p, y) = -(y max(log p, -100) + (1 - y) max(log(1 - p), -100)).

    Gradients, as PyTorch computes them (not the derivative of the clamped formula):
        dl/dp = (p - y) / max((1 - p) p, eps), eps = float32(1e-12) = 9.99999996e-13
        dl/dy = log(1 - p) - log(p) = -logit(p), computed as -log(p / (1 - p)), unclamped
              (so +inf at p = 0 and -inf at p = 1, like PyTorch's).
    Both are written with ``self.xp``, so double backward works.
    """

    op_name = "binary_cross_entropy"
    saved_inputs = (0, 1)

    def forward(self, p: Array, y: Array) -> Array:
        _check_unit_interval("input", p)
        _check_unit_interval("target", y)
        with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped to -100
            return ((y - 1) * np.maximum(np.log1p(-p), _LOG_FLOOR)
                    - y * np.maximum(np.log(p), _LOG_FLOOR))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        p, y = self.input(0), self.input(1)
        grad_p = grad_y = None
        with np.errstate(divide="ignore", invalid="ignore"):  # -logit at p = 0 or 1 is +-inf
            if self.needs_input_grad[0]:
                grad_p = g * (p - y) / ((1 - p) * p).clip(min=_EPSILON)
            if self.needs_input_grad[1]:
                grad_y = -self.xp.log(p / (1 - p)) * g
        return grad_p, grad_y



def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """The squared error of ``MseLoss``, reduced by ``reduction`` ('mean', 'sum' or 'none').

    Takes ``input`` and ``target`` of the same shape; ``nn.functional.mse_loss`` also takes
    array-like targets and checks their dtype.
    """
    if target.shape != input.shape:
        raise ValueError(f"mse_loss: target shape {tuple(target.shape)} differs from input shape "
                         f"{tuple(input.shape)}. Hint: reshape one of them, e.g. "
                         "target.view_as(input)")
    if not (input.is_floating_point() or target.is_floating_point()):
        raise TypeError(f"mse_loss: not implemented for integer input and target ({input.dtype}, "
                        f"{target.dtype}), as in PyTorch. Hint: input.float()")
    check_reduction("mse_loss", reduction)
    return MseLoss.apply(input, target, reduction)


def binary_cross_entropy(input: Tensor, target: Tensor) -> Tensor:
    """The elementwise loss of ``BinaryCrossEntropy``, unreduced.

    Takes probabilities ``input`` and targets ``target`` of the same shape, both in [0, 1];
    ``nn.functional.binary_cross_entropy`` checks the arguments, weights and reduces it.
    """
    if isinstance(target, Tensor) and target.shape != input.shape:
        raise ValueError(f"binary_cross_entropy: Using a target size ({tuple(target.shape)}) that is "
                         f"different to the input size ({tuple(input.shape)}) is deprecated. Hint: "
                         "pass a target of the input's shape")
    return BinaryCrossEntropy.apply(input, target)


class CrossEntropy(Primitive):
    """Cross-entropy of logits x (N, C) against class indices t (N,), in one node.

    loss = s * sum_n -log softmax(x_n)[t_n], with s = 1/N ('mean') or 1 ('sum');
    d/dx = g s (softmax(x) - onehot(t)).

    ``nn.functional.cross_entropy`` takes this path when no weight, label smoothing or
    ignored target is involved; it replaces some eight nodes (log_softmax, gather, mean...).

    Named as PyTorch's outermost node, ``NllLossBackward0``: PyTorch records
    ``nll_loss(log_softmax(x))``, two nodes, where this is one.
    """

    op_name = "cross_entropy"
    node_name = "NllLossBackward0"
    shown_inputs = (0,)  # the target is no edge of PyTorch's node
    saved_inputs = (0,)

    def forward(self, x: Array, target: Array, reduction: str) -> Array:
        rows = np.arange(x.shape[0])
        self.target, self.rows = target, rows
        # the mean of an empty batch is nan, as PyTorch's
        self.scale = (1.0 / x.shape[0] if x.shape[0] else np.nan) if reduction == "mean" else 1.0
        z, _ = shifted(x, 1)
        e = np.exp(z)
        total = e.sum(axis=1, keepdims=True)
        picked = z[rows, target] - np.log(total[:, 0])
        with np.errstate(invalid="ignore"):  # a row of -inf: NaN, silently (as Softmax)
            self.probs: Array | None = np.divide(e, total, out=e)  # softmax(x), for backward
        return -picked.sum() * self.scale

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        probs, self.probs = self.probs, None  # the forward's softmax, used up in place below
        if probs is None or self._create_graph:  # a second backward, or one to be recorded
            softmax = self.call(Softmax, self.input(0), axis=1)
            onehot = np.zeros(softmax.shape, softmax.dtype)
            onehot[self.rows, self.target] = 1
            return (softmax - onehot) * (g * self.scale), None, None
        probs[self.rows, self.target] -= 1  # softmax - onehot
        probs *= g * self.scale
        return probs, None, None

    def _release(self) -> None:
        super()._release()
        self.probs = None


def cross_entropy(input: Tensor, target: Array, reduction: str = "mean") -> Tensor:
    """Fused cross-entropy of logits (N, C) with integer class indices (N,) all in [0, C).

    ``reduction`` is 'mean' or 'sum'. ``nn.functional.cross_entropy`` takes this path when it
    applies and composes the general form otherwise.
    """
    classes = input.shape[1] if input.ndim == 2 else 0
    labels = target._data if isinstance(target, Tensor) else np.asarray(target)
    if input.ndim != 2 or labels.shape != input.shape[:1] or labels.dtype.kind not in "iu":
        raise OpError(f"cross_entropy: expected logits (N, C) and integer class indices (N,), got "
                      f"input {tuple(input.shape)} {input.dtype} and target {tuple(labels.shape)} "
                      f"{labels.dtype}. Hint: nn.functional.cross_entropy takes every other form")
    if labels.size:
        low, high = labels.min(), labels.max()
        if low < 0 or high >= classes:
            raise IndexError(f"cross_entropy: target {low if low < 0 else high} is out of bounds for "
                             f"{classes} classes (input {tuple(input.shape)})")
    if reduction not in ("mean", "sum"):
        raise ValueError(f"cross_entropy: reduction must be 'mean' or 'sum', got {reduction!r}")
    return CrossEntropy.apply(input, target, reduction)

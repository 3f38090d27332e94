"""Loss functions (``nn.functional``), composed from autograd ops, with PyTorch's numerics.

Every loss takes ``reduction='mean'|'sum'|'none'``. Targets whose shape differs from the
input's are refused with both shapes shown (PyTorch would broadcast (N, 1) against (N,) with
only a warning, a classic silent bug).
"""

from __future__ import annotations

import math

import numpy as np

import autograd as ag
from autograd import Tensor, name_node
from autograd.checks import FLOATING, check_reduction, kernel
from autograd.types import ArrayLike

__all__ = ["mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy"]


def _reduce(loss: Tensor, reduction: str, name: str) -> Tensor:
    """The elementwise ``loss`` averaged ('mean'), summed ('sum') or as is ('none')."""
    check_reduction(name, reduction)
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _as_tensor(value: Tensor | ArrayLike) -> Tensor:
    return value if isinstance(value, Tensor) else ag.tensor(value)


def _same_shape(name: str, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
    target = _as_tensor(target)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"{name}: target shape {tuple(target.shape)} differs from input shape "
                         f"{tuple(input.shape)}. Hint: reshape one of them, e.g. "
                         "target.view_as(input) or output.squeeze(1)")
    if target.dtype.kind != "f":
        raise TypeError(f"{name}: target dtype {target.dtype} must be floating like the input's "
                        f"{input.dtype}. Hint: target.float()")
    return target


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """(x - y)^2."""
    return ag.mse_loss(input, _same_shape("mse_loss", input, target), reduction)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """|x - y|."""
    target = _same_shape("l1_loss", input, target)
    return _reduce(ag.abs(input - target), reduction, "l1_loss")


def _quadratic_near_zero(diff: Tensor, width: float) -> Tensor:
    """0.5 d^2 where |d| < width, else width (|d| - 0.5 width): Huber's loss."""
    size = ag.abs(diff)
    return ag.where(size < width, 0.5 * diff * diff, width * (size - 0.5 * width))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """0.5 d^2 if |d| < delta, else delta (|d| - delta/2), with d = x - y; ``delta`` > 0."""
    if not delta > 0:
        raise ag.OpError(f"huber_loss: huber_loss does not support non-positive values for "
                         f"delta (got delta={delta}). Hint: delta is where the loss turns from "
                         "quadratic to linear, e.g. 1.0")
    target = _same_shape("huber_loss", input, target)
    if not input.is_floating_point():  # PyTorch writes the loss in the input's dtype
        raise ag.OpError(f"huber_loss: result type {target.dtype} can't be cast to the desired "
                         f"output type {input.dtype} (the input's). Hint: input.float()")
    loss = _reduce(_quadratic_near_zero(input - target, delta), reduction, "huber_loss")
    return name_node(loss, "HuberLossBackward0")


def smooth_l1_loss(input: Tensor, target: Tensor, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta if |d| < beta, else |d| - beta/2 (Huber divided by beta; L1 at beta=0).

    ``beta`` must be >= 0.
    """
    if not beta >= 0:
        raise ag.OpError(f"smooth_l1_loss: smooth_l1_loss does not support negative values for "
                         f"beta (got beta={beta}). Hint: beta=0 gives the L1 loss")
    target = _same_shape("smooth_l1_loss", input, target)
    diff = input - target
    loss = ag.abs(diff) if beta == 0 else _quadratic_near_zero(diff, beta) / beta
    return name_node(_reduce(loss, reduction, "smooth_l1_loss"), "SmoothL1LossBackward0")


def _require_tensor(name: str, value: object) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"binary_cross_entropy: {name} must be a Tensor, got "
                        f"{type(value).__name__}. Hint: wrap it with ag.tensor(...)")


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | ArrayLike | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy between probabilities ``input`` and targets ``target``.

        loss_i = -w_i (y_i max(log p_i, -100) + (1 - y_i) max(log(1 - p_i), -100))

    then averaged (``reduction='mean'``), summed (``'sum'``) or returned as is (``'none'``).
    Each log is clamped at -100 exactly as in PyTorch, so p = 0 or 1 gives a finite loss. The
    input gradient is PyTorch's ``w (p - y) / max((1 - p) p, 1e-12)``; the target gradient is
    PyTorch's ``w (log(1 - p) - log p)``; ``weight`` may require grad too (d/dw = the unweighted
    loss), which PyTorch refuses. The elementwise loss is the fused primitive
    ``ag.binary_cross_entropy``.

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
        tensor(0.1643, grad_fn=<BinaryCrossEntropyBackward0>)
    """
    _require_tensor("input", input)
    _require_tensor("target", target)
    check_reduction("binary_cross_entropy", reduction)
    if target.shape != input.shape:
        raise ValueError(f"binary_cross_entropy: target shape {target.shape} differs from input "
                         f"shape {input.shape}. Hint: they must be equal (reshape the target, "
                         "e.g. target.reshape(input.shape), or squeeze the input)")
    if input.dtype.kind != "f":
        raise ag.OpError(f"binary_cross_entropy: input must be floating point, got {input.dtype}. "
                         "Hint: convert with .float()")
    if target.dtype != input.dtype:
        raise ag.OpError(f"binary_cross_entropy: target dtype {target.dtype} differs from input "
                         f"dtype {input.dtype}. Hint: target.to(input.dtype)")
    loss = ag.binary_cross_entropy(input, target)
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
    return name_node(_reduce(loss, reduction, "binary_cross_entropy"), "BinaryCrossEntropyBackward0")


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | ArrayLike | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | ArrayLike | None = None) -> Tensor:
    """Binary cross-entropy on logits x: -w [p_w y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))].

    Computed stably as w [(1 - y) x + (1 + (p_w - 1) y) softplus(-x)]. The loss has the
    target's dtype, as PyTorch's (it accumulates in place into ``1 - y``): float64 logits with
    a float32 target give a float32 loss; an integer target is refused.
    """
    name = "binary_cross_entropy_with_logits"
    target = _same_shape(name, input, target)
    kernel(name, input.dtype, FLOATING)
    log_weight = 1.0 if pos_weight is None else 1.0 + (_as_tensor(pos_weight) - 1.0) * target
    loss = (1.0 - target) * input + log_weight * ag.softplus(-input, threshold=math.inf)
    if weight is not None:
        loss = loss * weight
    loss = loss.to(target.dtype)
    return name_node(_reduce(loss, reduction, name), "BinaryCrossEntropyWithLogitsBackward0")


def _class_targets(name: str, input: Tensor, target: Tensor | ArrayLike) -> Tensor:
    """Check class-index targets: integer, shape = input's without the class dim."""
    target = _as_tensor(target)
    expected = tuple(input.shape[:1]) + tuple(input.shape[2:]) if input.ndim >= 2 else ()
    if target.dtype.kind not in "iu":
        raise TypeError(f"{name}: class-index target must be an integer tensor, got {target.dtype} "
                        f"(input {tuple(input.shape)}, target {tuple(target.shape)}). Hint: "
                        "target.long(), or pass probabilities with the input's shape")
    if tuple(target.shape) != expected:
        raise ValueError(f"{name}: target shape {tuple(target.shape)} does not match input shape "
                         f"{tuple(input.shape)}; expected {expected} (the input's shape without "
                         "the class dim 1)")
    return target


def _class_weight(name: str, weight: Tensor | ArrayLike, input: Tensor, classes: int) -> Tensor:
    """``weight`` as a tensor of the input's dtype, checked to hold one weight per class."""
    weight = _as_tensor(weight)
    if tuple(weight.shape) != (classes,):
        raise ag.OpError(f"{name}: weight tensor should be defined either for all {classes} "
                         f"classes or no classes but got weight tensor of shape: "
                         f"{list(weight.shape)} (input {tuple(input.shape)}). Hint: pass one "
                         "weight per class, a 1-D tensor of length C")
    return weight.to(input.dtype)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | ArrayLike | None = None,
             ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood: -w_y log p_y per sample from log-probabilities ``input`` (N, C, ...).

    'mean' divides by the summed weights of the targets that are not ``ignore_index``.
    """
    target = _class_targets("nll_loss", input, target)
    class_dim = 1 if input.ndim >= 2 else 0
    classes = input.shape[class_dim]
    labels = target.numpy()
    valid = labels != ignore_index
    kept = labels[valid]
    bad = kept[(kept < 0) | (kept >= classes)]
    if bad.size:
        raise IndexError(f"nll_loss: target {bad[0]} is out of bounds for {classes} classes "
                         f"(input {tuple(input.shape)})")
    safe = ag.where(ag.tensor(valid), target, 0)
    picked = input.gather(class_dim, safe.unsqueeze(class_dim)).squeeze(class_dim)
    sample_weight = ag.tensor(valid.astype(input.dtype))
    if weight is not None:
        sample_weight = sample_weight * _class_weight("nll_loss", weight, input, classes)[safe]
    loss = -picked * sample_weight
    loss = loss.sum() / sample_weight.sum() if reduction == "mean" else _reduce(loss, reduction, "nll_loss")
    # PyTorch's one node (nll_loss2d for inputs with dims after the class dim)
    return name_node(loss, "NllLoss2DBackward0" if input.ndim > 2 else "NllLossBackward0")


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | ArrayLike | None = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy on raw scores: log_softmax over the class dim, then NLL.

    The class dim is 1, or 0 for one unbatched sample. ``target`` holds class indices or, with
    the input's shape, class probabilities. With label smoothing e, the loss is
    (1 - e) NLL + e/C * sum_c -w_c log p_c, as PyTorch.
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    if _fused_cross_entropy_applies(input, target, weight, ignore_index, reduction,
                                    label_smoothing):
        return ag.cross_entropy(input, target.numpy(), reduction)
    class_dim = 1 if input.ndim >= 2 else 0
    classes = input.shape[class_dim]
    log_p = ag.log_softmax(input, class_dim)
    class_weight = None
    if weight is not None:
        weight = _class_weight("cross_entropy", weight, input, classes)
        shape = [1] * input.ndim
        shape[class_dim] = classes
        class_weight = weight.reshape(shape)
    target = _as_tensor(target)
    if target.dtype.kind == "f":
        return _cross_entropy_soft(log_p, target, class_weight, class_dim, reduction,
                                   label_smoothing)
    nll = nll_loss(log_p, target, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return nll
    valid = ag.tensor(target.numpy() != ignore_index)
    smooth = -(log_p if class_weight is None else log_p * class_weight).sum(class_dim)
    smooth = ag.where(valid, smooth, 0.0)
    if reduction == "mean":
        denominator = valid.sum() if weight is None else weight[target.numpy()[valid.numpy()]].sum()
        smooth = smooth.sum() / denominator
    else:
        smooth = _reduce(smooth, reduction, "cross_entropy")
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / classes)


def _fused_cross_entropy_applies(input: Tensor, target: Tensor | ArrayLike,
                                 weight: Tensor | ArrayLike | None, ignore_index: int,
                                 reduction: str, label_smoothing: float) -> bool:
    """Whether this is the common case, run as one fused node (``autograd.ops.loss.cross_entropy``).

    The common case: (N, C) logits, class indices none of which is ``ignore_index``, no weight
    or smoothing. The fused op checks the indices' range itself, with the general path's message.
    """
    if not (isinstance(target, Tensor) and weight is None and label_smoothing == 0
            and reduction in ("mean", "sum")):
        return False
    logits, labels = input.detach().numpy(), target.detach().numpy()
    if not (logits.ndim == 2 and labels.dtype.kind in "iu" and labels.shape == logits.shape[:1]
            and logits.dtype.kind == "f" and labels.size):
        return False
    if ignore_index < 0 and labels.min() >= 0:  # no label is ignore_index: one reduction
        return True
    return not bool((labels == ignore_index).any())


def _cross_entropy_soft(log_p: Tensor, target: Tensor, class_weight: Tensor | None, class_dim: int,
                        reduction: str, label_smoothing: float) -> Tensor:
    """Cross entropy against class probabilities: -sum_c w_c y_c log p_c per sample."""
    if tuple(target.shape) != tuple(log_p.shape):
        raise ValueError(f"cross_entropy: probability target shape {tuple(target.shape)} must "
                         f"equal the input shape {tuple(log_p.shape)}")
    classes = log_p.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    terms = log_p * target if class_weight is None else log_p * target * class_weight
    loss = -terms.sum(class_dim)
    # PyTorch negates last and divides the sum by the batch size for 'mean'
    return name_node(_reduce(loss, reduction, "cross_entropy"),
                     "DivBackward1" if reduction == "mean" else "NegBackward0")

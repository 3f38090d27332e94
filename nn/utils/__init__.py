"""Gradient clipping and flat parameter vectors, as ``torch.nn.utils``.

Example:
    >>> w = ag.tensor([3.0, 4.0], requires_grad=True)
    >>> w.grad = ag.tensor([3.0, 4.0])
    >>> float(clip_grad_norm_([w], max_norm=1.0))  # ||g||_2 = 5, g scaled by 1 / 5
    5.0
"""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Iterable

import numpy as np

import autograd as ag
from autograd.types import Array

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters", "rnn"]


def _as_list(parameters: ag.Tensor | Iterable[ag.Tensor], op: str) -> list[ag.Tensor]:
    """A single Tensor or an iterable of Tensors, as a list."""
    if isinstance(parameters, ag.Tensor):
        return [parameters]
    is_generator = isinstance(parameters, types.GeneratorType)
    parameters = list(parameters)
    if is_generator and not parameters:
        warnings.warn(f"{op}: `parameters` is an empty generator, nothing is done. Hint: "
                      "model.parameters() can only be iterated once", stacklevel=3)
    for p in parameters:
        if not isinstance(p, ag.Tensor):
            raise TypeError(f"{op}: expected Tensors, got {type(p).__name__}")
    return parameters


def _vector_norm(x: Array, p: float) -> float:
    """||x||_p = (sum |x_i|^p)^(1/p); p = inf: max |x_i|; -inf: min |x_i|; 0: #nonzero."""
    x = np.abs(x.astype(np.float64, copy=False)).ravel()
    if p == math.inf:
        return float(x.max(initial=0.0))
    if p == -math.inf:
        return float(x.min(initial=math.inf)) if x.size else 0.0
    if p == 0:
        return float(np.count_nonzero(x))
    if p == 1:
        return float(x.sum())
    if p == 2:
        return float(np.sqrt(np.dot(x, x)))
    return float(np.sum(x ** p) ** (1.0 / p))


def clip_grad_norm_(parameters: ag.Tensor | Iterable[ag.Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> ag.Tensor:
    """Scale all gradients together so their total norm is at most ``max_norm``.

    total = ||(||g_1||_p, ..., ||g_n||_p)||_p  (the p-norm of all grads as one vector);
    every g is multiplied in place by min(max_norm / (total + 1e-6), 1).
    Parameters whose ``.grad`` is None are skipped; ``foreach`` is accepted and ignored.

    Returns:
        The total norm before clipping, a 0-d Tensor (float32 for float32 grads).

    Raises:
        RuntimeError: if ``error_if_nonfinite`` and the total norm is nan or inf.
    """
    parameters = _as_list(parameters, "clip_grad_norm_")
    grads = [p.grad for p in parameters if p.grad is not None]
    norm_type = float(norm_type)
    if not grads:
        return ag.tensor(0.0)
    dtype = np.result_type(*(g.dtype for g in grads))
    total = _vector_norm(np.array([_vector_norm(g.detach().numpy(), norm_type) for g in grads]), norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    total_norm = ag.tensor(np.asarray(total, dtype=dtype))
    # computed in the norm's dtype, as PyTorch does: max_norm / (total + 1e-6), clamped to 1
    coef = min(float(np.asarray(max_norm, dtype) / (total_norm.numpy() + dtype.type(1e-6))), 1.0)
    with ag.no_grad():
        for g in grads:
            g.mul_(coef)
    return total_norm


def clip_grad_value_(parameters: ag.Tensor | Iterable[ag.Tensor], clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient in place to [-clip_value, clip_value] (None grads skipped)."""
    parameters = _as_list(parameters, "clip_grad_value_")
    clip_value = float(clip_value)
    with ag.no_grad():
        for p in parameters:
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters: ag.Tensor | Iterable[ag.Tensor]) -> ag.Tensor:
    """Concatenate the flattened parameters into one 1-D tensor.

    The concatenation is recorded in the graph, as ``torch.cat([p.view(-1) for p in parameters])``.
    """
    parameters = _as_list(parameters, "parameters_to_vector")
    if not parameters:
        raise ValueError("parameters_to_vector: got no parameters")
    return ag.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: ag.Tensor, parameters: ag.Tensor | Iterable[ag.Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters, in place.

    Each parameter keeps its shape, dtype and memory; its version counter is bumped; no graph
    is recorded.
    """
    if not isinstance(vec, ag.Tensor):
        raise TypeError(f"expected Tensor, but got: {type(vec).__name__}")
    if vec.ndim != 1:
        raise ValueError(f"vector_to_parameters: vec must be 1-D, got shape {vec.shape}")
    parameters = _as_list(parameters, "vector_to_parameters")
    total = sum(p.numel() for p in parameters)
    if total != vec.numel():
        raise ValueError(f"vector_to_parameters: vec has {vec.numel()} elements but the "
                         f"parameters have {total}")
    pointer = 0
    with ag.no_grad():
        for p in parameters:
            n = p.numel()
            p.copy_(vec.detach()[pointer:pointer + n].reshape(p.shape))
            pointer += n

from . import rnn  # noqa: E402  (torch.nn.utils.rnn)

"""Matrix product with NumPy/PyTorch semantics: 1-D, 2-D and batched with broadcast batch dims.

For C = A @ B:  dL/dA = G @ B^T,  dL/dB = A^T @ G; 1-D operands are treated as a row
(left) or column (right) vector; batch dims that broadcast are summed by the base.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .. import dtypes
from ..blas import fit_threads
from ..out import write_out
from ..primitive import OpError, Primitive

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..types import Array, ArrayLike, Value


class MatMul(Primitive):
    """a @ b;  d/da = g @ b^T, d/db = a^T @ g (each computed only when needed).

    Named as PyTorch's outermost node for the operands' ranks (``_BY_RANKS``), unless applied
    through a node type of its own (``bmm``'s ``BmmBackward0``).
    """

    node_name = "MmBackward0"
    saved_inputs = (0, 1)

    def forward(self, a: Array, b: Array) -> Array:
        _check(a, b)
        if type(self) is _BY_RANK:
            self.__class__ = _BY_RANKS.get((a.ndim, b.ndim)) or (
                _CLONE if a.ndim == 2 else _UNSAFE_VIEW)
        fit_threads(a.size * (b.shape[-1] if b.ndim > 1 else 1))
        return a @ b

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        a, b = self.input(0), self.input(1)
        fit_threads(math.prod(a.shape) * (b.shape[-1] if b.ndim > 1 else 1))
        xp = self.xp
        need_a, need_b = self.needs_input_grad[0], self.needs_input_grad[1]
        if a.ndim == 1 and b.ndim == 1:
            return (g * b if need_a else None), (g * a if need_b else None)
        if a.ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
            g_row = xp.expand_dims(g, -2)
            grad_a = (g_row @ xp.swapaxes(b, -1, -2)).squeeze(-2) if need_a else None
            grad_b = xp.expand_dims(a, -1) * g_row if need_b else None
            return grad_a, grad_b
        if b.ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
            g_col = xp.expand_dims(g, -1)
            grad_a = g_col * b if need_a else None
            grad_b = (xp.swapaxes(a, -1, -2) @ g_col).squeeze(-1) if need_b else None
            return grad_a, grad_b
        grad_a = g @ xp.swapaxes(b, -1, -2) if need_a else None
        grad_b = xp.swapaxes(a, -1, -2) @ g if need_b else None
        return grad_a, grad_b


class Linear(Primitive):
    """y = x W^T + b in one node (``nn.Linear``'s map; saves two nodes and a temporary).

    d/dx = g W,  d/dW = g^T x and d/db = sum of g, both summed over the batch dims.

    Named as PyTorch's outermost node (``_LINEAR``): for a 2-D input ``addmm(b, x, W.t())``
    (``mm`` without a bias), whose ``next_functions`` list (b, x, W); for other ranks the
    view (or squeeze) of PyTorch's reshaped product. PyTorch's ``TBackward0`` of the weight
    has no node here: the weight's own edge stands in its place.
    """

    node_name = "AddmmBackward0"
    shown_inputs = (2, 0, 1)
    saved_inputs = (0, 1)

    def forward(self, x: Array, weight: Array, bias: Array | None) -> Array:
        _check_linear(x, weight, bias)
        fit_threads(x.size * weight.shape[0])
        if x.ndim == 2:  # the common case, no reshapes
            out = x @ weight.T
        else:  # batch dims folded into one 2-D product: NumPy's stacked matmul with the
            # transposed weight skips BLAS and is ~1000x slower for a (50, 32, 64) input
            out = (x.reshape(-1, x.shape[-1]) @ weight.T).reshape(*x.shape[:-1], weight.shape[0])
        if bias is not None:
            out += bias  # out is a fresh array: add the bias in place
        return out

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x, weight = self.input(0), self.input(1)
        need_x, need_w, need_b = self.needs_input_grad
        fit_threads(math.prod(x.shape) * weight.shape[0])
        if g.ndim == 2:
            rows, grad_x = g, (g @ weight if need_x else None)
        else:  # every batch dim folded into one
            rows = g.reshape(-1, g.shape[-1])
            grad_x = (rows @ weight).reshape(*g.shape[:-1], weight.shape[1]) if need_x else None
            x = x.reshape(-1, x.shape[-1])
        grad_w = self.xp.swapaxes(rows, 0, 1) @ x if need_w else None
        grad_b = rows.sum(axis=0) if need_b else None
        return grad_x, grad_w, grad_b


# PyTorch's outermost node of matmul, by the operands' ranks: dot, mv, mm, and for 1-D @ 2-D
# mm of the unsqueezed vector, squeezed back. With a batched operand PyTorch folds the batch
# into an mm (or runs bmm) and views the result back (_unsafe_view); for 2-D @ batched it
# multiplies the transposes and copies the transposed result (a clone).
_BY_RANK = MatMul._node_type
_BY_RANKS = {(1, 1): MatMul.named("DotBackward0"), (2, 1): MatMul.named("MvBackward0"),
             (1, 2): MatMul.named("SqueezeBackward4"), (2, 2): MatMul.named("MmBackward0")}
_UNSAFE_VIEW = MatMul.named("UnsafeViewBackward0")
_CLONE = MatMul.named("CloneBackward0")
BMM = MatMul.named("BmmBackward0")
# linear by (input rank, up to 3; has a bias)
_LINEAR: dict[tuple[int, bool], type[Linear]] = {
    (2, True): Linear, (2, False): Linear.named("MmBackward0", shown_inputs=(0, 1)),
    (1, True): Linear.named("ViewBackward0"),
    (1, False): Linear.named("SqueezeBackward4", shown_inputs=(0, 1)),
    (3, True): Linear.named("ViewBackward0"),
    (3, False): Linear.named("UnsafeViewBackward0", shown_inputs=(0, 1))}


def _check_linear(x: Array, weight: Array, bias: Array | None) -> None:
    if weight.ndim != 2 or x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise OpError(f"linear: input of shape {x.shape} and weight of shape {weight.shape} "
                      f"don't fit: the input's last dim must equal in_features = weight.shape[1]. "
                      "Hint: check in_features, or flatten the input")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        raise OpError(f"linear: bias of shape {np.shape(bias)} must be ({weight.shape[0]},) "
                      "(out_features)")
    for other, name in ((weight, "weight"), (bias, "bias")):
        if other is not None and other.dtype != x.dtype:
            raise OpError(f"linear: input is {dtypes.name(x.dtype)} but {name} is "
                          f"{dtypes.name(other.dtype)}. Hint: model.to(x.dtype) or x.to(...)")


def _check(a: Array, b: Array) -> None:
    """Refuse what PyTorch refuses, with the shapes and a hint."""
    for operand in (a, b):
        if not isinstance(operand, np.ndarray):
            raise dtypes.OperandError(f"operands must be tensors, got {dtypes.type_name(operand)}. "
                                      "Hint: use * to multiply by a number")
    if a.ndim == 0 or b.ndim == 0:
        raise OpError(f"matmul: both operands need at least 1 dim, got shapes {a.shape} and "
                      f"{b.shape}. Hint: use * to multiply by a scalar")
    if a.dtype != b.dtype:
        raise OpError(f"matmul: operands have different dtypes {dtypes.name(a.dtype)} and "
                      f"{dtypes.name(b.dtype)}. Hint: convert one, e.g. x.float() or w.double()")
    k_a = a.shape[-1]
    k_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if k_a != k_b:
        raise OpError(f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied ({k_a} != "
                      f"{k_b}). Hint: the last dim of the first operand must equal the "
                      "second-to-last dim of the second; a transpose (.T) may be missing")
    if a.dtype.kind == "b":
        raise OpError("matmul: bool tensors cannot be multiplied; convert with .float()")


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Matrix product ``input @ other`` (1-D, 2-D or batched); ``out=`` as in PyTorch."""
    result = MatMul.apply(input, other)
    return result if out is None else write_out(result, out, "matmul", input, other)


def rmatmul(input: Tensor, other: ArrayLike) -> Tensor:
    """Reflected matrix product ``other @ input`` (``Tensor.__rmatmul__``)."""
    return MatMul.apply(other, input)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Fused affine map: y = input @ weight.T + bias (``torch.nn.functional.linear``)."""
    return _LINEAR.get((min(input.ndim, 3), bias is not None), Linear).apply(input, weight, bias)


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """2-D matrix product; ``out=`` as in PyTorch."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise OpError(f"mm: both operands must be 2-D, got {input.shape} and {mat2.shape}")
    result = MatMul.apply(input, mat2)
    return result if out is None else write_out(result, out, "mm", input, mat2)

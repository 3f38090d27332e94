"""Matrix product with NumPy/PyTorch semantics: 1-D, 2-D and batched with broadcast batch dims.

For C = A @ B:  dL/dA = G @ B^T,  dL/dB = A^T @ G; 1-D operands are treated as a row
(left) or column (right) vector; batch dims that broadcast are summed by the base.
"""

from __future__ import annotations

from .. import dtypes
from ..function import Function, OpError


class MatMul(Function):
    """a @ b;  d/da = g @ b^T, d/db = a^T @ g (each computed only when needed)."""

    saved_inputs = (0, 1)

    def forward(self, a, b):
        _check(a, b)
        return a @ b

    def backward(self, g):
        a, b = self.input(0), self.input(1)
        xp = self.xp
        need_a, need_b = self.next_edges[0] is not None, self.next_edges[1] is not None
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


def _check(a, b) -> None:
    """Refuse what PyTorch refuses, with the shapes and a hint."""
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


def matmul(input, other):
    """Matrix product ``input @ other`` (1-D, 2-D or batched)."""
    return MatMul.apply(input, other)


def rmatmul(input, other):
    return MatMul.apply(other, input)


def mm(input, mat2):
    """2-D matrix product."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise OpError(f"mm: both operands must be 2-D, got {input.shape} and {mat2.shape}")
    return MatMul.apply(input, mat2)

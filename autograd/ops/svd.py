"""Singular values: ``linalg.svdvals`` (a primitive), behind the 2, -2 and 'nuc' matrix norms.

For each matrix A (the last two dims, m x n, k = min(m, n)) with reduced SVD A = U diag(s) V^T,
the singular values s_1 >= ... >= s_k >= 0 have the derivative ds_i = u_i^T dA v_i, so

    dL/dA = U diag(g) V^T.

That backward is itself a primitive of (A, g) (``_SvdvalsAdjoint``), whose backward is the
reduced SVD's rule for U and V (PyTorch's ``svd_backward``): with gU = G V diag(g),
gV^T = diag(g) U^T G, E_ij = s_j^2 - s_i^2 (1 on the diagonal) and skew(X) = X - X^T,

    dL/dA = U [(skew(U^T gU) S + S skew(V gV^T)) / E] V^T
            + (I - U U^T) gU S^-1 V^T    (m > n)    or    + U S^-1 gV^T (I - V V^T)    (m < n),
    dL/dg = diag(U^T G V),

so gradients of svdvals (and of the norms) are differentiable once more. They are well defined
where the singular values are distinct and, for a non-square A, nonzero (as in PyTorch);
ties give inf or nan in the second derivative. Third derivatives are not supported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import dtypes, grad_mode
from .._tensor import Tensor
from ..out import write_out
from ..primitive import OpError, Primitive

if TYPE_CHECKING:
    from ..types import Array, Value


def _t(x: Array) -> Array:
    return np.swapaxes(x, -1, -2)


def _svd(a: Array, compute_uv: bool) -> tuple[Array | None, Array, Array | None]:
    """(U, s, V^T) of the reduced SVD (U and V^T None without ``compute_uv``); empty-safe."""
    m, n = a.shape[-2:]
    k = min(m, n)
    if a.size == 0:
        batch = a.shape[:-2]
        s = np.zeros(batch + (k,), a.dtype)
        if not compute_uv:
            return None, s, None
        return np.zeros(batch + (m, k), a.dtype), s, np.zeros(batch + (k, n), a.dtype)
    if np.isinf(a).any():  # LAPACK gives nan singular values for inf input, as PyTorch shows
        nan = np.full(a.shape[:-2] + (k,), np.nan, a.dtype)
        return (np.full(a.shape[:-1] + (k,), np.nan, a.dtype), nan,
                np.full(a.shape[:-2] + (k, n), np.nan, a.dtype)) if compute_uv else (None, nan, None)
    if compute_uv:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        return u, s, vh
    return None, np.linalg.svd(a, compute_uv=False), None


class Svdvals(Primitive):
    """The singular values of each matrix, descending;  dL/dA = U diag(g) V^T (see the module)."""

    saved_inputs = (0,)
    node_name = "LinalgSvdBackward0"

    def forward(self, a: Array, compute_uv: bool) -> Array:
        self.u, s, self.vh = _svd(a, compute_uv)
        self.s = s
        return s

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        a = self.input(0)
        if self.u is None:  # recorded without U and V (not expected): compute them now
            self.u, self.s, self.vh = _svd(a._data if isinstance(a, Tensor) else a, True)
        return (self.call(_SvdvalsAdjoint, a, g, u=self.u, s=self.s, vh=self.vh),)


class _SvdvalsAdjoint(Primitive):
    """U diag(g) V^T as a function of (A, g): the backward of ``Svdvals``, differentiable once.

    d/dg = diag(U^T G V); d/dA = the reduced SVD's rule for gU = G V diag(g), gV^T = diag(g) U^T G
    (the module docstring). Only ``gradgradcheck`` of svdvals (and its norms) builds this node.
    """

    saved_inputs = (1,)
    op_name = "svdvals"
    node_name = "LinalgSvdBackwardBackward0"

    def forward(self, a: Array, g: Array, u: Array, s: Array, vh: Array) -> Array:
        self.u, self.s, self.vh = u, s, vh
        return np.asarray((u * g[..., None, :]) @ vh)

    def backward(self, big_g: Value) -> tuple[Value | None, ...]:
        if self._create_graph:
            raise RuntimeError("linalg.svdvals: derivatives of the third order and higher are not "
                               "supported. Hint: differentiate the norm or svdvals at most twice")
        u, s, vh, g = self.u, self.s, self.vh, self.input(1)
        grad_g = np.einsum("...ik,...ij,...kj->...k", u, big_g, vh) if self.needs_input_grad[1] else None
        grad_a = None
        if self.needs_input_grad[0]:
            gu = (big_g @ _t(vh)) * g[..., None, :]
            gvh = g[..., :, None] * (_t(u) @ big_g)
            grad_a = _svd_backward(gu, gvh, u, s, vh)
        return grad_a, grad_g


def _svd_backward(gu: Array, gvh: Array, u: Array, s: Array, vh: Array) -> Array:
    """dL/dA of the reduced SVD given dL/dU and dL/dV^T (dL/ds = 0): PyTorch's svd_backward."""
    m, n = u.shape[-2], vh.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        uhgu = _t(u) @ gu
        uhgu = uhgu - _t(uhgu)
        vhgv = vh @ _t(gvh)
        vhgv = vhgv - _t(vhgv)
        s2 = s * s
        e = s2[..., None, :] - s2[..., :, None]
        diagonal = np.arange(s.shape[-1])
        e[..., diagonal, diagonal] = 1
        core = (uhgu * s[..., None, :] + s[..., :, None] * vhgv) / e
        if m > n:
            gu_sinv = gu / s[..., None, :]
            return np.asarray((u @ core + gu_sinv - u @ (_t(u) @ gu_sinv)) @ vh)
        if m < n:
            sinv_gvh = gvh / s[..., :, None]
            return np.asarray(u @ (core @ vh + sinv_gvh - (sinv_gvh @ _t(vh)) @ vh))
        return np.asarray(u @ core @ vh)


def svdvals(A: Tensor, *, driver: str | None = None, out: Tensor | None = None) -> Tensor:  # noqa: N803
    """The singular values of ``A`` (``torch.linalg.svdvals``), in descending order.

    Args:
        A: a float32 or float64 tensor of shape (..., m, n), batch dims first.
        driver: PyTorch's cuSOLVER driver; it must be None on the CPU.
        out: a tensor to write the result into (not with autograd).

    Returns:
        A tensor of shape (..., min(m, n)). Its gradient is U diag(g) V^T, differentiable once
        more where the singular values are distinct (and nonzero if A is not square).

    Raises:
        RuntimeError: A has fewer than 2 dims, is not float32/float64, or holds nan.

    Example:
        >>> ag.linalg.svdvals(ag.tensor([[3.0, 0.0], [0.0, -4.0]]))
        tensor([4., 3.])
    """
    op = "linalg.svdvals"
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}(): argument 'A' must be a Tensor, not {type(A).__name__}")
    if driver is not None:
        raise OpError(f"{op}: keyword argument `driver=` is only supported on CUDA inputs with "
                      f"cuSOLVER backend, got driver={driver!r}. Hint: drop it on the CPU")
    if A.ndim < 2:
        raise OpError(f"{op}: The input tensor A must have at least 2 dimensions, got shape "
                      f"{tuple(A.shape)}. Hint: A.unsqueeze(0) makes a vector a 1-row matrix")
    dtype = A._data.dtype
    if dtype not in (dtypes.float32, dtypes.float64):
        kind = "float16 is not supported" if dtype.kind == "f" else (
            f"expected a floating point tensor as input, got {dtypes.name(dtype)}")
        raise OpError(f"{op}: {kind}. Hint: convert with .float() or .double() first")
    if np.isnan(A._data).any():
        raise OpError(f"{op}: The algorithm failed to converge because the input matrix contained "
                      "non-finite values (nan)")
    compute_uv = grad_mode.is_grad_enabled() and A.requires_grad
    return write_out(Svdvals.apply(A, compute_uv=compute_uv), out, op, A, same_dtype=True)

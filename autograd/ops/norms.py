"""Norms: ``linalg.vector_norm`` (a primitive), ``matrix_norm``, ``linalg_norm``, ``norm``, ``cdist``...

vector_norm(x, p) = (sum |x|^p)^(1/p) over ``dim``; p = inf is max |x|, -inf min |x|, 0 counts
the nonzeros. Its backward is PyTorch's ``norm_backward``, removable singularities included:
the gradient is 0 where the norm is 0 (p >= 1) or where x is 0 (p < 1), ties of the inf norms
share the gradient evenly (``cdist``'s inf norm gives each tied element all of it, as PyTorch's
does), and p = 0 has no gradient. Matrix norms compose: 'fro' is the 2-norm over two dims,
1/-1/inf/-inf are max/min of the 1-norms of the columns/rows, and 2/-2/'nuc' are the largest,
the smallest and the sum of the singular values (``linalg.svdvals``; ties of 2/-2 share the
gradient evenly, as amax/amin do).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from ..checks import flag
from ..out import write_out
from ..primitive import OpError, name_node
from .arithmetic import sub
from .dims import dim_tuple, normalize_dim, reduction_axes
from .movement import unsqueeze
from .rearrange import movedim
from .reduce import _Reduction, amax, amin
from .svd import svdvals

if TYPE_CHECKING:
    from ..types import Array, Dims, DTypeLike, Value

INF = math.inf
MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, INF, -INF)


class VectorNorm(_Reduction):
    """(sum |x|^p)^(1/p) over axes (p = +-inf: max/min |x|, p = 0: nonzero count).

    d/dx = sign(x) |x|^(p-1) / norm^(p-1), with 0 where norm = 0 (p > 1) or x = 0 (p < 1);
    p = 1: sign(x); p = +-inf: sign(x) [|x| = norm] / (number of ties). The second derivative
    at those zeros is NaN, as PyTorch's (it masks the first derivative's 0/0, not the operands).
    """

    node_name = "LinalgVectorNormBackward0"
    saved_inputs = (0,)
    saves_output = True

    def forward(self, x: Array, ord: float, axes: tuple[int, ...] | None, keepdims: bool,
                split_ties: bool = True) -> Array:
        self._setup(x, axes, keepdims)
        self.ord, self.split_ties = ord, split_ties
        a = np.abs(x)
        if ord == 2:
            return np.sqrt(np.sum(a * a, axis=axes, keepdims=keepdims))
        if ord == 1:
            return np.sum(a, axis=axes, keepdims=keepdims)
        if ord == 0:
            return np.sum(a != 0, axis=axes, keepdims=keepdims).astype(x.dtype)
        if ord == INF:
            return np.max(a, axis=axes, keepdims=keepdims)
        if ord == -INF:
            return np.min(a, axis=axes, keepdims=keepdims)
        with np.errstate(divide="ignore", over="ignore"):
            return np.power(np.sum(np.power(a, ord), axis=axes, keepdims=keepdims), 1 / ord)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        # PyTorch's norm_backward, term for term: masking a quotient that is 0/0 at a zero norm
        # (not its operands) is its convention, so double backward is NaN there, as in PyTorch
        p, xp = self.ord, self.xp
        if p == 0:
            return (None,)
        x, g = self.input(0), self.unreduce(g)
        if p == 1:
            return (g * xp.sign(x),)
        norm = self.unreduce(self.output())
        with np.errstate(divide="ignore", invalid="ignore"):
            if abs(p) == INF:
                mask = (abs(x) == norm) | (x != x)  # x != x: a NaN, which is the norm
                if self.split_ties:
                    g = g / mask.sum(axis=self.axes, keepdims=True).astype(g.dtype)
                return (xp.sign(x) * g * mask,)
            if p == 2:
                return (g * xp.where(norm == 0, 0, x / norm),)
            if p < 1:
                scaled = xp.sign(x) * xp.where(x == 0, 0, abs(x) ** (p - 1))
                return (scaled * g * norm ** (1 - p),)
            scaled = xp.sign(x) * abs(x) ** (p - 1) if p < 2 else x * abs(x) ** (p - 2)
            return (scaled * xp.where(norm == 0, 0, g / norm ** (p - 1)),)


def _ord_name(ord: Any) -> str:
    return {INF: "inf", -INF: "-inf"}.get(ord, repr(ord)) if isinstance(ord, (int, float)) else repr(ord)


def _float_input(op: str, input: Tensor, dtype: DTypeLike | None) -> Tensor:
    """The input cast to ``dtype``; refuse integers and narrowing casts, as PyTorch does."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if not dtypes.is_floating(input.dtype):
        raise OpError(f"{op}: expected a floating point tensor as input, got "
                      f"{dtypes.name(input.dtype)}. Hint: call .float() or .double() first")
    if dtype is None:
        return input
    target = dtypes.as_dtype(dtype)
    if not dtypes.is_floating(target):
        raise OpError(f"{op}: dtype must be floating point, got {dtypes.name(target)}")
    if target.itemsize < input.dtype.itemsize:
        raise OpError(f"{op}: the input's dtype {dtypes.name(input.dtype)} can't be converted "
                      f"to dtype={dtypes.name(target)} without narrowing")
    return input.to(target)


def _vector_norm(op: str, x: Tensor, ord: float, dim: Dims, keepdim: bool, dtype: DTypeLike | None,
                 split_ties: bool = True) -> Tensor:
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.number)):
        raise TypeError(f"{op}: ord must be a number (2, 1, inf, 0, -1...), got {ord!r}. "
                        "Hint: 'fro' and 'nuc' are matrix norms (linalg.matrix_norm)")
    x = _float_input(op, x, dtype)
    axes = reduction_axes(op, dim, x.ndim)
    if ord < 0 or ord == INF:
        empty = [d for d in (range(x.ndim) if axes is None else axes) if x.shape[d] == 0]
        if empty or x.numel() == 0 and axes is None:
            where = "the tensor is empty" if axes is None else f"dim {empty[0]} is empty"
            raise OpError(f"{op}: cannot compute the {_ord_name(ord)} norm: {where} (shape "
                          f"{tuple(x.shape)}) and the operation has no identity")
    return VectorNorm.apply(x, ord=float(ord), axes=axes, keepdims=flag(op, "keepdim", keepdim),
                             split_ties=split_ties)


def vector_norm(x: Tensor, ord: float = 2, dim: Dims = None, keepdim: bool = False, *,
                dtype: DTypeLike | None = None, out: Tensor | None = None) -> Tensor:
    """The vector ``ord``-norm over ``dim`` (all elements by default), as ``torch.linalg.vector_norm``.

    Args:
        x: a floating tensor.
        ord: p in (sum |x|^p)^(1/p); ``inf``/``-inf`` give max/min |x|, 0 the nonzero count.
        dim: the dims to reduce: an int, a tuple, or None (all, as one flat vector).
        keepdim: keep the reduced dims with size 1.
        dtype: cast the input to this floating dtype first.
        out: a tensor to write the result into (not with autograd).

    Returns:
        The norms; the gradient is 0 where a norm is 0.
    """
    return write_out(_vector_norm("linalg.vector_norm", x, ord, dim, keepdim, dtype), out,
                     "linalg.vector_norm", x, same_dtype=True)


def _matrix_dims(op: str, A: Tensor, dim: Any) -> tuple[int, int]:  # noqa: N803 - PyTorch's name
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise OpError(f"{op}: dim must be a 2-tuple of dims, got {dim!r}")
    if A.ndim < 2:
        raise OpError(f"{op}: the input must have at least 2 dims, got shape {tuple(A.shape)}. "
                      "Hint: use linalg.vector_norm for vectors")
    d0, d1 = (normalize_dim(op, d, A.ndim) for d in dim)
    if d0 == d1:
        raise OpError(f"{op}: the two dims must be different, got {tuple(dim)}")
    return d0, d1


def matrix_norm(A: Tensor, ord: str | float = "fro", dim: tuple[int, int] = (-2, -1),  # noqa: N803
                keepdim: bool = False, *, dtype: DTypeLike | None = None,
                out: Tensor | None = None) -> Tensor:
    """The matrix ``ord``-norm over the two dims ``dim``, as ``torch.linalg.matrix_norm``.

    Args:
        A: a floating tensor with at least 2 dims (batch dims are kept).
        ord: 'fro' (Frobenius), 'nuc' (nuclear: the sum of the singular values), 2 / -2 (the
            largest / smallest singular value), 1 / -1 (max / min column sum of |a|), inf / -inf
            (max / min row sum).
        dim: the (row, column) dims.
        keepdim: keep the two reduced dims with size 1.
        dtype: cast the input to this floating dtype first.
        out: a tensor to write the result into (not with autograd).

    Returns:
        The norms (a tensor of the batch shape).
    """
    op = "linalg.matrix_norm"
    if out is not None:
        return write_out(matrix_norm(A, ord, dim, keepdim, dtype=dtype), out, op, A, same_dtype=True)
    if isinstance(ord, bool) or not isinstance(ord, (str, int, float, np.number)) or ord not in MATRIX_ORDS:
        raise OpError(f"{op}: order {_ord_name(ord)} is not supported. Hint: use 'fro', 'nuc', 2, "
                      "-2, 1, -1, inf or -inf")
    d0, d1 = _matrix_dims(op, A, dim)
    if ord in ("nuc", 2, -2):
        return _singular_norm(op, A, ord, d0, d1, keepdim, dtype)
    if isinstance(ord, str):  # "fro"
        return _vector_norm(op, A, 2, (d0, d1), keepdim, dtype)
    if abs(ord) == INF:  # the inf norm is the 1 norm of the transpose
        d0, d1 = d1, d0
    sums = _vector_norm(op, A, 1, d0, True, dtype)
    if A.shape[d0] == 0 or A.shape[d1] == 0:
        if ord < 0 and sums.shape[d1] == 0:
            raise OpError(f"{op}: cannot compute the {_ord_name(ord)} norm of an empty matrix "
                          f"(shape {tuple(A.shape)}): the operation has no identity")
        out = sums.sum(d1, keepdim=True) * 0  # PyTorch: the max of no column sums is 0
    else:
        out = (amax if ord > 0 else amin)(sums, d1, keepdim=True)
    out = out if keepdim else out.squeeze((d0, d1))
    return name_node(out, "AmaxBackward0" if ord > 0 else "AminBackward0")  # PyTorch's last op


def _singular_norm(op: str, A: Tensor, ord: str | float, d0: int, d1: int, keepdim: bool,  # noqa: N803
                   dtype: DTypeLike | None) -> Tensor:
    """'nuc', 2 and -2: the sum, max and min of the singular values of the (d0, d1) matrices."""
    s = svdvals(movedim(_float_input(op, A, dtype), (d0, d1), (-2, -1)))  # batch dims keep their order
    if ord == "nuc":
        out = s.sum(-1)
    elif s.shape[-1] == 0:
        if ord == -2:
            raise OpError(f"{op}: cannot compute the {_ord_name(ord)} norm of an empty matrix "
                          f"(shape {tuple(A.shape)}): the operation has no identity")
        out = s.sum(-1)  # PyTorch: 0, the max of no singular values
    else:
        out = (amax if ord == 2 else amin)(s, -1)
    if keepdim:
        for d in sorted((d0, d1)):
            out = unsqueeze(out, d)
    return out


def linalg_norm(A: Tensor, ord: str | float | None = None, dim: Dims = None,  # noqa: N803
                keepdim: bool = False, *, dtype: DTypeLike | None = None,
                out: Tensor | None = None) -> Tensor:
    """A vector or matrix norm, as ``torch.linalg.norm``.

    An int ``dim`` (or one dim) gives ``vector_norm`` (ord 2 by default), two dims give
    ``matrix_norm`` ('fro' by default). Without ``dim``: the 2-norm of all elements when
    ``ord`` is None, else the input must be 1-D (vector norm) or 2-D (matrix norm).
    ``out=`` as in PyTorch.
    """
    op = "linalg.norm"
    if out is not None:
        return write_out(linalg_norm(A, ord, dim, keepdim, dtype=dtype), out, op, A, same_dtype=True)
    if dim is not None:
        dims = dim_tuple(op, dim)
        if len(dims) == 1:
            if isinstance(ord, str):
                raise OpError(f"{op}: ord={ord!r} is a matrix norm but dim={dim!r} names one dim. "
                              "Hint: pass two dims")
            return _vector_norm(op, A, 2 if ord is None else ord, dims, keepdim, dtype)
        if len(dims) != 2:
            raise OpError(f"{op}: dim must name 1 or 2 dims, got {dim!r}")
        return matrix_norm(A, "fro" if ord is None else ord, (dims[0], dims[1]), keepdim, dtype=dtype)
    if ord is None:
        return _vector_norm(op, A, 2, None, keepdim, dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (0, 1), keepdim, dtype=dtype)
    if A.ndim != 1:
        raise OpError(f"{op}: with ord but no dim the input must be 1-D or 2-D, got shape "
                      f"{tuple(A.shape)}. Hint: pass dim")
    if isinstance(ord, str):
        raise OpError(f"{op}: ord={ord!r} is a matrix norm but the input is 1-D")
    return _vector_norm(op, A, ord, None, keepdim, dtype)


def norm(input: Tensor, p: str | float | None = "fro", dim: Dims = None, keepdim: bool = False,
               out: Tensor | None = None, dtype: DTypeLike | None = None) -> Tensor:
    """The norm of ``input`` over ``dim`` (all elements by default), as ``torch.norm``/``Tensor.norm``.

    ``p='fro'`` and numbers give the vector p-norm over ``dim`` (``'fro'`` is p = 2, over at most
    two dims); ``'nuc'`` is the nuclear norm of a 2-D input (or of two ``dim``). Prefer
    ``linalg.vector_norm``/``matrix_norm``. ``out=`` as in PyTorch.
    """
    if out is not None:
        return write_out(norm(input, p, dim, keepdim, dtype=dtype), out, "norm", input, same_dtype=True)
    if isinstance(p, str):
        n_dims = None if dim is None else len(dim_tuple("norm", dim))
        if p == "fro" and (n_dims is None or n_dims <= 2):
            return _vector_norm("norm", input, 2, dim, keepdim, dtype)
        if p == "nuc" and (n_dims is None and input.ndim == 2 or n_dims == 2):
            return matrix_norm(input, p, (0, 1) if dim is None else dim_tuple("norm", dim), keepdim,  # type: ignore[arg-type]
                               dtype=dtype)
        raise OpError(f"norm: p={p!r} with dim={dim!r} is not supported. Hint: p='fro' (at most "
                      "two dims), a number, or linalg.matrix_norm")
    return _vector_norm("norm", input, 2 if p is None else p, dim, keepdim, dtype)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of ``input - other`` (broadcast), over all elements: a 0-d tensor."""
    if not isinstance(other, Tensor):
        raise TypeError(f"dist: other must be a Tensor, got {type(other).__name__}")
    return name_node(_vector_norm("dist", sub(input, other), p, None, False, None), "DistBackward0")


COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                 "donot_use_mm_for_euclid_dist")


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """Pairwise p-norm distances: (..., P, M) and (..., R, M) -> (..., P, R), as ``torch.cdist``.

    Batch dims broadcast. Computed from the differences (never from ``|a|^2 + |b|^2 - 2ab``),
    so identical points are exactly 0 apart, with gradient 0; ``compute_mode`` is accepted
    for PyTorch compatibility.
    """
    if compute_mode not in COMPUTE_MODES:
        raise ValueError(f"cdist: compute_mode={compute_mode!r} is not one of {COMPUTE_MODES}")
    for name, x in (("x1", x1), ("x2", x2)):
        if not isinstance(x, Tensor):
            raise TypeError(f"cdist: {name} must be a Tensor, got {type(x).__name__}")
        if x.ndim < 2:
            raise OpError(f"cdist: {name} must have at least 2 dims (..., points, features), got "
                          f"shape {tuple(x.shape)}. Hint: x.unsqueeze(0) for a single point")
        if not dtypes.is_floating(x.dtype):
            raise OpError(f"cdist: only floating dtypes are supported, {name} is "
                          f"{dtypes.name(x.dtype)}. Hint: call .float() first")
    if x1.shape[-1] != x2.shape[-1]:
        raise OpError(f"cdist: x1 and x2 must have the same number of columns (features), got "
                      f"shapes {tuple(x1.shape)} and {tuple(x2.shape)}")
    if x1.dtype != x2.dtype:
        raise OpError(f"cdist: x1 is {dtypes.name(x1.dtype)} but x2 is {dtypes.name(x2.dtype)}. "
                      "Hint: convert one of them")
    if isinstance(p, str) or p < 0:
        raise OpError(f"cdist: p must be a non-negative number, got {p!r}")
    try:
        np.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    except ValueError:
        raise OpError(f"cdist: the batch dims of x1 {tuple(x1.shape)} and x2 {tuple(x2.shape)} "
                      "do not broadcast") from None
    diff = sub(unsqueeze(x1, -2), unsqueeze(x2, -3))  # (..., P, R, M)
    if diff.shape[-1] == 0:
        return name_node(diff.sum(-1), "CdistBackward0")  # no features: every distance is 0
    return name_node(_vector_norm("cdist", diff, p, -1, False, None, split_ties=False), "CdistBackward0")

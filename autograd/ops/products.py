"""More products, composed of ``einsum``/``matmul``: inner tensordot baddbmm addbmm addmv addr.

    inner(a, b)[i..., j...]   = sum_k a[i..., k] b[j..., k]
    tensordot(a, b, dims)     = sum over the paired dims of a and b (a's free dims, then b's)
    baddbmm(C, A, B)          = beta C + alpha A @ B                  (batched, (b, n, p))
    addbmm(C, A, B)           = beta C + alpha sum_b A[b] @ B[b]      ((n, p))
    addmv(c, M, v)            = beta c + alpha M @ v                  ((n,))
    addr(C, u, v)             = beta C + alpha outer(u, v)            ((n, m))

Their gradients are those of the einsums, products and sums they are made of. ``beta = 0``
ignores the input (its nan and inf do not propagate, its gradient is 0); ``alpha = 0`` ignores
the product for addbmm and addmv (as BLAS does) but multiplies it by 0 for baddbmm and addr
(so nan propagates), as PyTorch does on the CPU.
"""

from __future__ import annotations

import numbers
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from ..inplace import apply_inplace
from ..out import write_out
from ..primitive import OpError, name_node
from .arithmetic import add, mul
from .linalg import LETTERS, Einsum, einsum
from .matmul import MatMul
from .select import logical_and, logical_or, where

if TYPE_CHECKING:
    from collections.abc import Sequence


def _tensors(op: str, **named: Any) -> None:
    for label, value in named.items():
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}(): argument '{label}' must be a Tensor, not {type(value).__name__}")


def _one_dtype(op: str, **named: Tensor) -> None:
    kinds = {t._data.dtype for t in named.values()}
    if len(kinds) > 1:
        got = ", ".join(f"{label} {dtypes.name(t._data.dtype)}" for label, t in named.items())
        raise OpError(f"{op}: expected all operands to have the same dtype, got {got}. Hint: "
                      "convert them to one dtype, e.g. x.double()")


def _no_bool(op: str, x: Tensor) -> None:
    if x._data.dtype.kind == "b":
        raise OpError(f"{op}: bool tensors are not supported. Hint: convert with .long() or .float()")


# ---- inner and tensordot ---------------------------------------------------------------------
def inner(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Sums of products over the last dims: shape ``input.shape[:-1] + other.shape[:-1]``.

    A 0-d operand multiplies the other elementwise (``torch.inner``).

    Raises:
        RuntimeError: the last dims differ, or the dtypes differ.
    """
    _tensors("inner", input=input, other=other)
    if input.ndim == 0 or other.ndim == 0:
        return write_out(mul(input, other), out, "inner", input, other)
    if input.shape[-1] != other.shape[-1]:
        raise OpError(f"inner: the last dimension must match on both input tensors but got shapes "
                      f"{list(input.shape)} and {list(other.shape)}. Hint: inner(a, b) sums over "
                      "the last dim of each")
    _one_dtype("inner", input=input, other=other)
    _no_bool("inner", input)
    return write_out(_contract(input, other, [input.ndim - 1], [other.ndim - 1]), out, "inner",
                     input, other, same_dtype=True)


def _contract(a: Tensor, b: Tensor, dims_a: Sequence[int], dims_b: Sequence[int]) -> Tensor:
    """The einsum over the paired dims (already checked); size-1 dims broadcast, as in tensordot."""
    letters = iter(LETTERS)
    sub_a = [next(letters) for _ in range(a.ndim)]
    sub_b = [next(letters) for _ in range(b.ndim)]
    for da, db in zip(dims_a, dims_b):
        sub_b[db] = sub_a[da]
    free = [c for d, c in enumerate(sub_a) if d not in dims_a]
    free += [c for d, c in enumerate(sub_b) if d not in dims_b]
    equation = f"{''.join(sub_a)},{''.join(sub_b)}->{''.join(free)}"
    if all(a.shape[da] == b.shape[db] for da, db in zip(dims_a, dims_b)):
        return Einsum.apply(a, b, equation=equation)  # already canonical
    return einsum(equation, a, b)  # einsum drops the size-1 dims that broadcast


def _dims_list(op: str, dims: Any, which: str, ndim: int) -> list[int]:
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, numbers.Integral) or not isinstance(dims, (list, tuple)) or not all(
            isinstance(d, numbers.Integral) for d in dims):
        raise TypeError(f"{op}: the dims of {which} must be a list of ints, got {dims!r}. Hint: "
                        "dims=([1], [0]) pairs dim 1 of a with dim 0 of b")
    out: list[int] = []
    for d in dims:
        if not -ndim <= d < ndim:
            where = f"[{-ndim}, {ndim - 1}]" if ndim else "none: it is 0-d"
            raise IndexError(f"{op}: Dimension out of range (expected to be in range of {where}, "
                             f"but got {d}) in the dims of {which}")
        d = int(d) % ndim
        if d in out:
            raise OpError(f"{op}: dim {d} appears multiple times in the list of dims of {which}")
        out.append(d)
    return out


def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Tensor | None = None) -> Tensor:
    """Contract ``a`` and ``b`` over paired dims (``torch.tensordot``).

    Args:
        a: the first tensor.
        b: the second tensor, of a's dtype.
        dims: an int n (the last n dims of ``a`` with the first n of ``b``), or a pair of lists
            ``([dims of a], [dims of b])`` (also a list of two lists, or a 2-row tensor).
        out: a tensor to write the result into (not with autograd).

    Returns:
        The contraction; its shape is a's free dims followed by b's. A contracted dim of size 1
        broadcasts against the other's size.

    Example:
        >>> ag.tensordot(ag.ones(2, 3, 4), ag.ones(3, 4, 5), dims=2).shape
        torch.Size([2, 5])
    """
    op = "tensordot"
    _tensors(op, a=a, b=b)
    if isinstance(dims, Tensor) and dims.numel() == 1:
        dims = int(dims.item())
    if isinstance(dims, numbers.Integral) and not isinstance(dims, bool):
        dims = int(dims)
        if dims < 0:
            raise OpError(f"{op}: tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise OpError(f"{op}: tensordot expects dims < ndim_a or ndim_b, but got dims={dims} "
                          f"(shapes {tuple(a.shape)} and {tuple(b.shape)})")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    elif isinstance(dims, (list, tuple, Tensor)) and len(dims) == 2:
        dims_a, dims_b = _dims_list(op, dims[0], "a", a.ndim), _dims_list(op, dims[1], "b", b.ndim)
    else:
        raise OpError(f"{op}: tensordot expects dims to be int or tuple[list[int], list[int]] or "
                      f"list[list[int]] containing two lists, but got dims={dims!r}")
    if len(dims_a) != len(dims_b):
        raise OpError(f"{op}: both dimension lists should have same length, got {dims_a} and "
                      f"{dims_b}")
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db] and 1 not in (a.shape[da], b.shape[db]):
            raise OpError(f"{op}: contracted dimensions need to match, but first has size "
                          f"{a.shape[da]} in dim {da} and second has size {b.shape[db]} in dim "
                          f"{db} (shapes {tuple(a.shape)} and {tuple(b.shape)})")
    _one_dtype(op, a=a, b=b)
    _no_bool(op, a)
    return write_out(_contract(a, b, dims_a, dims_b), out, op, a, b, same_dtype=True)


# ---- beta * input + alpha * product ------------------------------------------------------------
def _check_input(op: str, input: Tensor, shape: tuple[int, ...], hint: str) -> None:
    try:
        fits = np.broadcast_shapes(tuple(input.shape), shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise OpError(f"{op}: input of shape {tuple(input.shape)} does not broadcast to the "
                      f"product's shape {shape}. Hint: {hint}")


def _scalars(op: str, result: np.dtype[Any], beta: Any, alpha: Any) -> tuple[Any, Any]:
    """PyTorch's scalars: integer results truncate floats (addr refuses them; see _addr)."""
    for label, value in (("beta", beta), ("alpha", alpha)):
        if not isinstance(value, numbers.Number) or isinstance(value, complex):
            raise TypeError(f"{op}(): argument '{label}' must be a number, not {type(value).__name__}")
    return (beta, alpha) if result.kind == "f" else (int(beta), int(alpha))


def _combine(input: Tensor, product: Tensor, beta: Any, alpha: Any, ignore_product: bool) -> Tensor:
    """Return beta * input + alpha * product (both may broadcast).

    beta = 0 ignores the input; alpha = 0 ignores the product when ``ignore_product``, else
    multiplies it by 0.
    """
    if alpha == 0 and ignore_product:
        scaled = where(False, product, 0)  # zeros of the product's shape, zero gradient
    else:
        scaled = product if alpha == 1 else mul(product, alpha)
    if beta == 0:
        return where(True, scaled, input)  # the input's shape broadcasts, its gradient is 0
    return add(scaled, input if beta == 1 else mul(input, beta))


def _three_dim(op: str, name: str, x: Tensor) -> None:
    if x.ndim != 3:
        raise OpError(f"{op}: {name} must be a 3-D tensor (batch, rows, cols), got shape "
                      f"{tuple(x.shape)}. Hint: x.unsqueeze(0) adds a batch dim")


def _batched(op: str, input: Tensor, batch1: Tensor, batch2: Tensor) -> None:
    _tensors(op, input=input, batch1=batch1, batch2=batch2)
    _three_dim(op, "batch1", batch1)
    _three_dim(op, "batch2", batch2)
    if batch1.shape[0] != batch2.shape[0]:
        raise OpError(f"{op}: batch1 and batch2 must have same number of batches, got "
                      f"{batch1.shape[0]} and {batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise OpError(f"{op}: batch1 {tuple(batch1.shape)} and batch2 {tuple(batch2.shape)} "
                      f"cannot be multiplied: ({batch1.shape[1]}x{batch1.shape[2]} and "
                      f"{batch2.shape[1]}x{batch2.shape[2]} matrices)")
    _one_dtype(op, input=input, batch1=batch1, batch2=batch2)
    _no_bool(op, input)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1,
            out: Tensor | None = None) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)``: (b, n, m) @ (b, m, p) -> (b, n, p).

    ``input`` broadcasts to (b, n, p); all three share one dtype (integers truncate beta and
    alpha). ``out=`` takes a tensor of that dtype.
    """
    _batched("baddbmm", input, batch1, batch2)
    shape = (batch1.shape[0], batch1.shape[1], batch2.shape[2])
    _check_input("baddbmm", input, shape, "input is (b, n, p), (n, p), (p,), a scalar, or has "
                 "size-1 dims")
    beta, alpha = _scalars("baddbmm", input._data.dtype, beta, alpha)
    result = _combine(input, MatMul.apply(batch1, batch2), beta, alpha, ignore_product=False)
    name_node(result, "BaddbmmBackward0")  # PyTorch's one node
    return write_out(result, out, "baddbmm", input, batch1, batch2, same_dtype=True)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1,
           out: Tensor | None = None) -> Tensor:
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``: (b, n, m), (b, m, p) -> (n, p).

    ``input`` broadcasts to (n, p); all three share one dtype (integers truncate beta and
    alpha). An empty batch sums to zeros.
    """
    _batched("addbmm", input, batch1, batch2)
    shape = (batch1.shape[1], batch2.shape[2])
    _check_input("addbmm", input, shape, "input is (n, p), (p,), (n, 1) or a scalar")
    beta, alpha = _scalars("addbmm", input._data.dtype, beta, alpha)
    product = Einsum.apply(batch1, batch2, equation="abc,acd->bd")
    result = _combine(input, product, beta, alpha, ignore_product=True)
    name_node(result, "AddbmmBackward0")
    return write_out(result, out, "addbmm", input, batch1, batch2, same_dtype=True)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: float = 1, alpha: float = 1,
          out: Tensor | None = None) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``: (n, m) @ (m,) -> (n,).

    ``input`` is (n,), (1,) or 0-d; all three share one dtype (integers truncate beta and alpha).
    """
    op = "addmv"
    _tensors(op, input=input, mat=mat, vec=vec)
    if input.ndim > 1 or mat.ndim != 2 or vec.ndim != 1:
        raise OpError(f"{op}: vector + matrix @ vector expected, got {input.ndim}-D, {mat.ndim}-D "
                      f"and {vec.ndim}-D (shapes {tuple(input.shape)}, {tuple(mat.shape)}, "
                      f"{tuple(vec.shape)})")
    if mat.shape[1] != vec.shape[0] or input.ndim and input.shape[0] not in (1, mat.shape[0]):
        raise OpError(f"{op}: size mismatch, got input {tuple(input.shape)}, mat "
                      f"({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]}). Hint: mat is (n, m), "
                      "vec (m,) and input (n,)")
    _one_dtype(op, input=input, mat=mat, vec=vec)
    _no_bool(op, input)
    beta, alpha = _scalars(op, input._data.dtype, beta, alpha)
    result = _combine(input, MatMul.apply(mat, vec), beta, alpha, ignore_product=True)
    name_node(result, "AddmvBackward0")
    return write_out(result, out, op, input, mat, vec, same_dtype=True)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: float = 1, alpha: float = 1,
         out: Tensor | None = None) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``: (n,), (m,) -> (n, m).

    Operands promote (``addr(float64, float32, float32)`` is float64). For integer results
    beta and alpha must be ints; for bool results they are truthiness, and the sum and products
    are logical or/and, as in PyTorch.
    """
    op = "addr"
    _tensors(op, input=input, vec1=vec1, vec2=vec2)
    for label, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise OpError(f"{op}: Expected 1-D argument {label}, but got {v.ndim}-D (shape "
                          f"{tuple(v.shape)})")
    _check_input(op, input, (vec1.shape[0], vec2.shape[0]), "input is (n, m), (m,), (n, 1) or a "
                 "scalar")
    result = dtypes.result_type(input._data, vec1._data, vec2._data)
    for label, value in (("beta", beta), ("alpha", alpha)):
        if result.kind != "b" and isinstance(value, bool):
            raise OpError(f"{op}: Boolean {label} only supported for Boolean results, the result "
                          f"is {dtypes.name(result)}")
        if result.kind in "biu" and isinstance(value, float):
            raise OpError(f"{op}: For integral input tensors, argument {label} must not be a "
                          f"floating point number (got {label}={value}). Hint: pass an int")
    beta, alpha = _scalars(op, result, beta, alpha)
    if result.kind == "b":
        product = logical_and(logical_and(vec1.unsqueeze(1), vec2), bool(alpha))
        out_of_place = logical_or(product, logical_and(input, bool(beta)))
    else:
        product = mul(vec1.unsqueeze(1), vec2)
        out_of_place = _combine(input, product, beta, alpha, ignore_product=False)
        if out_of_place._data.dtype != result:
            out_of_place = out_of_place.to(result)
        name_node(out_of_place, "AddrBackward0")
    return write_out(out_of_place, out, op, input, vec1, vec2)


def baddbmm_(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1,
             alpha: float = 1) -> Tensor:
    """In place: ``self = beta * self + alpha * (batch1 @ batch2)``."""
    return apply_inplace(self, "baddbmm_", partial(baddbmm, beta=beta, alpha=alpha), batch1, batch2)


def addbmm_(self: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1,
            alpha: float = 1) -> Tensor:
    """In place: ``self = beta * self + alpha * sum_b batch1[b] @ batch2[b]``."""
    return apply_inplace(self, "addbmm_", partial(addbmm, beta=beta, alpha=alpha), batch1, batch2)


def addmv_(self: Tensor, mat: Tensor, vec: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In place: ``self = beta * self + alpha * (mat @ vec)``."""
    return apply_inplace(self, "addmv_", partial(addmv, beta=beta, alpha=alpha), mat, vec)


def addr_(self: Tensor, vec1: Tensor, vec2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In place: ``self = beta * self + alpha * outer(vec1, vec2)``."""
    return apply_inplace(self, "addr_", partial(addr, beta=beta, alpha=alpha), vec1, vec2)

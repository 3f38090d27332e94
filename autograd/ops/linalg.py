"""Products: ``einsum`` (a primitive) and dot mv bmm addmm outer/ger (compositions of ``matmul``).

``einsum`` accepts what PyTorch accepts: explicit (``"ij,jk->ik"``) and implicit (``"ij,jk"``)
output, repeated subscripts (diagonals, ``"ii->i"``), ``...`` with broadcasting, size-1 dims
broadcasting against a subscript's size, spaces, operands as a list, and the sublist form
``einsum(a, [0, 1], b, [1, 2], [0, 2])``. The public function rewrites the equation into a
canonical one (every subscript a letter, no ellipsis, no size-1 broadcasting) and the
primitive runs ``np.einsum`` on it. Its backward for operand i is again an einsum::

    dL/dX_i = einsum(out, S_j (j != i), deltas, ones -> S_i)

where a subscript repeated in S_i is renamed and tied to its first occurrence by an identity
(``eye``) operand, and a subscript summed only in X_i gets a ``ones`` operand (broadcast).
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import dtypes
from .._tensor import Tensor
from ..blas import fit_threads
from ..inplace import apply_inplace
from ..primitive import OpError, Primitive, name_node
from .arithmetic import add, mul
from .matmul import BMM, MatMul
from .movement import reshape
from .select import where

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..types import Array, Value

LETTERS = string.ascii_uppercase + string.ascii_lowercase  # PyTorch's sublist order: 0 -> "A"


class Einsum(Primitive):
    """np.einsum on a canonical equation;  dL/dX_i = einsum of g and the other operands -> S_i.

    See the module docstring for how repeated subscripts and subscripts summed only in X_i are
    handled. Every operand is saved; the backward is an Einsum itself, so it is differentiable
    to any order. Named as PyTorch's outermost node for the equation (``_EINSUM``).
    """

    node_name = "ViewBackward0"

    def forward(self, *operands: Array, equation: str) -> Array:
        self.equation = equation
        if type(self) is _BY_EQUATION:
            inputs, out = equation.split("->")
            self.__class__ = _EINSUM[len(operands) > 1, bool(set(inputs) - set(out) - {","})]
        self.saved_inputs = tuple(range(len(operands)))
        if len(operands) > 1:  # the loop space bounds the multiply-adds
            sizes = dict(zip("".join(equation.split("->")[0].split(",")),
                             (n for a in operands for n in a.shape)))
            fit_threads(int(np.prod(list(sizes.values()), dtype=np.float64)))
        return np.asarray(np.einsum(equation, *operands, optimize=len(operands) > 1))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        inputs, out = self.equation.split("->")
        terms = inputs.split(",")
        operands = [self.input(j) for j in range(len(terms))]
        grads: list[Value | None] = []
        for i, target in enumerate(terms):
            if not self.needs_input_grad[i]:
                grads.append(None)
                continue
            subs = [out] + [t for j, t in enumerate(terms) if j != i]
            args: list[Any] = [g] + [x for j, x in enumerate(operands) if j != i]
            shape = operands[i].shape
            free = [c for c in LETTERS if c not in self.equation]
            renamed = ""
            for c, n in zip(target, shape):
                if c in renamed:  # a diagonal: a fresh subscript tied to c by the identity
                    fresh = free.pop()
                    subs.append(c + fresh)
                    args.append(np.eye(n, dtype=g.dtype))
                    c = fresh
                renamed += c
            present = set("".join(subs))
            for c, n in zip(renamed, shape):
                if c not in present:  # summed in X_i alone: its gradient broadcasts
                    subs.append(c)
                    args.append(np.ones(n, dtype=g.dtype))
                    present.add(c)
            grads.append(self.call(Einsum, *args, equation=",".join(subs) + "->" + renamed))
        return tuple(grads)


# PyTorch's outermost node of einsum, by (several operands, a subscript summed): of one
# operand, a sum over the summed subscripts or a permute (a diagonal too is permuted to the
# output's order); of several, the view of the last bmm when a subscript is summed, else the
# elementwise product.
_BY_EQUATION = Einsum._node_type
_EINSUM = {(False, True): Einsum.named("SumBackward1"), (False, False): Einsum.named("PermuteBackward0"),
           (True, True): Einsum.named("ViewBackward0"), (True, False): Einsum.named("MulBackward0")}


def _parse_term(term: str, where: str, equation: str) -> tuple[str, bool]:
    """Letters of one term and whether it has an ellipsis (kept as ``.``)."""
    if term.count("...") > 1 or term.replace("...", "").count("."):
        raise OpError(f"einsum: the subscripts {term!r} of {where} in {equation!r} have a '.' "
                      "that is not part of one ellipsis '...'. Hint: use at most one '...' per term")
    bad = [c for c in term.replace("...", "") if c not in LETTERS]
    if bad:
        raise OpError(f"einsum: invalid subscript {bad[0]!r} in {where} of {equation!r}: "
                      "subscripts must be letters in [a-zA-Z]")
    return term.replace("...", "."), "..." in term


def _from_sublists(args: tuple[Any, ...]) -> tuple[str, list[Any]]:
    """``einsum(a, [0, 1], b, [1, 2], [0, 2])`` as an equation and its operands."""
    def term(sublist: Any) -> str:
        if not isinstance(sublist, (list, tuple)):
            raise TypeError(f"einsum: the sublist form takes operands each followed by a list of "
                            f"subscripts, got {type(sublist).__name__} ({sublist!r}). Hint: "
                            "einsum(a, [0, 1], b, [1, 2], [0, 2])")
        out = ""
        for s in sublist:
            if s is Ellipsis:
                out += "..."
            elif isinstance(s, int) and 0 <= s < len(LETTERS):
                out += LETTERS[s]
            else:
                raise ValueError(f"einsum: subscript {s!r} in a sublist is not an int in [0, 52) "
                                 "or Ellipsis")
        return out

    operands, terms = list(args[0::2]), [term(s) for s in args[1::2]]
    if len(args) % 2:  # an odd count: the last one is the output's sublist
        out = term(args[-1])
        return ",".join(terms) + "->" + out, operands[:-1]
    return ",".join(terms), operands


def _canonical(equation: str, operands: Sequence[Tensor]) -> tuple[str, list[Tensor]]:
    """An equation with letters only (ellipses and size-1 broadcast dims made explicit)."""
    eq = equation.replace(" ", "")
    if eq.count("->") > 1:
        raise OpError(f"einsum: {equation!r} has more than one '->'")
    lhs, arrow, rhs = eq.partition("->")
    raw = lhs.split(",")
    if len(raw) != len(operands):
        raise OpError(f"einsum: the equation {equation!r} has {len(raw)} operand term(s) but "
                      f"{len(operands)} operand(s) were given. Hint: one comma-separated term "
                      "per operand")
    terms = [_parse_term(t, f"operand {k}", equation) for k, t in enumerate(raw)]
    free = [c for c in LETTERS if c not in eq]
    ell_dims = 0
    for k, ((t, has_ell), x) in enumerate(zip(terms, operands)):
        named = len(t) - has_ell
        if x.ndim < named or (not has_ell and x.ndim != named):
            raise OpError(f"einsum: operand {k} has shape {tuple(x.shape)} ({x.ndim} dims) but its "
                          f"subscripts {raw[k]!r} name {named} dims"
                          + ("" if has_ell else " and there is no ellipsis '...'"))
        ell_dims = max(ell_dims, x.ndim - named if has_ell else 0)
    if len(free) < ell_dims:
        raise OpError(f"einsum: {equation!r} uses too many subscripts (at most 52)")
    ell = "".join(free[:ell_dims])
    expanded = []
    for (t, has_ell), x in zip(terms, operands):
        n = x.ndim - (len(t) - has_ell)
        expanded.append(t.replace(".", ell[ell_dims - n:]) if has_ell else t)
    letters = "".join(expanded)
    if arrow:
        out, out_ell = _parse_term(rhs, "the output", equation)
        out = out.replace(".", ell)
        for c in out:
            if out.count(c) > 1:
                raise OpError(f"einsum: output subscript {c!r} appears more than once in {equation!r}")
            if c not in letters:
                raise OpError(f"einsum: output subscript {c!r} of {equation!r} does not appear in "
                              "any operand's subscripts")
    else:
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    return _broadcast(equation, expanded, out, operands)


def _broadcast(equation: str, terms: list[str], out: str,
               operands: Sequence[Tensor]) -> tuple[str, list[Tensor]]:
    """Check the sizes of each subscript; drop size-1 dims that broadcast against a larger size."""
    size: dict[str, int] = {}
    for k, (t, x) in enumerate(zip(terms, operands)):
        seen: dict[str, int] = {}
        for c, n in zip(t, x.shape):
            if c in seen and seen[c] != n:
                raise OpError(f"einsum: subscript {c!r} is repeated in operand {k} (shape "
                              f"{tuple(x.shape)}) of {equation!r} with different sizes {seen[c]} "
                              f"and {n}. Hint: a repeated subscript takes a diagonal of equal dims")
            seen[c] = n
            if size.get(c, 1) != 1 and n not in (1, size[c]):
                raise OpError(f"einsum: subscript {c!r} has size {n} in operand {k} (shape "
                              f"{tuple(x.shape)}) but size {size[c]} in an earlier operand of "
                              f"{equation!r}; sizes must be equal or 1 (broadcasting)")
            size[c] = max(size.get(c, 1), n)
    new_terms, new_operands = [], []
    for t, x in zip(terms, operands):
        keep = [d for d, c in enumerate(t) if not (x.shape[d] == 1 and size[c] != 1)]
        if len(keep) != len(t):
            x = reshape(x, tuple(x.shape[d] for d in keep))
            t = "".join(t[d] for d in keep)
        new_terms.append(t)
        new_operands.append(x)
    return ",".join(new_terms) + "->" + out, new_operands


def einsum(*args: Any) -> Tensor:
    """Einstein summation, as ``torch.einsum``: ``einsum("bij,bjk->bik", a, b)``.

    Args:
        *args: the equation string and the operands (or one list of them), or the sublist
            form ``a, [0, 1], b, [1, 2], [0, 2]`` (ints 0-51 stand for A-Z then a-z).

    Returns:
        The summed product; differentiable (to any order) in every floating operand.

    Example:
        >>> a = ag.ones(2, 3); b = ag.ones(3, 4)
        >>> ag.einsum("ij,jk->ik", a, b).shape
        torch.Size([2, 4])
    """
    if not args:
        raise TypeError("einsum: pass an equation and at least one operand, e.g. "
                        "einsum('ij,jk->ik', a, b)")
    if not isinstance(args[0], (str, Tensor)):
        raise TypeError(f"einsum(): the first argument must be the equation string (or an operand of "
                        f"the sublist form), not {type(args[0]).__name__}. Hint: "
                        "einsum('ij,jk->ik', a, b)")
    if isinstance(args[0], str):
        equation = args[0]
        operands = list(args[1]) if len(args) == 2 and isinstance(args[1], (list, tuple)) else list(args[1:])
    else:
        equation, operands = _from_sublists(args)
    if not operands:
        raise TypeError(f"einsum: {equation!r} needs at least one operand")
    for k, x in enumerate(operands):
        if not isinstance(x, Tensor):
            raise TypeError(f"einsum: operand {k} must be a Tensor, got {type(x).__name__}")
    kinds = {x.dtype for x in operands}
    if len(kinds) > 1:
        raise OpError(f"einsum: operands have different dtypes "
                      f"{', '.join(dtypes.name(x.dtype) for x in operands)}. Hint: convert them "
                      "to one dtype, e.g. x.double()")
    if operands[0].dtype.kind == "b":
        raise OpError("einsum: bool operands are not supported. Hint: convert with .long() or .float()")
    canonical, operands = _canonical(equation, operands)
    return Einsum.apply(*operands, equation=canonical)


# ---- products of vectors and matrices ------------------------------------------------------
def _same_dtype(op: str, a: Tensor, b: Tensor) -> None:
    if a.dtype != b.dtype:
        raise OpError(f"{op}: operands have different dtypes {dtypes.name(a.dtype)} and "
                      f"{dtypes.name(b.dtype)}. Hint: convert one, e.g. x.double()")


def dot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product of two 1-D tensors of the same size: sum(input * other), 0-d."""
    if input.ndim != 1 or other.ndim != 1:
        raise OpError(f"dot: 1-D tensors expected, got {input.ndim}-D and {other.ndim}-D "
                      f"(shapes {tuple(input.shape)} and {tuple(other.shape)}). Hint: use "
                      "matmul or (a * b).sum() for other shapes")
    if input.shape[0] != other.shape[0]:
        raise OpError(f"dot: sizes differ, {input.shape[0]} and {other.shape[0]}")
    _same_dtype("dot", input, other)
    return MatMul.apply(input, other)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product: (n, m) @ (m,) -> (n,)."""
    if input.ndim != 2 or vec.ndim != 1:
        raise OpError(f"mv: expected a 2-D matrix and a 1-D vector, got shapes {tuple(input.shape)} "
                      f"and {tuple(vec.shape)}")
    if input.shape[1] != vec.shape[0]:
        raise OpError(f"mv: size mismatch, matrix {tuple(input.shape)} and vector {tuple(vec.shape)} "
                      f"({input.shape[1]} != {vec.shape[0]})")
    _same_dtype("mv", input, vec)
    return MatMul.apply(input, vec)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product: (b, n, m) @ (b, m, p) -> (b, n, p), without broadcasting."""
    if input.ndim != 3 or mat2.ndim != 3:
        raise OpError(f"bmm: both operands must be 3-D (batch, rows, cols), got shapes "
                      f"{tuple(input.shape)} and {tuple(mat2.shape)}. Hint: matmul broadcasts")
    if mat2.shape[:2] != (input.shape[0], input.shape[2]):
        raise OpError(f"bmm: shapes {tuple(input.shape)} and {tuple(mat2.shape)} don't fit: mat2 "
                      f"must start with (batch, cols) = {(input.shape[0], input.shape[2])}")
    _same_dtype("bmm", input, mat2)
    return BMM.apply(input, mat2)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """Return beta * input + alpha * (mat1 @ mat2); input broadcasts to the product's shape.

    With ``beta=0`` the input is ignored (its nan and inf do not propagate), as is the product
    with ``alpha=0``; integer tensors truncate ``beta`` and ``alpha`` to ints, as in PyTorch.
    """
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        if m.ndim != 2:
            raise OpError(f"addmm: {name} must be a matrix, got shape {tuple(m.shape)}")
    if mat1.shape[1] != mat2.shape[0]:
        raise OpError(f"addmm: mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x"
                      f"{mat1.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})")
    _same_dtype("addmm", mat1, mat2)
    _same_dtype("addmm", input, mat1)
    shape = (mat1.shape[0], mat2.shape[1])
    try:
        fits = np.broadcast_shapes(tuple(input.shape), shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise OpError(f"addmm: input of shape {tuple(input.shape)} does not broadcast to the "
                      f"product's shape {shape}. Hint: input is (n, p), (p,), (1, p) or a scalar")
    if not dtypes.is_floating(input.dtype):  # PyTorch casts the scalars to the integer type
        beta, alpha = int(beta), int(alpha)
    product = MatMul.apply(mat1, mat2)
    scaled = where(False, product, 0) if alpha == 0 else (product if alpha == 1 else mul(product, alpha))
    # beta = 0: the input is ignored (where gives it a zero gradient)
    out = where(True, scaled, input) if beta == 0 else add(scaled, input if beta == 1 else mul(input, beta))
    return name_node(out.to(input.dtype) if out.dtype != input.dtype else out, "AddmmBackward0")


def addmm_(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """In place: ``input = beta * input + alpha * (mat1 @ mat2)``."""
    def out_of_place(x: Tensor, m1: Tensor, m2: Tensor) -> Tensor:
        return addmm(x, m1, m2, beta=beta, alpha=alpha)

    return apply_inplace(input, "addmm_", out_of_place, mat1, mat2)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two 1-D tensors: (n,) x (m,) -> (n, m). Alias: ``ger``."""
    for name, v in (("input", input), ("vec2", vec2)):
        if v.ndim != 1:
            raise OpError(f"outer: expected 1-D argument {name}, got shape {tuple(v.shape)}")
    return mul(reshape(input, (-1, 1)), vec2)


ger: Callable[[Tensor, Tensor], Tensor] = outer  # PyTorch's alias


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """Dot products along ``dim`` of ``x`` and ``y`` broadcast together, as ``torch.linalg.vecdot``."""
    for name, v in (("x", x), ("y", y)):
        if not isinstance(v, Tensor):
            raise TypeError(f"linalg.vecdot: {name} must be a Tensor, got {type(v).__name__}")
        if not dtypes.is_floating(v.dtype):
            raise OpError(f"linalg.vecdot: expected floating point tensors, {name} is "
                          f"{dtypes.name(v.dtype)}. Hint: call .float() first")
    _same_dtype("linalg.vecdot", x, y)
    result = mul(x, y).sum(dim)
    return name_node(result, "VdotBackward0") if x.ndim == y.ndim == 1 else result

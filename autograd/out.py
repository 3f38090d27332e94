"""``out=``: write an op's result into a given tensor, with PyTorch's rules.

The result is computed as usual, then copied into ``out`` (same memory, version counter bumped)
and ``out`` is returned. As in PyTorch, ``out=`` does not take part in autograd: it is refused
while grad mode is on and an input or ``out`` requires grad. The result's dtype must cast to
``out``'s within its kind (float into float, int into float, not float into int); an ``out`` of
another shape is resized, with a warning when it held elements.
"""

from __future__ import annotations

import numpy as np

from . import dtypes, grad_mode
from ._tensor import Tensor
from .checks import warn

__all__ = ["write_out", "write_outs"]


def write_out(result: Tensor, out: Tensor | None, where: str, *inputs: object,
              same_dtype: bool = False) -> Tensor:
    """``result`` itself without ``out``; otherwise ``out`` holding ``result``'s values.

    Args:
        result: the op's result.
        out: the tensor to write into, or None.
        where: the op's name, for messages.
        *inputs: the op's inputs (none of them may require grad while grad mode is on).
        same_dtype: ``out`` must have the result's dtype exactly (PyTorch's rule for abs, neg,
            floor, clamp, where, gather, index_select...), not just one it casts to.

    Raises:
        TypeError: ``out`` is not a Tensor.
        RuntimeError: autograd is involved, or the dtypes do not cast.
    """
    if out is None:
        return result
    _check(result, out, where, inputs, same_dtype)
    return _copy(result, out, where)


def write_outs(results: tuple[Tensor, ...], out: object, where: str, *inputs: object,
               names: tuple[str, ...] = ("values", "indices")) -> tuple[Tensor, ...]:
    """``out=(values, indices)`` of sort/topk: each result written into its out tensor.

    Every check runs before anything is written; the dtypes must match exactly, as in PyTorch.
    """
    if not isinstance(out, (tuple, list)) or len(out) != len(results):
        raise TypeError(f"{where}(): argument 'out' must be a tuple of {len(results)} Tensors "
                        f"({', '.join(names)}), got {type(out).__name__}"
                        + (f" of {len(out)} elements" if isinstance(out, (tuple, list)) else ""))
    for result, target in zip(results, out):
        _check(result, target, where, (*inputs, *out), True)
    return tuple(_copy(result, target, where) for result, target in zip(results, out))


def _check(result: Tensor, out: object, where: str, inputs: tuple[object, ...],
           same_dtype: bool) -> None:
    if not isinstance(out, Tensor):
        raise TypeError(f"{where}(): argument 'out' must be a Tensor, not {type(out).__name__}")
    if grad_mode.is_grad_enabled() and (
            out.requires_grad or result.requires_grad
            or any(isinstance(x, Tensor) and x.requires_grad for x in inputs)):
        raise RuntimeError(f"{where}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad. Hint: run "
                           "it under torch.no_grad(), or drop out= and assign the result")
    source, target = result._data.dtype, out._data.dtype
    if same_dtype and source != target:
        raise RuntimeError(f"{where}(): expected out to have dtype {dtypes.name(source)} (the "
                           f"result's), but got {dtypes.name(target)}. Hint: this op writes only "
                           f"into an out= of its result's dtype, e.g. ag.empty(0, "
                           f"dtype=ag.{dtypes.name(source)})")
    if not np.can_cast(source, target, "same_kind"):
        raise RuntimeError(f"{where}(): result type {dtypes.name(source)} can't be cast to "
                           f"the desired output type {dtypes.name(target)}")


def _copy(result: Tensor, out: Tensor, where: str) -> Tensor:
    source = result._data
    if out._data.shape != source.shape:
        if out._data.size:
            warn(f"{where}(): an output with one or more elements was resized since it had shape "
                 f"{list(out._data.shape)}, which does not match the required output shape "
                 f"{list(source.shape)}")
        out._data = np.empty(source.shape, out._data.dtype)
    np.copyto(out._data, source, casting="same_kind")
    out._version_counter[0] += 1  # an in-place change (inplace.increment_version)
    return out

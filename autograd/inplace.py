"""In-place ops on Tensors: ``+= -= *= /=``, ``add_``..., ``copy_ fill_ zero_``, ``t[i] = v``.

Each one computes the out-of-place result, records it in the graph when it must (the tensor
then points at the new node), copies it into the tensor's memory and bumps the version
counter that views share, so backward can detect saved values that were overwritten.
"""

from __future__ import annotations

import numpy as np

from . import dtypes, grad_mode
from ._tensor import Tensor
from .ops import arithmetic, indexing, select, unary


def apply_inplace(self, op_name: str, out_of_place, *args):
    """Run an in-place op: with autograd when it must record, else straight on the data."""
    if not self._data.flags.writeable:
        raise RuntimeError(f"{op_name}: this tensor's memory is read-only or shared by "
                           "several elements (an expand/broadcast view). Hint: .clone() it first")
    others_need_grad = any(isinstance(a, Tensor) and a._requires_grad for a in args)
    if grad_mode._state.enabled and (self._requires_grad or others_need_grad):
        if self.grad_fn is None and self._requires_grad:
            raise RuntimeError(
                f"{op_name}: a leaf Tensor that requires grad is being used in an in-place "
                "operation. Hint: wrap parameter updates in `with ag.no_grad():`")
        if self._view is not None:
            return _apply_through_base(self, op_name, out_of_place, *args)
        result = out_of_place(_snapshot(self), *args)
        self.grad_fn = result.grad_fn
        self._requires_grad = result._requires_grad
    else:
        with grad_mode.no_grad():
            result = out_of_place(self, *args)
    if not np.can_cast(result._data.dtype, self._data.dtype, "same_kind"):
        raise RuntimeError(f"{op_name}: result type {dtypes.name(result.dtype)} can't be cast "
                           f"to the tensor's dtype {dtypes.name(self.dtype)} in place")
    np.copyto(self._data, result._data, casting="same_kind")
    increment_version(self)
    return self


def increment_version(tensor) -> None:
    """Count an in-place change made to ``tensor``'s memory outside ndgrad's ops (an optimizer
    writing NumPy into ``param.data``), so a graph that saved the old values refuses to
    backward, as ``torch.autograd.graph.increment_version`` does."""
    tensor._version_counter[0] += 1


def _snapshot(t):
    """A copy of t's current value that stands for it in the graph (t is about to change)."""
    before = Tensor._wrap(t._data.copy(), t.grad_fn)
    before._requires_grad = t._requires_grad
    return before


def _apply_through_base(self, op_name: str, out_of_place, *args):
    """In-place op on a view ``v = base[index]`` of a graph tensor: ``base[index] = op(v)``
    records the write on the base, then v becomes ``base[index]`` of the new base
    (PyTorch's CopySlices). Only indexing views can be replayed this way."""
    base, index = self._view
    if index is None:
        raise RuntimeError(f"{op_name}: in-place ops on a reshaped, transposed or expanded "
                           "view of a tensor in the graph are not supported. Hint: use an "
                           "out-of-place op, or .clone() the view first")
    base[index] = out_of_place(_snapshot(self), *args)
    self.grad_fn = indexing.getitem(base, index).grad_fn
    self._requires_grad = base._requires_grad
    return self


def _copy_from(target, src):
    """Out-of-place counterpart of copy_/fill_: ``src`` broadcast to target's shape (the
    old values get a zero gradient)."""
    return select.where(True, src, target)


def _scaled(other, alpha):
    return other if alpha == 1 else other * alpha


def add_(self, other, alpha=1):
    return apply_inplace(self, "add_", arithmetic.add, _scaled(other, alpha))


def sub_(self, other, alpha=1):
    return apply_inplace(self, "sub_", arithmetic.sub, _scaled(other, alpha))


def mul_(self, other):
    return apply_inplace(self, "mul_", arithmetic.mul, other)


def div_(self, other):
    return apply_inplace(self, "div_", arithmetic.div, other)


def clamp_(self, min=None, max=None):  # noqa: A002 - PyTorch's names
    return apply_inplace(self, "clamp_", unary.clamp, min, max)


def copy_(self, src):
    """Copy ``src`` (broadcast to this shape) into this tensor."""
    return apply_inplace(self, "copy_", _copy_from, src)


def fill_(self, value):
    return apply_inplace(self, "fill_", _copy_from, value)


def zero_(self):
    return apply_inplace(self, "zero_", _copy_from, 0)


def setitem(self, index, value) -> None:
    apply_inplace(self, "__setitem__", indexing.index_put, index, value)

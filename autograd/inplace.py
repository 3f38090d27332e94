"""In-place ops on Tensors: ``+= -= *= /=``, ``add_``..., ``copy_ fill_ zero_``, ``t[i] = v``.

Each one computes the out-of-place result, records it in the graph when it must (the tensor
then points at the new node), copies it into the tensor's memory and bumps the version
counter that views share, so backward can detect saved values that were overwritten.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import dtypes, grad_mode
from ._tensor import Tensor
from .checks import OpError, broadcast_shape
from .conversion import scalar
from .ops import arithmetic, indexing, select, unary
from .primitive import name_node

if TYPE_CHECKING:
    from collections.abc import Callable

    from .types import ArrayLike


def apply_inplace(self: Tensor, op_name: str, out_of_place: Callable[..., Tensor], *args: Any,
                  casting: Literal["same_kind", "unsafe"] = "same_kind") -> Tensor:
    """Run an in-place op: with autograd when it must record, else straight on the data.

    Arithmetic keeps the dtype's kind (float into an int tensor is refused, as in PyTorch);
    ``copy_``, ``fill_`` and ``x[i] = v`` convert any value (``casting="unsafe"``: 2.7 -> 2).
    """
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
        result = _same_shape(op_name, self, out_of_place(_snapshot(self), *args))
        self.grad_fn = result.grad_fn
        self._requires_grad = result._requires_grad
    else:
        with grad_mode.no_grad():
            result = _same_shape(op_name, self, out_of_place(self, *args))
    if not np.can_cast(result._data.dtype, self._data.dtype, casting):
        raise RuntimeError(f"{op_name}: result type {dtypes.name(result.dtype)} can't be cast "
                           f"to the tensor's dtype {dtypes.name(self.dtype)} in place")
    np.copyto(self._data, result._data, casting=casting)
    increment_version(self)
    return self


def _same_shape(op_name: str, self: Tensor, result: Tensor) -> Tensor:
    """``result`` if it fits ``self``: an in-place op cannot grow a tensor (``x.add_(bigger)``)."""
    if result.shape != self.shape:
        raise OpError(f"{op_name}: output with shape {list(self.shape)} doesn't match the "
                      f"broadcast shape {list(result.shape)}. Hint: the other operand must "
                      "broadcast to this tensor's shape; use the out-of-place op for a new tensor")
    return result


def increment_version(tensor: Tensor) -> None:
    """Count an in-place change made to ``tensor``'s memory outside ndgrad's ops.

    For example an optimizer writing NumPy into ``param.detach().numpy()``: a graph that saved the old
    values then refuses to backward, as ``torch.autograd.graph.increment_version`` does.
    """
    tensor._version_counter[0] += 1


def _snapshot(t: Tensor) -> Tensor:
    """A copy of t's current value that stands for it in the graph (t is about to change)."""
    before = Tensor._wrap(t._data.copy(), t.grad_fn)
    before._requires_grad = t._requires_grad
    return before


def _apply_through_base(self: Tensor, op_name: str, out_of_place: Callable[..., Tensor],
                        *args: Any) -> Tensor:
    """In-place op on a view ``v = base[index]`` of a graph tensor.

    ``base[index] = op(v)`` records the write on the base, then v becomes ``base[index]`` of
    the new base (PyTorch's CopySlices). Only indexing views can be replayed this way.
    """
    base, index = self._view  # type: ignore[misc]  # the caller checked that it is a view
    if index is None:
        raise RuntimeError(f"{op_name}: in-place ops on a reshaped, transposed or expanded "
                           "view of a tensor in the graph are not supported. Hint: use an "
                           "out-of-place op, or .clone() the view first")
    base[index] = out_of_place(_snapshot(self), *args)
    self.grad_fn = name_node(indexing.getitem(base, index), "AsStridedBackward0").grad_fn  # as PyTorch
    self._requires_grad = base._requires_grad
    return self


def _copy_from(target: Tensor, src: Tensor | ArrayLike,
               node_name: str = "torch::autograd::CopyBackwards", op: str = "copy_") -> Tensor:
    """Out-of-place counterpart of copy_/fill_: ``src`` broadcast to target's shape (checked).

    The old values get a zero gradient. The node is named ``node_name`` (PyTorch's name for
    copy_, fill_ or zero_); its ``next_functions`` list the target's edge, then the source's
    if it is a tensor.
    """
    shown = (2, 1) if isinstance(src, Tensor) else (2,)
    broadcast_shape(op, tuple(target.shape), np.shape(src))
    return name_node(select.where(True, src, target), node_name, shown_inputs=shown)


def add_(self: Tensor, other: Tensor | ArrayLike, alpha: float = 1) -> Tensor:
    """In place: ``self += alpha * other``."""
    return apply_inplace(self, "add_", partial(arithmetic.add, alpha=alpha), other)


def sub_(self: Tensor, other: Tensor | ArrayLike, alpha: float = 1) -> Tensor:
    """In place: ``self -= alpha * other``."""
    return apply_inplace(self, "sub_", partial(arithmetic.sub, alpha=alpha), other)


def mul_(self: Tensor, other: Tensor | ArrayLike) -> Tensor:
    """In place: ``self *= other``."""
    return apply_inplace(self, "mul_", arithmetic.mul, other)


def div_(self: Tensor, other: Tensor | ArrayLike) -> Tensor:
    """In place: ``self /= other`` (true division)."""
    return apply_inplace(self, "div_", arithmetic.div, other)


def clamp_(self: Tensor, min: Tensor | float | None = None,  # noqa: A002 - PyTorch's names
           max: Tensor | float | None = None) -> Tensor:
    """In place: limit the values to [min, max] (either bound may be None)."""
    return apply_inplace(self, "clamp_", unary.clamp, min, max)


def copy_(self: Tensor, src: Tensor | ArrayLike) -> Tensor:
    """Copy ``src`` (broadcast to this shape) into this tensor."""
    if not isinstance(src, Tensor):
        dtypes.check_operand("copy_", src)
    return apply_inplace(self, "copy_", _copy_from, src, casting="unsafe")


def fill_(self: Tensor, value: Tensor | float) -> Tensor:
    """In place: set every element to ``value`` (a number that fits the dtype, or a 0-d tensor)."""
    if not isinstance(value, Tensor):
        dtypes.check_operand("fill_", value)
    elif value.ndim:
        raise OpError(f"fill_: fill_ only supports 0-dimension value tensor but got tensor with "
                      f"{value.ndim} dimensions. Hint: use copy_ to write a tensor of values")
    name = "FillBackward3" if isinstance(value, Tensor) else "FillBackward2"
    return apply_inplace(self, "fill_", partial(_copy_from, node_name=name, op="fill_"),
                         scalar(value, self._data.dtype, "fill_"), casting="unsafe")


def zero_(self: Tensor) -> Tensor:
    """In place: set every element to 0."""
    return apply_inplace(self, "zero_", partial(_copy_from, node_name="ZeroBackward0", op="zero_"), 0)


def setitem(self: Tensor, index: Any, value: Tensor | ArrayLike) -> None:
    """``self[index] = value``, in place (recorded in the graph when it must be).

    A number must fit the dtype (``int8_tensor[0] = 200`` is an error, as in PyTorch).
    """
    apply_inplace(self, "__setitem__", _index_put, index, scalar(value, self._data.dtype, "__setitem__"),
                  casting="unsafe")


def _index_put(input: Tensor, index: Any, value: Tensor | ArrayLike) -> Tensor:
    """``index_put``, named as PyTorch names ``x[index] = v``: CopySlices for a basic index."""
    result = indexing.index_put(input, index, value)
    if indexing._is_basic(indexing.normalize_index(index)):
        name_node(result, "torch::autograd::CopySlices")
    return result

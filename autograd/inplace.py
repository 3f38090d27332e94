"""In-place ops on Tensors: ``+= -= *= /=``, ``add_``..., ``copy_ fill_ zero_``, ``t[i] = v``.

Each one computes the out-of-place result, records it in the graph when it must (the tensor
then points at the new node; on a view, its base does: see ``autograd.views``), copies it
into the tensor's memory and bumps the version counter that views share, so backward can
detect saved values that were overwritten and views rebuild their nodes.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import dtypes, grad_mode, views
from ._tensor import Tensor
from .checks import OpError, broadcast_shape, type_name
from .conversion import scalar
from .ops import arithmetic, indexing, select, unary
from .primitive import name_node

if TYPE_CHECKING:
    from collections.abc import Callable

    from .types import ArrayLike


def apply_inplace(self: Tensor, op_name: str, out_of_place: Callable[..., Tensor], *args: Any,
                  casting: Literal["same_kind", "unsafe"] = "same_kind",
                  overlap_ok: bool = False) -> Tensor:
    """Run an in-place op: with autograd when it must record, else straight on the data.

    Arithmetic keeps the dtype's kind (float into an int tensor is refused, as in PyTorch);
    ``copy_``, ``fill_`` and ``x[i] = v`` convert any value (``casting="unsafe"``: 2.7 -> 2).
    On a view, a recorded op writes through to the base (``CopySlices``, see ``autograd.views``).
    Memory that several elements share (an expanded view) only takes a fill (``overlap_ok``).
    """
    recording = grad_mode._state.enabled and (
        views.needs_grad(self) or any(isinstance(a, Tensor) and a.requires_grad for a in args))
    if recording:
        views.check_inplace(self, op_name)
    _check_writable(self, op_name, overlap_ok)
    if recording:
        result = _same_shape(op_name, self, out_of_place(views.snapshot(self), *args))
    else:
        with grad_mode.no_grad():
            result = _same_shape(op_name, self, out_of_place(self, *args))
    if not np.can_cast(result._data.dtype, self._data.dtype, casting):
        raise RuntimeError(f"{op_name}: result type {dtypes.name(result.dtype)} can't be cast "
                           f"to the tensor's dtype {dtypes.name(self.dtype)} in place")
    if recording and self._view is not None:
        views.write_through_base(self, result)
    elif recording:
        self._grad_fn, self._requires_grad = result._grad_fn, result._requires_grad
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


def _check_writable(t: Tensor, op_name: str, overlap_ok: bool) -> None:
    """Refuse to write into an expanded view (as PyTorch, but for a fill) or read-only memory."""
    data = t._data
    if not overlap_ok and views.overlaps(data):
        raise RuntimeError(f"{op_name}: {views.OVERLAP_MESSAGE} (shape {tuple(data.shape)}, "
                           f"strides {tuple(s // data.itemsize for s in data.strides)})")
    if not data.flags.writeable:
        raise RuntimeError(f"{op_name}: this tensor's memory is read-only (shape "
                           f"{tuple(data.shape)}). Hint: .clone() it first")


def increment_version(tensor: Tensor) -> None:
    """Count an in-place change made to ``tensor``'s memory outside ndgrad's ops.

    For example an optimizer writing NumPy into ``param.detach().numpy()``: a graph that saved the old
    values then refuses to backward, as ``torch.autograd.graph.increment_version`` does. Views of
    the same memory rebuild their nodes on their next use (see ``autograd.views``).
    """
    tensor._version_counter[0] += 1


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
                         scalar(value, self._data.dtype, "fill_"), casting="unsafe", overlap_ok=True)


def zero_(self: Tensor) -> Tensor:
    """In place: set every element to 0."""
    return apply_inplace(self, "zero_", partial(_copy_from, node_name="ZeroBackward0", op="zero_"), 0,
                         overlap_ok=True)


def setitem(self: Tensor, index: Any, value: Tensor | ArrayLike) -> None:
    """``self[index] = value``, in place (recorded in the graph when it must be).

    A number must fit the dtype (``int8_tensor[0] = 200`` is an error, as in PyTorch). A basic
    index writes through the view ``self[index]``, as in PyTorch: on a leaf that requires grad,
    the error is the one for a view of a leaf.
    """
    if (grad_mode._state.enabled and self._requires_grad and self._grad_fn is None
            and indexing._is_basic(indexing.normalize_index(index))):
        views.check_inplace(indexing.getitem(self, index), "__setitem__")
    apply_inplace(self, "__setitem__", _index_put, index, scalar(value, self._data.dtype, "__setitem__"),
                  casting="unsafe")


def _index_put(input: Tensor, index: Any, value: Tensor | ArrayLike) -> Tensor:
    """``index_put``, named as PyTorch names ``x[index] = v``: CopySlices for a basic index."""
    result = indexing.index_put(input, index, value)
    if indexing._is_basic(indexing.normalize_index(index)):
        name_node(result, "torch::autograd::CopySlices")
    return result


def set_(self: Tensor, source: Tensor) -> Tensor:
    """Share ``source``'s memory and version counter from now on (as a view does).

    An in-place change of either is then seen by both; ``nn.Parameter(t)`` is built this way.
    """
    if not isinstance(source, Tensor):
        raise TypeError(f"set_(): expected a Tensor source, got {type_name(source)}. Hint: "
                        "wrap an array first, e.g. t.set_(ag.from_numpy(array))")
    self._data, self._version_counter = source._data, source._version_counter
    return self

def detach_(self: Tensor) -> Tensor:
    """Cut this tensor from the graph in place (it becomes a leaf that needs no grad).

    Raises:
        RuntimeError: on a view (PyTorch's rule: detach the base, or use ``detach()``).
    """
    if self._view is not None:
        raise RuntimeError("detach_(): Can't detach views in-place. Use detach() instead. "
                           f"(this tensor of shape {tuple(self.shape)} is a view of a tensor "
                           f"of shape {tuple(self._view.base.shape)})")
    self._grad_fn = None
    self._requires_grad = False
    return self

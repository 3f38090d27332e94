"""Views and in-place changes: how a view's graph follows its base, as in PyTorch.

A view (``b[0:2]``, ``b.T``, ``b.reshape(4)``, ``b.diagonal()``, ``b.expand(3, 4)``...) shares
its base's memory and version counter and remembers its *root* base (a view of a view has
the first non-view tensor as base) with the version at which its ``grad_fn`` was made.

* An in-place change of the base, of the view or of another view of the same base bumps the
  shared version. When the view's graph is next used (``v.grad_fn``, an op on ``v``, its
  ``requires_grad``) and the version moved, its node is rebuilt as ``AsStridedBackward0`` on
  the base's current graph: the view reads its elements out of the base as it is now.
* A recorded in-place op on a view writes through to the base: the base's node becomes
  ``CopySlices`` (the base with the view's elements replaced by the op's result), and the
  view, like every other view of that base, then reads its elements from there.
* Refused as PyTorch refuses, with its messages: in-place ops on a view of a leaf that
  requires grad, on views made in no-grad mode (or inference mode), on the outputs of ops that
  return several views (``unbind``, ``split``, ``chunk``) and of custom Functions, and, at
  use, such a view whose base changed. ``detach()`` and ``.data`` share memory but are not
  views for autograd: changes through them are not seen by the graph.

A tensor that is not a view pays one attribute read per use (``_view is None``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from . import grad_mode

if TYPE_CHECKING:
    from ._tensor import Tensor
    from .types import Array

# How a view was made (PyTorch's CreationMeta): only DEFAULT views can be replayed.
DEFAULT, NO_GRAD, INFERENCE, MULTI_OUTPUT, CUSTOM_FUNCTION = (
    "default", "no_grad", "inference", "multi_output", "custom_function")

OVERLAP_MESSAGE = ("unsupported operation: more than one element of the written-to tensor refers "
                   "to a single memory location. Please clone() the tensor before performing the "
                   "operation")

_WHY = {
    MULTI_OUTPUT: " This view is the output of a function that returns multiple views. Such "
                  "functions do not allow the output views to be modified inplace. You should "
                  "replace the inplace operation by an out-of-place one.",
    NO_GRAD: " Given that this use case is ambiguous and error-prone, it is forbidden. You can "
             "clarify your code by moving both the view and the inplace either both inside the "
             "no_grad block (if you don't want the inplace to be tracked) or both outside (if "
             "you want the inplace to be tracked).",
    INFERENCE: " Given that this use case is ambiguous and error-prone, it is forbidden. You "
               "can clarify your code by moving both the view and the inplace either both "
               "inside the inference_mode block (if you don't want the inplace to be tracked) "
               "or both outside (if you want the inplace to be tracked).",
    CUSTOM_FUNCTION: " This view was created inside a custom Function (or because an input was "
                     "returned as-is) and the autograd logic to handle view+inplace would "
                     "override the custom backward associated with the custom Function, leading "
                     "to incorrect gradients. This behavior is forbidden. You can fix this by "
                     "cloning the output of the custom Function.",
}


class ViewMeta:
    """What a view knows of its base (``Tensor._view``).

    Attributes:
        base: the root base, a tensor that is not a view.
        version: the shared version counter's value when ``grad_fn`` was last made.
        creation: how the view was made (``DEFAULT``, ``NO_GRAD``, ``MULTI_OUTPUT``...).
        output_nr: the view's position among its op's outputs (for messages).
    """

    __slots__ = ("base", "version", "creation", "output_nr")

    def __init__(self, base: Tensor, version: int, creation: str) -> None:
        self.base, self.version, self.creation, self.output_nr = base, version, creation, 0


def _mode_creation() -> str:
    if grad_mode._inference.enabled:
        return INFERENCE
    return DEFAULT if grad_mode._state.enabled else NO_GRAD


def _propagate(parent: str, new: str) -> str:
    """PyTorch's ``propagate_creation_meta``: a view of a special view stays special."""
    return parent if new == DEFAULT or parent == INFERENCE else new


def track(view: Tensor, source: Tensor) -> None:
    """Make ``view`` (sharing ``source``'s memory) a view of source's root base."""
    parent = source._view
    new = _mode_creation()
    counter = view._version_counter = source._version_counter
    if parent is None:
        view._view = ViewMeta(source, counter[0], new)
    else:
        view._view = ViewMeta(parent.base, counter[0], _propagate(parent.creation, new))


def mark_multi_output(pieces: tuple[Tensor, ...]) -> tuple[Tensor, ...]:
    """Mark the views that one op returned together (``unbind``, ``split``): not replayable."""
    if _mode_creation() == DEFAULT:  # otherwise a no-grad (or inference) view already
        for number, piece in enumerate(pieces):
            meta = piece._view
            if meta is not None:
                meta.creation, meta.output_nr = _propagate(meta.creation, MULTI_OUTPUT), number
    return pieces


def mark_custom_function_output(output: Tensor) -> None:
    """A custom Function's output that is a view (or an input returned as-is): not replayable."""
    if output._view is not None:
        output._view.creation = _propagate(output._view.creation, CUSTOM_FUNCTION)


def fresh_requires_grad(view: Tensor) -> bool:
    """Whether ops on ``view`` record, after rebuilding its node if its base changed in place.

    Raises:
        RuntimeError: for a view that cannot be replayed whose base changed (see ``refresh``).
    """
    refresh(view)
    return view._requires_grad


def requires_grad(view: Tensor) -> bool:
    """``view.requires_grad`` as PyTorch answers it: its own flag, or its base's.

    A view made in no-grad mode says False (PyTorch: its base's flag), as no gradient ever
    flows through it. Never rebuilds the node, so it never raises.
    """
    meta = view._view
    assert meta is not None, "requires_grad: not a view"
    return view._requires_grad or view._grad_fn is not None or (
        meta.creation not in (NO_GRAD, INFERENCE) and meta.base._requires_grad)


def refresh(view: Tensor) -> None:
    """Rebuild ``view``'s node as ``AsStridedBackward0`` of its base if the version moved.

    Raises:
        RuntimeError: for a view that PyTorch cannot replay (see the module docstring).
    """
    meta = view._view
    if meta is None or meta.version == view._version_counter[0]:
        return
    base = meta.base
    if view._grad_fn is None and not base._requires_grad:
        return
    refuse(view, None)
    if view._data.size and not np.may_share_memory(view._data, base._data):
        raise RuntimeError(f"a view of shape {tuple(view._data.shape)} whose base (shape "
                           f"{tuple(base._data.shape)}) changed in place no longer shares its "
                           "base's memory (`.data = ...` replaced one of them), so its graph "
                           "can't be rebuilt from the base. Hint: .clone() the view before "
                           "assigning .data, or make the view again")
    from .ops.strided import AsStrided

    with grad_mode.enable_grad():
        node = AsStrided.apply(base, positions=positions(view._data, base._data))._grad_fn
    view._grad_fn, view._requires_grad = node, node is not None
    meta.version = view._version_counter[0]


def needs_grad(t: Tensor) -> bool:
    """Whether an in-place op on ``t`` takes part in autograd: its flag, or its base's.

    As PyTorch decides it, also for a view made in no-grad mode (the op is then refused).
    """
    return t._requires_grad or t._view is not None and (
        t._grad_fn is not None or t._view.base._requires_grad)


def check_inplace(t: Tensor, op_name: str) -> None:
    """Refuse a recorded in-place op on ``t`` where PyTorch does, with its message.

    Raises:
        RuntimeError: on a leaf that requires grad, a view of one, or a view that cannot be
            replayed (made in no-grad mode, by unbind/split/chunk or in a custom Function).
    """
    meta = t._view
    if meta is not None:
        refuse(t, op_name)
        base = meta.base
        if base._grad_fn is None and base._requires_grad:
            raise RuntimeError(f"{op_name}: a view of a leaf Variable that requires grad is being "
                               "used in an in-place operation. Hint: wrap parameter updates in "
                               "`with ag.no_grad():`, or .clone() the leaf first")
    elif t._grad_fn is None and t._requires_grad:
        raise RuntimeError(f"{op_name}: a leaf Variable that requires grad is being used in an "
                           "in-place operation. Hint: wrap parameter updates in "
                           "`with ag.no_grad():`")


def refuse(view: Tensor, op_name: str | None) -> None:
    """Raise PyTorch's error for a view it cannot replay (``op_name``: None when indirect).

    Raises:
        RuntimeError: unless the view was made in grad mode by a single-view op.
    """
    meta = view._view
    if meta is None or meta.creation == DEFAULT:
        return
    node = view._grad_fn
    changed = ("is being" if op_name is not None
               else "its base or another view of its base has been")
    name = re.sub(r"Backward\d*$", "", node.name()) if node is not None else ""
    if meta.creation in (NO_GRAD, INFERENCE) or node is None:
        prefix = (f"Output {meta.output_nr} of {name} is a view of a view which was created in"
                  if node is not None else "A view was created in")
        mode = ("inference mode and {} modified inplace in normal mode." if meta.creation == INFERENCE
                else "no_grad mode and {} modified inplace with grad mode enabled.")
        message = f"{prefix} {mode.format(changed)}"
    else:
        message = f"Output {meta.output_nr} of {name} is a view and {changed} modified inplace."
    where = f"{op_name}: " if op_name is not None else ""
    shape = f" (the view has shape {tuple(view._data.shape)}, its base {tuple(meta.base._data.shape)})"
    raise RuntimeError(where + message + _WHY[meta.creation] + shape)


def write_through_base(view: Tensor, result: Tensor) -> None:
    """Record an in-place op on ``view`` (its new value ``result``) as ``CopySlices`` on its base.

    The base's node becomes CopySlices(old base, result); the view rebuilds its node from
    there on its next use, as does every other view of the base.
    """
    from .ops.strided import CopySlices

    meta = view._view
    assert meta is not None, "write_through_base: not a view"
    base = meta.base
    new_base = CopySlices.apply(snapshot(base), result, positions=positions(view._data, base._data),
                                overlapping=overlaps(view._data))
    base._grad_fn, base._requires_grad = new_base._grad_fn, new_base._requires_grad
    meta.version = -1  # rebuild the view's node from the base on its next use


def snapshot(t: Tensor) -> Tensor:
    """A copy of t's current value that stands for it in the graph (t is about to change)."""
    before = t._wrap(t._data.copy(), t.grad_fn)
    before._requires_grad = t._requires_grad
    return before


def positions(view: Array, base: Array) -> Array:
    """For each element of ``view`` (sharing ``base``'s memory), its row-major position in ``base``."""
    offsets = _byte_offsets(view) + (_address(view) - _address(base))
    if base.flags.c_contiguous:
        return offsets // base.itemsize
    base_offsets = _byte_offsets(base).reshape(-1)
    order = np.argsort(base_offsets)
    return order[np.searchsorted(base_offsets[order], offsets)]


def overlaps(a: Array) -> bool:
    """Whether several elements of ``a`` share one memory location (an expanded view)."""
    return a.size > 1 and any(s == 0 and n > 1 for n, s in zip(a.shape, a.strides))


def _address(a: Array) -> int:
    return int(a.__array_interface__["data"][0])


def _byte_offsets(a: Array) -> Array:
    """The byte offset of each element of ``a`` from its first one (its strides at work)."""
    offsets = np.zeros(a.shape, dtype=np.intp)
    for axis, (n, stride) in enumerate(zip(a.shape, a.strides)):
        steps = np.arange(n, dtype=np.intp) * stride
        offsets += steps.reshape((n,) + (1,) * (a.ndim - axis - 1))
    return offsets

"""Which Module call produced which op node, recorded as the model runs (for module clusters).

``nn.Module.__call__`` calls :func:`record_module_call` when its output is a Tensor with a
``grad_fn``. The record goes on that node (slot ``Primitive._module_calls``): a weak
reference to the module, weak references to the call's inputs that require grad (their
node, or the leaf itself) and a sequence number (calls finish inner before outer). Nothing
is recorded under ``no_grad`` or for outputs that are not Tensors, and no strong reference
is added, so graphs and modules die exactly as before. The ops of a call are found later,
when drawing: those reachable from its output node without crossing its inputs.
"""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..primitive import Primitive
    from ..types import ModuleLike as Module  # an nn.Module, as the drawing code sees it

    # (module, inputs that require grad: their node or the leaf itself, sequence number)
    ModuleCall = tuple["weakref.ref[Module]", tuple["weakref.ref[Primitive | Tensor]", ...], int]

_sequence = itertools.count()


def record_module_call(module: Module, args: tuple[Any, ...], kwargs: dict[str, Any],
                       output: Tensor) -> None:
    """Note on ``output.grad_fn`` that ``module`` produced it from ``args``/``kwargs``."""
    node: Any = output._grad_fn  # a Primitive (the caller checked); _module_calls is a spare slot
    inputs: list[weakref.ref[Primitive | Tensor]] = []
    for value in (*args, *kwargs.values()) if kwargs else args:
        if getattr(value, "_requires_grad", False):
            key = value._grad_fn if value._grad_fn is not None else value
            if key is node:  # the module returned its input (Identity, eval-mode Dropout)
                return
            inputs.append(weakref.ref(key))
    call = (weakref.ref(module), tuple(inputs), next(_sequence))
    node._module_calls = getattr(node, "_module_calls", ()) + (call,)  # () from _record


def calls_of(node: Primitive) -> tuple[ModuleCall, ...]:
    """The ``(module_ref, input_refs, sequence)`` records on ``node``, innermost first."""
    return getattr(node, "_module_calls", ())

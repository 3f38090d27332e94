"""``backward_steps``: backpropagation one node at a time, as dynamic programming.

Each step is a node the engine processed, in the engine's own order (its driver
``engine.accumulate`` runs the real backward, with the same accumulation and release): the
total gradient the node received from all its uses, and what its backward rule sends to
each input. Leaves come last, each with the total it receives into ``.grad``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import grad_mode
from .._tensor import Tensor
from ..engine import accumulate
from ..primitive import Primitive
from ..sliced_grad import SlicedGrad
from .dot import summarize

if TYPE_CHECKING:
    from ..engine import Step
    from ..types import Array, ArrayLike, Value


@dataclass(frozen=True)
class BackwardStep:
    """One step of backward.

    Attributes:
        index: 1, 2, ... in the order the engine ran.
        node: the op node (``Primitive``) or, for the final steps, the leaf Tensor.
        name: ``"MulBackward"`` (with the user's name of its output, ``"e: MulBackward"``)
            or the leaf's name.
        op: the user-level op (``"mul"``), or ``"leaf"``.
        grad: the total gradient of the node's output: dL/d(output), a copy.
        sends: ``(input label, gradient)`` pairs: what the rule passes to each input.
        targets: the input objects (node or leaf) in the same order as ``sends``.
    """

    index: int
    node: Primitive | Tensor
    name: str
    op: str
    grad: Array
    sends: tuple[tuple[str, Array], ...]
    targets: tuple[Primitive | Tensor, ...]

    def __str__(self) -> str:
        head = f"step {self.index}: {self.name} received {summarize(self.grad, 'grad')}"
        if self.op == "leaf":
            return head + " (added to .grad)"
        sent = "; ".join(f"{summarize(g, 'grad')} -> {label}" for label, g in self.sends)
        return f"{head}; sends {sent}" if sent else head


class _Labels:
    """Readable, unique labels: the user's name when known, else ``AddBackward#2``."""

    def __init__(self, names: Mapping[str, Any] | None) -> None:
        self.names: dict[int, str] = {}
        for name, obj in dict(names or {}).items():
            if isinstance(obj, Tensor) and isinstance(name, str) and not name.startswith("_"):
                self.names.setdefault(id(obj.grad_fn if obj.grad_fn is not None else obj), name)
        self.numbers: dict[int, int] = {}
        self.counts: dict[str, int] = {}

    def __call__(self, obj: Primitive | Tensor) -> str:
        user = self.names.get(id(obj))
        if isinstance(obj, Primitive):
            if id(obj) not in self.numbers:
                self.counts[obj.name()] = self.counts.get(obj.name(), 0) + 1
                self.numbers[id(obj)] = self.counts[obj.name()]
            node = f"{obj.name()}#{self.numbers[id(obj)]}"
            return f"{user}: {node}" if user else node
        if user:
            return user
        kind = "parameter" if obj.is_parameter else "leaf"
        return f"{kind} {tuple(obj.shape)}"


def _copy(grad: Value | SlicedGrad) -> Array:
    if isinstance(grad, SlicedGrad):
        return grad.dense()
    return np.array(grad._data if isinstance(grad, Tensor) else grad, copy=True)


def backward_steps(root: Tensor, gradient: Tensor | ArrayLike | None = None,
                   names: Mapping[str, Any] | None = None,
                   retain_graph: bool | None = None) -> Iterator[BackwardStep]:
    """Run ``root.backward(gradient)`` one node at a time, yielding a step per node.

    The picture it gives: each op node receives dL/d(its output), the sum over all its
    uses (the dynamic-programming table), and its rule turns it into dL/d(each input).
    Exhausting the iterator leaves every leaf's ``.grad`` as ``root.backward()`` would.

    Args:
        root: the output to differentiate (a scalar, or pass ``gradient``).
        gradient: dL/d(root) for a non-scalar root.
        names: ``{name: Tensor}`` such as ``locals()``, to label nodes and leaves.
        retain_graph: keep saved values for another backward (as in ``backward``).

    Example:
        >>> for step in ag.backward_steps(loss, names=locals()):
        ...     print(step)
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"backward_steps takes a Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise RuntimeError("backward_steps: the output does not require grad and has no "
                           "grad_fn. Hint: create the inputs with requires_grad=True")
    walk = accumulate([root], [gradient], retain_graph, False)
    return _steps(walk, _Labels(names), grad_mode.is_grad_enabled())


def _steps(walk: Iterable[Step],
           label: _Labels, caller_mode: bool) -> Iterator[BackwardStep]:
    """The engine's steps as BackwardSteps; the caller's grad mode is in force between them."""
    for index, (obj, grad, input_grads, _) in enumerate(walk, 1):
        if input_grads is None:
            step = BackwardStep(index, obj, label(obj), "leaf", _copy(grad), (), ())
        else:
            pairs = [(edge, g) for edge, g in zip(obj.next_edges, input_grads)
                     if edge is not None and g is not None]
            sends = tuple((label(edge), _copy(g)) for edge, g in pairs)
            step = BackwardStep(index, obj, label(obj), obj.op_name, _copy(grad), sends,
                                tuple(edge for edge, _ in pairs))
        with grad_mode.set_grad_enabled(caller_mode):
            yield step

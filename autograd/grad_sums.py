"""The engine's pending gradient sums: where each input's gradient waits until its node runs.

Backprop as dynamic programming: a node runs once every use of its output has sent it a
gradient, so the gradients sent to one node or leaf are summed here first. This module is the
accumulation policy: which sums may be made in place, how slices add into one buffer, and how
sums are recorded under ``create_graph``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .sliced_grad import SlicedGrad

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from ._tensor import Tensor
    from .primitive import Primitive
    from .types import Value


class GradientSums:
    """Gradients waiting for their node or leaf, keyed by identity: the accumulation policy.

    A gradient array that this backward alone holds (``owned``: a rule created it for one
    input) may be summed into in place. One that is shared (passed through unchanged, sent to
    two inputs, a view, or given by the user) is copied the first time another gradient is
    added to it, and a driver that keeps it copies it too. A slice's ``SlicedGrad`` is added
    into an owned array in place (zeros the first time), so a pending sum is always an array
    and T slices of one tensor cost O(its size), not O(T * its size). Under ``create_graph``
    every sum is a recorded Tensor op, so the gradient itself can be differentiated.
    """

    def __init__(self, create_graph: bool) -> None:
        self.create_graph = create_graph
        self.slots: dict[int, list[Any]] = {}  # id(target): [target, grad, owned]

    def add(self, target: Primitive | Tensor, grad: Value | SlicedGrad, owned: bool) -> None:
        """Add ``grad`` to ``target``'s pending sum (``owned``: the pass alone holds ``grad``)."""
        slot = self.slots.get(id(target))
        if isinstance(grad, SlicedGrad):
            if slot is None:
                slot = self.slots[id(target)] = [target, np.zeros(grad.shape, grad.dtype), True]
            elif not slot[2]:
                slot[1], slot[2] = np.array(slot[1]), True
            grad.add_into(slot[1])
        elif slot is None:
            self.slots[id(target)] = [target, grad, owned]
        elif self.create_graph:
            slot[1] = slot[1] + grad
        elif not slot[2]:
            slot[1] = np.asarray(slot[1] + grad)  # a fresh array (0-d sums come back as scalars)
            slot[2] = True
        else:
            slot[1] += grad

    def send(self, node: Primitive, sent: Sequence[Value | SlicedGrad | None], upstream: Value) -> None:
        """Hand what ``node``'s rule ``sent`` (given ``upstream``) on to each input's pending sum.

        A sent gradient is owned (may be summed into in place) when it is a fresh array: not
        ``upstream`` passed through, not a view, and not sent to two inputs. The first gradient
        to reach a target is stored as it is, with no call (the common case of a chain).
        """
        slots, add = self.slots, self.add
        shared = _repeated(sent)
        for edge, grad in zip(node.next_edges, sent):
            if edge is None or grad is None:
                continue
            owned = (type(grad) is np.ndarray and grad is not upstream and grad.base is None
                     and id(grad) not in shared)
            if id(edge) not in slots and type(grad) is not SlicedGrad:
                slots[id(edge)] = [edge, grad, owned]
            else:
                add(edge, grad, owned)

    def pop(self, target: Primitive | Tensor) -> tuple[Value | None, bool]:
        """``(grad, owned)`` for ``target``, or ``(None, False)`` if nothing reached it."""
        slot = self.slots.pop(id(target), None)
        return (None, False) if slot is None else (slot[1], slot[2])


def _repeated(sent: Sequence[Any]) -> Collection[int]:
    """The ids of the gradients in ``sent`` that go to several inputs.

    One pass over ``sent``, so that a node of 100,000 inputs (a cat) stays linear.
    """
    if len(sent) < 2:
        return ()
    if len(sent) == 2:  # the common binary op, without building sets
        first, second = sent
        return (id(first),) if first is second and first is not None else ()
    seen: set[int] = set()
    twice: set[int] = set()
    for grad in sent:
        if grad is not None:
            (twice if id(grad) in seen else seen).add(id(grad))
    return twice

"""The explorer's one JSON document, built from the same trace as ``to_dot``.

    {"scalar": bool, "nodes": [...], "edges": [...], "clusters": [...], "steps": [...],
     "training": {...} | null, "notes": [...]}

- **nodes**: a tensor node per traced value (``id`` "v<i>", ``kind`` leaf / param /
  intermediate / output, names, shape, dtype, ``data`` as
  :func:`~autograd.viz.tensor_views.tensor_view`, and ``grad``, the ``.grad`` it holds, when
  there are no steps to give the gradients) and an op node per op (``id`` "op<i>",
  ``kind`` "op", the op and PyTorch node names, the ``rule`` from the op's docstring, its
  ``inputs`` and ``output`` ids); ``cluster`` is the innermost Module call holding the node.
- **edges**: forward arrows ``from`` -> ``to`` (input tensor -> op -> output tensor). An input
  edge carries what the op's backward rule sent to that input (``grad``) and the ``step`` that
  sent it; ``unbroadcast`` (``"(32, 10) -> (10,)"``) when the engine summed the rule's gradient
over broadcast dims to fit the input (``Primitive.summed_grads``, recorded by ``grad_fit.fit``).
- **steps**: the engine's backward order: ``{"node": id, "grad": view}`` per op node (the
  complete dL/d(output), after hooks) and per leaf (the total added to ``.grad``). A tensor's
  gradient is complete at the step of its producer (or, for a leaf, its own): before that its
  running sum is the sum of the contributions on its outgoing edges sent so far (dynamic
  programming over the graph, in reverse topological order).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..primitive import Primitive
from .tensor_views import tensor_view

if TYPE_CHECKING:
    from .clusters import Cluster
    from .steps import BackwardStep
    from .trace import Trace, Value

KINDS = {"leaf": "leaf", "param": "param", "value": "intermediate", "root": "output"}


def rule_of(op: Primitive) -> str:
    """The op's math, the first paragraph of its docstring (``a * b;  d/da = b, d/db = a.``)."""
    doc = type(op).__doc__ or ""
    return " ".join(doc.strip().split("\n\n", 1)[0].split()).replace("``", "")


def _tensor_node(value: Value, cluster: str | None, with_grad: bool) -> dict[str, Any]:
    return {"id": f"v{value.index}", "kind": KINDS[value.kind], "names": list(value.names),
            "label": ", ".join(value.names[:2]), "cluster": cluster,
            "shape": None if value.shape is None else [int(n) for n in value.shape],
            "dtype": None if value.dtype is None else np.dtype(value.dtype).name,
            "data": None if value.data is None else tensor_view(value.data),
            "grad": None if value.grad is None or not with_grad else tensor_view(value.grad),
            "producer": None if value.producer is None else f"op{value.index}"}


def _op_node(op: Primitive, index: int, inputs: list[str], cluster: str | None) -> dict[str, Any]:
    return {"id": f"op{index}", "kind": "op", "label": op.op_name, "op": op.op_name,
            "node": op.name(), "rule": rule_of(op), "inputs": inputs, "output": f"v{index}",
            "cluster": cluster}


def _sent_by(steps: Sequence[BackwardStep]) -> dict[int, tuple[int, list[tuple[int, Any]]]]:
    """id(op) -> (step number, [(id(input), gradient sent), ...] in the rule's order)."""
    sent = {}
    for number, step in enumerate(steps, 1):
        if isinstance(step.node, Primitive):
            sent[id(step.node)] = (number, [(id(t), g) for t, (_, g) in zip(step.targets, step.sends)])
    return sent


def explorer_data(traced: Trace, clusters: Sequence[Cluster], assignment: dict[int, Cluster],
                  steps: Sequence[BackwardStep] | None) -> dict[str, Any]:
    """The JSON document described in the module docstring (``training`` and ``notes`` unset)."""
    cluster_ids = {id(c): f"c{i}" for i, c in enumerate(clusters)}

    def home(key: int) -> str | None:
        cluster = assignment.get(key)
        return None if cluster is None else cluster_ids[id(cluster)]

    values = traced.values
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    steps = [step for step in steps or () if id(step.node) in values]  # drawn nodes only
    sent = _sent_by(steps)
    for value in values.values():
        if value.producer is not None:
            op = value.producer
            inputs = [f"v{values[key].index}" for key in traced.inputs[id(op)]]
            nodes.append(_op_node(op, value.index, inputs, home(value.key)))
            edges.append({"from": f"op{value.index}", "to": f"v{value.index}"})
        nodes.append(_tensor_node(value, home(value.key), not steps))
    for op in traced.ops:
        out = values[id(op)]
        number, pending = sent.get(id(op), (None, []))
        summed = getattr(op, "summed_grads", {})  # unset on a node whose gradients fit as sent
        for i, source in enumerate(op.next_edges):
            given = values.get(id(source))
            if given is None:  # an input that needs no gradient
                continue
            edge: dict[str, Any] = {"from": f"v{given.index}", "to": f"op{out.index}"}
            match = next((j for j, (target, _) in enumerate(pending) if target == id(source)), None)
            if match is not None:
                edge.update(grad=tensor_view(pending.pop(match)[1]), step=number,
                            unbroadcast=None if i not in summed else
                            f"{tuple(summed[i])} -> {tuple(given.shape or ())}")
            edges.append(edge)
    step_list = []
    for step in steps:
        kind = "op" if isinstance(step.node, Primitive) else "v"
        step_list.append({"node": f"{kind}{values[id(step.node)].index}", "grad": tensor_view(step.grad)})
    return {"scalar": traced.scalar, "nodes": nodes, "edges": edges,
            "clusters": [{"id": cluster_ids[id(c)], "label": c.label,
                          "parent": None if c.parent is None else cluster_ids[id(c.parent)]}
                         for c in clusters],
            "steps": step_list, "training": None, "notes": []}


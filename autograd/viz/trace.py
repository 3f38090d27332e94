"""Trace the recorded graph for drawing: values (tensors) and ops, with what is known of each.

The walk is the engine's ``reachable`` (iterative, breadth-first from the roots, each object
once), so the nodes kept under ``max_nodes`` are the ones nearest the output. Only the
structure (``next_edges``, ``_meta``) is needed, and backward keeps it when it releases saved
arrays, so a graph can be drawn after ``loss.backward()``.

Where values come from: leaves, roots and tensors passed in ``names`` are Tensors we hold;
any other intermediate result is known only by its producing op: shape and dtype from the
consumer's ``_meta``, data from saved arrays while they exist (before backward, or with
``retain_graph=True``), and gradients from ``retain_grad()`` or from ``backward_steps``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..engine import reachable
from ..primitive import Primitive

if TYPE_CHECKING:
    from ..types import Array, Shape
    from ..types import ModuleLike as Module  # an nn.Module, as the drawing code sees it
    from .steps import BackwardStep


class Value:
    """One tensor of the picture: a leaf, or the output of one op (``producer``)."""

    __slots__ = ("key", "index", "producer", "tensor", "kind", "names", "shape", "dtype",
                 "data", "grad")

    def __init__(self, key: int, index: int, producer: Primitive | None = None,
                 tensor: Tensor | None = None) -> None:
        self.key, self.index, self.producer, self.tensor = key, index, producer, tensor
        self.kind = "value" if producer is not None else "leaf"
        self.names: list[str] = []
        self.shape: Shape | None = tensor.shape if tensor is not None else None
        self.dtype: np.dtype[Any] | None = tensor._data.dtype if tensor is not None else None
        self.data: Array | None = None
        self.grad: Array | None = None

    @property
    def size(self) -> int | None:
        """The number of elements, or None while the shape is unknown."""
        return None if self.shape is None else math.prod(self.shape)


class Trace:
    """What the walk found: ``values`` by key (BFS order), the kept ``ops``, their inputs."""

    def __init__(self) -> None:
        self.values: dict[int, Value] = {}
        self.ops: list[Primitive] = []
        self.inputs: dict[int, list[int]] = {}  # id(op) -> keys of drawn inputs, in order
        self.cut: list[Primitive] = []  # kept ops with at least one input not drawn
        self.total = 0  # ops + leaves reachable from the roots
        self.hidden = 0
        self.module_names: dict[int, str] = {}  # id(Module) -> name given in ``names``

    @property
    def scalar(self) -> bool:
        """True when every value has one element (a micrograd-style graph)."""
        return bool(self.values) and all(v.size == 1 for v in self.values.values())


def trace(roots: Sequence[Tensor], names: Mapping[str, Any] | None = None, module: Module | None = None,
          max_nodes: int | None = None, steps: Iterable[BackwardStep] | None = None) -> Trace:
    """Walk the graph behind ``roots`` and gather names, shapes, data and gradients."""
    for root in roots:
        if not isinstance(root, Tensor):
            raise TypeError(f"draw_graph/to_dot take Tensors, got {type(root).__name__}")
    result = Trace()
    order = reachable([r.grad_fn if r.grad_fn is not None else r for r in roots])
    result.total = len(order)
    kept = order if max_nodes is None else order[:max(int(max_nodes), 1)]
    result.hidden = len(order) - len(kept)
    values = result.values
    for i, obj in enumerate(kept):
        if isinstance(obj, Primitive):
            result.ops.append(obj)
            values[id(obj)] = Value(id(obj), i, producer=obj)
        else:
            value = values[id(obj)] = Value(id(obj), i, tensor=obj)
            value.kind = "param" if obj.is_parameter else "leaf"
    for op in result.ops:
        _read_inputs(op, values, result)
    for root in roots:
        value = values[id(root.grad_fn if root.grad_fn is not None else root)]
        value.tensor, value.kind = root, "root"
    _apply_names(result, names, module)
    _fill(values, steps)
    return result


def _read_inputs(op: Primitive, values: dict[int, Value], result: Trace) -> None:
    """Record the op's drawn inputs; its ``_meta`` gives each input's shape and dtype."""
    keys: list[int]
    keys, saved = [], op._saved
    for i, edge in enumerate(op.next_edges):
        if edge is None:
            continue
        value = values.get(id(edge))
        if value is None:
            if not result.cut or result.cut[-1] is not op:
                result.cut.append(op)
            continue
        keys.append(value.key)
        if value.shape is None and op._meta[i] is not None:
            value.shape, value.dtype = op._meta[i]  # type: ignore[misc]  # not None: tested above
        if value.data is None and saved is not None and isinstance(saved[i], np.ndarray):
            value.data = saved[i]
    result.inputs[id(op)] = keys


def _apply_names(result: Trace, names: Mapping[str, Any] | None, module: Module | None) -> None:
    values = result.values
    if names is not None:
        for name, obj in dict(names).items():
            if not isinstance(name, str) or name.startswith("_"):
                continue  # IPython's _, _1, __ and private helpers
            if isinstance(obj, Tensor):
                value = values.get(id(obj.grad_fn if obj.grad_fn is not None else obj))
                if value is not None and name not in value.names:
                    value.names.append(name)
                    if value.tensor is None:
                        value.tensor = obj
            elif callable(getattr(obj, "named_modules", None)):
                result.module_names.setdefault(id(obj), name)
    if module is not None:
        for name, param in module.named_parameters():
            value = values.get(id(param))
            if value is not None:
                value.kind = "root" if value.kind == "root" else "param"
                if name not in value.names:
                    value.names.append(name)


def _fill(values: dict[int, Value], steps: Iterable[BackwardStep] | None) -> None:
    """Shapes, data and gradients from the Tensors we hold, then from backward_steps."""
    step_grads: dict[int, Array] = {}
    for step in steps or ():
        step_grads[id(step.node)] = step.grad
    for value in values.values():
        tensor = value.tensor
        if tensor is not None:
            value.shape, value.dtype, value.data = tensor.shape, tensor._data.dtype, tensor._data
            if tensor._grad is not None:
                value.grad = tensor._grad._data
        elif value.data is None and value.producer is not None:
            out = value.producer._out
            value.data = out if isinstance(out, np.ndarray) else None
        if value.grad is None and value.key in step_grads:
            value.grad = step_grads[value.key]

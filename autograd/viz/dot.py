"""DOT text for a traced graph: a box per tensor, an oval per op, arrows in forward order.

The picture reads left to right as the forward pass ran; ``backward()`` sends gradients
against the arrows. Colours: blue = input leaf, green = parameter, white = intermediate
result, orange with a double border = the output (root), grey oval = op. Scalar graphs use
micrograd's record nodes ``{ name | data 2.0000 | grad 4.0000 }``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, SupportsFloat

import numpy as np

from .trace import Trace, Value

if TYPE_CHECKING:
    from ..primitive import Primitive
    from ..types import ArrayLike
    from .clusters import Cluster

STYLES = {
    "leaf": 'shape={shape} style="filled" fillcolor="#cfe2ff" color="#3d6fb6"',
    "param": 'shape={shape} style="filled,rounded" fillcolor="#d3f0d3" color="#2e8b57" penwidth=1.5',
    "value": 'shape={shape} style="filled" fillcolor="#ffffff" color="#666666"',
    "root": 'shape={shape} style="filled" fillcolor="#ffd8a8" color="#d9480f" peripheries=2',
    "op": 'shape=ellipse style="filled" fillcolor="#e9ecef" color="#868e96" fontsize=10',
    "note": 'shape=note style="filled,dashed" fillcolor="#fff3cd" color="#b08800"',
}
_CLUSTER_FILLS = ("#f3f6ff", "#e8eefc", "#dde6fa", "#d2ddf7")
LEGEND = ("blue: input leaf    green: parameter    white: intermediate result    "
          "orange, double border: output    grey oval: op",
          "Arrows follow the forward pass; backward() sends gradients against them. "
          "Inputs that do not require grad (data, constants) are not drawn.")
_NOT_KEPT = ("grad -: backward() does not keep intermediate gradients; call t.retain_grad() "
             "before it, or pass steps=list(ag.backward_steps(loss))")


def quote(text: str) -> str:
    """A DOT double-quoted string (newlines become centred line breaks)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _record_escape(text: str) -> str:
    for ch in "\\{}|<>\"":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def number(x: SupportsFloat) -> str:
    """Format like micrograd's ``%.4f``, switching to ``%.4e`` for very large or small magnitudes."""
    x = float(x)
    return f"{x:.4f}" if x == 0 or 1e-3 <= abs(x) < 1e5 or not np.isfinite(x) else f"{x:.4e}"


def summarize(array: ArrayLike, what: str) -> str:
    """``data 2.0000``, ``grad [0.5, -1]`` or ``grad norm 1.23, max|g| 0.5`` (compact)."""
    a = np.asarray(array)
    if a.size == 1:
        return f"{what} {number(a.reshape(()))}"
    if a.size == 0:
        return f"{what} (empty)"
    if a.size <= 4:
        return f"{what} [" + ", ".join(f"{float(x):.4g}" for x in a.ravel()) + "]"
    a = a.astype(np.float64)
    if what == "grad":
        return f"grad norm {np.linalg.norm(a):.4g}, max|g| {np.abs(a).max():.4g}"
    return f"data mean {a.mean():.4g}, std {a.std():.4g}"


def _shape_text(value: Value) -> str:
    if value.shape is None:
        return "?"
    dims = str(tuple(int(n) for n in value.shape))
    return f"{dims} {np.dtype(value.dtype).name}" if value.dtype is not None else dims


class Options:
    """What to show; decided once per drawing."""

    def __init__(self, trace: Trace, show_data: bool | None, show_grad: bool,
                 show_shapes: bool) -> None:
        self.scalar = trace.scalar
        self.show_data = self.scalar if show_data is None else bool(show_data)
        any_grad = any(v.grad is not None for v in trace.values.values())
        self.show_grad = bool(show_grad) and any_grad
        self.show_shapes = show_shapes
        self.grad_missing = False


def value_node(value: Value, opts: Options) -> str:
    """The DOT statement of one tensor."""
    name = ", ".join(value.names[:2])
    if opts.scalar:
        opts.grad_missing |= opts.show_grad and value.grad is None and value.producer is not None
        fields = [_record_escape(name)]
        if opts.show_data:
            fields.append(summarize(value.data, "data") if value.data is not None else "data -")
        if opts.show_grad:
            fields.append(summarize(value.grad, "grad") if value.grad is not None else "grad -")
        label = '"{ ' + " | ".join(fields) + ' }"'
        shape = "Mrecord" if value.kind == "param" else "record"
    else:
        lines = [name] if name else []
        if opts.show_shapes:
            lines.append(_shape_text(value))
        if opts.show_data and value.data is not None:
            lines.append(summarize(value.data, "data"))
        if opts.show_grad and value.grad is not None:
            lines.append(summarize(value.grad, "grad"))
        label = quote("\n".join(lines) or " ")
        shape = "box"
    return f"v{value.index} [label={label} {STYLES[value.kind].format(shape=shape)}]"


def op_node(op: Primitive, index: int) -> str:
    """The DOT statement of one op (``matmul``, ``relu``...); the tooltip names its node."""
    return f"op{index} [label={quote(op.op_name)} tooltip={quote(op.name())} {STYLES['op']}]"


def build(trace: Trace, opts: Options, clusters: Sequence[Cluster] = (),
          assignment: dict[int, Cluster] | None = None, rankdir: str = "LR", legend: bool = True,
          max_nodes: int | None = None) -> str:
    """The whole DOT source; the same text ``draw_graph(...).source`` holds."""
    assignment = assignment or {}
    homes: dict[int | None, list[str]] = {None: []}
    cluster: Cluster | None
    for cluster in clusters:
        homes[id(cluster)] = []
    edges: list[str] = []
    for value in trace.values.values():
        cluster = assignment.get(value.key)
        home = homes[id(cluster) if cluster is not None else None]
        if value.producer is not None:
            home.append(op_node(value.producer, value.index))
            edges.append(f"op{value.index} -> v{value.index}")
        home.append(value_node(value, opts))
    values = trace.values
    for op in trace.ops:
        index = values[id(op)].index
        edges.extend(f"v{values[key].index} -> op{index}" for key in trace.inputs[id(op)])
    if trace.hidden:
        limit = f" (max_nodes={max_nodes:,})" if max_nodes is not None else ""
        homes[None].append(f"more [label={quote(f'... {trace.hidden:,} more nodes not shown{limit}')} "
                           f"{STYLES['note']}]")
        edges.extend(f"more -> op{values[id(op)].index} [style=dashed]" for op in trace.cut)
    graph = [f"rankdir={rankdir}", 'fontname="Helvetica"', "nodesep=0.25", "ranksep=0.35"]
    if legend:
        text = LEGEND + ((_NOT_KEPT,) if opts.grad_missing else ())
        left = "".join(quote(line)[1:-1] + "\\l" for line in text)  # \l: left-justified lines
        graph += [f'label="{left}"',
                  "labelloc=b", "labeljust=l", "fontsize=10"]
    lines = ["graph [" + " ".join(graph) + "]",
             'node [fontname="Helvetica" fontsize=11 height=0.3]',
             'edge [color="#495057" arrowsize=0.7]']
    lines += homes[None]
    lines += _cluster_lines(clusters, homes)
    lines += edges
    return "digraph {\n" + "".join(f"\t{line}\n" for line in lines) + "}\n"


def _cluster_lines(clusters: Sequence[Cluster], homes: dict[int | None, list[str]]) -> list[str]:
    """Nested ``subgraph cluster_k { ... }`` blocks, written with an explicit stack."""
    children: dict[int | None, list[Cluster]] = {}
    cluster: Cluster | None
    for cluster in clusters:
        parent = cluster.parent
        children.setdefault(id(parent) if parent is not None else None, []).append(cluster)
    number = {id(c): i for i, c in enumerate(clusters)}
    lines: list[str]
    stack: list[tuple[Cluster | None, int]]  # None closes the cluster opened before it
    lines, stack = [], [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        cluster, depth = stack.pop()
        if cluster is None:
            lines.append("\t" * depth + "}")
            continue
        pad = "\t" * depth
        fill = _CLUSTER_FILLS[min(depth, len(_CLUSTER_FILLS) - 1)]
        lines.append(f"{pad}subgraph cluster_{number[id(cluster)]} {{")
        lines.append(f'{pad}\tlabel={quote(cluster.label)} labelloc=t labeljust=l style="rounded,filled" '
                     f'fillcolor="{fill}" color="#7b8ab8" fontsize=11')
        lines.extend(f"{pad}\t{line}" for line in homes[id(cluster)])
        stack.append((None, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(id(cluster), [])))
    return lines

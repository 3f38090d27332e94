"""Attribute the ops of a traced graph to Module calls, for ``module=`` clusters.

Every ``nn.Module.__call__`` that returns a Tensor with a ``grad_fn`` leaves a small record
on that node (see :mod:`autograd.viz.calls`), so a model that was simply run is covered.
The ops of one call are those reachable from its output node, walking towards the inputs,
without passing through the call's own inputs. Calls nest (a Sequential call contains its
layers' calls); each op goes to the smallest call that contains it, and each call's parent
is the next larger call containing its output. A module called twice gets two clusters.

Parameters sit in the cluster of the module that owns them when that module was called
once. Fallback, for a module with parameters but no recorded call (its ``forward`` was
called directly, or it returned a tuple): the ops that read its parameters directly form
its cluster. Limitation: a module that reads a tensor computed outside it and not passed as
an argument (e.g. kept on ``self``) draws that tensor's history inside its cluster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine import reachable
from ..primitive import Primitive
from .calls import calls_of

if TYPE_CHECKING:
    from ..types import ModuleLike as Module  # an nn.Module, as the drawing code sees it
    from .trace import Trace


class Cluster:
    """One Module call: its label, members (value keys), parent cluster and depth."""

    __slots__ = ("label", "members", "parent", "order", "output")
    output: tuple[Primitive, Module]  # the call's output node and module (always passed)

    def __init__(self, label: str, members: set[int], order: tuple[int, int],
                 output: Any = None) -> None:
        self.label, self.members, self.order, self.output = label, members, order, output
        self.parent: Cluster | None = None


def _module_label(mod: Module, tree_names: dict[int, str], given: dict[int, str]) -> str:
    kind = type(mod).__name__
    name = tree_names.get(id(mod)) or given.get(id(mod))
    return f"{name} ({kind})" if name else kind


def _members(output: Primitive, boundary: set[int], kept: set[int]) -> set[int]:
    """Ids of the kept op nodes reachable from ``output`` without entering the boundary."""
    return {id(obj) for obj in reachable([output], stop=boundary)
            if isinstance(obj, Primitive) and id(obj) in kept}


def module_clusters(trace: Trace, module: Module) -> tuple[list[Cluster], dict[int, Cluster]]:
    """Clusters for the calls found in ``trace`` and the innermost cluster of each value."""
    tree = list(module.named_modules())
    tree_names = {id(m): name for name, m in tree if name}
    given = dict(trace.module_names)
    if id(module) not in tree_names and id(module) not in given:
        given[id(module)] = ""
    kept = {id(op) for op in trace.ops}
    clusters: list[Cluster] = []
    for op in trace.ops:
        for mod_ref, input_refs, seq in calls_of(op):
            mod = mod_ref()
            if mod is None:
                continue
            boundary = {id(obj) for obj in (r() for r in input_refs) if obj is not None}
            members = _members(op, boundary, kept)
            if members:
                clusters.append(Cluster(_module_label(mod, tree_names, given), members,
                                        (len(members), seq), output=(op, mod)))
    clusters.sort(key=lambda c: c.order)
    containing: dict[int, list[Cluster]] = {}
    for cluster in clusters:  # smallest first, so containing[key][0] is the innermost
        for key in cluster.members:
            containing.setdefault(key, []).append(cluster)
    for cluster in clusters:
        around = containing[id(cluster.output[0])]
        later = around[around.index(cluster) + 1:]
        cluster.parent = later[0] if later else None
    assignment = {key: found[0] for key, found in containing.items()}
    _number_repeats(clusters)
    _place_parameters(trace, module, tree, clusters, assignment, tree_names, given)
    return clusters, assignment


def _number_repeats(clusters: list[Cluster]) -> None:
    calls: dict[int, list[Cluster]] = {}
    for cluster in sorted(clusters, key=lambda c: c.order[1]):
        calls.setdefault(id(cluster.output[1]), []).append(cluster)
    for group in calls.values():
        if len(group) > 1:
            for i, cluster in enumerate(group, 1):
                cluster.label += f" call {i}"


def _place_parameters(trace: Trace, module: Module, tree: list[tuple[str, Module]],
                      clusters: list[Cluster], assignment: dict[int, Cluster],
                      tree_names: dict[int, str], given: dict[int, str]) -> None:
    """Put each parameter in its owner's cluster; fallback clusters for uncalled owners."""
    by_module: dict[int, list[Cluster]] = {}
    for cluster in clusters:
        by_module.setdefault(id(cluster.output[1]), []).append(cluster)
    owner_of: dict[int, Module] = {}
    mod: Module | None
    for _, mod in tree:
        for param in mod._parameters.values():
            if param is not None:
                owner_of.setdefault(id(param), mod)
    fallback: dict[int, Cluster] = {}
    for op in trace.ops:
        for edge in op.next_edges:
            mod = owner_of.get(id(edge))
            if mod is None or id(mod) in by_module or id(op) in assignment:
                continue
            if id(mod) not in fallback:
                fallback[id(mod)] = Cluster(_module_label(mod, tree_names, given), set(),
                                            (0, -1), output=(op, mod))
                clusters.append(fallback[id(mod)])
            fallback[id(mod)].members.add(id(op))
            assignment[id(op)] = fallback[id(mod)]
    for key, value in trace.values.items():
        mod = owner_of.get(key)
        if mod is None or value.producer is not None:
            continue
        home = by_module.get(id(mod), [])
        if len(home) == 1:
            assignment[key] = home[0]
        elif id(mod) in fallback:
            assignment[key] = fallback[id(mod)]

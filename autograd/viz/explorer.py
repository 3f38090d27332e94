"""``ag.explore``: the learner's own graph and the engine's real backward, interactive in a page.

    >>> loss = loss_fn(model(x), y)          # before loss.backward()
    >>> ag.explore(loss, module=model, names=locals())     # inline in Jupyter / VS Code / Colab
    >>> ag.explore(loss, module=model).save("explorer.html")  # one offline HTML file

The page needs no Graphviz and no network: it inlines the vendored dagre layout library
(``static/vendor``), our scripts and styles (``static/*.js``, ``explorer.css``) and one JSON
document (:mod:`autograd.viz.explorer_data`) built from the same trace as ``to_dot``.

Backward, step by step: when the graph still holds its saved values (``explore`` is called
before ``backward()``, or after ``backward(retain_graph=True)``), ``explore`` runs the engine's
backward pass itself, node by node (``engine.backward_pass``, the pass ``backward()`` runs)
with ``retain_graph=True`` and without adding into any ``.grad``: the model is left exactly as
it was (``retain_grad`` tensors keep their ``.grad``); tensor and node hooks run, as in any
backward, so a hook with side effects sees this pass too. After a plain ``backward()`` the saved
values are gone; the page then shows the forward values and the leaves' ``.grad``, and says so.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

from .. import grad_mode
from .._tensor import Tensor
from ..atomic_write import write_atomically
from ..engine import backward_pass
from ..primitive import Primitive
from .clusters import module_clusters
from .explorer_data import explorer_data
from .recorder import Recorder
from .steps import BackwardStep, _Labels, _steps
from .trace import trace

if TYPE_CHECKING:
    from ..types import ModuleLike as Module  # an nn.Module, as the drawing code sees it

SCRIPTS = ("vendor/dagre.min.js", "util.js", "layout.js", "graph.js", "steps.js", "panel.js",
           "training.js", "main.js")
IFRAME_HEIGHT = 640
_RELEASED = ("The graph's saved values were freed by backward(), so its backward cannot be "
             "replayed step by step: call ag.explore(loss) before loss.backward() (or after "
             "backward(retain_graph=True)). Shown: forward values and the leaves' .grad.")
_NOT_SCALAR = ("Backward is replayed for scalar outputs only (as loss.backward() needs); pass a "
               "scalar, e.g. out.sum().")


def _static(name: str) -> str:
    return (resources.files("autograd.viz") / "static" / name).read_text(encoding="utf-8")


class Explorer:
    """An interactive page of a graph: shown inline by Jupyter, written by :meth:`save`.

    Attributes:
        data: the JSON document of the graph (see :mod:`autograd.viz.explorer_data`).
        title: the page title.
    """

    def __init__(self, data: dict[str, Any], title: str = "ndgrad explorer") -> None:
        self.data, self.title = data, title

    def to_json(self) -> str:
        """The JSON document, compact, safe inside a <script> element."""
        text = json.dumps(self.data, separators=(",", ":"), allow_nan=False)
        return text.replace("</", "<\\/")

    def html(self) -> str:
        """The whole page: one self-contained HTML document."""
        page = _static("explorer.html")
        parts = {"{{TITLE}}": html.escape(self.title), "{{CSS}}": _static("explorer.css"),
                 "{{DATA}}": self.to_json(),
                 "{{SCRIPTS}}": "\n".join(_static(name) for name in SCRIPTS)}
        for key, text in parts.items():
            head, _, tail = page.partition(key)
            page = head + text + tail  # partition, not replace: scripts may contain "{{"
        return page

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the page to ``path`` (atomically) and return the path."""
        path = os.fspath(path)
        page = self.html().encode("utf-8")
        write_atomically(path, lambda fh: fh.write(page), "Explorer.save")
        return path

    def _repr_html_(self) -> str:
        """The page in an iframe (its scripts and styles cannot clash with the notebook's)."""
        return (f'<iframe srcdoc="{html.escape(self.html(), quote=True)}" style="width:100%;'
                f'height:{IFRAME_HEIGHT}px;border:1px solid #dee2e6"></iframe>')

    def __repr__(self) -> str:
        return (f"Explorer({len(self.data['nodes'])} nodes, {len(self.data['steps'])} backward steps; "
                "show it in Jupyter or call .save('explorer.html'))")


def _replay(roots: Sequence[Tensor], ops: Sequence[Primitive], inputs: Sequence[Tensor] | None,
            names: Mapping[str, Any] | None) -> list[BackwardStep]:
    """The engine's backward of ``roots`` (graph ``ops``), step by step; every ``.grad`` stays as it was."""
    keep = {}  # retain_grad() tensors: the pass writes their .grad; put it back afterwards
    for op in ops:
        for ref in op.retained or ():
            tensor = ref()
            if tensor is not None:
                keep[id(tensor)] = (tensor, tensor._grad)
    targets = None if inputs is None else {id(t.grad_fn or t) for t in inputs}
    walk = (step for step in backward_pass(list(roots), [None] * len(roots), True, False, targets)
            if step[2] is not None or isinstance(step[0], Tensor))  # skip nodes not run
    try:
        steps = list(_steps(walk, _Labels(names), grad_mode.is_grad_enabled()))
    finally:
        for tensor, grad in keep.values():
            tensor._grad = grad
    if targets is not None:
        steps = [s for s in steps if isinstance(s.node, Primitive) or id(s.node) in targets]
    return steps


def _check(roots: Sequence[Any], names: Any, module: Any,
           inputs: Iterable[Any] | None) -> list[Tensor] | None:
    """Refuse wrong arguments clearly; the tensors of ``inputs`` (None: every leaf)."""
    for i, root in enumerate(roots):
        if not isinstance(root, Tensor):
            raise TypeError(f"explore: root {i} must be a Tensor (the loss), got {type(root).__name__}")
    if names is not None and not isinstance(names, Mapping):
        raise TypeError(f"explore: names must be a mapping {{name: Tensor}} such as locals(), got "
                        f"{type(names).__name__}")
    if module is not None and not callable(getattr(module, "named_parameters", None)):
        raise TypeError(f"explore: module must be an nn.Module (with named_parameters()), got "
                        f"{type(module).__name__}")
    if inputs is None:
        return None
    wanted = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for i, tensor in enumerate(wanted):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise ValueError(f"explore: inputs[{i}] must be a Tensor that requires grad (the "
                             f"tensors whose gradients backward computes, as backward(inputs=...)), "
                             f"got {type(tensor).__name__}")
    return wanted


def explore(*roots: Tensor, module: Module | None = None, names: Mapping[str, Any] | None = None,
            inputs: Tensor | Iterable[Tensor] | None = None,
            steps: Iterable[BackwardStep] | None = None,
            training: Recorder | None = None) -> Explorer:
    """The interactive explorer of the graph behind ``roots`` (and of a training run).

    Args:
        *roots: output Tensors, usually the loss (call before ``loss.backward()`` to step
            through backward; see the module docstring).
        module: a Module: names its parameters and groups each sub-module's ops in a
            collapsible cluster (``fc1 (Linear)``), as ``to_dot(module=...)``.
        names: ``{name: Tensor}``, e.g. ``locals()``, to label tensors.
        inputs: the leaves whose gradients backward computes, as ``backward(inputs=...)``
            (default: every leaf that requires grad).
        steps: steps from ``ag.backward_steps`` to show instead of replaying backward.
        training: a :class:`Recorder` of a training loop: adds the training view.

    Returns:
        An :class:`Explorer`: shown inline in Jupyter, ``.save(path)`` writes one HTML file.
    """
    wanted = _check(roots, names, module, inputs)
    if not roots and training is None:
        raise TypeError("explore: give at least one Tensor (the loss) or training=Recorder(...)")
    if training is not None and not isinstance(training, Recorder):
        raise TypeError(f"explore: training must be an ag.viz.Recorder, got {type(training).__name__}")
    notes: list[str] = []
    step_list = None if steps is None else list(steps) if isinstance(steps, Iterable) else [steps]
    if step_list is not None and not all(isinstance(s, BackwardStep) for s in step_list):
        raise TypeError("explore: steps must be the steps of ag.backward_steps(loss), got "
                        f"{type(steps).__name__} of {sorted({type(s).__name__ for s in step_list})}")
    traced = trace(list(roots), names=names, module=module, max_nodes=None, steps=step_list)
    grad_roots = [r for r in roots if r.requires_grad]
    if step_list is None and grad_roots:
        if any(op._saved is None for op in traced.ops):
            notes.append(_RELEASED)
        elif any(r.numel() != 1 for r in grad_roots):
            notes.append(_NOT_SCALAR)
        else:  # the trace read values and .grad; the replay adds the steps, changing neither
            step_list = _replay(grad_roots, traced.ops, wanted, names)
    clusters, assignment = module_clusters(traced, module) if module is not None else ([], {})
    data = explorer_data(traced, clusters, assignment, step_list)
    data["training"] = training.to_json() if training is not None else None
    data["notes"] = notes
    return Explorer(data)

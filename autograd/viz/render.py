"""``to_dot`` and ``draw_graph``: the computation graph as DOT text or a ``graphviz.Digraph``.

``to_dot`` needs nothing but Python. ``draw_graph`` returns a ``graphviz.Digraph`` (shown
inline by Jupyter) whose rendering methods first check that Graphviz's ``dot`` program is
installed and otherwise raise :class:`GraphvizNotFoundError` saying how to install it.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..atomic_write import write_atomically
from .clusters import module_clusters
from .dot import Options, build
from .trace import trace

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..types import ModuleLike as Module  # an nn.Module, as the drawing code sees it
    from .steps import BackwardStep

INSTALL_HINT = (
    "Rendering the graph needs the Graphviz `dot` program, which is not on PATH. Install it "
    "with `apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
    "`conda install graphviz` (conda), or see https://graphviz.org/download/. "
    "ag.to_dot(...) gives the DOT source without it.")


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program (needed to render SVG/PNG/PDF) is not installed."""


def require_dot(engine: str = "dot") -> None:
    """Raise :class:`GraphvizNotFoundError` unless Graphviz's ``engine`` program is on PATH."""
    if shutil.which(engine) is None:
        raise GraphvizNotFoundError(INSTALL_HINT)


def to_dot(*roots: Tensor, names: Mapping[str, Any] | None = None, show_data: bool | None = None,
           show_grad: bool = True, show_shapes: bool = True, module: Module | None = None,
           max_nodes: int | None = 500, rankdir: str = "LR",
           steps: Iterable[BackwardStep] | None = None, legend: bool = True) -> str:
    """DOT source of the graph that computed ``roots`` (no Graphviz program needed).

    The picture: a box per tensor (name, shape, dtype, and after backward a gradient
    summary), an oval per op (``matmul``, ``relu``), arrows in forward order. Blue boxes
    are input leaves, green rounded boxes parameters, the orange double box the output.
    When every tensor has one element the boxes are micrograd records
    ``{ name | data 2.0000 | grad 4.0000 }``.

    Args:
        *roots: output Tensors (usually the loss).
        names: ``{name: Tensor}``, e.g. ``locals()``; other values are ignored (a Module
            value names its cluster).
        show_data: show values; None (default) shows them for scalar-sized graphs only.
        show_grad: show gradients where known (leaves, retained, or from ``steps``).
        show_shapes: show shape and dtype (tensor graphs).
        module: a Module: names its parameters and groups each sub-module's ops in a
            labelled cluster such as ``fc1 (Linear)``.
        max_nodes: ops plus leaves to draw, nearest the output first; the rest are replaced
            by a note node. None draws everything.
        rankdir: ``"LR"`` (left to right) or ``"TB"`` (top to bottom).
        steps: the steps of ``ag.backward_steps``, to show every intermediate gradient.
        legend: add a one-line key of the colours.

    Returns:
        The DOT text.
    """
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    steps = list(steps) if steps is not None else None
    traced = trace(roots, names=names, module=module, max_nodes=max_nodes, steps=steps)
    clusters, assignment = module_clusters(traced, module) if module is not None else ((), {})
    opts = Options(traced, show_data, show_grad, show_shapes)
    return build(traced, opts, clusters, assignment, rankdir=rankdir, legend=legend,
                 max_nodes=max_nodes)


def draw_graph(*roots: Tensor, names: Mapping[str, Any] | None = None,
               show_data: bool | None = None, show_grad: bool = True, show_shapes: bool = True,
               module: Module | None = None, max_nodes: int | None = 500, rankdir: str = "LR",
               steps: Iterable[BackwardStep] | None = None, legend: bool = True) -> Any:
    """The graph of ``roots`` as a ``graphviz.Digraph`` (a subclass of it).

    It is shown inline in Jupyter, saved with ``.render()`` or ``.save_as("graph.svg")``. Same
    arguments and picture as :func:`to_dot`.

    Example:
        >>> loss = loss_fn(model(x), y)
        >>> loss.backward()
        >>> ag.draw_graph(loss, module=model).save_as("graph.svg")
    """
    source = to_dot(*roots, names=names, show_data=show_data, show_grad=show_grad,
                    show_shapes=show_shapes, module=module, max_nodes=max_nodes,
                    rankdir=rankdir, steps=steps, legend=legend)
    body = source.split("\n", 1)[1].rsplit("}", 1)[0]
    return _graph_class()(body=body.splitlines(keepends=True))


@functools.lru_cache(maxsize=1)
def _graph_class() -> type[Any]:
    import graphviz

    class GraphDrawing(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type hints
        """A ``graphviz.Digraph`` whose rendering explains how to install Graphviz."""

        def _check(self) -> None:
            require_dot(self.engine)

        def _with_dot(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            """Run a graphviz method that needs ``dot``, explaining how to install it if absent."""
            self._check()
            try:
                return method(*args, **kwargs)
            except graphviz.ExecutableNotFound as err:
                raise GraphvizNotFoundError(INSTALL_HINT) from err

        def render(self, *args: Any, **kwargs: Any) -> Any:
            """``graphviz.Digraph.render``, after checking that Graphviz is installed."""
            return self._with_dot(super().render, *args, **kwargs)

        def pipe(self, *args: Any, **kwargs: Any) -> Any:
            """``graphviz.Digraph.pipe``, after checking that Graphviz is installed."""
            return self._with_dot(super().pipe, *args, **kwargs)

        def save_as(self, path: str | os.PathLike[str], format: str | None = None) -> str:  # noqa: A002 - graphviz's name
            """Render to ``path``, atomically (no .gv file left); the format is its suffix: svg, png, pdf."""
            path = os.fspath(path)
            fmt = format or os.path.splitext(path)[1].lstrip(".").lower() or "svg"
            data = self.pipe(format=fmt)
            write_atomically(path, lambda fh: fh.write(data), "save_as")
            return path

        def _repr_mimebundle_(self, include: Iterable[str] | None = None,
                              exclude: Iterable[str] | None = None, **kwargs: Any) -> dict[str, Any]:
            if shutil.which(self.engine) is None:  # Jupyter: say what to install, no traceback
                return {"text/plain": INSTALL_HINT}
            return super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)

    return GraphDrawing

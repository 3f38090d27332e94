"""Drawing the computation graph, and backward one step at a time (for learning).

    >>> loss = ((w * x).sum() - y) ** 2
    >>> for step in ag.backward_steps(loss, names=locals()):  # or loss.backward()
    ...     print(step)
    >>> ag.draw_graph(loss, names=locals())          # inline in Jupyter, with gradients
    >>> print(ag.to_dot(loss))                       # DOT text, no Graphviz needed
    >>> ag.draw_graph(loss_fn(model(x), y), module=model)  # clusters per sub-module
    >>> ag.explore(loss, module=model, names=locals())  # interactive, in the browser

Modules: ``trace`` walks the graph, ``clusters`` groups ops by Module call (recorded by
``calls.record_module_call``, which ``nn.Module.__call__`` calls), ``dot`` writes DOT text,
``render`` wraps it for Graphviz, ``steps`` is the step-by-step backward; ``explorer``
(with ``explorer_data``, ``tensor_views`` and the page in ``static/``) is the interactive
explorer, ``recorder`` its training view.
"""

from __future__ import annotations

from .calls import record_module_call
from .explorer import Explorer, explore
from .recorder import Recorder
from .render import GraphvizNotFoundError, draw_graph, require_dot, to_dot
from .steps import BackwardStep, backward_steps

__all__ = ["BackwardStep", "Explorer", "GraphvizNotFoundError", "Recorder", "backward_steps",
           "draw_graph", "explore", "record_module_call", "require_dot", "to_dot"]

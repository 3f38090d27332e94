"""``Recorder``: the loss and each layer's gradient norm over training steps (the training view).

    rec = ag.viz.Recorder(model)
    for x, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        rec.record(loss)                 # after backward, before the update
        optimizer.step()
    rec.explore().save("training.html")  # or ag.explore(loss, module=model, training=rec)

A layer is a parameter's owning module: its name up to the last dot (``fc1`` for
``fc1.weight``; a parameter of the model itself is its own layer). The layer's gradient norm
is ``sqrt(sum over its parameters p of ||p.grad||^2)``; a layer none of whose parameters has a
gradient at that step records None. Plotted on a log scale, per-layer norms show vanishing
gradients (norms shrinking layer by layer towards the input) and what BatchNorm does to them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor

if TYPE_CHECKING:
    from ..types import ModuleLike as Module  # an nn.Module, as the drawing code sees it
    from .explorer import Explorer


def _layer(name: str) -> str:
    return name.rpartition(".")[0] or name


class Recorder:
    """Records ``loss`` and per-layer gradient norms of ``module`` at each :meth:`record` call.

    Args:
        module: the model (anything with ``named_parameters()``).
        every: record one call in ``every`` (1 records all).

    Attributes:
        steps: the training step numbers recorded (1, 2, ...: calls of ``record``).
        loss: the loss at each recorded step.
        norms: ``{layer: [gradient norm or None per recorded step]}`` in the module's order.
    """

    def __init__(self, module: Module, every: int = 1) -> None:
        if not callable(getattr(module, "named_parameters", None)):
            raise TypeError(f"Recorder: module must be an nn.Module (with named_parameters()), "
                            f"got {type(module).__name__}")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"Recorder: every must be a positive int, got {every!r}")
        self.module, self.every = module, every
        self.calls = 0
        self.steps: list[int] = []
        self.loss: list[float] = []
        self.norms: dict[str, list[float | None]] = {}
        for name, _ in module.named_parameters():
            self.norms.setdefault(_layer(name), [])

    def record(self, loss: Tensor | float) -> None:
        """Note this step's loss (a scalar Tensor or a number) and the current gradients' norms."""
        self.calls += 1
        if (self.calls - 1) % self.every:
            return
        if isinstance(loss, Tensor):
            if loss.numel() != 1:
                raise ValueError(f"Recorder.record: loss must be a scalar, got shape {tuple(loss.shape)}")
            value = float(loss._data.reshape(()))
        else:
            value = float(loss)
        squares: dict[str, float | None] = dict.fromkeys(self.norms)
        for name, param in self.module.named_parameters():
            layer, grad = _layer(name), param._grad
            if grad is None:
                continue
            squares.setdefault(layer, None)
            squares[layer] = (squares[layer] or 0.0) + float(np.sum(np.square(grad._data, dtype=np.float64)))
        for layer, total in squares.items():
            history = self.norms.setdefault(layer, [None] * len(self.steps))
            history.append(None if total is None else math.sqrt(total))
        self.steps.append(self.calls)
        self.loss.append(value)

    def to_json(self) -> dict[str, Any]:
        """``{"steps", "loss", "layers": [{"name", "norms"}]}`` for the explorer's page."""
        finite = [v if math.isfinite(v) else None for v in self.loss]
        return {"steps": list(self.steps), "loss": finite,
                "layers": [{"name": name, "norms": list(values)} for name, values in self.norms.items()]}

    def explore(self) -> Explorer:
        """The explorer with this training view alone (``ag.explore(loss, training=rec)`` adds a graph)."""
        from .explorer import explore
        return explore(training=self)

    def __repr__(self) -> str:
        return f"Recorder({len(self.steps)} steps, layers {list(self.norms)})"

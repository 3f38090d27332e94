"""The files ``ndgrad demo`` writes: boundary (or MNIST predictions), loss curve, graph, explorer.

Each file is written atomically, so an interrupted or failing run leaves the previous one intact.

Pictures are drawn on a bare ``matplotlib.figure.Figure`` (no pyplot), so they are rendered by
Agg and never need a display, and calling the demo from a notebook leaves its backend alone.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from autograd import Tensor, no_grad, tensor
from autograd.atomic_write import write_atomically

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    import nn
    from autograd.types import Array
    from autograd.viz import Recorder

_CLASS_COLORS = ("#1f77b4", "#d62728")  # class 0 blue, class 1 red
_GRAPHVIZ_INSTALL = ("Debian/Ubuntu: sudo apt install graphviz; macOS: brew install graphviz; "
                     "conda: conda install -c conda-forge graphviz; others: "
                     "https://graphviz.org/download/")


def _figure(width: float, height: float, **margins: float) -> Figure:
    """A pyplot-free Figure with fixed margins (no layout engine: half the drawing time)."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(**margins)
    return fig


def _save_png(fig: Figure, path: Path) -> None:
    """Write ``fig`` as a PNG, atomically (an interrupted run leaves the previous picture)."""
    write_atomically(path, lambda fh: fig.savefig(fh, format="png", dpi=110), "ndgrad demo")


def plot_boundary(model: nn.Module, x: Array, y: Array, path: Path, title: str,
                  resolution: int = 200) -> None:
    """Plot the model's probability of class 1, its 0.5 contour and the points, to ``path``.

    The probability covers the data's bounding box, the 0.5 contour is the decision boundary,
    and the points are coloured by their true class.
    """
    lo, hi = x.min(0), x.max(0)
    pad = 0.08 * (hi - lo) + 1e-6
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution, dtype=np.float32)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution, dtype=np.float32)
    xx, yy = np.meshgrid(gx, gy)
    model.eval()
    with no_grad():
        logits = model(tensor(np.stack([xx.ravel(), yy.ravel()], axis=1))).numpy()
    prob = (1 / (1 + np.exp(-np.clip(logits[:, 0].astype(np.float64), -60, 60)))).reshape(xx.shape)
    fig = _figure(6.6, 5.4, left=0.1, right=0.9, bottom=0.09, top=0.93)
    ax = fig.add_subplot()
    filled = ax.contourf(xx, yy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.45)
    if prob.min() < 0.5 < prob.max():
        ax.contour(xx, yy, prob, levels=[0.5], colors="k", linewidths=1.5)
    for label, color in enumerate(_CLASS_COLORS):
        mask = y == label
        ax.scatter(x[mask, 0], x[mask, 1], s=12, c=color, edgecolors="white", linewidths=0.4,
                   label=f"class {label}")
    fig.colorbar(filled, ax=ax, label="P(class 1)", fraction=0.046, pad=0.03)
    ax.set(title=title, xlabel="x0", ylabel="x1", aspect="equal")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    _save_png(fig, path)


def plot_digits(images: Array, labels: Array, predicted: Array, path: Path,
                title: str, rows: int = 4, cols: int = 8) -> None:
    """Plot the first ``rows * cols`` test digits, each titled with the predicted label.

    The title is green when right; red, with the true label, when wrong.
    """
    fig = _figure(cols * 1.05, rows * 1.25 + 0.4, left=0.01, right=0.99, bottom=0.01, top=0.88,
                  hspace=0.35)
    fig.suptitle(title)
    for i in range(min(rows * cols, len(images))):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.imshow(images[i], cmap="gray_r")
        right = predicted[i] == labels[i]
        text = f"{predicted[i]}" if right else f"{predicted[i]} (true {labels[i]})"
        ax.set_title(text, fontsize=9, color="#2b8a3e" if right else "#c92a2a")
        ax.axis("off")
    _save_png(fig, path)


def plot_losses(losses: list[float], steps_per_epoch: int, path: Path, name: str) -> None:
    """Plot the loss per optimizer step on a log scale.

    With mini-batches also a moving average, and the title gives its last value (steadier
    than the last batch's loss).
    """
    from matplotlib.ticker import FuncFormatter, NullFormatter

    values = np.asarray(losses, dtype=np.float64)
    steps = np.arange(1, len(values) + 1)
    window = 1 if steps_per_epoch == 1 else max(1, min(100, len(values) // 20))
    fig = _figure(6.4, 4, left=0.12, right=0.97, bottom=0.12, top=0.92)
    ax = fig.add_subplot()
    if not len(values):
        title = f"{name}: no training step"
    elif steps_per_epoch == 1:
        ax.plot(steps, values, color="#1f77b4", lw=1.5)
        ax.set_xlabel("epoch (one full-batch step each)")
        title = f"{name}: training loss (final {values[-1]:.4f})"
    else:
        ax.plot(steps, values, color="#1f77b4", lw=0.6, alpha=0.35, label="batch loss")
        if window > 1:
            smooth = np.convolve(values, np.ones(window) / window, mode="valid")
            ax.plot(steps[window - 1:], smooth, color="#1f77b4", lw=1.8,
                    label=f"mean of {window} batches")
        ax.set_xlabel(f"step ({steps_per_epoch} per epoch)")
        ax.legend()
        recent = "last batch" if window == 1 else f"mean of the last {window} batches"
        title = f"{name}: training loss ({recent} {values[-window:].mean():.4f})"
    finite = values[np.isfinite(values)]
    if len(finite) and finite.min() > 0:
        ax.set_yscale("log")
        plain = FuncFormatter(lambda v, _: f"{v:g}")
        ax.yaxis.set_major_formatter(plain)  # 0.01 rather than 10^-2
        decades = np.log10(finite.max() / finite.min())
        ax.yaxis.set_minor_formatter(plain if decades < 1 else NullFormatter())
    ax.set(title=title, ylabel="training loss")
    ax.grid(True, which="both", alpha=0.3)
    _save_png(fig, path)


def write_graph(loss: Tensor, model: nn.Module, names: dict[str, Tensor], out: Path,
                stem: str = "graph") -> tuple[Path, str | None]:
    """Draw the graph of ``loss`` (one training step) as ``out/graph.svg`` with Graphviz.

    When the ``dot`` program (or the ``graphviz`` Python package) is missing, or ``dot``
    fails, the DOT source goes to ``out/graph.dot`` instead.

    Returns:
        The path written and, for the fallback, a hint on how to get the SVG (else None).
    """
    from autograd.viz import draw_graph, to_dot  # imported late: drawing is optional

    svg_path, dot_path = out / f"{stem}.svg", out / f"{stem}.dot"
    problem = None
    if shutil.which("dot") is None:
        problem = "Graphviz's `dot` program was not found on PATH"
    else:
        try:
            svg = draw_graph(loss, module=model, names=names).pipe(format="svg")
        except ImportError:
            problem = "the `graphviz` Python package is not installed (pip install graphviz)"
        except (RuntimeError, OSError, subprocess.CalledProcessError) as err:
            # graphviz.ExecutableNotFound is a RuntimeError; CalledProcessError: dot failed
            problem = f"running Graphviz's `dot` failed ({err})"
        else:
            write_atomically(svg_path, lambda fh: fh.write(svg), "ndgrad demo")
            return svg_path, None
    source = to_dot(loss, module=model, names=names).encode("utf-8")
    write_atomically(dot_path, lambda fh: fh.write(source), "ndgrad demo")
    hint = (f"{problem}, so the computation graph was written as DOT source: {dot_path}\n"
            f"To draw it, install Graphviz ({_GRAPHVIZ_INSTALL}) and run:\n"
            f"    dot -Tsvg {dot_path} -o {svg_path}\n"
            "or paste the file into an online Graphviz viewer.")
    return dot_path, hint


def write_explorer(loss: Tensor, model: nn.Module, names: dict[str, Tensor], recorder: Recorder,
                   out: Path) -> Path:
    """The interactive explorer of ``loss``'s graph (before its backward) and of the training run.

    One self-contained page, ``out/explorer.html``: no Graphviz, no network.
    """
    from autograd.viz import explore

    return Path(explore(loss, module=model, names=names, training=recorder).save(out / "explorer.html"))

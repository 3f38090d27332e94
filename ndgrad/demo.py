"""The training behind ``ndgrad demo``: data, model, optimizer and loop, built from the public API.

This module is application code, like a user's script: it uses ``nn`` and ``optim`` (imported
here, never by the engine) exactly as the tutorials do. The default is tutorial 000's recipe:
``Linear 2-128-64-1`` with LeakyReLU, He init for the hidden layers and Xavier for the output,
binary cross-entropy, SGD (lr 0.1, momentum 0.9) on the full batch of 500 spiral points for
3000 epochs, which ends with a training loss below 0.01 and 100% training accuracy.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import nn
import optim
from autograd import Tensor, from_numpy, manual_seed, no_grad, tensor
from autograd.data import (
    DataLoader,
    TensorDataset,
    default_mnist_path,
    load_mnist,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
)

if TYPE_CHECKING:
    from autograd.types import Array
    from autograd.viz import Recorder

DATASETS = ("spirals", "circles", "moons", "xor", "mnist")
ACTIVATIONS = {"leaky_relu": nn.LeakyReLU, "relu": nn.ReLU, "tanh": nn.Tanh}


@dataclass(frozen=True)
class Preset:
    """A dataset's defaults, each chosen to reach a good result in a few seconds."""

    samples: int | None  # points generated (2-D sets); None: every MNIST training image
    noise: float | None
    width: int
    depth: int
    activation: str
    optimizer: str
    lr: dict[str, float]  # per optimizer: "sgd", "adam"
    epochs: int
    batch_size: int | None  # None: the full batch

    def describe(self) -> str:
        """One line: optimizer, lr, epochs, batch, width, depth and activation."""
        batch = "full batch" if self.batch_size is None else f"batch {self.batch_size}"
        return (f"{self.optimizer} lr {self.lr[self.optimizer]:g}, {self.epochs} epochs, {batch}, "
                f"width {self.width}, depth {self.depth}, {self.activation}")


_TOY_LR = {"sgd": 0.1, "adam": 0.01}
PRESETS = {
    "spirals": Preset(500, 1.5, 128, 2, "leaky_relu", "sgd", _TOY_LR, 3000, None),
    "circles": Preset(500, 0.1, 128, 2, "leaky_relu", "sgd", _TOY_LR, 300, None),
    "moons": Preset(500, 0.1, 128, 2, "leaky_relu", "sgd", _TOY_LR, 300, None),
    "xor": Preset(500, 0.0, 128, 2, "leaky_relu", "sgd", _TOY_LR, 500, None),
    "mnist": Preset(None, None, 100, 1, "relu", "adam", {"sgd": 0.01, "adam": 1e-3}, 1, 32),
}


@dataclass
class Config:
    """Everything one run needs; the CLI fills the unset options from the dataset's Preset."""

    dataset: str = "spirals"
    data: Path | None = None
    samples: int | None = 500
    noise: float | None = 1.5
    width: int = 128
    depth: int = 2
    activation: str = "leaky_relu"
    optimizer: str = "sgd"
    lr: float = 0.1
    epochs: int = 3000
    batch_size: int | None = None
    seed: int = 1

    @property
    def hidden(self) -> list[int]:
        """Hidden layer sizes: ``width``, then halving (width 128, depth 2 -> 128, 64)."""
        return [max(1, self.width >> i) for i in range(self.depth)]


@dataclass
class Data:
    """Training (and, for MNIST, test) arrays; 2-D sets are evaluated on their training set."""

    x_train: Array
    y_train: Array  # int64 labels
    x_test: Array | None = None
    y_test: Array | None = None
    images: Array | None = None  # MNIST test images (n, 28, 28), for the picture
    n_classes: int = 2
    description: str = ""


class DataNotFoundError(Exception):
    """The data files are missing or unreadable; the message says where and how to fix it."""


@dataclass
class Result:
    """What training produced: one loss per optimizer step, and the final evaluation."""

    losses: list[float] = field(default_factory=list)
    steps_per_epoch: int = 1
    final_loss: float = math.nan
    accuracy: float = math.nan
    split: str = "train"  # where accuracy and final_loss were measured
    interrupted: bool = False
    diverged: bool = False


def load_data(cfg: Config) -> Data:
    """Generate the 2-D set, or read MNIST from ``cfg.data`` / ``default_mnist_path()``."""
    if cfg.dataset == "mnist":
        return _load_mnist(cfg)
    n, noise, seed = cfg.samples, cfg.noise, cfg.seed
    # n: cfg.samples is None only for mnist
    if cfg.dataset == "spirals":
        x, y = make_spirals(n, noise=noise, variant="random", seed=seed)
    elif cfg.dataset == "circles":
        x, y = make_circles(n, noise=noise or None, factor=0.5, seed=seed)  # type: ignore[arg-type]
    elif cfg.dataset == "moons":
        x, y = make_moons(n, noise=noise or None, seed=seed)  # type: ignore[arg-type]
    elif cfg.dataset == "xor":
        x, y = make_xor(n, noise=noise or 0.0, seed=seed)  # type: ignore[arg-type]
    else:
        raise ValueError(f"unknown dataset {cfg.dataset!r}; choose from {', '.join(DATASETS)}")
    return Data(x, y, description=f"{cfg.dataset}, {n} points, noise {noise:g}")


def _load_mnist(cfg: Config) -> Data:
    path = cfg.data if cfg.data is not None else default_mnist_path()
    how = ("Point --data PATH at a folder holding the four MNIST IDX files (train-images-idx3-ubyte, "
           "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; raw or .gz) "
           "or a Keras mnist.npz, or set the NDGRAD_MNIST environment variable to it. ndgrad never "
           "downloads data.")
    if path is None:
        raise DataNotFoundError(f"MNIST not found: NDGRAD_MNIST is not set and there is no "
                                f"../shared/data/mnist next to the repository or the working "
                                f"directory. {how}")
    path = Path(path).expanduser()
    source = " (from NDGRAD_MNIST)" if cfg.data is None and os.environ.get("NDGRAD_MNIST") else ""
    if not path.exists():
        raise DataNotFoundError(f"MNIST not found: {path}{source} does not exist. {how}")
    try:
        (x_train, y_train), (x_test, y_test) = load_mnist(path)
    except FileNotFoundError as err:  # the folder lacks files; the message lists them
        raise DataNotFoundError(f"MNIST not found in {path}{source}: {err}. Point --data PATH at "
                                f"the folder that holds them, or set NDGRAD_MNIST to it.") from None
    except (ValueError, OSError) as err:  # malformed files; the message names the file
        raise DataNotFoundError(f"can't read MNIST from {path}{source}: {err}") from None
    if cfg.samples is not None:
        x_train, y_train = x_train[:cfg.samples], y_train[:cfg.samples]

    def flat(images: Array) -> Array:
        return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)

    return Data(flat(x_train), y_train.astype(np.int64), flat(x_test), y_test.astype(np.int64),
                images=x_test, n_classes=10,
                description=f"mnist from {path}, {len(x_train)} training and {len(x_test)} test images")


def build_model(cfg: Config, data: Data) -> nn.Sequential:
    """MLP ``in - hidden... - out``, initialized as in tutorial 000; one output logit for two classes.

    He init for the hidden layers (Xavier for tanh) and Xavier for the output layer.
    """
    manual_seed(cfg.seed)
    out_features = 1 if data.n_classes == 2 else data.n_classes
    layers: list[nn.Module]
    layers, n_in = [], data.x_train.shape[1]
    for n_out in cfg.hidden:
        linear = nn.Linear(n_in, n_out)
        if cfg.activation == "tanh":
            nn.init.xavier_normal_(linear.weight, gain=nn.init.calculate_gain("tanh"))
        elif cfg.activation == "leaky_relu":
            nn.init.kaiming_normal_(linear.weight, a=0.01, nonlinearity="leaky_relu")
        else:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers += [linear, ACTIVATIONS[cfg.activation]()]
        n_in = n_out
    head = nn.Linear(n_in, out_features)
    nn.init.xavier_normal_(head.weight)
    nn.init.zeros_(head.bias)
    return nn.Sequential(*layers, head)


def make_optimizer(cfg: Config, model: nn.Module) -> optim.Optimizer:
    """The optimizer ``cfg`` asks for, at ``cfg.lr``: SGD with momentum 0.9, or Adam."""
    if cfg.optimizer == "sgd":
        return optim.SGD(model.parameters(), lr=cfg.lr, momentum=0.9)
    return optim.Adam(model.parameters(), lr=cfg.lr)


def loss_function(data: Data) -> nn.Module:
    """Binary cross-entropy on one logit for two classes, cross-entropy for more."""
    return nn.BCEWithLogitsLoss() if data.n_classes == 2 else nn.CrossEntropyLoss()


def _targets(labels: Array, n_classes: int) -> Tensor:
    """BCE wants float targets shaped like the (n, 1) logits; cross-entropy int labels."""
    return tensor(labels.astype(np.float32)[:, None]) if n_classes == 2 else tensor(labels)


def steps_per_epoch(cfg: Config, n: int) -> int:
    """Optimizer steps in one epoch of ``n`` samples: 1 for the full batch."""
    return 1 if cfg.batch_size is None or cfg.batch_size >= n else -(-n // cfg.batch_size)


def batches(cfg: Config, data: Data) -> Callable[[], Iterator[Any]]:
    """A function giving one epoch's ``(x, target)`` batches (reshuffled each epoch)."""
    x = from_numpy(data.x_train)  # shares memory: MNIST's 60000 x 784 floats are not copied
    t = _targets(data.y_train, data.n_classes)
    if steps_per_epoch(cfg, len(data.x_train)) == 1:
        return lambda: iter([(x, t)])
    loader = DataLoader(TensorDataset(x, t), batch_size=cfg.batch_size,
                        shuffle=True, seed=cfg.seed)
    return lambda: iter(loader)


def train(cfg: Config, data: Data, model: nn.Module, on_step: Callable[[int, float], None],
          recorder: Recorder | None = None) -> Result:
    """Run ``cfg.epochs`` epochs; ``on_step(step, loss)`` after each step (for the progress bar).

    ``recorder`` (an ``autograd.viz.Recorder``) notes the loss and per-layer gradient norms
    after each backward, for the explorer's training view.

    Ctrl-C stops training early (``result.interrupted``); a non-finite loss stops it too
    (``result.diverged``). Then the model is evaluated: on the test set for MNIST, else on the
    training points.
    """
    optimizer, loss_fn = make_optimizer(cfg, model), loss_function(data)
    epoch_batches = batches(cfg, data)
    result = Result(steps_per_epoch=steps_per_epoch(cfg, len(data.x_train)))
    model.train()
    # Overflow warnings would only precede a non-finite loss, which is reported clearly below.
    with np.errstate(over="ignore", invalid="ignore"):
        _run_epochs(cfg, model, optimizer, loss_fn, epoch_batches, on_step, result, recorder)
    if not result.diverged:
        evaluate(model, data, result)
    return result


def _run_epochs(cfg: Config, model: nn.Module, optimizer: optim.Optimizer, loss_fn: nn.Module,
                epoch_batches: Callable[[], Iterator[Any]], on_step: Callable[[int, float], None],
                result: Result, recorder: Recorder | None) -> None:
    try:
        for _ in range(cfg.epochs):
            for xb, tb in epoch_batches():
                optimizer.zero_grad()
                loss = loss_fn(model(xb), tb)
                loss.backward()
                if recorder is not None:
                    recorder.record(loss)
                optimizer.step()
                value = loss.item()
                result.losses.append(value)
                on_step(len(result.losses), value)
                if not math.isfinite(value):
                    result.diverged = True
                    return
    except KeyboardInterrupt:
        result.interrupted = True


def evaluate(model: nn.Module, data: Data, result: Result) -> None:
    """Fill ``result.final_loss`` and ``result.accuracy`` (test set if there is one)."""
    test = data.x_test is not None
    x: Array
    y: Array
    x, y = (data.x_test, data.y_test) if test else (data.x_train, data.y_train)  # type: ignore[assignment]
    model.eval()
    with no_grad():
        logits = model(from_numpy(x))
        result.final_loss = loss_function(data)(logits, _targets(y, data.n_classes)).item()
    result.accuracy = float((predict(logits.numpy(), data.n_classes) == y).mean())
    result.split = "test" if test else "train"


def predict(logits: Array, n_classes: int) -> Array:
    """Class labels from logits: ``logit > 0`` for one output, else the argmax."""
    return (logits[:, 0] > 0).astype(np.int64) if n_classes == 2 else logits.argmax(1)


def predict_labels(model: nn.Module, x: Array, n_classes: int) -> Array:
    """The model's class labels for the rows of ``x``, in eval mode without a graph."""
    model.eval()
    with no_grad():
        return predict(model(from_numpy(x)).numpy(), n_classes)


def graph_step(cfg: Config, data: Data, model: nn.Module) -> tuple[Tensor, dict[str, Tensor]]:
    """One training step's forward on the first batch (no backward, no update), for drawing.

    Returns the loss, whose graph is kept with its saved values (so the explorer can replay its
    backward), and names for its inputs.
    """
    size = len(data.x_train) if cfg.batch_size is None else min(cfg.batch_size, len(data.x_train))
    x = tensor(data.x_train[:size])
    target = _targets(data.y_train[:size], data.n_classes)
    model.train()
    model.zero_grad()
    loss = loss_function(data)(model(x), target)
    return loss, {"x": x, "target": target, "loss": loss}

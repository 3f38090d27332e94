"""One MNIST training epoch of a 784-100-10 MLP: ndgrad beside PyTorch, in one run.

The tutorial-004 model: Linear 784->100, ReLU, Linear 100->10 (Keras' Glorot init, zero
biases), cross-entropy, Adam (lr 1e-3), batch 32, shuffled, float32 pixels scaled to [0, 1].
Each library trains one epoch from the same initial weights and the same batch order; the
script prints the epoch's wall time, the test accuracy, and the time ratio ndgrad / PyTorch.
PyTorch is skipped when it can't be imported (it is imported only when needed, so that
``run.py``'s ndgrad worker can reuse these functions without loading it). The data is read from
``--data`` (or ``$NDGRAD_MNIST``, or ``../shared/data/mnist``); nothing is downloaded.

    PYTHONPATH=. python benchmarks/mnist_epoch.py [--data PATH] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from types import SimpleNamespace

import numpy as np

import autograd as ag
import nn
import optim
from autograd.data import default_mnist_path, load_mnist

BATCH = 32


def import_torch():
    """torch, or None when it can't be imported."""
    try:
        import torch
    except (ImportError, OSError):
        return None
    return torch


def prepare(path):
    """Flattened float32 images in [0, 1], int64 labels, the shared batch order and weights."""
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    x_train = x_train.reshape(-1, 784).astype(np.float32) / np.float32(255)
    x_test = x_test.reshape(-1, 784).astype(np.float32) / np.float32(255)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x_train))
    limits = [np.sqrt(6 / (784 + 100)), np.sqrt(6 / (100 + 10))]
    weights = [rng.uniform(-limits[0], limits[0], (100, 784)).astype(np.float32),
               np.zeros(100, np.float32),
               rng.uniform(-limits[1], limits[1], (10, 100)).astype(np.float32),
               np.zeros(10, np.float32)]
    return x_train, y_train.astype(np.int64), x_test, y_test, order, weights


def library(name: str) -> SimpleNamespace:
    """The pieces of ``name``'s API the epoch uses; both spell them alike."""
    if name == "torch":
        torch = import_torch()
        return SimpleNamespace(nn=torch.nn, optim=torch.optim, no_grad=torch.no_grad,
                               from_numpy=torch.from_numpy)
    return SimpleNamespace(nn=nn, optim=optim, no_grad=ag.no_grad, from_numpy=ag.from_numpy)


def train(lib: SimpleNamespace, x, y, x_test, y_test, order, weights) -> tuple[float, float]:
    """One epoch with ``lib`` (see ``library``); returns (seconds, test accuracy)."""
    model = lib.nn.Sequential(lib.nn.Linear(784, 100), lib.nn.ReLU(), lib.nn.Linear(100, 10))
    with lib.no_grad():
        for param, value in zip(model.parameters(), weights):
            param.copy_(lib.from_numpy(value))
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = lib.nn.CrossEntropyLoss()
    x_all, y_all, order_t = lib.from_numpy(x), lib.from_numpy(y), lib.from_numpy(order)
    start = time.perf_counter()
    for i in range(0, len(order), BATCH):
        idx = order_t[i:i + BATCH]
        optimizer.zero_grad()
        loss_fn(model(x_all[idx]), y_all[idx]).backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    with lib.no_grad():
        predicted = model(lib.from_numpy(x_test)).argmax(1).numpy()
    return seconds, float((predicted == y_test).mean())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files or mnist.npz")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args(argv)
    path = args.data or default_mnist_path()
    if path is None:
        print("MNIST not found: pass --data PATH or set NDGRAD_MNIST", file=sys.stderr)
        return 2
    data = prepare(path)
    results = {"machine": platform.platform(), "python": platform.python_version()}
    for name in ("ndgrad", "torch") if import_torch() is not None else ("ndgrad",):
        results[name] = dict(zip(("seconds", "accuracy"), train(library(name), *data)))
    print(f"MNIST 784-100-10, Adam, batch {BATCH}, one epoch ({len(data[4]) // BATCH} steps)")
    for name in ("ndgrad", "torch"):
        if name in results:
            r = results[name]
            print(f"  {name:7s} {r['seconds']:7.2f} s/epoch   test accuracy {r['accuracy']:.2%}")
    if "torch" in results:
        ratio = results["ndgrad"]["seconds"] / results["torch"]["seconds"]
        results["ratio_ndgrad_over_torch"] = ratio
        print(f"  ndgrad / torch time: {ratio:.2f}x")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

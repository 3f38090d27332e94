"""``python -m autograd demo``: train a small MLP on two spirals with raw autograd ops.

The network is three matrix products with tanh between them, trained by gradient descent
with momentum; every gradient comes from ``loss.backward()``.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import autograd as ag


def two_spirals(n_per_class: int = 200, noise: float = 0.08, seed: int = 42):
    """Two interleaved spiral arms in [-1, 1]^2 with labels 0 and 1."""
    rng = np.random.default_rng(seed)
    theta = np.linspace(0, 4 * np.pi, n_per_class)
    arms = []
    for offset in (0.0, np.pi):
        radius = theta / (4 * np.pi)
        arms.append(np.stack([radius * np.cos(theta + offset), radius * np.sin(theta + offset)], 1))
    x = np.concatenate(arms) + rng.normal(0, noise, (2 * n_per_class, 2))
    y = np.repeat([0.0, 1.0], n_per_class)
    return x.astype(np.float32), y.astype(np.float32)


def demo(epochs: int, hidden: int, lr: float, seed: int) -> float:
    """Train a 2-hidden-layer tanh MLP with momentum SGD; return the final training accuracy."""
    ag.manual_seed(seed)
    x_np, y_np = two_spirals(seed=seed)
    x, y = ag.tensor(x_np), ag.tensor(y_np)
    # A wide random first layer gives the features the spiral's turns need.
    params = [(ag.randn(2, hidden) * 4.0), (ag.rand(hidden) * 2 * np.pi - np.pi),
              ag.randn(hidden, hidden) / hidden ** 0.5, ag.zeros(hidden),
              ag.randn(hidden, 1) / hidden ** 0.5, ag.zeros(1)]
    for p in params:
        p.requires_grad_()
    w1, b1, w2, b2, w3, b3 = params
    velocities = [ag.zeros_like(p) for p in params]
    for epoch in range(1, epochs + 1):
        logits = (((x @ w1 + b1).tanh() @ w2 + b2).tanh() @ w3 + b3).squeeze(1)
        # binary cross-entropy on logits, log(1 + e^z) - y z, written without overflow
        loss = (logits.relu() - logits * y + (-logits.abs()).exp().add(1).log()).mean()
        loss.backward()
        with ag.no_grad():
            for p, velocity in zip(params, velocities):
                velocity *= 0.9
                velocity += p.grad
                p -= lr * velocity
                p.grad = None
        if epoch % max(epochs // 10, 1) == 0 or epoch == 1:
            accuracy = ((logits > 0).float() == y).float().mean().item()
            print(f"epoch {epoch:5d}  loss {loss.item():.4f}  accuracy {accuracy:.1%}")
    return accuracy


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograd", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("demo", help="train an MLP on two spirals with raw autograd ops")
    run.add_argument("--epochs", type=int, default=1500)
    run.add_argument("--hidden", type=int, default=128)
    run.add_argument("--lr", type=float, default=0.2)
    run.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs <= 0 or args.hidden <= 0 or args.lr <= 0:
        parser.error("--epochs, --hidden and --lr must be positive")
    demo(args.epochs, args.hidden, args.lr, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())

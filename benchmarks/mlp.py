"""Forward+backward of a 784-100-10 MLP: ndgrad beside hand-written NumPy (and PyTorch CPU).

Measured: one training step minus the optimizer update -- Linear 784->100, ReLU, Linear 100->10,
cross-entropy averaged over the batch, float32 -- giving the loss and the gradients of all four
parameters, at batch 32 and 1024, in three ways:

- numpy:  written by hand as a careful NumPy programmer would (float32 throughout, fused
          softmax-cross-entropy gradient ``(softmax - onehot) / B``, in-place ops);
- ndgrad: ``ag.tensor`` parameters, ``(x @ W1 + b1).relu() @ W2 + b2``, log_softmax + gather,
          ``loss.backward()``, grads reset to None each step;
- torch:  the same with ``F.cross_entropy`` (skipped if torch can't be imported), at torch's
          default intra-op thread count (printed).

All three get the same seeded weights and data and must agree on the loss and every gradient
(rtol 1e-4, atol 1e-5) before anything is timed. The libraries then alternate in rounds (order
rotated each round) so background noise hits all alike. Each timed block is preceded by a short
pause, or the previous library's spinning thread pool (OpenBLAS, OpenMP) slows the next one (on
2 cores this tripled NumPy's batch-32 time). Reported: the median over rounds of the per-step mean.

Reading the ratios: ndgrad/numpy is ndgrad's cost over the hand-written floor (1.0 = none, 3.0 =
three times slower). At batch 32 the arithmetic is tiny, so it mostly measures ndgrad's per-op
Python overhead (graph recording, dispatch); at batch 1024 the matmuls dominate and it should
approach 1. ndgrad/torch compares with a C++ engine that may use other kernels and threads:
context, not a target.

    PYTHONPATH=. python benchmarks/mlp.py [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import autograd as ag

try:
    import torch
    import torch.nn.functional as F  # noqa: N812
except (ImportError, OSError):
    torch = None

SIZES = (784, 100, 10)
BATCHES = (32, 1024)
RTOL, ATOL = 1e-4, 1e-5
NAMES = ("W1", "b1", "W2", "b2")
SETTLE_SECONDS, SETTLE_STEPS = 0.2, 3  # see time_runners


def make_data(batch: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Weights (PyTorch-style uniform init), inputs and labels from default_rng(0), all float32."""
    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    x = rng.standard_normal((batch, SIZES[0]), dtype=np.float32)
    labels = rng.integers(0, SIZES[-1], batch)
    return params, x, labels


def numpy_step(x, labels, rows, w1, b1, w2, b2):
    """Loss and the four gradients, by hand. ``rows`` is the precomputed ``arange(batch)``."""
    h = x @ w1
    h += b1
    np.maximum(h, 0, out=h)
    z = h @ w2
    z += b2
    z -= z.max(axis=1, keepdims=True)
    picked = z[rows, labels]  # logits of the true class, shifted
    np.exp(z, out=z)
    total = z.sum(axis=1)
    loss = np.mean(np.log(total) - picked)
    z /= total[:, None]  # z is now softmax
    z[rows, labels] -= 1
    z /= np.float32(x.shape[0])  # dL/dlogits
    gw2 = h.T @ z
    gb2 = z.sum(axis=0)
    dh = z @ w2.T
    dh *= h > 0
    gw1 = x.T @ dh
    gb1 = dh.sum(axis=0)
    return loss, [gw1, gb1, gw2, gb2]


def autodiff_step(params, x, loss_of_logits):
    """One step in ndgrad or torch (same API): reset grads, forward, backward."""
    for p in params:
        p.grad = None
    w1, b1, w2, b2 = params
    loss = loss_of_logits((x @ w1 + b1).relu() @ w2 + b2)
    loss.backward()
    return loss, params


def make_runners(params, x, labels):
    """name -> zero-argument step returning (loss, grads) or, for autodiff, (loss, parameters)."""
    rows = np.arange(x.shape[0])
    runners = {"numpy": lambda: numpy_step(x, labels, rows, *params)}

    ag_params = [ag.tensor(p, requires_grad=True) for p in params]
    ag_x, ag_labels = ag.tensor(x), ag.tensor(labels)

    def ag_loss(z):
        return -z.log_softmax(1).gather(1, ag_labels[:, None]).mean()

    runners["ndgrad"] = lambda: autodiff_step(ag_params, ag_x, ag_loss)

    if torch is not None:
        t_params = [torch.tensor(p, requires_grad=True) for p in params]
        t_x, t_labels = torch.tensor(x), torch.tensor(labels)
        runners["torch"] = lambda: autodiff_step(t_params, t_x, lambda z: F.cross_entropy(z, t_labels))
    return runners


def check_agreement(runners, batch: int) -> None:
    """Abort unless every library gives NumPy's loss and gradients, all in float32."""
    results = {}
    for name, step in runners.items():
        loss, grads = step()
        if name != "numpy":  # ndgrad and torch: loss tensor, parameters holding .grad
            loss, grads = loss.item(), [p.grad.numpy() for p in grads]
        results[name] = [np.float32(loss), *grads]
    for name, values in results.items():
        for what, got, want in zip(("loss", *NAMES), values, results["numpy"]):
            problem = None
            if got.dtype != np.float32:
                problem = f"has dtype {got.dtype}, not float32"
            elif got.shape != want.shape:
                problem = f"has shape {got.shape}, numpy's has {want.shape}"
            elif not np.allclose(got, want, rtol=RTOL, atol=ATOL):
                err = np.max(np.abs(got.astype(np.float64) - want))
                problem = f"differs from numpy's by up to {err:.3g} (rtol {RTOL}, atol {ATOL})"
            if problem:
                sys.exit(f"ABORT (batch {batch}): {name} {what} {problem}; not timing.")


def time_runners(runners, rounds: int, steps: int, warmup: int) -> dict[str, float]:
    """Median over rounds of the mean per-step seconds; libraries alternate within each round.

    Before each timed block: a pause, so the previous library's worker threads (OpenBLAS's, torch's
    OpenMP) stop spin-waiting and stealing cores, then a few untimed steps to refill caches.
    """
    for step in runners.values():
        for _ in range(warmup):
            step()
    names = list(runners)
    samples = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            step = runners[name]
            time.sleep(SETTLE_SECONDS)
            for _ in range(SETTLE_STEPS):
                step()
            start = time.perf_counter()
            for _ in range(steps):
                step()
            samples[name].append((time.perf_counter() - start) / steps)
    return {name: statistics.median(s) for name, s in samples.items()}


def machine_info() -> dict:
    info = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "platform": platform.platform(), "machine": platform.machine(),
            "cpu_count": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "ndgrad": ag.__version__, "blas": None,
            "torch": torch.__version__ if torch is not None else "skipped (import torch failed)",
            "torch_threads": torch.get_num_threads() if torch is not None else None}
    try:  # numpy >= 1.26 keeps build info here; read it quietly rather than via show_config
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except (AttributeError, KeyError, TypeError):
        pass  # older numpy: leave blas as None
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few rounds, for a smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    args = parser.parse_args()
    rounds, steps, warmup = (3, 5, 2) if args.quick else (20, 25, 10)

    info = machine_info()
    for key, value in info.items():
        print(f"{key:>13}: {value}")
    print(f"timing: {rounds} rounds x {steps} steps per library, median of per-round means\n")

    print(f"{'batch':>6} {'numpy ms':>9} {'ndgrad ms':>10} {'ndgrad/numpy':>13} "
          f"{'torch ms':>9} {'ndgrad/torch':>13}")
    setups = {batch: make_runners(*make_data(batch)) for batch in BATCHES}
    for batch, runners in setups.items():
        check_agreement(runners, batch)  # exits before any timing if the libraries disagree
    results = []
    for batch, runners in setups.items():
        t = {k: v * 1e3 for k, v in time_runners(runners, rounds, steps, warmup).items()}
        row = {"batch": batch, "numpy_ms": t["numpy"], "ndgrad_ms": t["ndgrad"],
               "ndgrad_over_numpy": t["ndgrad"] / t["numpy"], "torch_ms": t.get("torch"),
               "ndgrad_over_torch": t["ndgrad"] / t["torch"] if "torch" in t else None}
        results.append(row)
        torch_cols = (f"{row['torch_ms']:9.3f} {row['ndgrad_over_torch']:13.2f}" if "torch" in t
                      else f"{'-':>9} {'-':>13}")
        print(f"{batch:>6} {row['numpy_ms']:9.3f} {row['ndgrad_ms']:10.3f} "
              f"{row['ndgrad_over_numpy']:13.2f} {torch_cols}", flush=True)

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "rounds": rounds, "steps": steps, "warmup": warmup,
                       "settle_seconds": SETTLE_SECONDS, "settle_steps": SETTLE_STEPS,
                       "results": results}, f, indent=2)
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()

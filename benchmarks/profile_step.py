"""cProfile of the batch-32 MLP SGD step and of the 1,000-add chain: where ndgrad's Python time goes.

    python benchmarks/profile_step.py                                # this checkout
    REPO=/path/to/other/checkout python benchmarks/profile_step.py   # e.g. an older commit

Prints, for each, the Python-level calls per unit and the functions with the most own time.
cProfile inflates every call, so compare call counts and the order of the rows; measure speed
with ``benchmarks/run.py``.
"""

import cProfile
import io
import os
import pstats
import sys

REPO = os.environ.get("REPO", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO)

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import optim  # noqa: E402

ROWS = 12


def mlp_step():
    """A function running one batch-32 784-100-10 SGD step (the suite's ``mlp_sgd_b32``)."""
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    x = ag.tensor(rng.standard_normal((32, 784)).astype(np.float32))
    y = ag.tensor(rng.integers(0, 10, 32))
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return step


def add_chain():
    """A function running 1,000 recorded (4, 4) adds and their backward (the suite's ``chain_1k``)."""
    x = ag.tensor(np.ones((4, 4), np.float32), requires_grad=True)
    c = ag.tensor(np.ones((4, 4), np.float32))
    gradient = np.ones((4, 4), np.float32)

    def chain():
        y = x
        for _ in range(1000):
            y = y + c
        y.backward(gradient)
        x.grad = None

    return chain


def report(name: str, unit: str, run, repeats: int) -> None:
    for _ in range(max(3, repeats // 40)):  # warm up
        run()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(repeats):
        run()
    profile.disable()
    stats = pstats.Stats(profile)
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(ROWS)
    print(f"### {name}: {stats.total_calls / repeats:.0f} Python-level calls per {unit}, "
          f"{stats.total_tt / repeats * 1e3:.3f} ms per {unit} under cProfile")
    rows = [line for line in text.getvalue().splitlines() if "ncalls" in line or ":" in line]
    for line in rows[:ROWS + 1]:
        print("    " + line.replace(REPO + os.sep, ""))


if __name__ == "__main__":
    report("b32 MLP SGD step", "step", mlp_step(), 2000)
    report("1,000-add chain", "chain", add_chain(), 20)

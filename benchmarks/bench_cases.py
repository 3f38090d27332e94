"""The suite's cases: their seeded data, and one builder per library.

A case's data (weights, inputs, labels) is made once, from fixed seeds, by ``make_data`` and
handed to every library, so all of them start from the same numbers. ``build(lib, case, data)``
returns a ``Bench``: ``step()`` runs one timed unit (a training step: zero_grad, forward,
loss, backward, optimizer step; or one add chain, forward and backward), ``values()`` runs the
exactness check from the initial state (the first 20 losses, or a chain's output and input
gradient), ``probe()`` runs one step and also returns a weak reference to a hidden activation
(None where there is no graph) for the memory check, and ``state_bytes()`` is the size of what
every implementation holds between steps (data, parameters, optimizer state).

ndgrad and PyTorch run literally the same code (``_autodiff_*`` below, given either library's
``nn``/``optim``/``tensor``), written the idiomatic way a user would: ``nn.Sequential`` of
``nn.Linear`` and activations, a loss Module, an optimizer, ``zero_grad``/``backward``/``step``.
The NumPy versions are in ``numpy_baselines.py``, the MyGrad ones (by hand, on mygrad tensors) in
``mygrad_cases.py``. This module imports neither ndgrad, torch nor mygrad at import time: each
worker process imports only its own library.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import numpy_baselines as npb

CHECK_STEPS = 20  # losses compared with PyTorch's before anything is timed
TOLERANCE = 1e-5  # |a - b| <= TOLERANCE * (1 + |b|), float32
MLP_SIZES = (784, 100, 10)
SPIRAL_SIZES = (2, 128, 64, 1)
OPTIMIZERS = {"sgd": {"lr": 0.1}, "adam": {"lr": 1e-3}}
SPIRAL_OPTIMIZER = ("sgd", {"lr": 1e-3, "momentum": 0.9})  # tutorial 000's
LONG_CHAIN = 100_000
LENET_BATCH = 64
LENET_OPTIMIZER = ("sgd", {"lr": 0.01, "momentum": 0.9})
LSTM_SIZES = {"seq": 50, "batch": 32, "input": 32, "hidden": 64}
LSTM_OPTIMIZER = ("adam", {"lr": 1e-3})


@dataclass(frozen=True)
class Case:
    name: str
    label: str
    kind: str  # "mlp", "spiral", "lenet", "lstm", "chain"
    libs: tuple[str, ...]
    params: dict = field(default_factory=dict)

    @property
    def ops(self) -> int:
        """Ops per step (for the time per op of the add chains)."""
        return self.params.get("n", 1)


ALL_LIBS = ("numpy", "ndgrad", "torch", "mygrad")


def _mlp(optimizer: str, batch: int) -> Case:
    return Case(f"mlp_{optimizer}_b{batch}", f"MLP step {optimizer.upper()} b{batch}", "mlp",
                ALL_LIBS, {"optimizer": optimizer, "batch": batch})


CASES = [_mlp(opt, batch) for opt in ("sgd", "adam") for batch in (32, 128, 1024)] + [
    Case("spiral", "spiral 2-128-64-1 b500", "spiral", ALL_LIBS),
    Case("add", "one (4,4) add fwd+bwd", "chain", ALL_LIBS, {"n": 1}),
    Case("chain_1k", "1,000-add chain fwd+bwd", "chain", ALL_LIBS, {"n": 1000}),
    Case("lenet", f"LeNet-5 step b{LENET_BATCH}", "lenet", ("ndgrad", "torch")),
    Case("lstm", "LSTM step s50 b32 h64", "lstm", ("ndgrad", "torch")),
]
LONG_CHAIN_CASE = Case("chain_100k", "100,000-add chain fwd+bwd", "chain", ("ndgrad", "torch", "mygrad"),
                       {"n": LONG_CHAIN})
MEMORY_CASES = [c for c in CASES if c.kind == "mlp" and c.params["batch"] == 1024]


def case_by_name(name: str, long_chain: int = LONG_CHAIN) -> Case:
    if name == LONG_CHAIN_CASE.name:
        return Case(LONG_CHAIN_CASE.name, LONG_CHAIN_CASE.label, "chain", LONG_CHAIN_CASE.libs,
                    {"n": long_chain})
    return next(c for c in CASES if c.name == name)


# ---- data -------------------------------------------------------------------------------
def _uniform_linear(rng, sizes) -> list[np.ndarray]:
    """PyTorch's nn.Linear init, W (out, in) and b uniform in +-1/sqrt(in), float32."""
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return params


# the parameters' shapes, in ``model.parameters()`` order (the same in ndgrad and PyTorch)
LENET_SHAPES = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,), (84, 120), (84,),
                (10, 84), (10,)]
_H4 = 4 * LSTM_SIZES["hidden"]
LSTM_SHAPES = [(_H4, LSTM_SIZES["input"]), (_H4, LSTM_SIZES["hidden"]), (_H4,), (_H4,),
               (1, LSTM_SIZES["hidden"]), (1,)]


def _uniform(rng, shapes, fan_ins) -> list[np.ndarray]:
    """Each parameter uniform in +-1/sqrt(fan_in) (PyTorch's conv, linear and LSTM bounds)."""
    return [rng.uniform(-b, b, shape).astype(np.float32)
            for shape, b in zip(shapes, 1.0 / np.sqrt(fan_ins))]


def make_data(case: Case) -> dict[str, np.ndarray]:
    """Arrays named ``w0, w1, ...`` (the parameters in order), ``x`` and ``y``."""
    if case.kind == "mlp":
        batch = case.params["batch"]
        rng = np.random.default_rng(batch)
        weights = _uniform_linear(rng, MLP_SIZES)
        x = rng.standard_normal((batch, MLP_SIZES[0]), dtype=np.float32)
        y = rng.integers(0, MLP_SIZES[-1], batch).astype(np.int64)
    elif case.kind == "spiral":
        from autograd.data.synthetic import make_spirals  # NumPy-only code; run by the parent

        x, labels = make_spirals(500, variant="random", seed=1)  # tutorial 000's data set
        y = labels.astype(np.float32)[:, None]
        weights = _uniform_linear(np.random.default_rng(0), SPIRAL_SIZES)
    elif case.kind == "lenet":  # MNIST-sized images
        rng = np.random.default_rng(5)
        weights = _uniform(rng, LENET_SHAPES, np.repeat([25, 150, 400, 120, 84], 2))
        x = rng.standard_normal((LENET_BATCH, 1, 28, 28), dtype=np.float32)
        y = rng.integers(0, 10, LENET_BATCH).astype(np.int64)
    elif case.kind == "lstm":  # regress one number from a sequence (seq, batch, feature)
        rng = np.random.default_rng(50)
        n = LSTM_SIZES
        weights = _uniform(rng, LSTM_SHAPES, [n["hidden"]] * 4 + [n["hidden"]] * 2)
        x = rng.standard_normal((n["seq"], n["batch"], n["input"]), dtype=np.float32)
        y = rng.standard_normal((n["batch"], 1), dtype=np.float32)
    else:
        rng = np.random.default_rng(case.ops)
        x = rng.standard_normal((4, 4), dtype=np.float32)
        y = (rng.standard_normal((4, 4)) * 1e-3).astype(np.float32)  # the added constant c
        weights = []
    return {**{f"w{i}": w for i, w in enumerate(weights)}, "x": x, "y": y}


def weights_of(data: dict[str, np.ndarray]) -> list[np.ndarray]:
    return [data[f"w{i}"] for i in range(sum(k.startswith("w") for k in data))]


# ---- benches ----------------------------------------------------------------------------
@dataclass
class Bench:
    step: Callable[[], object]
    values: Callable[[], list[float]]
    probe: Callable[[], tuple[object, weakref.ref | None]]
    state_bytes: Callable[[], int]


def build(lib: str, case: Case, data: dict[str, np.ndarray]) -> Bench:
    """A fresh Bench of ``case`` in ``lib`` ("numpy", "ndgrad", "torch" or "mygrad")."""
    if lib == "numpy":
        return _numpy_bench(case, data)
    if lib == "mygrad":  # written by hand (MyGrad has no nn/optim): mygrad_cases.py
        import mygrad_cases

        return mygrad_cases.build(case, data)
    api = _ndgrad_api() if lib == "ndgrad" else _torch_api()
    if case.kind == "chain":
        return _autodiff_chain(api, data, case.ops)
    return _autodiff_training(api, case, data)


def _numpy_bench(case: Case, data) -> Bench:
    if case.kind == "chain":
        chain = npb.AddChain(data["x"].copy(), data["y"].copy(), case.ops)
        return Bench(chain.step, chain.values, lambda: (chain.step(), None), chain.state_bytes)

    def make():  # own copies of the data, as the autodiff libraries' tensors are
        x, y = data["x"].copy(), data["y"].copy()
        if case.kind == "mlp":
            optimizer = case.params["optimizer"]
            return npb.MLPStep(weights_of(data), x, y, optimizer, OPTIMIZERS[optimizer])
        return npb.SpiralStep(weights_of(data), x, y, *SPIRAL_OPTIMIZER)

    model = make()

    def values():
        fresh = make()
        return [fresh.step() for _ in range(CHECK_STEPS)]

    return Bench(model.step, values, lambda: (model.step(), None), model.state_bytes)


def _ndgrad_api() -> SimpleNamespace:
    import autograd as ag
    import nn
    import optim

    return SimpleNamespace(nn=nn, optim=optim, no_grad=ag.no_grad,
                           tensor=lambda a, requires_grad=False: ag.tensor(a, requires_grad=requires_grad))


def _torch_api() -> SimpleNamespace:
    import torch

    return SimpleNamespace(nn=torch.nn, optim=torch.optim, no_grad=torch.no_grad,
                           tensor=lambda a, requires_grad=False: torch.tensor(a, requires_grad=requires_grad))


def _autodiff_training(api, case: Case, data) -> Bench:
    """The idiomatic training step, identical for ndgrad and PyTorch."""
    nn, optim = api.nn, api.optim
    x, y = api.tensor(data["x"]), api.tensor(data["y"])

    def make():
        if case.kind == "mlp":
            model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
            loss_fn = nn.CrossEntropyLoss()
            name = case.params["optimizer"]
            options = OPTIMIZERS[name]
        elif case.kind == "lenet":
            model = lenet(nn)
            loss_fn = nn.CrossEntropyLoss()
            name, options = LENET_OPTIMIZER
        elif case.kind == "lstm":
            model = LastStepRegressor(nn)
            loss_fn = nn.MSELoss()
            name, options = LSTM_OPTIMIZER
        else:  # tutorial 000
            model = nn.Sequential(nn.Linear(2, 128), nn.LeakyReLU(), nn.Linear(128, 64), nn.LeakyReLU(),
                                  nn.Linear(64, 1), nn.Sigmoid())
            loss_fn = nn.BCELoss()
            name, options = SPIRAL_OPTIMIZER
        with api.no_grad():
            for param, value in zip(model.parameters(), weights_of(data)):
                param.copy_(api.tensor(value))
        optimizer = {"sgd": optim.SGD, "adam": optim.Adam}[name](model.parameters(), **options)
        return model, loss_fn, optimizer

    model, loss_fn, optimizer = make()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    def values():
        fresh_model, fresh_loss_fn, fresh_optimizer = make()
        losses = []
        for _ in range(CHECK_STEPS):
            fresh_optimizer.zero_grad()
            loss = fresh_loss_fn(fresh_model(x), y)
            loss.backward()
            fresh_optimizer.step()
            losses.append(float(loss.item()))
        return losses

    def probe():
        """``step`` with the first hidden activation exposed (same ops, layer by layer)."""
        layers = list(model)
        optimizer.zero_grad()
        hidden = layers[1](layers[0](x))
        out = hidden
        for layer in layers[2:]:
            out = layer(out)
        loss = loss_fn(out, y)
        loss.backward()
        optimizer.step()
        return loss, weakref.ref(hidden)

    def state_bytes():
        state = [v for s in optimizer.state.values() for v in s.values() if hasattr(v, "detach")]
        return sum(_nbytes(t) for t in [x, y, *model.parameters(), *state])

    return Bench(step, values, probe, state_bytes)


def lenet(nn):
    """LeNet-5 on 28x28 inputs: two 5x5 convolutions with ReLU and 2x2 max-pooling, three Linear."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def LastStepRegressor(nn):  # noqa: N802 - builds the class for either library's nn
    """One-layer LSTM over (seq, batch, feature), then Linear(hidden, 1) on the last step's output."""

    class Regressor(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(LSTM_SIZES["input"], LSTM_SIZES["hidden"])
            self.head = nn.Linear(LSTM_SIZES["hidden"], 1)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[-1])

    return Regressor()


def _nbytes(tensor) -> int:
    return tensor.detach().numpy().nbytes


def _autodiff_chain(api, data, n: int) -> Bench:
    """``y = x + c + c + ... + c`` (``n`` adds, each recorded), then ``y.backward(ones)``."""
    x = api.tensor(data["x"], requires_grad=True)
    c = api.tensor(data["y"])
    grad_out = api.tensor(np.ones_like(data["x"]))

    def step():
        x.grad = None
        y = x
        for _ in range(n):
            y = y + c
        y.backward(grad_out)
        return y

    def values():
        y = step()
        return [*y.detach().numpy().ravel().tolist(), *x.grad.numpy().ravel().tolist()]

    def probe():
        return step(), None

    return Bench(step, values, probe, lambda: _nbytes(x) + _nbytes(c))


def compare(got: list[float], want: list[float]) -> dict:
    """Exactness verdict: every value within TOLERANCE * (1 + |want|)."""
    got_a, want_a = np.asarray(got, np.float64), np.asarray(want, np.float64)
    if got_a.shape != want_a.shape:
        return {"pass": False, "max_abs_diff": None, "why": f"{got_a.size} values vs {want_a.size}"}
    diff = np.abs(got_a - want_a)
    ok = bool(np.all(diff <= TOLERANCE * (1 + np.abs(want_a))))
    return {"pass": ok, "max_abs_diff": float(diff.max()) if diff.size else 0.0}

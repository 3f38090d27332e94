"""MyGrad's side of the suite: the cases MyGrad can run, written by hand with mygrad tensors.

MyGrad (2.5) has autodiff tensors and a few fused ``mygrad.nnet`` ops, but no Module, layers or
optimizers, so each case is written as a MyGrad user writes it: the parameters are
``mg.Tensor``s, the forward is mygrad ops, ``loss.backward()`` sets every parameter's ``.grad``
(MyGrad replaces gradients instead of accumulating them, so there is no ``zero_grad``), and the
update is ``numpy_baselines``' SGD/Adam (``torch.optim``'s formulas) applied in place to the
tensors' ``.data``. Per case:

- MLP 784-100-10: ``relu(x @ w1 + b1) @ w2 + b2`` and ``mygrad.nnet.softmax_crossentropy`` (fused:
  its backward is ``(softmax - onehot) / B``). The weights are stored (in, out), a transposed
  copy of PyTorch's (out, in), so the forward needs no transpose op: MyGrad's fastest idiomatic
  form (the elementwise optimizers give the same numbers in either layout).
- spiral 2-128-64-1: LeakyReLU(0.01) as ``maximum(z, 0.01 z)``, ``mygrad.nnet.sigmoid``, and
  PyTorch's BCELoss from mygrad ops, ``-mean(y max(log p, -100) + (1 - y) max(log(1 - p), -100))``.
- the add chains: ``y = x + c + ... + c`` with ``c`` a constant tensor, ``y.backward(ones)``.

MyGrad runs with its memory guarding off (``mygrad.turn_memory_guarding_off()``: no locking of
the arrays a graph holds, the fast mode its documentation offers). Constants are float32 NumPy
scalars: MyGrad turns a Python float into a float64 array, which would upcast the float32 work.
This module imports mygrad, so only the MyGrad worker imports it (``bench_cases.build``).
"""

from __future__ import annotations

import weakref

import bench_cases as bc
import mygrad as mg
import numpy as np
import numpy_baselines as npb
from mygrad.nnet.activations import relu, sigmoid
from mygrad.nnet.losses import softmax_crossentropy

F32 = np.float32
LEAKY_SLOPE = F32(0.01)
LOG_MIN = F32(-100)  # PyTorch's BCELoss clamps its logs at -100

CASE_KINDS = ("mlp", "spiral", "chain")  # LeNet and LSTM are not written for MyGrad


def setup() -> dict:
    """Turn MyGrad's memory guarding off; its version and guarding state, for the report."""
    mg.turn_memory_guarding_off()
    return {"version": mg.__version__, "memory_guarding": mg.mem_guard_active()}


def build(case: bc.Case, data: dict[str, np.ndarray]) -> bc.Bench:
    """A fresh Bench of ``case`` written with mygrad tensors (see the module docstring)."""
    setup()
    if case.kind == "chain":
        return _chain(data, case.ops)
    if case.kind not in CASE_KINDS:
        raise ValueError(f"mygrad_cases.build: no MyGrad version of case {case.name!r} "
                         f"(kind {case.kind!r}); MyGrad runs {', '.join(CASE_KINDS)}")
    return _training(case, data)


def _mlp_loss(params: list, x, y):
    w1, b1, w2, b2 = params
    hidden = relu(x @ w1 + b1)
    return softmax_crossentropy(hidden @ w2 + b2, y), hidden


def _spiral_loss(params: list, x, y, one_minus_y):
    out = x
    for i in range(3):
        z = out @ params[2 * i] + params[2 * i + 1]
        out = mg.maximum(z, LEAKY_SLOPE * z) if i < 2 else sigmoid(z)
    log_p = mg.maximum(mg.log(out), LOG_MIN)
    log_q = mg.maximum(mg.log(F32(1) - out), LOG_MIN)
    return -mg.mean(y * log_p + one_minus_y * log_q), None


def _training(case: bc.Case, data) -> bc.Bench:
    """A training step: forward, ``loss.backward()``, the NumPy optimizer on ``.data``."""
    x = mg.Tensor(data["x"].copy(), constant=True)
    y = data["y"].copy()
    if case.kind == "mlp":
        name = case.params["optimizer"]
        options = bc.OPTIMIZERS[name]

        def loss_of(params):
            return _mlp_loss(params, x, y)
    else:
        name, options = bc.SPIRAL_OPTIMIZER
        one_minus_y = (F32(1) - y).astype(F32)

        def loss_of(params):
            return _spiral_loss(params, x, y, one_minus_y)

    def make():
        # (in, out) weights: the transposes of PyTorch's (out, in), contiguous
        params = [mg.Tensor(np.array(w.T, order="C")) for w in bc.weights_of(data)]
        return params, npb.make_optimizer(name, [p.data for p in params], options)

    params, optimizer = make()

    def train(params, optimizer):
        loss, hidden = loss_of(params)
        loss.backward()
        optimizer.step([p.grad for p in params])
        return loss, hidden

    def step():
        return train(params, optimizer)[0]

    def values():
        fresh = make()
        return [float(train(*fresh)[0].item()) for _ in range(bc.CHECK_STEPS)]

    def probe():
        loss, hidden = train(params, optimizer)
        return loss, None if hidden is None else weakref.ref(hidden)

    def state_bytes():
        return npb.state_bytes([x.data, y], [p.data for p in params], npb.optimizer_state(optimizer))

    return bc.Bench(step, values, probe, state_bytes)


def _chain(data, n: int) -> bc.Bench:
    """``y = x + c + c + ... + c`` (``n`` adds, each recorded), then ``y.backward(ones)``."""
    x = mg.Tensor(data["x"].copy())
    c = mg.Tensor(data["y"].copy(), constant=True)
    grad_out = np.ones_like(data["x"])

    def step():
        y = x
        for _ in range(n):
            y = y + c
        y.backward(grad_out)
        return y

    def values():
        y = step()
        return [*y.data.ravel().tolist(), *x.grad.ravel().tolist()]

    return bc.Bench(step, values, lambda: (step(), None), lambda: x.data.nbytes + c.data.nbytes)

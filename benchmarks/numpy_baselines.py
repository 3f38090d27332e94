"""The hand-written NumPy baselines: what a careful NumPy programmer writes for each case.

Every baseline does the same arithmetic as the autodiff version, in float32, with buffers
allocated once and reused through ``out=`` (activations, gradients, optimizer state, scratch),
the fused softmax-cross-entropy gradient ``(softmax - onehot) / B`` and, for the spiral net,
the fused sigmoid-BCE gradient ``(p - y) / N``. Weights use PyTorch's layout, ``W`` of shape
(out_features, in_features), so ``x @ W.T`` (a transposed view: BLAS reads it without a copy).
Optimizer updates follow ``torch.optim`` (single-tensor code path), in place.
"""

from __future__ import annotations

import math

import numpy as np

F32 = np.float32


class SGD:
    """``torch.optim.SGD`` in place: ``b = g`` (first step) else ``b = mu b + g``; ``p -= lr b``.

    Without momentum simply ``p -= lr g``. The gradient arrays are used as scratch (the next
    backward overwrites them anyway).
    """

    def __init__(self, params: list[np.ndarray], lr: float, momentum: float = 0.0) -> None:
        self.params, self.lr, self.momentum = params, F32(lr), F32(momentum)
        self.buffers = [np.zeros_like(p) for p in params] if momentum else None
        self.started = False

    def step(self, grads: list[np.ndarray]) -> None:
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.buffers is not None:
                b = self.buffers[i]
                if self.started:
                    b *= self.momentum
                    b += g
                else:
                    np.copyto(b, g)
                g = np.multiply(b, self.lr, out=g)
            else:
                g *= self.lr
            p -= g
        self.started = True


class Adam:
    """``torch.optim.Adam`` in place, bias correction visible::

        m = lerp(m, g, 1 - beta1);   v = beta2 v + (1 - beta2) g^2
        p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """

    def __init__(self, params: list[np.ndarray], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        self.params, self.lr, self.eps = params, lr, F32(eps)
        self.beta1, self.beta2 = betas
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        step_size = F32(self.lr / (1 - self.beta1 ** self.t))
        bias_correction2_sqrt = F32(math.sqrt(1 - self.beta2 ** self.t))
        one_minus_beta1, beta2, one_minus_beta2 = F32(1 - self.beta1), F32(self.beta2), F32(1 - self.beta2)
        for p, g, m, v, s in zip(self.params, grads, self.m, self.v, self.scratch):
            np.subtract(g, m, out=s)  # m = m + (1 - beta1) (g - m)
            s *= one_minus_beta1
            m += s
            v *= beta2  # v = beta2 v + (1 - beta2) g g
            np.multiply(g, g, out=s)
            s *= one_minus_beta2
            v += s
            np.sqrt(v, out=s)  # denominator
            s /= bias_correction2_sqrt
            s += self.eps
            np.divide(m, s, out=s)
            s *= step_size
            p -= s


def make_optimizer(name: str, params: list[np.ndarray], options: dict):
    return {"sgd": SGD, "adam": Adam}[name](params, **options)


def optimizer_state(optimizer) -> list[np.ndarray]:
    """The optimizer's state proper (momentum buffers, Adam's m and v), not its scratch."""
    if isinstance(optimizer, Adam):
        return optimizer.m + optimizer.v
    return optimizer.buffers or []


def state_bytes(*arrays: list[np.ndarray]) -> int:
    return sum(a.nbytes for group in arrays for a in group)


class MLPStep:
    """784-100-10 MLP, ReLU, cross-entropy (mean over the batch), one optimizer step."""

    def __init__(self, weights: list[np.ndarray], x: np.ndarray, labels: np.ndarray,
                 optimizer: str, options: dict) -> None:
        self.params = [w.copy() for w in weights]  # W1 (100, 784), b1, W2 (10, 100), b2
        self.x, self.labels = x, labels
        batch, hidden, classes = x.shape[0], weights[0].shape[0], weights[2].shape[0]
        self.rows = np.arange(batch)
        self.inv_batch = F32(1.0 / batch)
        self.h = np.empty((batch, hidden), F32)
        self.mask = np.empty((batch, hidden), bool)
        self.z = np.empty((batch, classes), F32)
        self.zmax = np.empty((batch, 1), F32)
        self.total = np.empty((batch, 1), F32)
        self.dh = np.empty((batch, hidden), F32)
        self.grads = [np.empty_like(p) for p in self.params]
        self.optimizer = make_optimizer(optimizer, self.params, options)

    def step(self) -> float:
        w1, b1, w2, b2 = self.params
        gw1, gb1, gw2, gb2 = self.grads
        h, z, x, rows, labels = self.h, self.z, self.x, self.rows, self.labels
        np.matmul(x, w1.T, out=h)  # forward
        h += b1
        np.maximum(h, 0, out=h)
        np.matmul(h, w2.T, out=z)
        z += b2
        np.max(z, axis=1, keepdims=True, out=self.zmax)  # loss: log-sum-exp, shifted
        z -= self.zmax
        picked = z[rows, labels]
        np.exp(z, out=z)
        np.sum(z, axis=1, keepdims=True, out=self.total)
        loss = (np.log(self.total).sum() - picked.sum()) * self.inv_batch
        z /= self.total  # z = softmax; dL/dlogits = (softmax - onehot) / B
        z[rows, labels] -= 1
        z *= self.inv_batch
        np.matmul(z.T, h, out=gw2)  # backward
        np.sum(z, axis=0, out=gb2)
        np.matmul(z, w2, out=self.dh)
        np.greater(h, 0, out=self.mask)
        np.multiply(self.dh, self.mask, out=self.dh)
        np.matmul(self.dh.T, x, out=gw1)
        np.sum(self.dh, axis=0, out=gb1)
        self.optimizer.step(self.grads)
        return float(loss)

    def state_bytes(self) -> int:
        """Data, parameters and optimizer state: what any implementation holds between steps."""
        return state_bytes([self.x, self.labels], self.params, optimizer_state(self.optimizer))


class SpiralStep:
    """Tutorial 000's net: 2-128-64-1, LeakyReLU(0.01), sigmoid + BCE, SGD with momentum."""

    def __init__(self, weights: list[np.ndarray], x: np.ndarray, y: np.ndarray,
                 optimizer: str, options: dict, slope: float = 0.01) -> None:
        self.params = [w.copy() for w in weights]  # W1 (128, 2), b1, W2 (64, 128), b2, W3 (1, 64), b3
        self.x, self.y, self.slope = x, y, F32(slope)
        self.one_minus_y = (1 - y).astype(F32)
        n = x.shape[0]
        self.inv_n = F32(1.0 / n)
        sizes = [weights[0].shape[0], weights[2].shape[0], weights[4].shape[0]]
        self.pre = [np.empty((n, k), F32) for k in sizes]  # pre-activations; pre[2] = logits
        self.act = [np.empty((n, k), F32) for k in sizes]  # activations; act[2] = probabilities
        self.mask = [np.empty((n, k), bool) for k in sizes[:2]]
        self.delta = [np.empty((n, k), F32) for k in sizes]
        self.log = np.empty((n, 1), F32)
        self.grads = [np.empty_like(p) for p in self.params]
        self.optimizer = make_optimizer(optimizer, self.params, options)

    def step(self) -> float:
        pre, act, mask, delta, slope = self.pre, self.act, self.mask, self.delta, self.slope
        inputs = [self.x, act[0], act[1]]
        for i in range(3):  # forward
            w, b = self.params[2 * i], self.params[2 * i + 1]
            np.matmul(inputs[i], w.T, out=pre[i])
            pre[i] += b
            if i < 2:  # leaky_relu(x) = max(x, slope x) for 0 < slope < 1
                np.multiply(pre[i], slope, out=act[i])
                np.maximum(pre[i], act[i], out=act[i])
                np.greater(pre[i], 0, out=mask[i])
        p = act[2]
        np.negative(pre[2], out=p)  # p = 1 / (1 + e^-z)
        np.exp(p, out=p)
        p += 1
        np.reciprocal(p, out=p)
        # BCE as PyTorch: -mean(y max(log p, -100) + (1 - y) max(log(1 - p), -100))
        log = self.log
        np.log(p, out=log)
        np.maximum(log, -100, out=log)
        loss = float(np.dot(self.y[:, 0], log[:, 0]))
        np.subtract(1, p, out=log)
        np.log(log, out=log)
        np.maximum(log, -100, out=log)
        loss = -(loss + float(np.dot(self.one_minus_y[:, 0], log[:, 0]))) * float(self.inv_n)
        np.subtract(p, self.y, out=delta[2])  # dL/dlogits = (p - y) / N (sigmoid + BCE fused)
        delta[2] *= self.inv_n
        for i in (2, 1, 0):  # backward
            np.matmul(delta[i].T, inputs[i], out=self.grads[2 * i])
            np.sum(delta[i], axis=0, out=self.grads[2 * i + 1])
            if i > 0:
                d_act = pre[i - 1]  # no longer needed: scratch for dL/d act[i-1]
                np.matmul(delta[i], self.params[2 * i], out=d_act)
                np.multiply(d_act, slope, out=delta[i - 1])  # leaky_relu': 1 if x > 0 else slope
                np.copyto(delta[i - 1], d_act, where=mask[i - 1])
        self.optimizer.step(self.grads)
        return np.float32(loss).item()

    def state_bytes(self) -> int:
        return state_bytes([self.x, self.y], self.params, optimizer_state(self.optimizer))


class AddChain:
    """``n`` tiny adds ``y = y + c`` (n = 1: a single add) and their backward.

    The backward of an add passes the upstream gradient through unchanged, so the NumPy floor
    is the ``n`` adds plus one copy of the upstream gradient into ``x``'s gradient.
    """

    def __init__(self, x: np.ndarray, c: np.ndarray, n: int) -> None:
        self.x, self.c, self.n = x, c, n
        self.y = np.empty_like(x)
        self.grad_out = np.ones_like(x)
        self.grad_x = np.empty_like(x)

    def step(self) -> np.ndarray:
        y, c = self.y, self.c
        np.add(self.x, c, out=y)
        for _ in range(self.n - 1):
            np.add(y, c, out=y)
        np.copyto(self.grad_x, self.grad_out)
        return y

    def state_bytes(self) -> int:
        return state_bytes([self.x, self.c])

    def values(self) -> list[float]:
        """The outputs and the gradient of x after one step, for the exactness check."""
        y = self.step()
        return [*y.ravel().tolist(), *self.grad_x.ravel().tolist()]

"""Backprop by hand through a small tanh MLP, checked against autograd with allclose (the
"becoming a backprop ninja" exercise, on synthetic data)."""

import json

import numpy as np
import torch

rng = np.random.default_rng(3)
n, d_in, d_h, d_out = 32, 5, 16, 3
X = torch.tensor(rng.standard_normal((n, d_in)), dtype=torch.float64)
Y = torch.tensor(rng.integers(0, d_out, n))
W1 = torch.tensor(rng.standard_normal((d_in, d_h)) * 0.5, dtype=torch.float64, requires_grad=True)
b1 = torch.tensor(rng.standard_normal(d_h) * 0.1, dtype=torch.float64, requires_grad=True)
W2 = torch.tensor(rng.standard_normal((d_h, d_out)) * 0.5, dtype=torch.float64, requires_grad=True)
b2 = torch.tensor(rng.standard_normal(d_out) * 0.1, dtype=torch.float64, requires_grad=True)

# forward, step by step, keeping every intermediate
hpre = X @ W1 + b1
h = torch.tanh(hpre)
logits = h @ W2 + b2
logit_maxes = logits.max(1, keepdim=True).values
norm_logits = logits - logit_maxes
counts = norm_logits.exp()
counts_sum = counts.sum(1, keepdim=True)
probs = counts / counts_sum
logprobs = probs.log()
loss = -logprobs[range(n), Y].mean()
for t in (hpre, h, logits, norm_logits, counts, counts_sum, probs, logprobs):
    t.retain_grad()
loss.backward()

# backward by hand
dlogprobs = torch.zeros_like(logprobs)
dlogprobs[range(n), Y] = -1.0 / n
dprobs = dlogprobs / probs
dcounts_sum = (-counts / counts_sum ** 2 * dprobs).sum(1, keepdim=True)
dcounts = dprobs / counts_sum + dcounts_sum
dnorm_logits = counts * dcounts
dlogits = dnorm_logits.clone()
dlogits += -dnorm_logits.sum(1, keepdim=True) * (logits == logit_maxes)
dh = dlogits @ W2.T
dW2 = h.T @ dlogits
db2 = dlogits.sum(0)
dhpre = (1.0 - h ** 2) * dh
dW1 = X.T @ dhpre
db1 = dhpre.sum(0)

checks = {}
for name, mine, auto in [("logprobs", dlogprobs, logprobs.grad), ("probs", dprobs, probs.grad),
                         ("logits", dlogits, logits.grad), ("h", dh, h.grad),
                         ("W2", dW2, W2.grad), ("b2", db2, b2.grad), ("W1", dW1, W1.grad),
                         ("b1", db1, b1.grad)]:
    exact = torch.all(mine == auto).item()
    close = torch.allclose(mine, auto)
    maxdiff = (mine - auto).abs().max().item()
    print(f"{name:10s} | exact: {str(exact):5s} | approximate: {str(close):5s} | maxdiff: {maxdiff}")
    checks[name] = close
print("RESULT", json.dumps({"loss": loss.item(), "allclose": checks,
                            "dW1_norm": dW1.norm().item()}))

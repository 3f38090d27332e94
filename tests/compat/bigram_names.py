"""A bigram character model of names: count table, sampling with a seeded Generator and
multinomial, the negative log likelihood, then the same model as a one-layer net trained with
one_hot inputs (makemore, part 1)."""

import json

import numpy as np
import torch
import torch.nn.functional as F
from _names import NAMES

chars = sorted(set("".join(NAMES)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
V = len(stoi)

N = torch.zeros((V, V), dtype=torch.int32)
for w in NAMES:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        N[stoi[ch1], stoi[ch2]] += 1
P = (N + 1).float()
P /= P.sum(1, keepdim=True)

g = torch.Generator().manual_seed(2147483647)
samples = []
for _ in range(5):
    out, ix = [], 0
    while True:
        p = P[ix]
        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
        if ix == 0:
            break
        out.append(itos[ix])
    samples.append("".join(out))
print("samples:", samples)

log_likelihood, n = 0.0, 0
for w in NAMES:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        log_likelihood += torch.log(P[stoi[ch1], stoi[ch2]])
        n += 1
nll = -log_likelihood / n
print(f"nll {nll.item():.4f}, log10 of the pair count {torch.log10(torch.tensor(float(n))).item():.4f}")

xs, ys = [], []
for w in NAMES:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs, ys = torch.tensor(xs), torch.tensor(ys)
num = xs.nelement()
W = torch.tensor(np.random.default_rng(0).standard_normal((V, V)), dtype=torch.float32,
                 requires_grad=True)
for k in range(60):
    xenc = F.one_hot(xs, num_classes=V).float()
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W ** 2).mean()
    W.grad = None
    loss.backward()
    W.data += -20 * W.grad
print(f"net loss {loss.item():.4f}")
print("RESULT", json.dumps({"count_nll": nll.item(), "pairs": num, "net_loss": loss.item(),
                            "samples": len(samples)}))

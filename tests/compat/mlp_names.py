"""A character-level MLP language model with an embedding table looked up by indexing
(makemore, part 2): C[X], view, tanh hidden layer, cross_entropy, minibatches, lr decay."""

import json

import numpy as np
import torch
import torch.nn.functional as F
from _names import NAMES

chars = sorted(set("".join(NAMES)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
block_size = 3


def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    return torch.tensor(X), torch.tensor(Y)


Xtr, Ytr = build_dataset(NAMES)
rng = np.random.default_rng(42)
V, emb, hidden = len(stoi), 6, 64
C = torch.tensor(rng.standard_normal((V, emb)), dtype=torch.float32)
W1 = torch.tensor(rng.standard_normal((block_size * emb, hidden)) * 0.2, dtype=torch.float32)
b1 = torch.tensor(rng.standard_normal(hidden) * 0.01, dtype=torch.float32)
W2 = torch.tensor(rng.standard_normal((hidden, V)) * 0.01, dtype=torch.float32)
b2 = torch.zeros(V)
parameters = [C, W1, b1, W2, b2]
print("parameters:", sum(p.nelement() for p in parameters))
for p in parameters:
    p.requires_grad = True

batches = rng.integers(0, Xtr.shape[0], (400, 32))
for i, batch in enumerate(batches):
    ix = torch.from_numpy(batch)
    embs = C[Xtr[ix]]
    h = torch.tanh(embs.view(-1, block_size * emb) @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Ytr[ix])
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if i < 300 else 0.01
    for p in parameters:
        p.data += -lr * p.grad

with torch.no_grad():
    h = torch.tanh(C[Xtr].view(-1, block_size * emb) @ W1 + b1)
    full = F.cross_entropy(h @ W2 + b2, Ytr)
print(f"train loss {full.item():.4f}")
print("RESULT", json.dumps({"train_loss": full.item(), "last_batch_loss": loss.item()}))

"""makemore part 3 of Karpathy's "Neural Networks: Zero to Hero" (makemore_part3_bn.ipynb):
the MLP language model with a hand-written batch norm layer. Splits made with random.seed(42)
and random.shuffle, the expected initial loss -torch.tensor(1/27.0).log(), W1 scaled by
(5/3)/((n_embd * block_size)**0.5), hpreact.mean(0, keepdim=True) and std, running statistics
updated under torch.no_grad(), p.grad = None and p.data += -lr * p.grad with a step decay,
calibration over the training set, a @torch.no_grad() split_loss, and sampling. Names come from
tests/compat/_names.py; torch.randn(..., generator=g) and torch.randint keep their calls, but
their values are replaced by NumPy draws (same_randn/same_randint) so both libraries agree."""

import json
import random

import numpy as np
import torch
import torch.nn.functional as F
from _names import NAMES

rng = np.random.default_rng(2147483647)


def same_randn(t):  # torch's and ndgrad's generators differ: take t's shape, NumPy's numbers
    return torch.from_numpy(rng.standard_normal(tuple(t.shape)).astype(np.float32))


def same_randint(t, high):
    return torch.from_numpy(rng.integers(0, high, tuple(t.shape)))


# read in all the words
words = list(NAMES)
print(len(words))
print(max(len(w) for w in words))
print(words[:8])

# build the vocabulary of characters and mappings to/from integers
chars = sorted(list(set(''.join(words))))
stoi = {s: i+1 for i, s in enumerate(chars)}
stoi['.'] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)
print(itos)
print(vocab_size)

# build the dataset
block_size = 3  # context length: how many characters do we take to predict the next one?


def build_dataset(words):
    X, Y = [], []

    for w in words:
        context = [0] * block_size
        for ch in w + '.':
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]  # crop and append

    X = torch.tensor(X)
    Y = torch.tensor(Y)
    print(X.shape, Y.shape)
    return X, Y


random.seed(42)
random.shuffle(words)
n1 = int(0.8*len(words))
n2 = int(0.9*len(words))

Xtr,  Ytr  = build_dataset(words[:n1])     # 80%
Xdev, Ydev = build_dataset(words[n1:n2])   # 10%
Xte,  Yte  = build_dataset(words[n2:])     # 10%

expected_initial = -torch.tensor(1/27.0).log()

# MLP revisited
n_embd = 10  # the dimensionality of the character embedding vectors
n_hidden = 200  # the number of neurons in the hidden layer of the MLP

g = torch.Generator().manual_seed(2147483647)  # for reproducibility
C  = same_randn(torch.randn((vocab_size, n_embd),            generator=g))
W1 = (same_randn(torch.randn((n_embd * block_size, n_hidden), generator=g))
      * (5/3)/((n_embd * block_size)**0.5))
# b1 = torch.randn(n_hidden,                        generator=g) * 0.01
W2 = same_randn(torch.randn((n_hidden, vocab_size),          generator=g)) * 0.01
b2 = same_randn(torch.randn(vocab_size,                      generator=g)) * 0

# BatchNorm parameters
bngain = torch.ones((1, n_hidden))
bnbias = torch.zeros((1, n_hidden))
bnmean_running = torch.zeros((1, n_hidden))
bnstd_running = torch.ones((1, n_hidden))

parameters = [C, W1, W2, b2, bngain, bnbias]
print(sum(p.nelement() for p in parameters))  # number of parameters in total
for p in parameters:
    p.requires_grad = True

# same optimization as last time
max_steps = 1000
batch_size = 32
lossi = []

for i in range(max_steps):

    # minibatch construct
    ix = same_randint(torch.randint(0, Xtr.shape[0], (batch_size,), generator=g), Xtr.shape[0])
    Xb, Yb = Xtr[ix], Ytr[ix]  # batch X,Y

    # forward pass
    emb = C[Xb]  # embed the characters into vectors
    embcat = emb.view(emb.shape[0], -1)  # concatenate the vectors
    # Linear layer
    hpreact = embcat @ W1  # + b1 # hidden layer pre-activation
    # BatchNorm layer
    # -------------------------------------------------------------
    bnmeani = hpreact.mean(0, keepdim=True)
    bnstdi = hpreact.std(0, keepdim=True)
    hpreact = bngain * (hpreact - bnmeani) / bnstdi + bnbias
    with torch.no_grad():
        bnmean_running = 0.999 * bnmean_running + 0.001 * bnmeani
        bnstd_running = 0.999 * bnstd_running + 0.001 * bnstdi
    # -------------------------------------------------------------
    # Non-linearity
    h = torch.tanh(hpreact)  # hidden layer
    logits = h @ W2 + b2  # output layer
    loss = F.cross_entropy(logits, Yb)  # loss function
    if i == 0:
        first_loss = loss.item()
        saturated = (h.abs() > 0.99).float().mean().item()

    # backward pass
    for p in parameters:
        p.grad = None
    loss.backward()

    # update
    lr = 0.1 if i < 750 else 0.01  # step learning rate decay
    for p in parameters:
        p.data += -lr * p.grad

    # track stats
    if i % 100 == 0:  # print every once in a while
        print(f'{i:7d}/{max_steps:7d}: {loss.item():.4f}')
    lossi.append(loss.log10().item())

smoothed = torch.tensor(lossi).view(-1, 100).mean(1)

# calibrate the batch norm at the end of training
with torch.no_grad():
    # pass the training set through
    emb = C[Xtr]
    embcat = emb.view(emb.shape[0], -1)
    hpreact = embcat @ W1  # + b1
    # measure the mean/std over the entire training set
    bnmean = hpreact.mean(0, keepdim=True)
    bnstd = hpreact.std(0, keepdim=True)

split_losses = {}


@torch.no_grad()  # this decorator disables gradient tracking
def split_loss(split):
    x, y = {
        'train': (Xtr, Ytr),
        'val': (Xdev, Ydev),
        'test': (Xte, Yte),
    }[split]
    emb = C[x]  # (N, block_size, n_embd)
    embcat = emb.view(emb.shape[0], -1)  # concat into (N, block_size * n_embd)
    hpreact = embcat @ W1  # + b1
    hpreact = bngain * (hpreact - bnmean_running) / bnstd_running + bnbias
    h = torch.tanh(hpreact)  # (N, n_hidden)
    logits = h @ W2 + b2  # (N, vocab_size)
    loss = F.cross_entropy(logits, y)
    print(split, loss.item())
    split_losses[split] = [loss.item(), loss.requires_grad]


split_loss('train')
split_loss('val')

# sample from the model
g = torch.Generator().manual_seed(2147483647 + 10)
samples = []
for _ in range(5):
    out = []
    context = [0] * block_size  # initialize with all ...
    while True:
        # forward pass the neural net
        emb = C[torch.tensor([context])]  # (1,block_size,n_embd)
        hpreact = emb.view(1, -1) @ W1
        hpreact = bngain * (hpreact - bnmean) / bnstd + bnbias
        h = torch.tanh(hpreact)
        logits = h @ W2 + b2
        probs = F.softmax(logits, dim=1)
        # sample from the distribution
        ix = torch.multinomial(probs, num_samples=1, generator=g).item()
        # shift the context window and track the samples
        context = context[1:] + [ix]
        out.append(ix)
        # if we sample the special '.' token, break
        if ix == 0:
            break
    samples.append(''.join(itos[i] for i in out))
print(samples)

print("RESULT", json.dumps({
    "sizes": [list(Xtr.shape), list(Xdev.shape), list(Xte.shape)], "vocab": vocab_size,
    "expected_initial": expected_initial.item(), "first_loss": first_loss, "saturated": saturated,
    "smoothed": smoothed.tolist(), "split": split_losses,
    "running": [bnmean_running.mean().item(), bnstd_running.mean().item()],
    "calibrated": [bnmean.mean().item(), bnstd.mean().item()],
    "samples": [len(samples), all(s.endswith('.') for s in samples)]}))

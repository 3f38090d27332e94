"""Dive into Deep Learning (d2l.ai, PyTorch edition), "Linear Regression Implementation from
Scratch" and its "Concise Implementation": synthetic_data(w, b, num_examples) with
torch.normal, data_iter over shuffled index lists, linreg, squared_loss, sgd(params, lr,
batch_size) updating under torch.no_grad() with param.grad.zero_(), the epoch loop with
l.sum().backward(); then load_array with TensorDataset/DataLoader, nn.Sequential(nn.Linear(2, 1)),
net[0].weight.data.normal_(0, 0.01), net[0].bias.data.fill_(0), nn.MSELoss() and
torch.optim.SGD(net.parameters(), lr=0.03). The d2l package is not needed (its two helpers
are defined here). torch.normal's draws are replaced by NumPy's (same_normal), the loader reads
in order (is_train=False: the shuffle order would differ) and random.shuffle is seeded."""

import json
import random

import numpy as np
import torch
from torch.utils import data

rng = np.random.default_rng(0)
random.seed(0)


def same_normal(t, mean, std):  # torch's and ndgrad's generators differ: NumPy's numbers
    return torch.from_numpy(rng.normal(mean, std, tuple(t.shape)).astype(np.float32))


# ---- from scratch ---------------------------------------------------------------------------
def synthetic_data(w, b, num_examples):  # @save
    """Generate y = Xw + b + noise."""
    X = same_normal(torch.normal(0, 1, (num_examples, len(w))), 0, 1)
    y = torch.matmul(X, w) + b
    y += same_normal(torch.normal(0, 0.01, y.shape), 0, 0.01)
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)

print('features:', features[0], '\nlabel:', labels[0])


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    # The examples are read at random, in no particular order
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(
            indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


batch_size = 10

for X, y in data_iter(batch_size, features, labels):
    print(X, '\n', y)
    break

w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
w = same_normal(w, 0, 0.01).requires_grad_()
b = torch.zeros(1, requires_grad=True)


def linreg(X, w, b):  # @save
    """The linear regression model."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):  # @save
    """Squared loss."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):  # @save
    """Minibatch stochastic gradient descent."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr = 0.03
num_epochs = 3
net = linreg
loss = squared_loss

scratch_losses = []
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y)  # Minibatch loss in `X` and `y`
        # Compute gradient on `l` with respect to [`w`, `b`]
        l.sum().backward()
        sgd([w, b], lr, batch_size)  # Update parameters using their gradient
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')
        scratch_losses.append(float(train_l.mean()))

print(f'error in estimating w: {true_w - w.reshape(true_w.shape)}')
print(f'error in estimating b: {true_b - b}')
scratch = {"losses": scratch_losses, "w_error": (true_w - w.reshape(true_w.shape)).tolist(),
           "b_error": (true_b - b).item(), "grad_zeroed": w.grad.abs().sum().item()}


# ---- concise implementation -----------------------------------------------------------------
def load_array(data_arrays, batch_size, is_train=True):  # @save
    """Construct a PyTorch data iterator."""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


batch_size = 10
data_iter = load_array((features, labels), batch_size, is_train=False)

first = next(iter(data_iter))
print(first)

# `nn` is an abbreviation for neural networks
from torch import nn  # noqa: E402

net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
drawn = [list(net[0].weight.shape), bool(net[0].weight.abs().max() < 0.1), net[0].bias.item()]
net[0].weight.data.copy_(same_normal(net[0].weight, 0, 0.01))  # the same start on both

loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)

concise_losses = []
num_epochs = 3
for epoch in range(num_epochs):
    for X, y in data_iter:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f'epoch {epoch + 1}, loss {l:f}')
    concise_losses.append(f'{l:f}')

w = net[0].weight.data
print('error in estimating w:', true_w - w.reshape(true_w.shape))
b = net[0].bias.data
print('error in estimating b:', true_b - b)
concise = {"losses": concise_losses, "w_error": (true_w - w.reshape(true_w.shape)).tolist(),
           "b_error": (true_b - b).item(), "drawn": drawn,
           "first": [list(first[0].shape), list(first[1].shape), first[1][:3].flatten().tolist()]}

print("RESULT", json.dumps({"features": features[0].tolist(), "label": labels[0].item(),
                            "shapes": [list(features.shape), list(labels.shape)],
                            "scratch": scratch, "concise": concise}))

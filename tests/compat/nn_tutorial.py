"""The "What is torch.nn really?" tutorial (pytorch.org/tutorials/beginner/nn_tutorial), step by
step: logistic regression from scratch (weights.requires_grad_(), a hand-written log_softmax and
nll, accuracy, the update under torch.no_grad() with grad.zero_()), then refactored with
F.cross_entropy, nn.Module with nn.Parameter, nn.Linear, optim, TensorDataset (sliced),
DataLoader, validation with model.train()/model.eval(), loss_batch/fit/get_data, and the
nn.Sequential model with the tutorial's Lambda layer and WrappedDataLoader. MNIST is replaced by
a synthetic 784-pixel dataset (no download), the CNN by an MLP (convolutions are out of scope),
the training loader reads in order (shuffle=True would draw a different order on each library),
and the random initial weights are copied in from NumPy so that both libraries agree."""

import json
import math

import numpy as np
import torch

rng = np.random.default_rng(7)
templates = (rng.uniform(0, 1, (10, 784)) < 0.15).astype(np.float32)


def make(n):  # sparse "digits" in [0, 1], like MNIST's
    y = rng.integers(0, 10, n)
    kept = templates[y] * (rng.uniform(0, 1, (n, 784)) < 0.3)
    x = np.clip(kept * rng.uniform(0.5, 1, (n, 784)) + (rng.uniform(0, 1, (n, 784)) < 0.1), 0, 1)
    return x.astype(np.float32), y


def same_randn(t):  # torch's and ndgrad's generators differ: take t's shape, NumPy's numbers
    return torch.from_numpy(rng.standard_normal(tuple(t.shape)).astype(np.float32))


def same_init(model):  # the same starting weights on both libraries
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-0.03, 0.03, tuple(p.shape)).astype(np.float32)))
    return model


(x_train, y_train), (x_valid, y_valid) = make(1200), make(300)
print(x_train.shape)

x_train, y_train, x_valid, y_valid = map(
    torch.tensor, (x_train, y_train, x_valid, y_valid)
)
n, c = x_train.shape
print(x_train, y_train)
print(x_train.shape)
print(y_train.min(), y_train.max())
results = {"data": [n, c, y_train.min().item(), y_train.max().item(), str(y_train)]}

# ---- Neural net from scratch (without torch.nn) ------------------------------------------------
weights = same_randn(torch.randn(784, 10)) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


bs = 64  # batch size

xb = x_train[0:bs]  # a mini-batch from x
preds = model(xb)  # predictions
print(preds[0], preds.shape)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


loss_func = nll

yb = y_train[0:bs]
print(loss_func(preds, yb))


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


print(accuracy(preds, yb))
results["initial"] = [loss_func(preds, yb).item(), accuracy(preds, yb).item()]

lr = 0.5  # learning rate
epochs = 2  # how many epochs to train for

for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()

print(loss_func(model(xb), yb), accuracy(model(xb), yb))
results["scratch"] = [loss_func(model(xb), yb).item(), accuracy(model(xb), yb).item()]

# ---- Using torch.nn.functional ----------------------------------------------------------------
import torch.nn.functional as F  # noqa: E402

loss_func = F.cross_entropy


def model(xb):
    return xb @ weights + bias


print(loss_func(model(xb), yb), accuracy(model(xb), yb))
results["functional"] = loss_func(model(xb), yb).item()

# ---- Refactor using nn.Module -----------------------------------------------------------------
from torch import nn  # noqa: E402


class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(same_randn(torch.randn(784, 10)) / math.sqrt(784))
        self.bias = nn.Parameter(torch.zeros(10))

    def forward(self, xb):
        return xb @ self.weights + self.bias


model = Mnist_Logistic()
print(loss_func(model(xb), yb))


def fit():
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= p.grad * lr
                model.zero_grad()


fit()
print(loss_func(model(xb), yb))
results["module"] = loss_func(model(xb), yb).item()


# ---- Refactor using nn.Linear -----------------------------------------------------------------
class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(784, 10)

    def forward(self, xb):
        return self.lin(xb)


model = same_init(Mnist_Logistic())
print(loss_func(model(xb), yb))
fit()
print(loss_func(model(xb), yb))
results["linear"] = loss_func(model(xb), yb).item()

# ---- Refactor using torch.optim, Dataset and DataLoader ------------------------------------------
from torch import optim  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402


def get_model():
    model = same_init(Mnist_Logistic())
    return model, optim.SGD(model.parameters(), lr=lr)


train_ds = TensorDataset(x_train, y_train)
model, opt = get_model()

for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        xb, yb = train_ds[i * bs: i * bs + bs]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

print(loss_func(model(xb), yb))
results["dataset"] = loss_func(model(xb), yb).item()

train_dl = DataLoader(train_ds, batch_size=bs, shuffle=False)  # the tutorial: shuffle=True
valid_ds = TensorDataset(x_valid, y_valid)
valid_dl = DataLoader(valid_ds, batch_size=bs * 2)

model, opt = get_model()

valid_losses = []
for epoch in range(epochs):
    model.train()
    for xb, yb in train_dl:
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

    model.eval()
    with torch.no_grad():
        valid_loss = sum(loss_func(model(xb), yb) for xb, yb in valid_dl)

    print(epoch, valid_loss / len(valid_dl))
    valid_losses.append((valid_loss / len(valid_dl)).item())
results["validation"] = valid_losses


# ---- Create fit() and get_data() ----------------------------------------------------------------
def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)

    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()

    return loss.item(), len(xb)


def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    history = []
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)

        model.eval()
        with torch.no_grad():
            losses, nums = zip(
                *[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl]
            )
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)

        print(epoch, val_loss)
        history.append(float(val_loss))
    return history


def get_data(train_ds, valid_ds, bs):
    return (
        DataLoader(train_ds, batch_size=bs, shuffle=False),  # the tutorial: shuffle=True
        DataLoader(valid_ds, batch_size=bs * 2),
    )


train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
model, opt = get_model()
results["fit"] = fit(epochs, model, loss_func, opt, train_dl, valid_dl)


# ---- nn.Sequential, with the tutorial's Lambda layer and WrappedDataLoader ---------------------------
class Lambda(nn.Module):
    def __init__(self, func):
        super().__init__()
        self.func = func

    def forward(self, x):
        return self.func(x)


dev = torch.device(
    "cuda") if torch.cuda.is_available() else torch.device("cpu")


def preprocess(x, y):
    return x.view(-1, 1, 28, 28).to(dev), y.to(dev)


class WrappedDataLoader:
    def __init__(self, dl, func):
        self.dl = dl
        self.func = func

    def __len__(self):
        return len(self.dl)

    def __iter__(self):
        for b in self.dl:
            yield (self.func(*b))


train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
train_dl = WrappedDataLoader(train_dl, preprocess)
valid_dl = WrappedDataLoader(valid_dl, preprocess)

model = nn.Sequential(  # the tutorial's CNN, as an MLP over the 1x28x28 images
    Lambda(lambda x: x.view(x.size(0), -1)),
    nn.Linear(784, 64),
    nn.ReLU(),
    nn.Linear(64, 10),
)
model = same_init(model).to(dev)
opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
results["sequential"] = fit(epochs, model, loss_func, opt, train_dl, valid_dl)
results["repr"] = str(model)

print("RESULT", json.dumps(results))

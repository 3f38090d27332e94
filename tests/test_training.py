"""End-to-end training with the public API alone: the tutorials' spiral nets and MNIST.

These check results (loss, accuracy), never time; the time per epoch is reported by
``benchmarks/``.
"""

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd.data import (
    DataLoader,
    TensorDataset,
    default_mnist_path,
    load_mnist,
    make_spirals,
    train_test_split,
)


def accuracy(logits_or_probs, labels, threshold=None) -> float:
    values = logits_or_probs.detach().numpy()
    predicted = (values.ravel() > threshold) if threshold is not None else values.argmax(1)
    return float((predicted == labels).mean())


def test_seed_000_deep_leaky_relu_mlp_fits_the_spirals():
    """Tutorial 000: Linear 2-128-64-1 with LeakyReLU, He/Xavier init, BCE, SGD momentum,
    full batch of 500 points: training loss below 0.01."""
    X, y = make_spirals(500, noise=1.5, variant="random", seed=1)
    x, target = ag.tensor(X), ag.tensor(y.astype(np.float32)[:, None])
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 128), nn.LeakyReLU(), nn.Linear(128, 64), nn.LeakyReLU(),
                          nn.Linear(64, 1), nn.Sigmoid())
    for hidden in (model[0], model[2]):
        nn.init.kaiming_normal_(hidden.weight, a=0.01, nonlinearity="leaky_relu")
        nn.init.zeros_(hidden.bias)
    nn.init.xavier_normal_(model[4].weight)
    nn.init.zeros_(model[4].bias)
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.BCELoss()
    for _ in range(3000):
        optimizer.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.01
    assert accuracy(model(x), y, threshold=0.5) == 1.0


def test_seed_003_batchnorm_dropout_adam_net_generalizes():
    """Tutorial 003's net: 2-128-128-64-1, each hidden layer Linear, BatchNorm, ReLU, Dropout
    (p=0.15); Adam (lr 3e-3) with cosine annealing, batch 64: above 95% held-out accuracy.

    The tutorial's own generator puts both arms on one curve (see ``make_spirals``), so no
    model can reach 95% on it; this uses the tutorial-000 spirals with an 80/20 split."""
    X, y = make_spirals(1000, variant="random", seed=42)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0)
    ag.manual_seed(7)

    def block(n_in, n_out):
        return [nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out), nn.ReLU(), nn.Dropout(0.15)]

    model = nn.Sequential(*block(2, 128), *block(128, 128), *block(128, 64), nn.Linear(64, 1))
    epochs = 60
    optimizer = optim.Adam(model.parameters(), lr=3e-3)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    loss_fn = nn.BCEWithLogitsLoss()
    train = TensorDataset(ag.tensor(X_train), ag.tensor(y_train.astype(np.float32)))
    loader = DataLoader(train, batch_size=64, shuffle=True, seed=0)
    for _ in range(epochs):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(xb).squeeze(1), yb).backward()
            optimizer.step()
        scheduler.step()
    assert scheduler.get_last_lr()[0] < 1e-6
    model.eval()
    with ag.no_grad():
        assert accuracy(model(ag.tensor(X_test)), y_test, threshold=0.0) > 0.95


@pytest.mark.skipif(default_mnist_path() is None, reason="MNIST files not found (set NDGRAD_MNIST)")
def test_mnist_784_100_10_adam_one_epoch_above_95_percent():
    (x_train, y_train), (x_test, y_test) = load_mnist(default_mnist_path())
    train = TensorDataset(ag.tensor(x_train.reshape(-1, 784) / np.float32(255)),
                          ag.tensor(y_train.astype(np.int64)))
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    for layer in (model[0], model[2]):  # Keras' Dense init, as in tutorial 004
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for xb, yb in DataLoader(train, batch_size=32, shuffle=True, seed=0):
        optimizer.zero_grad()
        loss_fn(model(xb), yb).backward()
        optimizer.step()
    model.eval()
    with ag.no_grad():
        logits = model(ag.tensor(x_test.reshape(-1, 784) / np.float32(255)))
    assert accuracy(logits, y_test) > 0.95

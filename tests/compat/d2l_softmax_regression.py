"""Dive into Deep Learning (d2l.ai, PyTorch edition, the classic chapter 3), "Implementation of
Softmax Regression from Scratch" and its "Concise Implementation": W = torch.normal(0, 0.01,
..., requires_grad=True), softmax(X) by exp and sum(1, keepdim=True), net(X) with
X.reshape((-1, W.shape[0])), cross_entropy by y_hat[range(len(y_hat)), y], accuracy,
evaluate_accuracy, the Accumulator, train_epoch_ch3 and train_ch3 (with its closing asserts) for
both a hand-written updater (d2l.sgd) and torch.optim.SGD, predict_ch3's labels; then
nn.Sequential(nn.Flatten(), nn.Linear(784, 10)) with net.apply(init_weights) and
nn.CrossEntropyLoss(reduction='none'). The d2l package is not needed (its helpers are defined
here, the Animator replaced by printing), Fashion-MNIST by a small synthetic 28x28 dataset of ten
noisy "garment" templates in a TensorDataset (no download) read in order in batches of 64
(the book: 256 of 60000 images), and torch.normal's draws by NumPy's (same_normal), so that both
libraries compute the same numbers."""

import json

import numpy as np
import torch
from torch import nn
from torch.utils import data

rng = np.random.default_rng(4)


def same_normal(t, mean, std):  # torch's and ndgrad's generators differ: NumPy's numbers
    return torch.from_numpy(rng.normal(mean, std, tuple(t.shape)).astype(np.float32))


# ---- the data: instead of d2l.load_data_fashion_mnist(batch_size) ----------------------------
templates = rng.uniform(0, 1, (10, 1, 28, 28)).astype(np.float32)


def fake_fashion_mnist(n):
    labels = rng.integers(0, 10, n)
    images = templates[labels] * 0.3 + rng.uniform(0, 0.7, (n, 1, 28, 28)).astype(np.float32)
    return data.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))


def load_data_fashion_mnist(batch_size):  # @save
    """Load the (here: synthetic) Fashion-MNIST dataset into memory, in order."""
    return (data.DataLoader(fake_fashion_mnist(1024), batch_size, shuffle=False),
            data.DataLoader(fake_fashion_mnist(256), batch_size, shuffle=False))


def get_fashion_mnist_labels(labels):  # @save
    """Return text labels for the Fashion-MNIST dataset."""
    text_labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                   'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
    return [text_labels[int(i)] for i in labels]


def sgd(params, lr, batch_size):  # @save
    """Minibatch stochastic gradient descent."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


results = {}
batch_size = 64  # the book: 256, for 60000 images
train_iter, test_iter = load_data_fashion_mnist(batch_size)

# ---- Initializing Model Parameters ---------------------------------------------------------------
num_inputs = 784
num_outputs = 10

W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
W = same_normal(W, 0, 0.01).requires_grad_()
b = torch.zeros(num_outputs, requires_grad=True)

# ---- Defining the Softmax Operation --------------------------------------------------------------
X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdim=True), X.sum(1, keepdim=True))
results["sums"] = [X.sum(0, keepdim=True).tolist(), X.sum(1, keepdim=True).tolist()]


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition  # The broadcasting mechanism is applied here


X = same_normal(torch.normal(0, 1, (2, 5)), 0, 1)
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))
results["softmax"] = [X_prob.tolist(), X_prob.sum(1).tolist()]


# ---- Defining the Model ----------------------------------------------------------------------------
def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


# ---- Defining the Loss Function --------------------------------------------------------------------
y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return - torch.log(y_hat[range(len(y_hat)), y])


print(cross_entropy(y_hat, y))
results["picked"] = y_hat[[0, 1], y].tolist()
results["cross_entropy"] = cross_entropy(y_hat, y).tolist()


# ---- Classification Accuracy ----------------------------------------------------------------------
def accuracy(y_hat, y):  # @save
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))
results["toy_accuracy"] = accuracy(y_hat, y) / len(y)


def evaluate_accuracy(net, data_iter):  # @save
    """Compute the accuracy for a model on a dataset."""
    if isinstance(net, torch.nn.Module):
        net.eval()  # Set the model to evaluation mode
    metric = Accumulator(2)  # No. of correct predictions, no. of predictions

    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


class Accumulator:  # @save
    """For accumulating sums over `n` variables."""
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


results["untrained_accuracy"] = evaluate_accuracy(net, test_iter)
print(results["untrained_accuracy"])


# ---- Training --------------------------------------------------------------------------------------
def train_epoch_ch3(net, train_iter, loss, updater):  # @save
    """The training loop defined in Chapter 3."""
    # Set the model to training mode
    if isinstance(net, torch.nn.Module):
        net.train()
    # Sum of training loss, sum of training accuracy, no. of examples
    metric = Accumulator(3)
    for X, y in train_iter:
        # Compute gradients and update parameters
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            # Using PyTorch in-built optimizer & loss criterion
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            # Using custom built optimizer & loss criterion
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    # Return training loss and training accuracy
    return metric[0] / metric[2], metric[1] / metric[2]


def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):  # @save
    """Train a model (defined in Chapter 3)."""
    history = []  # the book draws these with its Animator
    for epoch in range(num_epochs):
        train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        print(f"epoch {epoch + 1}: loss {train_metrics[0]:.3f}, train acc {train_metrics[1]:.3f}, "
              f"test acc {test_acc:.3f}")
        history.append(list(train_metrics + (test_acc,)))
    train_loss, train_acc = train_metrics
    assert train_loss < 0.5, train_loss
    assert train_acc <= 1 and train_acc > 0.7, train_acc
    assert test_acc <= 1 and test_acc > 0.7, test_acc
    return history


lr = 0.1


def updater(batch_size):
    return sgd([W, b], lr, batch_size)


num_epochs = 10
results["scratch"] = train_ch3(net, train_iter, test_iter, cross_entropy, num_epochs, updater)


# ---- Prediction ------------------------------------------------------------------------------------
def predict_ch3(net, test_iter, n=6):  # @save
    """Predict labels (defined in Chapter 3)."""
    for X, y in test_iter:
        break
    trues = get_fashion_mnist_labels(y)
    preds = get_fashion_mnist_labels(net(X).argmax(axis=1))
    titles = [true + '\n' + pred for true, pred in zip(trues, preds)]
    print(titles[0:n])  # the book shows them over the images
    return titles[0:n]


results["predictions"] = predict_ch3(net, test_iter)
results["W"] = [W.norm().item(), W.abs().sum().item(), W[0, :5].tolist(), b.tolist()]

# ---- Concise Implementation of Softmax Regression ---------------------------------------------
# PyTorch does not implicitly reshape the inputs. Thus we define the flatten
# layer to reshape the inputs before the linear layer in our network
net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
with torch.no_grad():  # the same draws on both libraries
    net[1].weight.copy_(same_normal(net[1].weight, 0, 0.01))
    net[1].bias.zero_()

loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
num_epochs = 10
results["concise"] = train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
results["concise_predictions"] = predict_ch3(net, test_iter)

print("RESULT", json.dumps(results))

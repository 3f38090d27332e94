"""The "Optimizing Model Parameters" tutorial of Learn the Basics (pytorch.org/tutorials/
beginner/basics/optimization_tutorial), with the pieces it builds on: a custom Dataset class
with transform/target_transform (the "Datasets & DataLoaders" and "Transforms" tutorials, the
one-hot Lambda written with scatter_), the layer-by-layer walk of "Build the Neural Network"
(Flatten, Linear, ReLU, nn.Softmax(dim=1), named_parameters), then hyperparameters,
nn.CrossEntropyLoss, torch.optim.SGD and train_loop/test_loop over epochs. FashionMNIST is
replaced by a synthetic 28x28 dataset; the weights are copied in so both libraries agree."""

import json
import math
import random

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class CustomImageDataset(Dataset):
    """Images made by a formula instead of read from disk: class k is a stripe pattern."""

    def __init__(self, n, offset=0, transform=None, target_transform=None):
        self.n, self.offset = n, offset
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        i = idx + self.offset
        label = (i * 7) % 10
        rows = torch.arange(28, dtype=torch.float32).reshape(28, 1)
        cols = torch.arange(28, dtype=torch.float32).reshape(1, 28)
        image = torch.sin(rows * (label + 1) / 9 + cols * 0.1 * math.cos(i)) * 0.5 + 0.5
        image = image.unsqueeze(0)  # [C, H, W], as ToTensor() gives
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


def one_hot(y):  # transforms.Lambda of the Transforms tutorial
    return torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)


training_data = CustomImageDataset(256)
test_data = CustomImageDataset(96, offset=1000)
onehot_data = CustomImageDataset(4, target_transform=one_hot)
onehot = [onehot_data[i][1].tolist() for i in range(len(onehot_data))]

train_dataloader = DataLoader(training_data, batch_size=64)
test_dataloader = DataLoader(test_data, batch_size=64)
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
batch_info = [list(train_features.size()), train_labels.tolist()[:8]]


# ---- Build the Neural Network -------------------------------------------------------------
class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork()
rand = random.Random(0)
with torch.no_grad():  # the same weights on both libraries, from Python's seeded generator
    for name, param in model.named_parameters():
        bound = 1 / math.sqrt(param.shape[-1])
        values = [rand.uniform(-bound, bound) for _ in range(param.numel())]
        param.copy_(torch.tensor(values).reshape(param.shape))

X = training_data[0][0]
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")

input_image = torch.stack([training_data[i][0][0] for i in range(3)])
print(input_image.size())
flatten = nn.Flatten()
flat_image = flatten(input_image)
print(flat_image.size())
layer1 = nn.Linear(in_features=28*28, out_features=20)
hidden1 = layer1(flat_image)
print(hidden1.size())
print(f"Before ReLU: {hidden1}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1}")
walk = [list(flat_image.size()), list(hidden1.size()), bool((hidden1 >= 0).all())]

print(f"Model structure: {model}\n\n")
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")
named = [[name, list(param.size())] for name, param in model.named_parameters()]

# ---- Optimizing Model Parameters ----------------------------------------------------------
learning_rate = 1e-1
batch_size = 64
epochs = 5

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    # Set the model to training mode - important for batch normalization and dropout layers
    # Unnecessary in this situation but added for best practices
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        # Compute prediction and loss
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        if batch % 2 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    # Set the model to evaluation mode - important for batch normalization and dropout layers
    # Unnecessary in this situation but added for best practices
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0

    # Evaluating the model with torch.no_grad() ensures that no gradients are computed during
    # test mode; also serves to reduce unnecessary gradient computations and memory usage for
    # tensors with requires_grad=True
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()

    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    return [test_loss, correct]


history = []
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    history.append(test_loop(test_dataloader, model, loss_fn))
print("Done!")

print("RESULT", json.dumps({"onehot": onehot, "batch": batch_info, "y_pred": y_pred.tolist(),
                            "probs": pred_probab.sum().item(), "walk": walk, "named": named,
                            "history": history}))

"""The "Learn the Basics" quickstart (pytorch.org/tutorials/beginner/basics/quickstart_tutorial):
a NeuralNetwork(nn.Module) of Flatten and a Linear/ReLU stack, train()/test() loops over
DataLoaders with model.train()/model.eval() and torch.no_grad(), accuracy by argmax, the
prediction on one test sample. FashionMNIST is replaced by a small synthetic 28x28 dataset in a
TensorDataset (no download) and saving the model is left out; the weights are copied in from
NumPy so that both libraries start from the same network."""

import json

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

# ---- the data: ten "garment" templates plus noise, 28x28, one channel ---------------------
rng = np.random.default_rng(0)
templates = rng.uniform(0, 1, (10, 1, 28, 28)).astype(np.float32)


def make_split(n):
    labels = np.arange(n) % 10
    images = templates[labels] * 0.5 + rng.uniform(0, 0.5, (n, 1, 28, 28)).astype(np.float32)
    return TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))


training_data = make_split(320)
test_data = make_split(100)

batch_size = 64

# Create data loaders.
train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)

for X, y in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {X.shape}")
    print(f"Shape of y: {y.shape} {y.dtype}")
    first_shapes = [list(X.shape), list(y.shape), f"Shape of X [N, C, H, W]: {X.shape}",
                    f"Shape of y: {y.shape} {y.dtype}"]
    break

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")


# Define model
class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10)
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)
with torch.no_grad():  # the same starting point on both libraries
    for name, param in model.named_parameters():
        bound = 1 / np.sqrt(param.shape[-1]) if name.endswith("weight") else 0.01
        param.copy_(torch.from_numpy(rng.uniform(-bound, bound, tuple(param.shape)).astype(np.float32)))

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)


def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)

        # Compute prediction error
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        if batch % 2 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    return test_loss, correct


epochs = 5
history = []
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    history.append(test(test_dataloader, model, loss_fn))
print("Done!")

classes = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

model.eval()
x, y = test_data[0][0], test_data[0][1]
with torch.no_grad():
    x = x.to(device)
    pred = model(x)
    predicted, actual = classes[pred[0].argmax(0)], classes[y]
    print(f'Predicted: "{predicted}", Actual: "{actual}"')

print("RESULT", json.dumps({"shapes": first_shapes, "batches": len(train_dataloader),
                            "history": history, "predicted": predicted, "actual": actual,
                            "repr": str(model), "parameters": sum(p.numel() for p in model.parameters())}))

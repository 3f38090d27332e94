"""The "Learn the Basics" quickstart (pytorch.org/tutorials/beginner/basics/quickstart_tutorial)
on real MNIST, with the checkpoint recipe of "Saving and Loading a General Checkpoint"
(pytorch.org/tutorials/recipes/recipes/saving_and_loading_a_general_checkpoint): a Dataset
subclass with __len__/__getitem__ giving (torch.tensor(image), label), DataLoaders with
batch_size=64 and num_workers=2, the NeuralNetwork of Flatten and a Linear/ReLU stack, the
tutorial's train()/test() loops; after epoch 1 torch.save({"epoch", "model": state_dict,
"optimizer": state_dict}) into a temporary folder, a fresh model and optimizer
load_state_dict(torch.load(path)) and train epoch 2, and the result is compared with an
uninterrupted run (identical, to the bit). FashionMNIST is replaced by MNIST read from the local
gzipped IDX files ($NDGRAD_MNIST, else the nearest shared/data/mnist above this folder: the
repository's ../shared/data/mnist) by a small gzip + np.frombuffer reader, nothing downloaded;
2000 training and 500 test images; the loaders read in order (the tutorial: no shuffle either);
SGD has momentum so that the optimizer's state matters; the weights are copied in from NumPy.
Without the MNIST files the script prints RESULT {"skipped": "no MNIST"}."""

import gzip
import json
import os
import pathlib
import sys
import tempfile

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

# ---- the data: the IDX files, read by hand -------------------------------------------------------
FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
         "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


def find_mnist():
    if os.environ.get("NDGRAD_MNIST"):
        candidates = [pathlib.Path(os.environ["NDGRAD_MNIST"]).expanduser()]
    else:
        here = pathlib.Path(__file__).resolve().parent
        candidates = [parent / "shared" / "data" / "mnist" for parent in here.parents]
    for folder in candidates:
        if all((folder / name).is_file() or (folder / (name + ".gz")).is_file()
               for name in FILES.values()):
            return folder
    return None


def read_idx(path):  # big-endian header: magic (0x0803 images, 0x0801 labels), then the dims
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = np.frombuffer(data, dtype=">u4", count=ndim, offset=4)
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(tuple(int(d) for d in dims))


folder = find_mnist()
if folder is None:
    print("No MNIST files: set $NDGRAD_MNIST")
    print("RESULT", json.dumps({"skipped": "no MNIST"}))
    sys.exit(0)
arrays = {}
for key, name in FILES.items():
    path = folder / name if (folder / name).is_file() else folder / (name + ".gz")
    arrays[key] = read_idx(path)


class MNISTSubset(Dataset):
    def __init__(self, images, labels):
        self.images = images
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        image = (self.images[idx] / np.float32(255.0)).astype(np.float32)[None]  # 1 x 28 x 28
        return torch.tensor(image), int(self.labels[idx])


training_data = MNISTSubset(arrays["x_train"][:2000], arrays["y_train"][:2000])
test_data = MNISTSubset(arrays["x_test"][:500], arrays["y_test"][:500])

batch_size = 64

# Create data loaders.
train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=False, num_workers=2)
test_dataloader = DataLoader(test_data, batch_size=batch_size, shuffle=False, num_workers=2)

for X, y in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {X.shape}")
    print(f"Shape of y: {y.shape} {y.dtype}")
    first_batch = [list(X.shape), list(y.shape), str(y.dtype), str(X.dtype), y[:8].tolist()]
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


rng = np.random.default_rng(0)
initial_weights = {}
for name, param in NeuralNetwork().named_parameters():
    bound = 1 / np.sqrt(param.shape[-1]) if name.endswith("weight") else 0.01
    initial_weights[name] = rng.uniform(-bound, bound, tuple(param.shape)).astype(np.float32)


def make_model_and_optimizer():  # the same starting point on both libraries, and for both runs
    model = NeuralNetwork().to(device)
    with torch.no_grad():
        for name, param in model.named_parameters():
            param.copy_(torch.from_numpy(initial_weights[name]))
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    return model, optimizer


loss_fn = nn.CrossEntropyLoss()


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

        if batch % 10 == 0:
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
    return [test_loss, correct]


epochs = 2

# ---- the uninterrupted run ----------------------------------------------------------------------
model, optimizer = make_model_and_optimizer()
uninterrupted = []
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    uninterrupted.append(test(test_dataloader, model, loss_fn))
final_uninterrupted = model.state_dict()

# ---- the same, stopped after epoch 1 and resumed from the checkpoint ---------------------------
with tempfile.TemporaryDirectory() as tmp:
    PATH = os.path.join(tmp, "model.pt")
    model, optimizer = make_model_and_optimizer()
    resumed = []
    print("Epoch 1\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    resumed.append(test(test_dataloader, model, loss_fn))
    torch.save({"epoch": 0, "model": model.state_dict(), "optimizer": optimizer.state_dict()}, PATH)
    del model, optimizer

    model, optimizer = make_model_and_optimizer()  # a fresh start, then the checkpoint
    checkpoint = torch.load(PATH)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    start_epoch = checkpoint["epoch"] + 1
    for t in range(start_epoch, epochs):
        print(f"Epoch {t+1} (resumed)\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer)
        resumed.append(test(test_dataloader, model, loss_fn))
final_resumed = model.state_dict()
print("Done!")

identical = resumed == uninterrupted and all(
    torch.equal(final_resumed[k], final_uninterrupted[k]) for k in final_uninterrupted)
print("resumed run identical to the uninterrupted one:", identical)

print("RESULT", json.dumps({
    "first_batch": first_batch, "batches": [len(train_dataloader), len(test_dataloader)],
    "uninterrupted": uninterrupted, "resumed": resumed, "identical": identical,
    "checkpoint": {"keys": sorted(checkpoint), "epoch": checkpoint["epoch"],
                   "model": sorted(checkpoint["model"]),
                   "optimizer": sorted(checkpoint["optimizer"]),
                   "momentum_buffers": len(checkpoint["optimizer"]["state"])},
}))

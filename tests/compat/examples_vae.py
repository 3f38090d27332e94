"""pytorch/examples vae/main.py: a variational autoencoder with argparse options, the
torch.accelerator device choice, VAE(nn.Module) with encode/reparameterize/decode, the loss
F.binary_cross_entropy(..., reduction='sum') plus the KL term, optim.Adam, train(epoch) and
test(epoch) with the example's log lines, the reconstruction comparison with torch.cat, and
decoding samples. MNIST is replaced by a synthetic 784-pixel dataset in a TensorDataset (no
download), torchvision's save_image is left out, the train loader reads in order, and the draws
of torch.randn_like/torch.randn and the initial weights come from NumPy, so that both libraries
compute the same numbers; the defaults are cut (2 epochs, batch size 64) to keep it quick."""

import argparse
import json

import numpy as np
import torch
import torch.utils.data
from torch import nn, optim
from torch.nn import functional as F

rng = np.random.default_rng(11)


def same_randn(t):  # torch's and ndgrad's generators differ: take t's shape, NumPy's numbers
    return torch.from_numpy(rng.standard_normal(tuple(t.shape)).astype(np.float32))


def fake_mnist(n):  # blurry strokes in [0, 1], one channel of 28x28, with labels
    labels = rng.integers(0, 10, n)
    rows, cols = np.mgrid[0:28, 0:28] / 27.0
    centre = (labels[:, None, None] + 1) / 11.0
    images = np.exp(-((rows - centre) ** 2 + (cols - 1 + centre) ** 2) * 20)
    images = np.clip(images + rng.uniform(0, 0.1, images.shape), 0, 1)
    return torch.utils.data.TensorDataset(torch.from_numpy(images[:, None].astype(np.float32)),
                                          torch.from_numpy(labels))


parser = argparse.ArgumentParser(description='VAE MNIST Example')
parser.add_argument('--batch-size', type=int, default=64, metavar='N',
                    help='input batch size for training (default: 64)')
parser.add_argument('--epochs', type=int, default=2, metavar='N',
                    help='number of epochs to train (default: 2)')
parser.add_argument('--no-accel', action='store_true',
                    help='disables accelerator')
parser.add_argument('--seed', type=int, default=1, metavar='S',
                    help='random seed (default: 1)')
parser.add_argument('--log-interval', type=int, default=4, metavar='N',
                    help='how many batches to wait before logging training status')
args = parser.parse_args()

use_accel = not args.no_accel and torch.accelerator.is_available()

torch.manual_seed(args.seed)

if use_accel:
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")

print(f"Using device: {device}")

kwargs = {'num_workers': 1, 'pin_memory': True} if use_accel else {}
train_loader = torch.utils.data.DataLoader(
    fake_mnist(512),
    batch_size=args.batch_size, shuffle=False, **kwargs)  # the example: shuffle=True
test_loader = torch.utils.data.DataLoader(
    fake_mnist(128),
    batch_size=args.batch_size, shuffle=False, **kwargs)


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()

        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5*logvar)
        eps = same_randn(torch.randn_like(std))
        return mu + eps*std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


model = VAE().to(device)
with torch.no_grad():  # the same starting point on both libraries
    for name, param in model.named_parameters():
        bound = 1 / np.sqrt(param.shape[-1]) if param.dim() == 2 else 0.01
        param.copy_(torch.from_numpy(rng.uniform(-bound, bound, tuple(param.shape)).astype(np.float32)))
optimizer = optim.Adam(model.parameters(), lr=1e-3)


# Reconstruction + KL divergence losses summed over all elements and batch
def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction='sum')

    # see Appendix B from VAE paper:
    # Kingma and Welling. Auto-Encoding Variational Bayes. ICLR, 2014
    # https://arxiv.org/abs/1312.6114
    # 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())

    return BCE + KLD


history = {"train": [], "test": [], "logged": []}


def train(epoch):
    model.train()
    train_loss = 0
    for batch_idx, (data, _) in enumerate(train_loader):
        data = data.to(device)
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader),
                loss.item() / len(data)))
            history["logged"].append(loss.item() / len(data))

    print('====> Epoch: {} Average loss: {:.4f}'.format(
          epoch, train_loss / len(train_loader.dataset)))
    history["train"].append(train_loss / len(train_loader.dataset))


def test(epoch):
    model.eval()
    test_loss = 0
    with torch.no_grad():
        for i, (data, _) in enumerate(test_loader):
            data = data.to(device)
            recon_batch, mu, logvar = model(data)
            test_loss += loss_function(recon_batch, data, mu, logvar).item()
            if i == 0:
                n = min(data.size(0), 8)
                comparison = torch.cat([data[:n],
                                        recon_batch.view(args.batch_size, 1, 28, 28)[:n]])
                history["comparison"] = [list(comparison.cpu().shape), comparison.sum().item()]

    test_loss /= len(test_loader.dataset)
    print('====> Test set loss: {:.4f}'.format(test_loss))
    history["test"].append(test_loss)


if __name__ == "__main__":
    for epoch in range(1, args.epochs + 1):
        train(epoch)
        test(epoch)
        with torch.no_grad():
            sample = same_randn(torch.randn(64, 20)).to(device)
            sample = model.decode(sample).cpu()
            history["sample"] = [list(sample.view(64, 1, 28, 28).shape), sample.mean().item()]
    print("RESULT", json.dumps(history))

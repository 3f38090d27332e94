"""pytorch/examples mnist/main.py: Net (conv 1->32 and 32->64 3x3, max_pool2d 2, Dropout 0.25 and
0.5, fc 9216->128->10, log_softmax), train() with F.nll_loss and its log lines, test() with the
summed nll_loss and `pred.eq(target.view_as(pred)).sum().item()`, optim.Adadelta(lr=1.0) and
StepLR(step_size=1, gamma=0.7), the argparse options (parsed from an empty list). MNIST is
replaced by a small synthetic set of 28x28 digits made with NumPy and normalized with MNIST's
mean and std by hand (no torchvision, no download), 2 epochs, loaders in order. Dropout draws
differ between the libraries, so the model's dropout p is set to 0 after it is built (model.train()
stays); the weights are loaded from NumPy by state_dict key."""

import argparse
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        train_losses.append(loss.item())
        if batch_idx % args.log_interval == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))
            if args.dry_run:
                break


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()  # sum up batch loss
            pred = output.argmax(dim=1, keepdim=True)  # get the index of the max log-probability
            correct += pred.eq(target.view_as(pred)).sum().item()

    test_loss /= len(test_loader.dataset)

    print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
        test_loss, correct, len(test_loader.dataset),
        100. * correct / len(test_loader.dataset)))
    return test_loss, correct


# ---- the data: ten blurred digit-like templates plus noise instead of MNIST ------------------
rng = np.random.default_rng(1)
templates = np.zeros((10, 28, 28))
for digit in range(10):
    for _ in range(3):  # three strokes per digit
        r0, c0 = rng.integers(4, 24, 2)
        r1, c1 = rng.integers(4, 24, 2)
        for t in np.linspace(0, 1, 40):
            templates[digit, int(r0 + t * (r1 - r0)), int(c0 + t * (c1 - c0))] = 1.0


def mnist_like(n):
    labels = np.arange(n) % 10
    images = np.clip(templates[labels] * rng.uniform(0.6, 1.0, (n, 1, 1))
                     + rng.uniform(0, 0.3, (n, 28, 28)), 0, 1)
    images = (images[:, None] - 0.1307) / 0.3081  # transforms.Normalize((0.1307,), (0.3081,))
    return TensorDataset(torch.from_numpy(images.astype(np.float32)), torch.from_numpy(labels))


train_losses = []


def main():
    # Training settings
    parser = argparse.ArgumentParser(description='PyTorch MNIST Example')
    parser.add_argument('--batch-size', type=int, default=64, metavar='N',
                        help='input batch size for training (default: 64)')
    parser.add_argument('--test-batch-size', type=int, default=1000, metavar='N',
                        help='input batch size for testing (default: 1000)')
    parser.add_argument('--epochs', type=int, default=2, metavar='N',
                        help='number of epochs to train (default: 2)')
    parser.add_argument('--lr', type=float, default=1.0, metavar='LR',
                        help='learning rate (default: 1.0)')
    parser.add_argument('--gamma', type=float, default=0.7, metavar='M',
                        help='Learning rate step gamma (default: 0.7)')
    parser.add_argument('--dry-run', action='store_true', default=False,
                        help='quickly check a single pass')
    parser.add_argument('--seed', type=int, default=1, metavar='S',
                        help='random seed (default: 1)')
    parser.add_argument('--log-interval', type=int, default=2, metavar='N',
                        help='how many batches to wait before logging training status')
    args = parser.parse_args([])

    torch.manual_seed(args.seed)
    device = torch.device("cpu")

    train_kwargs = {'batch_size': args.batch_size}
    test_kwargs = {'batch_size': args.test_batch_size}

    dataset1 = mnist_like(192)
    dataset2 = mnist_like(100)
    train_loader = torch.utils.data.DataLoader(dataset1, **train_kwargs)
    test_loader = DataLoader(dataset2, **test_kwargs)

    model = Net().to(device)
    model.dropout1.p = model.dropout2.p = 0.0  # the libraries' random masks differ
    state = model.state_dict()
    for key, value in state.items():  # the same starting point on both libraries
        weight = state[key.replace("bias", "weight")]  # a bias takes its weight's fan-in
        bound = 1 / np.sqrt(np.prod(weight.shape[1:]))
        state[key] = torch.from_numpy(rng.uniform(-bound, bound, tuple(value.shape)).astype(np.float32))
    model.load_state_dict(state)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)

    history, lrs = [], []
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        history.append(test(model, device, test_loader))
        lrs.append(scheduler.get_last_lr()[0])
        scheduler.step()

    print("RESULT", json.dumps({"train_losses": train_losses, "history": history, "lrs": lrs,
                                "fc2_bias": model.fc2.bias.tolist()}))


if __name__ == '__main__':
    main()

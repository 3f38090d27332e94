"""Dive into Deep Learning (d2l.ai, PyTorch edition), the "Builders' Guide" chapter: Layers and
Modules (an MLP class, MySequential registering children with add_module, FixedHiddenMLP with a
constant weight and Python control flow, NestMLP and a chimera), Parameter Management (state_dict,
named_parameters, nested blocks built with add_module, apply() with nn.init.normal_/constant_/
zeros_/xavier_uniform_/uniform_, a custom init, tied parameters), and Custom Layers (CenteredLayer,
MyLinear with nn.Parameter). The random inputs and initial weights are copied in from NumPy
(same_rand, same_init), so that both libraries compute the same numbers; the random inits are
compared by their bounds and shapes only."""

import json

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

rng = np.random.default_rng(5)
results = {}


def same_rand(t):  # torch's and ndgrad's generators differ: take t's shape, NumPy's numbers
    return torch.from_numpy(rng.uniform(0, 1, tuple(t.shape)).astype(np.float32))


def same_init(net):
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, tuple(p.shape)).astype(np.float32)))
    return net


# ---- Layers and Modules ---------------------------------------------------------------------
net = nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))

X = same_rand(torch.rand(2, 20))
same_init(net)
results["sequential"] = list(net(X).shape)


class MLP(nn.Module):
    def __init__(self):
        # Call the constructor of the parent class nn.Module to perform
        # the necessary initialization
        super().__init__()
        self.hidden = nn.Linear(20, 256)
        self.out = nn.Linear(256, 10)

    # Define the forward propagation of the model, that is, how to return the
    # required model output based on the input X
    def forward(self, X):
        return self.out(F.relu(self.hidden(X)))


net = same_init(MLP())
results["mlp"] = net(X).sum().item()


class MySequential(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            self.add_module(str(idx), module)

    def forward(self, X):
        for module in self.children():
            X = module(X)
        return X


net = same_init(MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10)))
results["my_sequential"] = [net(X).sum().item(), [name for name, _ in net.named_children()]]


class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        # Random weight parameters that will not compute gradients and
        # therefore keep constant during training
        self.rand_weight = same_rand(torch.rand((20, 20)))
        self.linear = nn.Linear(20, 20)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        # Reuse the fully connected layer. This is equivalent to sharing
        # parameters with two fully connected layers
        X = self.linear(X)
        # Control flow
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


net = same_init(FixedHiddenMLP())
results["fixed_hidden"] = [net(X).item(), len(list(net.parameters()))]


class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(),
                                 nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(self.net(X))


chimera = same_init(nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP()))
results["chimera"] = chimera(X).item()

# ---- Parameter Management -------------------------------------------------------------------
net = same_init(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)))
X = same_rand(torch.rand(size=(2, 4)))
print(net(X).shape)
print(net[2].state_dict())
print(type(net[2].bias), net[2].bias.data)
results["access"] = [list(net(X).shape), sorted(net[2].state_dict()), type(net[2].bias).__name__,
                     net[2].bias.data.tolist(), net[2].weight.grad is None]
print(*[(name, param.shape) for name, param in net.named_parameters()])
results["named"] = [(name, list(param.shape)) for name, param in net.named_parameters()]
results["state_key"] = net.state_dict()['2.bias'].data.tolist()


def block1():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                         nn.Linear(8, 4), nn.ReLU())


def block2():
    net = nn.Sequential()
    for i in range(4):
        # Nested here
        net.add_module(f'block {i}', block1())
    return net


rgnet = same_init(nn.Sequential(block2(), nn.Linear(4, 1)))
print(rgnet)
results["nested"] = [rgnet(X).tolist(), str(rgnet), rgnet[0][1][0].bias.data.tolist(),
                     len(rgnet.state_dict())]


def init_normal(module):
    if type(module) == nn.Linear:
        nn.init.normal_(module.weight, mean=0, std=0.01)
        nn.init.zeros_(module.bias)


net.apply(init_normal)
normal = [bool(net[0].weight.data.abs().max() < 0.1), net[0].bias.data.tolist()]


def init_constant(module):
    if type(module) == nn.Linear:
        nn.init.constant_(module.weight, 1)
        nn.init.zeros_(module.bias)


net.apply(init_constant)
results["init"] = normal + [net[0].weight.data[0].tolist(), net[0].bias.data[0].item(), net(X).tolist()]


def init_xavier(module):
    if type(module) == nn.Linear:
        nn.init.xavier_uniform_(module.weight)


def init_42(module):
    if type(module) == nn.Linear:
        nn.init.constant_(module.weight, 42)


net[0].apply(init_xavier)
net[2].apply(init_42)
bound = (6 / (4 + 8)) ** 0.5
results["xavier"] = [bool(net[0].weight.data.abs().max() <= bound), net[2].weight.data.tolist()]


def my_init(module):
    if type(module) == nn.Linear:
        print("Init", *[(name, param.shape)
                        for name, param in module.named_parameters()][0])
        nn.init.uniform_(module.weight, -10, 10)
        module.weight.data *= module.weight.data.abs() >= 5


net.apply(my_init)
w = net[0].weight
results["my_init"] = [bool(((w.data == 0) | (w.data.abs() >= 5)).all()), list(w.shape)]

net[0].weight.data[:] += 1
net[0].weight.data[0, 0] = 42
results["direct"] = net[0].weight.data[0].tolist()[:1]

# We need to give the shared layer a name so that we can refer to its
# parameters
shared = nn.Linear(8, 8)
net = same_init(nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                              shared, nn.ReLU(),
                              shared, nn.ReLU(),
                              nn.Linear(8, 1)))
net(X)
# Check whether the parameters are the same
print(net[2].weight.data[0] == net[4].weight.data[0])
net[2].weight.data[0, 0] = 100
# Make sure that they are actually the same object rather than just having the
# same value
print(net[2].weight.data[0] == net[4].weight.data[0])
results["tied"] = [bool((net[2].weight.data[0] == net[4].weight.data[0]).all()),
                   len(list(net.parameters())), len(net.state_dict())]
net(X).sum().backward()
results["tied_grad"] = net[2].weight.grad.sum().item()


# ---- Custom Layers -------------------------------------------------------------------------
class CenteredLayer(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, X):
        return X - X.mean()


layer = CenteredLayer()
print(layer(torch.tensor([1.0, 2, 3, 4, 5])))
net = same_init(nn.Sequential(nn.Linear(8, 128), CenteredLayer()))
Y = net(same_rand(torch.rand(4, 8)))
results["centered"] = [layer(torch.tensor([1.0, 2, 3, 4, 5])).tolist(), abs(Y.mean().item()) < 1e-6]


class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units,))

    def forward(self, X):
        linear = torch.matmul(X, self.weight.data) + self.bias.data
        return F.relu(linear)


linear = same_init(MyLinear(5, 3))
print(linear.weight)
X = same_rand(torch.rand(2, 5))
results["my_linear"] = [linear(X).tolist(), (X @ linear.weight + linear.bias).tolist(),
                        sorted(linear.state_dict())]
net = same_init(nn.Sequential(MyLinear(64, 8), MyLinear(8, 1)))
net[1].bias.data.fill_(0.5)
results["my_linear_net"] = net(same_rand(torch.rand(2, 64))).tolist()

print("RESULT", json.dumps(results))

"""The 60-minute blitz "Neural Networks" tutorial (pytorch.org/tutorials/beginner/blitz/
neural_networks_tutorial): the LeNet-like Net(nn.Module) with conv1/conv2 (nn.Conv2d), fc1..fc3,
F.max_pool2d with a (2, 2) window and with 2, torch.flatten(x, 1); print(net), the parameter list,
a 1x1x32x32 input, net.zero_grad() and out.backward(torch.randn(1, 10)), nn.MSELoss against a
dummy target, the loss's grad_fn chain, conv1.bias.grad before and after backward, the manual
update f.data.sub_(f.grad.data * learning_rate) and one optim.SGD step. The values of the
torch.randn calls are replaced by NumPy draws (same_randn) and the weights are loaded from NumPy
by state_dict key, so that both libraries start from the same network."""

import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(0)


def same_randn(t):  # torch's and ndgrad's generators differ: take t's shape, NumPy's numbers
    return torch.from_numpy(rng.standard_normal(tuple(t.shape)).astype(np.float32))


class Net(nn.Module):

    def __init__(self):
        super(Net, self).__init__()
        # 1 input image channel, 6 output channels, 5x5 square convolution
        # kernel
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        # an affine operation: y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5*5 from image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        # Convolution layer C1: 1 input image channel, 6 output channels,
        # 5x5 square convolution, it uses RELU activation function, and
        # outputs a Tensor with size (N, 6, 28, 28), where N is the size of the batch
        c1 = F.relu(self.conv1(input))
        # Subsampling layer S2: 2x2 grid, purely functional,
        # this layer does not have any parameter, and outputs a (N, 6, 14, 14) Tensor
        s2 = F.max_pool2d(c1, (2, 2))
        # Convolution layer C3: 6 input channels, 16 output channels,
        # 5x5 square convolution, it uses RELU activation function, and
        # outputs a (N, 16, 10, 10) Tensor
        c3 = F.relu(self.conv2(s2))
        # Subsampling layer S4: 2x2 grid, purely functional,
        # this layer does not have any parameter, and outputs a (N, 16, 5, 5) Tensor
        s4 = F.max_pool2d(c3, 2)
        # Flatten operation: purely functional, outputs a (N, 400) Tensor
        s4 = torch.flatten(s4, 1)
        # Fully connected layer F5: (N, 400) Tensor input,
        # and outputs a (N, 120) Tensor, it uses RELU activation function
        f5 = F.relu(self.fc1(s4))
        # Fully connected layer F6: (N, 120) Tensor input,
        # and outputs a (N, 84) Tensor, it uses RELU activation function
        f6 = F.relu(self.fc2(f5))
        # Gaussian layer OUTPUT: (N, 84) Tensor input, and
        # outputs a (N, 10) Tensor
        output = self.fc3(f6)
        return output


net = Net()
print(net)
# the same starting point on both libraries: every state_dict entry drawn by NumPy
fan_in = {key: np.prod(value.shape[1:]) if value.dim() > 1 else None
          for key, value in net.state_dict().items()}
weights = {}
for key, value in net.state_dict().items():
    bound = 1 / np.sqrt(fan_in[key] if fan_in[key] else fan_in[key.replace("bias", "weight")])
    weights[key] = torch.from_numpy(rng.uniform(-bound, bound, tuple(value.shape)).astype(np.float32))
net.load_state_dict(weights)

params = list(net.parameters())
print(len(params))
print(params[0].size())  # conv1's .weight

input = same_randn(torch.randn(1, 1, 32, 32))
out = net(input)
print(out)
first_out = out.tolist()

net.zero_grad()
out.backward(same_randn(torch.randn(1, 10)))
random_grads = [p.grad.sum().item() for p in params]

output = net(input)
target = same_randn(torch.randn(10))  # a dummy target, for example
target = target.view(1, -1)  # make it the same shape as output
criterion = nn.MSELoss()

loss = criterion(output, target)
print(loss)
loss_before = loss.item()

print(loss.grad_fn)  # MSELoss
print(loss.grad_fn.next_functions[0][0])  # Linear
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])  # ReLU
chain = [type(loss.grad_fn).__name__, type(loss.grad_fn.next_functions[0][0]).__name__]

net.zero_grad()     # zeroes the gradient buffers of all parameters

print('conv1.bias.grad before backward')
print(net.conv1.bias.grad)
grad_before = net.conv1.bias.grad is None

loss.backward()

print('conv1.bias.grad after backward')
print(net.conv1.bias.grad)
conv1_bias_grad = net.conv1.bias.grad.tolist()
grad_sums = {name: p.grad.sum().item() for name, p in net.named_parameters()}

learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)
loss_manual = criterion(net(input), target).item()

import torch.optim as optim  # noqa: E402 - imported where the tutorial imports it

# create your optimizer
optimizer = optim.SGD(net.parameters(), lr=0.01)

# in your training loop:
optimizer.zero_grad()   # zero the gradient buffers
output = net(input)
loss = criterion(output, target)
loss.backward()
optimizer.step()    # Does the update
loss_after = criterion(net(input), target).item()
print(loss_before, loss_manual, loss_after)

print("RESULT", json.dumps({
    "repr": str(net), "params": [len(params), list(params[0].size())], "out": first_out,
    "random_grads": random_grads, "loss": [loss_before, loss_manual, loss_after], "chain": chain,
    "grad_before": grad_before, "conv1_bias_grad": conv1_bias_grad, "grad_sums": grad_sums}))

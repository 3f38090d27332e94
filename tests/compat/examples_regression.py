"""pytorch/examples regression/main.py: fit a degree-4 polynomial with a single Linear layer on
features [x, x^2, x^3, x^4] (make_features with torch.cat), f with x.mm(W_target), poly_desc
formatting tensor elements with '{:+.2f}', get_batch, fc.zero_grad(), F.smooth_l1_loss, the
update param.data.add_(-0.1 * param.grad), and the stop when the loss drops below 1e-3.
W_target and b_target are drawn from NumPy instead of torch.randn (the generators differ), fc
starts from fixed weights, and each batch's x is drawn from NumPy, uniform in [-1.6, 1.6]: with
torch.randn's heavy tails the x^4 feature makes lr 0.1 steps chaotic, so that even float64 runs
of two libraries part ways after a few hundred batches."""

import json
from itertools import count

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(1)


def same_randn(t):  # torch's and ndgrad's generators differ: take t's shape, NumPy's numbers
    return torch.from_numpy(rng.standard_normal(tuple(t.shape)).astype(np.float32))


POLY_DEGREE = 4
W_target = same_randn(torch.randn(POLY_DEGREE, 1)) * 5
b_target = same_randn(torch.randn(1)) * 5


def make_features(x):
    """Builds features i.e. a matrix with columns [x, x^2, x^3, x^4]."""
    x = x.unsqueeze(1)
    return torch.cat([x ** i for i in range(1, POLY_DEGREE+1)], 1)


def f(x):
    """Approximated function."""
    return x.mm(W_target) + b_target.item()


def poly_desc(W, b):
    """Creates a string description of a polynomial."""
    result = 'y = '
    for i, w in enumerate(W):
        result += '{:+.2f} x^{} '.format(w, i + 1)
    result += '{:+.2f}'.format(b[0])
    return result


def get_batch(batch_size=32):
    """Builds a batch i.e. (x, f(x)) pair."""
    random = torch.randn(batch_size)
    random = torch.from_numpy(rng.uniform(-1.6, 1.6, batch_size).astype(np.float32))  # the same on both
    x = make_features(random)
    y = f(x)
    return x, y


# Define model
fc = torch.nn.Linear(W_target.size(0), 1)
with torch.no_grad():
    fc.weight.copy_(torch.tensor([[0.3, -0.2, 0.1, 0.4]]))
    fc.bias.fill_(-0.1)

losses = []
for batch_idx in count(1):
    # Get data
    batch_x, batch_y = get_batch()

    # Reset gradients
    fc.zero_grad()

    # Forward pass
    output = F.smooth_l1_loss(fc(batch_x), batch_y)
    loss = output.item()

    # Backward pass
    output.backward()

    # Apply gradients
    for param in fc.parameters():
        param.data.add_(-0.1 * param.grad)

    if batch_idx % 100 == 1:
        losses.append(loss)
    # Stop criterion
    if loss < 1e-3:
        break

print('Loss: {:.6f} after {} batches'.format(loss, batch_idx))
print('==> Learned function:\t' + poly_desc(fc.weight.view(-1), fc.bias))
print('==> Actual function:\t' + poly_desc(W_target.view(-1), b_target))

print("RESULT", json.dumps({"batches": batch_idx, "loss": loss, "losses": losses,
                            "learned": poly_desc(fc.weight.view(-1), fc.bias),
                            "actual": poly_desc(W_target.view(-1), b_target),
                            "weight": fc.weight.view(-1).tolist(), "bias": fc.bias.item(),
                            "features": list(batch_x.shape)}))

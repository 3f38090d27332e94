"""Fit y = sin(x) with a cubic a + b x + c x^2 + d x^3: by hand with tensors, then with autograd
(the "Learning PyTorch with Examples" warm-up)."""

import json
import math

import numpy as np
import torch

dtype = torch.float
device = torch.device("cpu")

x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

rng = np.random.default_rng(0)
a0, b0, c0, d0 = (float(v) for v in rng.standard_normal(4))

# ---- gradients by hand -------------------------------------------------------------------
a, b, c, d = (torch.tensor(v, device=device, dtype=dtype) for v in (a0, b0, c0, d0))
learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum().item()
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d
manual = [a.item(), b.item(), c.item(), d.item()]
manual_loss = loss

# ---- the same with autograd ----------------------------------------------------------------
a, b, c, d = (torch.tensor(v, device=device, dtype=dtype, requires_grad=True)
              for v in (a0, b0, c0, d0))
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 500 == 99:
        print(t, f"{loss.item():.4f}")
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")
print("RESULT", json.dumps({"manual": manual, "manual_loss": manual_loss,
                            "autograd": [a.item(), b.item(), c.item(), d.item()],
                            "autograd_loss": loss.item()}))

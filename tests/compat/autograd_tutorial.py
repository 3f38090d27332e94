"""The "Automatic Differentiation with torch.autograd" tutorial of Learn the Basics
(pytorch.org/tutorials/beginner/basics/autogradqs_tutorial): a one-layer network with
binary_cross_entropy_with_logits, grad_fn, backward and .grad, disabling tracking with
torch.no_grad() and detach(), and the optional reading on Jacobian-vector products with
retain_graph, gradient accumulation and grad.zero_(). The random w and b are overwritten with
fixed values so that both libraries compute the same numbers."""

import json

import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
with torch.no_grad():  # the same "random" start on both libraries
    w.copy_(torch.linspace(-1, 1, 15).reshape(5, 3))
    b.copy_(torch.tensor([0.1, -0.2, 0.3]))
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
grad_fns = [type(z.grad_fn).__name__, type(loss.grad_fn).__name__, z.grad_fn.name(), z.is_leaf, w.is_leaf,
            x.grad_fn is None, z.requires_grad]

# ---- Computing Gradients --------------------------------------------------------------------
loss.backward()
print(w.grad)
print(b.grad)
grads = {"w": w.grad.tolist(), "b": b.grad.tolist(), "loss": loss.item(), "w_printed": str(w.grad)}

# ---- Disabling Gradient Tracking ------------------------------------------------------------
z = torch.matmul(x, w)+b
print(z.requires_grad)
tracking = [z.requires_grad]

with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)
tracking.append(z.requires_grad)

z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)
tracking += [z_det.requires_grad, z_det.grad_fn is None, torch.equal(z_det, z)]

# ---- Optional Reading: Tensor Gradients and Jacobian Products -------------------------------
inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
calls = [inp.grad.tolist()]
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
calls.append(inp.grad.tolist())
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
calls.append(inp.grad.tolist())
printed_call = str(inp.grad)

print("RESULT", json.dumps({"grad_fns": grad_fns, "grads": grads, "tracking": tracking,
                            "calls": calls, "printed_call": printed_call}))

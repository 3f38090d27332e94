""""Learning PyTorch with Examples: PyTorch: Defining new autograd functions"
(pytorch.org/tutorials/beginner/examples_autograd/polynomial_custom_function): fitting sin(x)
on [-pi, pi] with y = a + b * P3(c + d * x), P3 the Legendre polynomial of degree three written
as a custom torch.autograd.Function (static forward(ctx, input) with ctx.save_for_backward and
backward(ctx, grad_output) reading ctx.saved_tensors), applied through
P3 = LegendrePolynomial3.apply, the weights updated by hand under torch.no_grad() and their
gradients reset with a.grad = None. The tutorial's own starting values (torch.full) are kept; a
check of the Function's backward by torch.autograd.gradcheck on NumPy's numbers in float64 and
the grad_fn's name are added."""

import json
import math

import numpy as np
import torch


class LegendrePolynomial3(torch.autograd.Function):
    """
    We can implement our own custom autograd Functions by subclassing
    torch.autograd.Function and implementing the forward and backward passes
    which operate on Tensors.
    """

    @staticmethod
    def forward(ctx, input):
        """
        In the forward pass we receive a Tensor containing the input and return
        a Tensor containing the output. ctx is a context object that can be used
        to stash information for backward computation. You can cache tensors for
        use in the backward pass using the ``ctx.save_for_backward`` method. Other
        objects can be stored directly as attributes on the ctx object, such as
        ``ctx.my_object = my_object``. Check out `Extending torch.autograd <https://docs.pytorch.org/docs/stable/notes/extending.html#extending-torch-autograd>`_
        for further details.
        """
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        """
        In the backward pass we receive a Tensor containing the gradient of the loss
        with respect to the output, and we need to compute the gradient of the loss
        with respect to the input.
        """
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


dtype = torch.float
device = torch.device("cpu")
# device = torch.device("cuda:0")  # Uncomment this to run on GPU

# Create Tensors to hold input and outputs.
# By default, requires_grad=False, which indicates that we do not need to
# compute gradients with respect to these Tensors during the backward pass.
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

# Create random Tensors for weights. For this example, we need
# 4 weights: y = a + b * P3(c + d * x), these weights need to be initialized
# not too far from the correct result to ensure convergence.
# Setting requires_grad=True indicates that we want to compute gradients with
# respect to these Tensors during the backward pass.
a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
losses = []
for t in range(2000):
    # To apply our Function, we use Function.apply method. We alias this as 'P3'.
    P3 = LegendrePolynomial3.apply

    # Forward pass: compute predicted y using operations; we compute
    # P3 using our custom autograd operation.
    y_pred = a + b * P3(c + d * x)

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
        losses.append(loss.item())

    # Use autograd to compute the backward pass.
    loss.backward()

    # Update weights using gradient descent
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        # Manually zero the gradients after updating weights
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')

# ---- beyond the tutorial: the custom Function seen from outside --------------------------------
rng = np.random.default_rng(3)
probe = torch.from_numpy(rng.standard_normal(7)).requires_grad_()  # float64, as gradcheck wants
checked = torch.autograd.gradcheck(LegendrePolynomial3.apply, (probe,), eps=1e-6, atol=1e-4)
out = LegendrePolynomial3.apply(probe)
out.sum().backward()
print("gradcheck:", checked, type(out.grad_fn).__name__)

print("RESULT", json.dumps({
    "losses": losses, "weights": [a.item(), b.item(), c.item(), d.item()],
    "grads_after_reset": [p.grad is None for p in (a, b, c, d)],
    "gradcheck": checked, "grad_fn": type(out.grad_fn).__name__,
    "probe_grad": probe.grad.tolist(), "requires_grad": y_pred.requires_grad,
}))

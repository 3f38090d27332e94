"""nn.Module hooks against PyTorch: forward (pre-)hooks with kwargs, prepend and always_call,
and full backward (pre-)hooks: the same calls, in the same order, with the same gradients."""

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn

pytestmark = requires_torch


def _pair(lib):
    """A two-input module with a non-tensor argument: forward(x, scale, y) = tanh(fc(x)) * scale + y."""

    class Mix(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(3, 2)

        def forward(self, x, scale, y):
            return self.fc(x).tanh() * scale + y

    lib.manual_seed(0)
    module = Mix()
    with lib.no_grad():
        for p in module.parameters():
            p.copy_(lib.tensor(np.linspace(-1, 1, p.numel()).reshape(tuple(p.shape)), dtype=lib.float32))
    return module


def _inputs(lib, x_grad=True, y_grad=True):
    x = lib.tensor(np.arange(6.0).reshape(2, 3) / 5, dtype=lib.float32, requires_grad=x_grad)
    y = lib.tensor([[0.5, -0.5], [1.0, 2.0]], requires_grad=y_grad)
    return x, y


def _as_arrays(grads):
    return [None if g is None else np.asarray(g.detach().numpy()) for g in grads]


def _trace_backward(lib, x_grad=True, y_grad=True, replace_input=False, replace_output=False):
    module = _pair(lib)
    seen = []

    def pre_hook(mod, grad_output):
        seen.append(("pre", _as_arrays(grad_output)))
        if replace_output:
            return tuple(g * 3 for g in grad_output)
        return None

    def hook(mod, grad_input, grad_output):
        seen.append(("hook", _as_arrays(grad_input), _as_arrays(grad_output)))
        if replace_input:
            return tuple(None if g is None else g * 2 for g in grad_input)
        return None

    module.register_full_backward_pre_hook(pre_hook)
    module.register_full_backward_hook(hook)
    x, y = _inputs(lib, x_grad, y_grad)
    out = module(x, 1.5, y)
    name = type(out.grad_fn).__name__
    (out * lib.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    grads = [None if t.grad is None else t.grad.numpy() for t in (x, y, module.fc.weight)]
    return seen, grads, name


def _assert_same(ours, theirs):
    assert len(ours) == len(theirs), (ours, theirs)
    for a, b in zip(ours, theirs):
        if isinstance(a, (list, tuple)):
            _assert_same(a, b)
        elif a is None or isinstance(a, str):
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore:Full backward hook is firing")
@pytest.mark.parametrize("x_grad,y_grad", [(True, True), (True, False), (False, False)])
@pytest.mark.parametrize("replace_input,replace_output", [(False, False), (True, False), (False, True)])
def test_full_backward_hooks_see_and_replace_gradients_as_pytorch(x_grad, y_grad, replace_input,
                                                                  replace_output):
    ours = _trace_backward(OURS, x_grad, y_grad, replace_input, replace_output)
    theirs = _trace_backward(torch, x_grad, y_grad, replace_input, replace_output)
    _assert_same(ours[0], theirs[0])  # the calls, their order, grad_input/grad_output
    _assert_same(ours[1], theirs[1])  # the leaves' gradients after any replacement
    assert ours[2] == theirs[2] == "BackwardHookFunctionBackward"


def test_a_backward_hook_returning_the_wrong_count_is_named():
    module = nn.Linear(2, 2)
    module.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    x = ag.ones(1, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of grad_input, "
                                           "got 2, but expected 1"):
        module(x).sum().backward()


def test_register_backward_hook_warns_and_acts_as_the_full_hook():
    module = nn.Linear(2, 1)
    calls = []
    with pytest.warns(FutureWarning, match="register_full_backward_hook"):
        module.register_backward_hook(lambda m, gi, go: calls.append((gi, go)))
    module(ag.ones(1, 2, requires_grad=True)).sum().backward()
    assert len(calls) == 1 and calls[0][1][0].shape == (1, 1)


def _trace_forward(lib, raising=False):
    calls = []

    class Net(lib.nn.Module):
        def forward(self, x, *, shift=0.0):
            if raising:
                raise ValueError("boom")
            return x + shift

    net = Net()
    net.register_forward_pre_hook(lambda m, args: calls.append("pre") or (args[0] * 2,))
    net.register_forward_pre_hook(lambda m, args, kwargs: calls.append(("pre-kw", kwargs["shift"]))
                                  or (args, {"shift": kwargs["shift"] + 1}), with_kwargs=True)
    net.register_forward_pre_hook(lambda m, args: calls.append("first"), prepend=True)
    net.register_forward_hook(lambda m, args, out: calls.append("post") or out * 10)
    net.register_forward_hook(lambda m, args, kwargs, out: calls.append(("post-kw", kwargs["shift"])),
                              with_kwargs=True, always_call=True)
    handle = net.register_forward_hook(lambda m, args, out: calls.append("removed"), always_call=True)
    handle.remove()
    x = lib.tensor([1.0, 2.0])
    try:
        out = net(x, shift=0.5).tolist()
    except ValueError as error:
        out = str(error)
    return calls, out


@pytest.mark.parametrize("raising", [False, True])
def test_forward_hooks_with_kwargs_prepend_and_always_call_as_pytorch(raising):
    assert _trace_forward(OURS, raising) == _trace_forward(torch, raising)


def test_a_bad_forward_pre_hook_result_with_kwargs_is_named():
    module = nn.Identity()
    module.register_forward_pre_hook(lambda m, a, k: a, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"forward pre-hook must return None or a tuple of "
                                           r"\(new_args, new_kwargs\)"):
        module(ag.ones(1))


def _double_backward(lib):
    lib.manual_seed(0)
    module = lib.nn.Linear(2, 1)
    with lib.no_grad():
        module.weight.copy_(lib.tensor([[0.3, -0.7]]))
        module.bias.fill_(0.1)
    seen = []
    module.register_full_backward_hook(lambda m, gi, go: seen.append(gi[0].detach().numpy().copy()))
    x = lib.tensor([[1.0, -2.0]], requires_grad=True)
    (gx,) = lib.autograd.grad((module(x) ** 2).sum(), x, create_graph=True)
    (ggx,) = lib.autograd.grad(gx.sum(), x)
    return [gx.detach().numpy(), ggx.numpy(), seen]  # the hook fires in both passes


def test_backward_hooks_fire_in_double_backward_as_pytorch():
    _assert_same(_double_backward(OURS), _double_backward(torch))

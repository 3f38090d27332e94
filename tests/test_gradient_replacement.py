"""What may replace a gradient, as in PyTorch: a tensor hook's or a module backward hook's return
value, and what ``.grad`` is set to. A wrong shape, dtype or type raises at once, naming the hook
(or saying what was assigned), instead of leaving a ``.grad`` an optimizer would broadcast.
"""

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn
import optim

# what a hook on a float32 gradient of shape (2,) returns -> (exception type, ndgrad's message)
BAD_RESULTS = {
    "longer": (lambda lib, g: lib.ones(3), RuntimeError,
               "hook '{name}' has changed the size of value (was [2] got [3])"),
    "broadcastable": (lambda lib, g: g[:1], RuntimeError,
                      "hook '{name}' has changed the size of value (was [2] got [1])"),
    "0-d": (lambda lib, g: g.sum(), RuntimeError,
            "hook '{name}' has changed the size of value (was [2] got [])"),
    "unsqueezed": (lambda lib, g: g.unsqueeze(0), RuntimeError,
                   "hook '{name}' has changed the size of value (was [2] got [1, 2])"),
    "float64": (lambda lib, g: g.double(), RuntimeError, "hook '{name}' has changed the type of value "
                "(was torch.FloatTensor got torch.DoubleTensor)"),
    "int64": (lambda lib, g: g.long(), RuntimeError, "hook '{name}' has changed the type of value "
              "(was torch.FloatTensor got torch.LongTensor)"),
    "python-float": (lambda lib, g: 5.0, TypeError, "expected Variable, but hook '{name}' returned "
                     "'float'. Hint: return None to keep the gradient, or a Tensor of its shape and "
                     "dtype"),
    "ndarray": (lambda lib, g: np.ones(2, np.float32), TypeError, "expected Variable, but hook "
                "'{name}' returned 'numpy.ndarray'."),
    "list": (lambda lib, g: [1.0, 1.0], TypeError, "expected Variable, but hook '{name}' returned "
             "'list'."),
}


def backward_through_hook(lib, where, hook):
    """Run a backward whose gradient at a (2,) float32 tensor goes through ``hook``."""
    x = lib.ones(2, requires_grad=True)
    if where == "leaf":
        x.register_hook(hook)
        (x * 3).sum().backward()
    else:
        y = x * 3
        y.register_hook(hook)
        (y * 2).sum().backward()
    return x


def in_torch_words(message, name, torch_name):
    """Our message as torch words it: its TypeError does not name the hook, and it calls the
    hook by ``torch_name`` (its internal wrapper's name for module hooks)."""
    return message.replace(f"hook '{name}' returned", "hook returned").replace(
        f"hook '{name}'", f"hook '{torch_name}'")


class TestTensorHooks:
    @pytest.mark.parametrize("where", ["leaf", "non-leaf"])
    @pytest.mark.parametrize("case", BAD_RESULTS)
    def test_a_bad_result_raises_naming_the_hook(self, where, case):
        make, error, message = BAD_RESULTS[case]

        def scale(g):
            return make(OURS, g)

        for hook, name in ((scale, "scale"), (lambda g: make(OURS, g), "<lambda>")):
            with pytest.raises(error) as info:
                backward_through_hook(OURS, where, hook)
            assert str(info.value).startswith(message.format(name=name))

    @requires_torch
    @pytest.mark.parametrize("where", ["leaf", "non-leaf"])
    @pytest.mark.parametrize("case", BAD_RESULTS)
    def test_torch_raises_the_same_error(self, where, case):
        make, _, _ = BAD_RESULTS[case]
        errors = []
        for lib in (OURS, torch):
            def named_hook(g, lib=lib):
                return make(lib, g)

            with pytest.raises(Exception) as info:
                backward_through_hook(lib, where, named_hook)
            errors.append(info.value)
        ours, theirs = errors
        assert type(ours) is type(theirs)
        assert in_torch_words(str(ours), "named_hook", "named_hook").startswith(str(theirs))

    @pytest.mark.parametrize("where", ["leaf", "non-leaf"])
    def test_the_leaf_grad_is_left_untouched_by_a_failed_backward(self, where):
        x = OURS.ones(2, requires_grad=True)
        x.grad = OURS.full((2,), 7.0)
        hooked = x if where == "leaf" else x * 1
        hooked.register_hook(lambda g: OURS.ones(3))
        with pytest.raises(RuntimeError, match="has changed the size"):
            (hooked * 3).sum().backward()
        assert x.grad.tolist() == [7.0, 7.0]

    def test_sgd_never_sees_a_broadcast_grad(self):
        w = ag.zeros(2, requires_grad=True)
        w.register_hook(lambda g: 5.0)
        opt = optim.SGD([w], lr=0.1)
        with pytest.raises(TypeError, match="returned 'float'"):
            (w * 2).sum().backward()
        opt.step()
        assert w.grad is None and w.tolist() == [0.0, 0.0]

    @pytest.mark.parametrize("create_graph", [False, True])
    def test_good_results_replace_the_gradient(self, create_graph):
        x = ag.ones(2, requires_grad=True)
        x.register_hook(lambda g: g * 2)
        x.register_hook(lambda g: None)  # keeps the (replaced) gradient
        (x * 3).sum().backward(create_graph=create_graph)
        assert x.grad.tolist() == [6.0, 6.0] and x.grad.dtype == ag.float32


BAD_ASSIGNMENTS = {
    "longer": (lambda lib, x: lib.ones(3), RuntimeError,
               "attempting to assign a gradient of size '[3]' to a tensor of size '[2]'. Please "
               "ensure that the gradient and the tensor are the same size"),
    "float64": (lambda lib, x: lib.ones(2, dtype=lib.float64), RuntimeError,
                "attempting to assign a gradient with dtype 'torch.float64' to a tensor with dtype "
                "'torch.float32'. The gradient must match the tensor's dtype. Hint: convert it, "
                "e.g. x.grad = g.to(x.dtype)"),
    "int64": (lambda lib, x: lib.ones(2, dtype=lib.int64), RuntimeError,
              "attempting to assign a gradient with dtype 'torch.int64' to a tensor with dtype "
              "'torch.float32'."),
    "itself": (lambda lib, x: x, RuntimeError, "can't assign Variable as its own grad"),
    "list": (lambda lib, x: [1.0, 1.0], TypeError,
             "assigned grad expected to be a Tensor or None but got grad of type list"),
    "float": (lambda lib, x: 1.0, TypeError,
              "assigned grad expected to be a Tensor or None but got grad of type float"),
    "ndarray": (lambda lib, x: np.ones(2, np.float32), TypeError,
                "assigned grad expected to be a Tensor or None but got grad of type numpy.ndarray"),
}


class TestGradAssignment:
    @pytest.mark.parametrize("case", BAD_ASSIGNMENTS)
    def test_refused_and_the_old_grad_kept(self, case):
        make, error, message = BAD_ASSIGNMENTS[case]
        x = OURS.ones(2, requires_grad=True)
        x.grad = OURS.full((2,), 4.0)
        with pytest.raises(error) as info:
            x.grad = make(OURS, x)
        assert str(info.value).startswith(message)
        assert x.grad.tolist() == [4.0, 4.0]

    @requires_torch
    @pytest.mark.parametrize("case", BAD_ASSIGNMENTS)
    def test_torch_refuses_it_too(self, case):
        make, error, message = BAD_ASSIGNMENTS[case]
        x = torch.ones(2, requires_grad=True)
        with pytest.raises(error) as info:
            x.grad = make(torch, x)
        if case.endswith("64"):  # torch speaks of grad_dtype, which ndgrad has not
            assert str(info.value).startswith("attempting to assign a gradient with dtype")
        else:
            assert str(info.value) == message

    @pytest.mark.parametrize("make", [
        lambda lib, x: None, lambda lib, x: lib.ones(2), lambda lib, x: lib.ones(2, requires_grad=True),
    ], ids=["none", "same", "requires-grad"])
    def test_accepted(self, make):
        x = OURS.ones(2, requires_grad=True)
        x.grad = make(OURS, x)
        assert x.grad is None or x.grad.shape == (2,)

    def test_an_integer_tensor_takes_an_integer_grad(self):
        x = OURS.ones(2, dtype=OURS.int64)
        x.grad = OURS.ones(2, dtype=OURS.int64)
        assert x.grad.dtype == OURS.int64


def module_backward(lib, kind, result):
    """A Linear(2, 2) whose full backward hook (or pre-hook) returns ``result(lib, grads)``."""
    lib.manual_seed(0)
    layer = (nn if lib is OURS else torch.nn).Linear(2, 2)
    x = lib.ones(1, 2, requires_grad=True)
    if kind == "hook":
        layer.register_full_backward_hook(lambda m, grad_input, grad_output: result(lib, grad_input))
    else:
        layer.register_full_backward_pre_hook(lambda m, grad_output: result(lib, grad_output))
    layer(x).sum().backward()
    return x


MODULE_RESULTS = {
    "longer": (lambda lib, grads: (lib.ones(3),), RuntimeError,
               "hook '<lambda>' has changed the size of value (was [1, 2] got [3])"),
    "flat": (lambda lib, grads: (grads[0].reshape(2),), RuntimeError,
             "hook '<lambda>' has changed the size of value (was [1, 2] got [2])"),
    "float64": (lambda lib, grads: (grads[0].double(),), RuntimeError,
                "hook '<lambda>' has changed the type of value (was torch.FloatTensor got "
                "torch.DoubleTensor)"),
    "python-float": (lambda lib, grads: (5.0,), TypeError,
                     "expected Variable, but hook '<lambda>' returned 'float'."),
}


class TestModuleBackwardHooks:
    @pytest.mark.parametrize("kind", ["hook", "pre-hook"])
    @pytest.mark.parametrize("case", MODULE_RESULTS)
    def test_a_bad_replacement_raises_naming_the_hook_as_torch_does(self, kind, case):
        result, error, message = MODULE_RESULTS[case]
        with pytest.raises(error) as ours:
            module_backward(OURS, kind, result)
        assert str(ours.value).startswith(message)
        if torch is not None:  # the same error; torch names its internal wrapper ('hook')
            with pytest.raises(error) as theirs:
                module_backward(torch, kind, result)
            assert in_torch_words(str(ours.value), "<lambda>", "hook").startswith(str(theirs.value))

    @pytest.mark.parametrize("kind", ["hook", "pre-hook"])
    @pytest.mark.parametrize("result, expected", [
        (lambda lib, grads: tuple(g * 2 if g is not None else None for g in grads), 2.0),
        (lambda lib, grads: (None,) * len(grads), None),
    ], ids=["doubled", "none"])
    def test_good_replacements(self, kind, result, expected):
        x = module_backward(OURS, kind, result)
        if expected is None:
            assert x.grad is None
        else:
            plain = module_backward(OURS, kind, lambda lib, grads: None)
            np.testing.assert_allclose(x.grad.numpy(), expected * plain.grad.numpy())

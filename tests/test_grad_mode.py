"""Grad mode: no_grad, enable_grad and set_grad_enabled as context managers and decorators,
nesting, thread-locality, and when ops record a node."""

import threading

import numpy as np
import pytest

import autograd as ag


@pytest.fixture(autouse=True)
def _grad_mode_is_restored():
    """Every test starts and must end with grad mode on."""
    assert ag.is_grad_enabled()
    yield
    enabled = ag.is_grad_enabled()
    ag.set_grad_enabled(True)
    assert enabled, "the test left grad mode off"


def leaf():
    return ag.tensor([1.0, 2.0], requires_grad=True)


def test_grad_is_enabled_by_default():
    assert ag.is_grad_enabled() is True
    y = leaf() * 2
    assert y.requires_grad and y.grad_fn is not None


def test_no_grad_context_manager():
    x = leaf()
    with ag.no_grad():
        assert ag.is_grad_enabled() is False
        y = x * 2
    assert ag.is_grad_enabled() is True
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf
    np.testing.assert_array_equal(y.detach().numpy(), [2, 4])


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(ValueError, match="boom"), ag.no_grad():
        raise ValueError("boom")
    assert ag.is_grad_enabled()


def test_no_grad_decorator():
    x = leaf()

    @ag.no_grad()
    def double(t):
        """Doubles t."""
        assert not ag.is_grad_enabled()
        return t * 2

    assert ag.is_grad_enabled()  # decorating does not switch the mode
    y = double(x)
    assert y.grad_fn is None and not y.requires_grad
    assert ag.is_grad_enabled()
    assert double.__name__ == "double" and double.__doc__ == "Doubles t."


def test_enable_grad_inside_no_grad():
    x = leaf()
    with ag.no_grad():
        with ag.enable_grad():
            assert ag.is_grad_enabled()
            y = x * 2
        assert not ag.is_grad_enabled()
        z = x * 2
    assert y.grad_fn is not None and z.grad_fn is None
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [2, 2])


def test_enable_grad_decorator_inside_no_grad():
    @ag.enable_grad()
    def square(t):
        return t * t

    x = leaf()
    with ag.no_grad():
        y = square(x)
        assert not ag.is_grad_enabled()
    assert y.requires_grad and repr(y.grad_fn) == "<MulBackward0>"


def test_nesting_restores_each_level():
    states = []
    with ag.no_grad():
        states.append(ag.is_grad_enabled())
        with ag.no_grad():
            states.append(ag.is_grad_enabled())
            with ag.enable_grad():
                states.append(ag.is_grad_enabled())
                with ag.set_grad_enabled(False):
                    states.append(ag.is_grad_enabled())
                states.append(ag.is_grad_enabled())
            states.append(ag.is_grad_enabled())
        states.append(ag.is_grad_enabled())
    states.append(ag.is_grad_enabled())
    assert states == [False, False, True, False, True, False, False, True]


def test_same_no_grad_object_can_be_reused():
    guard = ag.no_grad()
    with guard:
        assert not ag.is_grad_enabled()
    with guard:
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_set_grad_enabled_as_a_function():
    x = leaf()
    try:
        ag.set_grad_enabled(False)
        assert ag.is_grad_enabled() is False
        assert (x * 2).grad_fn is None
        ag.set_grad_enabled(True)
        assert ag.is_grad_enabled() is True
        assert (x * 2).grad_fn is not None
    finally:
        ag.set_grad_enabled(True)


def test_set_grad_enabled_as_a_context_manager_restores():
    with ag.set_grad_enabled(False):
        assert not ag.is_grad_enabled()
        with ag.set_grad_enabled(True):
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    with ag.no_grad():
        with ag.set_grad_enabled(True):
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()


@pytest.mark.parametrize("mode", [True, False])
def test_set_grad_enabled_follows_a_flag(mode):
    x = leaf()
    with ag.set_grad_enabled(mode):
        y = x * 2
    assert y.requires_grad is mode
    assert ag.is_grad_enabled()


def test_set_grad_enabled_decorator_does_not_switch_the_mode_when_applied():
    @ag.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert ag.is_grad_enabled()
    assert f(leaf()).grad_fn is None
    assert ag.is_grad_enabled()


def test_grad_mode_is_thread_local():
    """A thread started inside no_grad still records, and does not change this thread."""
    results = {}
    x = leaf()
    started, release = threading.Event(), threading.Event()

    def worker():
        results["enabled"] = ag.is_grad_enabled()
        results["y"] = x * 3
        with ag.no_grad():
            started.set()
            release.wait(5)
        results["enabled_after"] = ag.is_grad_enabled()

    with ag.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        assert started.wait(5)
        assert not ag.is_grad_enabled()
        local = x * 3
    assert ag.is_grad_enabled()  # the worker is still inside its own no_grad
    release.set()
    thread.join(5)
    assert results["enabled"] is True and results["enabled_after"] is True
    assert results["y"].grad_fn is not None and local.grad_fn is None
    results["y"].sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [3, 3])


# ---- when a node is recorded -------------------------------------------------------------
def test_no_node_when_no_input_requires_grad():
    a, b = ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0])
    for y in (a * b, a.exp(), a @ b, a.sum(), a[0], a.reshape(2, 1), ag.cat([a, b])):
        assert y.grad_fn is None and y.requires_grad is False and y.is_leaf


def test_node_when_one_input_requires_grad():
    a, b = ag.tensor([1.0, 2.0]), leaf()
    for y in (a * b, b * a, a @ b, ag.cat([a, b]), ag.where(a > 1, a, b), a + b.sum()):
        assert y.requires_grad and y.grad_fn is not None and not y.is_leaf


def test_no_node_under_no_grad_even_when_inputs_require_grad():
    x = leaf()
    with ag.no_grad():
        for y in (x * x, x.exp(), x.sum(), x[0], x.reshape(2, 1), x.softmax(0)):
            assert y.grad_fn is None and y.requires_grad is False


def test_non_differentiable_results_never_require_grad():
    x = leaf()
    for y in (x > 1, x == x, x.argmax(), x.max(0).indices):
        assert y.grad_fn is None and not y.requires_grad


def test_backward_of_a_result_computed_under_no_grad_fails():
    x = leaf()
    with ag.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()


def test_backward_runs_inside_no_grad_and_grads_do_not_record():
    x = leaf()
    y = (x * x).sum()
    with ag.no_grad():
        y.backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [2, 4])
    assert not x.grad.requires_grad

"""Error messages: each names the op, the shapes or dtypes and gives a hint, instead of a raw
NumPy exception; gradcheck's report of a wrong backward; anomaly mode."""

import inspect
import os
import re

import numpy as np
import pytest

import autograd as ag

THIS_FILE = os.path.basename(__file__)


def error_of(fn, kind=Exception):
    """Run ``fn``, expecting ``kind``; return the exception."""
    with pytest.raises(kind) as info:
        fn()
    return info.value


def assert_clear(err, *parts):
    """The message contains every part, and no NumPy traceback hides behind it."""
    message = str(err)
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"
    assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__)


# ---- shapes and dtypes ---------------------------------------------------------------------
def test_broadcast_mismatch_in_add():
    err = error_of(lambda: ag.ones(2, 3) + ag.ones(4), ValueError)
    assert str(err).startswith("add")
    assert_clear(err, "(2, 3)", "(4,)", "Hint", "broadcast")


def test_broadcast_mismatch_in_mul_and_comparison():
    assert_clear(error_of(lambda: ag.ones(2, 3) * ag.ones(2), ValueError), "mul", "(2, 3)", "(2,)")
    assert_clear(error_of(lambda: ag.ones(2) < ag.ones(3), ValueError), "(2,)", "(3,)", "Hint")


def test_matmul_inner_dim_mismatch():
    err = error_of(lambda: ag.ones(2, 3) @ ag.ones(4, 5), ag.OpError)
    assert isinstance(err, RuntimeError)
    assert_clear(err, "matmul", "(2, 3)", "(4, 5)", "3 != 4", "Hint")


def test_matmul_dtype_mismatch():
    err = error_of(lambda: ag.ones(2, 3) @ ag.ones(3, 5, dtype=ag.float64), ag.OpError)
    assert_clear(err, "matmul", "float32", "float64", "Hint")


def test_matmul_of_a_scalar():
    assert_clear(error_of(lambda: ag.ones(2, 3) @ ag.tensor(2.0)), "matmul", "()", "Hint")


def test_reshape_to_a_wrong_size():
    err = error_of(lambda: ag.ones(2, 3).reshape(4, 2), ag.OpError)
    assert_clear(err, "reshape", "size 6", "(2, 3)", "Hint")


@pytest.mark.parametrize(("op", "call"), [
    ("sum", lambda t: t.sum(dim=2)),
    ("softmax", lambda t: t.softmax(dim=-3)),
    ("log_softmax", lambda t: t.log_softmax(dim=5)),
    ("mean", lambda t: t.mean(dim=(0, 2))),
    ("transpose", lambda t: t.transpose(0, 2)),
])
def test_dim_out_of_range(op, call):
    err = error_of(lambda: call(ag.ones(2, 3)), IndexError)
    assert str(err).startswith(op)
    assert_clear(err, "out of range", "2 dims", "[-2, 1]")


def test_index_out_of_bounds():
    err = error_of(lambda: ag.ones(2, 3)[:, 3], IndexError)
    assert_clear(err, "index 3", "size 3", "(2, 3)", "Hint")
    assert_clear(error_of(lambda: ag.ones(3)[[0, 3]], IndexError), "index 3", "(3,)")


def test_float_index_tensor():
    err = error_of(lambda: ag.ones(3)[ag.tensor([0.0, 1.0])], IndexError)
    assert_clear(err, "integer or bool", "float32", ".long()")


def test_requires_grad_on_an_int_tensor():
    err = error_of(lambda: ag.tensor([1, 2], requires_grad=True), TypeError)
    assert_clear(err, "floating point", "int64", ".float()")


def test_numpy_on_a_tensor_that_requires_grad():
    err = error_of(lambda: ag.tensor([1.0], requires_grad=True).numpy(), RuntimeError)
    assert_clear(err, "requires grad", "detach().numpy()")


def test_item_on_a_multi_element_tensor():
    err = error_of(lambda: ag.ones(3).item(), RuntimeError)
    assert_clear(err, "item()", "3 elements", "Hint")


def test_bool_of_a_multi_element_tensor():
    assert_clear(error_of(lambda: bool(ag.ones(3) > 0), RuntimeError), "ambiguous", ".any()")


def test_backward_on_a_tensor_that_does_not_require_grad():
    err = error_of(lambda: ag.ones(3).sum().backward(), RuntimeError)
    assert_clear(err, "does not require grad", "requires_grad=True", "Hint")


def test_cat_with_mismatched_shapes():
    err = error_of(lambda: ag.cat([ag.ones(2, 3), ag.ones(2, 4)]), ValueError)
    assert_clear(err, "cat", "(2, 3)", "(2, 4)", "Hint")


def test_mean_of_an_int_tensor():
    assert_clear(error_of(lambda: ag.tensor([1, 2]).mean(), ag.OpError), "mean", "int64", ".float()")


def test_ragged_list():
    assert_clear(error_of(lambda: ag.tensor([[1, 2], [3]]), ValueError), "tensor()", "rectangular")


def test_setitem_with_a_wrong_shape_value():
    err = error_of(lambda: ag.ones(3).__setitem__(slice(None), ag.ones(2)), ValueError)
    assert_clear(err, "(3,)", "torch.Size([2])", "Hint")
    assert "indices must lie" not in str(err)


# ---- gradcheck -----------------------------------------------------------------------------
class WrongCube(ag.Primitive):
    """x^3 with a wrong backward: 2 x^2 instead of 3 x^2."""

    saved_inputs = (0,)

    def forward(self, x):
        return x ** 3

    def backward(self, g):
        return (g * 2 * self.input(0) ** 2,)


class WrongMul(ag.Primitive):
    """a * b whose gradient for b is doubled."""

    saved_inputs = (0, 1)

    def forward(self, a, b):
        return a * b

    def backward(self, g):
        return g * self.input(1), 2 * g * self.input(0)


def test_gradcheck_reports_the_worst_element_of_a_wrong_backward():
    x = ag.tensor([0.5, -2.0, 1.0], dtype=ag.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="gradcheck") as info:
        ag.gradcheck(WrongCube.apply, [x], raise_exception=True)
    message = str(info.value)
    assert "input 0" in message and "position (1,)" in message
    found = re.search(r"analytic ([-\d.e+]+) vs numeric ([-\d.e+]+)", message)
    assert found, message
    assert float(found.group(1)) == pytest.approx(8.0)
    assert float(found.group(2)) == pytest.approx(12.0, rel=1e-6)


def test_gradcheck_names_the_input_whose_gradient_is_wrong():
    a = ag.tensor([[1.0, 2.0]], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([[3.0, -4.0]], dtype=ag.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"input 1 at position \(0, 1\): analytic 4 vs numeric 2"):
        ag.gradcheck(WrongMul.apply, [a, b], raise_exception=True)


def test_gradcheck_returns_false_without_raise_exception():
    x = ag.tensor([0.5, -2.0], dtype=ag.float64, requires_grad=True)
    assert ag.gradcheck(WrongCube.apply, [x]) is False
    assert ag.gradcheck(lambda t: t ** 3, [x]) is True


def test_gradcheck_runs_in_float64_for_float32_inputs():
    x = ag.tensor([0.3, 1.7], requires_grad=True)
    assert ag.gradcheck(lambda t: t.exp().sin(), [x], raise_exception=True) is True
    assert x.dtype == ag.float32 and x.grad is None  # the caller's tensor is untouched


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad=True"):
        ag.gradcheck(lambda t: t * 2, [ag.ones(2)])


# ---- anomaly mode --------------------------------------------------------------------------
def nan_in_backward():
    """sqrt at 0 times 0: the forward is finite, SqrtBackward computes 0 / 0."""
    x = ag.tensor([0.0, 1.0], dtype=ag.float64, requires_grad=True)
    root = x.sqrt()
    (root * 0).sum().backward()
    return x


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_without_anomaly_mode_the_nan_is_silent():
    assert not ag.is_anomaly_enabled()
    x = nan_in_backward()
    assert np.isnan(x.grad.detach().numpy()[0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_anomaly_mode_names_the_op_and_the_user_line():
    with ag.detect_anomaly():
        assert ag.is_anomaly_enabled()
        with pytest.raises(RuntimeError, match="SqrtBackward") as info:
            nan_in_backward()
    assert not ag.is_anomaly_enabled()
    message = str(info.value)
    lines, start = inspect.getsourcelines(nan_in_backward)
    line = start + next(i for i, text in enumerate(lines) if "root = x.sqrt()" in text)
    assert f"{THIS_FILE}:{line}" in message, message
    assert "root = x.sqrt()" in message and "nan" in message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_anomaly_mode_as_a_decorator():
    @ag.detect_anomaly()
    def step():
        return nan_in_backward()

    with pytest.raises(RuntimeError, match="SqrtBackward"):
        step()
    assert not ag.is_anomaly_enabled()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_anomaly_mode_flags_a_forward_inf_or_nan():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    with ag.detect_anomaly():
        with pytest.raises(RuntimeError, match="LogBackward") as info:
            x.log()
        assert "inf" in str(info.value) and THIS_FILE in str(info.value)
        with pytest.raises(RuntimeError, match="nan"):
            ag.tensor([-1.0]).sqrt()
    assert np.isinf(x.log().detach().numpy()[0])  # outside anomaly mode, no check


def test_set_detect_anomaly():
    try:
        ag.set_detect_anomaly(True)
        assert ag.is_anomaly_enabled()
    finally:
        ag.set_detect_anomaly(False)
    assert not ag.is_anomaly_enabled()

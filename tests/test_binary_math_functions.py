"""xlogy, float_power, copysign and signbit beyond the gradient table: special values, dtypes,
Python-number operands, in-place forms, gradients at the conventions and errors, against
PyTorch. (The gradients on random inputs are rows of op_specs_math.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import requires_torch, to_torch, torch

import autograd as ag
from autograd.primitive import OpError

NAN, INF = math.nan, math.inf
X = [0.0, 0.0, 0.0, 0.0, 1.0, NAN, 2.0, -1.0, 0.0, -0.0, 3.0, 1e-30]
Y = [0.0, NAN, -1.0, INF, NAN, 1.0, 0.0, 2.0, 5.0, -2.0, -INF, 1e30]


def same(mine, theirs):
    """Same values (nan where nan, signed zeros), same dtype and shape."""
    theirs = theirs.detach().numpy()
    mine = mine._data
    assert mine.dtype == theirs.dtype and mine.shape == theirs.shape
    np.testing.assert_array_equal(mine, theirs)
    if mine.dtype.kind == "f":
        np.testing.assert_array_equal(
            np.signbit(mine) & ~np.isnan(mine), np.signbit(theirs) & ~np.isnan(theirs)
        )


def both(values, dtype=np.float32):
    array = np.array(values, dtype=dtype)
    return ag.tensor(array), torch.from_numpy(array.copy())


@pytest.mark.parametrize(
    "name", ["xlogy", "xlogy_", "float_power", "float_power_", "copysign", "copysign_", "signbit"]
)
def test_methods_and_functions_exist(name):
    assert callable(getattr(ag.Tensor, name))
    if not name.endswith("_") or name == "xlogy_":
        assert callable(getattr(ag, name))


# ---- xlogy ---------------------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_xlogy_special_values_match_torch(dtype):
    (x, tx), (y, ty) = both(X, dtype), both(Y, dtype)
    with np.errstate(all="raise"):  # no NumPy warnings leak out either
        same(ag.xlogy(x, y), torch.xlogy(tx, ty))
    same(x.xlogy(y), tx.xlogy(ty))


@requires_torch
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([1, 0, 3], [2, 0, 5]),
        ([True, False], [True, True]),
        ([1, 3], [1.5, 3.0]),
        (2, [1.0, 3.0]),
        (2, [1, 3]),
        ([1.0, 3.0], 2),
        ([1, 3], 2.5),
        (0, [0.0, NAN]),
        ([0.0, 1.0], 0),
    ],
)
def test_xlogy_promotion_and_number_operands_match_torch(a, b):
    def make(lib, v):
        return v if not isinstance(v, list) else lib.tensor(v)

    same(ag.xlogy(make(ag, a), make(ag, b)), torch.xlogy(make(torch, a), make(torch, b)))


@requires_torch
def test_xlogy_dtype_promotion_with_float64_and_0d():
    for a, b in [(np.float32, np.float64), (np.float64, np.float32)]:
        x, y = np.array([1.0, 3.0], dtype=a), np.array([2.0, 4.0], dtype=b)
        same(ag.xlogy(ag.tensor(x), ag.tensor(y)), torch.xlogy(torch.from_numpy(x), torch.from_numpy(y)))
    x, y = np.array([1.0, 3.0], np.float32), np.array(2.0)  # a 0-d float64 does not promote
    same(ag.xlogy(ag.tensor(x), ag.tensor(y)), torch.xlogy(torch.from_numpy(x), torch.from_numpy(y)))


@requires_torch
def test_xlogy_gradients_at_zero_and_negative_match_torch():
    """d/dx is 0 where x == 0 and y <= 0 (log(y) elsewhere, -inf or nan included); d/dy = x/y."""
    xs, ys = [0.0, 0.0, 1.0, 2.0, 0.0, 3.0], [0.0, -1.0, 0.0, -1.0, 2.0, NAN]
    x, y = ag.tensor(xs, requires_grad=True), ag.tensor(ys, requires_grad=True)
    tx, ty = torch.tensor(xs, requires_grad=True), torch.tensor(ys, requires_grad=True)
    with np.errstate(all="raise"):
        ag.xlogy(x, y).sum().backward()
    torch.xlogy(tx, ty).sum().backward()
    np.testing.assert_array_equal(x.grad._data, tx.grad.numpy())
    np.testing.assert_array_equal(y.grad._data, ty.grad.numpy())


@requires_torch
def test_xlogy_inplace_and_its_errors_match_torch():
    (x, tx), (y, ty) = both([1.0, 0.0, 2.0]), both([2.0, 0.0, 0.5])
    assert x.xlogy_(y) is x
    tx.xlogy_(ty)
    same(x, tx)
    same(ag.tensor([1.0, 0.0]).xlogy_(3), torch.tensor([1.0, 0.0]).xlogy_(3))
    assert ag.xlogy_ is not None and torch.xlogy_ is not None
    with pytest.raises(
        RuntimeError, match="xlogy_: result type float32 can't be cast to the tensor's dtype int64"
    ):
        ag.tensor([1, 0]).xlogy_(ag.tensor([2, 0]))
    with pytest.raises(RuntimeError, match="result type Float can't be cast"):
        torch.tensor([1, 0]).xlogy_(torch.tensor([2, 0]))


def test_xlogy_errors_name_the_argument():
    with pytest.raises(
        TypeError, match=r"xlogy\(\): at least one of 'input' and 'other' must be a Tensor, got two numbers"
    ):
        ag.xlogy(2, 3)
    with pytest.raises(
        TypeError, match=r"xlogy\(\): argument 'other' must be a Tensor or a number, not list"
    ):
        ag.xlogy(ag.ones(2), [1.0, 2.0])
    with pytest.raises(ValueError, match="xlogy: .*broadcast.*Hint: shapes broadcast when"):
        ag.xlogy(ag.ones(2), ag.ones(3))


# ---- float_power -----------------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([2.0, 3.0, -2.0, 0.0], 2),
        ([2, 3], -1),
        (2, [2, 3]),
        ([2.0, 3.0], [2, 3]),
        ([True], 2),
        ([-2.0, 4.0], 0.5),
        ([0.0, 1.5], [-1.0, 0.0]),
        (1.5, [0.5, -2.0]),
    ],
)
def test_float_power_is_float64_and_matches_torch(a, b):
    def make(lib, v):
        return v if not isinstance(v, list) else lib.tensor(v)

    mine = ag.float_power(make(ag, a), make(ag, b))
    assert mine.dtype == ag.float64
    same(mine, torch.float_power(make(torch, a), make(torch, b)))


@requires_torch
def test_float_power_gradient_comes_back_in_the_input_dtype():
    x, t = ag.tensor([2.0, 3.0], requires_grad=True), torch.tensor([2.0, 3.0], requires_grad=True)
    ag.float_power(x, 2.5).sum().backward()
    torch.float_power(t, 2.5).sum().backward()
    assert x.grad.dtype == ag.float32
    np.testing.assert_allclose(x.grad._data, t.grad.numpy(), rtol=1e-6)


@requires_torch
def test_float_power_inplace_needs_float64_as_in_torch():
    x = ag.tensor(np.array([2.0, 3.0]))
    assert x.float_power_(ag.tensor([1, 2])) is x
    same(x, torch.tensor([2.0, 3.0], dtype=torch.float64).float_power_(torch.tensor([1, 2])))
    with pytest.raises(
        OpError,
        match="float_power_: the base given to float_power_ has dtype float32 but "
        "the operation's result requires dtype float64. Hint: x = x.double",
    ):
        ag.tensor([2.0]).float_power_(2)
    with pytest.raises(RuntimeError, match="the base given to float_power_ has dtype Float"):
        torch.tensor([2.0]).float_power_(2)


def test_float_power_errors():
    with pytest.raises(TypeError, match=r"float_power\(\): at least one of 'input' and 'exponent'"):
        ag.float_power(2, 3)
    with pytest.raises(
        TypeError, match=r"float_power\(\): argument 'exponent' must be a Tensor or a number, not str"
    ):
        ag.float_power(ag.ones(2), "2")
    with pytest.raises(
        OpError,
        match="float_power: the output given to float_power has dtype float32 but "
        "the operation's result requires dtype float64",
    ):
        ag.float_power(ag.ones(2), 2, out=ag.empty(0))


# ---- copysign and signbit ------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_copysign_special_values_match_torch(dtype):
    (x, tx), (y, ty) = both(X, dtype), both(Y, dtype)
    same(ag.copysign(x, y), torch.copysign(tx, ty))
    for other in (-1, 2.5, -0.0, 0.0, -INF):
        same(x.copysign(other), tx.copysign(other))


@requires_torch
def test_copysign_integers_give_float32_and_inplace_matches_torch():
    same(
        ag.copysign(ag.tensor([1, -2]), ag.tensor([-1, 1])),
        torch.copysign(torch.tensor([1, -2]), torch.tensor([-1, 1])),
    )
    same(ag.copysign(ag.tensor([1, -2]), -1), torch.copysign(torch.tensor([1, -2]), -1))
    same(
        ag.copysign(ag.tensor([True]), ag.tensor([False])),
        torch.copysign(torch.tensor([True]), torch.tensor([False])),
    )
    x = ag.tensor([1.0, -2.0])
    assert x.copysign_(-1) is x
    same(x, torch.tensor([1.0, -2.0]).copysign_(-1))


@requires_torch
def test_copysign_gradients_match_torch():
    """+-1 for input (0 where input is 0), an explicit zero gradient for other."""
    xs, ys = [0.0, 1.0, -2.0, 3.0, -0.0], [-1.0, -1.0, 1.0, 1.0, -3.0]
    x, y = ag.tensor(xs, requires_grad=True), ag.tensor(ys, requires_grad=True)
    tx, ty = to_torch(np.array(xs, np.float32), True), to_torch(np.array(ys, np.float32), True)
    ag.copysign(x, y).sum().backward()
    torch.copysign(tx, ty).sum().backward()
    np.testing.assert_array_equal(x.grad._data, tx.grad.numpy())
    np.testing.assert_array_equal(y.grad._data, ty.grad.numpy())
    assert y.grad is not None and not y.grad._data.any()


def test_copysign_errors():
    with pytest.raises(TypeError, match=r"copysign\(\): argument 'input' must be a Tensor, not int"):
        ag.copysign(2, ag.ones(2))
    with pytest.raises(TypeError, match=r"copysign\(\): argument 'other' must be a Tensor or a number"):
        ag.copysign(ag.ones(2), None)


@requires_torch
@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([1.0, -2.0, 0.0, -0.0, NAN, -NAN, -INF, INF], np.float32),
        ([1e-300, -1e-300, -0.0], np.float64),
        ([1, -2, 0], np.int64),
        ([1, 0], np.uint8),
        ([True, False], np.bool_),
        ([-1, 3], np.int8),
    ],
)
def test_signbit_matches_torch_and_has_no_gradient(values, dtype):
    x, t = both(values, dtype)
    same(ag.signbit(x), torch.signbit(t))
    same(x.signbit(), t.signbit())
    if dtype == np.float32:
        assert not ag.signbit(ag.tensor(values, requires_grad=True)).requires_grad


def test_signbit_errors():
    with pytest.raises(TypeError, match=r"signbit\(\): argument 'input' must be a Tensor, not float"):
        ag.signbit(-1.0)
    with pytest.raises(
        RuntimeError, match=r"signbit\(\): expected out to have dtype bool .* but got float32"
    ):
        ag.signbit(ag.ones(2), out=ag.empty(0))
    out = ag.empty(0, dtype=ag.bool)
    assert ag.signbit(ag.tensor([-1.0, 1.0]), out=out) is out and out.tolist() == [True, False]

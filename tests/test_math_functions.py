"""Elementwise math beyond the gradient table: rounding (zero gradients), remainders, value tests
(isclose, isnan...), special values, dtypes, in-place forms and error messages, against PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import requires_torch, to_torch, torch

import autograd as ag

NAN, INF = float("nan"), float("inf")
SPECIAL = [0.0, -0.0, 0.5, -0.5, 1.5, -2.5, 2.5, 3.7, -3.7, 1e-300, 1e300, INF, -INF, NAN]


def cast(values, dtype):
    """The values in ``dtype`` (1e300 becomes inf in float32, silently)."""
    with np.errstate(over="ignore"):
        return np.array(values, dtype=dtype)


def same(mine, theirs):
    """Same values (nan where nan, signed zeros), same dtype and shape."""
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    mine = np.asarray(mine.detach().numpy() if isinstance(mine, ag.Tensor) else mine)
    assert mine.dtype == theirs.dtype and mine.shape == theirs.shape
    np.testing.assert_array_equal(mine, theirs)
    if mine.dtype.kind == "f":  # signed zeros (a nan's sign bit means nothing)
        np.testing.assert_array_equal(np.signbit(mine) & ~np.isnan(mine),
                                      np.signbit(theirs) & ~np.isnan(theirs))


# ---- registration ------------------------------------------------------------------------
_FUNCTIONS = ("log10 log2 exp2 rsqrt reciprocal square floor ceil round trunc fix frac fmod "
              "remainder tan sinh cosh asin acos atan asinh acosh atanh arcsin arccos arctan "
              "arcsinh arccosh arctanh atan2 arctan2 hypot logaddexp logaddexp2 lerp clamp_min "
              "clamp_max nan_to_num sgn absolute negative positive allclose isclose equal isnan "
              "isinf isposinf isneginf isfinite isreal")
_INPLACE = ("exp log log1p expm1 sqrt abs absolute sin cos tanh sigmoid relu erf sign sgn neg "
            "negative exp2 log2 log10 rsqrt reciprocal square floor ceil trunc fix frac round tan "
            "sinh cosh asin arcsin acos arccos atan arctan asinh arcsinh acosh arccosh atanh "
            "arctanh fmod remainder atan2 arctan2 hypot clamp_min clamp_max clip nan_to_num lerp")
FUNCTIONS, INPLACE = _FUNCTIONS.split(), _INPLACE.split()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_and_method_exist(name):
    assert callable(getattr(ag, name))
    assert callable(getattr(ag.Tensor, name))


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_method_exists(name):
    assert callable(getattr(ag.Tensor, name + "_"))


# ---- rounding: zero gradients, dtypes, values ------------------------------------------------
@requires_torch
@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "fix", "sign", "sgn", "frac"])
def test_rounding_gradients_are_exact_zeros_or_ones(name):
    values = np.array([1.5, -0.5, 0.0, 2.0, -3.0, 0.25])
    upstream = np.array([1.0, INF, NAN, -2.0, 3.0, 0.5])
    x = ag.tensor(values, requires_grad=True)
    out = getattr(ag, name)(x)
    assert out.requires_grad
    out.backward(ag.tensor(upstream))
    expected = upstream if name == "frac" else np.zeros_like(values)
    t = to_torch(values, requires_grad=True)
    getattr(torch, name)(t).backward(to_torch(upstream))
    np.testing.assert_array_equal(x.grad.detach().numpy(), expected)
    if name != "frac":  # PyTorch's zeros are exact too (frac passes nan through, as we do)
        np.testing.assert_array_equal(t.grad.numpy(force=True), expected)


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc"])
def test_rounding_second_order_is_zero(name):
    x = ag.tensor([1.3, -2.7], dtype=ag.float64, requires_grad=True)
    (g,) = ag.grad((getattr(ag, name)(x) * x).sum(), x, create_graph=True)
    values = g.detach().numpy()
    np.testing.assert_array_equal(values, np.floor(x.detach().numpy()) if name == "floor" else values)
    (gg,) = ag.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.detach().numpy(), [0.0, 0.0])


@requires_torch
@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "frac"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rounding_values_match_pytorch(name, dtype):
    values = cast(SPECIAL + [0.49999999999999994, 4.5, -4.5, 1e7 + 0.5], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same(getattr(ag, name)(ag.tensor(values)), getattr(torch, name)(torch.from_numpy(values)))


@requires_torch
@pytest.mark.parametrize("decimals", [1, 2, 3, -1, -2, 5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_decimals_matches_pytorch(decimals, dtype):
    values = np.array([1.25, 2.35, -0.05, 1234.5, -9876.54321, 0.125, 1e-3, 15.0, 0.0, -0.0,
                       INF, NAN, 3.14159265], dtype=dtype)
    mine = ag.round(ag.tensor(values), decimals=decimals)
    same(mine, torch.round(torch.from_numpy(values), decimals=decimals))
    same(ag.tensor(values).round(decimals=decimals), mine.detach().numpy())


@requires_torch
@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "sgn", "sign", "square"])
def test_integer_tensors_keep_their_dtype(name):
    values = np.array([3, -7, 0, 12])
    same(getattr(ag, name)(ag.tensor(values)), getattr(torch, name)(torch.from_numpy(values)))


def test_rounding_refuses_what_pytorch_refuses():
    with pytest.raises(NotImplementedError,
                       match=r"^round: \"round_cpu\" not implemented for 'Long' \(input dtype int64\)\. "
                             r"Hint: decimals=1 needs a floating point tensor"):
        ag.round(ag.tensor([1, 2]), decimals=1)
    with pytest.raises(NotImplementedError, match=r"^frac: \"frac_cpu\" not implemented for 'Long'"):
        ag.frac(ag.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match=r"^floor: \"floor_cpu\" not implemented for 'Bool'"):
        ag.floor(ag.tensor([True]))
    with pytest.raises(TypeError, match=r"round: decimals must be an int, got float"):
        ag.round(ag.tensor([1.0]), decimals=1.5)


# ---- fmod and remainder ----------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("name", ["fmod", "remainder"])
def test_remainders_match_pytorch_on_special_values(name):
    a = np.array(SPECIAL, dtype=np.float64)[:, None]
    b = np.array([2.0, -2.0, 0.5, -1.5, 0.0, -0.0, INF, -INF, NAN, 1e-300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mine = getattr(ag, name)(ag.tensor(a), ag.tensor(b))
    same(mine, getattr(torch, name)(torch.from_numpy(a), torch.from_numpy(b)))
    for scalar in (2.5, -2, 3):
        same(getattr(ag.tensor(a), name)(scalar), getattr(torch.from_numpy(a), name)(scalar))


@requires_torch
@pytest.mark.parametrize("name", ["fmod", "remainder"])
def test_integer_remainders_match_pytorch(name):
    a, b = np.array([[7], [-7], [0], [5]]), np.array([2, -2, 3, -5])
    same(getattr(ag, name)(ag.tensor(a), ag.tensor(b)),
         getattr(torch, name)(torch.from_numpy(a), torch.from_numpy(b)))
    same(getattr(ag, name)(ag.tensor(a), 2.5), getattr(torch, name)(torch.from_numpy(a), 2.5))
    with pytest.raises(ag.OpError, match=rf"{name}: ZeroDivisionError: integer division by zero"):
        getattr(ag, name)(ag.tensor(a), 0)


@requires_torch
@pytest.mark.parametrize("name", ["fmod", "remainder"])
def test_remainder_gradients_match_pytorch(name):
    a, b = np.array([5.0, -5.0, 5.5, -0.7]), np.array([2.0, 2.0, -2.0, 0.3])
    x, y = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    getattr(ag, name)(x, y).sum().backward()
    tx, ty = to_torch(a, True), to_torch(b, True)
    getattr(torch, name)(tx, ty).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(y.grad.detach().numpy(), ty.grad.numpy())


def test_remainder_of_a_number_by_a_tensor():
    # PyTorch: torch.remainder(3, t) works, but has no derivative for t; we give -floor(3 / t)
    b = ag.tensor([2.0, -2.0, 0.7], dtype=ag.float64, requires_grad=True)
    out = ag.remainder(3, b)
    np.testing.assert_allclose(out.detach().numpy(), [1.0, -1.0, 3 - 4 * 0.7])
    out.sum().backward()
    np.testing.assert_array_equal(b.grad.detach().numpy(), -np.floor(3 / b.detach().numpy()))
    with pytest.raises(TypeError, match=r"fmod\(\): argument 'input' must be a Tensor, not int"):
        ag.fmod(3, b)
    with pytest.raises(TypeError, match="remainder: at least one of input and other must be a Tensor"):
        ag.remainder(3, 2)


# ---- special values of the float functions ---------------------------------------------------
@requires_torch
@pytest.mark.parametrize("name", ["log10", "log2", "exp2", "rsqrt", "reciprocal", "square", "tan",
                                  "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh",
                                  "sgn", "absolute", "negative", "nan_to_num"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_unary_special_values_match_pytorch_silently(name, dtype):
    values = cast([v for v in SPECIAL + [1.0, -1.0, 2.0, 100.0, -1000.0]
                   if dtype != np.int64 or np.isfinite(v) and abs(v) < 1e18], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mine = getattr(ag, name)(ag.tensor(values))
    theirs = getattr(torch, name)(torch.from_numpy(values)).numpy()
    assert mine.dtype == theirs.dtype
    np.testing.assert_allclose(mine.detach().numpy(), theirs, rtol=1e-12 if dtype == np.float64 else 2e-7)


@requires_torch
@pytest.mark.parametrize("name", ["atan2", "hypot", "logaddexp", "logaddexp2"])
def test_binary_special_values_and_gradients_match_pytorch(name):
    a = np.array([0.0, 0.0, 1.0, -1.0, INF, -INF, INF, 3.0, -0.0, NAN])
    b = np.array([0.0, 1.0, 0.0, -0.0, INF, -INF, -INF, -4.0, -1.0, 1.0])
    x, y = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = getattr(ag, name)(x, y)
        out.backward(ag.ones_like(out))
    tx, ty = to_torch(a, True), to_torch(b, True)
    expected = getattr(torch, name)(tx, ty)
    expected.backward(torch.ones_like(expected))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.detach().numpy(), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(y.grad.detach().numpy(), ty.grad.numpy(), rtol=1e-12)


def test_atan2_gradient_at_the_origin_is_zero():
    x, y = ag.tensor([0.0], requires_grad=True), ag.tensor([0.0], requires_grad=True)
    ag.atan2(x, y).sum().backward()
    assert x.grad.item() == 0.0 and y.grad.item() == 0.0


@pytest.mark.parametrize("name", ["atan2", "hypot", "logaddexp", "logaddexp2"])
def test_binary_functions_want_tensors(name):
    with pytest.raises(TypeError, match=rf"{name}\(\): argument 'other' must be a Tensor, not float"):
        getattr(ag, name)(ag.tensor([1.0]), 2.0)


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "logaddexp2"])
def test_float_only_binary_functions_refuse_integers(name):
    with pytest.raises(NotImplementedError, match=rf"^{name}: \"{name}_cpu\" not implemented for 'Long'"):
        getattr(ag, name)(ag.tensor([1]), ag.tensor([2]))


# ---- lerp, clamp_min/max, nan_to_num -------------------------------------------------------
@requires_torch
def test_lerp_matches_pytorch():
    a, b = np.array([1.0, -2.0, 1e10, 0.1], np.float32), np.array([3.0, 5.0, -1e-5, 0.3], np.float32)
    for w in (0.0, 0.25, 0.5, 1.0, -0.5, 2.0, np.array([0.1, 0.6, 1.0, 0.0], np.float32)):
        tw = torch.from_numpy(w) if isinstance(w, np.ndarray) else w
        mine = ag.lerp(ag.tensor(a), ag.tensor(b), ag.tensor(w) if isinstance(w, np.ndarray) else w)
        theirs = torch.lerp(torch.from_numpy(a), torch.from_numpy(b), tw).numpy()
        np.testing.assert_allclose(mine.detach().numpy(), theirs, rtol=1e-6, atol=1e-7)  # PyTorch uses fma
        if not isinstance(w, np.ndarray) and w in (0.0, 1.0):
            same(mine, theirs)
    x = ag.tensor(a)
    assert x.lerp_(ag.tensor(b), 1.0) is x
    same(x, b)


def test_lerp_errors():
    with pytest.raises(TypeError,
                       match="lerp: expected dtype torch.float32 for `end` but got dtype torch.float64"):
        ag.lerp(ag.tensor([1.0]), ag.tensor([1.0], dtype=ag.float64), 0.5)
    with pytest.raises(NotImplementedError, match="^lerp: \"lerp_cpu\" not implemented for 'Long'"):
        ag.lerp(ag.tensor([1]), ag.tensor([2]), 0.5)
    with pytest.raises(TypeError, match="lerp\\(\\): argument 'end' must be a Tensor, not float"):
        ag.lerp(ag.tensor([1.0]), 2.0, 0.5)


@requires_torch
@pytest.mark.parametrize("name", ["clamp_min", "clamp_max", "clamp"])
def test_clamp_bounds_at_ties_match_pytorch(name):
    a, bound = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])
    x, m = ag.tensor(a, requires_grad=True), ag.tensor(bound, requires_grad=True)
    tx, tm = to_torch(a, True), to_torch(bound, True)
    if name == "clamp":
        ag.clamp(x, min=m, max=m + 0.5).sum().backward()
        torch.clamp(tx, min=tm, max=tm + 0.5).sum().backward()
    else:
        getattr(ag, name)(x, m).sum().backward()
        getattr(torch, name)(tx, tm).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(m.grad.detach().numpy(), tm.grad.numpy())
    x.grad = None
    getattr(ag, name)(x, 2.0).sum().backward()
    tx.grad = None
    getattr(torch, name)(tx, 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), tx.grad.numpy())


@requires_torch
def test_clamp_of_integers_by_floats_gives_float32():
    values = np.array([3, -7, 0])
    for fn, arg in ((ag.clamp_min, 0.5), (ag.clamp_max, 0.5), (ag.clamp_min, 2)):
        same(fn(ag.tensor(values), arg), getattr(torch, fn.__name__)(torch.from_numpy(values), arg))
    same(ag.clamp_min(ag.tensor(values), ag.tensor(1.5)),
         torch.clamp_min(torch.from_numpy(values), torch.tensor(1.5)))


@requires_torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("kwargs", [{}, {"nan": 1.5}, {"posinf": 7.0, "neginf": -8.0}])
def test_nan_to_num_matches_pytorch(dtype, kwargs):
    values = np.array([NAN, INF, -INF, 1.0, -0.0], dtype=dtype)
    x = ag.tensor(values, requires_grad=True)
    out = ag.nan_to_num(x, **kwargs)
    t = to_torch(values, True)
    expected = torch.nan_to_num(t, **kwargs)
    same(out, expected)
    out.backward(ag.ones_like(out))
    expected.backward(torch.ones_like(expected))
    same(x.grad, t.grad)
    y = ag.tensor(values)
    assert y.nan_to_num_(**kwargs) is y
    same(y, expected)


# ---- value tests: isclose, allclose, equal, isnan... ----------------------------------------
@requires_torch
@pytest.mark.parametrize("kwargs", [{}, {"rtol": 0.0, "atol": 0.0}, {"rtol": 0.1},
                                    {"atol": 1.0, "equal_nan": True}, {"equal_nan": True}])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_isclose_and_allclose_match_pytorch(kwargs, dtype):
    a = np.array([1.0, 1.0, INF, INF, -INF, NAN, NAN, 100.0, 0.0, 1e-9, 5.0])
    b = np.array([1.0 + 1e-6, 1.2, INF, -INF, 1.0, NAN, 1.0, 101.0, 1e-9, 0.0, 5.5])
    if dtype == np.int64:
        a, b = np.nan_to_num(a, posinf=9, neginf=-9), np.nan_to_num(b, posinf=9, neginf=-9)
    a, b = a.astype(dtype), b.astype(dtype)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    same(ag.isclose(ag.tensor(a), ag.tensor(b), **kwargs), torch.isclose(ta, tb, **kwargs))
    same(ag.tensor(a).isclose(ag.tensor(b), **kwargs), torch.isclose(ta, tb, **kwargs))
    for i in range(len(a)):
        mine = ag.allclose(ag.tensor(a[i:i + 1]), ag.tensor(b[i:i + 1]), **kwargs)
        assert mine is torch.allclose(ta[i:i + 1], tb[i:i + 1], **kwargs)


@requires_torch
def test_isclose_broadcasts():
    a, b = np.array([[1.0, 2.0]]), np.array([[1.0], [2.0]])
    same(ag.isclose(ag.tensor(a), ag.tensor(b)), torch.isclose(torch.from_numpy(a), torch.from_numpy(b)))
    assert ag.allclose(ag.tensor(a), ag.tensor(b)) is False
    assert ag.allclose(ag.zeros(0), ag.zeros(0)) is True


def test_isclose_errors():
    with pytest.raises(RuntimeError, match="isclose: input and other must have the same dtype, got "
                                           "float32 and float64"):
        ag.isclose(ag.tensor([1.0]), ag.tensor([1.0], dtype=ag.float64))
    with pytest.raises(RuntimeError, match="allclose: rtol must be greater than or equal to zero, "
                                           "but got -1"):
        ag.allclose(ag.tensor([1.0]), ag.tensor([1.0]), rtol=-1)
    with pytest.raises(RuntimeError, match=r"isclose: the shapes \(2,\) and \(3,\) do not broadcast"):
        ag.isclose(ag.zeros(2), ag.zeros(3))
    with pytest.raises(TypeError, match="allclose\\(\\): argument 'other' must be a Tensor, not float"):
        ag.allclose(ag.tensor([1.0]), 1.0)
    with pytest.raises(TypeError, match="isnan\\(\\): argument 'input' must be a Tensor, not float"):
        ag.isnan(1.0)


@requires_torch
def test_equal_matches_pytorch():
    cases = [([1.0, 2.0], [1.0, 2.0]), ([1.0, 2.0], [[1.0, 2.0]]), ([NAN], [NAN]), ([1.0], [1.5]),
             ([], [])]
    for a, b in cases:
        assert ag.equal(ag.tensor(a), ag.tensor(b)) is torch.equal(torch.tensor(a), torch.tensor(b))
    assert ag.tensor([1, 2]).equal(ag.tensor([1.0, 2.0])) is True  # values compare across dtypes
    assert ag.equal(ag.tensor([1.0]), ag.tensor([1.0], dtype=ag.float64)) is True


@requires_torch
@pytest.mark.parametrize("name", ["isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
def test_value_tests_match_pytorch(name, dtype):
    values = np.array([NAN, INF, -INF, 0.0, -1.5])
    if dtype in (np.int64, np.bool_):
        values = np.array([0, 1, -3]).astype(dtype)
    values = values.astype(dtype).reshape(-1, 1)
    x = ag.tensor(values, requires_grad=dtype in (np.float32, np.float64))
    mine = getattr(ag, name)(x)
    same(mine, getattr(torch, name)(torch.from_numpy(values)))
    same(getattr(x, name)(), mine.detach().numpy())
    assert not mine.requires_grad


# ---- in-place forms ----------------------------------------------------------------------------
INPLACE_CASES = [(name, ()) for name in INPLACE if name not in (
    "fmod", "remainder", "atan2", "arctan2", "hypot", "clamp_min", "clamp_max", "clip",
    "nan_to_num", "lerp")] + [
    ("fmod", (1.5,)), ("remainder", (-1.5,)), ("atan2", ("T",)), ("arctan2", ("T",)),
    ("hypot", ("T",)), ("clamp_min", (0.3,)), ("clamp_max", ("T",)), ("clip", (-0.5, 0.5)),
    ("nan_to_num", ()), ("round", ())]


@requires_torch
@pytest.mark.parametrize(("name", "args"), INPLACE_CASES, ids=[c[0] for c in INPLACE_CASES])
def test_inplace_forms_match_pytorch_in_the_graph(name, args):
    values = np.array([0.3, -0.7, 0.55, 0.9])
    other = np.array([0.2, 0.4, -0.6, 1.1])
    domain = {"acosh": 1.5, "arccosh": 1.5, "log": 1.0, "log2": 1.0, "log10": 1.0, "sqrt": 1.0,
              "rsqrt": 1.0}.get(name, 0.0)

    def run(make, inplace=True):
        leaf = make(values, True)
        bound = [make(other, False) if a == "T" else a for a in args]
        y = leaf * 1 + domain
        if inplace:
            version = y._version
            assert getattr(y, name + "_")(*bound) is y
            assert y._version > version
        else:
            y = getattr(y, name)(*bound)
        (y * make(other, False)).sum().backward()
        return y, leaf.grad

    mine, mine_grad = run(lambda v, g: ag.tensor(v, requires_grad=g))
    # PyTorch has no derivative for in-place asinh_/acosh_/atanh_: compare with out-of-place there
    theirs, their_grad = run(lambda v, g: to_torch(v, g), inplace=not name.startswith(
        ("asinh", "arcsinh", "acosh", "arccosh", "atanh", "arctanh")))
    np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(mine_grad.numpy(), their_grad.numpy(force=True), rtol=1e-12, atol=1e-15)


def test_inplace_round_with_decimals_and_errors():
    x = ag.tensor([1.234, 5.678])
    assert x.round_(decimals=1) is x
    np.testing.assert_allclose(x.detach().numpy(), [1.2, 5.7])
    with pytest.raises(RuntimeError,
                       match="exp_: result type float32 can't be cast to the tensor's dtype int64"):
        ag.tensor([1, 2]).exp_()
    with pytest.raises(RuntimeError, match="floor_: a leaf Variable that requires grad"):
        ag.tensor([1.5], requires_grad=True).floor_()
    y = ag.tensor([1.5, -2.5])
    y.floor_()
    y.clamp_min_(-1.0)
    np.testing.assert_array_equal(y.detach().numpy(), [1.0, -1.0])

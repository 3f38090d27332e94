"""``out=`` on the elementwise math, pow, clamp, where, cat, stack, cumsum, cumprod, sort, topk,
index_select, gather, masked_select, the products and the norms, against PyTorch: the result is
written into ``out`` (returned, version bumped), the dtype rules are PyTorch's (an exact dtype for
abs, neg, floor, clamp, where, gather...; a cast within a kind elsewhere), and ``out=`` never
takes part in autograd. (Factories and reductions are in test_out.py.)"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag

X = np.array([[0.25, 0.5, 0.75], [0.125, 0.375, 0.625]], dtype=np.float32)  # in (0, 1): every domain
UNARY = (
    "exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tanh", "sigmoid", "erf", "exp2", "log2",
    "log10", "rsqrt", "reciprocal", "square", "tan", "sinh", "cosh", "asin", "acos", "atan",
    "asinh", "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arctanh",
)
SAME_DTYPE_UNARY = (
    "abs", "absolute", "neg", "negative", "sign", "sgn", "floor", "ceil", "round", "trunc", "fix",
    "frac", "nan_to_num",
)
IDX = np.array([[1, 0, 2]])
MASK = np.array([[True, False, True], [False, True, True]])


def _calls(lib):
    t = lib.tensor
    return (
        {  # name: (call with out, whether out must have the result's dtype)
            "acosh": (lambda x, out: lib.acosh(x + 1, out=out), False),
            "pow": (lambda x, out: lib.pow(x, 2.5, out=out), False),
            "pow tensor": (lambda x, out: lib.pow(x, x, out=out), False),
            "pow number base": (lambda x, out: lib.pow(2, x, out=out), False),
            "clamp": (lambda x, out: lib.clamp(x, 0.2, 0.6, out=out), True),
            "clamp tensors": (lambda x, out: lib.clamp(x, x[0] * 0.5, x[0], out=out), False),
            "clamp_min tensor": (lambda x, out: lib.clamp_min(x, x[0], out=out), False),
            "clamp_min": (lambda x, out: lib.clamp_min(x, 0.3, out=out), True),
            "clamp_max": (lambda x, out: lib.clamp_max(x, 0.3, out=out), True),
            "clip": (lambda x, out: lib.clip(x, 0.3, out=out), True),
            "round decimals": (lambda x, out: lib.round(x, decimals=1, out=out), True),
            "where": (lambda x, out: lib.where(x > 0.3, x, -x, out=out), True),
            "maximum": (lambda x, out: lib.maximum(x, 1 - x, out=out), False),
            "minimum": (lambda x, out: lib.minimum(x, 1 - x, out=out), False),
            "atan2": (lambda x, out: lib.atan2(x, 1 - x, out=out), False),
            "hypot": (lambda x, out: lib.hypot(x, 1 - x, out=out), False),
            "logaddexp": (lambda x, out: lib.logaddexp(x, -x, out=out), False),
            "logaddexp2": (lambda x, out: lib.logaddexp2(x, -x, out=out), False),
            "fmod": (lambda x, out: lib.fmod(x, 0.3, out=out), False),
            "remainder": (lambda x, out: lib.remainder(x, -0.3, out=out), False),
            "lerp": (lambda x, out: lib.lerp(x, 1 - x, 0.3, out=out), False),
            "cat": (lambda x, out: lib.cat([x, x * 2], 1, out=out), False),
            "stack": (lambda x, out: lib.stack([x, x * 2], -1, out=out), False),
            "cumsum": (lambda x, out: lib.cumsum(x, 1, out=out), False),
            "cumprod": (lambda x, out: lib.cumprod(x, 0, out=out), False),
            "index_select": (lambda x, out: lib.index_select(x, 1, t([2, 0, 2]), out=out), True),
            "gather": (lambda x, out: lib.gather(x, 1, t(IDX), out=out), True),
            "masked_select": (lambda x, out: lib.masked_select(x, t(MASK), out=out), True),
            "xlogy": (lambda x, out: lib.xlogy(x, 1 - x, out=out), False),
            "copysign": (lambda x, out: lib.copysign(x, -1, out=out), False),
            "inner": (lambda x, out: lib.inner(x, x, out=out), True),
            "tensordot": (lambda x, out: lib.tensordot(x, x.T, 1, out=out), True),
            "baddbmm": (lambda x, out: lib.baddbmm(x[:, :2], x[None], x[None].mT, out=out), True),
            "addbmm": (lambda x, out: lib.addbmm(x[:, :2], x[None], x[None].mT, out=out), True),
            "addmv": (lambda x, out: lib.addmv(x[:, 0], x, x[0], out=out), True),
            "addr": (lambda x, out: lib.addr(x, x[:, 0], x[0], alpha=2, out=out), False),
            "svdvals": (lambda x, out: lib.linalg.svdvals(x, out=out), True),
            "matrix_norm nuc": (lambda x, out: lib.linalg.matrix_norm(x, "nuc", out=out), True),
            "matrix_norm fro": (lambda x, out: lib.linalg.matrix_norm(x, out=out), True),
            "vector_norm": (lambda x, out: lib.linalg.vector_norm(x, 3, dim=1, out=out), True),
            "linalg.norm": (lambda x, out: lib.linalg.norm(x, 2, out=out), True),
            "norm": (lambda x, out: lib.norm(x, 2, dim=0, out=out), True),
        }
        | {name: (lambda x, out, name=name: getattr(lib, name)(x, out=out), False) for name in UNARY}
        | {
            name: (lambda x, out, name=name: getattr(lib, name)(x - 0.4, out=out), True)
            for name in SAME_DTYPE_UNARY
        }
    )


NAMES = list(_calls(ag))
# PyTorch's composite ops do not refuse out= with autograd (the out tensor silently gets no
# graph); ndgrad refuses it everywhere
TORCH_ALLOWS_GRAD = {"inner", "tensordot", "matrix_norm nuc", "matrix_norm fro", "linalg.norm"}


@requires_torch
@pytest.mark.parametrize("name", NAMES)
def test_writes_into_out_and_returns_it_as_torch(name):
    (call, _), (torch_call, _) = _calls(ag)[name], _calls(torch)[name]
    out, torch_out = ag.empty(0), torch.empty(0)
    version = out._version
    result = call(ag.tensor(X), out)
    assert result is out and out._version > version
    assert torch_call(torch.from_numpy(X.copy()), torch_out) is torch_out
    assert out.shape == tuple(torch_out.shape) and out._data.dtype == torch_out.numpy().dtype
    np.testing.assert_allclose(out._data, torch_out.numpy(), rtol=1e-6, atol=1e-7)
    with ag.no_grad():  # with inputs that require grad, out= works under no_grad
        assert call(ag.tensor(X, requires_grad=True), ag.empty(0)).shape == out.shape


@requires_torch
@pytest.mark.parametrize("name", NAMES)
def test_out_dtype_rules_match_torch(name):
    (call, strict), (torch_call, _) = _calls(ag)[name], _calls(torch)[name]
    x, tx = ag.tensor(X), torch.from_numpy(X.copy())
    for dtype in ("float64", "float16", "int64"):
        out, torch_out = ag.empty(0, dtype=getattr(ag, dtype)), torch.empty(0, dtype=getattr(torch, dtype))
        try:
            torch_call(tx, torch_out)
        except (RuntimeError, TypeError) as err:
            expected = (
                "expected out to have dtype float32 \\(the result's\\), but got " + dtype
                if strict
                else "can't be cast to the desired output type int64"
            )
            with pytest.raises(type(err), match=expected):
                call(x, out)
            continue
        assert not strict or dtype == "float32", "torch took an out= of another dtype"
        call(x, out)
        np.testing.assert_allclose(out._data, torch_out.numpy(), rtol=2e-3, atol=1e-3)


@requires_torch
@pytest.mark.parametrize("name", NAMES)
def test_out_refuses_autograd_as_torch(name):
    (call, _), (torch_call, _) = _calls(ag)[name], _calls(torch)[name]
    message = "functions with out=... arguments don't support automatic differentiation"
    if name not in TORCH_ALLOWS_GRAD:
        with pytest.raises(RuntimeError, match=message):
            torch_call(torch.tensor(X, requires_grad=True), torch.empty(0))
    out = ag.empty(0)
    with pytest.raises(RuntimeError, match=message + ", but one of the arguments requires grad. Hint"):
        call(ag.tensor(X, requires_grad=True), out)
    assert out.shape == (0,) and out._version == 0  # nothing was written


@requires_torch
def test_integer_results_cast_within_their_kind_as_torch():
    ints = np.array([[3, -1, 2], [0, 5, -4]])
    for name in ("cumsum", "square", "pow", "maximum", "cat"):
        (call, _), (torch_call, _) = _calls(ag)[name], _calls(torch)[name]
        out, torch_out = ag.empty(0, dtype=ag.int32), torch.empty(0, dtype=torch.int32)
        if name in ("pow", "cat", "maximum", "cumsum"):
            call = {
                "pow": lambda x, o: ag.pow(x, 2, out=o),
                "cat": lambda x, o: ag.cat([x, x], out=o),
                "maximum": lambda x, o: ag.maximum(x, -x, out=o),
                "cumsum": lambda x, o: ag.cumsum(x, 0, out=o),
            }[name]
            torch_call = {
                "pow": lambda x, o: torch.pow(x, 2, out=o),
                "cat": lambda x, o: torch.cat([x, x], out=o),
                "maximum": lambda x, o: torch.maximum(x, -x, out=o),
                "cumsum": lambda x, o: torch.cumsum(x, 0, out=o),
            }[name]
        call(ag.tensor(ints), out)
        torch_call(torch.from_numpy(ints), torch_out)
        assert out._data.dtype == np.int32
        np.testing.assert_array_equal(out._data, torch_out.numpy())
    with pytest.raises(
        RuntimeError, match=r"exp\(\): result type float32 can't be cast to the desired output type int64"
    ):
        ag.exp(ag.tensor(ints), out=ag.empty(0, dtype=ag.int64))


@requires_torch
def test_cumsum_with_dtype_needs_an_out_of_that_dtype():
    x = ag.tensor(X)
    with pytest.raises(RuntimeError, match=r"cumsum\(\): expected out to have dtype float64"):
        ag.cumsum(x, 0, dtype=ag.float64, out=ag.empty(0))
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype double"):
        torch.cumsum(torch.from_numpy(X), 0, dtype=torch.float64, out=torch.empty(0))
    out = ag.empty(0, dtype=ag.float64)
    assert ag.cumprod(x, 1, dtype=ag.float64, out=out) is out and out._data.dtype == np.float64


# ---- sort and topk: out=(values, indices) ------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("name", ["sort", "topk"])
def test_sort_and_topk_write_values_and_indices_as_torch(name):
    def call(lib, x, out):
        fn = getattr(lib, name)
        return fn(x, descending=True, out=out) if name == "sort" else fn(x, 2, largest=False, out=out)

    values, indices = ag.empty(0), ag.empty(0, dtype=ag.int64)
    result = call(ag, ag.tensor(X), [values, indices])
    assert result.values is values and result.indices is indices and isinstance(result, tuple)
    theirs = call(torch, torch.from_numpy(X.copy()), (torch.empty(0), torch.empty(0, dtype=torch.long)))
    np.testing.assert_array_equal(values._data, theirs.values.numpy())
    np.testing.assert_array_equal(indices._data, theirs.indices.numpy())
    with warnings.catch_warnings(record=True) as caught:  # outs with elements are resized, with a warning
        warnings.simplefilter("always")
        call(ag, ag.tensor(X), (ag.empty(5), ag.empty(5, dtype=ag.int64)))
    assert len(caught) == 2 and "resized" in str(caught[0].message)
    with ag.no_grad():
        call(ag, ag.tensor(X, requires_grad=True), (ag.empty(0), ag.empty(0, dtype=ag.int64)))


@pytest.mark.parametrize("name", ["sort", "topk"])
def test_sort_and_topk_out_errors_write_nothing(name):
    def call(x, out):
        return ag.sort(x, out=out) if name == "sort" else ag.topk(x, 1, out=out)

    values = ag.empty(0)
    with pytest.raises(
        RuntimeError, match=rf"{name}\(\): expected out to have dtype int64 .* but got float32"
    ):
        call(ag.tensor(X), (values, ag.empty(0)))
    assert values.shape == (0,) and values._version == 0
    with pytest.raises(
        RuntimeError, match=rf"{name}\(\): expected out to have dtype float32 .* but got float64"
    ):
        call(ag.tensor(X), (ag.empty(0, dtype=ag.float64), ag.empty(0, dtype=ag.int64)))
    with pytest.raises(
        TypeError,
        match=rf"{name}\(\): argument 'out' must be a tuple of 2 Tensors \(values, "
        r"indices\), got Tensor",
    ):
        call(ag.tensor(X), values)
    with pytest.raises(TypeError, match="must be a tuple of 2 Tensors .* got tuple of 3 elements"):
        call(ag.tensor(X), (values, values, values))
    with pytest.raises(RuntimeError, match="functions with out=... arguments don't support automatic"):
        call(ag.tensor(X, requires_grad=True), (values, ag.empty(0, dtype=ag.int64)))
    with pytest.raises(RuntimeError, match="functions with out=... arguments don't support automatic"):
        call(ag.tensor(X), (ag.empty(0, requires_grad=True), ag.empty(0, dtype=ag.int64)))


def test_out_of_another_type_is_refused():
    with pytest.raises(TypeError, match=r"sqrt\(\): argument 'out' must be a Tensor, not ndarray"):
        ag.sqrt(ag.tensor(X), out=np.empty(3))

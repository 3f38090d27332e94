"""Torch's dtypes, default dtype, legacy constructors, ``.data`` and print options.

Each behaviour is pinned by literal expectations (so the tests mean something without torch)
and, when torch is importable, checked against torch 2.13 on the same calls.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from conftest import torch

import autograd as ag
import nn


@pytest.fixture
def default_dtype():
    """Restore the default dtype and the print options after a test changes them."""
    yield
    ag.set_default_dtype(ag.float32)
    ag.set_printoptions(profile="default")
    if torch is not None:
        torch.set_default_dtype(torch.float32)
        torch.set_printoptions(profile="default")


# ---- dtypes --------------------------------------------------------------------------------
def test_dtypes_print_as_torch_and_equal_numpy():
    x = ag.tensor([1.5, 2.0])
    assert str(x.dtype) == repr(x.dtype) == "torch.float32"
    assert repr(ag.int64) == "torch.int64" and repr(ag.bool) == "torch.bool"
    assert x.dtype == ag.float32 == np.float32 == np.dtype("float32") and x.dtype != ag.float64
    assert ag.float is ag.float32 and ag.long is ag.int64 and ag.double is ag.float64
    assert isinstance(ag.float32, ag.dtype)
    assert {np.dtype("float32"): "ok"}[ag.float32] == "ok" and {ag.float32: 1}[np.dtype("float32")] == 1
    assert np.zeros(2, ag.float64).dtype == np.float64 and np.dtype(ag.int32) == np.int32
    assert ag.float16.is_floating_point and not ag.int64.is_floating_point
    assert ag.int8.is_signed and not ag.uint8.is_signed and ag.float64.itemsize == 8
    assert pickle.loads(pickle.dumps(ag.float64)) is ag.float64
    assert repr(ag.tensor([1.0], dtype=ag.float64)) == "tensor([1.], dtype=torch.float64)"
    assert repr(ag.tensor([1, 2], dtype=ag.int32)) == "tensor([1, 2], dtype=torch.int32)"
    if torch is not None:
        for name in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                     "bool"):
            ours, theirs = getattr(ag, name), getattr(torch, name)
            assert repr(ours) == repr(theirs)
            assert (ours.is_floating_point, ours.is_signed, ours.itemsize) == \
                (theirs.is_floating_point, theirs.is_signed, theirs.itemsize)


def test_set_default_dtype_changes_new_floats(default_dtype):
    ag.set_default_dtype(ag.float64)
    assert ag.get_default_dtype() is ag.float64
    made = {"tensor": ag.tensor([1.5]), "zeros": ag.zeros(2), "randn": ag.randn(2),
            "arange": ag.arange(0.0, 1.0, 0.5), "int / 2": ag.tensor([1]) / 2,
            "int * 2.5": ag.tensor(1) * 2.5, "Tensor": ag.Tensor([1])}
    assert {k: repr(v.dtype) for k, v in made.items()} == dict.fromkeys(made, "torch.float64")
    assert ag.FloatTensor([1]).dtype == ag.float32  # FloatTensor stays float32, as in torch
    assert repr(ag.tensor([1.5])) == "tensor([1.5000])"
    assert repr(ag.tensor([1.5], dtype=ag.float32)) == "tensor([1.5000], dtype=torch.float32)"
    with pytest.raises(TypeError, match="set_default_dtype: only floating-point types.*int64"):
        ag.set_default_dtype(ag.int64)
    if torch is not None:
        torch.set_default_dtype(torch.float64)
        assert repr(torch.tensor([1.5], dtype=torch.float32)) == \
            repr(ag.tensor([1.5], dtype=ag.float32))
        assert (torch.tensor([1]) / 2).dtype == torch.float64


# ---- torch.Tensor(...) and the typed constructors ----------------------------------------------
def _legacy_cases(lib):
    return {
        "list of ints": lib.Tensor([1, 2]),
        "ndarray float64": lib.Tensor(np.array([1.0, 2.0])),
        "ndarray int": lib.Tensor(np.array([[1, 2]])),
        "tuple": lib.Tensor((2, 3)),
        "FloatTensor": lib.FloatTensor([1, 2]),
        "LongTensor": lib.LongTensor([1.7, -2.2]),
        "BoolTensor": lib.BoolTensor([0, 2]),
        "DoubleTensor": lib.DoubleTensor([0.5]),
        "IntTensor": lib.IntTensor([3]),
        "ByteTensor": lib.ByteTensor([7]),
    }


def test_legacy_constructors_convert_as_torch():
    ours = _legacy_cases(ag)
    assert repr(ours["list of ints"]) == "tensor([1., 2.])"
    assert repr(ours["LongTensor"]) == "tensor([ 1, -2])"
    assert repr(ours["BoolTensor"]) == "tensor([False,  True])"
    if torch is not None:
        for key, theirs in _legacy_cases(torch).items():
            assert repr(ours[key]) == repr(theirs), key


def test_legacy_constructors_by_size_and_alias():
    assert ag.Tensor(2, 3).shape == (2, 3) and ag.Tensor(2, 3).dtype == ag.float32
    assert ag.Tensor(ag.Size([4, 1])).shape == (4, 1) and ag.Tensor(3).shape == (3,)
    assert ag.Tensor().shape == (0,) and ag.DoubleTensor(2).dtype == ag.float64
    assert ag.IntTensor(ag.Size([2])).dtype == ag.int32
    t = ag.tensor([1, 2])
    alias = ag.Tensor(t)
    assert alias is not t and alias.dtype == ag.int64 and np.shares_memory(alias.numpy(), t.numpy())
    alias.add_(1)
    assert t.tolist() == [2, 3] and t._version == 1  # one memory, one version counter
    assert isinstance(ag.ones(2), ag.FloatTensor) and not isinstance(ag.ones(2), ag.LongTensor)
    assert isinstance(ag.tensor([1]), ag.LongTensor) and repr(ag.FloatTensor) == "<class 'torch.FloatTensor'>"
    if torch is not None:
        assert torch.Tensor(2, 3).shape == (2, 3) and torch.Tensor().shape == (0,)
        assert isinstance(torch.ones(2), torch.FloatTensor)


@pytest.mark.parametrize("call, error, match", [
    (lambda: ag.Tensor(2.5), TypeError, r"Tensor\(\): data must be a sequence \(got float\)"),
    (lambda: ag.Tensor("ab"), TypeError, "invalid data type 'str'"),
    (lambda: ag.Tensor([[1], [2, 3]]), ValueError, "rectangular"),
    (lambda: ag.Tensor(2, -1), RuntimeError, "negative dimension"),
    (lambda: ag.Tensor([1.0], device="cuda"), Exception, "CPU"),
    (lambda: ag.Tensor([1], [2]), TypeError, r"expected data or sizes"),
])
def test_legacy_constructor_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_parameters_keep_their_data_dtype_and_pickle():
    assert nn.Parameter(np.ones(2)).dtype == ag.float64  # ndgrad accepts arrays: dtype kept
    assert nn.Parameter().shape == (0,) and nn.Parameter().dtype == ag.float32
    p = nn.Parameter(ag.ones(2, dtype=ag.float64))
    back = pickle.loads(pickle.dumps(p))
    assert type(back) is nn.Parameter and back.dtype == ag.float64 and back.requires_grad


# ---- .data --------------------------------------------------------------------------------
def _data_semantics(lib):
    w = lib.ones(3, requires_grad=True)
    y = (w * 2).sum()
    d = w.data
    facts = [type(d) is type(w) or isinstance(d, lib.Tensor), d.requires_grad, d.is_leaf,
             d.grad_fn is None]
    d.add_(1)  # changes w, unseen by autograd
    w.data.mul_(2)
    w.data[0] = 10.0
    y.backward()
    facts += [w.tolist(), d._version, w._version, w.grad.tolist()]
    w.data = lib.zeros(2)  # any shape
    facts += [w.shape == (2,), w._version, w.requires_grad]
    return facts


def test_data_is_an_untracked_tensor_sharing_memory():
    ours = _data_semantics(ag)
    assert ours == [True, False, True, True, [10.0, 4.0, 4.0], 1, 0, [2.0, 2.0, 2.0], True, 0,
                    True]
    if torch is not None:
        assert ours == _data_semantics(torch)


def test_optimizer_idiom_on_data_matches_torch():
    def run(lib):
        w = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        for _ in range(3):
            loss = (w * w).sum()
            loss.backward()
            w.data += -0.1 * w.grad
            w.data.add_(w.grad, alpha=-0.05)
            w.grad = None
        return w.tolist()

    ours = run(ag)
    np.testing.assert_allclose(ours, np.array([1.0, -2.0, 3.0]) * 0.7 ** 3, rtol=1e-6)
    if torch is not None:
        np.testing.assert_allclose(ours, run(torch), rtol=1e-6)


# ---- printing -------------------------------------------------------------------------------
def _printed(lib):
    big_edges_small = lib.cat([lib.full((5,), 1e-6), lib.ones(2000), lib.full((5,), 1e-6)])
    small_middle = lib.cat([lib.ones(3), lib.full((2000,), 1e-6), lib.ones(3)])
    out = [repr(big_edges_small), repr(small_middle), repr(lib.ones(40, 40)),
           repr(lib.tensor([[1e10, 1.5], [float("nan"), 0.0]])), repr(lib.tensor([1e5, 1.0])),
           repr(lib.tensor([1e-8, 1.0]))]
    lib.set_printoptions(precision=2)
    out.append(repr(lib.tensor([1.2345, 2.5])))
    lib.set_printoptions(sci_mode=True)
    out.append(repr(lib.tensor([1.2345, 2.5])))
    lib.set_printoptions(precision=3)  # sci_mode back to automatic
    out.append(repr(lib.tensor([1.2345, 2.5])))
    lib.set_printoptions(threshold=5, edgeitems=1)
    out += [repr(lib.arange(10.0)), repr(lib.ones(3, 4))]
    lib.set_printoptions(profile="short")
    out.append(repr(lib.arange(2000.0) / 7))
    lib.set_printoptions(profile="full")
    out.append(repr(lib.arange(1200)).count("\n"))
    lib.set_printoptions(profile="default", linewidth=20)
    out.append(repr(lib.arange(12.0)))
    lib.set_printoptions(profile="default")
    return out


def test_print_options_and_summaries_as_torch(default_dtype):
    ours = _printed(ag)
    assert ours[0].startswith("tensor([1.0000e-06, 1.0000e-06, 1.0000e-06,  ..., 1.0000e-06")
    assert ours[1] == "tensor([1., 1., 1.,  ..., 1., 1., 1.])"  # only the shown values decide
    assert ours[6:9] == ["tensor([1.23, 2.50])", "tensor([1.23e+00, 2.50e+00])",
                         "tensor([1.235, 2.500])"]
    assert ours[10] == "tensor([[1.,  ..., 1.],\n        ...,\n        [1.,  ..., 1.]])"
    if torch is not None:
        for i, (mine, theirs) in enumerate(zip(ours, _printed(torch))):
            assert mine == theirs, f"case {i}:\n{mine}\n{theirs}"


def test_set_printoptions_rejects_an_unknown_profile(default_dtype):
    with pytest.raises(ValueError, match="set_printoptions: unknown profile 'long'.*default"):
        ag.set_printoptions(profile="long")


def test_true_division_dtypes_as_torch():
    def dtypes_of(lib):
        x, i = lib.tensor([2.0, 4.0]), lib.tensor([2, 4])
        d = lib.tensor([2.0], dtype=lib.float64)
        results = [1.0 / x, lib.div(1.0, x), 1 / i, x / 2, i / 2, i / i, x / d, i / x, 3 / i,
                   lib.tensor(2.0) / i, i / lib.tensor(2.0, dtype=lib.float64)]
        return [repr(r.dtype) for r in results]

    ours = dtypes_of(ag)
    assert ours == ["torch.float32"] * 6 + ["torch.float64"] + ["torch.float32"] * 3 + ["torch.float64"]
    if torch is not None:
        assert ours == dtypes_of(torch)


def _random_reprs(lib):
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(1, 8)).astype(np.float32), rng.normal(size=30).astype(np.float32),
              (rng.normal(size=(4, 3, 5)) * 100).astype(np.float32), rng.normal(size=(3, 20)),
              rng.normal(size=(3, 9)).astype(np.float32)]
    return [repr(t) for t in (
        lib.tensor(values[0]), lib.tensor(values[1]), lib.tensor(values[2]),
        lib.tensor(values[3], dtype=lib.float64), lib.tensor([True, True]),
        lib.tensor([True, False]), lib.tensor([[1, -20], [300, 4]]), lib.tensor(3.5),
        lib.tensor(2.0), lib.tensor(float("nan")), lib.tensor([float("inf"), -1.5, 0.0]),
        lib.arange(3000.0).reshape(3, 1000), lib.ones(2, 3, 4), lib.tensor([1e-5, 1.0]),
        lib.arange(1200).reshape(20, 60), lib.zeros(0, 3), lib.tensor([]), lib.tensor(5),
        lib.ones(2, 2, 600), lib.tensor(values[4], requires_grad=True),
        lib.tensor(values[4][0], requires_grad=True) * 2, lib.zeros(0, 3, requires_grad=True),
        lib.tensor(values[4][0, :8], dtype=lib.float64, requires_grad=True).exp())]


def test_repr_layout_is_torchs():
    """Line breaks, widths, summaries and suffixes follow torch's _tensor_str, not NumPy's."""
    ours = _random_reprs(ag)
    assert ours[0].count("\n") == 0  # eight values fit one 80-column line, as in torch
    assert ours[4] == "tensor([True, True])" and ours[5] == "tensor([ True, False])"
    assert ours[7] == "tensor(3.5000)" and ours[8] == "tensor(2.)" and ours[17] == "tensor(5)"
    assert ours[15] == "tensor([], size=(0, 3))"
    if torch is not None:
        for i, (mine, theirs) in enumerate(zip(ours, _random_reprs(torch))):
            assert mine == theirs, f"case {i}:\n{mine}\n{theirs}"

"""The Tensor API: factories, dtypes and promotion, attributes, repr, NumPy interop, and the
results of comparisons, max(dim), split and chunk."""

import numpy as np
import pytest
from conftest import torch

import autograd as ag


def leaf(values, dtype=None):
    return ag.tensor(values, dtype=dtype, requires_grad=True)


# ---- factories -----------------------------------------------------------------------------
def test_value_factories():
    assert ag.zeros(2, 3).shape == (2, 3) and ag.zeros((2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(ag.zeros(2).detach().numpy(), [0, 0])
    np.testing.assert_array_equal(ag.ones(2, 1).detach().numpy(), [[1], [1]])
    np.testing.assert_array_equal(ag.full((2,), 7.5).detach().numpy(), [7.5, 7.5])
    np.testing.assert_array_equal(ag.eye(2, 3).detach().numpy(), [[1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(ag.eye(2).detach().numpy(), [[1, 0], [0, 1]])
    np.testing.assert_array_equal(ag.arange(4).detach().numpy(), [0, 1, 2, 3])
    np.testing.assert_array_equal(ag.arange(1, 7, 2).detach().numpy(), [1, 3, 5])
    np.testing.assert_array_equal(ag.arange(0, 1, 0.25).detach().numpy(), [0, 0.25, 0.5, 0.75])


def test_factory_dtypes_follow_torch():
    assert ag.zeros(2).dtype == ag.float32 and ag.ones(2).dtype == ag.float32
    assert ag.zeros(2, dtype=ag.float64).dtype == ag.float64
    assert ag.eye(2).dtype == ag.float32
    assert ag.arange(5).dtype == ag.int64 and ag.arange(0, 1, 0.25).dtype == ag.float32
    assert ag.full((2,), 3).dtype == ag.int64
    assert ag.full((2,), 3.0).dtype == ag.float32
    assert ag.full((2,), True).dtype == ag.bool
    assert ag.rand(2).dtype == ag.float32 and ag.randn(2, dtype=ag.float64).dtype == ag.float64


def test_like_factories_keep_shape_and_dtype():
    ints, doubles = ag.tensor([[1, 2, 3]]), ag.zeros(2, 3, dtype=ag.float64)
    assert ag.zeros_like(ints).dtype == ag.int64 and ag.zeros_like(ints).shape == (1, 3)
    np.testing.assert_array_equal(ag.ones_like(doubles).detach().numpy(), np.ones((2, 3)))
    assert ag.ones_like(doubles).dtype == ag.float64
    np.testing.assert_array_equal(ag.full_like(ints, 7).detach().numpy(), [[7, 7, 7]])
    assert ag.randn_like(doubles).shape == (2, 3) and ag.randn_like(doubles).dtype == ag.float64
    assert ag.zeros_like(doubles, requires_grad=True).requires_grad


def test_factories_can_require_grad():
    for t in (ag.zeros(2, requires_grad=True), ag.ones(2, requires_grad=True),
              ag.randn(2, requires_grad=True), ag.full((2,), 1.0, requires_grad=True)):
        assert t.requires_grad and t.is_leaf


def test_from_numpy_shares_memory_and_keeps_dtype():
    array = np.arange(3, dtype=np.int32)
    t = ag.from_numpy(array)
    assert t.dtype == ag.int32
    array[0] = 10
    assert t.tolist() == [10, 1, 2]
    t += 1
    np.testing.assert_array_equal(array, [11, 2, 3])


def test_tensor_copies_its_input():
    array = np.zeros(2)
    t = ag.tensor(array)
    array[0] = 1
    assert t.tolist() == [0, 0]


@pytest.mark.parametrize("make", [
    lambda: ag.rand(3, 2), lambda: ag.randn(4), lambda: ag.randint(0, 10, (5,)),
    lambda: ag.randperm(6), lambda: ag.randn_like(ag.zeros(2, 2)), lambda: ag.rand_like(ag.zeros(3)),
], ids=["rand", "randn", "randint", "randperm", "randn_like", "rand_like"])
def test_manual_seed_makes_random_factories_reproducible(make):
    ag.manual_seed(123)
    first, second = make(), make()
    ag.manual_seed(123)
    again = make()
    np.testing.assert_array_equal(first.data, again.detach().numpy())
    assert not np.array_equal(first.data, second.detach().numpy())


def test_random_factory_ranges():
    ag.manual_seed(0)
    u = ag.rand(1000).detach().numpy()
    assert u.min() >= 0 and u.max() < 1
    assert abs(ag.randn(10_000).detach().numpy().std() - 1) < 0.05
    ints = ag.randint(3, 6, (200,))
    assert ints.dtype == ag.int64 and set(ints.tolist()) == {3, 4, 5}
    assert sorted(ag.randperm(5).tolist()) == [0, 1, 2, 3, 4]


# ---- dtypes --------------------------------------------------------------------------------
def test_inferred_dtypes():
    assert ag.tensor([1.5, 2]).dtype == ag.float32
    assert ag.tensor(2.5).dtype == ag.float32
    assert ag.tensor([1, 2]).dtype == ag.int64
    assert ag.tensor([True, False]).dtype == ag.bool
    assert ag.tensor(np.array([1, 2], dtype=np.int32)).dtype == ag.int32
    assert ag.tensor(np.array([1.0, 2.0])).dtype == ag.float64
    assert ag.tensor(np.float64(1.0)).dtype == ag.float64
    assert ag.tensor([1, 2], dtype=ag.float64).dtype == ag.float64


def test_conversions():
    x = ag.tensor([1.7, -1.7])
    assert x.to(ag.float64).dtype == ag.float64
    assert x.double().dtype == ag.float64 and x.double().float().dtype == ag.float32
    assert x.long().tolist() == [1, -1] and x.long().dtype == ag.int64
    assert x.to(ag.float32) is x  # no-op conversion


def test_only_float_tensors_can_require_grad():
    with pytest.raises(TypeError, match="floating point"):
        ag.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="floating point"):
        ag.tensor([True]).requires_grad_()
    assert ag.tensor([1.0], dtype=ag.float16, requires_grad=True).requires_grad


@pytest.mark.parametrize(("make", "dtype"), [
    (lambda: ag.tensor([1.0, 2.0]) * 2.5, ag.float32),
    (lambda: ag.tensor([1.0, 2.0]) * np.float64(2.5), ag.float32),
    (lambda: ag.tensor([1.0, 2.0]) + 1, ag.float32),
    (lambda: ag.tensor([1, 2]) * 2.5, ag.float32),
    (lambda: ag.tensor([1, 2]) / 2, ag.float32),
    (lambda: ag.tensor([1.0, 2.0]) + ag.tensor([1, 2]), ag.float32),
    (lambda: ag.tensor([1.0, 2.0]) + ag.tensor(1.0, dtype=ag.float64), ag.float32),
    (lambda: ag.tensor([1.0], dtype=ag.float16) * ag.tensor([1.0]), ag.float32),
    (lambda: ag.tensor([1, 2], dtype=ag.int32) + ag.tensor(1), ag.int32),
    (lambda: ag.tensor([True]) * 2, ag.int64),
    (lambda: ag.tensor([True]) * 2.0, ag.float32),
    (lambda: ag.tensor([1.0], dtype=ag.float64) * 2.5, ag.float64),
    (lambda: ag.tensor([1, 2], dtype=ag.int32).sum(), ag.int64),
], ids=["f32*float", "f32*np_float64", "f32+int", "i64*float", "i64/int", "f32+i64",
        "f32+f64_0d", "f16*f32", "i32+i64_0d", "bool*int", "bool*float", "f64*float", "i32_sum"])
def test_promotion_matches_torch(make, dtype):
    assert make().dtype == dtype


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
def test_grad_dtype_equals_tensor_dtype(dtype):
    x = leaf([1.0, 2.0], dtype=dtype)
    other = ag.tensor([3.0, 4.0], dtype=ag.float64 if dtype == ag.float32 else ag.float32)
    (x * x * other).sum().backward()
    assert x.grad.dtype == dtype
    np.testing.assert_allclose(x.grad.detach().numpy(), [6, 16])


# ---- attributes ----------------------------------------------------------------------------
def test_attributes():
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert isinstance(x.detach().numpy(), np.ndarray) and x.detach().numpy().shape == (2, 3)
    assert x.grad is None and x.requires_grad and x.is_leaf and x.grad_fn is None
    assert x.shape == (2, 3) and x.ndim == 2 and x.size() == (2, 3)
    assert x.size(1) == 3 and x.size(-2) == 2 and x.numel() == 6 and len(x) == 2
    assert x.dtype == ag.float32 == np.float32
    assert x.T.shape == (3, 2) and x.T.tolist() == [[1, 4], [2, 5], [3, 6]]
    assert x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    y = x * 2
    assert not y.is_leaf and repr(y.grad_fn) == "<MulBackward0>"
    assert repr(y.sum().grad_fn) == "<SumBackward0>"


def test_item():
    assert ag.tensor([2.5]).item() == 2.5 and isinstance(ag.tensor([2.5]).item(), float)
    assert ag.tensor(3).item() == 3 and isinstance(ag.tensor(3).item(), int)
    assert ag.tensor([[True]]).item() is True


def test_numpy_and_detach():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"detach\(\)\.numpy\(\)"):
        x.numpy()
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert d.numpy() is x.detach().numpy()  # shares memory
    assert (x * 2).detach().grad_fn is None
    assert ag.tensor([1.0]).numpy().tolist() == [1.0]


def test_requires_grad_setter():
    x = ag.tensor([1.0])
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    y = leaf([1.0]) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_zero_():
    t = ag.tensor([1.0, 2.0])
    assert t.zero_() is t and t.tolist() == [0.0, 0.0]


def test_array_protocol():
    x = leaf([1.0, 2.0])
    array = np.asarray(x)
    assert isinstance(array, np.ndarray) and array.dtype == np.float32
    np.testing.assert_array_equal(array, [1, 2])
    assert np.asarray(x, dtype=np.float64).dtype == np.float64


# ---- repr ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("make", "text"), [
    (lambda: leaf([1.0, 2.0]), "tensor([1., 2.], requires_grad=True)"),
    (lambda: ag.tensor([1, 2]), "tensor([1, 2])"),
    (lambda: ag.tensor(3.0), "tensor(3.)"),
    (lambda: ag.tensor(3), "tensor(3)"),
    (lambda: ag.tensor([0.1, 0.2]), "tensor([0.1000, 0.2000])"),
    (lambda: ag.tensor([-1.5, 2.25]), "tensor([-1.5000,  2.2500])"),
    (lambda: ag.tensor([True, False]), "tensor([ True, False])"),
    (lambda: ag.tensor([1.0, 2.0], dtype=ag.float64), "tensor([1., 2.], dtype=torch.float64)"),
    (lambda: ag.tensor([1, 2], dtype=ag.int32), "tensor([1, 2], dtype=torch.int32)"),
    (lambda: ag.tensor([[1.0, 2.0], [3.0, 4.5]]), "tensor([[1.0000, 2.0000],\n        [3.0000, 4.5000]])"),
    (lambda: leaf([1.0, 2.0]) * 2, "tensor([2., 4.], grad_fn=<MulBackward0>)"),
    (lambda: (leaf([1.0, 2.0]) * 2).sum(), "tensor(6., grad_fn=<SumBackward0>)"),
    (lambda: ag.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda: ag.tensor([]), "tensor([])"),
    (lambda: ag.zeros(2, 0), "tensor([], size=(2, 0))"),
    (lambda: ag.tensor([1e5, 1.0]), "tensor([1.0000e+05, 1.0000e+00])"),
    (lambda: ag.tensor([float("nan"), 1.0]), "tensor([nan, 1.])"),
    (lambda: ag.tensor([float("inf"), -1.0, 2.5]), "tensor([    inf, -1.0000,  2.5000])"),
    (lambda: ag.tensor([-0.0, 1.0]), "tensor([-0., 1.])"),
    (lambda: ag.tensor([1000.0, 1.0]), "tensor([1000.,    1.])"),
    (lambda: ag.tensor([1001.0, 1.5]), "tensor([1001.0000,    1.5000])"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_repr_like_torch(make, text):
    assert repr(make()) == text


# ---- NumPy interop -------------------------------------------------------------------------
def test_numpy_array_on_either_side_gives_a_tracked_tensor():
    x = leaf([1.0, 2.0])
    a = np.array([3.0, 4.0])
    results = [a * x, x * a, a - x, a / x, x + a]
    for r in results:
        assert isinstance(r, ag.Tensor) and r.requires_grad and r.grad_fn is not None
    sum(r.sum() for r in results).backward()  # d/dx = a + a - 1 - a / x^2 + 1
    np.testing.assert_allclose(x.grad.detach().numpy(), 2 * a - a / x.detach().numpy() ** 2)
    assert x.grad.dtype == ag.float32


def test_numpy_scalar_operands_do_not_upcast():
    x = ag.tensor([1.0, 2.0])
    assert (np.float64(2.0) * x).dtype == ag.float32
    assert (np.int64(3) * x).dtype == ag.float32
    assert (x * np.array([3.0, 4.0], dtype=np.float32)).dtype == ag.float32


# ---- comparisons, max(dim), split, chunk --------------------------------------------------
def test_comparisons_return_bool_tensors_without_grad():
    x = leaf([1.0, 2.0, 3.0])
    for result, expected in [(x > 1, [False, True, True]), (x == 2, [False, True, False]),
                             (x <= ag.tensor([2.0, 2.0, 2.0]), [True, True, False]),
                             (x != np.array([1.0, 0.0, 3.0]), [False, True, False]),
                             (x < 2.5, [True, True, False]), (x >= 3, [False, False, True])]:
        assert isinstance(result, ag.Tensor) and result.dtype == ag.bool
        assert not result.requires_grad and result.grad_fn is None
        assert result.tolist() == expected


def test_max_dim_returns_values_and_indices_like_torch():
    data = [[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]]
    result = ag.tensor(data).max(dim=1)
    values, indices = result
    assert result.values is values and result.indices is indices
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    assert indices.dtype == ag.int64
    low = ag.tensor(data).min(dim=0, keepdim=True)
    assert low.values.shape == (1, 3) and low.indices.tolist() == [[0, 1, 0]]
    torch = pytest.importorskip("torch")
    theirs = torch.tensor(data).max(dim=1)
    assert values.tolist() == theirs.values.tolist() and indices.tolist() == theirs.indices.tolist()


@pytest.mark.parametrize(("length", "how", "sizes"), [
    (10, ("split", 3), [3, 3, 3, 1]),
    (10, ("split", [2, 8]), [2, 8]),
    (10, ("chunk", 4), [3, 3, 3, 1]),
    (6, ("chunk", 4), [2, 2, 2]),
    (5, ("chunk", 3), [2, 2, 1]),
    (3, ("chunk", 5), [1, 1, 1]),
])
def test_split_and_chunk_sizes_like_torch(length, how, sizes):
    method, arg = how
    pieces = getattr(ag.arange(length), method)(arg)
    assert [len(p) for p in pieces] == sizes
    assert sum((p.tolist() for p in pieces), []) == list(range(length))
    torch = pytest.importorskip("torch")
    assert [len(p) for p in getattr(torch.arange(length), method)(arg)] == sizes


def test_chunk_along_a_dim_and_gradient():
    x = leaf(np.arange(14.0).reshape(2, 7))
    a, b, c = x.chunk(3, dim=1)
    assert (a.shape, b.shape, c.shape) == ((2, 3), (2, 3), (2, 1))
    (a.sum() + 2 * c.sum()).backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [[1, 1, 1, 0, 0, 0, 2]] * 2)


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_factories_take_size_as_a_keyword(name):
    factory = getattr(ag, name)
    assert factory(size=(2, 4)).shape == (2, 4) and factory(size=3).shape == (3,)
    assert factory(size=ag.Size([1, 2])).shape == (1, 2)
    with pytest.raises(TypeError, match=f"{name}: pass the sizes either as arguments or as size="):
        factory(2, size=(3,))
    if torch is not None:
        assert getattr(torch, name)(size=(2, 4)).shape == (2, 4)

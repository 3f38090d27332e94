"""Shape and selection functions beyond the gradient table: integer results, views and
in-place forms, conventions at repeats and ties, and the errors for bad input, against PyTorch.
"""

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
from autograd.primitive import OpError


def both(array, requires_grad=False):
    """The same values as an ndgrad Tensor and a torch tensor."""
    array = np.asarray(array)
    mine = ag.tensor(array, requires_grad=requires_grad)
    theirs = torch.tensor(array, requires_grad=requires_grad)
    return mine, theirs


def same(mine, theirs):
    expected = theirs.detach().numpy()
    assert mine.shape == tuple(theirs.shape)
    assert mine.dtype == expected.dtype, (mine.dtype, expected.dtype)
    np.testing.assert_allclose(mine.detach().numpy(), expected, rtol=1e-12, atol=1e-12)


# ---- integer and index results ---------------------------------------------------------------
@requires_torch
def test_repeat_interleave_of_counts_gives_indices():
    mine, theirs = both(np.array([2, 0, 3]))
    same(ag.repeat_interleave(mine), torch.repeat_interleave(theirs))


@requires_torch
@pytest.mark.parametrize("repeats", [2, "tensor", "single"])
def test_repeat_interleave_on_integers(repeats):
    x, tx = both(np.arange(6).reshape(2, 3))
    r, tr = (repeats, repeats) if repeats == 2 else both(
        np.array([1, 0, 2]) if repeats == "tensor" else np.array([3]))
    same(x.repeat_interleave(r, dim=1), tx.repeat_interleave(tr, dim=1))
    same(x.repeat_interleave(2), tx.repeat_interleave(2))


@requires_torch
@pytest.mark.parametrize("num_classes", [-1, 5])
def test_one_hot(num_classes):
    x, tx = both(np.array([[0, 2], [1, 2]]))
    same(ag.one_hot(x, num_classes), torch.nn.functional.one_hot(tx, num_classes))
    empty, tempty = both(np.zeros((0,), dtype=np.int64))
    same(ag.one_hot(empty, 3), torch.nn.functional.one_hot(tempty, 3))


@requires_torch
def test_one_hot_errors():
    with pytest.raises(TypeError, match="one_hot: expects an int64 tensor.*float32"):
        ag.one_hot(ag.tensor([0.0]))
    with pytest.raises(OpError, match="non-negative"):
        ag.one_hot(ag.tensor([0, -1]))
    with pytest.raises(OpError, match="smaller than num_classes=2"):
        ag.one_hot(ag.tensor([0, 2]), 2)
    with pytest.raises(OpError, match="empty tensor.*num_classes"):
        ag.one_hot(ag.tensor(np.zeros(0, dtype=np.int64)))


@requires_torch
@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.tril(x, -1), lambda lib, x: x.triu(1), lambda lib, x: x.trace(),
    lambda lib, x: lib.diag(x[0], 1), lambda lib, x: x.diag(), lambda lib, x: x.flip(0, 1),
    lambda lib, x: x.roll(1), lambda lib, x: x.repeat(2, 1, 2), lambda lib, x: x.tile((2,)),
    lambda lib, x: x.narrow(1, -2, 2), lambda lib, x: lib.movedim(x, 0, -1),
    lambda lib, x: x.masked_fill(x > 2, 7), lambda lib, x: x.masked_select(x > 2),
    lambda lib, x: x.index_select(1, lib.tensor([2, 0, 2])),
    lambda lib, x: x.take_along_dim(lib.tensor([[2], [0]]), 1),
])
def test_integer_tensors_keep_their_dtype(fn):
    x, tx = both(np.arange(6, dtype=np.int32).reshape(2, 3))
    same(fn(ag, x), fn(torch, tx))


@requires_torch
def test_masked_fill_casts_the_value_to_the_input_dtype():
    x, tx = both(np.arange(4))
    same(x.masked_fill(x > 1, 2.7), tx.masked_fill(tx > 1, 2.7))
    same(x.masked_fill(x > 1, ag.tensor(-1.9)), tx.masked_fill(tx > 1, torch.tensor(-1.9)))


# ---- scatter conventions: repeats and ties ------------------------------------------------------
INDEX = np.array([[0, 1, 0, 0], [2, 2, 1, 0]])


@requires_torch
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_with_repeated_indices(reduce, include_self):
    x, tx = both(np.array([[1.0, -2.0, 3.0], [0.5, 2.0, -1.0]]), requires_grad=True)
    src, tsrc = both(np.array([[2.0, 3.0, 1.0, 2.0], [-1.0, 4.0, 0.5, 0.5]]), requires_grad=True)
    i, ti = both(INDEX)
    out = x.scatter_reduce(1, i, src, reduce, include_self=include_self)
    expected = tx.scatter_reduce(1, ti, tsrc, reduce, include_self=include_self)
    same(out, expected)
    g = np.arange(6.0).reshape(2, 3) - 2
    out.backward(ag.tensor(g))
    expected.backward(torch.tensor(g))
    same(x.grad, tx.grad)
    same(src.grad, tsrc.grad)


@requires_torch
@pytest.mark.parametrize("reduce", ["amax", "amin"])
def test_scatter_reduce_splits_the_gradient_between_ties(reduce):
    x, tx = both(np.array([[2.0, 1.0, 5.0]]), requires_grad=True)
    src, tsrc = both(np.array([[2.0, 2.0, 1.0, 5.0]]), requires_grad=True)
    i, ti = both(np.array([[0, 0, 1, 1]]))
    out = ag.scatter_reduce(x, 1, i, src, reduce)
    expected = torch.scatter_reduce(tx, 1, ti, tsrc, reduce)
    same(out, expected)
    out.sum().backward()
    expected.sum().backward()
    same(x.grad, tx.grad)
    same(src.grad, tsrc.grad)


@requires_torch
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_prod_gradient_with_zeros(include_self):
    x, tx = both(np.array([[0.0, 2.0, 3.0, 4.0]]), requires_grad=True)
    src, tsrc = both(np.array([[5.0, 0.0, 2.0, 0.0, 0.0, 3.0]]), requires_grad=True)
    i, ti = both(np.array([[0, 1, 1, 2, 2, 3]]))
    out = x.scatter_reduce(1, i, src, "prod", include_self=include_self)
    expected = tx.scatter_reduce(1, ti, tsrc, "prod", include_self=include_self)
    same(out, expected)
    out.sum().backward()
    expected.sum().backward()
    same(x.grad, tx.grad)
    same(src.grad, tsrc.grad)


@requires_torch
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
def test_scatter_reduce_on_integers(reduce):
    x, tx = both(np.arange(6).reshape(2, 3) - 2)
    src, tsrc = both(np.array([[4, -3, 7, 1], [-5, 2, 2, 9]]))
    i, ti = both(INDEX)
    for include_self in (True, False):
        same(x.scatter_reduce(1, i, src, reduce, include_self=include_self),
             tx.scatter_reduce(1, ti, tsrc, reduce, include_self=include_self))


@requires_torch
def test_scatter_add_and_index_add_accumulate_repeats():
    x, tx = both(np.zeros((2, 3)), requires_grad=True)
    src, tsrc = both(np.arange(8.0).reshape(2, 4), requires_grad=True)
    i, ti = both(INDEX)
    same(x.scatter_add(1, i, src), tx.scatter_add(1, ti, tsrc))
    same(x.scatter(1, i, 2.0, reduce="add"), tx.scatter(1, ti, 2.0, reduce="add"))
    v, tv = both(np.array([0, 2, 0]))
    s, ts = both(np.ones((2, 3)))
    same(x.index_add(1, v, s, alpha=3), tx.index_add(1, tv, ts, alpha=3))


@requires_torch
def test_scatter_value_and_a_larger_src():
    x, tx = both(np.zeros((2, 3)))
    i, ti = both(np.array([[2, 0]]))
    src, tsrc = both(np.arange(12.0).reshape(3, 4))
    same(x.scatter(1, i, src), tx.scatter(1, ti, tsrc))
    same(x.scatter(1, i, value=-1.5), tx.scatter(1, ti, value=-1.5))
    same(ag.scatter(x, 0, ag.tensor(np.zeros((0,), dtype=np.int64)), value=3),
         torch.scatter(tx, 0, torch.zeros(0, dtype=torch.long), value=3))


# ---- views and in-place forms --------------------------------------------------------------------
def test_diagonal_unbind_and_narrow_are_views():
    x = ag.zeros(3, 3)
    x.diagonal().fill_(1)
    x.narrow(0, 2, 1).fill_(5)
    x.unbind(1)[0].zero_()
    np.testing.assert_array_equal(x.detach().numpy(), [[0, 0, 0], [0, 1, 0], [0, 5, 5]])


def test_flip_roll_and_repeat_copy():
    x = ag.zeros(2, 2)
    for y in (x.flip(0), x.roll(1, 0), x.repeat(1, 1), x.diag()):
        y.fill_(1)
    assert not x.detach().numpy().any()


@requires_torch
@pytest.mark.parametrize("name, args", [
    ("tril_", (-1,)), ("triu_", (1,)), ("masked_fill_", ("mask", 9.0)),
    ("index_add_", (1, "vector", "source")), ("index_copy_", (1, "vector", "source")),
    ("scatter_", (1, "index", "src")), ("scatter_add_", (1, "index", "src")),
    ("scatter_reduce_", (1, "index", "src", "amax")),
])
def test_in_place_forms_match_pytorch(name, args):
    def operands(lib, x):
        table = {"mask": x > 2, "vector": lib.tensor([2, 0]), "source": x[:, :2] * 10,
                 "index": lib.tensor([[1], [0]]), "src": x[:, :1] + 100}
        return [table.get(a, a) if isinstance(a, str) else a for a in args]

    x, tx = both(np.arange(6.0).reshape(2, 3))
    leaf, tleaf = both(np.arange(6.0).reshape(2, 3), requires_grad=True)
    for lib, base in ((ag, x), (torch, tx)):
        result = getattr(base, name)(*operands(lib, base))
        assert result is base
    same(x, tx)
    y, ty = leaf * 1, tleaf * 1
    getattr(y, name)(*operands(ag, leaf))
    getattr(ty, name)(*operands(torch, tleaf))
    same(y, ty)
    y.sum().backward()
    ty.sum().backward()
    same(leaf.grad, tleaf.grad)


# ---- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, match", [
    (lambda x: ag.tril(x[0, 0]), OpError, r"tril: input tensor must have at least 2 dimensions"),
    (lambda x: x.trace() if x.ndim == 3 else None, OpError, "trace: expected a matrix"),
    (lambda x: ag.diag(x), OpError, r"diag: supports 1-D or 2-D tensors, got shape .*2, 3, 4"),
    (lambda x: x.diagonal(0, 1, 1), OpError, "diagonal: dim1 and dim2 are the same dim"),
    (lambda x: x.diagonal(0, 0, 3), IndexError, "diagonal: dim 3 is out of range"),
    (lambda x: x.flip(0, 0), OpError, "flip: a dim appears more than once"),
    (lambda x: x.flip(0.5), TypeError, r"flip\(\): argument 'dims' must be tuple of ints, but found "
                                       "element of type float at pos 0"),
    (lambda x: x.roll((1, 2), (0,)), OpError, r"roll: shifts \(1, 2\) and dims \(0,\)"),
    (lambda x: x.roll((1, 2)), OpError, "roll: with dims=None, shifts must be one int"),
    (lambda x: x.repeat(2, 2), OpError, "repeat: 2 repeats .* give at least one per dim"),
    (lambda x: x.repeat(), TypeError, "repeat: missing the repeats"),
    (lambda x: x.repeat(1, -1, 1), OpError, "repeat: repeats must be non-negative"),
    (lambda x: x.repeat_interleave(ag.tensor([1, 2]), dim=2), OpError,
     "repeat_interleave: 2 repeats for 4 elements"),
    (lambda x: x.repeat_interleave(ag.tensor([1, -1, 1, 1]), dim=2), OpError, "non-negative"),
    (lambda x: x.repeat_interleave(1.5), TypeError, "repeat_interleave: repeats must be an int"),
    (lambda x: x.narrow(1, 4, 1), IndexError, r"narrow: start 4 is out of range .*\[-3, 3\]"),
    (lambda x: x.narrow(1, 2, 2), OpError, r"narrow: start \(2\) \+ length \(2\) exceeds"),
    (lambda x: x.narrow(1, 0, -1), OpError, "narrow: length must be non-negative"),
    (lambda x: x.movedim((0, 1), (1,)), OpError, "movedim: source .* same number of dims"),
    (lambda x: x.movedim((0, 1), (1, 1)), OpError, "movedim: a dim appears more than once"),
    (lambda x: x.masked_fill(x > 0.5 * 0 + 1, ag.tensor([1.0])), OpError,
     "masked_fill: value must be a number or a 0-d tensor"),
    (lambda x: x.masked_fill(ag.tensor([1, 0, 1, 1]), 0.0), TypeError,
     "masked_fill: mask must be a bool tensor, got int64"),
    (lambda x: x[0].masked_fill_(ag.ones(2, 2, 3, dtype=ag.bool_), 0.0), OpError,
     "masked_fill_: a mask of shape"),
    (lambda x: x.masked_select(ag.ones(3, dtype=ag.bool_)), OpError,
     "masked_select: the mask's shape"),
    (lambda x: x.index_select(1, ag.tensor([3])), IndexError,
     r"index_select: index 3 is out of bounds for dim 1 of size 3"),
    (lambda x: x.index_select(1, ag.tensor([-1])), IndexError, "index -1 is out of bounds"),
    (lambda x: x.index_select(1, ag.tensor([[0]])), IndexError, "must be a vector"),
    (lambda x: x.index_select(1, ag.tensor([0.0])), TypeError, "index must be an integer"),
    (lambda x: x.index_add(1, ag.tensor([0]), ag.ones(2, 1, 4, dtype=ag.float32)), TypeError,
     r"index_add: self \(float64\) and source \(float32\) must have the same dtype"),
    (lambda x: x.index_add(1, ag.tensor([0, 1]), x), OpError,
     r"index_add: source has shape .*2, 3, 4.*, expected \(2, 2, 4\)"),
    (lambda x: x.index_copy(0, ag.tensor([2]), x[:1]), IndexError, "index 2 is out of bounds"),
    (lambda x: x.scatter(1, ag.tensor([[0]]), 1.0), IndexError,
     "scatter: index has 2 dims but the input"),
    (lambda x: x.scatter(1, ag.zeros(1, 5, 1, dtype=ag.int64), x[:, :1]), OpError,
     r"index shape \(1, 5, 1\) must be no larger .* than src .*2, 1, 4"),
    (lambda x: x.scatter(0, ag.zeros(1, 4, 1, dtype=ag.int64), 1.0), OpError,
     r"scatter: index shape \(1, 4, 1\) must be no larger than the input"),
    (lambda x: x.scatter(0, ag.full((1, 1, 1), 2, dtype=ag.int64), 1.0), IndexError,
     "scatter: index 2 is out of bounds for dim 0 of size 2"),
    (lambda x: x.scatter(0, ag.zeros(1, 1, 1, dtype=ag.int64), x.float()), TypeError,
     r"scatter: self \(float64\) and src \(float32\)"),
    (lambda x: x.scatter(0, ag.zeros(1, 1, 1, dtype=ag.int64), x, value=1.0), TypeError,
     "scatter: pass exactly one of src"),
    (lambda x: x.scatter(0, ag.zeros(1, 1, 1, dtype=ag.int64), x, reduce="mean"), OpError,
     "scatter: reduce must be 'add' or 'multiply'"),
    (lambda x: x.scatter_reduce(0, ag.zeros(1, 1, 1, dtype=ag.int64), x, "max"), OpError,
     "scatter_reduce: reduce must be one of"),
    (lambda x: x.scatter_add(0, ag.zeros(1, 1, 1, dtype=ag.int64), 1.0), TypeError,
     "scatter_add: src must be a tensor"),
    (lambda x: x.take_along_dim(ag.tensor([[0]]), 1), OpError,
     "take_along_dim: input and indices must have the same number of dims"),
    (lambda x: x.take_along_dim(ag.zeros(1, 2, 3, dtype=ag.int64), 1), OpError,
     "do not broadcast outside dim 1"),
    (lambda x: x.take_along_dim(ag.tensor([24])), IndexError, "index 24 is out of bounds"),
    (lambda x: ag.tensor(1.0).unbind(), IndexError, "unbind: a 0-d tensor"),
    (lambda x: ag.tensor(1.0).narrow(0, 0, 1), OpError, "narrow: cannot be applied to a 0-d"),
])
def test_errors_name_the_function_and_the_problem(call, error, match):
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4))
    with pytest.raises(error, match=match):
        call(x)


def test_a_0d_index_counts_as_1d_as_in_torch():
    """The Transforms tutorial's one-hot: ``zeros(10).scatter_(0, tensor(y), value=1)``."""
    assert ag.zeros(5).scatter_(0, ag.tensor(3), value=1).tolist() == [0, 0, 0, 1, 0]
    s = ag.tensor(5.0, requires_grad=True)
    for op in (ag.scatter, ag.scatter_add):
        y = op(ag.zeros(3), 0, ag.tensor(1), s)
        s.grad = None
        y.sum().backward()
        assert y.tolist() == [0, 5, 0] and s.grad.shape == () and s.grad.item() == 1
    x = ag.arange(3.0).requires_grad_()
    picked = x.gather(0, ag.tensor(1))
    picked.backward()
    assert picked.shape == () and picked.item() == 1 and x.grad.tolist() == [0, 1, 0]
    with pytest.raises(IndexError, match="index has 0 dims but the input"):
        ag.zeros(2, 3).scatter_(0, ag.tensor(1), value=1)
    if torch is not None:
        assert torch.zeros(5).scatter_(0, torch.tensor(3), value=1).tolist() == [0, 0, 0, 1, 0]
        assert torch.arange(3.0).gather(0, torch.tensor(1)).shape == ()

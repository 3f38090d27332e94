"""Sorting, cumulative and counting functions: indices, counts, dtypes, conventions at ties and
NaN, and errors, against PyTorch where its result is specified (the gradients of the
differentiable ones are in op_specs_sort.py)."""

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag

TIES = [3.0, 1.0, 3.0, 2.0, 1.0, 3.0]
NAN = float("nan")
WITH_NAN = [1.0, NAN, 3.0, NAN, 0.0, 3.0]
GRID = [[4.0, -1.0, 2.5, 0.0], [1.5, 3.0, -2.0, 7.0], [0.5, 0.25, 9.0, -3.0]]


def same(mine, theirs):
    """Same values (NaN where NaN), shape and dtype."""
    if isinstance(theirs, (tuple, list)):
        assert len(mine) == len(theirs)
        for m, t in zip(mine, theirs):
            same(m, t)
        return
    expected = theirs.detach().numpy()
    got = np.asarray(mine.detach().numpy())
    assert got.shape == expected.shape, (got.shape, expected.shape)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_array_equal(got, expected)


def both(values, dtype=None):
    """The same data as an ndgrad and a torch tensor."""
    array = np.array(values, dtype=dtype)
    return ag.tensor(array), torch.from_numpy(array.copy())


# ---- sort, argsort, topk ------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("values", [TIES, WITH_NAN, [[True, False], [False, True]],
                                    [[3, 1, 2], [1, 1, 0]], GRID, 2.5, []])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_and_argsort_match_torch_stable_sort(values, descending):
    mine, theirs = both(values)
    dims = [-1] if mine.ndim < 2 else [0, 1, -1]
    for dim in dims:
        expected = torch.sort(theirs, dim=dim, descending=descending, stable=True)
        got = ag.sort(mine, dim, descending)
        same(got, expected)
        same(got.values, expected.values)
        same(got.indices, expected.indices)
        same(mine.argsort(dim=dim, descending=descending),
             torch.argsort(theirs, dim=dim, descending=descending, stable=True))


@requires_torch
def test_msort_and_the_gradient_goes_to_the_source_index():
    mine, theirs = both(GRID)
    same(mine.msort(), theirs.msort())
    x = ag.tensor(TIES, requires_grad=True)
    t = torch.tensor(TIES, requires_grad=True)
    weights = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    (x.sort(descending=True).values * ag.tensor(weights)).sum().backward()
    (t.sort(descending=True, stable=True).values * torch.tensor(weights)).sum().backward()
    same(x.grad, t.grad)


@requires_torch
@pytest.mark.parametrize("largest", [True, False])
def test_topk_matches_torch_without_ties(largest):
    mine, theirs = both(GRID)
    for dim in (0, 1, -1):
        for k in range(mine.shape[dim] + 1):
            same(mine.topk(k, dim, largest), torch.topk(theirs, k, dim, largest))
    same(ag.topk(ag.tensor(2.0), 1), torch.topk(torch.tensor(2.0), 1))


def test_topk_conventions_at_ties_and_nan():
    result = ag.tensor(TIES).topk(2)  # ties: the earlier index first
    assert result.indices.tolist() == [0, 2] and result.values.tolist() == [3.0, 3.0]
    assert ag.tensor(WITH_NAN).topk(2).indices.tolist() == [1, 3]  # NaN is the largest
    unsorted = ag.tensor([1.0, 5.0, 3.0]).topk(2, sorted=False)  # sorted anyway
    assert unsorted.values.tolist() == [5.0, 3.0]


def test_topk_and_sort_errors():
    x = ag.tensor([1.0, 2.0, 3.0])
    with pytest.raises(ag.OpError, match=r"topk: k=4 is out of range for dim -1 of size 3"):
        x.topk(4)
    with pytest.raises(ag.OpError, match=r"topk: k=-1 is out of range"):
        x.topk(-1)
    with pytest.raises(TypeError, match=r"^topk\(\): argument 'k' must be int, not float$"):
        x.topk(1.5)
    with pytest.raises(IndexError, match=r"sort: dim 1 is out of range for a tensor with 1 dims"):
        x.sort(1)


# ---- kthvalue, median, mode ---------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("keepdim", [False, True])
def test_kthvalue_median_mode_match_torch_without_ties(keepdim):
    mine, theirs = both(GRID)
    for dim in (0, 1, -1):
        for k in range(1, mine.shape[dim] + 1):
            same(mine.kthvalue(k, dim, keepdim), torch.kthvalue(theirs, k, dim, keepdim))
        same(mine.median(dim, keepdim), torch.median(theirs, dim, keepdim))
        same(mine.mode(dim, keepdim), torch.mode(theirs, dim, keepdim))
    same(mine.median(), theirs.median())
    scalar, scalar_t = both(2.5)
    for fn in ("median", "mode"):
        same(getattr(scalar, fn)(0, keepdim), getattr(torch, fn)(scalar_t, 0, keepdim))
    same(scalar.kthvalue(1, 0, keepdim), torch.kthvalue(scalar_t, 1, 0, keepdim))


@requires_torch
def test_median_is_the_lower_median_and_nan_propagates():
    for values in ([4.0, 1.0, 3.0, 2.0], [[5, 1, 2, 8], [7, 3, 4, 0]], WITH_NAN, [[1.0, NAN], [2.0, 3.0]]):
        mine, theirs = both(values)
        same(mine.median(), theirs.median())
        same(ag.median(mine, -1), torch.median(theirs, -1))
    same(ag.tensor([], dtype=ag.float64).median(), torch.tensor([], dtype=torch.float64).median())


@requires_torch
@pytest.mark.parametrize("values", [[1.0, 2.0, 2.0, 3.0, 5.0], WITH_NAN, [[2.0, 2.0], [2.0, 1.0]]])
def test_median_without_dim_shares_the_gradient_like_torch(values):
    x, t = ag.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    x.median().backward()
    t.median().backward()
    same(x.grad, t.grad)


@requires_torch
def test_mode_picks_the_smallest_most_frequent_value_at_its_last_index():
    for values in (TIES, [1, 2, 2, 1, 3], [[1, 1, 2], [3, 2, 2]], [5.0, 5.0, 5.0]):
        mine, theirs = both(values)
        same(mine.mode(), torch.mode(theirs))


def test_order_statistic_errors():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ag.OpError, match=r"kthvalue: k=3 is out of range .* 1 <= k <= 2"):
        x.kthvalue(3)
    with pytest.raises(ag.OpError, match=r"kthvalue: k=0 is out of range"):
        x.kthvalue(0, 0)
    with pytest.raises(IndexError, match=r"median: dim 1 of shape \(2, 0\) is empty"):
        ag.zeros(2, 0).median(1)
    with pytest.raises(IndexError, match=r"mode: dim -1 of shape \(0,\) is empty"):
        ag.zeros(0).mode()
    with pytest.raises(TypeError, match=r"median: bool tensors are not supported"):
        ag.tensor([True, False]).median()
    assert ag.zeros(0, 3).median(1).values.shape == (0,)


# ---- cumulative ---------------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("dtype", [np.bool_, np.int32, np.int64, np.float32, np.float64])
def test_cumsum_and_cumprod_dtypes_and_values_match_torch(dtype):
    mine, theirs = both([[1, 0, 2], [1, 1, 3]], dtype)
    for dim in (0, 1, -1):
        same(mine.cumsum(dim), theirs.cumsum(dim))
        same(ag.cumprod(mine, dim), torch.cumprod(theirs, dim))
    same(mine.cumsum(1, dtype=ag.float32), theirs.cumsum(1, dtype=torch.float32))
    scalar, scalar_t = both(3.0)
    same(scalar.cumsum(0), scalar_t.cumsum(0))


@requires_torch
@pytest.mark.parametrize("values", [[1.0, 0.0, 2.0, 0.0, 3.0], [0.0, 2.0, 3.0], [2.0, 3.0, 0.0],
                                    [[0.0, 0.0, 2.0], [1.5, -2.0, 0.0]], [[1.5, 2.0], [3.0, 0.5]]])
def test_cumprod_gradients_with_zeros_match_torch(values):
    x = ag.tensor(values, dtype=ag.float64, requires_grad=True)
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    upstream = np.linspace(1.0, 2.0, x.numel()).reshape(x.shape)
    for dim in range(x.ndim):
        (gx,) = ag.grad((x.cumprod(dim) * ag.tensor(upstream)).sum(), x, create_graph=True)
        (gt,) = torch.autograd.grad((t.cumprod(dim) * torch.tensor(upstream)).sum(), t,
                                    create_graph=True)
        np.testing.assert_allclose(gx.detach().numpy(), gt.detach().numpy(), rtol=1e-12)
        (ggx,) = ag.grad((gx * gx).sum(), x)  # the second derivative, through zeros too
        (ggt,) = torch.autograd.grad((gt * gt).sum(), t)
        np.testing.assert_allclose(ggx.detach().numpy(), ggt.numpy(), rtol=1e-12)


@requires_torch
def test_cumsum_and_cumprod_in_place():
    mine, theirs = both([[1.0, 2.0], [3.0, 4.0]])
    assert mine.cumsum_(0) is mine
    same(mine, theirs.cumsum_(0))
    same(mine.cumprod_(1), theirs.cumprod_(1))


@requires_torch
@pytest.mark.parametrize("values", [TIES, WITH_NAN, [[1, 3, 3], [2, 2, 1]], [True, False, True],
                                    2.5])
def test_cummax_cummin_indices_match_torch_at_ties_and_nan(values):
    mine, theirs = both(values)
    for dim in range(max(mine.ndim, 1)):
        same(mine.cummax(dim), torch.cummax(theirs, dim))
        same(ag.cummin(mine, dim), torch.cummin(theirs, dim))


@requires_torch
def test_logcumsumexp_is_stable_for_far_apart_values():
    values = [[-1000.0, 0.0, 1000.0, -5.0], [3.0, 2.0, 1.0, 700.0]]
    x = ag.tensor(values, dtype=ag.float64, requires_grad=True)
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    upstream = [[1.0, -2.0, 0.5, 3.0], [-1.0, 0.0, 2.0, -0.5]]
    for dim in (0, 1):
        out, expected = x.logcumsumexp(dim), t.logcumsumexp(dim)
        np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
        (gx,) = ag.grad(out, x, ag.tensor(upstream, dtype=ag.float64))
        (gt,) = torch.autograd.grad(expected, t, torch.tensor(upstream, dtype=torch.float64))
        np.testing.assert_allclose(gx.detach().numpy(), gt.numpy(), rtol=1e-12, atol=1e-300)


@requires_torch
@pytest.mark.parametrize("name", ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"])
def test_cumulative_ops_on_empty_tensors_match_torch(name):
    for shape, dim in (((0,), 0), ((2, 0), 1), ((2, 0), 0)):
        x, t = ag.zeros(*shape, requires_grad=True), torch.zeros(*shape, requires_grad=True)
        mine, theirs = getattr(x, name)(dim), getattr(t, name)(dim)
        if isinstance(theirs, tuple):
            same(mine.indices, theirs.indices)
            mine, theirs = mine.values, theirs.values
        mine.sum().backward()
        theirs.sum().backward()
        same(mine, theirs)
        same(x.grad, t.grad)


def test_cumulative_errors():
    with pytest.raises(ag.OpError, match=r"logcumsumexp: input dtype must be floating"):
        ag.tensor([1, 2]).logcumsumexp(0)
    with pytest.raises(IndexError, match=r"cumsum: dim 2 is out of range for a tensor with 2 dims"):
        ag.zeros(2, 3).cumsum(2)
    with pytest.raises(TypeError, match=r"cummax\(\): argument 'input' must be a Tensor, not list"):
        ag.cummax([1.0, 2.0], 0)


# ---- counting -----------------------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("values", [[[0, 1], [2, 0]], [0.0, 1.5, 0.0, NAN], 5, 0.0, [], [[True]]])
def test_nonzero_argwhere_count_nonzero_match_torch(values):
    mine, theirs = both(values)
    same(mine.nonzero(), theirs.nonzero())
    same(ag.nonzero(mine, as_tuple=True), torch.nonzero(theirs, as_tuple=True))
    same(ag.argwhere(mine), torch.argwhere(theirs))
    same(mine.count_nonzero(), theirs.count_nonzero())
    if mine.ndim == 2:
        same(mine.count_nonzero(dim=0), theirs.count_nonzero(dim=0))


@requires_torch
@pytest.mark.parametrize("values", [[3, 1, 2, 1, 3, 3], [[3.0, 1.0], [1.0, 2.0]], [NAN, 1.0, NAN],
                                    4.0, [[1, 2], [1, 2], [0, 5]]])
@pytest.mark.parametrize("return_inverse", [False, True])
@pytest.mark.parametrize("return_counts", [False, True])
def test_unique_matches_torch(values, return_inverse, return_counts):
    mine, theirs = both(values)
    flags = {"return_inverse": return_inverse, "return_counts": return_counts}
    same(mine.unique(**flags), torch.unique(theirs, **flags))
    if np.isnan(mine.detach().numpy()).any():  # torch puts NaNs anywhere in these two (unspecified)
        return
    same(ag.unique(mine, sorted=False, **flags), torch.unique(theirs, sorted=False, **flags))
    for dim in range(mine.ndim):
        same(ag.unique(mine, dim=dim, **flags), torch.unique(theirs, dim=dim, **flags))


@requires_torch
def test_bincount_matches_torch():
    mine, theirs = both([1, 1, 3, 0, 3, 3])
    same(mine.bincount(), theirs.bincount())
    same(mine.bincount(minlength=7), theirs.bincount(minlength=7))
    for dtype in (np.float32, np.float64, np.int64):
        w, wt = both([0.5, 1, 2, 3, 4, 5], dtype)
        same(ag.bincount(mine, w), torch.bincount(theirs, wt))
    empty, empty_t = both([], np.int64)
    same(empty.bincount(), empty_t.bincount())


def test_bincount_errors():
    with pytest.raises(ag.OpError, match=r"bincount: .*non-negative integers.*negative"):
        ag.tensor([1, -1]).bincount()
    with pytest.raises(ag.OpError, match=r"bincount: .*1-D .*shape \(1, 1\)"):
        ag.tensor([[1]]).bincount()
    with pytest.raises(ag.OpError, match=r"bincount: .*dtype float"):
        ag.tensor([1.0]).bincount()
    with pytest.raises(ag.OpError, match=r"bincount: minlength must be an int >= 0"):
        ag.tensor([1]).bincount(minlength=-1)
    with pytest.raises(ag.OpError, match=r"bincount: weights of shape \(1,\)"):
        ag.tensor([1, 2]).bincount(ag.tensor([1.0]))


@requires_torch
@pytest.mark.parametrize("args", [{"bins": 4}, {"bins": 3, "min": 0, "max": 10},
                                  {"bins": 5, "min": 2, "max": 3}, {}])
def test_histc_matches_torch(args):
    for values in ([1.0, 2.0, 1.0, 4.0, 10.0, 0.0], [1.0, 1.0], [-1.0, 11.0], []):
        mine, theirs = both(values, np.float32)
        same(mine.histc(**args), theirs.histc(**args))


@requires_torch
@pytest.mark.parametrize("bins", [4, 1, [0.0, 1.5, 4.0], [0.0, 1.0, 1.0, 5.0]])
@pytest.mark.parametrize("density", [False, True])
def test_histogram_matches_torch(bins, density):
    for values in ([1.0, 2.0, 1.0, 4.0, 3.5], [2.0, 2.0], [[0.5, 4.0], [6.0, -1.0]]):
        mine, theirs = both(values)
        weight, weight_t = both(np.arange(1.0, 1.0 + np.size(values)).reshape(np.shape(values)))
        for extra, extra_t in (({}, {}), ({"weight": weight}, {"weight": weight_t})):
            args = {"density": density}
            if isinstance(bins, int):
                got = mine.histogram(bins, range=(0.0, 5.0), **extra, **args)
                expected = torch.histogram(theirs, bins, range=(0.0, 5.0), **extra_t, **args)
                np.testing.assert_allclose(got.hist.data, expected.hist.numpy(), rtol=1e-12)
                same(got.bin_edges, expected.bin_edges)
            edges = bins if isinstance(bins, int) else torch.tensor(bins, dtype=torch.float64)
            got = mine.histogram(ag.tensor(bins) if not isinstance(bins, int) else bins, **extra, **args)
            expected = torch.histogram(theirs, edges, **extra_t, **args)
            np.testing.assert_allclose(got.hist.data, expected.hist.numpy(), rtol=1e-12)
            np.testing.assert_allclose(got.bin_edges.detach().numpy(), expected.bin_edges.numpy(), rtol=1e-12)


def test_histogram_and_histc_errors():
    with pytest.raises(TypeError, match=r"histc: the input must be a floating point tensor, got int64"):
        ag.tensor([1, 2]).histc()
    with pytest.raises(ag.OpError, match=r"histc: max must be larger than min"):
        ag.tensor([1.0]).histc(min=2, max=1)
    with pytest.raises(ag.OpError, match=r"histogram: bins as edges must be a 1-D increasing"):
        ag.tensor([1.0]).histogram(ag.tensor([2.0, 1.0]))


@requires_torch
@pytest.mark.parametrize("right", [False, True])
def test_bucketize_and_searchsorted_match_torch(right):
    boundaries, boundaries_t = both([1, 3, 5, 7])
    values, values_t = both([[0, 1, 3], [4, 7, 9]])
    same(ag.bucketize(values, boundaries, right=right),
         torch.bucketize(values_t, boundaries_t, right=right))
    same(ag.bucketize(3, boundaries, right=right, out_int32=True),
         torch.bucketize(3, boundaries_t, right=right, out_int32=True))
    same(ag.searchsorted(boundaries, values, right=right),
         torch.searchsorted(boundaries_t, values_t, right=right))
    side = "right" if right else "left"
    same(ag.searchsorted(boundaries, 5, side=side), torch.searchsorted(boundaries_t, 5, side=side))
    rows, rows_t = both([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])
    queries, queries_t = both([[3.0, 0.0], [6.0, 4.5]])
    same(ag.searchsorted(rows, queries, right=right), torch.searchsorted(rows_t, queries_t, right=right))
    unsorted, unsorted_t = both([5, 1, 3])
    sorter, sorter_t = both([1, 2, 0])
    same(ag.searchsorted(unsorted, values, sorter=sorter, right=right),
         torch.searchsorted(unsorted_t, values_t, sorter=sorter_t, right=right))


def test_searchsorted_errors():
    seq = ag.tensor([1, 3, 5])
    with pytest.raises(ag.OpError, match=r"searchsorted: side='left' and right=True"):
        ag.searchsorted(seq, 3, side="left", right=True)
    with pytest.raises(ValueError, match=r"searchsorted: side must be 'left' or 'right'"):
        ag.searchsorted(seq, 3, side="middle")
    with pytest.raises(ag.OpError, match=r"searchsorted: the leading dims .* \(2, 3\)"):
        ag.searchsorted(ag.zeros(2, 3), ag.zeros(3, 1))
    with pytest.raises(ag.OpError, match=r"bucketize: boundaries must be 1-D"):
        ag.bucketize(ag.zeros(2), ag.zeros(2, 2))


def test_counting_results_have_no_gradient():
    x = ag.tensor([3.0, 1.0, 3.0], requires_grad=True)
    for result in (x.unique(), x.histc(3), x.nonzero(), x.argsort(), ag.bucketize(x, ag.tensor([2.0]))):
        assert not result.requires_grad and result.grad_fn is None

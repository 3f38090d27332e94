"""autograd.data: Dataset, TensorDataset, Subset, random_split, DataLoader, default_collate, and the
synthetic data sets (make_spirals, make_moons, ...) with train_test_split."""

import collections
import warnings

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
from autograd.data import (
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    cubic,
    default_collate,
    make_blobs,
    make_circles,
    make_disk,
    make_moons,
    make_region,
    make_regression_1d,
    make_spirals,
    make_xor,
    random_split,
    train_test_split,
)


def indexed(n, features=2):
    """A TensorDataset whose labels are the sample indices (so batches reveal the order)."""
    x = ag.from_numpy(np.arange(n * features, dtype=np.float32).reshape(n, features))
    return TensorDataset(x, ag.arange(n))


def epoch_labels(loader):
    return np.concatenate([y.numpy() for _, y in loader]) if len(loader) else np.array([], int)


class Squares(Dataset):
    """A plain map-style data set (no fast path): dict samples."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return {"x": np.array([i, i * i], dtype=np.float64), "y": i, "w": float(i) / 2}


# ---- Dataset, TensorDataset, Subset -----------------------------------------------------

def test_dataset_base_is_abstract():
    with pytest.raises(NotImplementedError):
        Dataset()[0]
    with pytest.raises(TypeError, match="has no len"):  # no default __len__, as PyTorch
        len(Dataset())


def test_tensor_dataset_samples_and_len():
    x, y = ag.randn(5, 3), ag.arange(5)
    ds = TensorDataset(x, y)
    assert len(ds) == 5
    xi, yi = ds[2]
    np.testing.assert_array_equal(xi.numpy(), x.numpy()[2])
    assert yi.item() == 2 and yi.dtype == ag.int64


def test_tensor_dataset_accepts_arrays_without_copy():
    a = np.zeros((4, 2), np.float64)
    ds = TensorDataset(a)
    assert ds.tensors[0].dtype == np.float64
    a[1, 1] = 7.0
    assert ds[1][0].numpy()[1] == 7.0


def test_tensor_dataset_shape_mismatch_names_the_shapes():
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(4,\)"):
        TensorDataset(ag.zeros(3, 2), ag.zeros(4))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(ValueError, match=r"\(\)"):
        TensorDataset(ag.tensor(1.0))
    with pytest.raises(TypeError, match="list"):
        TensorDataset([1, 2, 3])


def test_subset_maps_indices():
    ds = indexed(10)
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3
    assert [sub[i][1].item() for i in range(3)] == [7, 2, 5]


# ---- random_split -----------------------------------------------------------------------

def all_indices(splits, dataset):
    return [[s[i][1].item() for i in range(len(s))] for s in splits]


def test_random_split_int_lengths_are_disjoint_and_cover():
    ds = indexed(10)
    splits = random_split(ds, [3, 7], generator=np.random.default_rng(0))
    assert [len(s) for s in splits] == [3, 7]
    a, b = all_indices(splits, ds)
    assert not set(a) & set(b)
    assert sorted(a + b) == list(range(10))
    assert all(isinstance(s, Subset) for s in splits)


@pytest.mark.parametrize("n, fractions, sizes", [
    (10, [0.5, 0.3, 0.2], [5, 3, 2]),
    (11, [0.5, 0.5], [6, 5]),                   # remainder goes to the first split
    (10, [1 / 3, 1 / 3, 1 / 3], [4, 3, 3]),
    (7, [0.1, 0.2, 0.3, 0.4], [1, 2, 2, 2]),    # floor: 0, 1, 2, 2; remainder 2, round robin
])
def test_random_split_fractions(n, fractions, sizes):
    splits = random_split(indexed(n), fractions, generator=np.random.default_rng(1))
    assert [len(s) for s in splits] == sizes
    flat = [i for part in all_indices(splits, None) for i in part]
    assert sorted(flat) == list(range(n))


@requires_torch
@pytest.mark.parametrize("n, lengths", [(10, [0.5, 0.3, 0.2]), (11, [0.5, 0.5]),
                                        (7, [0.1, 0.2, 0.3, 0.4]), (100, [0.9, 0.1]),
                                        (13, [0.25, 0.25, 0.25, 0.25]), (10, [4, 6])])
def test_random_split_lengths_match_torch(n, lengths):
    ours = [len(s) for s in random_split(range(n), lengths, generator=np.random.default_rng(0))]
    theirs = [len(s) for s in torch.utils.data.random_split(range(n), lengths)]
    assert ours == theirs


def test_random_split_errors_and_warning():
    with pytest.raises(ValueError, match="sum of input lengths"):
        random_split(indexed(10), [3, 3])
    with pytest.raises(ValueError, match="fractions summing to 1"):
        random_split(indexed(10), [0.5, 0.4])
    with pytest.raises(ValueError, match="between 0 and 1"):
        random_split(indexed(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="index 1 is 0"):
        random_split(indexed(2), [0.9, 0.1])


def test_random_split_reproducible():
    def split_with(**kw):
        return all_indices(random_split(indexed(20), [0.5, 0.5], **kw), None)

    assert split_with(generator=np.random.default_rng(3)) == split_with(generator=np.random.default_rng(3))
    assert split_with(generator=np.random.default_rng(3)) != split_with(generator=np.random.default_rng(4))
    ag.manual_seed(11)
    first = split_with()
    ag.manual_seed(11)
    assert split_with() == first


# ---- DataLoader: batching ---------------------------------------------------------------

@pytest.mark.parametrize("n, batch_size, drop_last, sizes", [
    (10, 3, False, [3, 3, 3, 1]),
    (10, 3, True, [3, 3, 3]),
    (10, 5, False, [5, 5]),
    (10, 5, True, [5, 5]),
    (10, 32, False, [10]),
    (10, 32, True, []),
    (1, 1, False, [1]),
    (0, 4, False, []),
])
@pytest.mark.parametrize("shuffle", [False, True])
def test_batch_sizes_and_len(n, batch_size, drop_last, sizes, shuffle):
    if n == 0 and shuffle:  # as PyTorch: RandomSampler refuses an empty data set
        with pytest.raises(ValueError, match="num_samples=0"):
            DataLoader(indexed(n), batch_size=batch_size, shuffle=True)
        return
    loader = DataLoader(indexed(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, seed=0)
    batches = list(loader)
    assert [len(y) for _, y in batches] == sizes
    assert [tuple(x.shape) for x, _ in batches] == [(k, 2) for k in sizes]
    assert len(loader) == len(sizes)


def test_default_batch_size_is_one():
    batches = list(DataLoader(indexed(3)))
    assert len(batches) == 3 and tuple(batches[0][0].shape) == (1, 2)


def test_unshuffled_order_is_sequential():
    np.testing.assert_array_equal(epoch_labels(DataLoader(indexed(10), batch_size=4)), np.arange(10))


def test_shuffle_covers_every_index_once_per_epoch():
    loader = DataLoader(indexed(103), batch_size=10, shuffle=True, seed=0)
    for _ in range(3):
        order = epoch_labels(loader)
        assert sorted(order.tolist()) == list(range(103))
        assert not np.array_equal(order, np.arange(103))


def test_drop_last_with_shuffle_drops_a_random_remainder():
    loader = DataLoader(indexed(10), batch_size=4, shuffle=True, drop_last=True, seed=0)
    order = epoch_labels(loader)
    assert len(order) == 8 and len(set(order.tolist())) == 8


def test_new_order_each_epoch():
    loader = DataLoader(indexed(50), batch_size=7, shuffle=True, seed=1)
    epochs = [epoch_labels(loader) for _ in range(3)]
    assert not np.array_equal(epochs[0], epochs[1])
    assert not np.array_equal(epochs[1], epochs[2])


def test_order_is_drawn_at_the_first_batch_as_pytorch():
    """As PyTorch with num_workers=0: iter() draws the workers' base seed, the first next() the
    order (RandomSampler is a generator function)."""
    loader = DataLoader(indexed(30), batch_size=30, shuffle=True)
    ag.manual_seed(5)
    first = next(iter(loader))[1].numpy()
    ag.manual_seed(5)
    it = iter(loader)
    np.testing.assert_array_equal(next(it)[1].numpy(), first)
    ag.manual_seed(5)
    it = iter(loader)
    ag.randn(100)  # drawing between iter() and next() changes the order
    assert next(it)[1].numpy().tolist() != first.tolist()


# ---- DataLoader: reproducibility --------------------------------------------------------

def epochs(loader, k=3):
    return [epoch_labels(loader).tolist() for _ in range(k)]


def test_seed_reproducible():
    assert epochs(DataLoader(indexed(40), 8, shuffle=True, seed=7)) == \
        epochs(DataLoader(indexed(40), 8, shuffle=True, seed=7))
    assert epochs(DataLoader(indexed(40), 8, shuffle=True, seed=7)) != \
        epochs(DataLoader(indexed(40), 8, shuffle=True, seed=8))


def test_generator_reproducible():
    def run(seed):
        return epochs(DataLoader(indexed(40), 8, shuffle=True, generator=np.random.default_rng(seed)))

    assert run(2) == run(2)
    assert run(2) != run(3)
    # a generator is used as given: its state advances
    rng = np.random.default_rng(2)
    rng.integers(0, 2**63, dtype=np.int64)  # iter() draws the base seed first, as PyTorch
    expected = rng.permutation(40).tolist()
    assert epoch_labels(DataLoader(indexed(40), 8, shuffle=True,
                                   generator=np.random.default_rng(2))).tolist() == expected


def test_manual_seed_reproducible():
    loader = DataLoader(indexed(40), 8, shuffle=True)
    ag.manual_seed(123)
    first = epochs(loader)
    ag.manual_seed(123)
    assert epochs(loader) == first
    ag.manual_seed(124)
    assert epochs(loader) != first


def test_dataloader_argument_errors():
    with pytest.raises(ValueError, match="either seed= or generator="):
        DataLoader(indexed(4), seed=1, generator=np.random.default_rng(1))
    for bad in (0, -1, 2.5, True):  # None is valid: no batching
        with pytest.raises(ValueError, match="batch_size"):
            DataLoader(indexed(4), batch_size=bad)
    with pytest.raises(TypeError, match="Generator"):
        DataLoader(indexed(4), generator=np.random.RandomState(0))


# ---- DataLoader: fast path and collation ------------------------------------------------

def test_fast_path_matches_per_sample_collation():
    x = ag.randn(37, 3, 2)
    y = ag.from_numpy(np.arange(37, dtype=np.int64) % 5)
    m = ag.from_numpy(np.arange(37) % 2 == 0)
    ds = TensorDataset(x, y, m)
    fast = list(DataLoader(ds, batch_size=8, shuffle=True, seed=4))
    slow = list(DataLoader(ds, batch_size=8, shuffle=True, seed=4, collate_fn=lambda b: default_collate(b)))
    assert len(fast) == len(slow) == 5
    for fb, sb in zip(fast, slow):
        assert type(fb) is type(sb) is list
        for f, s in zip(fb, sb):
            assert isinstance(f, ag.Tensor) and f.dtype == s.dtype and f.shape == s.shape
            np.testing.assert_array_equal(f.numpy(), s.numpy())


def test_fast_path_indexes_whole_tensors(monkeypatch):
    loader = DataLoader(indexed(20), batch_size=6, shuffle=True, seed=0)

    def per_sample(self, index):
        raise AssertionError("the TensorDataset fast path must not fetch samples one by one")

    monkeypatch.setattr(TensorDataset, "__getitem__", per_sample)
    assert sorted(epoch_labels(loader).tolist()) == list(range(20))


def test_fast_path_through_subsets_matches_slow_path():
    ds = indexed(50)
    train, _ = random_split(ds, [0.8, 0.2], generator=np.random.default_rng(0))
    nested = Subset(train, list(range(0, 40, 3)))
    for dataset in (train, nested):
        fast = epoch_labels(DataLoader(dataset, 6, shuffle=True, seed=1))
        slow = epoch_labels(DataLoader(dataset, 6, shuffle=True, seed=1,
                                       collate_fn=lambda b: default_collate(b)))
        np.testing.assert_array_equal(fast, slow)
        assert sorted(fast.tolist()) == sorted(dataset[i][1].item() for i in range(len(dataset)))


def test_batches_keep_dtype():
    ds = TensorDataset(np.arange(24, dtype=np.uint8).reshape(6, 4), np.ones(6, np.float64))
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert xb.dtype == ag.uint8 and yb.dtype == ag.float64


def test_generic_dataset_with_dict_samples():
    batches = list(DataLoader(Squares(5), batch_size=2))
    assert len(batches) == 3
    first = batches[0]
    assert set(first) == {"x", "y", "w"}
    assert first["x"].dtype == ag.float64 and tuple(first["x"].shape) == (2, 2)
    assert first["y"].dtype == ag.int64 and first["y"].tolist() == [0, 1]
    assert first["w"].dtype == ag.float64 and first["w"].tolist() == [0.0, 0.5]  # as PyTorch
    assert batches[2]["y"].tolist() == [4]


def test_custom_collate_fn():
    loader = DataLoader(indexed(5), batch_size=2, collate_fn=lambda samples: len(samples))
    assert list(loader) == [2, 2, 1]


def test_collate_tensors_stack():
    out = default_collate([ag.ones(2, 3), ag.zeros(2, 3)])
    assert tuple(out.shape) == (2, 2, 3) and out.dtype == ag.float32
    np.testing.assert_array_equal(out.numpy()[0], np.ones((2, 3)))


def test_collate_numbers():
    ints = default_collate([1, 2, 3])
    floats = default_collate([1.5, 2.0])
    bools = default_collate([True, False])
    assert ints.dtype == ag.int64 and ints.tolist() == [1, 2, 3]
    assert floats.dtype == ag.float64 and floats.tolist() == [1.5, 2.0]  # as PyTorch
    assert bools.dtype == ag.bool and bools.tolist() == [True, False]


def test_collate_numpy_keeps_dtype():
    for dtype in (np.uint8, np.int32, np.float64, np.float32, np.bool_):
        out = default_collate([np.zeros((2, 2), dtype), np.ones((2, 2), dtype)])
        assert out.dtype == dtype and tuple(out.shape) == (2, 2, 2)
    scalars = default_collate([np.float64(1.0), np.float64(2.0)])
    assert scalars.dtype == ag.float64 and tuple(scalars.shape) == (2,)
    with pytest.raises(TypeError, match="dtype"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_collate_tuples_lists_dicts_namedtuples():
    pairs = default_collate([(1, 2.0), (3, 4.0)])
    assert isinstance(pairs, list) and pairs[0].tolist() == [1, 3] and pairs[1].tolist() == [2.0, 4.0]
    lists = default_collate([[1, 2], [3, 4]])
    assert [t.tolist() for t in lists] == [[1, 3], [2, 4]]
    nested = default_collate([{"a": (1, np.zeros(2)), "b": "s"}, {"a": (2, np.ones(2)), "b": "t"}])
    assert nested["a"][0].tolist() == [1, 2] and tuple(nested["a"][1].shape) == (2, 2)
    assert nested["b"] == ["s", "t"]
    Point = collections.namedtuple("Point", "x y")
    points = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(points, Point) and points.x.tolist() == [1, 3] and points.y.dtype == ag.float64


def test_collate_errors():
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([(1, 2), (3,)])
    with pytest.raises(TypeError, match="collate_fn"):
        default_collate([object(), object()])


@requires_torch
def test_collate_structure_matches_torch():
    from torch.utils.data import default_collate as torch_collate

    batch = [{"a": (1, np.arange(3)), "b": [np.float32(1), 2]},
             {"a": (2, np.arange(3)), "b": [np.float32(3), 4]}]
    ours, theirs = default_collate(batch), torch_collate(batch)

    def same(o, t):
        if isinstance(t, torch.Tensor):
            assert isinstance(o, ag.Tensor) and tuple(o.shape) == tuple(t.shape)
            assert str(o.dtype) == str(t.dtype)
            np.testing.assert_array_equal(o.numpy(), t.numpy())
        elif isinstance(t, dict):
            assert o.keys() == t.keys()
            for k in t:
                same(o[k], t[k])
        else:
            assert type(o) is type(t) and len(o) == len(t)
            for a, b in zip(o, t):
                same(a, b)

    same(ours, theirs)


def test_repr_mentions_settings():
    text = repr(DataLoader(indexed(4), batch_size=2, shuffle=True))
    assert "batch_size=2" in text and "shuffle=True" in text


def test_no_warnings_in_a_plain_epoch():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        list(DataLoader(indexed(10), batch_size=3, shuffle=True, seed=0))


# ---- synthetic data sets ----------------------------------------------------------------

GENERATORS = {
    "spirals_random": lambda **kw: make_spirals(200, variant="random", **kw),
    "spirals_linspace": lambda **kw: make_spirals(200, variant="linspace", **kw),
    "moons": lambda **kw: make_moons(200, noise=0.1, **kw),
    "circles": lambda **kw: make_circles(200, noise=0.05, factor=0.5, **kw),
    "blobs": lambda **kw: make_blobs(200, centers=4, **kw),
    "xor": lambda **kw: make_xor(200, noise=0.05, **kw),
    "disk": lambda **kw: make_disk(200, **kw),
    "region": lambda **kw: make_region(lambda a, b: a - b, 200, **kw),
    "regression": lambda **kw: make_regression_1d(cubic, 200, noise=0.1, **kw),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_generator_shapes_dtypes(name):
    X, y = GENERATORS[name](seed=0)
    assert X.dtype == np.float32 and X.shape[0] == 200 and X.flags.c_contiguous
    if name == "regression":
        assert X.shape == (200, 1) and y.shape == (200, 1) and y.dtype == np.float32
    else:
        assert X.shape == (200, 2) and y.shape == (200,) and y.dtype == np.int64
    X64, y64 = GENERATORS[name](seed=0, dtype=np.float64)
    assert X64.dtype == np.float64
    np.testing.assert_allclose(X, X64.astype(np.float32))


@pytest.mark.parametrize("name", GENERATORS)
def test_generator_seeding(name):
    make = GENERATORS[name]
    a, b, c = make(seed=5), make(seed=5), make(seed=6)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    g1, g2 = make(seed=np.random.default_rng(9)), make(seed=np.random.default_rng(9))
    np.testing.assert_array_equal(g1[0], g2[0])
    ag.manual_seed(42)
    m1 = make()
    ag.manual_seed(42)
    np.testing.assert_array_equal(make()[0], m1[0])
    with pytest.raises(TypeError, match="seed"):
        make(seed=1.5)


@pytest.mark.parametrize("name", ["spirals_random", "spirals_linspace", "moons", "circles"])
def test_two_class_sets_are_balanced(name):
    y = GENERATORS[name](seed=0)[1]
    assert np.bincount(y).tolist() == [100, 100]


@pytest.mark.parametrize("make", [make_moons, make_circles])
def test_odd_counts_give_class_1_the_extra_point(make):
    assert np.bincount(make(7, seed=0)[1]).tolist() == [3, 4]
    assert np.bincount(make_spirals(7, variant="linspace", seed=0)[1]).tolist() == [3, 4]


def tutorial_000_spirals(n_samples, noise, rng):
    """Tutorial 000's make_spiral_dataset, with np.random.* replaced by the same calls on rng."""
    n = n_samples // 2
    theta1 = np.sqrt(rng.random(n)) * 4 * np.pi
    r1 = 2 * theta1 + np.pi
    x1 = np.stack([r1 * np.cos(theta1), r1 * np.sin(theta1)], axis=1)
    theta2 = np.sqrt(rng.random(n)) * 4 * np.pi
    r2 = -2 * theta2 - np.pi
    x2 = np.stack([r2 * np.cos(theta2), r2 * np.sin(theta2)], axis=1)
    X = np.vstack([x1, x2])
    X += rng.standard_normal((n_samples, 2)) * noise
    X[:, 0] = np.interp(X[:, 0], (X[:, 0].min(), X[:, 0].max()), (-1, 1))
    X[:, 1] = np.interp(X[:, 1], (X[:, 1].min(), X[:, 1].max()), (-1, 1))
    labels = np.zeros(n_samples)
    labels[n:] = 1
    return X, labels


def tutorial_003_spirals(n=300, noise=0.08, seed=42):
    """Tutorial 003's make_spirals, verbatim."""
    rng = np.random.default_rng(seed)

    def arm(n, offset):
        theta = np.linspace(0, 4 * np.pi, n) + offset
        r = theta / (4 * np.pi)
        x = r * np.cos(theta) + rng.normal(0, noise, n)
        y = r * np.sin(theta) + rng.normal(0, noise, n)
        return np.stack([x, y], axis=1)

    X0 = arm(n, 0)
    X1 = arm(n, np.pi)
    X = np.vstack([X0, X1])
    y = np.array([0] * n + [1] * n)
    perm = rng.permutation(len(y))
    return X[perm], y[perm]


def test_spirals_random_variant_is_tutorial_000():
    X, y = make_spirals(variant="random", seed=1, dtype=np.float64)
    ref_X, ref_y = tutorial_000_spirals(500, 1.5, np.random.default_rng(1))
    np.testing.assert_array_equal(X, ref_X)
    np.testing.assert_array_equal(y, ref_y)
    assert X.shape == (500, 2)
    np.testing.assert_allclose([X.min(0), X.max(0)], [[-1, -1], [1, 1]])


def test_spirals_linspace_variant_is_tutorial_003_bit_for_bit():
    X, y = make_spirals(variant="linspace", seed=42, dtype=np.float64)
    ref_X, ref_y = tutorial_003_spirals()
    assert X.shape == (600, 2)
    np.testing.assert_array_equal(X, ref_X)
    np.testing.assert_array_equal(y, ref_y)


def test_spirals_linspace_geometry_radius_grows_with_angle():
    """Without noise every point is r * (cos 4 pi r, sin 4 pi r): the radius grows linearly
    with the angle. Class 0 covers r in [0, 1], class 1 (the tutorial's offset arm) [0.25, 1.25]."""
    X, y = make_spirals(400, noise=0.0, variant="linspace", seed=0, dtype=np.float64)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(X, np.stack([r * np.cos(4 * np.pi * r), r * np.sin(4 * np.pi * r)], 1),
                               atol=1e-12)
    np.testing.assert_allclose([r[y == 0].min(), r[y == 0].max()], [0, 1], atol=1e-12)
    np.testing.assert_allclose([r[y == 1].min(), r[y == 1].max()], [0.25, 1.25], atol=1e-12)
    with pytest.raises(ValueError, match="variant"):
        make_spirals(10, variant="000")


def test_spirals_random_geometry():
    """Noise-free, the arms (r = 2 theta + pi and its point reflection) keep a clear gap after
    the per-axis [-1, 1] scaling, while the tutorial-003 arms touch (they share one curve)."""
    X, y = make_spirals(1000, noise=0.0, variant="random", seed=3, dtype=np.float64)
    assert y[:500].tolist() == [0] * 500 and y[500:].tolist() == [1] * 500
    np.testing.assert_allclose([X.min(0), X.max(0)], [[-1, -1], [1, 1]])

    def class_gap(points, labels):
        return np.linalg.norm(points[labels == 0][:, None] - points[labels == 1][None], axis=-1).min()

    assert class_gap(X, y) > 0.15
    assert class_gap(*make_spirals(1000, noise=0.0, variant="linspace", seed=3)) < 0.01


def test_circles_radii_and_angles():
    X, y = make_circles(100, factor=0.3, shuffle=False, seed=0, dtype=np.float64)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)
    assert y.tolist() == [0] * 50 + [1] * 50
    angles = np.sort(np.mod(np.arctan2(X[y == 0, 1], X[y == 0, 0]), 2 * np.pi))
    np.testing.assert_allclose(angles, np.linspace(0, 2 * np.pi, 50, endpoint=False), atol=1e-12)
    noisy = make_circles(4000, noise=0.05, factor=0.5, seed=0)[0]
    assert np.linalg.norm(noisy, axis=1).std() > 0.2
    with pytest.raises(ValueError, match="factor"):
        make_circles(10, factor=1.0)


def test_moons_geometry():
    X, y = make_moons(101, seed=0, dtype=np.float64)
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0)
    assert (X[y == 0, 1] >= -1e-12).all()
    np.testing.assert_allclose(np.linalg.norm(X[y == 1] - [1.0, 0.5], axis=1), 1.0)
    assert (X[y == 1, 1] <= 0.5 + 1e-12).all()
    ordered = make_moons(6, shuffle=False, seed=0, dtype=np.float64)[0]
    np.testing.assert_allclose(ordered, [[1, 0], [0, 1], [-1, 0], [0, 0.5], [1, -0.5], [2, 0.5]],
                               atol=1e-12)


def test_blobs():
    X, y, centers = make_blobs(100, centers=3, cluster_std=0.01, seed=0, return_centers=True)
    assert np.bincount(y).tolist() == [34, 33, 33]
    assert centers.shape == (3, 2) and (np.abs(centers) <= 10).all()
    np.testing.assert_allclose(X, centers[y], atol=0.1)
    X, y = make_blobs([10, 20], centers=[[0, 0, 0], [5, 5, 5]], cluster_std=[0.5, 1.0], seed=0)
    assert X.shape == (30, 3) and np.bincount(y).tolist() == [10, 20]
    X, y = make_blobs(30000, centers=[[-2.0, 1.0], [3.0, 4.0]], cluster_std=[0.5, 2.0], seed=1)
    np.testing.assert_allclose(X[y == 1].std(0), [2.0, 2.0], rtol=0.05)
    np.testing.assert_allclose(X[y == 0].mean(0), [-2.0, 1.0], atol=0.05)
    with pytest.raises(ValueError, match="centers"):
        make_blobs([10, 20], centers=3)


def test_xor_labels_are_sign_products():
    X, y = make_xor(2000, seed=0, dtype=np.float64)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))
    assert (np.abs(X) <= 1).all()
    assert 0.45 < y.mean() < 0.55


def test_disk_is_tutorial_002():
    X, y = make_disk(seed=0, dtype=np.float64)
    assert X.shape == (10000, 2) and (np.abs(X) <= 1).all()
    np.testing.assert_array_equal(y, (X[:, 0] ** 2 + X[:, 1] ** 2 > 1).astype(np.int64))
    assert abs((y == 0).mean() - np.pi / 4) < 0.02
    rng = np.random.default_rng(0)
    x0, x1 = rng.uniform(-1, 1, 10000), rng.uniform(-1, 1, 10000)
    np.testing.assert_array_equal(X, np.column_stack([x0, x1]))


def test_region_is_tutorial_004_logistic_data():
    def g(a, b):
        return 0.8 * a + b - 3

    X, y = make_region(g, 1000, low=(0, -4), high=(8, 3), seed=0, dtype=np.float64)
    assert X.shape == (1000, 2)
    assert (X[:, 0] >= 0).all() and (X[:, 0] < 8).all() and (X[:, 1] >= -4).all() and (X[:, 1] < 3).all()
    np.testing.assert_array_equal(y, (g(X[:, 0], X[:, 1]) >= 0).astype(np.int64))
    assert 0 < y.mean() < 1
    with pytest.raises(ValueError, match="length"):
        make_region(g, 10, low=(0,), high=(1, 1))


def test_regression_1d_is_tutorial_004_cubic():
    assert cubic(0.0) == pytest.approx(0.1) and cubic(1.0) == pytest.approx(0.2)
    X, y = make_regression_1d(seed=0)
    assert X.shape == y.shape == (1000, 1)
    assert X.min() >= -1.5 and X.max() < 1.5
    np.testing.assert_allclose(y, cubic(X.astype(np.float64)), rtol=1e-5, atol=1e-6)
    X, y = make_regression_1d(np.sin, 20000, low=0, high=3, noise=0.2, seed=0, dtype=np.float64)
    assert (y - np.sin(X)).std() == pytest.approx(0.2, rel=0.03)


@pytest.mark.parametrize("make", [make_moons, make_xor, make_disk])
def test_generators_reject_bad_counts(make):
    with pytest.raises(ValueError, match="n_samples"):
        make(-1)
    assert make(0, seed=0)[0].shape == (0, 2)


# ---- train_test_split -------------------------------------------------------------------

def test_train_test_split_sizes_and_alignment():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    X_train, X_test, y_train, y_test = train_test_split(X, y, seed=0)
    assert len(X_test) == len(y_test) == 3  # ceil(0.25 * 10)
    assert len(X_train) == len(y_train) == 7
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)  # rows stay paired
    np.testing.assert_array_equal(X_test[:, 0], 2 * y_test)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(10))


@pytest.mark.parametrize("test_size, train_size, sizes", [
    (0.1, None, (9, 1)), (0.33, None, (6, 4)), (4, None, (6, 4)), (None, 0.5, (5, 5)),
    (0.2, 0.5, (5, 2)), (None, 3, (3, 7)),
])
def test_train_test_split_size_rules(test_size, train_size, sizes):
    a_train, a_test = train_test_split(np.arange(10), test_size=test_size, train_size=train_size, seed=0)
    assert (len(a_train), len(a_test)) == sizes


def test_train_test_split_without_shuffle_is_tutorial_003_split():
    X, y = make_spirals(variant="linspace", seed=42)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, shuffle=False)
    np.testing.assert_array_equal(X_tr, X[:480])
    np.testing.assert_array_equal(y_te, y[480:])


def test_train_test_split_tensors_lists_and_seeding():
    t = ag.arange(8)
    items = list("abcdefgh")
    t_train, t_test, l_train, l_test = train_test_split(t, items, test_size=2, seed=3)
    assert isinstance(t_train, ag.Tensor) and isinstance(l_train, list)
    assert [items[i] for i in t_test.tolist()] == l_test
    again = train_test_split(t, items, test_size=2, seed=3)
    assert again[1].tolist() == t_test.tolist()
    assert train_test_split(t, test_size=2, seed=4)[1].tolist() != t_test.tolist()


def test_train_test_split_errors():
    with pytest.raises(ValueError, match="lengths"):
        train_test_split(np.arange(3), np.arange(4))
    with pytest.raises(ValueError, match="at least one"):
        train_test_split()
    for bad in (0.0, 1.0, 1.5, 0, 10, -1, "a"):
        with pytest.raises(ValueError, match="test_size"):
            train_test_split(np.arange(10), test_size=bad)
    with pytest.raises(ValueError, match="give"):
        train_test_split(np.arange(10), test_size=0.5, train_size=0.6)

"""autograd.data's DataLoader options and collation beside torch.utils.data (in the main process;
the worker processes are in test_dataloader_workers.py): argument checks and their messages,
batch_size=None, samplers and batch samplers, iterable data sets, default_collate and
default_convert on nested structures."""

import collections
import warnings

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
from autograd.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    IterableDataset,
    SequentialSampler,
    TensorDataset,
    default_collate,
    default_convert,
    get_worker_info,
)

Point = collections.namedtuple("Point", "x y")


class Stream(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))

    def __len__(self):
        return self.stop - self.start


class Items(Dataset):
    """Samples with every leaf kind default_collate knows."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"a": (i, np.arange(3) * i), "b": [np.float32(i), float(i) / 2, True], "s": f"s{i}",
                "p": Point(np.int32(i), np.ones((2,), np.uint8)), "o": collections.OrderedDict(k=i)}


def same(ours, theirs):
    """Our batch has torch's structure, types, dtypes and values."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, ag.Tensor) and tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    elif isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray) and ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)
    elif isinstance(theirs, collections.abc.Mapping):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for key in theirs:
            same(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            same(a, b)
    else:
        assert type(ours) is type(theirs) and ours == theirs


# ---- default_collate / default_convert ---------------------------------------------------------

COLLATE_CASES = {
    "ints": [1, 2, 3], "floats": [1.5, 2.0], "bools": [True, False], "int_then_float": [1, 2.5],
    "np_scalars": [np.float32(1), np.float32(2)], "np_int16": [np.int16(1), np.int16(5)],
    "np_bool": [np.bool_(True), np.bool_(False)], "arrays": [np.zeros((2, 3)), np.ones((2, 3))],
    "strings": ["a", "b"], "bytes": [b"a", b"b"], "np_str": [np.str_("a"), np.str_("b")],
    "tuples": [(1, 2.0), (3, 4.0)], "lists": [[1, 2], [3, 4]],
    "namedtuples": [Point(1, 2.0), Point(3, 4.0)],
    "dicts": [{"a": 1, "b": {"c": (1.0, "x")}}, {"a": 2, "b": {"c": (3.0, "y")}}],
    "ordered": [collections.OrderedDict(z=1, a=2), collections.OrderedDict(z=3, a=4)],
    "defaultdict": [collections.defaultdict(int, k=1), collections.defaultdict(int, k=2)],
    "tensors": "tensors", "items": "items",
}


def _case(name, lib):
    value = COLLATE_CASES[name]
    if value == "tensors":
        return [lib.arange(6).reshape(2, 3), lib.ones(2, 3, dtype=lib.int64)]
    if value == "items":
        return [Items()[i] for i in range(3)]
    return value


@requires_torch
@pytest.mark.parametrize("name", COLLATE_CASES)
def test_default_collate_matches_torch(name):
    from torch.utils.data import default_collate as torch_collate

    same(default_collate(_case(name, ag)), torch_collate(_case(name, torch)))


@requires_torch
@pytest.mark.parametrize("sample", [
    np.arange(3), np.float64(2.5), 3, 2.5, "s", (np.arange(2), 1), [np.zeros(2), "x"],
    Point(np.arange(2), 3), {"a": np.ones(2), "b": (1, np.int8(2))}, np.array(["a", "b"]),
    collections.OrderedDict(a=np.arange(2)),
])
def test_default_convert_matches_torch(sample):
    from torch.utils.data import default_convert as torch_convert

    same(default_convert(sample), torch_convert(sample))


@requires_torch
@pytest.mark.parametrize("batch, error", [
    ([object(), object()], TypeError), ([(1, 2), (3,)], RuntimeError),
    ([np.array(["a"]), np.array(["b"])], TypeError), ([None, None], TypeError),
])
def test_default_collate_errors_match_torch(batch, error):
    from torch.utils.data import default_collate as torch_collate

    with pytest.raises(error):
        torch_collate(batch)
    with pytest.raises(error, match="collate_fn"):  # ours adds a hint
        default_collate(batch)


def test_collate_fn_map_can_be_extended():
    from autograd.data import collate

    class Box:
        pass

    def collate_boxes(batch, *, collate_fn_map=None):
        return len(batch)

    custom = {**collate.default_collate_fn_map, Box: collate_boxes}
    assert collate.collate([(Box(), 1), (Box(), 2)], collate_fn_map=custom)[0] == 2


# ---- DataLoader: argument checks, beside PyTorch ------------------------------------------------

def loader_kwargs(lib):
    ds = lib.utils.data.TensorDataset(lib.arange(8)) if lib is torch else TensorDataset(ag.arange(8))
    sampler = SequentialSampler(range(8))
    batches = BatchSampler(sampler, 2, False)
    return ds, sampler, batches


ARG_ERRORS = [  # kwargs, exception, a phrase both messages contain
    (dict(num_workers=-1), ValueError, "num_workers option should be non-negative"),
    (dict(timeout=-1), ValueError, "timeout option should be non-negative"),
    (dict(prefetch_factor=2), ValueError, "prefetch_factor option could only be specified in multi"),
    (dict(num_workers=1, prefetch_factor=-1), ValueError, "prefetch_factor option should be"),
    (dict(persistent_workers=True), ValueError, "persistent_workers option needs num_workers > 0"),
    (dict(sampler="S", shuffle=True), ValueError, "sampler option is mutually exclusive with shuffle"),
    (dict(batch_sampler="B", batch_size=2), ValueError, "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler="B", shuffle=True), ValueError, "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler="B", sampler="S"), ValueError, "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler="B", drop_last=True), ValueError, "batch_sampler option is mutually exclusive"),
    (dict(batch_size=None, drop_last=True), ValueError, "is mutually exclusive with drop_last"),
    (dict(batch_size=0), ValueError, "batch_size should be a positive integer value"),
    (dict(multiprocessing_context="fork"), ValueError, "multiprocessing_context can only be used with"),
    (dict(num_workers=1, multiprocessing_context="nope"), ValueError, "should specify a valid start method"),
    (dict(num_workers=1, multiprocessing_context=3), TypeError, "should be a valid context object"),
]


@requires_torch
@pytest.mark.parametrize("kwargs, error, phrase", ARG_ERRORS)
def test_dataloader_argument_errors_match_torch(kwargs, error, phrase):
    for lib, make in ((torch, torch.utils.data.DataLoader), (ag, DataLoader)):
        ds, sampler, batches = loader_kwargs(lib)
        stand_ins = {("sampler", "S"): sampler, ("batch_sampler", "B"): batches}
        given = {k: stand_ins.get((k, v), v) for k, v in kwargs.items()}
        with pytest.raises(error) as info:
            make(ds, **given)
        assert phrase.lower() in str(info.value).lower(), (lib.__name__, str(info.value))


@requires_torch
@pytest.mark.parametrize("kwargs, phrase", [
    (dict(shuffle=True), "expected unspecified shuffle option"),
    (dict(sampler=[0, 1]), "expected unspecified sampler option"),
    (dict(batch_sampler=[[0, 1]]), "expected unspecified batch_sampler option"),
])
def test_iterable_dataset_argument_errors_match_torch(kwargs, phrase):
    class TorchStream(torch.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(3))

    for make, ds in ((torch.utils.data.DataLoader, TorchStream()), (DataLoader, Stream(0, 3))):
        with pytest.raises(ValueError, match=phrase):
            make(ds, **kwargs)


def test_attributes_are_frozen_after_init():
    loader = DataLoader(TensorDataset(ag.arange(4)), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 3
    loader.num_workers = 0  # other attributes may change, as in PyTorch


def test_timeout_needs_workers_and_pin_memory_warns():
    with pytest.raises(AssertionError, match="num_workers > 0"):
        iter(DataLoader(TensorDataset(ag.arange(4)), timeout=1))
    with pytest.warns(UserWarning, match="no accelerator is found"):
        list(DataLoader(TensorDataset(ag.arange(4)), pin_memory=True))
    with pytest.raises(TypeError, match="Generator"):
        DataLoader(TensorDataset(ag.arange(4)), generator=np.random.RandomState(0))


# ---- DataLoader: batching modes, beside PyTorch ------------------------------------------------

@requires_torch
@pytest.mark.parametrize("kwargs", [
    dict(), dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None),
    dict(batch_size=2, sampler=[6, 0, 3]), dict(batch_sampler=[[1, 2], [0], [6, 5, 4]]),
    dict(batch_size=None, sampler=[4, 1]),
])
def test_map_style_batches_match_torch(kwargs):
    ours = DataLoader(Items(), **kwargs)
    theirs = torch.utils.data.DataLoader(Items(), **kwargs)
    assert len(ours) == len(theirs)
    got, expected = list(ours), list(theirs)
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        same(a, b)


@requires_torch
@pytest.mark.parametrize("kwargs", [dict(), dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                    dict(batch_size=None)])
def test_iterable_batches_match_torch(kwargs):
    class TorchStream(torch.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(3, 10))

        def __len__(self):
            return 7

    ours, theirs = DataLoader(Stream(3, 10), **kwargs), torch.utils.data.DataLoader(TorchStream(), **kwargs)
    assert len(ours) == len(theirs)
    for a, b in zip(list(ours), list(theirs), strict=True):
        same(a, b)


def test_iterable_dataset_longer_than_its_len_warns():
    class Liar(Stream):
        def __len__(self):
            return 2

    loader = DataLoader(Liar(0, 4))
    assert len(loader) == 2
    with pytest.warns(UserWarning, match="was reported to be 2"):
        list(loader)


def test_getitems_fetches_a_batch_in_one_call():
    calls = []

    class Batched(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            raise AssertionError("the loader should call __getitems__")

        def __getitems__(self, indices):
            calls.append(list(indices))
            return [float(i) for i in indices]

    assert [b.tolist() for b in DataLoader(Batched(), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert calls == [[0, 1], [2, 3], [4]]


def test_get_worker_info_is_none_in_the_main_process():
    assert get_worker_info() is None


def test_shuffle_with_seeded_generator_is_reproducible_and_uses_ndgrad_numbers():
    ds = TensorDataset(ag.arange(20))

    def epochs(seed):
        loader = DataLoader(ds, batch_size=5, shuffle=True, generator=ag.Generator().manual_seed(seed))
        return [[b[0].tolist() for b in loader] for _ in range(3)]

    first = epochs(0)
    assert first == epochs(0) and first != epochs(1)
    assert all(sorted(sum(e, [])) == list(range(20)) for e in first)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        list(DataLoader(ds, batch_size=5, shuffle=True))

"""autograd.data samplers and data sets beside torch.utils.data: what is deterministic is compared
with PyTorch (orders of SequentialSampler/BatchSampler, lengths, errors, ConcatDataset & co);
the random samplers are checked for reproducibility and their distributions (PyTorch's random
streams cannot be matched)."""

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
from autograd.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
)


def gen(seed):
    return ag.Generator().manual_seed(seed)


class Stream(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))

    def __len__(self):
        return self.stop - self.start


# ---- deterministic samplers, beside PyTorch ------------------------------------------------------

@requires_torch
@pytest.mark.parametrize("n", [0, 1, 7])
def test_sequential_sampler_matches_torch(n):
    from torch.utils.data import SequentialSampler as TorchSequential

    assert list(SequentialSampler(range(n))) == list(TorchSequential(range(n)))
    assert len(SequentialSampler(range(n))) == n


@requires_torch
@pytest.mark.parametrize("n, batch_size", [(0, 3), (1, 1), (10, 3), (10, 5), (10, 32), (7, 2)])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_matches_torch(n, batch_size, drop_last):
    from torch.utils.data import BatchSampler as TorchBatch
    from torch.utils.data import SequentialSampler as TorchSequential

    ours = BatchSampler(SequentialSampler(range(n)), batch_size, drop_last)
    theirs = TorchBatch(TorchSequential(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)
    assert list(BatchSampler([5, 3, 1, 4], 3, drop_last)) == list(TorchBatch([5, 3, 1, 4], 3, drop_last))


@requires_torch
@pytest.mark.parametrize("make, error", [
    (lambda m: m.BatchSampler(range(4), 0, False), ValueError),
    (lambda m: m.BatchSampler(range(4), 2.5, False), ValueError),
    (lambda m: m.BatchSampler(range(4), True, False), ValueError),
    (lambda m: m.BatchSampler(range(4), 2, 1), ValueError),
    (lambda m: m.RandomSampler(range(4), replacement=1), TypeError),
    (lambda m: m.RandomSampler(range(4), num_samples=0), ValueError),
    (lambda m: m.RandomSampler(range(0)), ValueError),
    (lambda m: m.WeightedRandomSampler([1.0, 2.0], 0), ValueError),
    (lambda m: m.WeightedRandomSampler([1.0, 2.0], 2, replacement=1), ValueError),
    (lambda m: m.WeightedRandomSampler([[1.0, 2.0]], 2), ValueError),
])
def test_sampler_errors_match_torch(make, error):
    import autograd.data as ours

    with pytest.raises(error) as theirs:
        make(torch.utils.data)
    with pytest.raises(error) as mine:
        make(ours)
    # our messages name the class, then say what PyTorch says
    assert str(theirs.value).rstrip(".") in str(mine.value)


def test_sampler_base_has_no_len():
    class Evens(Sampler):
        def __iter__(self):
            return iter([0, 2, 4])

    assert list(Evens()) == [0, 2, 4]
    with pytest.raises(TypeError):
        len(Evens())
    with pytest.raises(NotImplementedError):
        iter(Sampler())
    with pytest.raises(TypeError, match="has no len"):
        len(BatchSampler(Evens(), 2, False))


# ---- random samplers: reproducible, right distributions ------------------------------------------

def test_random_sampler_is_a_permutation_per_epoch_and_reproducible():
    sampler = RandomSampler(range(50), generator=gen(0))
    epochs = [list(sampler) for _ in range(3)]
    assert all(sorted(e) == list(range(50)) for e in epochs)
    assert epochs[0] != epochs[1] != epochs[2]
    again = RandomSampler(range(50), generator=gen(0))
    assert [list(again) for _ in range(3)] == epochs
    assert list(RandomSampler(range(50), generator=gen(1))) != epochs[0]
    assert len(sampler) == 50


def test_random_sampler_without_generator_follows_manual_seed():
    sampler = RandomSampler(range(30))
    ag.manual_seed(3)
    first = [list(sampler) for _ in range(2)]
    ag.manual_seed(3)
    assert [list(sampler) for _ in range(2)] == first


def test_random_sampler_num_samples_chains_permutations():
    order = list(RandomSampler(range(10), num_samples=25, generator=gen(2)))
    assert len(order) == 25
    assert sorted(order[:10]) == sorted(order[10:20]) == list(range(10))
    assert len(set(order[20:])) == 5
    assert len(list(RandomSampler(range(10), num_samples=4, generator=gen(2)))) == 4


def test_random_sampler_with_replacement_is_uniform():
    sampler = RandomSampler(range(5), replacement=True, num_samples=20000, generator=gen(4))
    draws = np.array(list(sampler))
    assert len(draws) == len(sampler) == 20000 and draws.min() >= 0 and draws.max() <= 4
    np.testing.assert_allclose(np.bincount(draws) / 20000, 0.2, atol=0.015)
    assert list(RandomSampler(range(5), True, 37, gen(4)))[:10] == draws[:10].tolist()  # chunks of 32


def test_random_sampler_reads_the_length_each_epoch():
    data = list(range(3))
    sampler = RandomSampler(data, generator=gen(0))
    data.extend([3, 4])
    assert sorted(sampler) == [0, 1, 2, 3, 4] and len(sampler) == 5


def test_subset_random_sampler():
    indices = [10, 20, 30, 40, 50]
    sampler = SubsetRandomSampler(indices, generator=gen(5))
    epochs = [list(sampler) for _ in range(4)]
    assert all(sorted(e) == indices for e in epochs) and len(sampler) == 5
    assert len({tuple(e) for e in epochs}) > 1
    assert list(SubsetRandomSampler(indices, generator=gen(5))) == epochs[0]
    ag.manual_seed(8)
    first = list(SubsetRandomSampler(indices))
    ag.manual_seed(8)
    assert list(SubsetRandomSampler(indices)) == first


def test_weighted_random_sampler_distribution():
    weights = [0.1, 0.0, 0.3, 0.6]
    draws = np.array(list(WeightedRandomSampler(weights, 20000, generator=gen(6))))
    assert len(draws) == 20000 and (draws != 1).all()
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / 20000, weights, atol=0.015)
    again = list(WeightedRandomSampler(weights, 100, generator=gen(7)))
    assert again == list(WeightedRandomSampler(weights, 100, generator=gen(7)))


def test_weighted_random_sampler_without_replacement():
    sampler = WeightedRandomSampler(ag.tensor([1.0, 5.0, 0.5, 2.0]), 3, replacement=False, generator=gen(0))
    for _ in range(20):
        drawn = list(sampler)
        assert len(set(drawn)) == 3 and set(drawn) <= {0, 1, 2, 3}
    assert sampler.weights.dtype == ag.float64 and len(sampler) == 3
    with pytest.raises(Exception, match="n_sample > prob_dist"):
        list(WeightedRandomSampler([1.0, 0.0], 3, replacement=False))


def test_samplers_refuse_a_wrong_generator():
    for make in (lambda g: RandomSampler(range(3), generator=g),
                 lambda g: SubsetRandomSampler([0, 1], generator=g),
                 lambda g: WeightedRandomSampler([1.0], 1, generator=g)):
        with pytest.raises(TypeError, match="ag.Generator or a np.random.Generator"):
            make(np.random.RandomState(0))
    rng = np.random.default_rng(3)
    assert sorted(RandomSampler(range(5), generator=rng)) == list(range(5))


# ---- data sets ---------------------------------------------------------------------------------

@requires_torch
def test_concat_dataset_matches_torch():
    parts = [list(range(3)), list(range(10, 12)), [], list(range(20, 24))]
    ours, theirs = ConcatDataset(parts), torch.utils.data.ConcatDataset(parts)
    assert len(ours) == len(theirs) and ours.cumulative_sizes == theirs.cumulative_sizes
    everywhere = range(-len(theirs), len(theirs))
    assert [ours[i] for i in everywhere] == [theirs[i] for i in everywhere]
    with pytest.raises(ValueError, match="absolute value of index"):
        ours[-10]
    with pytest.raises(IndexError):
        ours[9]
    with pytest.raises(AssertionError, match="empty"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ConcatDataset([Stream(0, 2)])


def test_dataset_add_concatenates_and_chains():
    a = TensorDataset(ag.arange(3))
    b = TensorDataset(ag.arange(5, 7))
    both = a + b
    assert isinstance(both, ConcatDataset) and [both[i][0].item() for i in range(5)] == [0, 1, 2, 5, 6]
    chained = Stream(0, 2) + Stream(5, 7)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 5, 6] and len(chained) == 4


def test_chain_dataset_refuses_map_style_members_while_iterating():
    chained = ChainDataset([Stream(0, 2), [1, 2]])
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        list(chained)


@requires_torch
def test_stack_dataset_matches_torch():
    ours = StackDataset(range(3), "abc")
    theirs = torch.utils.data.StackDataset(range(3), "abc")
    assert [ours[i] for i in range(3)] == [theirs[i] for i in range(3)] and len(ours) == 3
    assert StackDataset(x=range(3), y="abc")[2] == {"x": 2, "y": "c"}
    for bad in (lambda m: m.StackDataset(range(3), "ab"), lambda m: m.StackDataset(),
                lambda m: m.StackDataset(range(2), y="ab")):
        with pytest.raises(ValueError):
            bad(torch.utils.data)
        with pytest.raises(ValueError):
            bad(ag.data)


def test_subset_getitems_and_subclass_rule():
    seen = []

    class Batched(Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            return i

        def __getitems__(self, indices):
            seen.append(list(indices))
            return [i * 10 for i in indices]

    sub = Subset(Batched(), [9, 8, 7])
    assert sub.__getitems__([0, 2]) == [90, 70] and seen == [[9, 7]]
    assert Subset(list("abcd"), [3, 1]).__getitems__([0, 1]) == ["d", "b"]

    class Overrides(Subset):
        def __getitem__(self, i):
            return 0

    with pytest.raises(NotImplementedError, match="__getitems__"):
        Overrides(range(3), [0])


def test_iterable_dataset_base():
    with pytest.raises(NotImplementedError):
        iter(IterableDataset())
    assert list(Stream(2, 5)) == [2, 3, 4]
    assert isinstance(Stream(0, 1), Dataset)


def test_generic_subscripts_work_as_in_torch():
    class Typed(Dataset[tuple[int, int]]):
        def __getitem__(self, i):
            return i, i

    class Order(Sampler[int]):
        def __iter__(self):
            return iter([1, 0])

    assert Typed()[3] == (3, 3) and list(Order()) == [1, 0]
    assert ag.data.DataLoader[int] is not None


def test_torch_module_names():
    from autograd.data.sampler import RandomSampler as FromModule
    from ndgrad.torch_namespace import TORCH_MODULES

    assert FromModule is RandomSampler
    assert TORCH_MODULES["torch.utils.data.sampler"] == "autograd.data.sampler"

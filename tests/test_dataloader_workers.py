"""DataLoader with worker processes (num_workers > 0): the same batches as in-process loading,
real parallelism, worker errors re-raised here, clean shutdown (no process left behind),
per-worker seeding, worker_init_fn, iterable data sets split with get_worker_info, persistent
workers, timeout, and the spawn start method."""

import multiprocessing.resource_tracker
import os
import pathlib
import random
import time

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import autograd.data.worker as worker_module
from autograd.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info


def children():
    """The pids of this process's children (zombies included), from /proc, but for the
    resource tracker that the spawn start method starts once per process."""
    found = set()
    for task in pathlib.Path("/proc/self/task").iterdir():
        try:
            text = (task / "children").read_text().split()
        except FileNotFoundError:  # a thread (a queue's feeder) that just ended
            continue
        found.update(int(pid) for pid in text)
    return found - {multiprocessing.resource_tracker._resource_tracker._pid}


@pytest.fixture(autouse=True)
def no_process_left_behind():
    before = children()
    yield
    deadline = time.monotonic() + 5
    while children() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not children() - before, "worker processes were left behind"


class Squares(Dataset):
    def __init__(self, n=23, delay=0.0):
        self.n, self.delay = n, delay

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if self.delay:
            time.sleep(self.delay)
        return {"x": ag.tensor([float(i), float(i * i)]), "i": i, "name": f"item{i}"}


class Timed(Dataset):
    """Each item records which process read it and when."""

    def __len__(self):
        return 20

    def __getitem__(self, i):
        start = time.monotonic()
        time.sleep(0.05)
        return np.array([os.getpid(), start, time.monotonic()])


class Draws(Dataset):
    """Each item reports its worker and a draw from each generator the worker seeds."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = get_worker_info()
        return info.id, info.seed, np.array([random.random(), np.random.rand(), ag.rand(1).item()])


class TwoArgsError(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


class Failing(Dataset):
    def __init__(self, error):
        self.error = error

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise self.error
        return i


class Split(IterableDataset):
    """range(start, stop), split between the workers when split=True."""

    def __init__(self, start, stop, split=True):
        self.start, self.stop, self.split = start, stop, split

    def __iter__(self):
        info = get_worker_info()
        if info is None or not self.split:
            return iter(range(self.start, self.stop))
        return iter(range(self.start + info.id, self.stop, info.num_workers))


def flat(batches):
    return [b["i"].tolist() for b in batches]


def assert_same_batches(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x["i"].tolist() == y["i"].tolist() and x["name"] == y["name"]
        np.testing.assert_array_equal(x["x"].numpy(), y["x"].numpy())
        assert x["x"].dtype == y["x"].dtype


# ---- the same batches as num_workers=0 ------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [dict(batch_size=4), dict(batch_size=4, drop_last=True),
                                    dict(batch_size=3, shuffle=True), dict(batch_size=None)])
def test_workers_give_the_batches_of_in_process_loading(kwargs):
    def run(num_workers):
        g = ag.Generator().manual_seed(7)
        return list(DataLoader(Squares(), num_workers=num_workers, generator=g, **kwargs))

    serial, parallel = run(0), run(2)
    if kwargs.get("batch_size", 1) is None:
        assert [b["i"] for b in serial] == [b["i"] for b in parallel] == list(range(23))
    else:
        assert_same_batches(serial, parallel)


def test_tensor_dataset_fast_path_and_tensors_cross_processes():
    ds = TensorDataset(ag.randn(30, 3, dtype=ag.float64), ag.arange(30))
    serial = list(DataLoader(ds, batch_size=8, shuffle=True, seed=3))
    parallel = list(DataLoader(ds, batch_size=8, shuffle=True, seed=3, num_workers=2))
    for (x0, y0), (x1, y1) in zip(serial, parallel, strict=True):
        assert isinstance(x1, ag.Tensor) and x1.dtype == ag.float64 and y1.dtype == ag.int64
        np.testing.assert_array_equal(x0.numpy(), x1.numpy())
        np.testing.assert_array_equal(y0.numpy(), y1.numpy())


def test_prefetch_factor_batches_in_flight_per_worker():
    it = iter(DataLoader(Squares(40), num_workers=2, prefetch_factor=3))
    assert it._send_idx == 6 and it._workers_num_tasks == [3, 3]
    next(it)
    assert it._send_idx == 7  # one batch out, one more sent
    del it


def test_out_of_order_results_come_back_in_sampler_order_and_in_order_false_keeps_them_all():
    class Uneven(Squares):
        def __getitem__(self, i):
            time.sleep(0.06 if i % 2 == 0 else 0.0)  # worker 0 (even batches) is slower
            return super().__getitem__(i)

    ordered = flat(DataLoader(Uneven(10), num_workers=2))
    assert ordered == [[i] for i in range(10)]
    unordered = flat(DataLoader(Uneven(10), num_workers=2, in_order=False))
    assert sorted(unordered) == ordered


# ---- parallelism -------------------------------------------------------------------------------

def test_two_workers_load_in_parallel():
    start = time.monotonic()
    serial = list(DataLoader(Timed(), batch_size=2))
    serial_time = time.monotonic() - start
    start = time.monotonic()
    parallel = list(DataLoader(Timed(), batch_size=2, num_workers=2))
    parallel_time = time.monotonic() - start
    rows = np.concatenate([b.numpy() for b in parallel])
    pids = set(rows[:, 0].astype(int).tolist())
    assert len(pids) == 2 and os.getpid() not in pids
    # the two workers' items overlap in time
    a, b = (rows[rows[:, 0] == pid] for pid in pids)
    assert max(a[:, 1].min(), b[:, 1].min()) < min(a[:, 2].max(), b[:, 2].max())
    assert parallel_time < 0.8 * serial_time, (parallel_time, serial_time)
    assert len(serial) == len(parallel) == 10


# ---- errors ------------------------------------------------------------------------------------

def test_a_worker_error_is_reraised_with_worker_id_and_traceback():
    loader = DataLoader(Failing(ValueError("bad item five")), num_workers=2)
    got = []
    with pytest.raises(ValueError, match="bad item five") as info:
        for batch in loader:
            got.append(batch.item())
    text = str(info.value)
    assert "Caught ValueError in DataLoader worker process 1" in text  # task 5 went to worker 1
    assert "Original Traceback" in text and "in __getitem__" in text and "raise self.error" in text
    assert got == [0, 1, 2, 3, 4]


def test_persistent_workers_survive_an_error():
    loader = DataLoader(Failing(ValueError("five")), num_workers=2, persistent_workers=True)
    for _ in range(2):  # the next epoch starts again in the same workers
        with pytest.raises(ValueError, match="five"):
            list(loader)
    workers = loader._iterator._workers
    assert all(w.is_alive() for w in workers)
    del loader
    assert not any(w.is_alive() for w in workers)


def test_errors_of_other_types():
    with pytest.raises(KeyError, match="missing key") as info:
        list(DataLoader(Failing(KeyError("missing key")), num_workers=2))
    assert "\\n" not in str(info.value)  # readable, not a repr
    with pytest.raises(RuntimeError, match="Caught TwoArgsError"):
        list(DataLoader(Failing(TwoArgsError(1, 2)), num_workers=1))

    class LocalError(Exception):  # cannot be pickled: it comes back as a RuntimeError
        pass

    with pytest.raises(RuntimeError, match="Caught LocalError in DataLoader worker process 1"):
        list(DataLoader(Failing(LocalError("local")), num_workers=2))


def test_worker_init_fn_errors_and_unpicklable_batches_are_reraised():
    def bad_init(worker_id):
        raise OSError(f"cannot open shard {worker_id}")

    with pytest.raises(OSError, match="cannot open shard"):
        list(DataLoader(Squares(4), num_workers=2, worker_init_fn=bad_init))
    with pytest.raises(Exception, match="batch must be picklable"):
        list(DataLoader(Squares(4), num_workers=1, collate_fn=lambda batch: (lambda: batch), timeout=20))


def test_a_dead_worker_is_reported(monkeypatch):
    monkeypatch.setattr(worker_module, "MP_STATUS_CHECK_INTERVAL", 0.2)

    class Dies(Squares):
        def __getitem__(self, i):
            os._exit(3)

    with pytest.raises(RuntimeError, match=r"exited unexpectedly \(exit code\(s\) 3"):
        list(DataLoader(Dies(4), num_workers=1))


def test_timeout():
    with pytest.raises(RuntimeError, match="timed out after 0.3 seconds"):
        list(DataLoader(Squares(4, delay=1.0), num_workers=1, timeout=0.3))


# ---- shutdown ----------------------------------------------------------------------------------

def test_workers_stop_when_the_epoch_ends_or_the_iterator_is_deleted():
    it = iter(DataLoader(Squares(), batch_size=2, num_workers=2))
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    list(it)
    assert not any(w.is_alive() for w in workers)
    it = iter(DataLoader(Squares(), batch_size=2, num_workers=2))
    next(it)
    workers = list(it._workers)
    del it  # mid-epoch
    assert not any(w.is_alive() for w in workers)
    for _ in DataLoader(Squares(), batch_size=2, num_workers=2):
        break  # the fixture checks that nothing is left behind


def test_persistent_workers_live_across_epochs():
    loader = DataLoader(Squares(12), batch_size=4, shuffle=True, num_workers=2, persistent_workers=True,
                        generator=ag.Generator().manual_seed(1))
    epochs = [flat(loader) for _ in range(3)]
    pids = [w.pid for w in loader._iterator._workers]
    assert all(sorted(sum(e, [])) == list(range(12)) for e in epochs) and epochs[0] != epochs[1]
    flat(loader)
    assert [w.pid for w in loader._iterator._workers] == pids
    half = iter(loader)
    next(half)  # an epoch left half-way: the next one starts clean
    assert sorted(sum(flat(loader), [])) == list(range(12))
    workers = loader._iterator._workers
    del loader, half
    assert not any(w.is_alive() for w in workers)


# ---- seeding and worker_init_fn ----------------------------------------------------------------

def test_each_worker_is_seeded_base_seed_plus_id_reproducibly():
    def draws(seed):
        loader = DataLoader(Draws(), num_workers=2, generator=ag.Generator().manual_seed(seed))
        return [(w.item(), s.item(), d.numpy()[0].tolist()) for w, s, d in loader]

    a, b, c = draws(0), draws(0), draws(1)
    assert a == b and [d for *_, d in a] != [d for *_, d in c]
    first = {w: (seed, d) for w, seed, d in reversed(a)}  # each worker's first item
    (seed0, draws0), (seed1, draws1) = first[0], first[1]
    assert seed1 == seed0 + 1  # seed = base_seed + worker_id
    assert all(x != y for x, y in zip(draws0, draws1))  # random, NumPy's legacy, ag.rand differ
    assert [w for w, *_ in a] == [0, 1] * 4
    random.seed(seed1)
    assert draws1[0] == random.random()
    np.random.seed(worker_module.generate_state(seed0, 0))
    assert draws0[1] == np.random.rand()
    ag.manual_seed(seed0)
    assert draws0[2] == ag.rand(1).item()


@requires_torch
@pytest.mark.parametrize("base_seed, worker_id", [(0, 0), (12345, 1), (2**63 - 1, 7), (2**40 + 3, 2)])
def test_numpy_worker_seed_is_torchs_generate_state(base_seed, worker_id):
    from torch.utils.data._utils.worker import _generate_state

    assert worker_module.generate_state(base_seed, worker_id) == _generate_state(base_seed, worker_id)


def test_worker_init_fn_runs_in_each_worker_before_loading():
    def init(worker_id):
        info = get_worker_info()
        assert info.id == worker_id and info.num_workers == 2
        info.dataset.offset = 100 * (worker_id + 1)

    class Offset(Squares):
        offset = 0

        def __getitem__(self, i):
            return self.offset + i

    got = [b.item() for b in DataLoader(Offset(4), num_workers=2, worker_init_fn=init)]
    assert got == [100, 201, 102, 203]


# ---- iterable data sets ------------------------------------------------------------------------

@requires_torch
@pytest.mark.parametrize("split", [True, False])
def test_iterable_dataset_with_workers_matches_torch(split):
    class TorchSplit(torch.utils.data.IterableDataset):
        def __iter__(self):
            info = torch.utils.data.get_worker_info()
            return iter(range(3 + info.id, 10, info.num_workers) if split else range(3, 10))

    ours = [b.tolist() for b in DataLoader(Split(3, 10, split), batch_size=2, num_workers=2)]
    theirs = [b.tolist() for b in torch.utils.data.DataLoader(TorchSplit(), batch_size=2, num_workers=2)]
    assert ours == theirs
    if split:
        assert sorted(sum(ours, [])) == list(range(3, 10))


def test_iterable_dataset_with_persistent_workers_restarts_each_epoch():
    loader = DataLoader(Split(0, 9), batch_size=2, num_workers=2, persistent_workers=True)
    epochs = [sorted(sum((b.tolist() for b in loader), [])) for _ in range(2)]
    assert epochs == [list(range(9))] * 2
    del loader


# ---- the spawn start method --------------------------------------------------------------------

def test_spawn_context():
    ds = TensorDataset(ag.arange(10, dtype=ag.float32))
    batches = list(DataLoader(ds, batch_size=4, num_workers=1, multiprocessing_context="spawn"))
    assert [b[0].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    with pytest.warns(UserWarning, match="must be picklable"), pytest.raises(Exception, match="pickle"):
        iter(DataLoader(ds, num_workers=1, multiprocessing_context="spawn", collate_fn=lambda b: b))

"""The worker side of multi-process loading, as in ``torch.utils.data._utils.worker``.

A ``DataLoader`` with ``num_workers > 0`` starts one process per worker running
:func:`worker_loop`: it seeds the process, calls ``worker_init_fn(worker_id)``, then reads
``(task index, batch indices)`` from its own index queue and puts ``(task index, batch)`` on the
shared result queue, until it gets ``None``. An exception becomes an :class:`ExceptionWrapper`
that the main process re-raises. :func:`get_worker_info` tells code running in a worker which
worker it is (None in the main process).
"""

from __future__ import annotations

import multiprocessing.queues
import os
import pickle
import queue
import random
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from .. import blas
from ..random import manual_seed
from .fetch import DatasetKind, create_fetcher

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Event

__all__ = ["ExceptionWrapper", "ResultQueue", "WorkerInfo", "get_worker_info", "worker_loop"]

MP_STATUS_CHECK_INTERVAL = 5.0  # seconds between liveness checks while waiting on a queue


@dataclass(frozen=True)
class WorkerInfo:
    """Which ``DataLoader`` worker the current process is (``get_worker_info()``'s answer).

    Attributes:
        id: this worker's id, in ``[0, num_workers)``.
        num_workers: how many workers the loader runs.
        seed: the seed of this worker's generators (``base_seed + id``).
        dataset: this process's copy of the data set.
        rng: unused (PyTorch's thread workers); always None.
        worker_method: always ``"multiprocessing"``.
    """

    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: None = None
    worker_method: str | None = "multiprocessing"


class _WorkerState:
    info: WorkerInfo | None = None


_worker_state = _WorkerState()


def get_worker_info() -> WorkerInfo | None:
    """In a ``DataLoader`` worker process, its :class:`WorkerInfo`; in the main process, None.

    An ``IterableDataset`` (or a ``worker_init_fn``) uses it to give each worker its share of
    the work, e.g. ``range(info.id, n, info.num_workers)``.
    """
    return _worker_state.info


class KeyErrorMessage(str):
    """A str that is its own repr, so a re-raised KeyError shows the traceback readably."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


class ExceptionWrapper:
    """An exception and its formatted traceback, picklable, to re-raise in another process.

    Args:
        exc_info: ``sys.exc_info()`` of the exception (default: the one being handled).
        where: where it happened, e.g. ``"in DataLoader worker process 1"``.
    """

    def __init__(self, exc_info: tuple[type[BaseException], BaseException, TracebackType | None]
                 | tuple[None, None, None] | None = None, where: str = "in background") -> None:
        if exc_info is None:
            exc_info = sys.exc_info()
        exc_type: type[BaseException] = exc_info[0] or RuntimeError
        self.exc_name = exc_type.__name__
        try:  # a class pickles by name: a local one cannot cross to the main process
            pickle.dumps(exc_type)
        except Exception:
            exc_type = RuntimeError
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self) -> NoReturn:
        """Raise the exception again here: same type, message with the original traceback.

        An exception type that cannot be built from one message (or pickled) becomes a
        RuntimeError.
        """
        msg: str = f"Caught {self.exc_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)  # type: ignore[call-arg]
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:  # no cycle exception -> traceback -> this frame -> exception, which would keep
            del exception  # the iterator (and persistent workers) alive until a gc pass


class ResultQueue(multiprocessing.queues.Queue):  # type: ignore[type-arg]
    """The workers' result queue: a batch that cannot be pickled is sent back as its error.

    A plain ``multiprocessing`` queue prints the pickling error in the worker and drops the
    batch, so the main process would wait for it for ever; here the main process re-raises it.
    """

    def _on_queue_feeder_error(self, e: Exception, obj: object) -> None:
        info = get_worker_info()
        where = f"in DataLoader worker process {info.id if info else '?'} (sending a batch to the " \
                "main process: the batch must be picklable)"
        idx = obj[0] if isinstance(obj, tuple) and obj else None
        self.put((idx, ExceptionWrapper((type(e), e, e.__traceback__), where=where)))


@dataclass(frozen=True)
class IterableDatasetStopIteration:
    """A worker's signal that its copy of an iterable data set is exhausted."""

    worker_id: int


@dataclass(frozen=True)
class ResumeIteration:
    """The main process's signal to persistent workers that a new epoch begins."""

    seed: int | None = None


def generate_state(base_seed: int, worker_id: int) -> list[int]:
    """Four 32-bit words seeding NumPy's legacy generator in a worker (PyTorch's exact hash).

    PyTorch's ``_generate_state``: a SeedSequence-style mix of ``worker_id`` and the two halves
    of ``base_seed``, so workers get unrelated NumPy streams.
    """
    init_a, mult_a, init_b, mult_b = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
    mix_mult_l, mix_mult_r, xshift, mask32 = 0xCA01F9DD, 0x4973F715, 16, 0xFFFFFFFF
    entropy = [worker_id, base_seed & mask32, base_seed >> 32, 0]
    hash_const_a = init_a

    def hash_value(value: int) -> int:
        nonlocal hash_const_a
        value = (value ^ hash_const_a) & mask32
        hash_const_a = (hash_const_a * mult_a) & mask32
        value = (value * hash_const_a) & mask32
        return (value ^ (value >> xshift)) & mask32

    def mix(x: int, y: int) -> int:
        result = ((mix_mult_l * x) & mask32) - ((mix_mult_r * y) & mask32)
        result &= mask32
        return (result ^ (result >> xshift)) & mask32

    pool = [hash_value(e) for e in entropy]
    for i_src in range(4):
        for i_dst in range(4):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hash_value(pool[i_src]))
    hash_const_b = init_b
    state = []
    for value in pool:
        value = (value ^ hash_const_b) & mask32
        hash_const_b = (hash_const_b * mult_b) & mask32
        value = (value * hash_const_b) & mask32
        state.append((value ^ (value >> xshift)) & mask32)
    return state


def seed_worker(base_seed: int, worker_id: int) -> int:
    """Seed this process's generators for worker ``worker_id``; return the seed.

    ``seed = base_seed + worker_id`` seeds ndgrad's global generator and Python's ``random``;
    NumPy's legacy global generator gets ``generate_state(base_seed, worker_id)``, as PyTorch.
    """
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    np.random.seed(generate_state(base_seed, worker_id))
    return seed


def _single_blas_thread() -> None:
    """One BLAS thread per worker (PyTorch's ``torch.set_num_threads(1)`` in its workers)."""
    blas._state.most = 1
    blas.fit_threads(0)


def _parent_alive(parent: int) -> bool:
    return os.getppid() == parent


def worker_loop(dataset_kind: int, dataset: Any, index_queue: Queue[Any], data_queue: Queue[Any],
                done_event: Event, auto_collation: bool, collate_fn: Callable[[Any], Any],
                drop_last: bool, base_seed: int, init_fn: Callable[[int], None] | None,
                worker_id: int, num_workers: int, persistent_workers: bool) -> None:
    """The body of one worker process (see the module docstring).

    It stops on ``None`` from its index queue, or when the main process is gone.
    """
    try:
        _single_blas_thread()
        seed = seed_worker(base_seed, worker_id)
        _worker_state.info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"
        init_exception: ExceptionWrapper | None = None
        fetcher: Any = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=where)
        iteration_end = False
        parent = os.getppid()
        while _parent_alive(parent):
            try:
                r = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(r, ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                try:
                    fetcher = create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
                except Exception:
                    init_exception = ExceptionWrapper(where=where)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue  # the epoch ended: drain the queue until None
            idx, index = r
            data: Any
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if dataset_kind != DatasetKind.Iterable:
                        data = ExceptionWrapper(where=where)
                    else:
                        data = IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                except Exception:
                    data = ExceptionWrapper(where=where)
            data_queue.put((idx, data))
            del data, idx, index, r  # free the batch before waiting for the next task
    except KeyboardInterrupt:
        pass  # the main process handles Ctrl-C and shuts the workers down
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()

"""``DataLoader``, as in ``torch.utils.data.dataloader``.

A ``DataLoader`` iterates over a data set in batches, one epoch for each ``for`` loop: a
sampler gives the order (``SequentialSampler``, or ``RandomSampler`` with ``shuffle=True``), a
``BatchSampler`` groups it, each batch is fetched and collated (``default_collate``). With
``num_workers > 0`` worker processes fetch the batches (``autograd.data.multiprocess``).

    >>> import autograd as ag
    >>> from autograd.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(ag.randn(10, 2), ag.arange(10))
    >>> loader = DataLoader(ds, batch_size=4, shuffle=True, generator=ag.Generator().manual_seed(0))
    >>> len(loader), [len(y) for x, y in loader]
    (3, [4, 4, 2])
"""

from __future__ import annotations

import atexit
import math
import numbers
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

import numpy as np

from ..random import GeneratorLike, resolve
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset
from .fetch import DatasetKind, create_fetcher
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler
from .worker import get_worker_info

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext


__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]

T_co = TypeVar("T_co", covariant=True)


class _ExitState:
    exiting = False


_exit_state = _ExitState()
atexit.register(lambda: setattr(_exit_state, "exiting", True))


def python_exiting() -> bool:
    """Whether the interpreter is shutting down (then workers are left to ``multiprocessing``)."""
    return _exit_state.exiting


class InfiniteConstantSampler(Sampler[None]):
    """``None`` for ever: the sampler of an ``IterableDataset`` (the stream decides when to stop)."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


class DataLoader(Generic[T_co]):
    """Iterate over ``dataset`` in batches, one epoch for each ``for`` loop (PyTorch's signature).

    Args:
        dataset: a map-style data set (``len(ds)``, ``ds[i]``) or an ``IterableDataset``.
        batch_size: samples per batch; None turns batching off (each item is one sample,
            converted by ``default_convert``).
        shuffle: a new random order every epoch (map-style only).
        sampler: the order of the indices (any iterable of indices); excludes ``shuffle``.
        batch_sampler: gives whole batches of indices; excludes ``batch_size``, ``shuffle``,
            ``sampler`` and ``drop_last``.
        num_workers: worker processes that load the batches; 0 loads in this process.
        collate_fn: merges a list of samples into a batch; default ``default_collate``.
        pin_memory: accepted; ndgrad has no accelerator, so it only warns (as PyTorch on CPU).
        drop_last: drop the last batch if it is incomplete.
        timeout: seconds to wait for a batch from the workers (0: for ever).
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker, after seeding.
        multiprocessing_context: a start method name (``"fork"``, ``"spawn"``,
            ``"forkserver"``) or a context; default ``fork`` on Linux.
        generator: an ``ag.Generator`` (or ``np.random.Generator``) for the random order and
            the workers' ``base_seed``; default ndgrad's global generator (``ag.manual_seed``).
        prefetch_factor: batches in flight per worker (default 2 with workers).
        persistent_workers: keep the workers (and their data set copies) between epochs.
        pin_memory_device: deprecated in PyTorch; accepted.
        in_order: with workers, return batches in the sampler's order (else as they arrive).
        seed: ndgrad's shorthand for ``generator=np.random.default_rng(seed)``, created once,
            so a fresh loader with the same seed gives the same sequence of epochs.

    Raises:
        ValueError: an invalid or conflicting option (PyTorch's checks and messages).
        TypeError: a ``generator`` or ``multiprocessing_context`` of the wrong type.

    Example:
        >>> import autograd as ag
        >>> from autograd.data import TensorDataset
        >>> loader = DataLoader(TensorDataset(ag.randn(100, 2), ag.arange(100)), batch_size=32)
        >>> [tuple(x.shape) for x, y in loader][-1]
        (4, 2)
    """

    dataset: Any
    batch_size: int | None
    num_workers: int
    pin_memory: bool
    pin_memory_device: str
    drop_last: bool
    timeout: float
    sampler: Sampler[Any] | Iterable[Any]
    batch_sampler: Sampler[list[Any]] | Iterable[list[Any]] | None
    prefetch_factor: int | None
    worker_init_fn: Callable[[int], None] | None
    multiprocessing_context: BaseContext | None
    generator: GeneratorLike | None
    in_order: bool
    persistent_workers: bool
    _dataset_kind: int
    _initialized = False

    def __init__(self, dataset: Dataset[T_co], batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler[Any] | Iterable[Any] | None = None,
                 batch_sampler: Sampler[list[Any]] | Iterable[list[Any]] | None = None,
                 num_workers: int = 0, collate_fn: Callable[[Any], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: str | BaseContext | None = None,
                 generator: GeneratorLike | None = None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "", in_order: bool = True,
                 seed: int | None = None) -> None:
        from .multiprocess import check_context

        if not _is_int(num_workers) or num_workers < 0:
            raise ValueError("DataLoader: num_workers option should be non-negative; use "
                             f"num_workers=0 to disable multiprocessing (got {num_workers!r})")
        if not isinstance(timeout, numbers.Real) or timeout < 0:
            raise ValueError(f"DataLoader: timeout option should be non-negative, got {timeout!r}")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("DataLoader: prefetch_factor option could only be specified in "
                             "multiprocessing. Let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and (not _is_int(prefetch_factor) or prefetch_factor <= 0):
            raise ValueError(f"DataLoader: prefetch_factor option should be a positive int, got "
                             f"{prefetch_factor!r}")
        if persistent_workers and num_workers == 0:
            raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: pass either seed= or generator=, not both")
        if seed is not None:
            generator = resolve(seed=seed, where="DataLoader")
        elif generator is not None:
            resolve(generator=generator, where="DataLoader")  # refuses a wrong type now
        self.dataset = dataset
        self.num_workers = int(num_workers)
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = check_context(self.num_workers, multiprocessing_context)
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("DataLoader: batch_size=None option disables auto-batching and is "
                             "mutually exclusive with drop_last")

        if sampler is None:
            if self._dataset_kind == DatasetKind.Iterable:
                sampler = InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.collate_fn: Callable[[Any], Any] = collate_fn if collate_fn is not None else (
            default_collate if self._auto_collation else default_convert)
        self.persistent_workers = persistent_workers
        self._IterableDataset_len_called: int | None = None
        self._iterator: BaseDataLoaderIter | None = None
        self._initialized = True
        self._check_workers(stacklevel=3)

    def __setattr__(self, attr: str, val: Any) -> None:
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last",
                                          "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is "
                             "initialized. Hint: make a new DataLoader")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        """What the iterator draws from: the batch sampler when batching, else the sampler."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def _get_iterator(self) -> BaseDataLoaderIter:
        if self.num_workers == 0:
            return SingleProcessDataLoaderIter(self)
        from .multiprocess import MultiProcessingDataLoaderIter

        self._check_workers(stacklevel=4)  # the user's iter(loader) / for loop
        return MultiProcessingDataLoaderIter(self)

    def __iter__(self) -> BaseDataLoaderIter:
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None or getattr(self._iterator, "_shutdown", False):
                self._iterator = self._get_iterator()  # the first epoch, or the workers failed
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    def __len__(self) -> int:
        if self._dataset_kind == DatasetKind.Iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self) -> None:
        """Warn (as PyTorch) when there are more workers than CPUs this process may use."""
        self._check_workers(stacklevel=3)

    def _check_workers(self, stacklevel: int) -> None:
        if not self.num_workers:
            return
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        if cpus is None or self.num_workers > cpus:
            suggestion = (f"Our suggested max number of worker in current system is {cpus}, which is "
                          "smaller than what this DataLoader is going to create." if cpus is not None
                          else "DataLoader is not able to compute a suggested max number of worker "
                          "in current system.")
            warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in total. "
                          f"{suggestion} Please be aware that excessive worker creation might get "
                          "DataLoader running slow or even freeze, lower the worker number to avoid "
                          "potential slowness/freeze if necessary.", UserWarning, stacklevel=stacklevel)

    def __repr__(self) -> str:
        size = f" of {len(self.dataset)}" if hasattr(self.dataset, "__len__") else ""
        return (f"DataLoader(dataset={type(self.dataset).__name__}{size}, batch_size={self.batch_size}, "
                f"shuffle={isinstance(self.sampler, RandomSampler)}, drop_last={self.drop_last}, "
                f"num_workers={self.num_workers})")


class BaseDataLoaderIter:
    """What iterating a ``DataLoader`` gives: one epoch of batches (PyTorch's ``_BaseDataLoaderIter``)."""

    def __init__(self, loader: DataLoader[Any]) -> None:
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used as "
                          f"the device, ignore pin_memory_device='{loader.pin_memory_device}'.",
                          UserWarning, stacklevel=5)  # the user's iter(loader) / for loop
        if loader.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then "
                          "device pinned memory won't be used.", UserWarning, stacklevel=5)
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter: Iterator[Any] = iter(self._index_sampler)
        # One int64 from the loader's generator per iterator, as PyTorch (the workers' seeds).
        self._base_seed = int(resolve(generator=loader.generator, where="DataLoader")
                              .integers(0, 2**63, dtype=np.int64))
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self) -> BaseDataLoaderIter:
        return self

    def _reset(self, loader: DataLoader[Any], first_iter: bool = False) -> None:
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self) -> Any:
        return next(self._sampler_iter)  # may raise StopIteration

    def _next_data(self) -> Any:
        raise NotImplementedError

    def __next__(self) -> Any:
        data = self._next_data()
        self._num_yielded += 1
        if self._dataset_kind == DatasetKind.Iterable and self._IterableDataset_len_called is not None \
                and self._num_yielded > self._IterableDataset_len_called:
            message = (f"Length of IterableDataset {self._dataset} was reported to be "
                       f"{self._IterableDataset_len_called} (when accessing len(dataloader)), but "
                       f"{self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                message += ("For multiprocessing data-loading, this could be caused by not properly "
                            "configuring the IterableDataset replica at each worker (see "
                            "get_worker_info()).")
            warnings.warn(message, UserWarning, stacklevel=2)
        return data

    def __len__(self) -> int:
        return len(self._index_sampler)

    def __getstate__(self) -> NoReturn:
        raise NotImplementedError(f"{type(self).__name__} cannot be pickled")


class SingleProcessDataLoaderIter(BaseDataLoaderIter):
    """An epoch loaded in this process (``num_workers=0``)."""

    def __init__(self, loader: DataLoader[Any]) -> None:
        super().__init__(loader)
        if self._timeout != 0:
            raise AssertionError(f"DataLoader: timeout={self._timeout} needs worker processes "
                                 "(num_workers > 0); loading in the main process cannot time out")
        self._dataset_fetcher = create_fetcher(self._dataset_kind, self._dataset, self._auto_collation,
                                               self._collate_fn, self._drop_last)

    def _next_data(self) -> Any:
        index = self._next_index()  # may raise StopIteration
        return self._dataset_fetcher.fetch(index)  # may raise StopIteration

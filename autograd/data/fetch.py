"""Fetchers: how one batch is read from a data set, in the main process or in a worker.

As in ``torch.utils.data._utils.fetch``: a map-style fetcher reads ``dataset[i]`` for each index
of a batch (one ``dataset.__getitems__(indices)`` call when the data set has it) and collates;
an iterable-style fetcher takes the next ``len(batch)`` samples of ``iter(dataset)``.

A ``TensorDataset`` (or a ``Subset`` of one, as ``random_split`` returns) with the default
``collate_fn`` takes a fast path: each batch is one fancy index into each whole tensor, giving
``[t[idx] for t in tensors]``, the same as collating the samples one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .collate import default_collate
from .dataset import Subset, TensorDataset

if TYPE_CHECKING:
    from .._tensor import Tensor
    from ..types import Array

__all__ = ["DatasetKind", "IterableDatasetFetcher", "MapDatasetFetcher", "create_fetcher"]


class DatasetKind:
    """The two kinds of data set: map-style (``ds[i]``) and iterable-style (``iter(ds)``)."""

    Map = 0
    Iterable = 1


def tensor_source(dataset: Any) -> tuple[tuple[Tensor, ...], Array | None] | None:
    """``(tensors, index_map)`` when every batch can be cut from whole tensors by one fancy index.

    That is a ``TensorDataset`` or a chain of ``Subset``s of one (``index_map`` is None or
    the base indices). None otherwise.
    """
    index_map: Array | None = None
    while type(dataset).__getitem__ is Subset.__getitem__:
        indices = np.asarray(dataset.indices, dtype=np.int64).reshape(-1)
        index_map = indices if index_map is None else indices[index_map]
        dataset = dataset.dataset
    if type(dataset).__getitem__ is TensorDataset.__getitem__:
        return dataset.tensors, index_map
    return None


class MapDatasetFetcher:
    """Reads a batch of indices (or one index, without auto-collation) from a map-style data set.

    Args:
        dataset: the data set.
        auto_collation: indices come in batches (lists) to collate; else one index at a time.
        collate_fn: merges a list of samples (or converts one sample).
        drop_last: unused here (the batch sampler drops), kept for the iterable fetcher's sake.
    """

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable[[Any], Any],
                 drop_last: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        fast = auto_collation and collate_fn is default_collate
        self._source = tensor_source(dataset) if fast else None

    def fetch(self, possibly_batched_index: Any) -> Any:
        """The collated batch at ``possibly_batched_index``."""
        if not self.auto_collation:
            return self.collate_fn(self.dataset[possibly_batched_index])
        if self._source is not None and all(isinstance(i, (int, np.integer)) for i in possibly_batched_index):
            tensors, index_map = self._source
            idx = np.asarray(possibly_batched_index, dtype=np.int64).reshape(-1)
            if index_map is not None:
                idx = index_map[idx]
            return [t[idx] for t in tensors]
        getitems = getattr(self.dataset, "__getitems__", None)
        if getitems:
            data = getitems(possibly_batched_index)
        else:
            data = [self.dataset[i] for i in possibly_batched_index]
        return self.collate_fn(data)


class IterableDatasetFetcher:
    """Takes the next samples of ``iter(dataset)``: ``len(batch)`` of them, or one.

    Raises ``StopIteration`` when the stream has nothing left for a batch (or only an
    incomplete one with ``drop_last``).
    """

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable[[Any], Any],
                 drop_last: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.dataset_iter: Iterator[Any] = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index: Any) -> Any:
        """The next collated batch of the stream."""
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        data = []
        for _ in possibly_batched_index:
            try:
                data.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(possibly_batched_index)):
            raise StopIteration
        return self.collate_fn(data)


def create_fetcher(kind: int, dataset: Any, auto_collation: bool, collate_fn: Callable[[Any], Any],
                   drop_last: bool) -> MapDatasetFetcher | IterableDatasetFetcher:
    """The fetcher for a data set of ``kind`` (``DatasetKind.Map`` or ``DatasetKind.Iterable``)."""
    if kind == DatasetKind.Map:
        return MapDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)
    return IterableDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)

"""Data sets, as in ``torch.utils.data.dataset``.

Map-style: ``Dataset``, ``TensorDataset``, ``StackDataset``, ``ConcatDataset``, ``Subset`` and
``random_split``; a map-style data set is anything with ``len(ds)`` and ``ds[i]`` (one sample).
Iterable-style: ``IterableDataset`` (a stream: ``iter(ds)``) and ``ChainDataset``.
``DataLoader`` batches either kind.

    >>> import numpy as np
    >>> import autograd as ag
    >>> from autograd.data import TensorDataset, random_split
    >>> ds = TensorDataset(ag.randn(100, 2), ag.zeros(100, dtype=ag.int64))
    >>> x, y = ds[0]
    >>> train, val = random_split(ds, [0.8, 0.2], generator=np.random.default_rng(0))
    >>> len(train), len(val)
    (80, 20)
"""

from __future__ import annotations

import bisect
import math
import numbers
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from .._tensor import Tensor
from ..factories import from_numpy
from ..random import GeneratorLike
from ..random import resolve as resolve_rng

if TYPE_CHECKING:
    from typing import Protocol

    from ..types import Array

    class SizedDataset(Protocol):
        """What a map-style data set offers: ``len(ds)`` and ``ds[i]`` (a ``Dataset``, a list...)."""

        def __len__(self) -> int: ...
        def __getitem__(self, index: Any, /) -> Any: ...

__all__ = ["ChainDataset", "ConcatDataset", "Dataset", "IterableDataset", "StackDataset", "Subset",
           "TensorDataset", "random_split"]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """Base class of map-style data sets: subclasses define ``__getitem__`` and usually ``__len__``.

    As in PyTorch there is no default ``__len__`` (``len()`` of a data set without one raises
    TypeError). ``a + b`` is ``ConcatDataset([a, b])``. A subclass may define
    ``__getitems__(indices)`` returning a list of samples: the ``DataLoader`` then fetches each
    batch with one call.

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 10
        ...     def __getitem__(self, i):
        ...         return float(i), float(i * i)
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    def __add__(self, other: Dataset[T_co]) -> ConcatDataset[T_co]:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co], Iterable[T_co]):
    """Base class of iterable-style data sets (streams): subclasses define ``__iter__``.

    With ``num_workers > 0`` each worker process iterates its own copy of the data set, so a
    data set that should not be read once per worker splits the work with
    :func:`~autograd.data.get_worker_info` (its ``id`` and ``num_workers``), in ``__iter__`` or
    in the loader's ``worker_init_fn``. ``a + b`` is ``ChainDataset([a, b])``.

    Example:
        >>> class Range(IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         info = get_worker_info()
        ...         first, step = (0, 1) if info is None else (info.id, info.num_workers)
        ...         return iter(range(first, self.n, step))
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__()")

    def __add__(self, other: Dataset[T_co]) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples are the rows of tensors that share their first dim: ``ds[i] = (t[i] for t in tensors)``.

    Args:
        *tensors: Tensors (or NumPy arrays, wrapped without copying) with equal ``shape[0]``.

    Raises:
        ValueError: no tensors, a 0-d tensor, or first dims that differ (the message lists the
            shapes).

    Example:
        >>> import autograd as ag
        >>> ds = TensorDataset(ag.zeros(4, 3), ag.arange(4))
        >>> len(ds), ds[1][1]
        (4, tensor(1))
    """

    def __init__(self, *tensors: Tensor | Array) -> None:
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        converted = []
        for t in tensors:
            if isinstance(t, np.ndarray):
                t = from_numpy(t)
            elif not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: expected Tensors (or np.ndarrays), got "
                                f"{type(t).__name__}")
            converted.append(t)
        shapes = [tuple(t.shape) for t in converted]
        if any(len(s) == 0 for s in shapes) or len({s[0] for s in shapes}) != 1:
            listed = ", ".join(str(s) for s in shapes)
            raise ValueError(f"TensorDataset: all tensors must have the same size in dim 0 "
                             f"(one row per sample), got shapes {listed}")
        self.tensors: tuple[Tensor, ...] = tuple(converted)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class StackDataset(Dataset[Any]):
    """Several data sets of one length side by side: a sample is a tuple (or dict) of theirs.

    Args:
        *args: data sets whose samples form a tuple, ``ds[i] = (args[0][i], args[1][i], ...)``.
        **kwargs: data sets whose samples form a dict, ``ds[i] = {k: kwargs[k][i], ...}``.

    Raises:
        ValueError: both or neither of ``args`` and ``kwargs``, or lengths that differ.

    Example:
        >>> len(StackDataset(range(3), "abc")), StackDataset(x=range(3), y="abc")[1]
        (3, {'x': 1, 'y': 'b'})
    """

    datasets: tuple[Any, ...] | dict[str, Any]

    def __init__(self, *args: SizedDataset, **kwargs: SizedDataset) -> None:
        if args and kwargs:
            raise ValueError("StackDataset: supported either ``tuple``- (via ``args``) or ``dict``- "
                             "(via ``kwargs``) like input/output, but both types are given")
        if not args and not kwargs:
            raise ValueError("StackDataset: at least one dataset should be passed")
        parts = list(args) if args else list(kwargs.values())
        lengths = [len(d) for d in parts]
        if len(set(lengths)) != 1:
            raise ValueError(f"StackDataset: size mismatch between datasets, lengths {lengths}")
        self._length = lengths[0]
        self.datasets = args if args else kwargs

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset[T_co]):
    """Map-style data sets one after the other: indices run through the first, then the next...

    Args:
        datasets: a non-empty iterable of sized map-style data sets.

    Raises:
        AssertionError: no data sets, or an ``IterableDataset`` among them (as PyTorch; chain
            streams with ``ChainDataset``).

    Example:
        >>> ds = ConcatDataset([range(3), range(10, 12)])
        >>> len(ds), ds[3], ds.cumulative_sizes
        (5, 10, [3, 5])
    """

    datasets: list[Any]
    cumulative_sizes: list[int]

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        """The running totals of the lengths of ``sequence``'s data sets."""
        totals, total = [], 0
        for dataset in sequence:
            total += len(dataset)
            totals.append(total)
        return totals

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset (got "
                                     f"{type(d).__name__}). Hint: chain streams with ChainDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> T_co:
        if idx < 0:
            if -idx > len(self):
                raise ValueError(f"ConcatDataset: absolute value of index should not exceed dataset "
                                 f"length, got index {idx} for length {len(self)}")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        if dataset_idx == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {idx} is out of range for length {len(self)}")
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset[Any]):
    """``IterableDataset``s one after the other, chained on the fly.

    Args:
        datasets: an iterable of ``IterableDataset``s (checked while iterating, as PyTorch).

    Raises:
        AssertionError: (while iterating, or in ``len``) a data set that is not an
            ``IterableDataset``.
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = datasets

    def _checked(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError(f"ChainDataset only supports IterableDataset, got "
                                     f"{type(d).__name__}. Hint: join map-style data sets with "
                                     "ConcatDataset")
            yield d

    def __iter__(self) -> Iterator[Any]:
        for d in self._checked():
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self._checked())


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices``, in that order: ``subset[i] = dataset[indices[i]]``.

    Args:
        dataset: the data set to draw from.
        indices: a sequence of indices into ``dataset``.

    Raises:
        NotImplementedError: a subclass overrides ``__getitem__`` but not ``__getitems__``
            (as PyTorch: the ``DataLoader`` fetches batches with ``__getitems__``).
    """

    def __init__(self, dataset: SizedDataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        if type(self).__getitem__ is not Subset.__getitem__ \
                and type(self).__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f"{type(self).__name__} overrides __getitem__ but not __getitems__. When "
                "subclassing Subset and overriding __getitem__, you must also override "
                "__getitems__ to ensure DataLoader works correctly with your custom logic. A "
                "simple implementation:\n\ndef __getitems__(self, indices):\n"
                "    return [self.__getitem__(idx) for idx in indices]")

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        """The samples at ``indices`` (through the data set's own ``__getitems__`` if it has one)."""
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: SizedDataset, lengths: Sequence[int | float],
                 generator: GeneratorLike | None = None) -> list[Subset[Any]]:
    """Split ``dataset`` at random into non-overlapping ``Subset``s (PyTorch semantics).

    Args:
        dataset: the data set to split.
        lengths: the sizes of the splits, summing to ``len(dataset)``; or fractions summing to 1,
            turned into sizes ``floor(len(dataset) * f)`` with the remainder handed out one item
            at a time round-robin from the first split.
        generator: an ``ag.Generator`` or ``np.random.Generator`` for the permutation; default
            ndgrad's global generator (so ``ag.manual_seed`` makes the split reproducible).

    Returns:
        One ``Subset`` per length; together they hold every index exactly once.

    Raises:
        ValueError: a fraction outside [0, 1], or lengths that do not add up.

    Example:
        >>> [len(s) for s in random_split(range(10), [0.5, 0.3, 0.2])]
        [5, 3, 2]
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"random_split: fraction at index {i} is not between 0 and 1: {frac}")
        sizes = [math.floor(n * frac) for frac in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"random_split: length of split at index {i} is 0; this might "
                              "result in an empty dataset", UserWarning, stacklevel=2)
        lengths = sizes
    if not all(isinstance(k, numbers.Integral) and k >= 0 for k in lengths):
        raise ValueError(f"random_split: lengths must be non-negative ints or fractions summing "
                         f"to 1, got {lengths}")
    if sum(lengths) != n:
        raise ValueError(f"random_split: sum of input lengths ({sum(lengths)}) does not equal the "
                         f"length of the input dataset ({n})")
    order = resolve_rng(generator=generator, where="random_split").permutation(n).tolist()
    splits: list[Subset[Any]]
    offset: float  # an int: the lengths were checked to be Integral
    splits, offset = [], 0
    for length in lengths:
        splits.append(Subset(dataset, order[offset:offset + length]))
        offset += length
    return splits

"""Samplers, as in ``torch.utils.data.sampler``: the orders in which a ``DataLoader`` reads.

A sampler is an iterable of indices into a map-style data set (a batch sampler: of lists of
indices). ``SequentialSampler`` reads 0, 1, ..., n-1; ``RandomSampler`` a new random order each
epoch; ``SubsetRandomSampler`` a random order of given indices; ``WeightedRandomSampler``
draws indices with given weights; ``BatchSampler`` groups another sampler's indices.

The random ones take ``generator=`` (an ``ag.Generator`` or a ``np.random.Generator``); they
are reproducible in ndgrad (same seed, same orders) but cannot give PyTorch's numbers.

    >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Generic, TypeVar

import numpy as np

from .._tensor import Tensor
from ..factories import tensor
from ..random import GeneratorLike, resolve
from ..sampling import multinomial

__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler", "SubsetRandomSampler",
           "WeightedRandomSampler"]

T_co = TypeVar("T_co", covariant=True)


def _check_generator(where: str, generator: GeneratorLike | None) -> None:
    """Refuse a ``generator=`` that is neither an ``ag.Generator`` nor a ``np.random.Generator``."""
    if generator is not None:
        resolve(generator=generator, where=where)


def _positive_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) > 0


def fresh_rng(generator: GeneratorLike | None) -> np.random.Generator:
    """``generator``'s NumPy generator; without one, a new generator seeded from the global one.

    As PyTorch's ``RandomSampler``: each epoch without a generator draws one int64 seed from
    the global generator (so ``ag.manual_seed`` makes the orders reproducible).
    """
    if generator is not None:
        return resolve(generator=generator)
    return np.random.default_rng(int(resolve().integers(0, 2**63, dtype=np.int64)))


class Sampler(Generic[T_co]):
    """Base class of samplers: subclasses define ``__iter__`` (and usually ``__len__``).

    As in PyTorch there is no default ``__len__`` (``len(sampler)`` of a sampler without one
    raises TypeError, so ``list(sampler)`` still works).

    Example:
        >>> class EvensFirst(Sampler[int]):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter([*range(0, self.n, 2), *range(1, self.n, 2)])
        ...     def __len__(self):
        ...         return self.n
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__()")


class SequentialSampler(Sampler[int]):
    """The indices 0, 1, ..., ``len(data_source) - 1``, always in that order.

    Args:
        data_source: a sized data set (its length is read at each epoch).
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A random order of the data set's indices, new at each epoch.

    Without replacement each epoch is a permutation (``num_samples > len(data_source)``
    chains permutations, a smaller one cuts one short); with replacement it draws
    ``num_samples`` uniform indices.

    Args:
        data_source: a sized data set.
        replacement: draw with replacement.
        num_samples: indices per epoch; default ``len(data_source)`` (read at each epoch).
        generator: an ``ag.Generator`` or ``np.random.Generator`` to draw from, used as given;
            default: each epoch draws a seed from ndgrad's global generator (``ag.manual_seed``).

    Raises:
        TypeError: ``replacement`` not a bool, or a bad ``generator``.
        ValueError: ``num_samples`` (or an empty data set's length) is not a positive int.
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: GeneratorLike | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, but got "
                            f"replacement={self.replacement}")
        if not _positive_int(self.num_samples):
            raise ValueError(f"RandomSampler: num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}"
                             + (" (the data set is empty)" if num_samples is None else ""))
        _check_generator("RandomSampler", generator)

    @property
    def num_samples(self) -> int:
        """Indices per epoch: ``num_samples`` if given, else the data set's current length."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        rng = fresh_rng(self.generator)
        count = int(self.num_samples)
        if self.replacement:
            for _ in range(count // 32):  # drawn lazily in chunks of 32, as PyTorch
                yield from rng.integers(0, n, size=32).tolist()
            yield from rng.integers(0, n, size=count % 32).tolist()
        else:
            for _ in range(count // n):
                yield from rng.permutation(n).tolist()
            yield from rng.permutation(n).tolist()[:count % n]

    def __len__(self) -> int:
        return int(self.num_samples)


class SubsetRandomSampler(Sampler[int]):
    """The given indices in a random order (without replacement), new at each epoch.

    Args:
        indices: a sequence of indices into the data set.
        generator: an ``ag.Generator`` or ``np.random.Generator``; default ndgrad's global one.
    """

    def __init__(self, indices: Sequence[int], generator: GeneratorLike | None = None) -> None:
        self.indices = indices
        self.generator = generator
        _check_generator("SubsetRandomSampler", generator)

    def __iter__(self) -> Iterator[int]:
        order = resolve(generator=self.generator, where="SubsetRandomSampler").permutation(len(self.indices))
        for i in order.tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """Indices in ``[0, len(weights))`` drawn with probabilities proportional to ``weights``.

    Args:
        weights: non-negative weights, one per index (need not sum to 1).
        num_samples: indices per epoch.
        replacement: draw with replacement; without, each index is drawn at most once (then
            ``num_samples`` may not exceed the number of non-zero weights).
        generator: an ``ag.Generator`` or ``np.random.Generator``; default ndgrad's global one.

    Raises:
        ValueError: ``num_samples`` not a positive int, ``replacement`` not a bool, or
            ``weights`` not 1-d.

    Example:
        >>> import autograd as ag
        >>> sampler = WeightedRandomSampler([0.1, 0.9, 0.0], 5, generator=ag.Generator())
        >>> 2 in list(sampler)
        False
    """

    def __init__(self, weights: Sequence[float] | Tensor, num_samples: int, replacement: bool = True,
                 generator: GeneratorLike | None = None) -> None:
        if not _positive_int(num_samples):
            raise ValueError(f"WeightedRandomSampler: num_samples should be a positive integer value, "
                             f"but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"WeightedRandomSampler: replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        values = weights.detach().numpy() if isinstance(weights, Tensor) else weights
        weights_tensor = tensor(np.asarray(values, dtype=np.float64))
        if weights_tensor.ndim != 1:
            raise ValueError(f"WeightedRandomSampler: weights should be a 1d sequence but given weights "
                             f"have shape {tuple(weights_tensor.shape)}")
        _check_generator("WeightedRandomSampler", generator)
        self.weights = weights_tensor
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        drawn = multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator)
        yield from drawn.tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Group another sampler's indices into lists of ``batch_size`` (the last may be shorter).

    Args:
        sampler: a sampler or any iterable of indices.
        batch_size: indices per batch.
        drop_last: drop the last batch if it is shorter than ``batch_size``.

    Raises:
        ValueError: ``batch_size`` not a positive int, or ``drop_last`` not a bool.

    Example:
        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=True))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    """

    def __init__(self, sampler: Sampler[int] | Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not _positive_int(batch_size):
            raise ValueError(f"BatchSampler: batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        sampler_iter = iter(self.sampler)
        if self.drop_last:
            for full in zip(*[sampler_iter] * self.batch_size):
                yield [*full]
        else:
            batch = [*itertools.islice(sampler_iter, self.batch_size)]
            while batch:
                yield batch
                batch = [*itertools.islice(sampler_iter, self.batch_size)]

    def __len__(self) -> int:
        size = len(self.sampler)  # type: ignore[arg-type]  # a sampler without __len__: TypeError
        return size // self.batch_size if self.drop_last else -(-size // self.batch_size)

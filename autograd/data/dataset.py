"""Map-style data sets, as in ``torch.utils.data``.

``Dataset``, ``TensorDataset``, ``Subset`` and ``random_split``.

A data set is anything with ``len(ds)`` and ``ds[i]`` (one sample). ``DataLoader`` batches them.

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

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..factories import from_numpy
from ..random import resolve as resolve_rng

if TYPE_CHECKING:
    from typing import Protocol

    from ..types import Array

    class SizedDataset(Protocol):
        """What a map-style data set offers: ``len(ds)`` and ``ds[i]`` (a ``Dataset``, a list...)."""

        def __len__(self) -> int: ...
        def __getitem__(self, index: Any, /) -> Any: ...


class Dataset:
    """Base class of map-style data sets: subclasses define ``__getitem__`` and ``__len__``.

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 10
        ...     def __getitem__(self, i):
        ...         return float(i), float(i * i)
    """

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__()")


class TensorDataset(Dataset):
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


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``subset[i] = dataset[indices[i]]``.

    Args:
        dataset: the data set to draw from.
        indices: a sequence of indices into ``dataset``.
    """

    def __init__(self, dataset: SizedDataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: SizedDataset, lengths: Sequence[int | float],
                 generator: np.random.Generator | None = None) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping ``Subset``s (PyTorch semantics).

    Args:
        dataset: the data set to split.
        lengths: the sizes of the splits, summing to ``len(dataset)``; or fractions summing to 1,
            turned into sizes ``floor(len(dataset) * f)`` with the remainder handed out one item
            at a time round-robin from the first split.
        generator: a ``np.random.Generator`` for the permutation; default ndgrad's global
            generator (so ``ag.manual_seed`` makes the split reproducible).

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
    splits: list[Subset]
    offset: float  # an int: the lengths were checked to be Integral
    splits, offset = [], 0
    for length in lengths:
        splits.append(Subset(dataset, order[offset:offset + length]))
        offset += length
    return splits

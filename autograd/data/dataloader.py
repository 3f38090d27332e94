"""``DataLoader`` and ``default_collate``, as in ``torch.utils.data``.

``DataLoader`` iterates over a data set in (shuffled) mini-batches of Tensors;
``default_collate`` stacks a list of samples into a batch.

    >>> import autograd as ag
    >>> from autograd.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(ag.randn(10, 2), ag.arange(10))
    >>> loader = DataLoader(ds, batch_size=4, shuffle=True, seed=0)
    >>> len(loader), [len(y) for x, y in loader]
    (3, [4, 4, 2])
"""

from __future__ import annotations

import collections.abc as abc
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..factories import from_numpy, tensor
from ..ops.movement import stack
from ..random import resolve as resolve_rng
from .dataset import Subset, TensorDataset

if TYPE_CHECKING:
    from ..types import Array
    from .dataset import SizedDataset

_SUPPORTED = "Tensors, NumPy arrays and scalars, Python numbers, strings, dicts, tuples and lists"


def default_collate(batch: list[Any]) -> Any:
    """Merge a list of samples into a batch (PyTorch's ``default_collate``).

    By the type of the first sample:

    - Tensor -> the samples stacked along a new dim 0 (dtype kept);
    - NumPy array or NumPy scalar -> a stacked Tensor with the same dtype;
    - Python ``int`` -> an int64 Tensor, ``float`` -> a float32 Tensor (ndgrad's default float;
      PyTorch gives float64), ``bool`` -> a bool Tensor;
    - ``str`` / ``bytes`` -> the list unchanged;
    - dict (any mapping) -> a dict of the collated values, key by key;
    - namedtuple -> the same namedtuple of collated fields;
    - tuple or list -> a list with one collated batch per field (so a ``TensorDataset``'s
      ``(x, y)`` samples give ``[xb, yb]``, as in PyTorch).

    Raises:
        TypeError: an unsupported sample type.
        RuntimeError: tuple or list samples of different lengths.

    Example:
        >>> default_collate([(1, 2.0), (3, 4.0)])
        [tensor([1, 3]), tensor([2., 4.])]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, (np.ndarray, np.generic)) and not isinstance(elem, (np.str_, np.bytes_)):
        if elem.dtype.kind not in "biuf":
            raise TypeError(f"default_collate: can't batch NumPy data of dtype {elem.dtype}; "
                            f"supported: {_SUPPORTED}")
        return from_numpy(np.stack([np.asarray(b) for b in batch]))
    if isinstance(elem, bool):
        return tensor(batch)
    if isinstance(elem, int):
        return tensor(batch, dtype=np.int64)
    if isinstance(elem, float):
        return tensor(batch, dtype=np.float32)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(collated)  # type: ignore[call-arg]  # a concrete mapping type
        except TypeError:  # a mapping type that can't be built from a dict
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch)))
    if isinstance(elem, abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("default_collate: each element in the batch should be of equal "
                               f"size, got sizes {sorted({len(s) for s in batch})}")
        return [default_collate(list(field)) for field in zip(*batch)]
    raise TypeError(f"default_collate: can't batch samples of type {type(elem).__name__}; "
                    f"supported: {_SUPPORTED}. Hint: pass collate_fn= to the DataLoader")


def _tensor_source(dataset: Any) -> tuple[tuple[Tensor, ...], Array | None] | None:
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


class DataLoader:
    """Iterate over ``dataset`` in batches, one epoch for each ``for`` loop.

    Each epoch yields ``ceil(n / batch_size)`` batches (``floor`` with ``drop_last``).

    Args:
        dataset: a map-style data set (``len(ds)`` and ``ds[i]``).
        batch_size: samples per batch; the last batch may be smaller unless ``drop_last``.
        shuffle: draw a new random order every epoch (else the order 0, 1, ..., n-1).
        drop_last: drop the last batch if it is incomplete.
        generator: a ``np.random.Generator`` to draw the orders from.
        seed: an int; shorthand for ``generator=np.random.default_rng(seed)``, created once, so
            a fresh loader with the same seed gives the same sequence of epochs.
            With neither, orders come from ndgrad's global generator (``ag.manual_seed``).
        collate_fn: turns a list of samples into a batch; default ``default_collate``.

    A ``TensorDataset`` (or a ``Subset`` of one, as ``random_split`` returns) with the default
    ``collate_fn`` takes the fast path: each batch is one fancy index into each whole tensor,
    giving ``[t[idx] for t in tensors]``, the same as collating the samples one by one.

    Example:
        >>> import autograd as ag
        >>> loader = DataLoader(TensorDataset(ag.randn(100, 2), ag.arange(100)), batch_size=32)
        >>> [tuple(x.shape) for x, y in loader][-1]
        (4, 2)
    """

    def __init__(self, dataset: SizedDataset, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, generator: np.random.Generator | None = None,
                 seed: int | None = None, collate_fn: Callable[[list[Any]], Any] | None = None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: pass either seed= or generator=, not both")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        if seed is not None:
            generator = resolve_rng(seed=seed, where="DataLoader")
        elif generator is not None:
            generator = resolve_rng(generator=generator, where="DataLoader")
        self.generator = generator
        self._source = _tensor_source(dataset) if collate_fn is None else None

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self) -> Array:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self.generator if self.generator is not None else resolve_rng(where="DataLoader")
        return rng.permutation(n)

    def __iter__(self) -> Iterator[Any]:
        # The order is drawn now, when the epoch starts, not at the first next().
        return self._batches(self._order())

    def _batches(self, order: Array) -> Iterator[Any]:
        n, size = len(order), self.batch_size
        stop = n - n % size if self.drop_last else n
        for start in range(0, stop, size):
            yield self._fetch(order[start:start + size])

    def _fetch(self, idx: Array) -> Any:
        if self._source is not None:
            tensors, index_map = self._source
            if index_map is not None:
                idx = index_map[idx]
            return [t[idx] for t in tensors]
        return self.collate_fn([self.dataset[int(i)] for i in idx])

    def __repr__(self) -> str:
        return (f"DataLoader(dataset={type(self.dataset).__name__} of {len(self.dataset)}, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last})")

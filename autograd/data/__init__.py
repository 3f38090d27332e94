"""Data loading for ndgrad: ``torch.utils.data`` (data sets, samplers, ``DataLoader``), toy data, MNIST.

As in PyTorch: map-style and iterable data sets, the samplers, ``DataLoader`` with worker
processes (``num_workers``), ``default_collate`` and ``get_worker_info``. The toy data sets are
the tutorials'; the MNIST reader works offline.

    >>> import autograd as ag
    >>> from autograd.data import DataLoader, TensorDataset, make_moons
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> loader = DataLoader(TensorDataset(ag.tensor(X), ag.tensor(y)), batch_size=32, shuffle=True)
    >>> for xb, yb in loader:
    ...     pass
"""

from __future__ import annotations

from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .mnist import default_mnist_path, load_mnist, read_idx
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .synthetic import (
    cubic,
    make_blobs,
    make_circles,
    make_disk,
    make_moons,
    make_region,
    make_regression_1d,
    make_spirals,
    make_xor,
    train_test_split,
)
from .worker import WorkerInfo, get_worker_info

__all__ = [
    "BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
    "RandomSampler", "Sampler", "SequentialSampler", "StackDataset", "Subset", "SubsetRandomSampler",
    "TensorDataset", "WeightedRandomSampler", "WorkerInfo", "cubic", "default_collate",
    "default_convert", "default_mnist_path", "get_worker_info", "load_mnist", "make_blobs",
    "make_circles", "make_disk", "make_moons", "make_region", "make_regression_1d", "make_spirals",
    "make_xor", "random_split", "read_idx", "train_test_split",
]

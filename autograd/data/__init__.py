"""Data loading for ndgrad: PyTorch's ``Dataset``/``DataLoader`` API, toy data sets, MNIST.

The toy data sets are the tutorials'; the MNIST reader works offline.

    >>> import autograd as ag
    >>> from autograd.data import DataLoader, TensorDataset, make_moons
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> loader = DataLoader(TensorDataset(ag.tensor(X), ag.tensor(y)), batch_size=32, shuffle=True)
    >>> for xb, yb in loader:
    ...     pass
"""

from __future__ import annotations

from .dataloader import DataLoader, default_collate
from .dataset import Dataset, Subset, TensorDataset, random_split
from .mnist import default_mnist_path, load_mnist, read_idx
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

__all__ = [
    "DataLoader", "Dataset", "Subset", "TensorDataset", "cubic", "default_collate",
    "default_mnist_path", "load_mnist", "make_blobs", "make_circles", "make_disk", "make_moons",
    "make_region", "make_regression_1d", "make_spirals", "make_xor", "random_split", "read_idx",
    "train_test_split",
]

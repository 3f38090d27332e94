"""``one_hot``: class indices to one-hot int64 vectors (``torch.nn.functional.one_hot``)."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..checks import integer
from ..primitive import OpError


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """An int64 tensor of shape ``(*tensor.shape, num_classes)``: 1 at each index, 0 elsewhere.

    ``tensor`` holds int64 class indices in ``[0, num_classes)``; with ``num_classes=-1`` the
    count is ``tensor.max() + 1``. The result has no gradient.
    """
    if not isinstance(tensor, Tensor) or tensor.dtype != np.int64:
        kind = tensor.dtype if isinstance(tensor, Tensor) else type(tensor).__name__
        raise TypeError(f"one_hot: expects an int64 tensor of class indices, got {kind}. "
                        "Hint: convert with .long()")
    num_classes = integer("one_hot", "num_classes", num_classes)
    labels = tensor._data
    if labels.size and labels.min() < 0:
        raise OpError(f"one_hot: class values must be non-negative, got {labels.min()}")
    if num_classes == -1:
        if not labels.size:
            raise OpError("one_hot: can not infer the number of classes from an empty tensor. "
                          "Hint: pass num_classes")
        num_classes = int(labels.max()) + 1
    elif labels.size and labels.max() >= num_classes or num_classes < -1:
        raise OpError(f"one_hot: class values must be smaller than num_classes={num_classes}, "
                      f"got {labels.max() if labels.size else num_classes}")
    out = (labels[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor._wrap(out)

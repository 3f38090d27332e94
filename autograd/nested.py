"""How ``tensor(data)`` reads nested lists and tuples, as PyTorch does.

A tensor inside a list is a number to PyTorch, not a sub-array: ``tensor([tensor([1.]),
tensor([2.])])`` has shape ``(2,)``, and a tensor of more than one element is refused. The
dtype is inferred from all the leaves together by PyTorch's promotion (the highest kind wins:
bool < integer < float): Python numbers stand for the default dtypes (float32, int64, bool),
tensors and NumPy values for their own, so ``[1.0, tensor(2.0, dtype=float64)]`` is float64
and ``[np.float64(1.0)]`` too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._tensor import Tensor
from .checks import warn

_PLAIN = frozenset({float, int, bool})


def read_nested(data: list[Any] | tuple[Any, ...]) -> tuple[Any, np.dtype[Any] | None]:
    """``data`` with its tensors as numbers, and the dtype its leaves call for.

    Returns:
        The data for ``np.array`` (``data`` itself when it holds Python numbers only), and the
        inferred dtype, or None where the leaves are Python numbers only (NumPy's reading of
        them then gives the kind, ``dtypes.default_for`` the dtype).

    Raises:
        ValueError: for a tensor of other than one element inside a list.
    """
    kinds: set[type] = set()
    typed: list[np.dtype[Any]] = []
    read = _read(data, kinds, typed)
    if not typed:
        return data, None
    from .dtypes import default_for, result_type

    plain = [default_for(np.asarray(kind())) for kind in kinds]  # bool() is False, float() 0.0
    return read, result_type(*(np.empty(1, d) for d in plain + typed))


def _read(data: Any, kinds: set[type], typed: list[np.dtype[Any]]) -> Any:
    if isinstance(data, (list, tuple)):
        level = {type(v) for v in data}
        if level <= _PLAIN:  # the common case, in one pass: a list of Python numbers
            kinds |= level
            return data
        return [_read(v, kinds, typed) for v in data]
    if isinstance(data, Tensor):
        if data._data.size != 1:
            raise ValueError(f"tensor(): only one element tensors can be converted to Python "
                             f"scalars, got a tensor of shape {tuple(data.shape)} inside the data. "
                             "Hint: ag.stack(tensors) joins tensors into one")
        if data.requires_grad:
            warn("Converting a tensor with requires_grad=True to a scalar may lead to "
                 "unexpected behavior.\nConsider using tensor.detach() first.")
        typed.append(data._data.dtype)
        return data._data.reshape(())
    if isinstance(data, (np.ndarray, np.generic)):
        typed.append(data.dtype)
    elif type(data) in _PLAIN or isinstance(data, (bool, int, float)):
        kinds.add(bool if isinstance(data, bool) else int if isinstance(data, int) else float)
    return data

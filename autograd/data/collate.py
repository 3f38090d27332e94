"""``default_collate`` and ``default_convert``, as in ``torch.utils.data._utils.collate``.

``default_collate`` merges a list of samples into a batch (the ``DataLoader``'s default
``collate_fn`` when it batches); ``default_convert`` turns NumPy data in one sample into Tensors
(its default when ``batch_size=None``). Both walk nested dicts, namedtuples, tuples and lists.
``collate(batch, collate_fn_map=...)`` is the generic walker behind ``default_collate``: it
looks the type of the first sample up in ``collate_fn_map`` (exact type first, then
``isinstance`` in insertion order), so a script can extend ``default_collate_fn_map``.

    >>> default_collate([{"x": 0, "y": 1.5}, {"x": 2, "y": 3.5}])
    {'x': tensor([0, 2]), 'y': tensor([1.5000, 3.5000], dtype=torch.float64)}
"""

from __future__ import annotations

import collections.abc as abc
import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..factories import from_numpy, tensor
from ..ops.movement import stack

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

CollateFnMap = dict[type | tuple[type, ...], Callable[..., Any]]

np_str_obj_array_pattern = re.compile(r"[SaUO]")  # dtype.str of strings, bytes and objects

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}")
_HINT = (". Hint: pass a collate_fn= to the DataLoader (e.g. `lambda batch: batch` keeps the "
         "samples as a list)")


def default_convert(data: Any) -> Any:
    """Turn each NumPy array (and NumPy scalar) inside one sample into a Tensor.

    Tensors stay as they are; mappings, namedtuples, tuples (which become lists, as in PyTorch)
    and other sequences are walked; anything else (Python numbers, strings...) is returned
    unchanged. This is the ``DataLoader``'s ``collate_fn`` when ``batch_size=None``.

    Args:
        data: one sample.

    Returns:
        The sample with its NumPy data as Tensors.

    Example:
        >>> default_convert((np.array([0, 1]), 2))
        [tensor([0, 1]), 2]
    """
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "bytes_", "string_"):
        if isinstance(data, np.ndarray) and np_str_obj_array_pattern.search(data.dtype.str):
            return data
        return from_numpy(np.asarray(data))
    if isinstance(data, abc.Mapping):
        try:
            if isinstance(data, abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:  # a mapping type that cannot be built from a dict
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # a list, as in PyTorch
    if isinstance(data, abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, abc.MutableSequence):
                seq = copy.copy(data)
                for i, d in enumerate(data):
                    seq[i] = default_convert(d)
                return seq
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def collate(batch: Any, *, collate_fn_map: CollateFnMap | None = None) -> Any:
    """Merge a list of samples into a batch, dispatching on the type of the first sample.

    Mappings, namedtuples and sequences are walked field by field; the leaves go to the first
    function of ``collate_fn_map`` whose key is the leaf's type (exactly, then by
    ``isinstance`` in the map's order). Each function is called as
    ``fn(batch, collate_fn_map=collate_fn_map)``.

    Args:
        batch: a list of samples of one structure.
        collate_fn_map: leaf type(s) -> collate function.

    Returns:
        The batch: a Tensor, or the samples' structure with batched leaves (tuples become
        lists, as in PyTorch).

    Raises:
        RuntimeError: sequence samples of different lengths.
        TypeError: a leaf type the map has no function for.
    """
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, abc.Mapping):
        fields = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
        try:
            if isinstance(elem, abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(fields)
                return clone
            return elem_type(fields)
        except TypeError:  # a mapping type that cannot be built from a dict
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, abc.Sequence):
        sizes = {len(sample) for sample in batch}
        if len(sizes) != 1:
            raise RuntimeError("default_collate: each element in list of batch should be of equal "
                               f"size, got sizes {sorted(sizes)}" + _HINT)
        # Each field's samples stay a tuple, as in PyTorch (so strings inside tuples give tuples).
        transposed = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return transposed  # a list, as in PyTorch
        try:
            if isinstance(elem, abc.MutableSequence):
                seq = copy.copy(elem)
                for i, field in enumerate(transposed):
                    seq[i] = field
                return seq
            return elem_type(transposed)
        except TypeError:
            return transposed
    raise TypeError(default_collate_err_msg_format.format(elem_type) + _HINT)


def collate_tensor_fn(batch: list[Tensor], *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    """Tensors -> one Tensor, the samples stacked along a new dim 0."""
    return stack(batch, 0)


def collate_numpy_array_fn(batch: list[np.ndarray], *, collate_fn_map: CollateFnMap | None = None) -> Any:
    """NumPy arrays -> a stacked Tensor of their dtype (strings and objects are refused)."""
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(f"numpy.ndarray of dtype {elem.dtype}") + _HINT)
    return collate([from_numpy(np.asarray(b)) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: list[np.generic], *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    """NumPy scalars -> a 1-d Tensor of their dtype."""
    return from_numpy(np.array(batch))


def collate_float_fn(batch: list[float], *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    """Python floats -> a float64 Tensor (as PyTorch, whatever the default dtype)."""
    return tensor(batch, dtype=np.float64)


def collate_int_fn(batch: list[int], *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    """Python ints (and bools) -> ``tensor(batch)``: int64 (bool for bools)."""
    return tensor(batch)


def collate_str_fn(batch: Any, *, collate_fn_map: CollateFnMap | None = None) -> Any:
    """Strings and bytes -> the samples unchanged (the list, or the field's tuple)."""
    return batch


default_collate_fn_map: CollateFnMap = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch: Any) -> Any:
    """Merge a list of samples into a batch (PyTorch's ``default_collate``).

    By the type of the first sample:

    - Tensor -> the samples stacked along a new dim 0 (dtype kept);
    - NumPy array or NumPy scalar -> a stacked Tensor with the same dtype (string and object
      arrays raise TypeError);
    - Python ``float`` -> a float64 Tensor; ``int`` -> int64; ``bool`` -> bool (as PyTorch);
    - ``str`` / ``bytes`` -> the samples unchanged (a list; a tuple for a field of tuple or
      list samples, as PyTorch);
    - mapping -> the same mapping type of the collated values, key by key;
    - namedtuple -> the same namedtuple of collated fields;
    - tuple -> a list with one collated batch per field (so a ``TensorDataset``'s ``(x, y)``
      samples give ``[xb, yb]``, as in PyTorch); list and other sequences keep their type.

    Args:
        batch: a list of samples of one structure.

    Returns:
        The batch.

    Raises:
        TypeError: an unsupported sample type.
        RuntimeError: sequence samples of different lengths.

    Example:
        >>> default_collate([(1, 2.0), (3, 4.0)])
        [tensor([1, 3]), tensor([2., 4.], dtype=torch.float64)]
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)

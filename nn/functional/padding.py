"""``nn.functional.pad``: constant, reflect, replicate and circular padding of the last dims.

``pad`` lists (before, after) pairs from the last dim backwards: ``(1, 2)`` pads the last dim
by 1 before and 2 after, ``(1, 1, 2, 2)`` also the one before it by 2. Per padded dim of size
n, output position j (counted from -before) reads input position
    reflect:   |j| mirrored at both ends without repeating the edge (j < 0: -j; j >= n: 2(n-1)-j)
    replicate: j clamped to [0, n - 1]
    circular:  j mod n (pads >= 0 only: PyTorch's crops there are not a circular shift)
and ``constant`` fills with ``value`` (``ag.constant_pad_nd``). Negative pads crop. The
non-constant modes are index selections, so their gradient adds back at the positions read.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

import autograd as ag
from autograd import Tensor, name_node
from autograd.checks import OpError, OpNotImplementedError, allocate, integers, type_name

__all__ = ["pad"]

_NODES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0",
          "circular": "torch::autograd::CopySlices"}


def _positions(mode: str, n: int, before: int, after: int) -> np.ndarray:
    j = np.arange(-before, n + after)
    if mode == "reflect":
        j = np.abs(j)
        return np.where(j >= n, 2 * (n - 1) - j, j)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    return j % n


def _check_pads(mode: str, shape: tuple[int, ...], pairs: list[tuple[int, int]]) -> None:
    """PyTorch's limits: reflect pads below the size, circular ones at most the size."""
    for k, (before, after) in enumerate(pairs):
        dim = len(shape) - 1 - k
        n = shape[dim]
        if n + before + after < 1:
            raise OpError(f"pad: input (size {n} at dim {dim}) is too small for the pads "
                          f"({before}, {after}): the output would have size {n + before + after}")
        if mode == "reflect" and max(before, after) >= n:
            raise OpError(f"pad: Padding size should be less than the corresponding input dimension, "
                          f"but got: padding ({before}, {after}) at dimension {dim} of input "
                          f"{list(shape)}. Hint: reflect mirrors without the edge, so pads < size")
        if mode == "circular" and max(before, after) > n:
            raise OpError(f"pad: Padding value causes wrapping around more than once (pads "
                          f"({before}, {after}) at dimension {dim} of size {n})")
        if mode == "circular" and min(before, after) < 0:
            raise OpError(f"pad: negative pads ({before}, {after}) at dimension {dim} are not "
                          "supported in mode 'circular'. Hint: crop with x[..., a:b] first")


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Tensor:
    """``input`` padded by ``pad`` (pairs from the last dim back) in ``mode``.

    ``constant`` pads any number of dims with ``value`` (default 0); ``reflect``, ``replicate``
    and ``circular`` pad the last 1, 2 or 3 dims of an input with 1 or 2 more dims than that
    (a batch dim is optional).

    Example:
        >>> F.pad(ag.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
        tensor([[3., 2., 1., 2., 3., 2.]])
    """
    if mode == "constant":
        if value is not None and (not isinstance(value, numbers.Number) or isinstance(value, complex)):
            raise TypeError(f"pad(): argument 'value' must be float, not {type_name(value)}")
        return ag.constant_pad_nd(input, pad, 0 if value is None else value)
    if not isinstance(mode, str) or mode not in _NODES:
        raise NotImplementedError(f"pad: Unrecognised padding mode {mode!r}. Hint: mode is "
                                  "'constant', 'reflect', 'replicate' or 'circular'")
    if value is not None and value != 0:
        raise OpError(f"pad: Padding mode \"{mode}\" doesn't take in value argument (got {value!r})")
    values = integers("pad", "pad", pad)
    count = len(values) // 2
    if len(values) % 2 or count not in (1, 2, 3) or input.ndim not in (count + 1, count + 2):
        raise NotImplementedError(f"pad: Padding size {len(values)} is not supported for "
                                  f"{input.ndim}D input tensor. Hint: mode {mode!r} takes 2 pads "
                                  "for a 2D or 3D input, 4 for 3D or 4D, 6 for 4D or 5D")
    shape = tuple(input.shape)
    if 0 in (shape[1:] if input.ndim == count + 2 else shape):
        raise OpError(f"pad: Expected {count + 1}D or {count + 2}D (batch mode) tensor with "
                      f"possibly 0 batch size and other non-zero dimensions for input, but got: "
                      f"{list(shape)}")
    if input.dtype == ag.bool and mode != "circular":
        kernel = f"{'reflection' if mode == 'reflect' else 'replication'}_pad{count}d"
        raise OpNotImplementedError(f"pad: \"{kernel}\" not implemented for 'Bool' (mode {mode!r}). "
                                    "Hint: pad a bool tensor in mode 'constant' or 'circular'")
    pairs = [(values[i], values[i + 1]) for i in range(0, len(values), 2)]
    _check_pads(mode, shape, pairs)
    grown = list(shape)
    for k, (before, after) in enumerate(pairs):
        grown[-1 - k] += before + after
    allocate("pad", np.empty, tuple(grown), np.dtype(input.dtype.dtype))  # PyTorch's memory error
    result = input
    for k, (before, after) in enumerate(pairs):
        dim = input.ndim - 1 - k
        index = ag.from_numpy(_positions(mode, shape[dim], before, after))
        result = ag.index_select(result, dim, index)
    return name_node(result, _NODES[mode].format(count))

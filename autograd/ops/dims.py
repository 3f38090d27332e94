"""Argument handling shared by ops: integers, dims, PyTorch's dim/keepdim with NumPy's aliases.

An integer argument (a dim, a size, a count, ``k``, an offset) is what PyTorch takes as an int:
a Python or NumPy integer, or a 0-d integer tensor (``x.sum(np.int64(1))``,
``x.topk(ag.tensor(2))``); a list of them (dims, sizes) may also be a 1-d integer tensor.
Bools and floats are refused, as in PyTorch, even where NumPy would take them.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..dtypes import type_name
from ..primitive import OpError

if TYPE_CHECKING:
    from ..types import Shape


def is_int(value: Any) -> bool:
    """True for an integer argument: a Python or NumPy integer, or a 0-d integer tensor."""
    if isinstance(value, numbers.Integral):
        return not isinstance(value, (bool, np.bool_))
    return isinstance(value, Tensor) and value._data.dtype.kind in "iu" and not value._data.ndim


def as_int(op: str, value: Any, label: str = "dim") -> int:
    """``value`` as a Python int (see the module docstring for what is an integer).

    Raises:
        TypeError: naming ``op`` and ``label`` for a bool, a float or anything else.
    """
    if not is_int(value):
        raise TypeError(f"{op}: {label} must be an int, got {type_name(value)}. Hint: pass a "
                        "Python or NumPy integer")
    return int(value)


def as_ints(op: str, values: Any, label: str) -> tuple[int, ...]:
    """A sequence of integer arguments (a list, tuple, ``Size`` or 1-d int tensor) as ints."""
    if not _is_sequence(values):
        raise TypeError(f"{op}: {label} must be a tuple of ints, got {type_name(values)}")
    return tuple(as_int(op, v, label) for v in values)


def _is_sequence(value: Any) -> bool:
    if isinstance(value, Tensor):
        return value._data.ndim > 0
    return hasattr(value, "__iter__") and not isinstance(value, (str, bytes))


def int_args(op: str, args: tuple[Any, ...], label: str) -> tuple[int, ...]:
    """PyTorch's varargs-or-sequence ints: ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``."""
    if len(args) == 1 and not is_int(args[0]):
        return as_ints(op, args[0], label)
    return tuple(as_int(op, v, label) for v in args)


def pick(op: str, torch_value: Any, numpy_value: Any, torch_name: str, numpy_name: str,
         default: Any = None) -> Any:
    """Accept PyTorch's spelling or NumPy's alias (``dim``/``axis``), not both."""
    if numpy_value is not None:
        if torch_value is not None and torch_value != default:
            raise OpError(f"{op}: pass either {torch_name}= or {numpy_name}=, not both")
        return numpy_value
    return default if torch_value is None else torch_value


def normalize_dim(op: str, dim: Any, ndim: int) -> int:
    """A dim in [-ndim, ndim) as a non-negative int; 0-d tensors accept 0 and -1."""
    size = max(ndim, 1)
    dim = as_int(op, dim)
    if not -size <= dim < size:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {ndim} dims "
                         f"(expected a dim in [{-size}, {size - 1}])")
    return dim % size


def dim_list(op: str, dim: Any) -> tuple[int, ...]:
    """One dim or several (a tuple, list or 1-d int tensor) as a tuple of ints, unchecked."""
    if is_int(dim):
        return (int(dim),)
    if not _is_sequence(dim):
        raise TypeError(f"{op}: dim must be an int or a tuple of ints, got {type_name(dim)}. "
                        "Hint: pass a Python or NumPy integer")
    return as_ints(op, dim, "dim")


def reduction_axes(op: str, dim: Any, ndim: int) -> tuple[int, ...] | None:
    """None (all dims) or a sorted tuple of non-negative dims.

    An empty tuple means all dims, as in PyTorch.
    """
    if dim is None:
        return None
    dims = dim_list(op, dim)
    if not dims:
        return None
    axes = tuple(sorted({normalize_dim(op, d, ndim) for d in dims}))
    if len(axes) != len(dims):
        raise OpError(f"{op}: dim {dim} repeats a dimension")
    if ndim == 0:
        return None
    return axes


def reduced_count(shape: Shape, axes: tuple[int, ...] | None) -> int:
    """How many elements each output element of a reduction over ``axes`` combines."""
    count = 1
    for i, n in enumerate(shape):
        if axes is None or i in axes:
            count *= n
    return count

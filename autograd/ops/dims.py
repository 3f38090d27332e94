"""Argument handling shared by ops: dims, PyTorch's dim/keepdim with NumPy's axis/keepdims aliases.

A dim is an int argument as ``checks.is_int`` defines it (a Python or NumPy integer, or a 0-d
integer tensor; a float, a bool or a string is a TypeError naming the op); several dims are a
tuple, a list or a 1-d integer tensor of them; ``keepdim`` is a bool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..checks import flag, integer, integers, is_int, is_sequence, type_name
from ..primitive import OpError

if TYPE_CHECKING:
    from ..types import Shape


def pick(op: str, torch_value: Any, numpy_value: Any, torch_name: str, numpy_name: str,
         default: Any = None) -> Any:
    """Accept PyTorch's spelling or NumPy's alias (``dim``/``axis``), not both."""
    if numpy_value is not None:
        if torch_value is not None and torch_value != default:
            raise OpError(f"{op}: pass either {torch_name}= or {numpy_name}=, not both")
        return numpy_value
    return default if torch_value is None else torch_value


def keep_flag(op: str, keepdim: Any, keepdims: Any) -> bool:
    """The ``keepdim`` flag (or NumPy's ``keepdims``), which must be a bool, as in PyTorch."""
    if keepdims is None:
        return flag(op, "keepdim", keepdim)
    return flag(op, "keepdims", pick(op, keepdim, keepdims, "keepdim", "keepdims", default=False))


def normalize_dim(op: str, dim: Any, ndim: int) -> int:
    """A dim in [-ndim, ndim) as a non-negative int; 0-d tensors accept 0 and -1."""
    size = max(ndim, 1)
    dim = integer(op, "dim", dim)
    if not -size <= dim < size:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {ndim} dims "
                         f"(expected a dim in [{-size}, {size - 1}])")
    return dim % size


def dim_tuple(op: str, dim: Any) -> tuple[int, ...]:
    """``dim`` (one dim or several) as a tuple of ints, each checked later by ``normalize_dim``.

    Raises:
        TypeError: neither an int nor a sequence of ints (``x.sum(1.0)``).
    """
    if is_int(dim):
        return (int(dim),)
    if not is_sequence(dim):
        raise TypeError(f"{op}(): argument 'dim' must be an int or a tuple of ints, not "
                        f"{type_name(dim)} ({dim!r})")
    return integers(op, "dim", dim)


def reduction_axes(op: str, dim: Any, ndim: int) -> tuple[int, ...] | None:
    """None (all dims) or a sorted tuple of non-negative dims.

    An empty tuple means all dims, as in PyTorch.
    """
    if dim is None:
        return None
    axes = distinct_dims(op, dim, ndim)
    if not axes or ndim == 0:
        return None
    return tuple(sorted(axes))


def distinct_dims(op: str, dim: Any, ndim: int) -> set[int]:
    """The non-negative dims of ``dim`` (one or several), each at most once, as PyTorch requires."""
    dims = dim_tuple(op, dim)
    axes = {normalize_dim(op, d, ndim) for d in dims}
    if len(axes) != len(dims):
        raise OpError(f"{op}: dim {dim} repeats a dimension (a dim appears multiple times in the "
                      "list of dims). Hint: name each dim once")
    return axes


def reduced_count(shape: Shape, axes: tuple[int, ...] | None) -> int:
    """How many elements each output element of a reduction over ``axes`` combines."""
    count = 1
    for i, n in enumerate(shape):
        if axes is None or i in axes:
            count *= n
    return count

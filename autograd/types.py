"""Type aliases used in ndgrad's signatures (for readers and type checkers; no runtime cost).

The aliases::

    Array       a NumPy array of any dtype (what a Tensor holds and a primitive's forward sees)
    ArrayLike   what ``ag.tensor(data)`` accepts: nested lists, NumPy arrays, Python numbers
    DTypeLike   a dtype spelling: ``ag.float32``, ``np.float64``, ``"int64"``, ``float``
    Shape       a tuple of ints
    Dims        a dim, several dims, or None (all dims) for the reductions
    Value       an array or, under ``create_graph=True``, a Tensor: what backward rules see
    ModuleLike  what the drawing code reads of an ``nn.Module`` (autograd never imports nn)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, Union

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from ._tensor import Tensor
    from .dtypes import DType

Array: TypeAlias = npt.NDArray[Any]
ArrayLike: TypeAlias = npt.ArrayLike
DTypeLike: TypeAlias = Union["DType", np.dtype[Any], type, str]
Shape: TypeAlias = tuple[int, ...]
Dims: TypeAlias = int | tuple[int, ...] | list[int] | None
Value: TypeAlias = Union[Array, "Tensor"]


class ModuleLike(Protocol):
    """The part of ``nn.Module`` that ``autograd.viz`` reads to name and cluster a graph."""

    _parameters: dict[str, Any]

    def named_modules(self) -> Iterator[tuple[str, ModuleLike]]:
        """(qualified name, module) for the module and each descendant."""
        ...

    def named_parameters(self) -> Iterator[tuple[str, Tensor]]:
        """(qualified name, parameter) for every parameter."""
        ...

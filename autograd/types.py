"""Type aliases used in ndgrad's signatures (for readers and type checkers; no runtime cost).

    Array       a NumPy array of any dtype (what a Tensor holds and a primitive's forward sees)
    ArrayLike   what ``ag.tensor(data)`` accepts: nested lists, NumPy arrays, Python numbers
    DTypeLike   a dtype spelling: ``ag.float32``, ``np.float64``, ``"int64"``, ``float``
    Shape       a tuple of ints
    Dims        a dim, several dims, or None (all dims) for the reductions
    Value       an array or, under ``create_graph=True``, a Tensor: what backward rules see
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, Union

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from ._tensor import Tensor

Array: TypeAlias = npt.NDArray[Any]
ArrayLike: TypeAlias = npt.ArrayLike
DTypeLike: TypeAlias = Union[np.dtype[Any], type, str]
Shape: TypeAlias = tuple[int, ...]
Dims: TypeAlias = Union[int, tuple[int, ...], list[int], None]
Value: TypeAlias = Union[Array, "Tensor"]

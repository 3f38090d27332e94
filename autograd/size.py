"""``Size``: the shape tuple whose repr is ``torch.Size([2, 3])``.

Its ``str`` is the plain tuple ``(2, 3)``, so error messages and f-strings stay compact (PyTorch
prints ``torch.Size([2, 3])`` there too; ndgrad differs on purpose, for its messages).
"""

from __future__ import annotations

from typing import SupportsIndex, overload

__all__ = ["Size"]


class Size(tuple[int, ...]):
    """A shape: a tuple of ints that prints as ``torch.Size([2, 3])`` (``x.shape``, ``x.size()``).

    Example:
        >>> ag.zeros(2, 3).shape
        torch.Size([2, 3])
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(map(str, self))}])"

    def __str__(self) -> str:  # the plain tuple, so that messages read "shape (2, 3)"
        return tuple.__repr__(self)

    def numel(self) -> int:
        """The number of elements of a tensor of this shape (1 for ``Size([])``)."""
        count = 1
        for n in self:
            count *= n
        return count

    @overload
    def __getitem__(self, index: SupportsIndex) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Size: ...
    def __getitem__(self, index: SupportsIndex | slice) -> int | Size:
        if isinstance(index, slice):
            return Size(tuple.__getitem__(self, index))
        return tuple.__getitem__(self, index)

"""``nn.Parameter``: a Tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

import autograd as ag
from autograd import Tensor
from autograd.types import ArrayLike


class Parameter(Tensor):
    """A leaf Tensor that requires grad by default.

    Assigning one to a Module attribute registers it, so ``parameters()`` and ``state_dict()``
    find it.

    Like ``torch.nn.Parameter(t)``, it shares memory (and the version counter) with a Tensor
    it is built from.

    Example:
        >>> w = Parameter(ag.randn(3, 2))
        >>> w.requires_grad, w.is_leaf
        (True, True)
    """

    __slots__ = ()
    is_parameter = True

    def __init__(self, data: Tensor | ArrayLike | None = None, requires_grad: bool = True) -> None:
        super().__init__()
        if not isinstance(data, Tensor):
            data = ag.empty(0) if data is None else ag.tensor(data)
        self.set_(data)
        self.requires_grad_(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

"""Basic layers: ``Linear``, ``Identity``, ``Flatten``, ``Unflatten``."""

from __future__ import annotations

import math
import operator
from typing import Any

import autograd as ag
from autograd import Tensor
from autograd.types import DTypeLike

from . import functional as F
from . import init
from ._sizes import layer_size
from .module import Module
from .parameter import Parameter


class Identity(Module):
    """Returns its input unchanged (accepts and ignores any constructor arguments)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Flatten(Module):
    """Flattens dims ``start_dim..end_dim`` into one: (N, 1, 28, 28) -> (N, 784)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dim ``dim`` into ``unflattened_size``: (N, 784) -> (N, 1, 28, 28) with (1, 28, 28)."""

    def __init__(self, dim: int, unflattened_size: tuple[int, ...] | list[int]) -> None:
        super().__init__()
        try:  # any integral: Python's and NumPy's, 0-d integer tensors (their __index__)
            if not isinstance(unflattened_size, (tuple, list)) or any(
                    isinstance(n, bool) for n in unflattened_size):
                raise TypeError
            sizes = tuple(operator.index(n) for n in unflattened_size)
        except TypeError:
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got "
                            f"{unflattened_size!r}") from None
        self.dim, self.unflattened_size = dim, sizes

    def forward(self, input: Tensor) -> Tensor:
        dim = self.dim + input.ndim if self.dim < 0 else self.dim
        if not 0 <= dim < input.ndim:
            raise IndexError(f"Unflatten: dim {self.dim} is out of range for an input of shape "
                             f"{list(input.shape)}")
        return input.reshape(*input.shape[:dim], *self.unflattened_size, *input.shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Linear(Module):
    """y = x W^T + b with W (out_features, in_features), b (out_features,).

    Initialized as PyTorch: W and b uniform in [-1/sqrt(in_features), 1/sqrt(in_features)]
    (kaiming_uniform_ with a = sqrt(5)), seeded by ``ag.manual_seed``.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: str | None = None, dtype: DTypeLike | None = None) -> None:
        super().__init__()
        self.in_features = layer_size("Linear", "in_features", in_features)
        self.out_features = layer_size("Linear", "out_features", out_features)
        dtype = ag.float32 if dtype is None else dtype
        self.weight = Parameter(ag.empty(self.out_features, self.in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(ag.empty(self.out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weight and bias as at construction."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")

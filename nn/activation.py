"""Activation layers: Modules wrapping ``nn.functional`` (PyTorch's names and reprs)."""

from __future__ import annotations

from autograd import Tensor

from . import functional as F
from .module import Module


class _MaybeInplace(Module):
    """An activation with PyTorch's ``inplace`` flag, accepted and ignored.

    ndgrad computes out of place, which gives the same values and gradients; ``extra_repr``
    adds the flag to the subclass's ``_options()``, as PyTorch prints it.
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def _options(self) -> str:
        return ""

    def extra_repr(self) -> str:
        flag = "inplace=True" if self.inplace else ""
        return ", ".join(part for part in (self._options(), flag) if part)


class ReLU(_MaybeInplace):
    """max(x, 0)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input)


class LeakyReLU(_MaybeInplace):
    """x for x > 0, negative_slope * x otherwise."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.negative_slope = negative_slope

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope)

    def _options(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(_MaybeInplace):
    """x for x > 0, alpha (e^x - 1) otherwise."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.alpha = alpha

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha)

    def _options(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """x Phi(x) (exact, with erf) or its tanh approximation."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(_MaybeInplace):
    """x sigmoid(x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input)


class Sigmoid(Module):
    """1 / (1 + e^-x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(Module):
    """tanh x."""

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Softplus(Module):
    """1/beta log(1 + e^(beta x)), linear where beta x > threshold."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """e^x_i / sum_j e^x_j along ``dim``."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log softmax along ``dim`` (fused, stable)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim)

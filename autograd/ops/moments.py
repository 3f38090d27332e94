"""Moments over ``dim``: ``var`` and ``std`` (primitives), ``var_mean`` and ``std_mean``.

var = sum((x - mean)^2) / (n - correction), with Bessel's correction 1 by default
(``unbiased=False`` or ``correction=0``: the population variance; NumPy's ``ddof`` is an alias).
The gradients follow PyTorch's conventions where they have removable singularities: std's
gradient is 0 where std = 0 (constant input), and with ``n - correction <= 0`` the variance's
is PyTorch's inf/NaN (see ``Var``), never a Python ZeroDivisionError.
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..checks import flag, warn
from ..out import write_out
from ..primitive import OpError, name_node
from .dims import reduced_count
from .reduce import _args, _Reduction, mean

if TYPE_CHECKING:
    from ..types import Array, Dims, Value


class Var(_Reduction):
    """var = sum((x - mean)^2) / (n - correction);  d/dx = 2 (x - mean) / (n - correction).

    With ``n - correction <= 0`` the factor 2 / (n - correction) is inf (or negative); over all
    elements PyTorch then gives NaN where x equals the mean and inf elsewhere, as here.
    """

    saved_inputs = (0,)

    def forward(self, x: Array, axes: tuple[int, ...] | None, keepdims: bool, correction: float) -> Array:
        if x.dtype.kind != "f":
            raise OpError(f"{self.op_name}: input dtype must be floating point, got {x.dtype}. "
                          "Hint: call .float() first")
        self._setup(x, axes, keepdims)
        self.correction = correction
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's own "Degrees of freedom"
            return np.var(x, axis=axes, ddof=correction, keepdims=keepdims)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        x, g = self.input(0), self.unreduce(g)
        dof = reduced_count(self.shape, self.axes) - self.correction
        if self.axes is None and dof <= 0:
            return (g * self.xp.where(x == x.mean(), math.nan, math.inf),)
        centered = x - x.mean(axis=self.axes, keepdims=True)
        return (g * centered * (2 / dof if dof else math.inf),)


class Std(Var):
    """std = sqrt(var);  d/dx = (d var/dx) / (2 std), 0 where std = 0 (PyTorch's convention)."""

    saves_output = True

    def forward(self, x: Array, axes: tuple[int, ...] | None, keepdims: bool, correction: float) -> Array:
        return np.sqrt(super().forward(x, axes, keepdims, correction))

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        std = self.output()
        with np.errstate(divide="ignore", invalid="ignore"):
            return super().backward(self.xp.where(std == 0, 0, g / (2 * std)))


def _correction(op: str, unbiased: bool | None, correction: float | None, ddof: float | None) -> float:
    if builtins.sum(v is not None for v in (unbiased, correction, ddof)) > 1:
        raise OpError(f"{op}: pass only one of unbiased=, correction= and ddof=")
    if unbiased is not None:
        return 1 if flag(op, "unbiased", unbiased) else 0
    # never None: one of correction and ddof is set when not both are None
    return 1 if correction is None and ddof is None else (correction if ddof is None else ddof)  # type: ignore[return-value]


def _moment(op: str, primitive: type[Var], input: Tensor, dim: Any, unbiased: bool | None,
            keepdim: bool, correction: float | None, axis: Dims, keepdims: bool | None,
            ddof: float | None) -> Tensor:
    if isinstance(dim, bool) and unbiased is None:  # PyTorch's legacy overload: x.std(True)
        dim, unbiased = None, dim
    axes, keep = _args(op, input, dim, axis, keepdim, keepdims)
    correction = _correction(op, unbiased, correction, ddof)
    if reduced_count(input.shape, axes) - correction <= 0:
        warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than the "
             "reduction factor (input numel divided by output numel).")
    return primitive.apply(input, axes=axes, keepdims=keep, correction=correction)


def var(input: Tensor, dim: Dims = None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction: float | None = None, axis: Dims = None, keepdims: bool | None = None,
        ddof: float | None = None, out: Tensor | None = None) -> Tensor:
    """Variance over ``dim``; unbiased (divides by n - 1) by default.

    ``correction=0`` gives the population variance.
    """
    result = _moment("var", Var, input, dim, unbiased, keepdim, correction, axis, keepdims, ddof)
    return write_out(result, out, "var", input)


def std(input: Tensor, dim: Dims = None, unbiased: bool | None = None, keepdim: bool = False, *,
        correction: float | None = None, axis: Dims = None, keepdims: bool | None = None,
        ddof: float | None = None, out: Tensor | None = None) -> Tensor:
    """Standard deviation over ``dim``; unbiased by default like ``var``."""
    result = _moment("std", Std, input, dim, unbiased, keepdim, correction, axis, keepdims, ddof)
    return write_out(result, out, "std", input)


def _with_mean(op: str, primitive: type[Var], input: Tensor, dim: Any, unbiased: bool | None,
               keepdim: bool, correction: float | None) -> tuple[Tensor, Tensor]:
    spread = _moment(op, primitive, input, dim, unbiased, keepdim, correction, None, None, None)
    center = mean(input, None if isinstance(dim, bool) else dim, keepdim)
    node_name = "StdMeanBackward0" if primitive is Std else "VarMeanBackward0"  # PyTorch's one node
    return name_node(spread, node_name), name_node(center, node_name)


def var_mean(input: Tensor, dim: Dims = None, unbiased: bool | None = None, keepdim: bool = False,
             *, correction: float | None = None) -> tuple[Tensor, Tensor]:
    """``(var(input, dim), mean(input, dim))``, as ``torch.var_mean``."""
    return _with_mean("var_mean", Var, input, dim, unbiased, keepdim, correction)


def std_mean(input: Tensor, dim: Dims = None, unbiased: bool | None = None, keepdim: bool = False,
             *, correction: float | None = None) -> tuple[Tensor, Tensor]:
    """``(std(input, dim), mean(input, dim))``, as ``torch.std_mean``.

    Example:
        >>> ag.std_mean(ag.tensor([1.0, 2.0, 3.0]))
        (tensor(1.), tensor(2.))
    """
    return _with_mean("std_mean", Std, input, dim, unbiased, keepdim, correction)

"""``scatter_reduce``: combine ``src`` into ``input`` at ``index`` along ``dim`` with a reduction.

out[index[i][j]][j] = reduce(input[...] (if include_self), every src[i][j] sent there) for
dim 0; positions no index reaches keep ``input``. The gradients, as PyTorch's:

* ``sum``:  d/dx = 1 (0 at reached positions without include_self), d/dsrc = gather(g).
* ``mean``: the same divided by the count of values combined at each position.
* ``prod``: d/dx = the product of the src values sent there, d/dsrc_j = the product of the
  other values combined with it (exact with zeros; under create_graph src must be nonzero).
* ``amax``/``amin``: the gradient split evenly between all values equal to the result (the
  input's value counts among them even with include_self=False, as in PyTorch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..primitive import OpError, Primitive
from .indexing import Gather, gather_window
from .movement import clone, reshape
from .scatter import _scatter_checks, scatter_grid, window

if TYPE_CHECKING:
    from ..types import Array, Value

REDUCTIONS = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
              "amin": np.minimum}


def _identity(reduce: str, dtype: np.dtype[Any]) -> Any:
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


class ScatterReduce(Primitive):
    """input with the ``src`` values at ``index`` along ``axis`` reduced into it (see the module)."""

    saved_inputs = (0, 1)
    saves_output = True
    hint = "index must have as many dims as input, and fit inside input (outside dim) and src"

    def forward(self, x: Array, src: Array, index: Array, axis: int, reduce: str,
                include_self: bool) -> Array:
        self.index, self.axis, self.reduce, self.include_self = index, axis, reduce, include_self
        grid = scatter_grid(index, axis)
        s = src[window(index.shape)]
        self.src_shape = src.shape
        out = x.copy()
        self.hit = np.zeros(x.shape, dtype=np.bool_)
        self.hit[grid] = True
        if not include_self:
            out[grid] = _identity(reduce, x.dtype)
        REDUCTIONS[reduce].at(out, grid, s)
        if reduce == "mean":
            count = np.zeros(x.shape, dtype=np.int64)
            np.add.at(count, grid, 1)
            count = np.maximum(count + include_self, 1)
            out = out / count if x.dtype.kind == "f" else np.floor_divide(out, count)
            self.count = count.astype(x.dtype)
        if reduce in ("amax", "amin") and x.dtype.kind == "f":
            # as PyTorch: x counts among the ties even where include_self=False leaves it out
            self_is = x == out
            src_is = s == np.take_along_axis(out[gather_window(index.shape, axis)], index, axis)
            ties = self_is.astype(x.dtype)
            np.add.at(ties, grid, src_is)
            kept = self_is if include_self else self_is & ~self.hit
            self.self_share = np.where(kept, 1 / np.maximum(ties, 1), 0).astype(x.dtype)
            self.src_is, self.inverse_ties = src_is, 1 / np.maximum(ties, 1)
        return out.astype(x.dtype, copy=False)

    def _gather(self, g: Value) -> Value:
        return self.call(Gather, g[gather_window(self.index.shape, self.axis)], index=self.index,
                         axis=self.axis)

    def _pad(self, grad_src: Value) -> Value:
        """The src gradient at src's shape (zeros outside the part the index reads)."""
        if grad_src.shape == self.src_shape:
            return grad_src
        from .indexing import IndexAdd

        return self.call(IndexAdd, grad_src, index=window(self.index.shape), shape=self.src_shape)

    def backward(self, g: Value) -> tuple[Value | None, ...]:
        reduce, kept = self.reduce, ~self.hit
        if reduce == "sum":
            grad_x, grad_src = (g if self.include_self else g * kept), self._gather(g)
        elif reduce == "mean":
            grad_x = g / self.count if self.include_self else g * kept
            grad_src = self._gather(g / self.count)
        elif reduce in ("amax", "amin"):
            grad_x = g * self.self_share
            grad_src = self._gather(g * self.inverse_ties) * self.src_is
        else:
            grad_x, grad_src = self._prod_backward(g)
        return grad_x, self._pad(grad_src) if self.needs_input_grad[1] else None

    def _prod_backward(self, g: Value) -> tuple[Value, Value]:
        x, src, out = self.input(0), self.input(1), self.output()
        s = src[window(self.index.shape)]
        params = {"index": self.index, "axis": self.axis, "reduce": "prod", "include_self": True}
        if self.include_self:  # the product of the src values at each position, no division
            ones = np.ones(self.hit.shape, dtype=g.dtype)
            grad_x = g * self.call(ScatterReduce, ones, src, **params)
        else:
            grad_x = g * ~self.hit
        if self._create_graph:
            if (s._data == 0).any():
                raise OpError("scatter_reduce: create_graph=True through reduce='prod' with zeros "
                              "in src is not supported")
            return grad_x, self._gather(g * out) / s
        zero = s == 0
        zeros_at = np.zeros(self.hit.shape, dtype=np.int64)
        np.add.at(zeros_at, scatter_grid(self.index, self.axis), zero)
        zero_count = self._gather(zeros_at)
        base = x if self.include_self else np.ones_like(x)
        nonzero_src = src.copy()
        nonzero_src[window(self.index.shape)] = np.where(zero, 1, s)
        masked = self.call(ScatterReduce, base, nonzero_src, **params)  # of the nonzero values
        others = np.where(zero, np.where(zero_count == 1, self._gather(masked), 0),
                          self._gather(out) / np.where(zero, 1, s))
        return grad_x, self._gather(g) * others


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """``input`` with ``src[i][j]`` reduced into ``[index[i][j]][j]`` (dim 0).

    ``reduce`` is ``'sum'``, ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``; with
    ``include_self=False`` the input's values at reached positions are left out of the
    reduction. Integer ``'mean'`` rounds down, as in PyTorch.
    """
    if reduce not in REDUCTIONS:
        raise OpError(f"scatter_reduce: reduce must be one of 'sum', 'prod', 'mean', 'amax', "
                      f"'amin', got {reduce!r}")
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce: src must be a tensor, got {type(src).__name__}")
    axis, array = _scatter_checks("scatter_reduce", input, dim, index, src)
    if array.size == 0:
        return clone(input)
    if input.ndim == 0:
        return reshape(scatter_reduce(reshape(input, 1), 0, Tensor._wrap(array.reshape(1)),
                                      reshape(src, 1), reduce, include_self=include_self), ())
    return ScatterReduce.apply(input, src, index=array, axis=axis, reduce=reduce,
                               include_self=include_self)


def scatter_reduce_(self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                    include_self: bool = True) -> Tensor:
    """In place: ``scatter_reduce``."""
    from ..inplace import apply_inplace

    def op(x: Tensor, index: Tensor, src: Tensor) -> Tensor:
        return scatter_reduce(x, dim, index, src, reduce, include_self=include_self)
    return apply_inplace(self, "scatter_reduce_", op, index, src)

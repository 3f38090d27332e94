"""``out=``: write an op's result into a given tensor, with PyTorch's rules.

The result is computed as usual, then copied into ``out`` (same memory, version counter bumped)
and ``out`` is returned. As in PyTorch, ``out=`` does not take part in autograd: it is refused
while grad mode is on and an input or ``out`` requires grad. The result's dtype must cast to
``out``'s within its kind (float into float, int into float, not float into int); an ``out`` of
another shape is resized, with a warning when it held elements.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import dtypes, grad_mode
from ._tensor import Tensor

__all__ = ["write_out"]


def write_out(result: Tensor, out: Tensor | None, where: str, *inputs: object) -> Tensor:
    """``result`` itself without ``out``; otherwise ``out`` holding ``result``'s values.

    Raises:
        TypeError: ``out`` is not a Tensor.
        RuntimeError: autograd is involved, or the dtypes do not cast.
    """
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"{where}(): argument 'out' must be a Tensor, not {type(out).__name__}")
    if grad_mode.is_grad_enabled() and (
            out.requires_grad or result.requires_grad
            or any(isinstance(x, Tensor) and x.requires_grad for x in inputs)):
        raise RuntimeError(f"{where}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad. Hint: run "
                           "it under torch.no_grad(), or drop out= and assign the result")
    source = result._data
    if not np.can_cast(source.dtype, out._data.dtype, "same_kind"):
        raise RuntimeError(f"{where}(): result type {dtypes.name(source.dtype)} can't be cast to "
                           f"the desired output type {dtypes.name(out._data.dtype)}")
    if out._data.shape != source.shape:
        if out._data.size:
            warnings.warn(f"{where}(): an output with one or more elements was resized since it "
                          f"had shape {list(out._data.shape)}, which does not match the required "
                          f"output shape {list(source.shape)}", UserWarning, stacklevel=3)
        out.data = np.empty(source.shape, out._data.dtype)
    np.copyto(out._data, source, casting="same_kind")
    out._version_counter[0] += 1  # an in-place change (inplace.increment_version)
    return out

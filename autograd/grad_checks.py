"""What may replace a gradient: a hook's return value, and what ``.grad`` is set to (PyTorch's checks).

A gradient hook (``Tensor.register_hook``, a module's full backward hook or pre-hook) returns
None to keep the gradient, or a Tensor of the same dtype and shape to replace it; anything else
raises at once, naming the hook, instead of leaving a ``.grad`` of the wrong shape that an
optimizer would broadcast::

    hook '<lambda>' has changed the size of value (was [2] got [3])
    hook 'scale' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)
    expected Variable, but hook 'scale' returned 'float'

``x.grad = value`` takes None or a Tensor of ``x``'s shape and dtype, and never ``x`` itself.
"""

from __future__ import annotations

from typing import Any

from ._tensor import Tensor
from .types import Array

__all__ = ["check_assigned_grad", "check_hook_result", "hook_name"]


def hook_name(hook: Any) -> str:
    """How errors name a hook: its ``__name__`` (``'<lambda>'`` for a lambda), else its class."""
    name = getattr(hook, "__name__", None)
    return name if isinstance(name, str) else f"{type(hook).__name__} object"


def _type_name(value: object) -> str:
    cls = type(value)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def check_hook_result(hook: Any, original: Tensor | Array, result: object) -> None:
    """Raise unless ``result`` (not None) may replace the gradient ``original``.

    Raises:
        TypeError: ``result`` is not a Tensor.
        RuntimeError: its dtype or its shape differs from ``original``'s.
    """
    name = hook_name(hook)
    if not isinstance(result, Tensor):
        raise TypeError(f"expected Variable, but hook '{name}' returned '{_type_name(result)}'. "
                        "Hint: return None to keep the gradient, or a Tensor of its shape and dtype")
    before = original if isinstance(original, Tensor) else Tensor._wrap(original)
    if result._data.dtype != before._data.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {before.type()} got "
                           f"{result.type()})")
    if result.shape != before.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value (was {list(before.shape)} "
                           f"got {list(result.shape)})")


def check_assigned_grad(tensor: Tensor, value: object) -> None:
    """Raise unless ``value`` may be assigned to ``tensor.grad`` (None always may).

    Raises:
        TypeError: not a Tensor (a list or an array: wrap it with ``torch.tensor``).
        RuntimeError: ``tensor`` itself, or another shape or dtype than ``tensor``'s.
    """
    if value is None:
        return
    if not isinstance(value, Tensor):
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                        f"{_type_name(value)}")
    if value is tensor:
        raise RuntimeError("can't assign Variable as its own grad")
    if value._data.dtype != tensor._data.dtype:
        raise RuntimeError(f"attempting to assign a gradient with dtype '{value.dtype}' to a tensor "
                           f"with dtype '{tensor.dtype}'. The gradient must match the tensor's "
                           "dtype. Hint: convert it, e.g. x.grad = g.to(x.dtype)")
    if value.shape != tensor.shape:
        raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a "
                           f"tensor of size '{list(tensor.shape)}'. Please ensure that the "
                           "gradient and the tensor are the same size")

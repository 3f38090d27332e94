"""Checking a loaded optimizer state entry by entry, before ``load_state_dict`` changes anything.

A built-in optimizer declares what a parameter's state holds: ``_state_kinds`` maps each key
to its kind (a function below), and ``_required_state(group)`` names the keys a non-empty state
must have. A kind checks one value and returns what the optimizer keeps:

* ``count``: a step count, a non-negative integer (an int, an integral float, or a one-element
  Tensor as PyTorch saves ``step``), kept as an int. ``step = -5`` would make Adam's bias
  correction ``1 - beta ** -5`` negative and its update fail with "math domain error".
* ``buffer``: a Tensor (or array) of exactly the expected shape and a real dtype, kept as a new
  Tensor in the parameters' dtype; ``squares`` is a buffer of squares, so never negative (its
  square root is taken); ``optional_buffer`` may be None (PyTorch's SGD saves
  ``momentum_buffer: None``), which means "not started".
* LBFGS's: ``scalar`` (a number or a one-element Tensor), ``optional_scalar`` (None too),
  ``buffers`` and ``scalars`` (lists of them; ``al`` holds None until used).

Every error names the optimizer, the parameter (its index in the state dict, its group and its
place there) and the entry, and says what was expected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

import autograd as ag

__all__ = ["DROP", "Kind", "Like", "buffer", "buffers", "check_entries", "count",
           "optional_buffer", "optional_scalar", "scalar", "scalars", "squares"]


class Like(NamedTuple):
    """What a buffer must look like: its shape and (floating) dtype, and what that shape is."""

    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    what: str


Kind = Callable[[Any, str, Like], Any]
DROP = object()  # a kind's result meaning "leave the entry out"


def _type(value: object) -> str:
    return type(value).__name__


def _single(value: Any) -> Any:
    """A one-element Tensor or array as its Python number; other values unchanged."""
    if isinstance(value, (ag.Tensor, np.ndarray, np.generic)):
        array = value.detach().numpy() if isinstance(value, ag.Tensor) else np.asarray(value)
        if array.size == 1 and array.dtype.kind in "biuf":
            return array.item()
    return value


def count(value: Any, where: str, like: Like) -> int:
    """A non-negative integer count (``step``, LBFGS's ``n_iter``), as an int."""
    number = _single(value)
    integral = isinstance(number, int) or (isinstance(number, float) and number.is_integer())
    if isinstance(number, bool) or not integral or number < 0:
        raise ValueError(f"{where} must be a non-negative integer (a count of steps), got "
                         f"{value!r:.60}")
    return int(number)


def scalar(value: Any, where: str, like: Like) -> int | float | ag.Tensor:
    """A real number: a Python one as it is, a one-element Tensor as a 0-d one in ``like.dtype``."""
    number = _single(value)
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise TypeError(f"{where} must be a number (or a one-element Tensor), got {_type(value)}")
    return number if number is value else ag.tensor(number, dtype=like.dtype)


def optional_scalar(value: Any, where: str, like: Like) -> float | None:
    """None, or a real number kept as a float (LBFGS's ``prev_loss``)."""
    return None if value is None else float(_single(scalar(value, where, like)))


def buffer(value: Any, where: str, like: Like) -> ag.Tensor:
    """A Tensor (or array) of shape ``like.shape`` and a real dtype, copied in ``like.dtype``."""
    if not isinstance(value, (ag.Tensor, np.ndarray)):
        raise TypeError(f"{where} must be a Tensor of shape {list(like.shape)}, got {_type(value)}")
    array = value.detach().numpy() if isinstance(value, ag.Tensor) else value
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{where} must hold real numbers, got dtype {array.dtype}")
    if array.shape != like.shape:
        raise ValueError(f"{where} has shape {list(array.shape)}, expected {list(like.shape)} "
                         f"({like.what})")
    return ag.tensor(array, dtype=like.dtype)


def squares(value: Any, where: str, like: Like) -> ag.Tensor:
    """A buffer of running squares (``exp_avg_sq``, ``square_avg``, ``sum``): never negative."""
    tensor = buffer(value, where, like)
    smallest = tensor.numpy().min() if tensor.numel() else 0.0
    if smallest < 0:
        raise ValueError(f"{where} holds squares, so it can't be negative, but it holds "
                         f"{smallest} (the update takes its square root)")
    return tensor


def optional_buffer(value: Any, where: str, like: Like) -> Any:
    """A buffer, or None for one not started yet (then the entry is left out)."""
    return DROP if value is None else buffer(value, where, like)


def buffers(value: Any, where: str, like: Like) -> list[ag.Tensor]:
    """A list of buffers (LBFGS's ``old_dirs``, ``old_stps``)."""
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{where} must be a list of Tensors, got {_type(value)}")
    return [buffer(item, f"{where}[{i}]", like) for i, item in enumerate(value)]


def scalars(value: Any, where: str, like: Like) -> list[int | float | ag.Tensor | None]:
    """A list of numbers, None where not computed yet (LBFGS's ``ro``, ``al``)."""
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{where} must be a list of numbers, got {_type(value)}")
    return [None if item is None else scalar(item, f"{where}[{i}]", like)
            for i, item in enumerate(value)]


def check_entries(values: Any, kinds: Mapping[str, Kind], required: tuple[str, ...], like: Like,
                  where: str, optimizer: str) -> dict[str, Any]:
    """A parameter's loaded state: every entry checked by its kind, none unknown or missing.

    Args:
        values: the state dict's entry for this parameter (a dict of state entries).
        kinds: the optimizer's kind of each key it keeps.
        required: the keys a non-empty state must hold.
        like: the shape and dtype of its buffers.
        where: how errors name this parameter's state.
        optimizer: the optimizer's class name.
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"{where} must be a dict of state entries, got {_type(values)}")
    unknown = [key for key in values if key not in kinds]
    if unknown:
        raise ValueError(f"{where} has unknown entries {unknown}; {optimizer} keeps only "
                         f"{list(kinds)}. Hint: was it saved by another optimizer type?")
    missing = [key for key in required if key not in values] if values else []
    if missing:
        raise ValueError(f"{where} lacks {missing} (it has {list(values)}); these options' "
                         f"updates need {list(required)}")
    state = {key: kinds[key](value, f"{where}: '{key}'", like) for key, value in values.items()}
    return {key: value for key, value in state.items() if value is not DROP}


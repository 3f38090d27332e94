"""The check of the sizes a layer is built with, so that a mistake names the layer and the argument.

``nn.Linear(-1, 2)`` is refused by ``Linear`` ("in_features must be >= 0"), not by the
``empty(2, -1)`` it would call: a negative size is a RuntimeError (``ag.OpError``) and a
size that is not an int a TypeError, the errors PyTorch raises for these arguments.
"""

from __future__ import annotations

import numbers

import autograd as ag


def layer_size(layer: str, name: str, value: object) -> int:
    """``value`` as an int size of ``layer`` (``Linear``'s ``in_features``...), checked.

    Raises:
        TypeError: not an int (``Linear(2.5, 2)``). OpError: negative (``Linear(-1, 2)``).
    """
    if isinstance(value, bool) or not (isinstance(value, numbers.Integral) or _integer_scalar(value)):
        raise TypeError(f"{layer}: {name} must be an int, got {type(value).__name__} {value!r}. "
                        "Hint: sizes count features, e.g. x.shape[-1]")
    size = int(value)  # type: ignore[call-overload]  # an integral (checked above)
    if size < 0:
        raise ag.OpError(f"{layer}: {name} must be >= 0, got {size}. Hint: sizes count "
                         "features and cannot be negative")
    return size


def _integer_scalar(value: object) -> bool:
    """A 0-d integer tensor (``t.argmax()``, say), which PyTorch takes as an int."""
    return (isinstance(value, ag.Tensor) and value.ndim == 0 and not value.is_floating_point()
            and value.dtype != ag.bool)

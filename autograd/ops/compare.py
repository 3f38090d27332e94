"""Tests on values: isclose allclose equal isnan isinf isposinf isneginf isfinite isreal.

The results are bool tensors (``allclose`` and ``equal`` a Python bool) that never require
grad. As in PyTorch, ``isclose``/``allclose`` need operands of one dtype and test
``|input - other| <= atol + rtol * |other|`` (infinities are close only to themselves, nan
only with ``equal_nan=True``); ``equal`` compares values of any dtypes and needs equal shapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._tensor import Tensor
from ..dtypes import default_float, name
from ..primitive import OpError
from .arithmetic import BROADCAST_HINT

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..types import Array


def _array(op: str, value: Any, label: str = "input") -> Array:
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{label}' must be a Tensor, not "
                        f"{type(value).__name__}. Hint: wrap it, e.g. ag.tensor({value!r})")
    return value._data


def _value_test(op: str, ufunc: Callable[[Array], Array], doc: str) -> Callable[[Tensor], Tensor]:
    def test(input: Tensor) -> Tensor:
        x = _array(op, input)
        if x.dtype.kind != "f":
            return Tensor._wrap(np.zeros(x.shape, dtype=bool) if op != "isreal" else
                                np.ones(x.shape, dtype=bool))
        return Tensor._wrap(np.asarray(ufunc(x)))

    test.__name__ = test.__qualname__ = op
    test.__doc__ = doc
    return test


isnan: Callable[[Tensor], Tensor] = _value_test(
    "isnan", np.isnan, "True where the element is nan (never for integers).")
isinf: Callable[[Tensor], Tensor] = _value_test("isinf", np.isinf, "True where the element is +inf or -inf.")
isposinf: Callable[[Tensor], Tensor] = _value_test("isposinf", np.isposinf, "True where the element is +inf.")
isneginf: Callable[[Tensor], Tensor] = _value_test("isneginf", np.isneginf, "True where the element is -inf.")
isreal: Callable[[Tensor], Tensor] = _value_test("isreal", lambda x: np.ones(x.shape, dtype=bool),
                     "True everywhere: ndgrad's tensors hold real numbers only.")


def isfinite(input: Tensor) -> Tensor:
    """True where the element is neither nan nor infinite (always for integers)."""
    x = _array("isfinite", input)
    return Tensor._wrap(np.isfinite(x) if x.dtype.kind == "f" else np.ones(x.shape, dtype=bool))


def _close(op: str, input: Tensor, other: Tensor, rtol: float, atol: float,
           equal_nan: bool) -> Array:
    a, b = _array(op, input), _array(op, other, "other")
    if a.dtype != b.dtype:
        raise OpError(f"{op}: input and other must have the same dtype, got {name(a.dtype)} and "
                      f"{name(b.dtype)}. Hint: convert one, e.g. other.to(input.dtype)")
    for label, tol in (("rtol", rtol), ("atol", atol)):
        if not tol >= 0:  # nan too
            raise OpError(f"{op}: {label} must be greater than or equal to zero, but got {tol}")
    try:
        a, b = np.broadcast_arrays(a, b)
    except ValueError:
        raise OpError(f"{op}: the shapes {tuple(a.shape)} and {tuple(b.shape)} do not broadcast. "
                      f"Hint: {BROADCAST_HINT}") from None
    if a.dtype.kind == "b":
        return np.asarray(a == b)
    work = a.dtype if a.dtype.kind == "f" else default_float()
    with np.errstate(invalid="ignore", over="ignore"):
        close = a == b
        x, y = a.astype(work, copy=False), b.astype(work, copy=False)
        finite = np.isfinite(x) & np.isfinite(y)
        close |= finite & (np.abs(x - y) <= work.type(atol) + work.type(rtol) * np.abs(y))
        if equal_nan:
            close |= np.isnan(x) & np.isnan(y)
    return close


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """True where ``|input - other| <= atol + rtol * |other|``, broadcasting.

    Infinities are close only to an equal infinity; nans only with ``equal_nan=True``.

    Example:
        >>> ag.isclose(ag.tensor([1.0, 2.0]), ag.tensor([1.0 + 1e-7, 2.1]))
        tensor([ True, False])
    """
    return Tensor._wrap(_close("isclose", input, other, rtol, atol, equal_nan))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether every element of ``input`` is close to ``other``'s (see ``isclose``)."""
    return bool(_close("allclose", input, other, rtol, atol, equal_nan).all())


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both have the same shape and the same values (nan is never equal)."""
    a, b = _array("equal", input), _array("equal", other, "other")
    return a.shape == b.shape and bool(np.array_equal(a, b))

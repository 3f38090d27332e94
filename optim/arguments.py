"""The optimizers' and schedulers' arguments: checked when given, every error naming the class.

PyTorch checks a few hyper-parameters, in words that do not name the class ("Invalid learning
rate: -1.0"), and lets a value of the wrong type travel into the update, where it fails at the
first step in Python's words (``lr=(0.1,)``: "can't multiply sequence by non-int of type
'float'") or computes nonsense. ndgrad checks every argument at construction:

* a *check* takes an argument's name and value and raises TypeError for a wrong type or
  ValueError for a value out of range (in PyTorch's words where PyTorch has some). ``number``,
  ``flag``, ``betas``, ``real``, ``positive``, ``function`` are checks; ``nonnegative(label)``
  and ``integer(minimum)`` make them; ``each`` runs one on every entry of a per-group list;
  ``epochs`` checks and returns a list of epoch indices.
* ``NamedErrors``, the base of ``Optimizer`` and ``LRScheduler``, puts the class's name in
  front of the message of each documented error that ``__init__`` raises (a subclass's too, so
  also its checks before ``super().__init__``) and that the methods in ``_named_methods`` raise:
  "SGD: Invalid learning rate: -1.0", "OneCycleLR.step: Tried to step 11 times...". The error
  keeps its type and traceback; a message that names the class already is left as it is.

Bools: an optimizer's hyper-parameters reach PyTorch's ops as ``alpha=`` arguments, which refuse
a bool ("Boolean alpha only supported for Boolean results" from ``weight_decay=True``), so
``number`` refuses bools for all of them; a scheduler's numbers only enter Python arithmetic,
where ``True`` is 1 as in PyTorch, so ``real`` takes them.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

import autograd as ag
from autograd.boundary import RENAMED, renamed

__all__ = ["Check", "NamedErrors", "betas", "each", "epochs", "flag", "function", "integer",
           "nonnegative", "number", "positive", "real"]

Check = Callable[[str, Any], None]
_F = TypeVar("_F", bound=Callable[..., Any])


def _type(value: object) -> str:
    return "None" if value is None else type(value).__name__


# ---- checks ------------------------------------------------------------------------------
def real(name: str, value: Any) -> None:
    """A real number: an int (a bool too), a float or a NumPy one (a scheduler's arguments)."""
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, not {_type(value)}")


def number(name: str, value: Any) -> None:
    """A real number that is not a bool (an optimizer's hyper-parameters: see the module docstring)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, not bool")
    real(name, value)


def _scalar(name: str, value: Any) -> Any:
    """A one-element Tensor as its Python number (``lr`` and ``betas`` may be Tensors); else ``value``."""
    if isinstance(value, ag.Tensor):
        if value.numel() != 1:
            raise ValueError(f"Tensor {name} must be 1-element")
        return value.item()
    return value


def nonnegative(label: str, tensor: bool = False) -> Check:
    """The check ``Invalid <label>: <value>`` (PyTorch's wording) of a number that must be >= 0.

    NaN fails too. With ``tensor``, a one-element Tensor is taken, as PyTorch takes ``lr``.
    """
    def check(name: str, value: Any) -> None:
        scalar = _scalar(name, value) if tensor else value
        number(name, scalar)
        if not scalar >= 0.0:
            raise ValueError(f"Invalid {label}: {value}")
    return check


def flag(name: str, value: Any) -> None:
    """A bool (``nesterov``, ``maximize``...): PyTorch would read ``maximize="no"`` as True."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {_type(value)}")


def integer(minimum: int | None = None) -> Check:
    """The check of an int (not a bool), at least ``minimum`` if given (LBFGS's counts)."""
    def check(name: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer, not {_type(value)}")
        if minimum is not None and value < minimum:
            raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return check


def betas(name: str, value: Any) -> None:
    """Adam's ``(beta1, beta2)``: two floats (or one-element Tensors) in [0, 1), as PyTorch."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a pair (beta1, beta2), not {_type(value)}")
    if len(value) != 2:
        raise ValueError(f"{name} must be a pair (beta1, beta2), got {len(value)} values: {value}")
    for i, beta in enumerate(value):
        scalar = _scalar(f"{name}[{i}]", beta)
        number(f"{name}[{i}]", scalar)
        if not 0.0 <= scalar < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    if not (all(isinstance(b, float) for b in value) or all(isinstance(b, ag.Tensor) for b in value)):
        raise ValueError("betas must be either both floats or both Tensors")


def positive(name: str, value: Any) -> None:
    """A real number > 0 (NaN fails): a period (``step_size``, ``T_max``), a divisor."""
    real(name, value)
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value}")


def function(name: str, value: Any) -> None:
    """Something to call (LambdaLR's ``lr_lambda``)."""
    if not callable(value):
        raise TypeError(f"{name} must be a function of the epoch, not {_type(value)}")


def each(check: Check, name: str, values: Iterable[Any]) -> None:
    """``check`` on every entry of a per-group list (``lr_lambda=[f, g]``, ``max_lr=[0.1, 0.2]``).

    The messages name the entry: "max_lr[1] must be a real number, not str".
    """
    for i, value in enumerate(values):
        check(f"{name}[{i}]", value)


def epochs(name: str, value: Any) -> list[int]:
    """An iterable of epoch indices (MultiStepLR's ``milestones``) as a list of ints.

    A string is not one (PyTorch would count its characters as milestones that never come).
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be an iterable of epoch indices (ints), not {_type(value)}")
    found = list(value)
    for epoch in found:
        if not isinstance(epoch, numbers.Integral):
            raise TypeError(f"{name} must hold epoch indices (ints), but holds {epoch!r:.40} "
                            f"({_type(epoch)})")
    return [int(epoch) for epoch in found]


# ---- naming ------------------------------------------------------------------------------
def _naming(method: _F) -> _F:
    """``method``, whose documented errors name the class of the object it was called on.

    A constructor's say "SGD: ...", another method's "OneCycleLR.step: ...".
    """
    @functools.wraps(method)
    def named(self: object, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RENAMED as error:
            owner = type(self).__name__
            renamed(error, owner if method.__name__ == "__init__" else f"{owner}.{method.__name__}",
                    owner=owner)
            raise
    return named  # type: ignore[return-value]


class NamedErrors:
    """A base whose subclasses' ``__init__`` and ``_named_methods`` raise errors naming the class.

    Each class deriving from it has those methods wrapped once, when the class is created
    (``inspect.signature`` still shows the method's own parameters).
    """

    _named_methods: ClassVar[tuple[str, ...]] = ("__init__",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls._named_methods:
            if name in cls.__dict__:
                setattr(cls, name, _naming(cls.__dict__[name]))

"""Grad mode: whether ops record the graph. Thread-local, as in PyTorch.

``no_grad``, ``enable_grad`` and ``set_grad_enabled`` work as context managers and
as decorators.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ParamSpec, Protocol, TypeVar

    P = ParamSpec("P")
    R = TypeVar("R")

    class _HasEnabled(Protocol):
        enabled: bool


class _State(threading.local):
    enabled = True  # the class attribute is each thread's starting value


_state = _State()


def is_grad_enabled() -> bool:
    """True when ops record the graph (the default)."""
    return _state.enabled


class Switch:
    """A context manager that sets ``state.enabled`` to ``mode`` and restores it on exit.

    Also a decorator that does so around each call: the base of ``no_grad``, ``enable_grad``
    and ``detect_anomaly``.
    """

    state: _HasEnabled = _state
    mode: bool
    _previous: bool

    def __enter__(self) -> None:
        self._previous = self.state.enabled
        self.state.enabled = self.mode

    def __exit__(self, *exc_info: object) -> None:
        self.state.enabled = self._previous

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate ``fn`` so that each call runs inside this context."""

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(Switch):  # noqa: N801 - PyTorch's name
    """Disable graph recording: ``with ag.no_grad(): ...`` or ``@ag.no_grad()``."""

    mode = False


class enable_grad(Switch):  # noqa: N801 - PyTorch's name
    """Enable graph recording inside a ``no_grad`` region."""

    mode = True


class set_grad_enabled(Switch):  # noqa: N801 - PyTorch's name
    """Set grad mode now; used as a context manager, restore the previous mode on exit.

    Example: ``ag.set_grad_enabled(False)`` or ``with ag.set_grad_enabled(is_train): ...``.
    """

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._previous = _state.enabled
        _state.enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate ``fn`` so that each call runs with grad mode set to ``mode``."""

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with set_grad_enabled(self.mode):
                return fn(*args, **kwargs)

        _state.enabled = self._previous  # used as a decorator: do not change the mode now
        return wrapper

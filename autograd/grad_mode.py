"""Grad mode: whether ops record the graph. Thread-local, as in PyTorch.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` work as context
managers and as decorators (``@no_grad()`` or bare ``@no_grad``), also of generator
functions: the generator's body runs in the mode, the code that consumes it in its own.
"""

from __future__ import annotations

import functools
import inspect
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Generator
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

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """``@no_grad`` without parentheses decorates the function directly, as in PyTorch."""
        if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], bool):
            return cls()(args[0])
        return super().__new__(cls)

    def _fresh(self) -> Switch:
        """A new context of the same kind and mode (each decorated call enters its own)."""
        return type(self)()

    def __enter__(self) -> None:
        self._previous = self.state.enabled
        self.state.enabled = self.mode

    def __exit__(self, *exc_info: object) -> None:
        self.state.enabled = self._previous

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate ``fn`` so that each call (each step of a generator) runs in this context."""
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(self, fn)  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with self._fresh():
                return fn(*args, **kwargs)

        return wrapper


def _wrap_generator(switch: Switch, fn: Callable[..., Generator[Any, Any, Any]]
                    ) -> Callable[..., Generator[Any, Any, Any]]:
    """A generator function whose body runs in ``switch``'s mode between yields (PyTorch's)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        gen = fn(*args, **kwargs)
        try:
            with switch._fresh():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with switch._fresh():
                        gen.close()
                    raise
                except BaseException as error:
                    with switch._fresh():
                        response = gen.throw(error)
                else:
                    with switch._fresh():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value

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

    def _fresh(self) -> Switch:
        return set_grad_enabled(self.mode)

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate ``fn`` so that each call runs with grad mode set to ``mode``."""
        _state.enabled = self._previous  # used as a decorator: do not change the mode now
        return super().__call__(fn)


class _InferenceState(threading.local):
    enabled = False


_inference = _InferenceState()


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()``."""
    return _inference.enabled


class inference_mode(Switch):  # noqa: N801 - PyTorch's name
    """No graph recording, as ``no_grad``, for code that only evaluates (``torch.inference_mode``).

    ``inference_mode(False)`` switches it off, inside an inference region too, and enables grad
    mode, as PyTorch's does (its guard sets grad mode to ``not mode``); both are restored on
    exit. ndgrad's tensors made inside are ordinary tensors.
    """

    state = _inference

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def _fresh(self) -> Switch:
        return inference_mode(self.mode)

    def __enter__(self) -> None:
        super().__enter__()
        self._grad_before = _state.enabled
        _state.enabled = not self.mode

    def __exit__(self, *exc_info: object) -> None:
        _state.enabled = self._grad_before
        super().__exit__(*exc_info)

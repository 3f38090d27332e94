"""``ParameterList`` and ``ParameterDict``: parameters held by position or by key.

Each entry is registered as a parameter of the container (``'0'``, ``'1'``... or the key), so
``parameters()`` and ``state_dict()`` find it; a plain Tensor put in becomes a ``Parameter``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from autograd import Tensor

from .module import Module
from .parameter import Parameter


def _as_parameter(value: Any) -> Any:
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) \
        else value


def _store(container: Module, name: str, value: Any) -> None:
    """Register ``value`` under ``name``, keeping the entry's place if it exists (as torch)."""
    value = _as_parameter(value)
    if name in container._parameters and isinstance(value, Parameter):
        container._parameters[name] = value
    elif isinstance(value, Parameter) or value is None:
        container.register_parameter(name, value)
    else:
        setattr(container, name, value)


def _describe(value: Any, type_name: str) -> str:
    """PyTorch's line for an entry: ``Parameter containing: [torch.float32 of size 3x2]``."""
    if not isinstance(value, Tensor):
        return repr(value)
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    return f"{kind} containing: [{type_name} of size {'x'.join(map(str, value.shape))}]"


def _listing(container: Module, lines: list[str]) -> str:
    """PyTorch's repr of a parameter container: one indented line per entry."""
    name = type(container).__name__
    return f"{name}(\n" + "".join(f"    {line}\n" for line in lines) + ")" if lines else f"{name}()"


class ParameterList(Module):
    """A list of parameters: ``append``, ``extend``, indexing, iteration, ``len``."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def _index(self, idx: int) -> int:
        if not -self._size <= idx < self._size:
            raise IndexError(f"ParameterList: index {idx} is out of range (length {self._size})")
        return idx % self._size

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return ParameterList([self[i] for i in range(self._size)[idx]])
        return getattr(self, str(self._index(idx)))

    def __setitem__(self, idx: int, value: Any) -> None:
        self._put(str(self._index(idx)), value)

    def _put(self, name: str, value: Any) -> None:
        _store(self, name, value)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(self._size))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` (a Tensor becomes a Parameter) at the end."""
        self._size += 1
        self._put(str(self._size - 1), value)
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Append each of ``values``."""
        if isinstance(values, (str, Tensor)) or not isinstance(values, Iterable):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got "
                            f"{type(values).__name__}")
        for value in values:
            self.append(value)
        return self

    def __repr__(self) -> str:
        return _listing(self, [f"({i}): {_describe(v, repr(getattr(v, 'dtype', '')))}"
                               for i, v in enumerate(self)])


class ParameterDict(Module):
    """A dict of parameters by string key, in insertion order, with the dict methods."""

    def __init__(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict: keys must be strings, got {type(key).__name__}")
        self._keys[key] = None
        _store(self, key, value)

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._keys))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def keys(self) -> list[str]:
        """The keys, in insertion order."""
        return list(self._keys)

    def values(self) -> list[Any]:
        """The parameters, in insertion order."""
        return [self[k] for k in self._keys]

    def items(self) -> list[tuple[str, Any]]:
        """``(key, parameter)`` pairs, in insertion order."""
        return [(k, self[k]) for k in self._keys]

    def get(self, key: str, default: Any = None) -> Any:
        """``self[key]`` if present, else ``default``."""
        return self[key] if key in self._keys else default

    def pop(self, key: str) -> Any:
        """Remove ``key`` and return its parameter."""
        value = self[key]
        del self[key]
        return value

    def clear(self) -> None:
        """Remove every entry."""
        for key in list(self._keys):
            del self[key]

    def update(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Set each ``(key, value)`` of a mapping or of an iterable of pairs."""
        pairs = parameters.items() if isinstance(parameters, Mapping) else parameters
        for key, value in pairs:
            self[key] = value

    def __repr__(self) -> str:  # PyTorch's ParameterDict names the legacy type (FloatTensor)
        return _listing(self, [f"({k}): {_describe(v, v.type() if isinstance(v, Tensor) else '')}"
                               for k, v in self.items()])

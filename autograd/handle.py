"""``RemovableHandle``: what registering a hook returns (``handle.remove()`` unregisters it)."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from collections import OrderedDict
    from collections.abc import Callable


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks: dict[int, Callable[..., Any]], hook: Callable[..., Any], *,
                 prepend: bool = False, extra_dicts: tuple[dict[int, Any], ...] = ()) -> None:
        """Register ``hook`` in ``hooks`` (first if ``prepend``; ``hooks`` is then an OrderedDict).

        ``extra_dicts`` hold per-hook flags (e.g. ``with_kwargs``) that ``remove`` also drops.
        """
        self.id = next(RemovableHandle._ids)
        self._hooks = hooks
        self._extra_dicts = extra_dicts
        hooks[self.id] = hook
        if prepend:
            cast("OrderedDict[int, Any]", hooks).move_to_end(self.id, last=False)

    def remove(self) -> None:
        """Unregister the hook (a no-op if it was already removed)."""
        self._hooks.pop(self.id, None)
        for flags in self._extra_dicts:
            flags.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()

"""The random number generator behind every random factory, ``nn.init``, dropout and the data utilities.

It is also the one place where a function decides which generator to draw from.

``ag.manual_seed(n)`` resets the global one, so a seeded script is reproducible run to run.
"""

from __future__ import annotations

import numbers

import numpy as np


class _State:
    generator = np.random.default_rng()


_state = _State()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed ndgrad's generator (used by rand, randn, randint, randperm, dropout and nn.init)."""
    _state.generator = np.random.default_rng(int(seed))
    return _state.generator


def generator() -> np.random.Generator:
    """The current generator (a ``np.random.Generator``)."""
    return _state.generator


def resolve(seed: int | np.random.Generator | None = None, generator: np.random.Generator | None = None,
            where: str = "data") -> np.random.Generator:
    """The generator to draw from: ``generator``, else one made from ``seed``, else the global one.

    ``generator`` if given, a fresh ``default_rng(seed)`` for an int ``seed`` (or ``seed``
    itself if it is a Generator), else ndgrad's global generator, so that
    ``ag.manual_seed(n)`` makes the draw reproducible.
    """
    if generator is not None and seed is not None:
        raise ValueError(f"{where}: pass either seed= or generator=, not both")
    if generator is None and isinstance(seed, np.random.Generator):
        generator = seed
    if generator is not None:
        if not isinstance(generator, np.random.Generator):
            raise TypeError(f"{where}: generator must be a np.random.Generator "
                            f"(np.random.default_rng(n)), got {type(generator).__name__}")
        return generator
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"{where}: seed must be an int or a np.random.Generator, "
                            f"got {type(seed).__name__}")
        return np.random.default_rng(int(seed))
    return _state.generator

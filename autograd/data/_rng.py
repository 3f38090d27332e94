"""Where the data utilities get their random numbers from."""

from __future__ import annotations

import numbers

import numpy as np

from ..random import generator as global_generator


def resolve_rng(seed=None, generator: np.random.Generator | None = None,
                where: str = "data") -> np.random.Generator:
    """The generator to draw from: ``generator`` if given, a fresh ``default_rng(seed)`` for an
    int ``seed`` (or ``seed`` itself if it is a Generator), else ndgrad's global generator, so
    that ``ag.manual_seed(n)`` makes the draw reproducible."""
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
    return global_generator()

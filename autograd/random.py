"""The random number generator behind every random factory and ``nn.init``.

``ag.manual_seed(n)`` resets it, so a seeded script is reproducible run to run.
"""

from __future__ import annotations

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

"""``torch.backends.mps``: Apple's Metal backend, never available here."""

from __future__ import annotations


def is_available() -> bool:
    """False: ndgrad computes with NumPy on the CPU."""
    return False


def is_built() -> bool:
    """False: ndgrad has no Metal backend."""
    return False

"""``torch.accelerator``: there is none, so scripts that ask fall back to the CPU."""

from __future__ import annotations

from .device import device

__all__ = ["current_accelerator", "device_count", "is_available"]


def is_available() -> bool:
    """False: ndgrad computes with NumPy on the CPU."""
    return False


def current_accelerator(check_available: bool = False) -> device | None:
    """None: there is no accelerator (PyTorch returns None too when there is none)."""
    return None


def device_count() -> int:
    """0 accelerators."""
    return 0

"""``torch.cuda`` on a CPU-only engine: nothing is available, and asking for a GPU says so.

Scripts test ``torch.cuda.is_available()`` and seed every device; those calls work and report
no GPU. Moving a tensor to ``"cuda"`` raises :class:`~autograd.device.DeviceError`.
"""

from __future__ import annotations

from .device import DeviceError

__all__ = ["DeviceError", "current_device", "device_count", "empty_cache", "is_available",
           "manual_seed", "manual_seed_all", "synchronize"]


def is_available() -> bool:
    """False: ndgrad computes with NumPy on the CPU."""
    return False


def device_count() -> int:
    """0: there is no CUDA device."""
    return 0


def manual_seed(seed: int) -> None:
    """Accepted and ignored (there is no CUDA generator to seed); seed with ``ag.manual_seed``."""


def manual_seed_all(seed: int) -> None:
    """Accepted and ignored, like :func:`manual_seed`."""


def synchronize(device: object = None) -> None:
    """Nothing to wait for: every op has finished when it returns."""


def empty_cache() -> None:
    """Nothing to free: there is no CUDA memory."""


def current_device() -> int:
    """Refused: there is no CUDA device.

    Raises:
        DeviceError: always, naming the CPU.
    """
    raise DeviceError("torch.cuda.current_device(): ndgrad runs on the CPU only, there is no "
                      "CUDA device. Hint: check torch.cuda.is_available() first")

"""``torch.backends.cudnn``: settable flags with no effect (ndgrad has no cuDNN)."""

from __future__ import annotations

enabled = False
benchmark = False
deterministic = False
allow_tf32 = False


def is_available() -> bool:
    """False: there is no cuDNN."""
    return False

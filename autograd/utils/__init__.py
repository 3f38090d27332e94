"""``torch.utils``: ``torch.utils.data`` is ``autograd.data``."""

from __future__ import annotations

from .. import data

__all__ = ["data"]

"""``torch.backends``: the flags scripts set (``cudnn.benchmark``...) exist and do nothing.

``torch.backends.mps.is_available()`` and ``torch.backends.cuda...`` report no accelerator.
"""

from __future__ import annotations

from . import cudnn, mps

__all__ = ["cudnn", "mps"]

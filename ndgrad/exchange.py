"""Weights to and from PyTorch: safetensors files, as ``safetensors.torch`` reads and writes them.

A ``.safetensors`` file holds a flat ``{name: tensor}`` dict (no code, unlike a ``torch.save``
pickle), so a ``state_dict`` moves both ways bit for bit::

    # in PyTorch
    from safetensors.torch import save_file
    save_file(model.state_dict(), "model.safetensors")

    # in ndgrad
    import ndgrad
    model.load_state_dict(ndgrad.load_file("model.safetensors"))
    ndgrad.save_file(model.state_dict(), "tuned.safetensors")   # back to PyTorch's load_file

``torch.save`` / ``torch.load`` (``ag.save`` / ``ag.load``) do the same for a path ending in
``.safetensors``. Both are built on ``safetensors.numpy``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from autograd import Tensor
from autograd.serialization import load_safetensors, save_safetensors

__all__ = ["load_file", "save_file"]


def save_file(tensors: Mapping[str, Tensor | np.ndarray], filename: str | os.PathLike[str],
              metadata: Mapping[str, str] | None = None) -> None:
    """Save a flat dict of Tensors as a safetensors file (``safetensors.torch.save_file``).

    The file is written atomically (a temporary file, then a rename), whatever its suffix.

    Args:
        tensors: ``{name: tensor}`` (Tensors or NumPy arrays), e.g. ``model.state_dict()``.
        filename: the path to write.
        metadata: str -> str pairs stored in the header (informative only).

    Raises:
        TypeError: not a flat dict of str -> Tensor, or a dtype safetensors lacks.
    """
    save_safetensors(tensors, filename, metadata)


def load_file(filename: str | os.PathLike[str]) -> dict[str, Tensor]:
    """Load a safetensors file as ``{name: Tensor}`` (``safetensors.torch.load_file``).

    The Tensors are writable, share no memory with the file and don't require grad.

    Raises:
        FileNotFoundError: no such file.
        SerializationError (a ValueError): not a safetensors file, truncated, or holding a
            dtype NumPy lacks (bfloat16: convert it to float32 in PyTorch first).
    """
    return load_safetensors(filename)

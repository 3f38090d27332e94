"""ndgrad, the application: the ``ndgrad`` command line and the demo, built on the libraries.

The engine is ``autograd`` (tensors, ops, backward), the layers are ``nn`` and the optimizers
``optim``; this package sits above them and nothing below imports it:

    ndgrad demo                  # train an MLP on two spirals and draw it (``python -m ndgrad demo``)
    ndgrad demo --help           # every option, with each dataset's defaults
"""

from __future__ import annotations

from .exchange import load_file, save_file
from .torch_namespace import install_as_torch

__all__ = ["install_as_torch", "load_file", "save_file"]
__version__ = "0.1.0"

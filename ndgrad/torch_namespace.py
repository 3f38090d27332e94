"""``install_as_torch()``: ndgrad's modules under torch's module names, for unchanged scripts.

After ``import ndgrad; ndgrad.install_as_torch()``, ``import torch``, ``import torch.nn as nn``,
``from torch import nn, optim`` and ``from torch.utils.data import DataLoader`` give ndgrad's
modules (compare ``pymysql.install_as_MySQLdb()``). The mapping is data, the table below: every
torch name lives in the module where torch users look for it (``autograd`` for ``torch.*``,
``nn`` for ``torch.nn.*``, ``autograd.data`` for ``torch.utils.data.*``), so nothing here is a
second copy of the API. It refuses when the real PyTorch is already imported, and never
shadows torch unless called.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

__all__ = ["TORCH_MODULES", "TorchAlreadyImportedError", "install_as_torch", "is_installed"]

TORCH_MODULES = {  # torch's module name -> the ndgrad module that plays it
    "torch": "autograd",
    "torch.autograd": "autograd",
    "torch.autograd.function": "autograd.function",
    "torch.nn": "nn",
    "torch.nn.functional": "nn.functional",
    "torch.nn.init": "nn.init",
    "torch.nn.utils": "nn.utils",
    "torch.nn.utils.rnn": "nn.utils.rnn",
    "torch.nn.parameter": "nn.parameter",
    "torch.nn.modules": "nn",
    "torch.nn.modules.module": "nn.module",
    "torch.optim": "optim",
    "torch.optim.optimizer": "optim.optimizer",
    "torch.optim.lr_scheduler": "optim.lr_scheduler",
    "torch.utils": "autograd.utils",
    "torch.utils.data": "autograd.data",
    "torch.utils.data.dataloader": "autograd.data.dataloader",
    "torch.utils.data.dataset": "autograd.data.dataset",
    "torch.utils.data.sampler": "autograd.data.sampler",
    "torch.utils.hooks": "autograd.hooks",
    "torch.cuda": "autograd.cuda",
    "torch.backends": "autograd.backends",
    "torch.backends.cudnn": "autograd.backends.cudnn",
    "torch.backends.mps": "autograd.backends.mps",
    "torch.accelerator": "autograd.accelerator",
    "torch.linalg": "autograd.linalg",
    "torch.serialization": "autograd.serialization",
}
# Features ndgrad does not have: modules whose attributes raise NotSupportedError.
FEATURE_MODULES = ("torch.sparse", "torch.distributed", "torch.quantization", "torch.jit")


class TorchAlreadyImportedError(RuntimeError):
    """``install_as_torch()`` was called after the real PyTorch had been imported."""


def is_installed() -> bool:
    """Whether ``import torch`` currently gives ndgrad."""
    import autograd

    return sys.modules.get("torch") is autograd


def install_as_torch() -> ModuleType:
    """Register ndgrad under torch's module names (idempotent) and return the ``torch`` module.

    Returns:
        ``autograd``, now also ``sys.modules["torch"]``.

    Raises:
        TorchAlreadyImportedError: the real PyTorch is already imported in this process; call
            ``install_as_torch()`` before anything imports torch (or use ``ndgrad run``).
    """
    real = sys.modules.get("torch")
    if real is not None and not is_installed():
        raise TorchAlreadyImportedError(
            f"install_as_torch(): the real PyTorch is already imported ({getattr(real, '__file__', real)}); "
            "ndgrad will not shadow it. Hint: call ndgrad.install_as_torch() first thing in the "
            "script, or run it with `ndgrad run script.py`")
    modules = {name: importlib.import_module(target) for name, target in TORCH_MODULES.items()}
    for name in FEATURE_MODULES:
        modules[name] = getattr(modules["torch"], name.rpartition(".")[2])
    for name, module in modules.items():
        sys.modules[name] = module
    for name, module in modules.items():  # what the import system does for a package's children
        parent, _, child = name.rpartition(".")
        if parent and not hasattr(modules[parent], child):
            setattr(modules[parent], child, module)
    return modules["torch"]

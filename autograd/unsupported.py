"""What ndgrad cannot be, as names that say so (never an ``AttributeError``).

Sparse tensors, distributed training, quantization and TorchScript raise
:class:`NotSupportedError`; ``compile`` returns its model.

``torch.sparse``, ``torch.distributed``, ``torch.quantization`` and ``torch.jit`` (under the swap)
are modules whose every attribute but ``is_available`` raises the error, so a script fails at
the line that needs the feature, with the reason, instead of with an ``AttributeError``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, NoReturn, TypeVar

__all__ = ["NotSupportedError", "compile", "feature_module", "sparse_coo_tensor",
           "sparse_csr_tensor"]

T = TypeVar("T")


class NotSupportedError(RuntimeError):
    """A PyTorch feature that ndgrad (NumPy, one CPU process, dense tensors) does not have."""


def _refuse(feature: str, reason: str) -> NoReturn:
    raise NotSupportedError(f"{feature}: ndgrad {reason}. Hint: ndgrad is for learning and "
                            "testing on the CPU; use PyTorch itself for this feature")


def sparse_coo_tensor(*args: Any, **kwargs: Any) -> NoReturn:
    """Refused: ndgrad has dense tensors only."""
    _refuse("torch.sparse_coo_tensor", "has dense tensors only, no sparse layouts")


def sparse_csr_tensor(*args: Any, **kwargs: Any) -> NoReturn:
    """Refused: ndgrad has dense tensors only."""
    _refuse("torch.sparse_csr_tensor", "has dense tensors only, no sparse layouts")


def compile(model: T | None = None, **options: Any) -> T | Any:  # noqa: A001 - torch's name
    """``torch.compile``: the model (or function) itself, unchanged; ndgrad has no compiler.

    Used as ``@torch.compile(mode=...)`` it returns a decorator that does the same.
    """
    if model is None:
        return lambda fn: fn
    return model


class _FeatureModule(ModuleType):
    """A module standing for a PyTorch feature: ``is_available()`` is False, the rest refuses."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name, f"{name}: not available in ndgrad ({reason}).")
        self._reason = reason

    def is_available(self) -> bool:
        """False: ndgrad does not have this feature."""
        return False

    def __getattr__(self, attribute: str) -> NoReturn:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        _refuse(f"{self.__name__}.{attribute}", self._reason)


def feature_module(name: str, reason: str) -> ModuleType:
    """The stand-in module ``name`` (e.g. ``"torch.distributed"``) for a missing feature."""
    return _FeatureModule(name, reason)


sparse = feature_module("torch.sparse", "has dense tensors only, no sparse layouts")
distributed = feature_module("torch.distributed", "runs in one process on one CPU")
quantization = feature_module("torch.quantization", "computes in float16/32/64 only")
jit = feature_module("torch.jit", "runs Python directly, with no TorchScript compiler")

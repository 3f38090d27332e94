"""The ``torch.linalg`` namespace: norm vector_norm matrix_norm svdvals vecdot matmul.

Example:
    >>> ag.linalg.vector_norm(ag.tensor([3.0, 4.0]))
    tensor(5.)
"""

from __future__ import annotations

from .ops.linalg import vecdot
from .ops.matmul import matmul
from .ops.norms import linalg_norm as norm
from .ops.norms import matrix_norm, vector_norm
from .ops.svd import svdvals

__all__ = ["matmul", "matrix_norm", "norm", "svdvals", "vecdot", "vector_norm"]

from .boundary import public_namespace  # noqa: E402

public_namespace(globals(), __all__, prefix="linalg.")  # the signatures' gate (autograd/boundary.py)

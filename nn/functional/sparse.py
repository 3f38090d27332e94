"""``F.embedding``: rows of a weight matrix looked up by index (PyTorch's ``torch.nn.functional``).

``embedding(input, weight)[..., :] = weight[input[...], :]``; the gradient of row r of the
weight is the sum of the output gradients at the positions where ``input == r`` (an index
backward: a scatter-add).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag
from autograd import Tensor


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,  # noqa: A002
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """The rows ``weight[input]``, of shape ``input.shape + (embedding_dim,)``.

    Args:
        input: an integer tensor of indices in ``[0, weight.shape[0])``.
        weight: the (num_embeddings, embedding_dim) matrix.
        padding_idx: this row gets no gradient (its positions' gradients are dropped).
        max_norm: looked-up rows whose ``norm_type``-norm exceeds it are first rescaled in
            ``weight`` itself to norm ``max_norm`` (in place, unrecorded, as PyTorch's
            ``embedding_renorm_``: ``w_r *= max_norm / (||w_r|| + 1e-7)``).
        norm_type: the p of that norm.
        scale_grad_by_freq: divide each position's gradient by how often its index occurs in
            ``input``.
        sparse: sparse gradients; ndgrad has no sparse tensors (raises NotSupportedError).

    Raises:
        TypeError: for non-integer indices or a weight that is not 2-D.
        IndexError: for an index out of range.
        NotSupportedError: for ``sparse=True``.
    """
    if sparse:
        raise ag.NotSupportedError("embedding: sparse=True needs sparse gradients, which ndgrad "
                                   "does not have. Hint: use sparse=False (dense gradients)")
    if not isinstance(input, Tensor) or input.dtype not in (ag.int64, ag.int32):
        kind = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise TypeError(f"embedding: expected the indices (argument 'input') to be an integer "
                        f"tensor (torch.int64 or torch.int32), got {kind}. Hint: "
                        "ag.tensor(indices) or input.long()")
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        shape = list(weight.shape) if isinstance(weight, Tensor) else type(weight).__name__
        raise TypeError(f"embedding: 'weight' must be a 2-D tensor (num_embeddings, "
                        f"embedding_dim), got {shape}")
    rows = weight.shape[0]
    indices = input.numpy()
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        bad = int(indices.min() if indices.min() < 0 else indices.max())
        raise IndexError(f"embedding: index {bad} is out of range for a weight with {rows} "
                         f"rows (valid: 0..{rows - 1})")
    if padding_idx is not None:
        padding_idx = _padding_index(padding_idx, rows)
    if max_norm is not None:
        _renorm(weight, indices, float(max_norm), float(norm_type))
    out = weight[input]
    if out.requires_grad and (padding_idx is not None or scale_grad_by_freq):
        scale = np.ones(indices.shape, weight.detach().numpy().dtype)
        if scale_grad_by_freq:
            values, inverse, counts = np.unique(indices, return_inverse=True, return_counts=True)
            scale = (scale / counts[inverse.reshape(indices.shape)]).astype(scale.dtype)
        if padding_idx is not None:
            scale = np.where(indices == padding_idx, 0, scale).astype(scale.dtype)
        factor = ag.tensor(scale[..., None])
        out.register_hook(lambda g: g * factor)
    return ag.name_node(out, "EmbeddingBackward0")


def _padding_index(padding_idx: int, rows: int) -> int:
    if not -rows <= padding_idx < rows:
        raise ValueError(f"embedding: padding_idx must be within num_embeddings ({rows}), got "
                         f"{padding_idx}")
    return padding_idx + rows if padding_idx < 0 else padding_idx


def _renorm(weight: Tensor, indices: Any, max_norm: float, norm_type: float) -> None:
    """PyTorch's ``embedding_renorm_``: rescale the used rows whose norm exceeds ``max_norm``."""
    array = weight.detach().numpy()
    used = np.unique(indices)
    norms = np.linalg.norm(array[used].astype(np.float64), ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        scale = (max_norm / (norms[over] + 1e-7)).astype(array.dtype)
        array[used[over]] *= scale[:, None]
        ag.increment_version(weight)

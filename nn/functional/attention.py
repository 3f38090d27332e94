"""Attention (``nn.functional``): scaled dot-product attention, composed from autograd ops.

    attention(Q, K, V) = softmax(Q K^T * scale + bias) V,   scale = 1 / sqrt(E) by default,

with Q (..., L, E), K (..., S, E), V (..., S, Ev). ``bias`` is 0 where a query may attend to a
key and -inf where it may not (a bool mask's False, the upper triangle of ``is_causal``), or a
float mask added as it is. A query row masked everywhere gives zeros (and zero gradients), as
PyTorch's math backend does, not NaN. The gradients are those of the composed ops (matmul,
the fused softmax, where), so no backward is written here.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.checks import FLOATING, OpError, broadcast_shape, count, integer, kernel, warn

from .dropout import dropout
from .layers import linear

__all__ = ["multi_head_attention_forward", "scaled_dot_product_attention"]

_OP = "scaled_dot_product_attention"


def number(op: str, name: str, value: object) -> float:
    """A float argument (``dropout_p``, ``scale``) as a Python float, or torch's TypeError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{op}(): argument '{name}' must be float, not {type(value).__name__}")
    return float(value)


def _check_inputs(query: Tensor, key: Tensor, value: Tensor, enable_gqa: bool) -> tuple[int, ...]:
    """The batch shape of the scores, after checking ranks, dtypes and sizes as PyTorch does."""
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise OpError(f"{_OP}: expected query, key and value to be at least 2-D, got shapes "
                      f"{tuple(query.shape)}, {tuple(key.shape)} and {tuple(value.shape)}. "
                      "Hint: query is (..., L, E), key (..., S, E), value (..., S, Ev)")
    if not query.dtype == key.dtype == value.dtype:
        raise OpError(f"{_OP}: expected query, key and value to have the same dtype, got "
                      f"{query.dtype}, {key.dtype} and {value.dtype}")
    kernel(_OP, query.dtype, FLOATING)
    if key.shape[-1] != query.shape[-1]:
        raise OpError(f"{_OP}: query {tuple(query.shape)} and key {tuple(key.shape)} differ in "
                      "their last dim E. Hint: query is (..., L, E), key (..., S, E)")
    if value.shape[-2] != key.shape[-2]:
        raise OpError(f"{_OP}: key {tuple(key.shape)} and value {tuple(value.shape)} differ in "
                      "dim -2 (the source length S). Hint: key is (..., S, E), value (..., S, Ev)")
    batches = [tuple(t.shape[:-2]) for t in (query, key, value)]
    if enable_gqa and query.ndim >= 3 and key.ndim >= 3 and value.ndim >= 3:
        heads = query.shape[-3]
        for name, t in (("key", key), ("value", value)):
            if t.shape[-3] == 0 or heads % t.shape[-3]:
                raise OpError(f"{_OP}: with enable_gqa the number of heads of {name} "
                              f"({t.shape[-3]}) must divide that of query ({heads})")
        batches = [b[:-1] + (heads,) for b in batches]
    shape = broadcast_shape(_OP, batches[0], batches[1])
    return broadcast_shape(_OP, shape, batches[2])


def _attention_bias(attn_mask: Tensor | None, is_causal: bool, scores: tuple[int, ...],
                    dtype: ag.dtype) -> Tensor | None:
    """What is added to the scores: -inf where a bool mask is False or above the causal diagonal.

    A float mask is returned as it is (it may require grad); None when nothing is masked.
    """
    length, source = scores[-2], scores[-1]
    if is_causal:
        if attn_mask is not None:
            raise OpError(f"{_OP}: explicit attn_mask should not be set when is_causal=True. "
                          "Hint: pass one or the other")
        causal = np.tril(np.ones((length, source), dtype=bool))
        return ag.from_numpy(np.where(causal, 0.0, -np.inf).astype(dtype.name))
    if attn_mask is None:
        return None
    if attn_mask.dtype not in (ag.bool, ag.float32, dtype):
        raise OpError(f"{_OP}: expected attn_mask dtype to be bool or float or to match query "
                      f"dtype, got attn_mask.dtype {attn_mask.dtype} and query.dtype {dtype}")
    try:
        fits = np.broadcast_shapes(scores, tuple(attn_mask.shape)) == scores
    except ValueError:
        fits = False
    if not fits:
        raise OpError(f"{_OP}: attn_mask of shape {tuple(attn_mask.shape)} does not broadcast to "
                      f"the attention scores' shape {scores}. Hint: a mask is (L, S) or "
                      "(..., L, S)")
    if attn_mask.dtype == ag.bool:  # True: take part
        return ag.from_numpy(np.where(attn_mask.detach().numpy(), 0.0, -np.inf).astype(dtype.name))
    return attn_mask


def _safe_softmax(scores: Tensor) -> Tensor:
    """Softmax over the last dim, with zeros (not NaN) in rows that are -inf everywhere."""
    dead = np.asarray(np.isneginf(scores.detach().numpy()).all(axis=-1, keepdims=True))
    if not dead.any():
        return ag.softmax(scores, -1)
    rows = ag.from_numpy(dead)
    return ag.where(rows, 0.0, ag.softmax(ag.where(rows, 0.0, scores), -1))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(Q K^T * scale + bias) V over the last two dims, any leading batch dims.

    Args:
        query: (..., L, E); the batch dims of query, key and value broadcast.
        key: (..., S, E).
        value: (..., S, Ev).
        attn_mask: bool (True: may attend) or float (added to the scores), broadcasting to
            (..., L, S).
        dropout_p: dropout on the attention weights (always applied when > 0, as PyTorch).
        is_causal: mask the keys after each query: key j takes part in query i when j <= i.
        scale: the factor of the scores, 1 / sqrt(E) when None.
        enable_gqa: grouped-query attention: key and value heads (dim -3) are repeated to
            query's number of heads.

    Returns:
        (..., L, Ev).

    Example:
        >>> q = ag.randn(2, 4, 5, 8)
        >>> scaled_dot_product_attention(q, q, q, is_causal=True).shape
        (2, 4, 5, 8)
    """
    batch = _check_inputs(query, key, value, enable_gqa)
    p = number(_OP, "dropout_p", dropout_p)
    if p > 1.0:
        raise ValueError(f"{_OP}: dropout probability has to be between 0 and 1, but got {p}")
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else number(_OP, "scale", scale)
    if enable_gqa and min(query.ndim, key.ndim, value.ndim) >= 3:
        heads = query.shape[-3]
        key, value = (t if t.shape[-3] == heads else t.repeat_interleave(heads // t.shape[-3], dim=-3)
                      for t in (key, value))
    shape = (*batch, query.shape[-2], key.shape[-2])
    bias = _attention_bias(attn_mask, is_causal, shape, query.dtype)
    scores = ag.matmul(query, key.transpose(-2, -1)) * factor
    if bias is not None:
        scores = scores + bias
    weights = _safe_softmax(scores)
    if p > 0.0:
        weights = dropout(weights, p, True)
    return ag.matmul(weights, value)


# ---- multi-head attention --------------------------------------------------------------------
_MHA = "multi_head_attention_forward"


def canonical_mask(op: str, mask: Tensor | None, name: str, dtype: ag.dtype,
                   other: Tensor | None = None, other_name: str = "") -> Tensor | None:
    """A padding or attention mask as a float bias: a bool mask's True (masked out) is -inf.

    PyTorch's ``_canonical_mask``: float masks pass as they are; a mask of another dtype than
    ``other`` (the mask it will be added to) is deprecated and warned about.
    """
    if mask is None:
        return None
    if mask.dtype != ag.bool and not mask.is_floating_point():
        raise OpError(f"{op}: only bool and floating types of {name} are supported, got "
                      f"{mask.dtype}")
    if other is not None and other.dtype != mask.dtype:
        warn(f"Support for mismatched {name} and {other_name} is deprecated. Use same type for "
             "both instead.")
    if mask.dtype == ag.bool:
        return ag.from_numpy(np.where(mask.detach().numpy(), -np.inf, 0.0).astype(dtype.name))
    return mask


def check_mha_shapes(op: str, query: Tensor, key: Tensor, value: Tensor,
                     key_padding_mask: Tensor | None, attn_mask: Tensor | None,
                     num_heads: int) -> bool:
    """Whether the input is batched ((L, N, E) rather than (L, E)), its ranks checked as PyTorch's."""
    if query.ndim not in (2, 3):
        raise OpError(f"{op}: query should be unbatched 2D or batched 3D tensor but received "
                      f"{query.ndim}-D query tensor of shape {tuple(query.shape)}")
    batched = query.ndim == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise OpError(f"{op}: for {kind} query, expected key and value to be {query.ndim}-D but "
                      f"found {key.ndim}-D and {value.ndim}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.ndim != query.ndim - 1:
        raise OpError(f"{op}: for {kind} query, expected key_padding_mask to be None or "
                      f"{query.ndim - 1}-D but found {key_padding_mask.ndim}-D tensor instead")
    if attn_mask is not None and attn_mask.ndim not in (2, 3):
        raise OpError(f"{op}: for {kind} query, expected attn_mask to be None, 2-D or 3-D but "
                      f"found {attn_mask.ndim}-D tensor instead")
    if not batched and attn_mask is not None and attn_mask.ndim == 3:
        expected = (num_heads, query.shape[0], key.shape[0])
        if tuple(attn_mask.shape) != expected:
            raise OpError(f"{op}: expected attn_mask shape to be {expected} but got "
                          f"{tuple(attn_mask.shape)}")
    return batched


def _in_projection(op: str, query: Tensor, key: Tensor, value: Tensor, weights: list[Tensor],
                   bias: Tensor | None) -> list[Tensor]:
    """q, k, v = x W_i^T + b_i, with the packed bias split in three."""
    biases: list[Tensor | None] = [None] * 3 if bias is None else list(bias.chunk(3))
    embed = query.shape[-1]
    for name, x, w, b in zip(("query", "key", "value"), (query, key, value), weights, biases):
        if tuple(w.shape) != (embed, x.shape[-1]) or (b is not None and tuple(b.shape) != (embed,)):
            raise OpError(f"{op}: expecting {name} weights of shape {(embed, x.shape[-1])} and "
                          f"bias {(embed,)}, got {tuple(w.shape)} and "
                          f"{None if b is None else tuple(b.shape)}")
    return [linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases)]


def _pad_key(t: Tensor | None) -> Tensor | None:
    """A mask with one more key (column) that takes part: bias 0."""
    return None if t is None else ag.cat([t, ag.zeros(*t.shape[:-1], 1, dtype=t.dtype)], -1)


def multi_head_attention_forward(  # noqa: PLR0913 - PyTorch's signature
        query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
        bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
        out_proj_bias: Tensor | None, training: bool = True, key_padding_mask: Tensor | None = None,
        need_weights: bool = True, attn_mask: Tensor | None = None,
        use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
        k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None,
        static_k: Tensor | None = None, static_v: Tensor | None = None,
        average_attn_weights: bool = True, is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention of (L, N, E) queries over (S, N, E_k) keys and (S, N, E_v) values.

    Each head h attends with its slice of the projections, q_h = (x W_q^T + b_q)[..., h],
    head_h = softmax(q_h k_h^T / sqrt(E / H) + mask) v_h, and the heads, concatenated, are
    projected: out = concat(head_1..head_H) W_o^T + b_o. Masks: ``key_padding_mask`` (N, S)
    and ``attn_mask`` (L, S) or (N H, L, S), bool (True: masked out) or float (added).
    ``bias_k``/``bias_v`` append one learned key/value, ``add_zero_attn`` one zero key/value.
    Unbatched input is (L, E). Returns the output (L, N, E) and, with ``need_weights``, the
    attention weights (N, L, S), averaged over the heads unless ``average_attn_weights`` is
    False (then (N, H, L, S)).
    """
    embed_dim_to_check = integer(_MHA, "embed_dim_to_check", embed_dim_to_check)
    if count(_MHA, "num_heads", num_heads) == 0:
        raise OpError(f"{_MHA}: num_heads must be greater than 0, got 0")
    batched = check_mha_shapes(_MHA, query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
    length, batch, embed = query.shape
    key_padding_mask = canonical_mask(_MHA, key_padding_mask, "key_padding_mask", query.dtype,
                                      attn_mask, "attn_mask")
    if is_causal and attn_mask is None:
        raise OpError(f"{_MHA}: need attn_mask if specifying the is_causal hint. Hint: "
                      "nn.Transformer.generate_square_subsequent_mask(L) makes one")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the hint goes to scaled_dot_product_attention
    else:
        attn_mask = canonical_mask(_MHA, attn_mask, "attn_mask", query.dtype)
        is_causal = is_causal and key_padding_mask is None
    if embed != embed_dim_to_check:
        raise OpError(f"{_MHA}: was expecting embedding dimension of {embed_dim_to_check}, but "
                      f"got {embed} (query of shape {tuple(query.shape)})")
    head_dim = embed // num_heads
    if head_dim * num_heads != embed:
        raise OpError(f"{_MHA}: embed_dim {embed} not divisible by num_heads {num_heads}")
    if tuple(key.shape[:2]) != tuple(value.shape[:2]) or (
            not use_separate_proj_weight and key.shape != value.shape):
        raise OpError(f"{_MHA}: key shape {tuple(key.shape)} does not match value shape "
                      f"{tuple(value.shape)}")
    if static_k is not None or static_v is not None:
        raise NotImplementedError(f"{_MHA}: static_k and static_v are not supported by ndgrad")
    if use_separate_proj_weight:
        if q_proj_weight is None or k_proj_weight is None or v_proj_weight is None:
            raise OpError(f"{_MHA}: use_separate_proj_weight is True but q_proj_weight, "
                          "k_proj_weight or v_proj_weight is None")
        weights = [q_proj_weight, k_proj_weight, v_proj_weight]
    else:
        if in_proj_weight is None:
            raise OpError(f"{_MHA}: use_separate_proj_weight is False but in_proj_weight is None")
        if in_proj_weight.ndim != 2 or in_proj_weight.shape[0] != 3 * embed:
            raise OpError(f"{_MHA}: in_proj_weight must be (3 E, E) = {(3 * embed, embed)}, got "
                          f"{tuple(in_proj_weight.shape)}")
        weights = list(in_proj_weight.chunk(3))
    q, k, v = _in_projection(_MHA, query, key, value, weights, in_proj_bias)
    source = key.shape[0]
    if attn_mask is not None:
        expected = (length, source) if attn_mask.ndim == 2 else (batch * num_heads, length, source)
        if tuple(attn_mask.shape) != expected:
            raise OpError(f"{_MHA}: the shape of the {attn_mask.ndim}D attn_mask is "
                          f"{tuple(attn_mask.shape)}, but should be {expected}")
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.ndim == 2 else attn_mask
    if (bias_k is None) != (bias_v is None):
        raise OpError(f"{_MHA}: bias_k and bias_v must be given together")
    if bias_k is not None and bias_v is not None:
        k = ag.cat([k, bias_k.repeat(1, batch, 1)])
        v = ag.cat([v, bias_v.repeat(1, batch, 1)])
        attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
    # heads into the batch: (L, N, E) -> (N H, L, E / H)
    q = q.reshape(length, batch * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], batch * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], batch * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:
        zeros = ag.zeros(batch * num_heads, 1, head_dim, dtype=k.dtype)
        k, v = ag.cat([k, zeros], 1), ag.cat([v, zeros], 1)
        attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
    source = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (batch, source):
            raise OpError(f"{_MHA}: expected key_padding_mask of shape {(batch, source)} (batch, "
                          f"source length), got {tuple(key_padding_mask.shape)}")
        padding = key_padding_mask.reshape(batch, 1, 1, source).expand(-1, num_heads, -1, -1)
        padding = padding.reshape(batch * num_heads, 1, source)
        attn_mask = padding if attn_mask is None else attn_mask + padding
    p = number(_MHA, "dropout_p", dropout_p) if training else 0.0
    if need_weights:
        scores = ag.bmm(q * math.sqrt(1.0 / head_dim), k.transpose(-2, -1))
        if attn_mask is not None:
            scores = attn_mask + scores
        attention = ag.softmax(scores, -1)
        if p > 0.0:
            attention = dropout(attention, p, True)
        out = ag.bmm(attention, v).transpose(0, 1).reshape(length * batch, embed)
        out = linear(out, out_proj_weight, out_proj_bias).reshape(length, batch, -1)
        attention = attention.reshape(batch, num_heads, length, source)
        weights_out = attention.mean(1) if average_attn_weights else attention
        if not batched:
            return out.squeeze(1), weights_out.squeeze(0)
        return out, weights_out
    if attn_mask is not None:
        attn_mask = (attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1
                     else attn_mask.reshape(batch, num_heads, -1, source))
    heads = scaled_dot_product_attention(
        q.reshape(batch, num_heads, length, head_dim), k.reshape(batch, num_heads, source, head_dim),
        v.reshape(batch, num_heads, source, head_dim), attn_mask, p, is_causal)
    out = heads.permute(2, 0, 1, 3).reshape(batch * length, embed)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(length, batch, -1)
    return (out if batched else out.squeeze(1)), None

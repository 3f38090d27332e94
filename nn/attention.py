"""``MultiheadAttention``: attention from several learned projections at once (PyTorch's layout).

With H heads of size E / H, each head attends with its slice of the projected queries, keys and
values, and the concatenated heads are projected again:

    head_h = softmax(q_h k_h^T / sqrt(E / H) + mask) v_h,   out = concat(head_h) W_o^T + b_o.

The forward is ``nn.functional.multi_head_attention_forward`` (composed from autograd ops).
"""

from __future__ import annotations

import autograd as ag
from autograd import Tensor
from autograd.boundary import refuse
from autograd.types import DTypeLike

from . import functional as F
from . import init
from ._sizes import layer_size
from .functional.attention import check_mha_shapes, number
from .layers import Linear
from .module import Module
from .parameter import Parameter

__all__ = ["MultiheadAttention", "NonDynamicallyQuantizableLinear"]


class NonDynamicallyQuantizableLinear(Linear):
    """``Linear`` under the name PyTorch gives ``MultiheadAttention.out_proj`` (same weights, same keys)."""


def _optional_size(owner: str, name: str, value: int | None, default: int) -> int:
    return default if value is None else layer_size(owner, name, value)


class MultiheadAttention(Module):
    """Multi-head attention over (L, N, E) queries, (S, N, kdim) keys and (S, N, vdim) values.

    Batch first with ``batch_first=True``: (N, L, E); unbatched: (L, E). Parameters as in
    PyTorch: ``in_proj_weight`` (3 E, E) when kdim == vdim == E, else ``q_proj_weight`` (E, E),
    ``k_proj_weight`` (E, kdim), ``v_proj_weight`` (E, vdim); ``in_proj_bias`` (3 E);
    ``out_proj`` (a Linear E -> E); ``bias_k``, ``bias_v`` (1, 1, E) with ``add_bias_kv``.
    Initialized as PyTorch's ``_reset_parameters``: xavier_uniform_ in-projections, zero biases,
    xavier_normal_ ``bias_k``/``bias_v``.

    Example:
        >>> attention = MultiheadAttention(8, 2, batch_first=True)
        >>> x = ag.randn(3, 5, 8)
        >>> out, weights = attention(x, x, x)  # (3, 5, 8) and (3, 5, 5)
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: str | None = None,
                 dtype: DTypeLike | None = None) -> None:
        name = type(self).__name__
        embed_dim = layer_size(name, "embed_dim", embed_dim)
        num_heads = layer_size(name, "num_heads", num_heads)
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"{name}: embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = _optional_size(name, "kdim", kdim, embed_dim)
        self.vdim = _optional_size(name, "vdim", vdim, embed_dim)
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = number(name, "dropout", dropout)
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise ValueError(f"{name}: embed_dim must be divisible by num_heads, got embed_dim="
                             f"{embed_dim} and num_heads={num_heads}")
        dtype = ag.float32 if dtype is None else dtype
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(ag.empty(3 * embed_dim, embed_dim, dtype=dtype))
            for unused in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(unused, None)
        else:
            self.q_proj_weight = Parameter(ag.empty(embed_dim, embed_dim, dtype=dtype))
            self.k_proj_weight = Parameter(ag.empty(embed_dim, self.kdim, dtype=dtype))
            self.v_proj_weight = Parameter(ag.empty(embed_dim, self.vdim, dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(ag.empty(3 * embed_dim, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(ag.empty(1, 1, embed_dim, dtype=dtype))
            self.bias_v = Parameter(ag.empty(1, 1, embed_dim, dtype=dtype))
        else:
            self.register_parameter("bias_k", None)
            self.register_parameter("bias_v", None)
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's init: xavier_uniform_ projections, zero biases, xavier_normal_ bias_k/v."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for weight in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Tensor | None = None, need_weights: bool = True,
                attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """Attend: returns the output and, with ``need_weights``, the attention weights.

        Masks: ``key_padding_mask`` (N, S), ``attn_mask`` (L, S) or (N H, L, S); bool masks
        are True where a key is masked out, float masks are added to the scores.
        """
        owner = type(self).__name__
        for name, t in (("query", query), ("key", key), ("value", value)):
            if not isinstance(t, Tensor):
                refuse(f"{owner}.forward", name, t, "Tensor")
        transposed = self.batch_first and query.ndim == 3
        if transposed:
            check_mha_shapes(owner, query, key, value, None, None, self.num_heads)
            query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = not self._qkv_same_embed_dim
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
            use_separate_proj_weight=separate, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        return (out.transpose(1, 0) if transposed else out), weights


"""``TransformerEncoderLayer`` and ``TransformerDecoderLayer``: attention, then a feed-forward block.

Each sub-block f (self-attention, cross-attention, feed-forward) is wrapped in a residual
connection and a LayerNorm, after the sum (post-norm, the default: x = norm(x + f(x))) or
before f (``norm_first``: x = x + f(norm(x))). The feed-forward block is
linear2(dropout(activation(linear1(x)))). Submodule names are PyTorch's, so state_dict keys
match (``self_attn.in_proj_weight``, ``linear1.weight``, ``norm1.bias``...).
"""

from __future__ import annotations

from collections.abc import Callable

from autograd import Tensor
from autograd.types import DTypeLike

from . import functional as F
from .activation import GELU, ReLU
from .attention import MultiheadAttention
from .dropout import Dropout
from .functional.attention import canonical_mask
from .layers import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ["TransformerDecoderLayer", "TransformerEncoderLayer"]

Activation = str | Callable[[Tensor], Tensor]


def activation_function(owner: str, activation: Activation) -> Callable[[Tensor], Tensor]:
    """``activation`` as a function: "relu" and "gelu" by name (PyTorch's legacy strings)."""
    if isinstance(activation, str):
        if activation in ("relu", "gelu"):
            return F.relu if activation == "relu" else F.gelu
        raise RuntimeError(f"{owner}: activation should be relu/gelu, not {activation}")
    if not callable(activation):
        raise TypeError(f"{owner}: activation must be 'relu', 'gelu' or a callable, got "
                        f"{type(activation).__name__}")
    return activation


def _attention(d_model: int, nhead: int, dropout: float, bias: bool, batch_first: bool,
               dtype: DTypeLike | None) -> MultiheadAttention:
    return MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                              dtype=dtype)


def encoder_masks(owner: str, src: Tensor, mask: Tensor | None, mask_name: str,
                  key_padding_mask: Tensor | None) -> tuple[Tensor | None, Tensor | None]:
    """An encoder's attention mask and key padding mask as float biases, ``src`` checked."""
    if not isinstance(src, Tensor):
        raise TypeError(f"{owner}.forward(): argument 'src' must be a Tensor, not "
                        f"{type(src).__name__}")
    key_padding_mask = canonical_mask(owner, key_padding_mask, "src_key_padding_mask", src.dtype,
                                      mask, mask_name)
    return canonical_mask(owner, mask, mask_name, src.dtype), key_padding_mask


class _Layer(Module):
    """What both layers share: self-attention, the feed-forward block and their norms."""

    def _build(self, blocks: int, d_model: int, nhead: int, dim_feedforward: int, dropout: float,
               layer_norm_eps: float, batch_first: bool, norm_first: bool, bias: bool,
               dtype: DTypeLike | None) -> None:
        """The submodules, in PyTorch's order (so state_dict keys and their order match).

        Attention (self_attn, and multihead_attn when there are 3 blocks), the feed-forward
        block, then a norm and a dropout per block.
        """
        self.self_attn = _attention(d_model, nhead, dropout, bias, batch_first, dtype)
        if blocks == 3:
            self.multihead_attn = _attention(d_model, nhead, dropout, bias, batch_first, dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        for i in range(1, blocks + 1):
            setattr(self, f"norm{i}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        for i in range(1, blocks + 1):
            setattr(self, f"dropout{i}", Dropout(dropout))

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                  is_causal: bool = False) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x: Tensor, last: Module) -> Tensor:
        return last(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoderLayer(_Layer):
    """Self-attention and a feed-forward block, each with a residual connection and LayerNorm.

    Post-norm: x = norm1(x + sa(x)); x = norm2(x + ff(x)). With ``norm_first``:
    x = x + sa(norm1(x)); x = x + ff(norm2(x)). Input (S, N, E), or (N, S, E) with
    ``batch_first``, or unbatched (S, E).

    Example:
        >>> layer = TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        >>> layer(ag.randn(5, 3, 8)).shape
        (5, 3, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Activation = F.relu, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: str | None = None, dtype: DTypeLike | None = None) -> None:
        super().__init__()
        self._build(2, d_model, nhead, dim_feedforward, dropout, layer_norm_eps, batch_first,
                    norm_first, bias, dtype)
        function = activation_function(type(self).__name__, activation)
        relu = function is F.relu or isinstance(function, ReLU)
        gelu = function is F.gelu or isinstance(function, GELU)
        self.activation_relu_or_gelu = 1 if relu else 2 if gelu else 0
        self.activation = function

    def forward(self, src: Tensor, src_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None, is_causal: bool = False) -> Tensor:
        """The layer on ``src``; masks as in ``MultiheadAttention`` (bool: True is masked out)."""
        src_mask, src_key_padding_mask = encoder_masks(type(self).__name__, src, src_mask,
                                                       "src_mask", src_key_padding_mask)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x), self.dropout2)
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x, self.dropout2))


class TransformerDecoderLayer(_Layer):
    """Self-attention, cross-attention over ``memory`` and a feed-forward block.

    Each block has a residual connection and a LayerNorm (norm1, norm2, norm3; before the block
    with ``norm_first``).

    Example:
        >>> layer = TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        >>> layer(ag.randn(4, 3, 8), ag.randn(5, 3, 8)).shape
        (4, 3, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Activation = F.relu, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: str | None = None, dtype: DTypeLike | None = None) -> None:
        super().__init__()
        self._build(3, d_model, nhead, dim_feedforward, dropout, layer_norm_eps, batch_first,
                    norm_first, bias, dtype)
        self.activation = activation_function(type(self).__name__, activation)

    def _mha_block(self, x: Tensor, memory: Tensor, attn_mask: Tensor | None,
                   key_padding_mask: Tensor | None, is_causal: bool = False) -> Tensor:
        x = self.multihead_attn(x, memory, memory, attn_mask=attn_mask,
                                key_padding_mask=key_padding_mask, is_causal=is_causal,
                                need_weights=False)[0]
        return self.dropout2(x)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False) -> Tensor:
        """The layer on ``tgt`` attending to ``memory`` (the encoder's output)."""
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask,
                                    memory_is_causal)
            return x + self._ff_block(self.norm3(x), self.dropout3)
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                           memory_is_causal))
        return self.norm3(x + self._ff_block(x, self.dropout3))

"""``TransformerEncoder``, ``TransformerDecoder`` (stacks of deep-copied layers) and ``Transformer``.

The encoder maps src through its layers in turn (then an optional norm); the decoder maps tgt
through its layers, each attending to the encoder's output ``memory``. ``Transformer`` is an
encoder and a decoder with final LayerNorms, its matrices re-drawn with xavier_uniform_, as
in PyTorch. The layers are deep copies (PyTorch's ``_get_clones``), so they share no weights.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.checks import count
from autograd.types import DTypeLike

from . import functional as F
from . import init
from .containers import ModuleList
from .module import Module
from .normalization import LayerNorm
from .transformer_layers import (
    Activation,
    TransformerDecoderLayer,
    TransformerEncoderLayer,
    encoder_masks,
)

__all__ = ["Transformer", "TransformerDecoder", "TransformerEncoder"]


def _get_clones(owner: str, module: Module, n: int, norm: Module | None) -> ModuleList:
    """``n`` independent deep copies of ``module`` (a stack's layers), its arguments checked.

    PyTorch builds a stack of no layers, whose forward then fails; ndgrad refuses it here.
    """
    if not isinstance(module, Module):
        raise TypeError(f"{owner}: the layer to stack must be a Module, got {type(module).__name__}")
    if norm is not None and not isinstance(norm, Module):
        raise TypeError(f"{owner}: norm must be a Module (e.g. LayerNorm(d_model)) or None, got "
                        f"{type(norm).__name__}")
    layers = count(owner, "num_layers", n)
    if layers == 0:
        raise ValueError(f"{owner}: num_layers must be at least 1, got 0")
    return ModuleList([copy.deepcopy(module) for _ in range(layers)])


def _seq_len(src: Tensor, batch_first: bool) -> int:
    """The sequence length of (S, E), (S, N, E) or (N, S, E) input."""
    if src.ndim < 2:
        return src.shape[0] if src.ndim else 0
    return src.shape[0] if src.ndim == 2 or not batch_first else src.shape[1]


def _detect_is_causal_mask(mask: Tensor | None, is_causal: bool | None, size: int) -> bool:
    """``is_causal`` if given, else whether ``mask`` is the causal (size, size) mask."""
    if is_causal is not None or mask is None:
        return is_causal is True
    causal = np.triu(np.full((size, size), -np.inf), 1)
    return tuple(mask.shape) == causal.shape and bool(np.array_equal(mask.detach().numpy(), causal))


class TransformerEncoder(Module):
    """``num_layers`` copies of ``encoder_layer`` applied in turn, then ``norm`` (if given).

    ``enable_nested_tensor`` and ``mask_check`` are accepted for PyTorch's signature; ndgrad
    has no nested tensors, so they change nothing.

    Example:
        >>> encoder = TransformerEncoder(TransformerEncoderLayer(8, 2, 16), num_layers=2)
        >>> encoder(ag.randn(5, 3, 8)).shape
        (5, 3, 8)
    """

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int,
                 norm: Module | None = None, enable_nested_tensor: bool = True,
                 mask_check: bool = True) -> None:
        super().__init__()
        self.layers = _get_clones(type(self).__name__, encoder_layer, num_layers, norm)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = False  # no nested tensors in ndgrad
        self.mask_check = mask_check

    def forward(self, src: Tensor, mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None, is_causal: bool | None = None) -> Tensor:
        """Each layer on the previous one's output. ``is_causal=None`` detects a causal ``mask``."""
        mask, src_key_padding_mask = encoder_masks(type(self).__name__, src, mask, "mask",
                                                   src_key_padding_mask)
        batch_first = bool(getattr(getattr(self.layers[0], "self_attn", None), "batch_first", False))
        causal = _detect_is_causal_mask(mask, is_causal, _seq_len(src, batch_first))
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, is_causal=causal,
                           src_key_padding_mask=src_key_padding_mask)
        return output if self.norm is None else self.norm(output)


class TransformerDecoder(Module):
    """``num_layers`` copies of ``decoder_layer`` applied in turn to tgt, each attending to memory."""

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int,
                 norm: Module | None = None) -> None:
        super().__init__()
        self.layers = _get_clones(type(self).__name__, decoder_layer, num_layers, norm)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        """Each layer on the previous one's output. ``tgt_is_causal=None`` detects a causal ``tgt_mask``."""
        if not isinstance(tgt, Tensor):
            raise TypeError(f"{type(self).__name__}.forward(): argument 'tgt' must be a Tensor, "
                            f"not {type(tgt).__name__}")
        batch_first = bool(getattr(getattr(self.layers[0], "self_attn", None), "batch_first", False))
        causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, _seq_len(tgt, batch_first))
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                           tgt_key_padding_mask=tgt_key_padding_mask,
                           memory_key_padding_mask=memory_key_padding_mask,
                           tgt_is_causal=causal, memory_is_causal=memory_is_causal)
        return output if self.norm is None else self.norm(output)


class Transformer(Module):
    """The encoder-decoder model of "Attention Is All You Need".

    memory = encoder(src), then out = decoder(tgt, memory), each stack ending in a LayerNorm.

    Example:
        >>> model = Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
        ...                     dim_feedforward=16)
        >>> mask = Transformer.generate_square_subsequent_mask(4)
        >>> model(ag.randn(5, 3, 8), ag.randn(4, 3, 8), tgt_mask=mask).shape
        (4, 3, 8)
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Activation = F.relu, custom_encoder: Any | None = None,
                 custom_decoder: Any | None = None, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: str | None = None, dtype: DTypeLike | None = None) -> None:
        super().__init__()
        options = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                   batch_first, norm_first, bias)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(
                TransformerEncoderLayer(*options, dtype=dtype), num_encoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(
                TransformerDecoderLayer(*options, dtype=dtype), num_decoder_layers,
                LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype))
        self._reset_parameters()
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def _reset_parameters(self) -> None:
        """xavier_uniform_ every parameter with more than one dim, as PyTorch."""
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Tensor | None = None,
                tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                src_key_padding_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, src_is_causal: bool | None = None,
                tgt_is_causal: bool | None = None, memory_is_causal: bool = False) -> Tensor:
        """decoder(tgt, encoder(src)): (T, N, E) from src (S, N, E) and tgt (T, N, E)."""
        owner = type(self).__name__
        for name, t in (("src", src), ("tgt", tgt)):
            if not isinstance(t, Tensor) or t.ndim not in (2, 3):
                raise ag.OpError(f"{owner}: {name} must be a 2-D (unbatched) or 3-D tensor, got "
                                 f"{getattr(t, 'shape', type(t).__name__)}")
        batch = 0 if self.batch_first else 1
        if src.ndim == 3 and (tgt.ndim != 3 or src.shape[batch] != tgt.shape[batch]):
            raise ag.OpError(f"{owner}: the batch number of src and tgt must be equal, got src "
                             f"{tuple(src.shape)} and tgt {tuple(tgt.shape)}")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ag.OpError(f"{owner}: the feature number of src and tgt must be equal to "
                             f"d_model ({self.d_model}), got src {tuple(src.shape)} and tgt "
                             f"{tuple(tgt.shape)}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: str | None = None,
                                        dtype: DTypeLike | None = None) -> Tensor:
        """The causal mask (sz, sz): -inf above the diagonal (key j > query i), 0 elsewhere."""
        sz = count("generate_square_subsequent_mask", "sz", sz)
        return ag.triu(ag.full((sz, sz), -math.inf, dtype=dtype), 1)

"""``nn.functional``: the stateless forms of the layers, activations and losses.

Example:
    >>> import nn.functional as F
    >>> loss = F.cross_entropy(logits, labels)
"""

from __future__ import annotations

from .activation import (
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    logsigmoid,
    relu,
    sigmoid,
    silu,
    softmax,
    softplus,
    tanh,
)
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .conv import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, fold, unfold
from .distance import cosine_similarity, normalize, pairwise_distance
from .dropout import alpha_dropout, dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout
from .layers import linear, one_hot
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from .normalization import batch_norm, group_norm, instance_norm, layer_norm
from .sparse import embedding

__all__ = [
    "embedding",
    "elu", "gelu", "leaky_relu", "log_softmax", "logsigmoid", "relu", "sigmoid", "silu", "softmax",
    "softplus", "tanh",
    "dropout", "one_hot", "linear", "cosine_similarity", "normalize", "pairwise_distance",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "huber_loss",
    "l1_loss", "mse_loss", "nll_loss", "smooth_l1_loss",
    "batch_norm", "layer_norm",
    "group_norm", "instance_norm",
    "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "multi_head_attention_forward", "scaled_dot_product_attention",
]
__all__ += ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
            "fold", "unfold"]

from .padding import pad  # noqa: E402
from .pooling import (  # noqa: E402
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)
from .resample import interpolate, pixel_shuffle, pixel_unshuffle  # noqa: E402

__all__ += ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
            "avg_pool1d", "avg_pool2d", "max_pool1d", "max_pool2d", "pad", "interpolate",
            "pixel_shuffle", "pixel_unshuffle"]

from autograd.boundary import public_namespace  # noqa: E402

public_namespace(globals(), __all__)  # the signatures' gate, as torch's functions have (autograd/boundary.py)

"""ndgrad's neural-network layers, PyTorch-style: every layer is a composition of autograd ops.

No layer has a hand-written backward.

    >>> import nn
    >>> model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))

Adding a layer (the recipe; a ``Scale`` layer, y = x * weight, as the example)
-------------------------------------------------------------------------------
1. **The functional form** in ``nn/functional/<kind>.py`` (``activation``, ``layers``,
   ``loss``, ``normalization``), composed from autograd's public ops, with PyTorch's name and
   signature and the math in its docstring: ``def scale(input, weight): return input * weight``.
   When composition would be slow or unstable, the primitive goes in ``autograd/ops/`` first
   (see the op recipe in ``autograd/ops/__init__.py``) and the functional form calls it.
2. **The Module** in ``nn/<kind>.py``: ``__init__`` calls ``super().__init__()`` and assigns
   ``Parameter``s (registered by assignment, so ``state_dict`` keys are PyTorch's, e.g.
   ``scale.weight``), initialised as PyTorch does in ``reset_parameters`` with ``nn.init``;
   ``forward`` calls the functional form; ``extra_repr`` gives PyTorch's repr text::

       class Scale(Module):
           def __init__(self, features: int) -> None:
               super().__init__()
               self.weight = Parameter(ag.ones(features))

           def forward(self, input):
               return F.scale(input, self.weight)

3. **The exports**: the Module here and the function in ``nn/functional/__init__.py``, each
   imported and listed in ``__all__`` (and in the kind module's ``__all__``).
4. **The torch test** in ``tests/test_nn_layers.py``: build both layers, copy the weights
   across by ``state_dict`` key (``copy_parameters``), compare outputs and input and
   parameter gradients in float64 (``run_both``), and gradcheck the functional form.
"""

from __future__ import annotations

from autograd.boundary import public_init

from . import functional, init, utils
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh
from .attention import MultiheadAttention
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .containers import ModuleDict, ModuleList, Sequential
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, Fold, Unfold
from .dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .layers import Flatten, Identity, Linear, Unflatten
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module
from .normalization import GroupNorm, LayerNorm
from .parameter import Parameter
from .parameter_containers import ParameterDict, ParameterList
from .recurrent import GRU, LSTM, RNN, RNNBase
from .recurrent_cells import GRUCell, LSTMCell, RNNCell, RNNCellBase
from .sparse import Embedding
from .transformer import Transformer, TransformerDecoder, TransformerEncoder
from .transformer_layers import TransformerDecoderLayer, TransformerEncoderLayer

__all__ = [
    "functional", "init", "utils",
    "ELU", "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid", "SiLU", "Softmax", "Softplus", "Tanh",
    "ModuleDict", "ModuleList", "Sequential", "ParameterDict", "ParameterList",
    "Dropout",
    "Flatten", "Identity", "Linear", "Embedding", "Unflatten",
    "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "HuberLoss", "L1Loss", "MSELoss", "NLLLoss",
    "SmoothL1Loss",
    "Module",
    "BatchNorm1d", "LayerNorm",
    "BatchNorm2d", "BatchNorm3d", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
    "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
    "Parameter",
    "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell",
    "MultiheadAttention", "Transformer", "TransformerDecoder", "TransformerDecoderLayer",
    "TransformerEncoder", "TransformerEncoderLayer",
]
__all__ += ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
            "Fold", "Unfold"]

from .padding import (  # noqa: E402
    CircularPad1d,
    CircularPad2d,
    ConstantPad1d,
    ConstantPad2d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReplicationPad1d,
    ReplicationPad2d,
    ZeroPad1d,
    ZeroPad2d,
)
from .pooling import (  # noqa: E402
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
)
from .upsampling import PixelShuffle, PixelUnshuffle, Upsample, UpsamplingBilinear2d, UpsamplingNearest2d  # noqa: E402

__all__ += ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
            "AvgPool1d", "AvgPool2d", "MaxPool1d", "MaxPool2d",
            "CircularPad1d", "CircularPad2d", "ConstantPad1d", "ConstantPad2d", "ReflectionPad1d",
            "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "ZeroPad1d", "ZeroPad2d",
            "PixelShuffle", "PixelUnshuffle", "Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"]

# every layer's constructor checks its annotated arguments and names the class in its errors
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type) and issubclass(_value, Module) and _value is not Module:
        public_init(_value)
del _name, _value

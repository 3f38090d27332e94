"""One time step of the recurrent layers: ``RNNCell``, ``LSTMCell``, ``GRUCell``, and their math.

Weights hold the gates in PyTorch's order, stacked by rows: LSTM (i, f, g, o), GRU (r, z, n).

    RNN:  h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)   (or relu)
    LSTM: (i, f, g, o) = x W_ih^T + b_ih + h W_hh^T + b_hh
          i, f, o = sigmoid(.), g = tanh(.);  c' = f c + i g;  h' = o tanh(c') [W_hr^T]
    GRU:  (r, z) = sigmoid(x W_i{r,z}^T + b_i{r,z} + h W_h{r,z}^T + b_h{r,z})
          n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn));  h' = (1 - z) n + z h

A step is one matmul: ``gates = linear(cat([x, h]), W, b)`` with W = [W_ih | W_hh] and
b = b_ih + b_hh, built once per call (``Weights.of``). A GRU keeps the input and hidden parts
of n apart, W = [[W_i{r,z} | W_h{r,z}], [W_in | 0], [0 | W_hn]], so its gates are
(r + z pre-activations, x W_in^T + b_in, h W_hn^T + b_hn). Per time step this costs one node.
The input is taken per step (``unbind``, or ``split`` for a packed sequence); the engine sums
the slices' gradients into one buffer of the input's shape (``autograd.sliced_grad``), so the
backward stays linear in the sequence's length.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import autograd as ag
from autograd import Tensor
from autograd.types import DTypeLike

from . import functional as F
from . import init
from ._sizes import layer_size
from .module import Module
from .parameter import Parameter

State = tuple[Tensor, ...]  # (h,) or, for an LSTM, (h, c)
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
NONLINEARITIES = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}


class Weights(NamedTuple):
    """The weights of one layer and direction, fused for the steps (W_hr transposed)."""

    w: Tensor
    b: Tensor | None
    w_hr_t: Tensor | None

    @classmethod
    def of(cls, mode: str, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
           b_hh: Tensor | None, w_hr: Tensor | None = None) -> Weights:
        """The fused weights of ``mode`` from PyTorch's parameters (see the module docstring)."""
        w_hr_t = None if w_hr is None else w_hr.t()
        if mode != "GRU":
            return cls(ag.cat([w_ih, w_hh], 1), None if b_ih is None or b_hh is None else b_ih + b_hh,
                       w_hr_t)
        size = w_hh.shape[1]
        rz, n = slice(0, 2 * size), slice(2 * size, None)
        w = ag.cat([ag.cat([w_ih[rz], w_hh[rz]], 1),
                    ag.cat([w_ih[n], ag.zeros(size, size, dtype=w_ih.dtype)], 1),
                    ag.cat([ag.zeros(size, w_ih.shape[1], dtype=w_ih.dtype), w_hh[n]], 1)])
        b = None if b_ih is None or b_hh is None else ag.cat([b_ih[rz] + b_hh[rz], b_ih[n], b_hh[n]])
        return cls(w, b, w_hr_t)


def fused_gates(inputs: Sequence[Tensor], h: Tensor, w: Weights) -> Tensor:
    """[x | h] W^T + b for the parts of the step's input x (two for a bidirectional layer below)."""
    return F.linear(ag.cat([*inputs, h], 1), w.w, w.b)


def _rnn_tanh(gates: Tensor, state: State, w: Weights) -> State:
    return (ag.tanh(gates),)


def _rnn_relu(gates: Tensor, state: State, w: Weights) -> State:
    return (ag.relu(gates),)


def _lstm(gates: Tensor, state: State, w: Weights) -> State:
    c = state[1]
    size = c.shape[-1]
    act = ag.sigmoid(gates)  # i, f and o are read from it (its g columns go unused)
    g = ag.tanh(gates[:, 2 * size:3 * size])
    c = act[:, size:2 * size] * c + act[:, :size] * g
    h = act[:, 3 * size:] * ag.tanh(c)
    return (h if w.w_hr_t is None else h @ w.w_hr_t), c


def _gru(gates: Tensor, state: State, w: Weights) -> State:
    h = state[0]
    size = h.shape[-1]
    rz = ag.sigmoid(gates[:, :2 * size])
    n = ag.tanh(gates[:, 2 * size:3 * size] + rz[:, :size] * gates[:, 3 * size:])
    return (n + rz[:, size:] * (h - n),)


STEPS: dict[str, Callable[[Tensor, State, Weights], State]] = {
    "RNN_TANH": _rnn_tanh, "RNN_RELU": _rnn_relu, "LSTM": _lstm, "GRU": _gru}


def reset_uniform(module: Module, hidden_size: int) -> None:
    """Every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch's."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


def check_dtype(layer: str, input: Tensor, weight: Tensor) -> None:
    """The input must have the weights' dtype (PyTorch does not convert)."""
    if input.dtype != weight.dtype:
        raise ValueError(f"{layer}: RNN input dtype ({input.dtype}) does not match weight dtype "
                         f"({weight.dtype}). Convert input: input.to({weight.dtype}), or convert "
                         f"model: model.to({input.dtype})")


def nonlinearity_mode(layer: str, nonlinearity: object) -> str:
    """The mode of an Elman RNN with this nonlinearity ('tanh' or 'relu')."""
    if not isinstance(nonlinearity, str) or nonlinearity not in NONLINEARITIES:
        raise ValueError(f"{layer}: Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' "
                         "or 'relu'.")
    return NONLINEARITIES[nonlinearity]


class RNNCellBase(Module):
    """The weights of one recurrent step, (gates * hidden_size, input_size) and so on."""

    mode: str

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: DTypeLike | None = None) -> None:
        super().__init__()
        name = type(self).__name__
        self.input_size = layer_size(name, "input_size", input_size)
        self.hidden_size = layer_size(name, "hidden_size", hidden_size)
        self.bias = bias
        rows = num_chunks * self.hidden_size
        kwargs: dict[str, Any] = {"dtype": ag.float32 if dtype is None else dtype, "device": device}
        self.weight_ih = Parameter(ag.empty(rows, self.input_size, **kwargs))
        self.weight_hh = Parameter(ag.empty(rows, self.hidden_size, **kwargs))
        self.register_parameter("bias_ih", Parameter(ag.empty(rows, **kwargs)) if bias else None)
        self.register_parameter("bias_hh", Parameter(ag.empty(rows, **kwargs)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw every weight from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        reset_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        """PyTorch's text: the sizes, then bias and nonlinearity where not the defaults."""
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

    def _run(self, input: Tensor, hx: State | None) -> State:
        """One step on a (B, input_size) or unbatched (input_size,) input; hx as the input."""
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a Tensor, got {type(input).__name__}")
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        check_dtype(name, input, self.weight_ih)
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        if x.shape[1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got {x.shape[1]} "
                               f"expected {self.input_size}")
        count = 2 if self.mode == "LSTM" else 1
        if hx is None:
            state: State = (ag.zeros(x.shape[0], self.hidden_size, dtype=x.dtype),) * count
        else:
            state = tuple(self._checked_hidden(h, i, count, x, input.ndim) for i, h in enumerate(hx))
        w = Weights.of(self.mode, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        out = STEPS[self.mode](fused_gates([x], state[0], w), state, w)
        return out if batched else tuple(o.squeeze(0) for o in out)

    def _checked_hidden(self, h: object, index: int, count: int, x: Tensor,
                        input_ndim: int) -> Tensor:
        name, batched = type(self).__name__, input_ndim == 2
        which = f"hx[{index}]" if count > 1 else "hidden"
        if not isinstance(h, Tensor):
            raise TypeError(f"{name}: {which} must be a Tensor, got {type(h).__name__}")
        if h.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected {which} to be 1D or 2D, got {h.ndim}D instead")
        check_dtype(name, h, self.weight_hh)
        if h.ndim != input_ndim:
            raise RuntimeError(f"{name}: Expected {which} to be {input_ndim}D as the input, got "
                               f"{h.ndim}D (shape {list(h.shape)})")
        h = h if batched else h.unsqueeze(0)
        if h.shape[0] != x.shape[0]:
            raise RuntimeError(f"{name}: Input batch size {x.shape[0]} doesn't match hidden"
                               f"{index} batch size {h.shape[0]}")
        if h.shape[1] != self.hidden_size:
            raise RuntimeError(f"{name}: hidden{index} has inconsistent hidden_size: got "
                               f"{h.shape[1]}, expected {self.hidden_size}")
        return h


class RNNCell(RNNCellBase):
    """An Elman RNN step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).

    Input (B, input_size) or (input_size,); hx (B, hidden_size) or (hidden_size,), zeros if None.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None,
                 dtype: DTypeLike | None = None) -> None:
        mode = nonlinearity_mode("RNNCell", nonlinearity)
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.mode, self.nonlinearity = mode, nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """H' for the input and h (zeros if None)."""
        return self._run(input, None if hx is None else (hx,))[0]


class LSTMCell(RNNCellBase):
    """An LSTM step: gates (i, f, g, o), c' = f c + i g, h' = o tanh(c'); returns (h', c').

    hx is (h, c), each (B, hidden_size) or unbatched (hidden_size,), zeros if None.
    """

    mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: DTypeLike | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """(h', c') for the input and (h, c) (zeros if None)."""
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"LSTMCell: hx must be a tuple (h_0, c_0) of Tensors, got "
                            f"{type(hx).__name__}")
        h, c = self._run(input, None if hx is None else tuple(hx))
        return h, c


class GRUCell(RNNCellBase):
    """A GRU step: r, z = sigmoid(.), n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)).

    h' = (1 - z) n + z h. Shapes as ``RNNCell``.
    """

    mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: DTypeLike | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """H' for the input and h (zeros if None)."""
        return self._run(input, None if hx is None else (hx,))[0]

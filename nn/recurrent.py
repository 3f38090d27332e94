"""Multi-layer recurrent layers: ``RNN``, ``LSTM``, ``GRU``, as PyTorch's, composed from autograd ops.

Layer k reads the outputs of layer k - 1 (dropout between layers in training); a bidirectional
layer runs a second set of weights (``..._reverse``) from the last step to the first and
concatenates both outputs per step. Each direction runs the recurrent step
(``recurrent_cells.STEPS``: one fused matmul of [x_t | h] per step) once per time step. A
``PackedSequence`` input runs step t on its first ``batch_sizes[t]`` rows only, so each
sequence's final state is the one at its own last step.

    >>> lstm = LSTM(10, 20, num_layers=2)
    >>> output, (h_n, c_n) = lstm(ag.randn(5, 3, 10))  # (T, B, input_size)
    >>> tuple(output.shape), tuple(h_n.shape)
    ((5, 3, 20), (2, 3, 20))
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import autograd as ag
from autograd import Tensor
from autograd.checks import warn
from autograd.types import DTypeLike

from . import functional as F
from .module import Module
from .parameter import Parameter
from .recurrent_cells import (
    GATES,
    STEPS,
    State,
    Weights,
    check_dtype,
    fused_gates,
    nonlinearity_mode,
    reset_uniform,
)
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU"]

# the arguments PyTorch's repr shows, in its order, when they differ from these defaults
_REPR_DEFAULTS = {"proj_size": 0, "num_layers": 1, "bias": True, "batch_first": False,
                  "dropout": 0, "bidirectional": False}


def _positive(layer: str, name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{layer}: {name} should be of type int, got: {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{layer}: {name} must be greater than zero")
    return int(value)


def _dropout(layer: str, dropout: object, num_layers: int) -> float:
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= float(dropout) <= 1:
        raise ValueError(f"{layer}: dropout should be a number in range [0, 1] representing the "
                         "probability of an element being zeroed")
    if float(dropout) > 0 and num_layers == 1:
        warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
             f"expects num_layers greater than 1, but got dropout={dropout} and "
             f"num_layers={num_layers}")
    return float(dropout)


def run_direction(mode: str, inputs: Sequence[Sequence[Tensor]], state0: State, w: Weights,
                  reverse: bool) -> tuple[list[Tensor], State]:
    """Run the steps over ``inputs``; returns the output of every step and the final state.

    ``inputs`` holds, per time step, the parts of its input (two below a bidirectional layer).

    A step may have fewer rows than the one before (a packed batch, sequences sorted by
    decreasing length): going forward, the rows of sequences that ended are set aside as their
    final state; going backward, rows join (from ``state0``) at their sequence's last step.
    """
    step = STEPS[mode]
    order = range(len(inputs) - 1, -1, -1) if reverse else range(len(inputs))
    current = inputs[order[0]][0].shape[0]
    state = state0 if current == state0[0].shape[0] else tuple(s[:current] for s in state0)
    outputs: list[Tensor] = [state[0]] * len(inputs)
    ended: list[State] = []  # forward: the rows of sequences that ended, latest last
    for t in order:
        rows = inputs[t][0].shape[0]
        if rows < current:
            ended.append(tuple(s[rows:] for s in state))
            state = tuple(s[:rows] for s in state)
        elif rows > current:
            state = tuple(ag.cat([s, s0[current:rows]]) for s, s0 in zip(state, state0))
        current = rows
        state = step(fused_gates(inputs[t], state[0], w), state, w)
        outputs[t] = state[0]
    if ended:
        state = tuple(ag.cat(list(parts)) for parts in zip(state, *reversed(ended)))
    return outputs, state


class RNNBase(Module):
    """The weights and the run shared by ``RNN``, ``LSTM`` and ``GRU``.

    Per layer l and direction (suffix ``_reverse``): ``weight_ih_l{l}`` (G, input),
    ``weight_hh_l{l}`` (G, H_out), ``bias_ih_l{l}``, ``bias_hh_l{l}`` (G,) and, for an LSTM
    with ``proj_size`` > 0, ``weight_hr_l{l}`` (proj_size, hidden_size); G = gates * hidden_size,
    H_out = proj_size or hidden_size. All drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
    """

    mode: str
    input_size: int
    hidden_size: int
    num_layers: int
    proj_size: int

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: DTypeLike | None = None) -> None:
        super().__init__()
        name = type(self).__name__
        if not isinstance(mode, str) or mode not in GATES:
            raise ValueError(f"{name}: Unrecognized RNN mode: {mode}")
        self.mode = mode
        self.input_size = _positive(name, "input_size", input_size)
        self.hidden_size = _positive(name, "hidden_size", hidden_size)
        self.num_layers = _positive(name, "num_layers", num_layers)
        self.bias, self.batch_first, self.bidirectional = bias, batch_first, bidirectional
        self.dropout = _dropout(name, dropout, self.num_layers)
        if isinstance(proj_size, bool) or not isinstance(proj_size, numbers.Integral) or proj_size < 0:
            raise ValueError(f"{name}: proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= self.hidden_size:
            raise ValueError(f"{name}: proj_size has to be smaller than hidden_size")
        self.proj_size = int(proj_size)
        gates = GATES[mode] * self.hidden_size
        out_size = self.proj_size or self.hidden_size
        kwargs: dict[str, Any] = {"dtype": ag.float32 if dtype is None else dtype, "device": device}
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(self.num_layers):
            for suffix in ("", "_reverse")[:self.num_directions]:
                shapes = {"weight_ih": (gates, self.input_size if layer == 0 else
                                        out_size * self.num_directions),
                          "weight_hh": (gates, out_size)}
                if bias:
                    shapes.update(bias_ih=(gates,), bias_hh=(gates,))
                if self.proj_size:
                    shapes["weight_hr"] = (self.proj_size, self.hidden_size)
                names = [f"{kind}_l{layer}{suffix}" for kind in shapes]
                for param, shape in zip(names, shapes.values()):
                    self.register_parameter(param, Parameter(ag.empty(*shape, **kwargs)))
                self._flat_weights_names += names
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def num_directions(self) -> int:
        """2 for a bidirectional layer, else 1."""
        return 2 if self.bidirectional else 1

    def reset_parameters(self) -> None:
        """Re-draw every weight from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        reset_uniform(self, self.hidden_size)

    def flatten_parameters(self) -> None:
        """A no-op, as PyTorch's off the GPU (cuDNN's flat weight buffer)."""

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters per layer and direction, in PyTorch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    @property
    def _flat_weights(self) -> list[Parameter]:
        return [getattr(self, name) for name in self._flat_weights_names]

    def extra_repr(self) -> str:
        """PyTorch's text: the sizes, then the arguments that differ from their defaults."""
        changed = [f"{name}={getattr(self, name)}" for name, default in _REPR_DEFAULTS.items()
                   if getattr(self, name) != default]
        return ", ".join([f"{self.input_size}, {self.hidden_size}", *changed])

    def _weights(self, index: int) -> Weights:
        names = self._all_weights[index]
        params = dict(zip((n.split("_l")[0] for n in names), (getattr(self, n) for n in names)))
        return Weights.of(self.mode, params["weight_ih"], params["weight_hh"], params.get("bias_ih"),
                          params.get("bias_hh"), params.get("weight_hr"))

    def _state_sizes(self, batch: int) -> list[tuple[int, int, int]]:
        """The expected shapes of h_0 (and c_0 for an LSTM)."""
        layers = self.num_layers * self.num_directions
        sizes = [(layers, batch, self.proj_size or self.hidden_size)]
        return sizes + [(layers, batch, self.hidden_size)] * (self.mode == "LSTM")

    def _initial_state(self, hx: State | None, x: Tensor, batch: int,
                       batched: bool | None) -> State:
        name, expected = type(self).__name__, self._state_sizes(batch)
        if hx is None:
            return tuple(ag.zeros(*size, dtype=x.dtype) for size in expected)
        for h in hx:
            if not isinstance(h, Tensor):
                raise TypeError(f"{name}: hx must hold Tensors, got {type(h).__name__}")
        if batched is not None and any(h.ndim != (3 if batched else 2) for h in hx):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            got = (f"{hx[0].ndim}-D tensor" if len(hx) == 1 else
                   f"({hx[0].ndim}-D, {hx[1].ndim}-D) tensors")
            raise RuntimeError(f"{name}: For {kind} input, {'hx' if len(hx) == 1 else 'hx and cx'} "
                               f"should also be {3 if batched else 2}-D but got {got}")
        hx = hx if batched in (True, None) else tuple(h.unsqueeze(1) for h in hx)
        for i, (h, size) in enumerate(zip(hx, expected)):
            which = f"hidden[{i}]" if self.mode == "LSTM" else "hidden"
            if tuple(h.shape) != size:
                raise RuntimeError(f"{name}: Expected {which} size {size}, got {list(h.shape)}")
            if h.dtype != x.dtype:
                raise RuntimeError(f"{name}: {which} dtype ({h.dtype}) does not match the input "
                                   f"dtype ({x.dtype}). Hint: convert hx with .to({x.dtype})")
        return hx

    def _run_layers(self, inputs: list[tuple[Tensor, ...]], state0: State
                    ) -> tuple[list[list[Tensor]], list[State]]:
        """The last layer's outputs per direction and step, and every final state.

        ``inputs`` holds the parts of each step's input; a layer passes its outputs per step
        (both directions' as two parts) to the next, with dropout in training.
        """
        directions: list[list[Tensor]] = []
        finals: list[State] = []
        for layer in range(self.num_layers):
            if layer:
                inputs = list(zip(*directions))
                if self.dropout and self.training:
                    inputs = [tuple(F.dropout(part, self.dropout, True) for part in parts)
                              for parts in inputs]
            directions = []
            for direction in range(self.num_directions):
                index = layer * self.num_directions + direction
                outputs, final = run_direction(self.mode, inputs, tuple(h[index] for h in state0),
                                               self._weights(index), direction == 1)
                directions.append(outputs)
                finals.append(final)
        return directions, finals

    def _run(self, input: Tensor | PackedSequence, hx: State | None) -> tuple[Any, State]:
        name = type(self).__name__
        if isinstance(input, PackedSequence):
            x, batch_sizes = input.data, [int(n) for n in input.batch_sizes.tolist()]
            batched: bool | None = None
        elif isinstance(input, Tensor):
            if input.ndim not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D "
                                 "tensor instead")
            batched, batch_sizes = input.ndim == 3, None
            x = input if batched else input.unsqueeze(0 if self.batch_first else 1)
            x = x.transpose(0, 1) if self.batch_first else x
        else:
            raise TypeError(f"{name}: input must be a Tensor or a PackedSequence, got "
                            f"{type(input).__name__}")
        check_dtype(name, x, self.weight_ih_l0)
        if x.ndim != (2 if batch_sizes is not None else 3):
            raise RuntimeError(f"{name}: input must have {2 if batch_sizes else 3} dimensions, "
                               f"got {x.ndim}")
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {x.shape[-1]}")
        batch = batch_sizes[0] if batch_sizes else x.shape[1]
        state0 = self._initial_state(hx, x, batch, batched)
        if isinstance(input, PackedSequence) and input.sorted_indices is not None:
            state0 = tuple(h.index_select(1, input.sorted_indices) for h in state0)
        if x.shape[0] == 0 or batch_sizes == []:
            raise RuntimeError(f"{name}: Expected sequence length to be larger than 0 in RNN")
        steps = x.split(batch_sizes, 0) if batch_sizes else x.unbind(0)
        directions, finals = self._run_layers([(step,) for step in steps], state0)
        join = ag.cat if batch_sizes else ag.stack
        output = ag.cat([join(list(outputs)) for outputs in directions], -1) \
            if len(directions) == 2 else join(list(directions[0]))
        state = tuple(ag.stack(list(parts)) for parts in zip(*finals))
        if isinstance(input, PackedSequence):
            if input.unsorted_indices is not None:
                state = tuple(h.index_select(1, input.unsorted_indices) for h in state)
            return PackedSequence(output, input.batch_sizes, input.sorted_indices,
                                  input.unsorted_indices), state
        output = output.transpose(0, 1) if self.batch_first else output
        if not batched:
            output, state = output.squeeze(0 if self.batch_first else 1), tuple(
                h.squeeze(1) for h in state)
        return output, state


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu), per layer.

    Input (T, B, input_size) (``batch_first``: (B, T, ...)), unbatched (T, input_size), or a
    PackedSequence; h_0 (num_layers * directions, B, hidden_size), zeros if None. Returns
    (output, h_n): output (T, B, directions * hidden_size), the last layer's h_t per step.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: DTypeLike | None = None) -> None:
        mode = nonlinearity_mode("RNN", nonlinearity)
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor | PackedSequence,
                hx: Tensor | None = None) -> tuple[Any, Tensor]:
        """(output, h_n) for the input and h_0 (see the class docstring for the shapes)."""
        output, state = self._run(input, None if hx is None else (hx,))
        return output, state[0]


class LSTM(RNNBase):
    """LSTM: gates (i, f, g, o) of x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, per layer.

    c_t = f c_{t-1} + i g, h_t = o tanh(c_t) (times W_hr^T when ``proj_size`` > 0).
    Shapes as ``RNN``; hx is (h_0, c_0), c_0 of hidden_size. Returns (output, (h_n, c_n)).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: DTypeLike | None = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)

    def forward(self, input: Tensor | PackedSequence, hx: tuple[Tensor, Tensor] | None = None
                ) -> tuple[Any, tuple[Tensor, Tensor]]:
        """(output, (h_n, c_n)) for the input and (h_0, c_0) (the class docstring has the shapes)."""
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"LSTM: hx must be a tuple (h_0, c_0) of Tensors, got "
                            f"{type(hx).__name__}")
        output, (h, c) = self._run(input, None if hx is None else tuple(hx))
        return output, (h, c)


class GRU(RNNBase):
    """GRU: r, z = sigmoid(.), n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), per layer.

    h_t = (1 - z) n + z h_{t-1}. Shapes and returns as ``RNN``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: DTypeLike | None = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)

    def forward(self, input: Tensor | PackedSequence,
                hx: Tensor | None = None) -> tuple[Any, Tensor]:
        """(output, h_n) for the input and h_0, as ``RNN.forward``."""
        output, state = self._run(input, None if hx is None else (hx,))
        return output, state[0]

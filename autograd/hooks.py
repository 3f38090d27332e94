"""``torch.utils.hooks``: ``RemovableHandle``, and ``BackwardHook``, a module's backward hooks.

A call of a module with full backward hooks passes its positional Tensor arguments, and then its
Tensor outputs, through an identity node (``BackwardHookFunctionBackward``) when any of them
requires grad. In the backward pass the output node sees ``grad_output`` (one entry per output,
None for non-tensors, outputs that need no gradient and outputs that got none) and runs the
backward pre-hooks, each of which may replace it; the input node sees ``grad_input`` (one entry
per positional argument: None for non-tensors, zeros for tensors that need no gradient) and runs
the backward hooks ``hook(module, grad_input, grad_output)``, each of which may replace
``grad_input``. When no argument needs a gradient the hooks run at the output node with
``grad_input`` all None. These are PyTorch's conventions.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from . import grad_mode
from ._tensor import Tensor
from .function import Function, FunctionCtx
from .grad_checks import check_hook_result
from .handle import RemovableHandle

__all__ = ["BackwardHook", "BackwardHookFunction", "RemovableHandle"]

Grads = tuple[Tensor | None, ...]


class BackwardHookFunction(Function):
    """The identity on its tensors; its backward hands their gradients to ``callback``.

    ``forward(ctx, callback, materialize, *tensors) = tensors`` (those that need no gradient are
    marked non-differentiable); ``backward`` returns ``callback(grads)``, where a missing
    gradient is zeros if ``materialize`` else None.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, callback: Callable[[Grads], Grads], materialize: bool,
                *tensors: Tensor) -> Any:
        ctx.callback = callback
        ctx.set_materialize_grads(materialize)
        ctx.mark_non_differentiable(*(t for t in tensors if not t.requires_grad))
        return tensors

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Tensor | None) -> Any:
        return (None, None, *ctx.callback(grads))


def _replaced(kind: str, hook: Callable[..., Any], result: Any, grads: Grads) -> Grads:
    """A hook's replacement for ``grads``, checked for its count and each Tensor's dtype and shape.

    An entry may be None; one replacing a None gradient is ignored, as in PyTorch.
    """
    values = tuple(result) if isinstance(result, (tuple, list)) else (result,)
    if len(values) != len(grads):
        raise RuntimeError(f"Backward {kind} returned an invalid number of grad_"
                           f"{'output' if 'pre' in kind else 'input'}, got {len(values)}, but "
                           f"expected {len(grads)}")
    for old, new in zip(grads, values):
        if old is not None and new is not None:
            check_hook_result(hook, old, new)
    return values


class BackwardHook:
    """The hooks of one module call: wraps its inputs and outputs in ``BackwardHookFunction``."""

    def __init__(self, module: Any, hooks: Sequence[Callable[..., Any]],
                 pre_hooks: Sequence[Callable[..., Any]]) -> None:
        self.module, self.hooks, self.pre_hooks = module, list(hooks), list(pre_hooks)
        self.n_inputs = 0
        self.input_positions: list[int] = []  # the tensor arguments wrapped
        self.output_positions: list[int] = []  # the outputs wrapped
        self.grad_outputs: Grads | None = None

    def _wrap(self, values: Sequence[Any], callback: Callable[[Grads], Grads],
              materialize: bool) -> tuple[list[Any], list[int]]:
        positions = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
        if not any(values[i].requires_grad for i in positions) or not grad_mode.is_grad_enabled():
            return list(values), []
        new = BackwardHookFunction.apply(callback, materialize, *(values[i] for i in positions))
        out = list(values)
        for i, tensor in zip(positions, new):
            out[i] = tensor
        return out, positions

    def setup_input_hook(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """``args`` with the tensors that need a gradient passed through the input node."""
        self.n_inputs = len(args)
        wrapped, self.input_positions = self._wrap(args, self._on_grad_inputs, True)
        return tuple(wrapped)

    def setup_output_hook(self, output: Any) -> Any:
        """``output`` (a Tensor or a tuple/list of values) passed through the output node."""
        single = isinstance(output, Tensor)
        values = [output] if single else list(output) if isinstance(output, (tuple, list)) else None
        if values is None:
            return output
        wrapped, self.output_positions = self._wrap(
            values, lambda grads: self._on_grad_outputs(grads, len(values)), False)
        if not self.output_positions:
            return output
        return wrapped[0] if single else type(output)(wrapped)

    def _on_grad_outputs(self, grads: Grads, count: int) -> Grads:
        full: list[Tensor | None] = [None] * count
        for i, g in zip(self.output_positions, grads):
            full[i] = g
        grad_output: Grads = tuple(full)
        for hook in self.pre_hooks:
            result = hook(self.module, grad_output)
            if result is not None:
                grad_output = _replaced("pre hook", hook, result, grad_output)
        self.grad_outputs = grad_output
        if not self.input_positions and self.hooks:  # no input node will run: call them now
            warnings.warn("Full backward hook is firing when gradients are computed with respect "
                          "to module outputs since no inputs require gradients. See "
                          "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                          "#torch.nn.Module.register_full_backward_hook for more details.",
                          stacklevel=2)
            self._run_hooks((None,) * self.n_inputs)
        return tuple(grad_output[i] for i in self.output_positions)

    def _on_grad_inputs(self, grads: Grads) -> Grads:
        full: list[Tensor | None] = [None] * self.n_inputs
        for i, g in zip(self.input_positions, grads):
            full[i] = g
        grad_input = self._run_hooks(tuple(full))
        return tuple(grad_input[i] for i in self.input_positions)

    def _run_hooks(self, grad_input: Grads) -> Grads:
        for hook in self.hooks:
            result = hook(self.module, grad_input, self.grad_outputs)
            if result is not None:
                grad_input = _replaced("hook", hook, result, grad_input)
        return grad_input

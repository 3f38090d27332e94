"""``nn.Module``'s call and its hooks, with ``torch.nn.Module``'s signatures and order.

A call runs, in order: the forward pre-hooks ``hook(module, args)`` (with ``with_kwargs=True``:
``hook(module, args, kwargs)``), each of which may return replacement args (or
``(args, kwargs)``); with backward hooks, the input node (see ``autograd.hooks``); ``forward``;
the forward hooks ``hook(module, args, output)`` (``hook(module, args, kwargs, output)``), each
of which may return a replacement output; with backward hooks, the output node. Hooks registered
with ``always_call=True`` also run when ``forward`` raises. ``prepend=True`` puts a hook first.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from autograd import RemovableHandle, Tensor
from autograd.hooks import BackwardHook
from autograd.viz import record_module_call

if TYPE_CHECKING:
    from .module import Module

Hook = Callable[..., Any]


class ModuleHooks:
    """The hook registries of a module and ``__call__``, which runs them around ``forward``."""

    _forward_pre_hooks: OrderedDict[int, Hook]
    _forward_pre_hooks_with_kwargs: dict[int, bool]
    _forward_hooks: OrderedDict[int, Hook]
    _forward_hooks_with_kwargs: dict[int, bool]
    _forward_hooks_always_called: dict[int, bool]
    _backward_pre_hooks: OrderedDict[int, Hook]
    _backward_hooks: OrderedDict[int, Hook]

    if TYPE_CHECKING:
        def forward(self, *args: Any, **kwargs: Any) -> Any: ...  # noqa: D102

    def _init_hooks(self) -> None:
        for name in ("_forward_pre_hooks", "_forward_hooks", "_backward_pre_hooks", "_backward_hooks"):
            object.__setattr__(self, name, OrderedDict())
        for name in ("_forward_pre_hooks_with_kwargs", "_forward_hooks_with_kwargs",
                     "_forward_hooks_always_called"):
            object.__setattr__(self, name, {})

    def register_forward_pre_hook(self, hook: Hook, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """``hook(module, args)`` runs before forward; it may return replacement args.

        With ``with_kwargs``: ``hook(module, args, kwargs)``, returning None or ``(args, kwargs)``.
        """
        handle = RemovableHandle(self._forward_pre_hooks, hook, prepend=prepend,
                                 extra_dicts=(self._forward_pre_hooks_with_kwargs,))
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(self, hook: Hook, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """``hook(module, args, output)`` runs after forward; it may return a new output.

        With ``with_kwargs``: ``hook(module, args, kwargs, output)``. With ``always_call`` it also
        runs when forward raises.
        """
        handle = RemovableHandle(self._forward_hooks, hook, prepend=prepend,
                                 extra_dicts=(self._forward_hooks_with_kwargs,
                                              self._forward_hooks_always_called))
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        return handle

    def register_full_backward_pre_hook(self, hook: Hook, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_output)`` runs when the outputs' gradients are known.

        It may return a replacement ``grad_output`` (a tuple, one entry per output).
        """
        return RemovableHandle(self._backward_pre_hooks, hook, prepend=prepend)

    def register_full_backward_hook(self, hook: Hook, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` runs when the inputs' gradients are known.

        ``grad_input`` has one entry per positional argument of forward (None where there is no
        gradient); the hook may return a replacement of the same length.
        """
        return RemovableHandle(self._backward_hooks, hook, prepend=prepend)

    def register_backward_hook(self, hook: Hook) -> RemovableHandle:
        """Deprecated in PyTorch: registered here as ``register_full_backward_hook`` (with a warning)."""
        warnings.warn("register_backward_hook is deprecated; ndgrad registers the hook as "
                      "register_full_backward_hook (gradients with respect to the module's inputs "
                      "and outputs). Hint: call register_full_backward_hook", FutureWarning,
                      stacklevel=2)
        return self.register_full_backward_hook(hook)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the hooks around ``forward(*args, **kwargs)`` (see the module docstring)."""
        if (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks
                or self._backward_pre_hooks):
            output = self._call_with_hooks(args, kwargs)
        else:  # the common case has no hooks
            output = self.forward(*args, **kwargs)
        if isinstance(output, Tensor) and output._grad_fn is not None:
            # for ag.draw_graph's module clusters
            record_module_call(cast("Module", self), args, kwargs, output)
        return output

    def _call_with_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        module = cast("Module", self)
        for hook_id, hook in tuple(self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                result = hook(module, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {result}.")
                    args, kwargs = result
            else:
                result = hook(module, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward_hook = None
        if self._backward_hooks or self._backward_pre_hooks:
            backward_hook = BackwardHook(module, tuple(self._backward_hooks.values()),
                                         tuple(self._backward_pre_hooks.values()))
            args = backward_hook.setup_input_hook(args)
        called: set[int] = set()
        try:
            output = self.forward(*args, **kwargs)
            for hook_id, hook in tuple(self._forward_hooks.items()):
                called.add(hook_id)
                if hook_id in self._forward_hooks_with_kwargs:
                    result = hook(module, args, kwargs, output)
                else:
                    result = hook(module, args, output)
                if result is not None:
                    output = result
        except Exception:
            for hook_id, hook in tuple(self._forward_hooks.items()):
                if hook_id in self._forward_hooks_always_called and hook_id not in called:
                    try:
                        if hook_id in self._forward_hooks_with_kwargs:
                            hook(module, args, kwargs, None)
                        else:
                            hook(module, args, None)
                    except Exception as hook_error:
                        warnings.warn("forward hook with always_call=True raised an exception "
                                      f"that was silenced as another error was raised in forward: "
                                      f"{hook_error}", stacklevel=3)
            raise
        if backward_hook is not None:
            output = backward_hook.setup_output_hook(output)
        return output

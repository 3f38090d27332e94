"""``nn.Module``'s state_dict and load_state_dict, with ``torch.nn.Module``'s protocol.

``state_dict`` walks the tree: each module runs its state-dict pre-hooks
``hook(module, prefix, keep_vars)``, writes its own entries with ``_save_to_state_dict``
(parameters, persistent buffers, and ``_extra_state`` when the class defines
``get_extra_state``), recurses into its children, then runs its post-hooks
``hook(module, state_dict, prefix, local_metadata)``. The result is an OrderedDict whose
``_metadata`` maps each module's prefix to ``{"version": cls._version}``.

``load_state_dict`` walks the same tree through ``_load_from_state_dict`` (which a subclass may
override, e.g. to rename keys of an older version) and the load hooks, collecting every missing
or unexpected key and every size mismatch. It is atomic: if anything fails, every parameter,
buffer and extra state is put back as it was before the call, then the error names all problems.
"""

from __future__ import annotations

import copy
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import autograd as ag
from autograd import RemovableHandle, Tensor

from .parameter import Parameter

if TYPE_CHECKING:
    from .module import Module

Hook = Callable[..., Any]
EXTRA_STATE_KEY_SUFFIX = "_extra_state"


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"


class ModuleState:
    """``state_dict``/``load_state_dict``, their hooks and the extra-state protocol."""

    _version: int = 1  # saved in state_dict()._metadata; bump it when a layer's keys change
    _state_dict_pre_hooks: OrderedDict[int, Hook]
    _state_dict_hooks: OrderedDict[int, Hook]
    _load_state_dict_pre_hooks: OrderedDict[int, Hook]
    _load_state_dict_post_hooks: OrderedDict[int, Hook]

    if TYPE_CHECKING:
        _parameters: dict[str, Parameter | None]
        _buffers: dict[str, Tensor | None]
        _non_persistent_buffers: set[str]
        _modules: dict[str, Any]

        def named_modules(self, memo: set[int] | None = None, prefix: str = "",  # noqa: D102
                          remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]: ...

    def _init_state_hooks(self) -> None:
        for name in ("_state_dict_pre_hooks", "_state_dict_hooks", "_load_state_dict_pre_hooks",
                     "_load_state_dict_post_hooks"):
            object.__setattr__(self, name, OrderedDict())

    # ---- hooks ---------------------------------------------------------------------------
    def register_state_dict_pre_hook(self, hook: Hook) -> RemovableHandle:
        """``hook(module, prefix, keep_vars)`` runs before this module's ``state_dict``."""
        return RemovableHandle(self._state_dict_pre_hooks, hook)

    def register_state_dict_post_hook(self, hook: Hook) -> RemovableHandle:
        """``hook(module, state_dict, prefix, local_metadata)`` may edit the state dict in place."""
        return RemovableHandle(self._state_dict_hooks, hook)

    def register_load_state_dict_pre_hook(self, hook: Hook) -> RemovableHandle:
        """``hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs)`` runs before this module loads (it may rename keys in ``state_dict``).
        """  # noqa: D205
        return RemovableHandle(self._load_state_dict_pre_hooks, hook)

    def register_load_state_dict_post_hook(self, hook: Hook) -> RemovableHandle:
        """``hook(module, incompatible_keys)`` runs after loading; it may clear the key lists."""
        return RemovableHandle(self._load_state_dict_post_hooks, hook)

    # ---- extra state ---------------------------------------------------------------------
    def get_extra_state(self) -> Any:
        """Override to save non-tensor state under ``'<prefix>_extra_state'`` (with ``set_extra_state``)."""
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be "
                           "called. Hint: define get_extra_state in the subclass")

    def set_extra_state(self, state: Any) -> None:
        """Override to restore what ``get_extra_state`` returned."""
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be "
                           "called. Hint: define set_extra_state in the subclass")

    def _has_extra_state(self, accessor: str) -> bool:
        return getattr(type(self), accessor) is not getattr(ModuleState, accessor)

    # ---- saving --------------------------------------------------------------------------
    def _local_state(self) -> dict[str, Tensor]:
        """This module's parameters and persistent buffers, by local name."""
        state: dict[str, Tensor] = {k: v for k, v in self._parameters.items() if v is not None}
        state.update((k, v) for k, v in self._buffers.items()
                     if v is not None and k not in self._non_persistent_buffers)
        return state

    def _save_to_state_dict(self, destination: dict[str, Any], prefix: str, keep_vars: bool) -> None:
        """Write this module's own entries (not its children's) into ``destination``."""
        for name, value in self._local_state().items():
            destination[prefix + name] = value if keep_vars else value.detach()
        if self._has_extra_state("get_extra_state"):
            destination[prefix + EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    def state_dict(self, *args: Any, destination: dict[str, Any] | None = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Any]:
        """Parameters and persistent buffers by qualified name (``'0.weight'``, ``'bn.running_mean'``).

        Values are detached tensors sharing memory unless ``keep_vars``. The result is an
        OrderedDict unless ``destination`` is given (then entries are added to it). Positional
        ``(destination, prefix, keep_vars)`` are accepted, deprecated as in PyTorch.
        """
        if args:
            warnings.warn("Positional args are being deprecated, use kwargs instead. Refer to "
                          "https://pytorch.org/docs/main/generated/torch.nn.Module.html"
                          "#torch.nn.Module.state_dict for details.", FutureWarning, stacklevel=2)
            if len(args) > 3:
                raise TypeError(f"state_dict() takes at most 3 positional arguments, got {len(args)}")
            destination = args[0]
            prefix = args[1] if len(args) > 1 else prefix
            keep_vars = args[2] if len(args) > 2 else keep_vars
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()  # type: ignore[attr-defined]
        local_metadata = {"version": self._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for hook in tuple(self._state_dict_pre_hooks.values()):
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination=destination, prefix=f"{prefix}{name}.", keep_vars=keep_vars)
        for hook in tuple(self._state_dict_hooks.values()):
            if hook(self, destination, prefix, local_metadata) is not None:
                raise RuntimeError("state_dict post-hook must return None")
        return destination

    # ---- loading -------------------------------------------------------------------------
    def _load_from_state_dict(self, state_dict: dict[str, Any], prefix: str,
                              local_metadata: dict[str, Any], strict: bool, missing_keys: list[str],
                              unexpected_keys: list[str], error_msgs: list[str]) -> None:
        """Load this module's own entries (keys ``prefix + name``) from ``state_dict``.

        Problems go to ``missing_keys``, ``unexpected_keys`` and ``error_msgs``; nothing raises.
        """
        for hook in tuple(self._load_state_dict_pre_hooks.values()):
            hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                 error_msgs)
        local_state = self._local_state()
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, target in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected torch.Tensor '
                                  f"or Tensor-like object from checkpoint but received {type(value)}")
            elif value.shape != target.shape:
                error_msgs.append(f"size mismatch for {key}: copying a param with shape {value.shape} "
                                  f"from checkpoint, the shape in current model is {target.shape}.")
            else:
                try:
                    if assign:
                        self._assign_loaded(name, target, value)
                    else:
                        with ag.no_grad():
                            target.copy_(value)
                except Exception as error:  # reported with the key, as torch does
                    error_msgs.append(f'While copying the parameter named "{key}", whose dimensions '
                                      f"in the model are {target.shape} and whose dimensions in the "
                                      f"checkpoint are {value.shape}, an exception occurred : "
                                      f"{error.args}.")
        extra_key = prefix + EXTRA_STATE_KEY_SUFFIX
        if self._has_extra_state("set_extra_state"):
            if extra_key in state_dict:
                self.set_extra_state(state_dict[extra_key])
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra_key:
                    head, dot, _ = key[len(prefix):].partition(".")
                    if head not in (self._modules if dot else local_state):
                        unexpected_keys.append(key)

    def _assign_loaded(self, name: str, target: Tensor, value: Tensor) -> None:
        """``load_state_dict(assign=True)``: ``value`` replaces ``target`` (a Parameter stays one)."""
        if isinstance(target, Parameter):
            value = (value.requires_grad_(target.requires_grad) if isinstance(value, Parameter)
                     else Parameter(value, requires_grad=target.requires_grad))
        setattr(self, name, value)

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> IncompatibleKeys:
        """Copy values into the parameters and buffers with the same names.

        With ``assign=True`` the state dict's tensors replace them instead (wrapped as
        Parameters where needed, keeping ``requires_grad``). Raises RuntimeError naming every
        problem (missing and unexpected keys when ``strict``, size mismatches), after putting
        everything back as it was.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        metadata = getattr(state_dict, "_metadata", None)
        state = OrderedDict(state_dict)
        missing: list[str] = []
        unexpected: list[str] = []
        errors: list[str] = []
        snapshot = _Snapshot(self.named_modules(remove_duplicate=False))
        try:
            self._load_tree(state, "", metadata, assign, IncompatibleKeys(missing, unexpected), errors)
            if strict:
                if unexpected:
                    errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in unexpected)))
                if missing:
                    errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in missing)))
            if errors:
                raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                    type(self).__name__, "\n\t".join(errors)))
        except BaseException:
            snapshot.restore()
            raise
        return IncompatibleKeys(missing, unexpected)

    def _load_tree(self, state: dict[str, Any], prefix: str, metadata: Mapping[str, Any] | None,
                   assign: bool, incompatible: IncompatibleKeys, errors: list[str]) -> None:
        local_metadata = dict(metadata.get(prefix[:-1], {})) if metadata is not None else {}
        if assign:
            local_metadata["assign_to_params_buffers"] = True
        self._load_from_state_dict(state, prefix, local_metadata, True, incompatible.missing_keys,
                                   incompatible.unexpected_keys, errors)
        for name, child in self._modules.items():
            if child is not None:
                child_prefix = f"{prefix}{name}."
                child_state = {k: v for k, v in state.items() if k.startswith(child_prefix)}
                child._load_tree(child_state, child_prefix, metadata, assign, incompatible, errors)
        for hook in tuple(self._load_state_dict_post_hooks.values()):
            if hook(self, incompatible) is not None:
                raise RuntimeError("load_state_dict post-hook must return None")


class _Snapshot:
    """Every parameter, buffer and extra state of a tree, to put back after a failed load."""

    def __init__(self, modules: Iterator[tuple[str, Module]]) -> None:
        self.entries: list[tuple[dict[str, Any], str, Tensor | None, Tensor | None]] = []
        self.extra: list[tuple[Module, Any]] = []
        for _, module in modules:
            for store in (module._parameters, module._buffers):
                for name, value in store.items():
                    saved = None if value is None else value.detach().clone()
                    self.entries.append((store, name, value, saved))
            if module._has_extra_state("get_extra_state") and module._has_extra_state("set_extra_state"):
                self.extra.append((module, copy.deepcopy(module.get_extra_state())))

    def restore(self) -> None:
        """Put the original objects back, holding their original values."""
        with ag.no_grad():
            for store, name, value, saved in self.entries:
                store[name] = value
                if value is not None and saved is not None:
                    if value.shape == saved.shape and value.dtype == saved.dtype:
                        value.copy_(saved)
                    else:
                        value.data = saved
        for module, state in self.extra:
            module.set_extra_state(state)

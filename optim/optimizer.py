"""Optimizer: the base class. An optimizer is data, as in PyTorch's ``torch/optim/optimizer.py``.

- ``param_groups``: a list of dicts, each with its ``params`` (a list of Tensors) and its
  hyper-parameters (``lr``, ``momentum``...); ``defaults`` fills in what a group leaves out.
- ``state``: a dict keyed by parameter (by identity) holding its buffers (``momentum_buffer``,
  ``exp_avg``...) as Tensors and its ``step`` count as an int.

``step()`` visits every parameter that has a ``.grad`` and calls the subclass's
``_update(param, grad, group)``: one parameter's textbook update, run under ``no_grad``,
writing ``param.detach().numpy()`` in place with NumPy in the parameter's dtype.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

import autograd as ag

from .arguments import Check, NamedErrors
from .state_checks import Kind, Like, buffer, check_entries, count

if TYPE_CHECKING:
    from autograd.types import Array

    # what an optimizer takes: Tensors, or dicts {"params": [...], <option>: ...} (param groups)
    Params = Iterable[ag.Tensor] | Iterable[dict[str, Any]]


class Optimizer(NamedErrors):
    """Base class of the optimizers.

    Args:
        params: an iterable of Tensors, or of dicts ``{"params": [...], "lr": ..., ...}`` giving
            per-group options.
        defaults: the hyper-parameters a group gets when it does not set them.

    Subclasses declare the check of each hyper-parameter in ``_option_kinds`` (see
    ``optim/arguments.py``; ``_validate(options)`` runs them on the defaults and on every
    group, and a subclass adds its checks across options there) and implement
    ``_update(param, grad, group)``. The errors the constructor and ``add_param_group`` raise
    name the class: "SGD: Invalid learning rate: -1.0".
    """

    _named_methods: ClassVar[tuple[str, ...]] = ("__init__", "add_param_group")
    # the check of each hyper-parameter, in PyTorch's order (its first error is PyTorch's)
    _option_kinds: ClassVar[dict[str, Check]] = {}

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self._validate(self.defaults)
        self.state: defaultdict[ag.Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, ag.Tensor):
            raise TypeError(f"{self._name} expects an iterable of Tensors or dicts, but got a "
                            "single Tensor. Hint: pass [tensor]")
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{self._name}: parameters must be in an ordered collection (a list), "
                            "not a set, whose order changes between runs")
        groups: list[Any] = list(params)
        if not groups:
            raise ValueError(f"{self._name} got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {value}" for key, value in sorted(group.items()) if key != "params"]
        return "\n".join(lines) + "\n)"

    # ---- parameter groups ------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing options come from ``defaults``).

        Useful to unfreeze layers while fine-tuning.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}: a param group must be a dict, got "
                            f"{type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{self._name}: a param group needs a 'params' entry")
        params = param_group["params"]
        if isinstance(params, ag.Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{self._name}: parameters must be in an ordered collection (a list), "
                            "not a set, whose order changes between runs")
        params = list(params)
        index = len(self.param_groups)
        self._check_params(params, index)
        group = dict(param_group)
        group["params"] = params
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._validate(group)
        self.param_groups.append(group)

    def _check_params(self, params: list[Any], group_index: int) -> None:
        """Only float leaf Tensors, each in one place: anything else is a user error."""
        seen = {id(p): (g, i) for g, group in enumerate(self.param_groups)
                for i, p in enumerate(group["params"])}
        for i, p in enumerate(params):
            where = f"parameter {i} of group {group_index}"
            if not isinstance(p, ag.Tensor):
                raise TypeError(f"{self._name} can only optimize Tensors, but {where} is a "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{self._name} can't optimize a non-leaf Tensor ({where} was "
                                 "computed by an op, so updating it would not change the leaves "
                                 "it came from). Hint: optimize the leaf tensors, or use "
                                 "t.detach().requires_grad_() to make a new leaf")
            if not ag.dtypes.is_floating(p.dtype):
                raise TypeError(f"{self._name} can only optimize floating point Tensors, but "
                                f"{where} has dtype {ag.dtypes.name(p.dtype)}. Hint: create it "
                                "as float32/float64 (t.float())")
            if id(p) in seen:
                g, j = seen[id(p)]
                raise ValueError(f"{self._name}: {where} (shape {tuple(p.shape)}) is the same "
                                 f"Tensor as parameter {j} of group {g}; a parameter may appear "
                                 "only once, or it would be updated twice per step. Hint: "
                                 "deduplicate, e.g. list(dict.fromkeys(params))")
            seen[id(p)] = (group_index, i)

    def _validate(self, options: dict[str, Any]) -> None:
        """Raise TypeError or ValueError for an invalid hyper-parameter: each checked by its kind."""
        for key, check in self._option_kinds.items():
            check(key, options[key])

    # ---- the update ------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients: ``p.grad = None`` (default), or zero them in place."""
        ag.zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a ``.grad`` (others are skipped).

        Args:
            closure: optional; re-evaluates the model and returns the loss. It runs with
                gradients enabled, before the update, and its value is returned.
        """
        loss = None
        if closure is not None:
            with ag.enable_grad():
                loss = closure()
        with ag.no_grad():
            for group in self.param_groups:
                for param in group["params"]:
                    grad = param._grad  # a leaf's (checked when added): .grad without its checks
                    if grad is None:
                        continue
                    array = grad._data
                    if array.dtype != param._data.dtype:
                        array = array.astype(param._data.dtype)
                    self._update(param, array, group)
                    # Count the in-place write (as PyTorch's param.add_ would): a graph that
                    # saved this parameter before the step now refuses to backward.
                    ag.increment_version(param)
        return loss

    def _update(self, param: ag.Tensor, grad: Array, group: dict[str, Any]) -> None:
        """Update ``param.detach().numpy()`` in place from ``grad`` (never modify ``grad``)."""
        raise NotImplementedError(f"{self._name} must implement _update(param, grad, group)")

    def _buffer(self, param: ag.Tensor, name: str, fill: float = 0.0,
                initial: Array | None = None) -> Array:
        """The array of ``state[param][name]``, created the first time as a Tensor.

        The Tensor is in the parameter's dtype: a copy of ``initial`` if given, else full of
        ``fill``.
        """
        state = self.state[param]
        if name not in state:
            state[name] = ag.full_like(param, fill) if initial is None else ag.tensor(initial)
        return state[name].numpy()

    # ---- saving and loading ----------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """A snapshot of the optimizer in PyTorch's layout (later steps don't change it).

        The layout::

            {"state": {0: {"step": 3, "exp_avg": Tensor, ...}, ...},
             "param_groups": [{"lr": 0.01, ..., "params": [0, 1]}, ...]}

        Parameters are numbered in the order of the groups; values are plain Python data,
        Tensors and arrays, so a serializer can store them without pickling.
        """
        params = [p for group in self.param_groups for p in group["params"]]  # no duplicates
        groups: list[dict[str, Any]]
        groups, start = [], 0
        for group in self.param_groups:
            packed = {key: _copy(value) for key, value in group.items() if key != "params"}
            packed["params"] = list(range(start, start + len(group["params"])))
            start += len(group["params"])
            groups.append(packed)
        state = {i: {name: _copy(value) for name, value in self.state[p].items()}
                 for i, p in enumerate(params) if p in self.state}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()``: the groups must have the same sizes as this optimizer's.

        Everything is checked before anything changes: the layout, each group's
        hyper-parameters (as the constructor checks them) and, for the built-in optimizers,
        every state entry (see ``optim/state_checks.py``: a step count is a non-negative
        integer, a buffer has its parameter's shape...). Values are copied, floating arrays
        cast to their parameter's dtype. Each error names the optimizer, the parameter group
        or parameter, and the entry.
        """
        where = f"{self._name}.load_state_dict"
        saved_groups, saved_state = _layout(state_dict, where)
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{where}: the state dict has {len(saved_groups)} parameter groups, "
                             f"this optimizer has {len(self.param_groups)}")
        id_map: dict[int, tuple[ag.Tensor, int, int]] = {}  # saved id -> (param, group, place)
        new_groups: list[dict[str, Any]] = []
        for g, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            ids = _group_ids(saved, g, where)
            if len(group["params"]) != len(ids):
                raise ValueError(f"{where}: parameter group {g} has {len(ids)} parameters in the "
                                 f"state dict but {len(group['params'])} in this optimizer")
            missing = [key for key in self.defaults if key not in saved]
            if missing:
                raise ValueError(f"{where}: parameter group {g} lacks {missing}. Hint: was it "
                                 "saved from another optimizer type?")
            for i, (saved_id, param) in enumerate(zip(ids, group["params"])):
                if saved_id in id_map:
                    first = id_map[saved_id][1]
                    raise ValueError(f"{where}: parameter {saved_id} is listed twice, in group "
                                     f"{first}" + (f" and in group {g}" if first != g else ""))
                id_map[saved_id] = (param, g, i)
            new_group = {key: _plain(value) for key, value in saved.items()}
            new_group["params"] = group["params"]
            try:
                self._validate(new_group)
            except (TypeError, ValueError) as err:
                raise type(err)(f"{where}: parameter group {g}: {err}") from None
            new_groups.append(new_group)
        state: defaultdict[ag.Tensor, dict[str, Any]] = defaultdict(dict)
        for key, values in saved_state.items():
            index = _param_index(key, where)
            if index not in id_map:
                raise ValueError(f"{where}: the state dict has state for parameter {key!r}, "
                                 "which is in no parameter group")
            param, g, i = id_map[index]
            state[param] = self._load_param_state(
                param, values, new_groups[g],
                f"{where}: the state of parameter {index} (parameter {i} of group {g})")
        self.state, self.param_groups = state, new_groups

    # the kind of each state entry the optimizer keeps (optim/state_checks.py); None: a user's
    # optimizer whose state is loaded as given (step as an int, buffers of the param's shape)
    _state_kinds: ClassVar[dict[str, Kind] | None] = None

    def _required_state(self, group: dict[str, Any]) -> tuple[str, ...]:
        """The entries a non-empty state must hold for ``group``'s options."""
        return ()

    def _state_like(self, param: ag.Tensor) -> Like:
        """The shape and dtype of ``param``'s state buffers."""
        return Like(tuple(param.shape), param.detach().numpy().dtype, "the parameter's shape")

    def _load_param_state(self, param: ag.Tensor, values: Any, group: dict[str, Any],
                          where: str) -> dict[str, Any]:
        """One parameter's loaded state, checked as ``_state_kinds`` says."""
        like = self._state_like(param)
        if self._state_kinds is None:
            if not isinstance(values, dict):
                raise TypeError(f"{where} must be a dict of state entries, got "
                                f"{type(values).__name__}")
            return {name: _load_value(name, value, f"{where}: '{name}'", like)
                    for name, value in values.items()}
        return check_entries(values, self._state_kinds, self._required_state(group), like, where,
                             self._name)


def _layout(state_dict: Any, where: str) -> tuple[list[Any], dict[Any, Any]]:
    """The ``param_groups`` list and the ``state`` dict of a state dict, checked for their types.

    Sequences may come back from a NumPy-based serializer as (object) arrays.
    """
    if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
        keys = list(state_dict) if isinstance(state_dict, dict) else type(state_dict).__name__
        raise ValueError(f"{where}: expected a dict with 'state' and 'param_groups' (what "
                         f"state_dict() returns), got {keys}")
    groups, state = _sequence(state_dict["param_groups"]), state_dict["state"]
    if groups is None or not all(isinstance(g, dict) for g in groups):
        raise TypeError(f"{where}: 'param_groups' must be a list of dicts, got "
                        f"{state_dict['param_groups']!r:.80}")
    if not isinstance(state, dict):
        raise TypeError(f"{where}: 'state' must be a dict, got {type(state).__name__}")
    return groups, state


def _sequence(value: Any) -> list[Any] | None:
    """A list, tuple or 1-d array as a list; None for anything else."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return list(value)
    return list(value) if isinstance(value, (list, tuple)) else None


def _param_index(key: Any, where: str) -> int:
    """A parameter index as a state dict keys it: an int, or its text (from a serializer)."""
    if isinstance(key, str) and key.isdigit():
        return int(key)
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return int(key)
    raise ValueError(f"{where}: the state dict has state under {key!r}, which is not a "
                     "parameter index")


def _group_ids(saved: dict[str, Any], g: int, where: str) -> list[int]:
    """The parameter indices of saved group ``g``."""
    ids = _sequence(saved.get("params"))
    if ids is None:
        raise ValueError(f"{where}: parameter group {g} has no list of parameter indices "
                         f"('params'), got {saved.get('params')!r:.60}")
    return [_param_index(i, where) for i in ids]


def _copy(value: Any) -> Any:
    """A copy of a state or group value: Tensors and arrays copied, containers rebuilt."""
    if isinstance(value, ag.Tensor):
        return value.detach().clone()
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _plain(value: Any) -> Any:
    """NumPy scalars and small arrays, as a serializer may return them, as Python values.

    (``betas`` saved as an array comes back as a tuple.)
    """
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value.item()
    if isinstance(value, np.ndarray):
        return tuple(value.tolist())
    return value


def _load_value(name: str, value: Any, where: str, like: Like) -> Any:
    """One loaded entry of a user's optimizer: ``step`` a count, arrays of the param's shape Tensors."""
    if name == "step":
        return count(value, where, like)
    if isinstance(value, (ag.Tensor, np.ndarray)) and value.shape == like.shape:
        return buffer(value, where, like)
    return _copy(_plain(value))

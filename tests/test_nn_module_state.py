"""Module.state_dict / load_state_dict against PyTorch: metadata, extra state, the four hooks,
assign=, torch's error messages, and atomicity (a failed load changes nothing)."""

import copy
import warnings

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn


def _tree(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4),
                             lib.nn.Sequential(lib.nn.LayerNorm(4), lib.nn.Linear(4, 2)))


def _message(fn):
    with pytest.raises((RuntimeError, TypeError)) as info:
        fn()
    return str(info.value)


@requires_torch
def test_state_dict_keys_and_metadata_match_pytorch():
    ours, theirs = _tree(OURS).state_dict(), _tree(torch).state_dict()
    assert list(ours) == list(theirs)
    assert ours._metadata == theirs._metadata  # per prefix: {"version": 1}, BatchNorm's 2
    assert dict(_tree(OURS).state_dict(prefix="net.")._metadata) == dict(
        _tree(torch).state_dict(prefix="net.")._metadata)


def _load_errors(lib):
    model = _tree(lib)
    state = {k: lib.zeros(v.shape) for k, v in model.state_dict().items()}
    state["0.weight"] = lib.zeros(5, 5)
    del state["2.1.bias"]
    state["2.extra"] = lib.zeros(1)
    state["9.weight"] = lib.zeros(1)
    messages = [_message(lambda: model.load_state_dict(state))]
    state = {k: lib.zeros(v.shape) for k, v in model.state_dict().items()}
    state["0.bias"] = [1.0, 2.0, 3.0, 4.0]
    messages.append(_message(lambda: model.load_state_dict(state)))
    messages.append(_message(lambda: model.load_state_dict([("0.bias", lib.zeros(4))])))
    return messages


@requires_torch
def test_load_errors_are_pytorch_s_messages():
    ours, theirs = _load_errors(OURS), _load_errors(torch)
    assert ours[0] == theirs[0]  # missing, unexpected, size mismatch: every problem, torch's words
    assert ours[1] == theirs[1]  # a value that is not a tensor
    assert ours[2] == theirs[2]


def test_a_failed_load_changes_nothing_even_after_a_partial_copy():
    class Late(nn.Linear):  # copies its weight, then reports a problem
        def _load_from_state_dict(self, state_dict, prefix, *args):
            super()._load_from_state_dict(state_dict, prefix, *args)
            args[-1].append("late problem")

    model = nn.Sequential(nn.Linear(2, 2), Late(2, 2), nn.BatchNorm1d(2))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    weight = model[0].weight
    state = {k: ag.full(v.shape, 7.0).to(v.dtype) for k, v in model.state_dict().items()}
    with pytest.raises(RuntimeError, match="late problem"):
        model.load_state_dict(state, assign=True)
    assert model[0].weight is weight
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[key].numpy(), err_msg=key)


def _extra_state(lib):
    class Counter(lib.nn.Linear):
        def __init__(self):
            super().__init__(1, 1)
            self.steps = 0

        def get_extra_state(self):
            return {"steps": self.steps}

        def set_extra_state(self, state):
            self.steps = state["steps"]

    source = Counter()
    source.steps = 5
    state = source.state_dict()
    target = Counter()
    target.load_state_dict(state)
    keys = list(state)
    missing = lib.nn.Sequential(Counter()).load_state_dict(
        {"0.weight": lib.zeros(1, 1), "0.bias": lib.zeros(1)}, strict=False)
    unexpected = lib.nn.Linear(1, 1).load_state_dict(state, strict=False)
    return keys, target.steps, list(missing.missing_keys), list(unexpected.unexpected_keys)


@requires_torch
def test_extra_state_round_trips_as_pytorch():
    assert _extra_state(OURS) == _extra_state(torch)
    assert _extra_state(OURS)[:2] == (["weight", "bias", "_extra_state"], 5)


def _hooks(lib):
    calls = []
    model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Linear(2, 1))
    model[0].register_state_dict_pre_hook(lambda m, prefix, keep: calls.append(("pre", prefix, keep)))

    def drop_bias(module, state, prefix, local_metadata):
        calls.append(("post", prefix, sorted(k for k in state if k.startswith(prefix))))
        del state[prefix + "bias"]

    model[1].register_state_dict_post_hook(drop_bias)
    state = model.state_dict()
    keys = list(state)

    def rename(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
        calls.append(("load-pre", prefix, strict))
        if prefix + "w" in state_dict:
            state_dict[prefix + "weight"] = state_dict.pop(prefix + "w")

    def forgive(module, incompatible):
        calls.append(("load-post", list(incompatible.missing_keys)))
        incompatible.missing_keys.clear()

    model[1].register_load_state_dict_pre_hook(rename)
    model[1].register_load_state_dict_post_hook(forgive)
    state["1.w"] = state.pop("1.weight")
    result = model.load_state_dict(state)
    return keys, calls, repr(result)


@requires_torch
def test_state_dict_and_load_hooks_run_as_pytorch():
    ours, theirs = _hooks(OURS), _hooks(torch)
    assert ours == theirs
    assert ours[2] == "<All keys matched successfully>"


def _assign(lib):
    model = lib.nn.Linear(2, 1)
    model.weight.requires_grad_(False)
    new_weight, new_bias = lib.tensor([[1.0, 2.0]], dtype=lib.float64), lib.tensor([3.0])
    model.load_state_dict({"weight": new_weight, "bias": new_bias}, assign=True)
    return (type(model.weight).__name__, model.weight.dtype == lib.float64, model.weight.requires_grad,
            model.bias.requires_grad, model.weight.data_ptr() == new_weight.data_ptr())


@requires_torch
def test_assign_replaces_parameters_as_pytorch():
    assert _assign(OURS) == _assign(torch) == ("Parameter", True, False, True, True)


@requires_torch
def test_batchnorm_loads_a_checkpoint_without_num_batches_tracked_as_pytorch():
    results = []
    for lib in (OURS, torch):
        norm = lib.nn.BatchNorm1d(2)
        norm.num_batches_tracked.fill_(3)
        state = {k: v for k, v in norm.state_dict().items() if k != "num_batches_tracked"}
        result = norm.load_state_dict(state)  # no _metadata: an old checkpoint
        results.append((list(result.missing_keys), int(norm.num_batches_tracked)))
    assert results[0] == results[1] == ([], 3)


def test_positional_state_dict_arguments_are_deprecated_but_work():
    destination = {}
    with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
        nn.Linear(1, 1).state_dict(destination, "lin.")
    assert list(destination) == ["lin.weight", "lin.bias"]


def test_a_state_dict_post_hook_must_return_none():
    model = nn.Linear(1, 1)
    model.register_state_dict_post_hook(lambda m, s, p, meta: {})
    with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
        model.state_dict()


def test_pickled_modules_keep_working_without_new_registries():
    model = nn.Linear(2, 2)
    state = copy.copy(model.__dict__)
    del state["_forward_hooks_always_called"], state["_load_state_dict_post_hooks"]
    restored = nn.Linear.__new__(nn.Linear)
    restored.__setstate__(state)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert restored(ag.ones(1, 2)).shape == (1, 2)
    assert restored.load_state_dict(model.state_dict()).missing_keys == []

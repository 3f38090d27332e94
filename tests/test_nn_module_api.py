"""nn.Module's public API against torch.nn.Module: every public name with torch's signature,
dotted access (get_/set_submodule, get_parameter, get_buffer), conversions, modes and repr."""

import inspect
import re

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn
import optim

# names whose signature is the subclass's business (forward) or that are torch's typing helpers
_NOT_COMPARED = {"forward", "T_destination"}
# torch's private methods that subclasses override or call, compared too
_EXTENSION_POINTS = ["_apply", "_load_from_state_dict", "_save_to_state_dict", "_get_name"]


def _parameters(function):
    """(name, kind, default) of each parameter: annotations are not compared."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@requires_torch
def test_every_public_module_method_has_torch_s_signature():
    names = [n for n in dir(torch.nn.Module) if not n.startswith("_") and n not in _NOT_COMPARED]
    missing = [n for n in names if not hasattr(nn.Module, n)]
    assert not missing
    for name in names + _EXTENSION_POINTS:
        theirs, ours = getattr(torch.nn.Module, name), getattr(nn.Module, name)
        if callable(theirs):
            assert _parameters(ours) == _parameters(theirs), name
        else:
            assert ours == theirs, name


def _dotted(lib):
    model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Sequential(lib.nn.BatchNorm1d(3)))
    found = [type(model.get_submodule("1.0")).__name__, tuple(model.get_parameter("0.bias").shape),
             tuple(model.get_buffer("1.0.running_mean").shape)]
    for target, getter in [("1.x", "get_submodule"), ("0.bias.x", "get_submodule"),
                           ("0.nothing", "get_parameter"), ("1.0.running_mean", "get_parameter"),
                           ("1.0.weight", "get_buffer")]:
        with pytest.raises(AttributeError) as info:
            getattr(model, getter)(target)
        found.append(str(info.value))
    model.set_submodule("1.0", lib.nn.ReLU())
    found.append(repr(model))
    with pytest.raises(AttributeError) as info:
        model.set_submodule("1.new", lib.nn.ReLU(), strict=True)
    found.append(str(info.value))
    return found


@requires_torch
def test_dotted_access_and_its_errors_match_pytorch():
    assert _dotted(OURS) == _dotted(torch)


def _conversions(lib):
    model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2))
    weight = model[0].weight
    model(lib.ones(3, 2)).sum().backward()
    dtypes = []
    for convert in (lambda m: m.double(), lambda m: m.half(), lambda m: m.float(),
                    lambda m: m.to(lib.float64), lambda m: m.to("cpu", lib.float32),
                    lambda m: m.to(lib.zeros(1, dtype=lib.float64)), lambda m: m.type(lib.float32)):
        assert convert(model) is model
        dtypes.append([str(t.dtype) for t in (model[0].weight, model[0].weight.grad,
                                               model[1].running_mean, model[1].num_batches_tracked)])
    assert model[0].weight is weight  # an optimizer made before still holds the parameter
    with pytest.raises(TypeError) as info:
        model.to(lib.int64)
    return dtypes, str(info.value)


@requires_torch
def test_conversions_match_pytorch_and_keep_parameter_identity():
    assert _conversions(OURS) == _conversions(torch)


def test_conversions_reach_an_optimizer_made_before():
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    model.double()
    model(ag.ones(1, 2, dtype=ag.float64)).sum().backward()
    opt.step()
    assert model.weight.dtype == ag.float64 and opt.param_groups[0]["params"][0] is model.weight


def test_devices_other_than_the_cpu_and_bfloat16_are_refused_clearly():
    model = nn.Linear(1, 1)
    for call in (model.cuda, model.xpu, model.ipu, model.mtia, lambda: model.to("cuda")):
        with pytest.raises(ag.DeviceError, match="CPU only"):
            call()
    with pytest.raises(ag.NotSupportedError, match="bfloat16"):
        model.bfloat16()
    assert model.cpu() is model and model.share_memory() is model and model.compile() is None
    with pytest.raises(TypeError, match="unexpected keyword argument 'dtyp'"):
        model.to(dtyp=ag.float64)


def test_to_empty_keeps_shapes_and_identity():
    model = nn.Linear(3, 2)
    weight = model.weight
    assert model.to_empty(device="cpu") is model
    assert model.weight is weight and model.weight.shape == (2, 3) and model.bias.shape == (2,)


def _modes(lib):
    calls = []

    class Tracked(lib.nn.Linear):
        def train(self, mode=True):
            calls.append(mode)
            return super().train(mode)

    model = lib.nn.Sequential(Tracked(1, 1), lib.nn.Sequential(Tracked(1, 1)))
    model.eval()
    model.train()
    shared = lib.nn.Linear(1, 1)
    twice = lib.nn.Sequential(shared, shared)
    return (calls, len(list(twice.modules())), len(list(twice.modules(remove_duplicate=False))),
            [n for n, _ in twice.named_parameters(remove_duplicate=False)],
            [n for n, _ in twice.named_modules(prefix="net")])


@requires_torch
def test_modes_reach_overridden_train_and_duplicates_are_listed_as_pytorch():
    assert _modes(OURS) == _modes(torch)


def _multiline_repr(lib):
    class Block(lib.nn.Module):
        def extra_repr(self):
            return "first line\nsecond line"

    class Holder(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()

        def extra_repr(self):
            return "size=3"

    return repr(Block()), repr(Holder())


@requires_torch
def test_multiline_extra_repr_prints_as_pytorch():
    assert _multiline_repr(OURS) == _multiline_repr(torch)


def test_the_hook_handles_remove_their_flags():
    model = nn.Linear(1, 1)
    handle = model.register_forward_hook(lambda m, a, k, o: None, with_kwargs=True, always_call=True)
    handle.remove()
    assert not (model._forward_hooks or model._forward_hooks_with_kwargs
                or model._forward_hooks_always_called)
    assert re.fullmatch(r"Linear\(in_features=1, out_features=1, bias=True\)", repr(model))
    np.testing.assert_array_equal(model(ag.zeros(1, 1)).detach().numpy(), model.bias.detach().numpy()[None])

"""nn.Module, Parameter and the containers: registration, traversal, modes, state dicts, repr."""

import copy

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import nn


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 3)
        self.bn = nn.BatchNorm1d(3)
        self.fc2 = nn.Linear(3, 1)

    def forward(self, x):
        return self.fc2(self.bn(self.fc1(x)).relu())


def test_parameter_is_a_leaf_that_requires_grad():
    p = nn.Parameter(ag.zeros(2))
    assert p.requires_grad and p.is_leaf and isinstance(p, ag.Tensor)
    assert not nn.Parameter(ag.zeros(2), requires_grad=False).requires_grad
    assert repr(p) == "Parameter containing:\ntensor([0., 0.], requires_grad=True)"


def test_parameter_shares_memory_with_its_tensor():
    t = ag.zeros(2)
    p = nn.Parameter(t)
    t.data[0] = 5
    assert p.detach().numpy()[0] == 5


def test_parameter_of_integers_is_refused():
    with pytest.raises(TypeError, match="float"):
        nn.Parameter(ag.tensor([1, 2]))


def test_attributes_register_parameters_buffers_and_modules():
    model = TwoLayer()
    names = [n for n, _ in model.named_parameters()]
    assert names == ["fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "fc2.weight", "fc2.bias"]
    assert [n for n, _ in model.named_buffers()] == [
        "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]
    assert [n for n, _ in model.named_children()] == ["fc1", "bn", "fc2"]
    assert [n for n, _ in model.named_modules()] == ["", "fc1", "bn", "fc2"]
    assert len(list(model.parameters())) == 6 and len(list(model.modules())) == 4


def test_shared_parameters_and_modules_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(model.state_dict()) == 4  # state_dict lists every path, as PyTorch


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'wieght'"):
        _ = nn.Linear(2, 2).wieght


def test_assigning_before_super_init_names_the_fix():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Broken()


def test_a_plain_tensor_cannot_replace_a_parameter():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="parameter 'weight'"):
        layer.weight = ag.zeros(2, 2)


def test_reassigning_and_deleting_attributes_updates_registration():
    layer = nn.Linear(2, 2)
    layer.extra = nn.Parameter(ag.ones(1))
    assert "extra" in dict(layer.named_parameters())
    del layer.extra
    assert "extra" not in dict(layer.named_parameters())
    layer.register_buffer("scratch", ag.zeros(1), persistent=False)
    assert "scratch" in dict(layer.named_buffers()) and "scratch" not in layer.state_dict()


def test_train_and_eval_reach_every_submodule():
    model = TwoLayer().eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad_to_none_or_zeros():
    model = TwoLayer()
    model(ag.randn(4, 2)).sum().backward()
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.detach().numpy().any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_requires_grad_and_apply():
    model = TwoLayer().requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "BatchNorm1d", "Linear", "TwoLayer"]


def test_to_double_keeps_parameter_identity_and_int_buffers():
    model = TwoLayer()
    weight = model.fc1.weight
    model.to(ag.float64)
    assert model.fc1.weight is weight and weight.dtype == ag.float64
    assert model.bn.running_mean.dtype == ag.float64
    assert model.bn.num_batches_tracked.dtype == ag.int64
    assert model.float().fc2.bias.dtype == ag.float32
    assert model.to("cpu") is model


def test_state_dict_round_trip_into_a_fresh_model():
    ag.manual_seed(0)
    a, b = TwoLayer(), TwoLayer()
    a(ag.randn(8, 2))  # moves a's running statistics
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (name, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items()):
        np.testing.assert_array_equal(x.detach().numpy(), y.detach().numpy(), err_msg=name)
    assert b.bn.num_batches_tracked.item() == 1


def test_state_dict_values_are_detached_and_share_memory():
    layer = nn.Linear(2, 2)
    state = layer.state_dict()
    assert not state["weight"].requires_grad
    state["weight"].data[0, 0] = 42
    assert layer.weight.detach().numpy()[0, 0] == 42


def test_failed_load_names_every_problem_and_changes_nothing():
    model = TwoLayer()
    before = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    state = {k: ag.zeros(v.shape) for k, v in model.state_dict().items()}
    state["fc1.weight"] = ag.zeros(5, 5)
    del state["fc2.bias"]
    state["extra"] = ag.zeros(1)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    assert 'Missing key(s) in state_dict: "fc2.bias".' in message
    assert 'Unexpected key(s) in state_dict: "extra".' in message
    assert "size mismatch for fc1.weight" in message
    assert "torch.Size([5, 5])" in message and "torch.Size([3, 2])" in message
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.detach().numpy(), before[key], err_msg=key)


def test_non_strict_load_reports_missing_and_unexpected_keys():
    model = nn.Linear(2, 2)
    result = model.load_state_dict({"weight": ag.ones(2, 2), "other": ag.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
    assert model.weight.detach().numpy().sum() == 4


@requires_torch
def test_state_dict_keys_and_repr_match_pytorch():
    def build(lib):
        return lib.nn.Sequential(
            lib.nn.Linear(2, 4), lib.nn.BatchNorm1d(4), lib.nn.LeakyReLU(0.2),
            lib.nn.Dropout(0.1), lib.nn.Linear(4, 3, bias=False), lib.nn.Softmax(dim=1))

    class Lib:
        pass

    ours_lib = Lib()
    ours_lib.nn = nn
    ours, theirs = build(ours_lib), build(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)


@requires_torch
@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Linear(3, 4), lambda lib: lib.nn.ReLU(), lambda lib: lib.nn.ELU(),
    lambda lib: lib.nn.GELU(approximate="tanh"), lambda lib: lib.nn.SiLU(),
    lambda lib: lib.nn.Softplus(beta=2.0), lambda lib: lib.nn.LogSoftmax(dim=1),
    lambda lib: lib.nn.BatchNorm1d(3, momentum=None, affine=False),
    lambda lib: lib.nn.LayerNorm([4, 5]), lambda lib: lib.nn.Flatten(),
    lambda lib: lib.nn.MSELoss(), lambda lib: lib.nn.CrossEntropyLoss(label_smoothing=0.1),
])
def test_layer_repr_matches_pytorch(make):
    class Lib:
        pass

    ours_lib = Lib()
    ours_lib.nn = nn
    assert repr(make(ours_lib)) == repr(make(torch))


@requires_torch
@pytest.mark.parametrize("make", [
    lambda nn: nn.ModuleList([nn.Linear(2, 2) for _ in range(3)]),
    lambda nn: nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2), nn.Linear(2, 3)]),
    lambda nn: nn.ModuleList(),
    lambda nn: nn.ModuleList([nn.Sequential(nn.Linear(2, 4), nn.Tanh()) for _ in range(2)]
                             + [nn.Linear(4, 1)]),
    lambda nn: nn.ModuleDict({"h": nn.ModuleList([nn.LayerNorm(3) for _ in range(2)]), "f": nn.ReLU()}),
    lambda nn: nn.Sequential(*[nn.Linear(2, 2) for _ in range(2)]),  # Sequential does not group
])
def test_module_list_repr_groups_repeated_modules_as_pytorch(make):
    assert repr(make(nn)) == repr(make(torch.nn))


def test_sequential_indexing_slicing_and_growth():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b)
    assert len(seq) == 2 and seq[0] is a and seq[-1] is b
    seq.append(c)
    assert list(seq) == [a, b, c]
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential) and list(tail) == [b, c]
    assert [n for n, _ in tail.named_parameters()] == ["2.weight", "2.bias"]
    with pytest.raises(IndexError, match="out of range"):
        seq[3]
    del seq[1]
    assert list(seq) == [a, c] and [n for n, _ in seq.named_children()] == ["0", "1"]
    assert seq(ag.ones(5, 2)).shape == (5, 1)


def test_module_list_and_dict_register_their_children():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(list(layers.parameters())) == 6 and isinstance(layers[1:], nn.ModuleList)
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
    assert list(heads.keys()) == ["a", "b"] and "a" in heads
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]


def test_forward_hooks_see_and_may_replace_values():
    layer = nn.Linear(2, 2)
    calls = []
    handle = layer.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out * 0)
    assert not layer(ag.ones(1, 2)).detach().numpy().any() and calls == [(1, 2)]
    handle.remove()
    assert layer(ag.ones(1, 2)).shape == (1, 2) and len(calls) == 1


def test_deepcopy_makes_independent_parameters():
    model = TwoLayer()
    clone = copy.deepcopy(model)
    clone.fc1.weight.data += 1
    assert not np.allclose(clone.fc1.weight.detach().numpy(), model.fc1.weight.detach().numpy())
    assert isinstance(clone.fc1.weight, nn.Parameter) and clone.fc1.weight.requires_grad


def test_forward_missing_is_a_clear_error():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(ag.ones(1))

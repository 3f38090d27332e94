"""Optimizers: trajectories equal to PyTorch's, hand-computed steps, param groups, zero_grad,
closures, state_dict round trips, parameter and hyper-parameter errors, dtypes."""

import io

import numpy as np
import pytest
from conftest import requires_torch

import autograd as ag
import optim

try:
    import torch
except ImportError:
    torch = None

RNG = np.random.default_rng(1234)
INIT = [RNG.normal(size=(3, 4)), RNG.normal(size=(3,)), RNG.normal(size=(3,))]  # W, b, u
DATA = [(RNG.normal(size=(5, 4)), RNG.normal(size=(5,))) for _ in range(25)]
STEPS = 25


def loss_fn(params, t: int):
    """A small MLP-like loss on batch t: mean((tanh(x W^T + b) u - y)^2)."""
    W, b, u = params
    x, y = (ag.tensor(a, dtype=W.dtype) for a in DATA[t % len(DATA)])
    return ((((x @ W.T) + b).tanh() @ u - y) ** 2).mean()


def make_params(dtype=ag.float64):
    return [ag.tensor(a, dtype=dtype, requires_grad=True) for a in INIT]


def train(opt, params, steps: int, start: int = 0) -> None:
    for t in range(start, start + steps):
        opt.zero_grad()
        loss_fn(params, t).backward()
        opt.step()


def train_torch(opt, params, steps: int) -> None:
    """The same gradients on the torch side: computed by ag at torch's current values, so the
    comparison measures the optimizers alone."""
    for t in range(steps):
        values = [ag.tensor(p.detach().numpy(), requires_grad=True) for p in params]
        loss_fn(values, t).backward()
        for p, v in zip(params, values):
            p.grad = torch.from_numpy(v.grad.detach().numpy().copy())
        opt.step()


def torch_params():
    return [torch.tensor(a, requires_grad=True) for a in INIT]


def assert_state_matches_torch(opt, torch_opt):
    ours, theirs = opt.state_dict()["state"], torch_opt.state_dict()["state"]
    assert sorted(ours) == sorted(theirs)
    for index, state in theirs.items():
        assert list(ours[index]) == list(state), f"state keys of parameter {index}"
        for key, value in state.items():
            if key == "step":
                assert ours[index][key] == int(value.item())
            else:
                np.testing.assert_allclose(ours[index][key].detach().numpy(), value.numpy(), rtol=1e-9,
                                           atol=1e-12, err_msg=f"state[{index}][{key!r}]")


CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.02, "momentum": 0.5, "maximize": True}),
    ("SGD", {"lr": 0.01, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05,
             "maximize": True}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "maximize": True}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.9), "eps": 1e-3}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}),
    ("AdamW", {"lr": 0.05, "maximize": True, "betas": (0.5, 0.9)}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("RMSprop", {"lr": 0.01, "weight_decay": 0.1, "alpha": 0.9, "eps": 1e-4}),
    ("RMSprop", {"lr": 0.01, "maximize": True, "centered": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "maximize": True}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.1, "eps": 1e-3,
                 "weight_decay": 0.01}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}),
    ("Adadelta", {"maximize": True}),
]
CASE_IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}"
            for name, kw in CASES]


# ---- against PyTorch -----------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_trajectory_matches_torch(name, kwargs):
    params, tparams = make_params(), torch_params()
    opt = getattr(optim, name)(params, **kwargs)
    topt = getattr(torch.optim, name)(tparams, **kwargs)
    train(opt, params, STEPS)
    train_torch(topt, tparams, STEPS)
    for p, tp in zip(params, tparams):
        assert p.dtype == ag.float64
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert_state_matches_torch(opt, topt)


GROUP_CASES = [
    ("SGD", {"momentum": 0.9}, {"momentum": 0.5, "nesterov": True}),
    ("Adam", {"amsgrad": True}, {"betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("AdamW", {}, {"weight_decay": 0.5}),
    ("RMSprop", {"centered": True}, {"momentum": 0.9, "centered": False}),
    ("Adagrad", {"lr_decay": 0.1}, {"lr_decay": 0.0, "weight_decay": 0.1}),
]


@requires_torch
@pytest.mark.parametrize("name, defaults, group_options", GROUP_CASES,
                         ids=[c[0] for c in GROUP_CASES])
def test_two_param_groups_match_torch(name, defaults, group_options):
    def groups(ps):
        return [{"params": [ps[0]], "lr": 0.02, **group_options}, {"params": ps[1:]}]

    params, tparams = make_params(), torch_params()
    opt = getattr(optim, name)(groups(params), lr=0.05, **defaults)
    topt = getattr(torch.optim, name)(groups(tparams), lr=0.05, **defaults)
    assert opt.param_groups[0]["lr"] == 0.02 and opt.param_groups[1]["lr"] == 0.05
    train(opt, params, STEPS)
    train_torch(topt, tparams, STEPS)
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert_state_matches_torch(opt, topt)


@requires_torch
def test_state_dict_layout_matches_torch():
    def groups(ps):
        return [{"params": [ps[1]], "lr": 0.01}, {"params": [ps[2], ps[0]]}]

    params, tparams = make_params(), torch_params()
    opt, topt = optim.Adam(groups(params), lr=0.1), torch.optim.Adam(groups(tparams), lr=0.1)
    params[2].grad = ag.ones_like(params[2])  # only one parameter has a gradient
    tparams[2].grad = torch.ones_like(tparams[2])
    opt.step()
    topt.step()
    ours, theirs = opt.state_dict(), topt.state_dict()
    assert list(ours) == list(theirs) == ["state", "param_groups"]
    assert [g["params"] for g in ours["param_groups"]] == [[0], [1, 2]]
    assert [g["params"] for g in ours["param_groups"]] == [g["params"] for g in theirs["param_groups"]]
    for ours_group, their_group in zip(ours["param_groups"], theirs["param_groups"]):
        assert set(ours_group) <= set(their_group)
        assert {k: ours_group[k] for k in ours_group} == {k: their_group[k] for k in ours_group}
    assert list(ours["state"]) == list(theirs["state"]) == [1]


@requires_torch
@pytest.mark.parametrize("name, kwargs", [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05, "amsgrad": True}),
    ("RMSprop", {"centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1}),
], ids=["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_float32_trajectory_matches_torch_float32(name, kwargs):
    grads = [[RNG.normal(size=a.shape).astype(np.float32) for a in INIT] for _ in range(10)]
    params = make_params(ag.float32)
    tparams = [torch.tensor(a, dtype=torch.float32, requires_grad=True) for a in INIT]
    opt, topt = getattr(optim, name)(params, **kwargs), getattr(torch.optim, name)(tparams, **kwargs)
    for step_grads in grads:
        for p, tp, g in zip(params, tparams, step_grads):
            p.grad, tp.grad = ag.tensor(g), torch.from_numpy(g.copy())
        opt.step()
        topt.step()
    for p, tp in zip(params, tparams):
        assert p.dtype == ag.float32
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-5, atol=1e-6)


# ---- hand-computed steps (no torch needed) -------------------------------------------
def constant_grad_steps(opt, p, grad, steps):
    values = []
    for _ in range(steps):
        p.grad = ag.tensor(grad, dtype=ag.float64)
        opt.step()
        values.append(p.detach().numpy().copy())
    return np.array(values)


@pytest.mark.parametrize("kwargs, expected", [
    ({"lr": 0.1}, [0.9, 0.8]),
    ({"lr": 0.1, "momentum": 0.9}, [0.9, 0.71]),  # b = 1, then 0.9 * 1 + 1 = 1.9
    ({"lr": 0.1, "momentum": 0.9, "nesterov": True}, [0.81, 0.539]),  # g + 0.9 b: 1.9, 2.71
    ({"lr": 0.1, "momentum": 0.9, "dampening": 0.5}, [0.9, 0.76]),  # b = 1, then 0.9 + 0.5
    ({"lr": 0.1, "weight_decay": 0.1}, [0.89, 0.89 - 0.1 * (1 + 0.089)]),
    ({"lr": 0.1, "maximize": True}, [1.1, 1.2]),
])
def test_sgd_by_hand(kwargs, expected):
    p = ag.tensor([1.0], dtype=ag.float64, requires_grad=True)
    values = constant_grad_steps(optim.SGD([p], **kwargs), p, [1.0], 2)
    np.testing.assert_allclose(values[:, 0], expected, rtol=1e-12)


def test_adam_bias_correction_by_hand():
    # With a constant gradient g, m_hat = g and v_hat = g^2 at every step, so each step
    # moves by lr * g / (|g| + eps): the bias correction is what makes it so from step 1.
    p = ag.tensor([1.0, -2.0], dtype=ag.float64, requires_grad=True)
    opt = optim.Adam([p], lr=0.1, eps=1e-8)
    values = constant_grad_steps(opt, p, [2.0, -0.5], 3)
    step = 0.1 * np.array([2.0 / (2.0 + 1e-8), -0.5 / (0.5 + 1e-8)])
    np.testing.assert_allclose(values, [[1.0, -2.0] - k * step for k in (1, 2, 3)], rtol=1e-12)
    state = opt.state[p]
    assert state["step"] == 3
    np.testing.assert_allclose(state["exp_avg"].detach().numpy(), (1 - 0.9**3) * np.array([2.0, -0.5]))
    np.testing.assert_allclose(state["exp_avg_sq"].detach().numpy(), (1 - 0.999**3) * np.array([4.0, 0.25]))


def test_adamw_decouples_weight_decay_by_hand():
    # Zero gradient: Adam's update is 0 / (0 + eps) = 0, so AdamW only shrinks p by
    # (1 - lr wd) per step, while Adam's L2 decay becomes a gradient wd p, normalized to lr.
    p, q = (ag.tensor([1.0], dtype=ag.float64, requires_grad=True) for _ in range(2))
    adamw_values = constant_grad_steps(optim.AdamW([p], lr=0.1, weight_decay=0.5), p, [0.0], 2)
    adam_values = constant_grad_steps(optim.Adam([q], lr=0.1, weight_decay=0.5), q, [0.0], 1)
    np.testing.assert_allclose(adamw_values[:, 0], [0.95, 0.9025], rtol=1e-12)
    np.testing.assert_allclose(adam_values[:, 0], [0.9], rtol=1e-7)
    assert optim.AdamW([p]).defaults["weight_decay"] == 1e-2


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_first_step_by_hand(centered):
    p = ag.tensor([1.0, 1.0], dtype=ag.float64, requires_grad=True)
    values = constant_grad_steps(optim.RMSprop([p], lr=0.01, centered=centered), p, [3.0, -0.1], 1)
    g = np.array([3.0, -0.1])
    v = 0.01 * g**2 - (0.01 * g) ** 2 * centered  # v - a^2 when centered
    np.testing.assert_allclose(values[0], 1.0 - 0.01 * g / (np.sqrt(v) + 1e-8), rtol=1e-12)


def test_adagrad_by_hand():
    p = ag.tensor([1.0], dtype=ag.float64, requires_grad=True)
    opt = optim.Adagrad([p], lr=0.1, lr_decay=0.5, initial_accumulator_value=5.0, eps=0.0)
    values = constant_grad_steps(opt, p, [2.0], 2)
    first = 1.0 - 0.1 * 2.0 / 3.0  # s = 5 + 4 = 9
    second = first - 0.1 / 1.5 * 2.0 / np.sqrt(13.0)  # lr / (1 + 1 * 0.5), s = 13
    np.testing.assert_allclose(values[:, 0], [first, second], rtol=1e-12)


def test_params_without_grad_are_skipped():
    p, q = (ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True) for _ in range(2))
    for opt in (optim.SGD([p, q], lr=0.1, momentum=0.9), optim.Adam([p, q], lr=0.1)):
        p.grad, q.grad = ag.ones_like(p), None
        opt.step()
        assert q not in opt.state
        np.testing.assert_array_equal(q.detach().numpy(), [1.0, 2.0])
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.8])


def test_step_counts_as_an_inplace_change_of_the_parameter():
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    loss = (p * p).sum()
    loss.backward(retain_graph=True)
    version = p._version
    optim.SGD([p], lr=0.1).step()
    assert p._version > version
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


# ---- zero_grad, closure, add_param_group ---------------------------------------------
def test_zero_grad_sets_to_none_by_default():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    loss_fn(params, 0).backward()
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_zero_grad_in_place():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    loss_fn(params, 0).backward()
    arrays = [p.grad.detach().numpy() for p in params]
    opt.zero_grad(set_to_none=False)
    for p, array in zip(params, arrays):
        assert p.grad.detach().numpy() is array and p.grad.dtype == p.dtype
        np.testing.assert_array_equal(array, np.zeros(p.shape))
    loss_fn(params, 0).backward()  # accumulates from zero: the same as a fresh gradient
    fresh = make_params()
    loss_fn(fresh, 0).backward()
    for p, f in zip(params, fresh):
        np.testing.assert_allclose(p.grad.detach().numpy(), f.grad.detach().numpy(), rtol=1e-15)


def test_zero_grad_detaches_a_grad_with_a_graph():
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    (p ** 3).sum().backward(create_graph=True)
    assert p.grad.requires_grad
    optim.SGD([p]).zero_grad(set_to_none=False)
    assert not p.grad.requires_grad and p.grad.grad_fn is None
    np.testing.assert_array_equal(p.grad.detach().numpy(), [0.0, 0.0])


def test_closure_runs_with_grad_enabled_and_its_loss_is_returned():
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    modes = []

    def closure():
        modes.append(ag.is_grad_enabled())
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with ag.no_grad():
        loss = opt.step(closure)
    assert modes == [True]
    assert loss.item() == 5.0
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.6])  # p - 0.1 * 2p
    assert opt.step() is None


def test_add_param_group_uses_defaults():
    p, q = ag.tensor([1.0], requires_grad=True), ag.tensor([2.0], requires_grad=True)
    opt = optim.Adagrad([p], lr=0.5, initial_accumulator_value=0.25)
    opt.add_param_group({"params": q, "lr": 0.1})
    assert len(opt.param_groups) == 2
    assert len(opt.param_groups[1]["params"]) == 1 and opt.param_groups[1]["params"][0] is q
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["eps"] == 1e-10
    assert opt.state[q]["step"] == 0
    np.testing.assert_array_equal(opt.state[q]["sum"].detach().numpy(), [0.25])


def test_group_options_are_validated():
    p = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.SGD([{"params": [p], "lr": -1}], lr=0.1)


def test_defaults_and_repr():
    opt = optim.SGD([ag.tensor([1.0], requires_grad=True)])
    assert opt.defaults == {"lr": 1e-3, "momentum": 0, "dampening": 0, "weight_decay": 0,
                            "nesterov": False, "maximize": False}
    assert optim.Adam([ag.tensor([1.0], requires_grad=True)]).defaults["betas"] == (0.9, 0.999)
    assert optim.RMSprop([ag.tensor([1.0], requires_grad=True)]).defaults["lr"] == 1e-2
    assert "SGD (" in repr(opt) and "lr: 0.001" in repr(opt)


# ---- state_dict ----------------------------------------------------------------------
ROUND_TRIP_CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("AdamW", {"lr": 0.05}),
    ("RMSprop", {"centered": True, "momentum": 0.5}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.1}),
]
ROUND_TRIP_IDS = [c[0] for c in ROUND_TRIP_CASES]


def as_if_saved(state_dict):
    """What a NumPy-based serializer may hand back: NumPy arrays and scalars instead of
    Python numbers, tuples and Tensors."""
    def convert(value):
        if isinstance(value, ag.Tensor):
            return value.detach().numpy().copy()
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return np.array(value)
        return np.array(value)[()] if isinstance(value, (int, float)) else value

    return convert(state_dict)


@pytest.mark.parametrize("convert", [lambda sd: sd, as_if_saved], ids=["as-is", "numpy-values"])
@pytest.mark.parametrize("name, kwargs", ROUND_TRIP_CASES, ids=ROUND_TRIP_IDS)
def test_state_dict_round_trip_continues_the_same_trajectory(name, kwargs, convert):
    uninterrupted = make_params()
    train(getattr(optim, name)(uninterrupted, **kwargs), uninterrupted, STEPS)

    params = make_params()
    opt = getattr(optim, name)(params, **kwargs)
    train(opt, params, 10)
    saved = convert(opt.state_dict())
    resumed = [ag.tensor(p.detach().numpy(), requires_grad=True) for p in params]
    new_opt = getattr(optim, name)(resumed, lr=123.0)  # options come from the state dict
    new_opt.load_state_dict(saved)
    assert new_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    train(new_opt, resumed, STEPS - 10, start=10)
    for a, b in zip(resumed, uninterrupted):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("name, kwargs", ROUND_TRIP_CASES, ids=ROUND_TRIP_IDS)
def test_state_dict_is_a_snapshot_of_plain_values(name, kwargs):
    params = make_params(ag.float32)
    opt = getattr(optim, name)(params, **kwargs)
    train(opt, params, 3)
    saved = opt.state_dict()

    def check(value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                assert isinstance(k, (str, int)), path
                check(v, f"{path}[{k!r}]")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                check(v, f"{path}[{i}]")
        else:
            assert value is None or isinstance(value, (bool, int, float, str, np.ndarray,
                                                       ag.Tensor)), path

    check(saved, "state_dict")
    before = {(i, k): np.array(v.detach().numpy()) for i, s in saved["state"].items() for k, v in s.items()
              if isinstance(v, ag.Tensor)}
    assert before and all(v.dtype == np.float32 for v in before.values())
    train(opt, params, 2, start=3)
    for (i, k), value in before.items():
        np.testing.assert_array_equal(saved["state"][i][k].detach().numpy(), value)


def test_state_dict_through_torch_save_and_load():
    params = make_params()
    opt = optim.Adam(params, lr=0.05, amsgrad=True)
    train(opt, params, 5)
    buffer = io.BytesIO()
    ag.save(opt.state_dict(), buffer)
    buffer.seek(0)
    resumed = [ag.tensor(p.detach().numpy(), requires_grad=True) for p in params]
    new_opt = optim.Adam(resumed)
    new_opt.load_state_dict(ag.load(buffer))
    train(opt, params, 5, start=5)
    train(new_opt, resumed, 5, start=5)
    for a, b in zip(resumed, params):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_load_state_dict_casts_to_the_parameter_dtype():
    params64 = make_params()
    opt = optim.Adam(params64, lr=0.05)
    train(opt, params64, 2)
    params32 = make_params(ag.float32)
    opt32 = optim.Adam(params32)
    opt32.load_state_dict(opt.state_dict())
    assert all(opt32.state[p]["exp_avg"].dtype == np.float32 for p in params32)
    assert opt32.state[params32[0]]["step"] == 2 and isinstance(opt32.state[params32[0]]["step"], int)


def make_adam_with_state():
    params = make_params()
    opt = optim.Adam([{"params": params[:1]}, {"params": params[1:], "lr": 0.1}], lr=0.05)
    train(opt, params, 2)
    return params, opt


@pytest.mark.parametrize("corrupt, message", [
    (lambda sd: sd["param_groups"].pop(), "parameter groups"),
    (lambda sd: sd["param_groups"][1]["params"].pop(), "group 1 has 1 parameters"),
    (lambda sd: sd["state"][2].update(exp_avg=ag.zeros(4)), r"has shape \[4\], expected \[3\]"),
    (lambda sd: sd["state"].update({7: {"step": 1}}), "parameter 7"),
    (lambda sd: sd["param_groups"][0].pop("betas"), "lacks"),
    (lambda sd: sd["param_groups"][1].update(lr=-1.0), "Invalid learning rate"),
], ids=["groups", "group-size", "shape", "unknown-param", "missing-option", "invalid-option"])
def test_bad_state_dict_is_rejected_before_anything_changes(corrupt, message):
    params, opt = make_adam_with_state()
    saved = opt.state_dict()
    corrupt(saved)
    groups, state = opt.param_groups, opt.state
    exp_avg = np.array(state[params[0]]["exp_avg"].detach().numpy())
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(saved)
    assert opt.param_groups is groups and opt.state is state
    np.testing.assert_array_equal(opt.state[params[0]]["exp_avg"].detach().numpy(), exp_avg)


def test_loading_sgd_state_into_adam_is_rejected():
    params = make_params()
    sgd = optim.SGD(params, lr=0.1, momentum=0.9)
    train(sgd, params, 1)
    with pytest.raises(ValueError, match="betas"):
        optim.Adam(params).load_state_dict(sgd.state_dict())


# ---- parameter and hyper-parameter errors --------------------------------------------
def test_duplicate_parameter_in_a_group():
    p = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"SGD: parameter 1 of group 0 .* same Tensor as "
                                         r"parameter 0 of group 0.*Hint"):
        optim.SGD([p, p])


def test_duplicate_parameter_across_groups():
    p, q = ag.tensor([1.0], requires_grad=True), ag.tensor([2.0], requires_grad=True)
    with pytest.raises(ValueError, match="Adam: parameter 1 of group 1 .* parameter 0 of group 0"):
        optim.Adam([{"params": [p]}, {"params": [q, p]}])
    opt = optim.Adam([p, q])
    with pytest.raises(ValueError, match="same Tensor"):
        opt.add_param_group({"params": [q]})
    assert len(opt.param_groups) == 1


def test_non_leaf_parameter():
    p = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="RMSprop can't optimize a non-leaf Tensor.*Hint"):
        optim.RMSprop([p * 2])


def test_integer_parameter():
    with pytest.raises(TypeError, match="Adagrad can only optimize floating point.*int64.*Hint"):
        optim.Adagrad([ag.tensor([1, 2])])


P = ag.tensor([1.0], requires_grad=True)


@pytest.mark.parametrize("params, error, message", [
    ([], ValueError, "SGD got an empty parameter list"),
    (P, TypeError, "single Tensor"),
    ({P}, TypeError, "ordered collection"),
    ([np.ones(2)], TypeError, "can only optimize Tensors"),
    ([{"lr": 0.1}], ValueError, "'params'"),
], ids=["empty", "tensor", "set", "ndarray", "no-params-key"])
def test_bad_params_argument(params, error, message):
    with pytest.raises(error, match=message):
        optim.SGD(params)


@pytest.mark.parametrize("name, kwargs, message", [
    ("SGD", {"lr": -1}, "Invalid learning rate: -1"),
    ("SGD", {"momentum": -0.5}, "Invalid momentum value: -0.5"),
    ("SGD", {"weight_decay": -1e-4}, "Invalid weight_decay value"),
    ("SGD", {"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "Nesterov"),
    ("Adam", {"lr": -0.1}, "Invalid learning rate: -0.1"),
    ("Adam", {"lr": float("nan")}, "Invalid learning rate: nan"),
    ("Adam", {"eps": -1.0}, "Invalid epsilon value"),
    ("Adam", {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
    ("AdamW", {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1"),
    ("AdamW", {"weight_decay": -1.0}, "Invalid weight_decay value"),
    ("RMSprop", {"alpha": -0.1}, "Invalid alpha value"),
    ("RMSprop", {"momentum": -0.1}, "Invalid momentum value"),
    ("RMSprop", {"eps": -0.1}, "Invalid epsilon value"),
    ("Adagrad", {"lr_decay": -0.1}, "Invalid lr_decay value"),
    ("Adagrad", {"initial_accumulator_value": -1.0}, "Invalid initial_accumulator_value value"),
    ("LBFGS", {"lr": -1}, "Invalid learning rate: -1"),
])
def test_invalid_hyper_parameters(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(optim, name)([ag.tensor([1.0], requires_grad=True)], **kwargs)


# ---- dtypes --------------------------------------------------------------------------
class Float32Only(np.ndarray):
    """An array that fails the test when a ufunc applied to it computes in anything but
    float32 (a float64 temporary, e.g. from an np.float64 scalar, would be caught)."""

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        plain = [x.view(np.ndarray) if isinstance(x, Float32Only) else x for x in inputs]
        for x in plain:
            if isinstance(x, (np.ndarray, np.generic)) and x.dtype != np.float32:
                raise AssertionError(f"np.{ufunc.__name__} got a {x.dtype} operand")
        if out is not None:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, Float32Only) else o
                                  for o in out)
        result = getattr(ufunc, method)(*plain, **kwargs)
        if isinstance(result, np.ndarray) and result.dtype not in (np.float32, np.bool_):
            raise AssertionError(f"np.{ufunc.__name__} computed in {result.dtype}")
        if out is not None:
            return out[0]
        return result.view(Float32Only) if isinstance(result, np.ndarray) else result


def spy(array: np.ndarray) -> ag.Tensor:
    return ag.from_numpy(np.ascontiguousarray(array, dtype=np.float32).view(Float32Only))


FLOAT32_CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1,
             "maximize": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    ("Adam", {"amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("AdamW", {"amsgrad": True}),
    ("RMSprop", {"centered": True, "momentum": 0.9, "weight_decay": 0.1, "maximize": True}),
    ("Adagrad", {"lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.1,
                 "maximize": True}),
]


@pytest.mark.parametrize("name, kwargs", FLOAT32_CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(FLOAT32_CASES)])
def test_float32_params_are_updated_in_float32(name, kwargs):
    p = ag.tensor(INIT[0], dtype=ag.float32, requires_grad=True)
    opt = getattr(optim, name)([p], **kwargs)
    # hyper-parameters as NumPy float64 scalars (as a scheduler or a loaded file may give)
    # must not turn the update into float64
    group = opt.param_groups[0]
    for key, value in list(group.items()):
        if isinstance(value, float) and not isinstance(value, bool):
            group[key] = np.float64(value)
    rng = np.random.default_rng(0)
    for _ in range(4):
        p.data = spy(p.detach().numpy())  # every array of the update is a Float32Only
        for value in opt.state[p].values():
            if isinstance(value, ag.Tensor):
                value.data = spy(value.numpy())
        p.grad = spy(rng.normal(size=p.shape))
        opt.step()
    assert p.dtype == np.float32 and np.isfinite(p.detach().numpy().view(np.ndarray)).all()
    assert opt.state[p] or name == "SGD"
    for value in opt.state[p].values():
        assert isinstance(value, int) or value.dtype == np.float32


def test_float32_and_float64_trajectories_agree():
    for name, kwargs in ROUND_TRIP_CASES:
        p32, p64 = make_params(ag.float32), make_params()
        train(getattr(optim, name)(p32, **kwargs), p32, 10)
        train(getattr(optim, name)(p64, **kwargs), p64, 10)
        for a, b in zip(p32, p64):
            assert a.dtype == np.float32
            np.testing.assert_allclose(a.detach(), b.detach(), rtol=1e-3, atol=1e-4, err_msg=name)

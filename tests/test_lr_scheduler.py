"""Learning-rate schedulers: sequences equal to PyTorch's, hand-computed values, state_dict
round trips, ReduceLROnPlateau on a scripted metric, OneCycleLR momentum cycling."""

import io
import math

import numpy as np
import pytest
from conftest import requires_torch

import autograd as ag
import optim
from optim import lr_scheduler

try:
    import torch
except ImportError:
    torch = None

STEPS = 40


def make_optimizer(lib=optim, kind="SGD", **kwargs):
    """Two groups (lr 0.1 and 0.5) of ndgrad's (lib=optim) or torch's (lib=torch.optim)."""
    new = ag.tensor if lib is optim else torch.tensor
    a, b = new([1.0], requires_grad=True), new([2.0], requires_grad=True)
    return getattr(lib, kind)([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, **kwargs)


def momentum_of(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


def run(opt, scheduler, steps):
    """Step the optimizer then the scheduler (the order PyTorch expects); record what the
    scheduler reports and what the groups hold: lrs, then momenta when cycled."""
    record = []
    for _ in range(steps):
        opt.step()
        scheduler.step()
        row = list(scheduler.get_last_lr()) + [g["lr"] for g in opt.param_groups]
        if "base_momentum" in opt.param_groups[0]:
            row += [momentum_of(g) for g in opt.param_groups]
            row += [g["betas"][1] for g in opt.param_groups if "betas" in g]
        record.append(row)
    return np.array(record)


class Warmup:
    """A callable lr_lambda with state (saved by LambdaLR.state_dict, unlike a function)."""

    def __init__(self):
        self.epochs = 5

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.epochs)


SCHEDULES = [
    ("StepLR", {"step_size": 7, "gamma": 0.5}, {}),
    ("StepLR", {"step_size": 1}, {}),
    ("MultiStepLR", {"milestones": [5, 12, 12, 30], "gamma": 0.3}, {}),
    ("ExponentialLR", {"gamma": 0.9}, {}),
    ("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}, {}),
    ("CosineAnnealingLR", {"T_max": 35}, {}),
    ("LambdaLR", {"lr_lambda": lambda e: 0.95**e}, {}),
    ("LambdaLR", {"lr_lambda": [lambda e: 1 / (e + 1), Warmup()]}, {}),
    ("OneCycleLR", {"max_lr": [0.1, 0.5], "total_steps": STEPS}, {"momentum": 0.9}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": STEPS, "anneal_strategy": "linear",
                    "three_phase": True}, {"momentum": 0.9, "nesterov": True}),
    ("OneCycleLR", {"max_lr": 0.3, "epochs": 4, "steps_per_epoch": 10, "pct_start": 0.25,
                    "div_factor": 10.0, "final_div_factor": 100.0, "base_momentum": 0.8,
                    "max_momentum": [0.9, 0.99]}, {}),
    ("OneCycleLR", {"max_lr": 0.2, "total_steps": STEPS, "cycle_momentum": False}, {}),
]
SCHEDULE_IDS = [f"{name}-{i}" for i, (name, _, _) in enumerate(SCHEDULES)]


# ---- against PyTorch -----------------------------------------------------------------
@requires_torch
@pytest.mark.parametrize("name, kwargs, opt_kwargs", SCHEDULES, ids=SCHEDULE_IDS)
def test_lr_sequence_matches_torch(name, kwargs, opt_kwargs):
    opt, topt = make_optimizer(**opt_kwargs), make_optimizer(torch.optim, **opt_kwargs)
    ours = getattr(lr_scheduler, name)(opt, **kwargs)
    theirs = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
    assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)
    np.testing.assert_allclose(run(opt, ours, STEPS), run(topt, theirs, STEPS), rtol=1e-12, atol=0)
    assert ours.last_epoch == theirs.last_epoch == STEPS


@requires_torch
@pytest.mark.parametrize("kwargs", [
    {"max_lr": 0.01, "total_steps": 30},
    {"max_lr": [0.01, 0.02], "total_steps": 30, "three_phase": True, "base_momentum": 0.5},
])
def test_one_cycle_cycles_adam_beta1_like_torch(kwargs):
    opt = make_optimizer(kind="Adam", betas=(0.9, 0.98))
    topt = make_optimizer(torch.optim, kind="Adam", betas=(0.9, 0.98))
    ours = lr_scheduler.OneCycleLR(opt, **kwargs)
    theirs = torch.optim.lr_scheduler.OneCycleLR(topt, **kwargs)
    ours_run, theirs_run = run(opt, ours, 30), run(topt, theirs, 30)
    np.testing.assert_allclose(ours_run, theirs_run, rtol=1e-12, atol=0)
    assert all(g["betas"][1] == 0.98 for g in opt.param_groups)


@requires_torch
@pytest.mark.parametrize("kwargs", [
    {},
    {"mode": "max", "factor": 0.5, "patience": 2, "cooldown": 2, "min_lr": [0.01, 0.05]},
    {"mode": "min", "threshold_mode": "abs", "threshold": 0.05, "patience": 0, "factor": 0.7},
    {"mode": "max", "threshold_mode": "abs", "patience": 1, "eps": 0.2},
])
def test_reduce_on_plateau_matches_torch(kwargs):
    metrics = np.concatenate([np.linspace(1, 0.5, 10), np.full(15, 0.5), np.linspace(0.5, 0.8, 10),
                              np.random.default_rng(0).normal(0.6, 0.05, 25)])
    opt, topt = make_optimizer(), make_optimizer(torch.optim)
    ours = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
    ours_lrs, their_lrs = [], []
    for metric in metrics:
        ours.step(metric)
        theirs.step(metric)
        ours_lrs.append(ours.get_last_lr() + [ours.num_bad_epochs, ours.cooldown_counter])
        their_lrs.append(theirs.get_last_lr() + [theirs.num_bad_epochs, theirs.cooldown_counter])
    np.testing.assert_allclose(ours_lrs, their_lrs, rtol=1e-12, atol=0)
    assert np.ptp(np.array(ours_lrs)[:, :2]) > 0  # the schedule did reduce an lr


# ---- hand-computed sequences ---------------------------------------------------------
def sequence(scheduler_cls, steps, lr=1.0, **kwargs):
    p = ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=lr)
    scheduler = scheduler_cls(opt, **kwargs)
    lrs = [scheduler.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
        assert opt.param_groups[0]["lr"] == lrs[-1]
    return lrs


def test_step_lr_by_hand():
    assert sequence(lr_scheduler.StepLR, 7, step_size=3, gamma=0.5) == [
        1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_multi_step_lr_by_hand():
    # a repeated milestone multiplies by gamma once per repetition
    lrs = sequence(lr_scheduler.MultiStepLR, 5, milestones=[2, 4, 4], gamma=0.1)
    np.testing.assert_allclose(lrs, [1.0, 1.0, 0.1, 0.1, 1e-3, 1e-3], rtol=1e-12)


def test_exponential_lr_by_hand():
    assert sequence(lr_scheduler.ExponentialLR, 4, gamma=0.5) == [1.0, 0.5, 0.25, 0.125, 0.0625]


def test_cosine_annealing_follows_the_closed_form():
    lrs = sequence(lr_scheduler.CosineAnnealingLR, 35, T_max=10, eta_min=0.1)
    closed = [0.1 + 0.9 * (1 + math.cos(math.pi * e / 10)) / 2 for e in range(36)]
    np.testing.assert_allclose(lrs, closed, rtol=1e-9, atol=1e-12)
    assert lrs[10] == pytest.approx(0.1) and lrs[20] == pytest.approx(1.0)


def test_lambda_lr_by_hand():
    lrs = sequence(lr_scheduler.LambdaLR, 6, lr=0.5, lr_lambda=lambda e: 1 / (e + 1))
    np.testing.assert_allclose(lrs, [0.5 / (e + 1) for e in range(7)], rtol=1e-15)
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        sequence(lr_scheduler.LambdaLR, 1, lr_lambda=[abs, abs])


def test_base_attributes():
    opt = make_optimizer()
    scheduler = lr_scheduler.StepLR(opt, step_size=2)
    assert [g["initial_lr"] for g in opt.param_groups] == scheduler.base_lrs == [0.1, 0.5]
    assert scheduler.last_epoch == 0 and scheduler.get_last_lr() == [0.1, 0.5]
    scheduler.get_last_lr().append(99)  # a copy: the scheduler is not changed
    assert scheduler.get_last_lr() == [0.1, 0.5]
    opt.step()
    scheduler.step()
    opt.step()
    scheduler.step()
    assert scheduler.last_epoch == 2
    assert scheduler.get_last_lr() == pytest.approx([0.01, 0.05], rel=1e-12)


@pytest.mark.parametrize("make", [
    lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=5),
    lambda opt: lr_scheduler.StepLR(opt, step_size=1),
    lambda opt: lr_scheduler.MultiStepLR(opt, milestones=[1, 2]),
    lambda opt: lr_scheduler.ExponentialLR(opt, gamma=0.5),
    lambda opt: lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (epoch + 1)),
    lambda opt: lr_scheduler.ReduceLROnPlateau(opt, patience=0),
])
def test_schedulers_only_write_lr(make):
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.Adam([p], lr=0.1, betas=(0.8, 0.9), weight_decay=0.01)
    before = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    scheduler = make(opt)
    for _ in range(3):
        if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
            scheduler.step(1.0)
        else:
            scheduler.step()
    after = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    assert set(after) - {"initial_lr"} == set(before)
    assert {k: after[k] for k in before if k != "lr"} == {k: v for k, v in before.items() if k != "lr"}
    assert after["lr"] != before["lr"]
    np.testing.assert_array_equal(p.detach().numpy(), [1.0, 2.0])
    assert not opt.state


def test_resuming_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(make_optimizer(), step_size=2, last_epoch=5)
    opt = make_optimizer()
    lr_scheduler.ExponentialLR(opt, gamma=0.5)
    resumed = lr_scheduler.ExponentialLR(opt, gamma=0.5, last_epoch=3)
    assert resumed.last_epoch == 4 and resumed.base_lrs == [0.1, 0.5]


def test_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=1)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.ReduceLROnPlateau(object())


# ---- ReduceLROnPlateau ----------------------------------------------------------------
def test_reduce_on_plateau_scripted_by_hand():
    p = ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=1.0)
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2,
                                               threshold=0.1, threshold_mode="abs", cooldown=1,
                                               min_lr=0.2)
    metrics = [5.0, 4.95, 4.0, 4.0, 3.95, 3.99] + [5.0] * 12 + [3.0]
    expected = ([1.0] * 5          # 4.95 is not 0.1 better than 5; 4.0 is: bad epochs reset
                + [0.5] * 4        # 3 bad epochs > patience 2; then 1 cooldown epoch + 2 bad
                + [0.25] * 4       # reduced again; cooldown, 2 bad
                + [0.2] * 6)       # max(0.125, min_lr); later max(0.1, 0.2) changes nothing
    lrs = []
    for metric in metrics:
        scheduler.step(ag.tensor(metric))  # a one-element Tensor works as a metric
        lrs.append(scheduler.get_last_lr()[0])
    assert lrs == expected
    assert scheduler.best == 3.0 and scheduler.num_bad_epochs == 0


def test_reduce_on_plateau_max_mode_and_per_group_min_lr():
    opt = make_optimizer()
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=0, min_lr=[0.05, 0.0])
    for metric in [0.5, 0.4, 0.3, 0.6, 0.6]:
        scheduler.step(metric)
    # bad epochs: 0.4, 0.3 and the repeated 0.6 (not better by the relative threshold)
    assert scheduler.get_last_lr() == pytest.approx([0.05, 0.5 * 0.1**3], rel=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"factor": 1.0}, "Factor should be < 1.0"),
    ({"mode": "median"}, "mode median is unknown"),
    ({"threshold_mode": "percent"}, "threshold mode percent is unknown"),
    ({"min_lr": [0.1]}, "expected 2 min_lrs, got 1"),
])
def test_reduce_on_plateau_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lr_scheduler.ReduceLROnPlateau(make_optimizer(), **kwargs)


# ---- OneCycleLR ------------------------------------------------------------------------
def test_one_cycle_lr_and_momentum_by_hand():
    p = ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=20, pct_start=0.25)
    group = opt.param_groups[0]
    lrs, momenta = [group["lr"]], [group["momentum"]]
    for _ in range(19):
        opt.step()
        scheduler.step()
        lrs.append(group["lr"])
        momenta.append(group["momentum"])
    assert lrs[0] == pytest.approx(1.0 / 25) and momenta[0] == pytest.approx(0.95)
    assert lrs[2] == pytest.approx(0.52) and momenta[2] == pytest.approx(0.90)  # halfway up
    assert lrs[4] == pytest.approx(1.0) and momenta[4] == pytest.approx(0.85)  # the peak
    assert lrs[19] == pytest.approx(0.04 / 1e4) and momenta[19] == pytest.approx(0.95)
    assert np.all(np.diff(lrs[:5]) > 0) and np.all(np.diff(lrs[4:]) < 0)
    assert np.all(np.diff(momenta[:5]) < 0) and np.all(np.diff(momenta[4:]) > 0)
    assert group["max_lr"] == 1.0 and group["min_lr"] == pytest.approx(4e-6)


def test_one_cycle_with_adam_cycles_beta1_only():
    p = ag.tensor([1.0], requires_grad=True)
    opt = optim.Adam([p], betas=(0.9, 0.95))
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=0.01, total_steps=10, base_momentum=0.7,
                                        max_momentum=0.8)
    assert opt.param_groups[0]["betas"] == (0.8, 0.95)
    for _ in range(2):
        scheduler.step()
    assert opt.param_groups[0]["betas"] == pytest.approx((0.7, 0.95))  # the peak: step 2


def test_one_cycle_without_momentum_cycling_leaves_momentum():
    opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], momentum=0.3)
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=5, cycle_momentum=False)
    scheduler.step()
    assert opt.param_groups[0]["momentum"] == 0.3


@pytest.mark.parametrize("kwargs, message", [
    ({"max_lr": 0.1}, "total_steps OR"),
    ({"max_lr": 0.1, "total_steps": 0}, "positive integer total_steps"),
    ({"max_lr": 0.1, "epochs": 2, "steps_per_epoch": 0}, "steps_per_epoch"),
    ({"max_lr": 0.1, "total_steps": 10, "pct_start": 1.5}, "pct_start"),
    ({"max_lr": 0.1, "total_steps": 10, "anneal_strategy": "exp"}, "anneal_strategy"),
    ({"max_lr": [0.1, 0.2, 0.3], "total_steps": 10}, "max_lr must have the same length"),
])
def test_one_cycle_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lr_scheduler.OneCycleLR(make_optimizer(), **kwargs)


def test_one_cycle_needs_momentum_and_stops_after_total_steps():
    adagrad = optim.Adagrad([ag.tensor([1.0], requires_grad=True)])
    with pytest.raises(ValueError, match="momentum or beta1.*cycle_momentum=False"):
        lr_scheduler.OneCycleLR(adagrad, max_lr=0.1, total_steps=5)
    scheduler = lr_scheduler.OneCycleLR(make_optimizer(), max_lr=0.1, total_steps=5)
    for _ in range(5):
        scheduler.step()
    with pytest.raises(ValueError, match="Tried to step 6 times"):
        scheduler.step()


# ---- state_dict ------------------------------------------------------------------------
def build(name, kwargs, opt_kwargs):
    opt = make_optimizer(**opt_kwargs)
    return opt, getattr(lr_scheduler, name)(opt, **kwargs)


@pytest.mark.parametrize("name, kwargs, opt_kwargs", SCHEDULES, ids=SCHEDULE_IDS)
def test_state_dict_round_trip_continues_the_same_schedule(name, kwargs, opt_kwargs):
    opt, scheduler = build(name, kwargs, opt_kwargs)
    uninterrupted = run(opt, scheduler, 30)

    opt, scheduler = build(name, kwargs, opt_kwargs)
    first = run(opt, scheduler, 12)
    if name == "LambdaLR" and isinstance(kwargs["lr_lambda"], list):
        scheduler.lr_lambdas[1].epochs = 5  # the callable object's state travels
    saved_opt, saved_scheduler = opt.state_dict(), scheduler.state_dict()
    assert "optimizer" not in saved_scheduler

    new_opt, new_scheduler = build(name, kwargs, opt_kwargs)  # the scheduler first,
    new_opt.load_state_dict(saved_opt)  # then the optimizer (which restores the lrs)
    new_scheduler.load_state_dict(saved_scheduler)
    assert new_scheduler.last_epoch == 12
    np.testing.assert_array_equal(np.concatenate([first, run(new_opt, new_scheduler, 18)]),
                                  uninterrupted)


def test_lambda_lr_state_dict_keeps_callable_objects_state():
    warmup = Warmup()
    scheduler = lr_scheduler.LambdaLR(make_optimizer(), lr_lambda=[abs, warmup])
    warmup.epochs = 10
    saved = scheduler.state_dict()
    assert saved["lr_lambdas"] == [None, {"epochs": 10}]
    fresh = Warmup()
    lr_scheduler.LambdaLR(make_optimizer(), lr_lambda=[abs, fresh]).load_state_dict(saved)
    assert fresh.epochs == 10


def test_state_dict_is_a_snapshot():
    opt, scheduler = build("MultiStepLR", {"milestones": [2, 3]}, {})
    saved = scheduler.state_dict()
    run(opt, scheduler, 4)
    assert saved["last_epoch"] == 0 and saved["_last_lr"] == [0.1, 0.5]
    assert saved["milestones"] == {2: 1, 3: 1}


@pytest.mark.parametrize("name, kwargs", [
    ("MultiStepLR", {"milestones": [3, 5, 5]}),
    ("OneCycleLR", {"max_lr": 0.3, "total_steps": 30}),
    ("CosineAnnealingLR", {"T_max": 7}),
])
def test_scheduler_state_dict_through_torch_save_and_load(name, kwargs):
    opt, scheduler = build(name, kwargs, {"momentum": 0.9})
    run(opt, scheduler, 6)
    buffer = io.BytesIO()
    ag.save({"optimizer": opt.state_dict(), "scheduler": scheduler.state_dict()}, buffer)
    buffer.seek(0)
    loaded = ag.load(buffer)
    new_opt, new_scheduler = build(name, kwargs, {"momentum": 0.9})
    new_opt.load_state_dict(loaded["optimizer"])
    new_scheduler.load_state_dict(loaded["scheduler"])
    np.testing.assert_array_equal(run(new_opt, new_scheduler, 10), run(opt, scheduler, 10))


def test_reduce_on_plateau_state_dict_round_trip():
    metrics = [1.0, 0.9, 0.9, 0.95, 0.9, 0.91, 0.92, 0.93, 0.8, 0.85, 0.86, 0.87]
    opt = make_optimizer()
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=1)
    for metric in metrics[:5]:
        scheduler.step(metric)
    saved_opt, saved = opt.state_dict(), scheduler.state_dict()
    new_opt = make_optimizer()
    new_scheduler = lr_scheduler.ReduceLROnPlateau(new_opt)
    new_opt.load_state_dict(saved_opt)
    new_scheduler.load_state_dict(saved)
    for metric in metrics[5:]:
        scheduler.step(metric)
        new_scheduler.step(metric)
        assert new_scheduler.get_last_lr() == scheduler.get_last_lr()
    assert scheduler.get_last_lr()[0] < 0.1

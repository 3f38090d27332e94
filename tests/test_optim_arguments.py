"""The arguments of every optimizer and scheduler: checked at construction, refused with the class
and the argument named (optim/arguments.py), in PyTorch's words after the class where PyTorch has
some; PyTorch refuses the same cases (at construction or in its first steps), except those marked
``TORCH_ACCEPTS``, where ndgrad is stricter than PyTorch on purpose (a flag that is not a bool, a
milestone that is not an int...)."""

import inspect
import math
import re

import pytest
from conftest import requires_torch, torch

import autograd as ag
import optim
from optim import lr_scheduler

NAN = math.nan
TORCH_ACCEPTS = "torch accepts"  # the last item of a case PyTorch takes (ndgrad refuses it)
OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS", "Adadelta"]

# the learning rate, for every optimizer: (kwargs, error, the message after "<class>: ", the
# optimizers PyTorch accepts it for)
LR_CASES = [
    ({"lr": -1.0}, ValueError, "Invalid learning rate: -1.0", ()),
    ({"lr": NAN}, ValueError, "Invalid learning rate: nan", ("SGD",)),  # SGD checks lr < 0
    ({"lr": "0.1"}, TypeError, "lr must be a real number, not str", ()),
    ({"lr": None}, TypeError, "lr must be a real number, not None", ()),
    ({"lr": (0.1,)}, TypeError, "lr must be a real number, not tuple", ()),
    ({"lr": 1j}, TypeError, "lr must be a real number, not complex", ()),
    ({"lr": ag.tensor([0.1, 0.2])}, ValueError, "Tensor lr must be 1-element", ()),
]

# each optimizer's other hyper-parameters: (class, kwargs, error, message[, TORCH_ACCEPTS])
OPTION_CASES = [
    ("SGD", {"momentum": -0.5}, ValueError, "Invalid momentum value: -0.5"),
    ("SGD", {"momentum": "0.9"}, TypeError, "momentum must be a real number, not str"),
    ("SGD", {"weight_decay": -1e-4}, ValueError, "Invalid weight_decay value: -0.0001"),
    ("SGD", {"weight_decay": True}, TypeError, "weight_decay must be a real number, not bool"),
    ("SGD", {"nesterov": True}, ValueError, "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", {"nesterov": 1, "momentum": 0.9}, TypeError, "nesterov must be a bool, not int",
     TORCH_ACCEPTS),
    ("SGD", {"dampening": None}, TypeError, "dampening must be a real number, not None",
     TORCH_ACCEPTS),
    ("SGD", {"maximize": "no"}, TypeError, "maximize must be a bool, not str", TORCH_ACCEPTS),
    ("Adam", {"betas": (1.0, 0.999)}, ValueError, "Invalid beta parameter at index 0: 1.0"),
    ("Adam", {"betas": (0.9, -0.1)}, ValueError, "Invalid beta parameter at index 1: -0.1"),
    ("Adam", {"betas": 0.9}, TypeError, "betas must be a pair (beta1, beta2), not float"),
    ("Adam", {"betas": (0.9,)}, ValueError, "betas must be a pair (beta1, beta2), got 1 values: (0.9,)"),
    ("Adam", {"betas": ("0.9", 0.999)}, TypeError, "betas[0] must be a real number, not str"),
    ("Adam", {"betas": (0, 0.999)}, ValueError, "betas must be either both floats or both Tensors"),
    ("Adam", {"eps": -1.0}, ValueError, "Invalid epsilon value: -1.0"),
    ("Adam", {"weight_decay": NAN}, ValueError, "Invalid weight_decay value: nan"),
    ("Adam", {"amsgrad": None}, TypeError, "amsgrad must be a bool, not None", TORCH_ACCEPTS),
    ("AdamW", {"weight_decay": -1.0}, ValueError, "Invalid weight_decay value: -1.0"),
    ("AdamW", {"betas": (0.9, 1.0)}, ValueError, "Invalid beta parameter at index 1: 1.0"),
    ("AdamW", {"eps": [1e-8]}, TypeError, "eps must be a real number, not list"),
    ("RMSprop", {"alpha": -0.1}, ValueError, "Invalid alpha value: -0.1"),
    ("RMSprop", {"momentum": -0.1}, ValueError, "Invalid momentum value: -0.1"),
    ("RMSprop", {"eps": NAN}, ValueError, "Invalid epsilon value: nan"),
    ("RMSprop", {"weight_decay": (0.1,)}, TypeError, "weight_decay must be a real number, not tuple"),
    ("RMSprop", {"centered": "yes"}, TypeError, "centered must be a bool, not str", TORCH_ACCEPTS),
    ("Adagrad", {"lr_decay": -0.1}, ValueError, "Invalid lr_decay value: -0.1"),
    ("Adagrad", {"initial_accumulator_value": -1.0}, ValueError,
     "Invalid initial_accumulator_value value: -1.0"),
    ("Adagrad", {"eps": -1e-10}, ValueError, "Invalid epsilon value: -1e-10"),
    ("Adagrad", {"weight_decay": True}, TypeError, "weight_decay must be a real number, not bool"),
    ("LBFGS", {"lr": True}, TypeError, "lr must be a real number, not bool"),
    ("LBFGS", {"max_iter": None}, TypeError, "max_iter must be an integer, not None"),
    ("LBFGS", {"max_iter": 2.5}, TypeError, "max_iter must be an integer, not float", TORCH_ACCEPTS),
    ("LBFGS", {"history_size": 0}, ValueError, "history_size must be at least 1, got 0"),
    ("LBFGS", {"tolerance_grad": None}, TypeError, "tolerance_grad must be a real number, not None"),
    ("LBFGS", {"line_search_fn": "armijo"}, ValueError,
     "line_search_fn='armijo': only 'strong_wolfe' is supported (or None, a fixed step of lr)"),
]



def _cases(cases, width):
    """Each case ending in TORCH_ACCEPTS, or None where PyTorch refuses it too."""
    return [case if len(case) > width else (*case, None) for case in cases]


ALL_OPTIMIZER_CASES = [(name, kwargs, error, message, TORCH_ACCEPTS if name in accepted else None)
                       for name in OPTIMIZERS for kwargs, error, message, accepted in LR_CASES
                       ] + _cases(OPTION_CASES, 4)
OPTIMIZER_IDS = [f"{case[0]}-{'-'.join(f'{k}={v!r}' for k, v in case[1].items())}"
                 for case in ALL_OPTIMIZER_CASES]


def _refused(error, message):
    return pytest.raises(error, match=f"^{re.escape(message)}$")


@pytest.mark.parametrize("name, kwargs, error, message, torch_accepts", ALL_OPTIMIZER_CASES,
                         ids=OPTIMIZER_IDS)
def test_an_optimizer_refuses_a_bad_hyper_parameter_naming_the_class(name, kwargs, error, message,
                                                                       torch_accepts):
    with _refused(error, f"{name}: {message}"):
        getattr(optim, name)([ag.tensor([1.0, -2.0], requires_grad=True)], **kwargs)


def _torch_value(value):
    return torch.from_numpy(value.numpy().copy()) if isinstance(value, ag.Tensor) else value


def _raises(run):
    """Whether ``run()`` raises anything: any refusal of PyTorch's counts."""
    try:
        run()
    except Exception:  # noqa: BLE001
        return True
    return False


def _torch_refuses_optimizer(name, kwargs):
    """Whether PyTorch raises building the optimizer or in two steps on a quadratic."""
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0]))

    def run():
        opt = getattr(torch.optim, name)([p], **{k: _torch_value(v) for k, v in kwargs.items()})

        def closure():
            opt.zero_grad()
            loss = ((p - 3.0) ** 2).sum()
            loss.backward()
            return loss

        opt.step(closure)
        opt.step(closure)

    return _raises(run)


@requires_torch
@pytest.mark.parametrize("name, kwargs, error, message, torch_accepts", ALL_OPTIMIZER_CASES,
                         ids=OPTIMIZER_IDS)
def test_torch_refuses_the_same_hyper_parameters(name, kwargs, error, message, torch_accepts):
    assert _torch_refuses_optimizer(name, kwargs) is (torch_accepts is None)


def test_a_group_added_later_is_checked_and_named():
    opt = optim.Adam([ag.tensor([1.0], requires_grad=True)])
    with _refused(ValueError, "Adam.add_param_group: Invalid learning rate: -1"):
        opt.add_param_group({"params": [ag.tensor([2.0], requires_grad=True)], "lr": -1})
    assert len(opt.param_groups) == 1


# ---- schedulers --------------------------------------------------------------------------
def _sgd(lib=optim):
    new = ag.tensor if lib is optim else torch.tensor
    return lib.SGD([new([1.0], requires_grad=True)], lr=0.1)


# (class, positional arguments, keyword arguments, error, message[, TORCH_ACCEPTS])
SCHEDULER_CASES = _cases([
    ("LambdaLR", (1,), {}, TypeError, "lr_lambda must be a function of the epoch, not int"),
    ("LambdaLR", (None,), {}, TypeError, "lr_lambda must be a function of the epoch, not None"),
    ("LambdaLR", ([0.5],), {}, TypeError, "lr_lambda[0] must be a function of the epoch, not float"),
    ("LambdaLR", ([abs, abs],), {}, ValueError, "Expected 1 lr_lambdas, but got 2"),
    ("MultiStepLR", (1,), {}, TypeError, "milestones must be an iterable of epoch indices (ints), not int"),
    ("MultiStepLR", (None,), {}, TypeError,  # torch: Counter(None), no milestones
     "milestones must be an iterable of epoch indices (ints), not None", TORCH_ACCEPTS),
    ("MultiStepLR", ("ab",), {}, TypeError,
     "milestones must be an iterable of epoch indices (ints), not str", TORCH_ACCEPTS),
    ("MultiStepLR", ([1, 2.5],), {}, TypeError,
     "milestones must hold epoch indices (ints), but holds 2.5 (float)", TORCH_ACCEPTS),
    ("MultiStepLR", ([1],), {"gamma": "0.5"}, TypeError, "gamma must be a real number, not str"),
    ("StepLR", (0,), {}, ValueError, "step_size must be positive, got 0"),
    ("StepLR", (-1,), {}, ValueError, "step_size must be positive, got -1", TORCH_ACCEPTS),
    ("StepLR", ("2",), {}, TypeError, "step_size must be a real number, not str"),
    ("StepLR", (1,), {"gamma": None}, TypeError, "gamma must be a real number, not None"),
    ("CosineAnnealingLR", (0,), {}, ValueError, "T_max must be positive, got 0"),
    ("CosineAnnealingLR", (NAN,), {}, ValueError, "T_max must be positive, got nan", TORCH_ACCEPTS),
    ("CosineAnnealingLR", (None,), {}, TypeError, "T_max must be a real number, not None"),
    ("CosineAnnealingLR", (10,), {"eta_min": "0"}, TypeError, "eta_min must be a real number, not str"),
    ("ExponentialLR", ([0.5],), {}, TypeError, "gamma must be a real number, not list"),
    ("ReduceLROnPlateau", (), {"mode": 1}, ValueError, "mode 1 is unknown! (use 'min' or 'max')"),
    ("ReduceLROnPlateau", (), {"mode": "median"}, ValueError,
     "mode median is unknown! (use 'min' or 'max')"),
    ("ReduceLROnPlateau", (), {"threshold_mode": "percent"}, ValueError,
     "threshold mode percent is unknown! (use 'rel' or 'abs')"),
    ("ReduceLROnPlateau", (), {"factor": 1.0}, ValueError, "Factor should be < 1.0."),
    ("ReduceLROnPlateau", (), {"factor": "0.5"}, TypeError, "factor must be a real number, not str"),
    ("ReduceLROnPlateau", (), {"min_lr": [0.1, 0.2]}, ValueError, "expected 1 min_lrs, got 2"),
    ("ReduceLROnPlateau", (), {"min_lr": ["0"], "patience": 0}, TypeError,
     "min_lr[0] must be a real number, not str"),
    ("ReduceLROnPlateau", (), {"patience": None, "factor": 0.5}, TypeError,
     "patience must be a real number, not None"),
    ("OneCycleLR", (0.1,), {"total_steps": 0}, ValueError,
     "Expected positive integer total_steps, but got 0"),
    ("OneCycleLR", (None,), {"total_steps": 10}, TypeError, "max_lr must be a real number, not None"),
    ("OneCycleLR", ([0.1, 0.2],), {"total_steps": 10}, ValueError,
     "max_lr must have the same length as optimizer.param_groups. max_lr has 2 values, "
     "param_groups has 1."),
    ("OneCycleLR", (0.1,), {"total_steps": 10, "div_factor": 0}, ValueError,
     "div_factor must be positive, got 0"),
    ("OneCycleLR", (0.1,), {"total_steps": 10, "pct_start": 1.5}, ValueError,
     "Expected float between 0 and 1 pct_start, but got 1.5"),
    ("OneCycleLR", (0.1,), {"total_steps": 10, "anneal_strategy": "exp"}, ValueError,
     "anneal_strategy must be one of 'cos' or 'linear', instead got exp"),
    ("OneCycleLR", (0.1,), {"total_steps": 10, "cycle_momentum": "yes"}, TypeError,
     "cycle_momentum must be a bool, not str", TORCH_ACCEPTS),
], 5)
SCHEDULER_IDS = [f"{case[0]}-{case[1]!r}-{case[2]!r}" for case in SCHEDULER_CASES]


@pytest.mark.parametrize("name, args, kwargs, error, message, torch_accepts", SCHEDULER_CASES,
                         ids=SCHEDULER_IDS)
def test_a_scheduler_refuses_a_bad_argument_naming_the_class(name, args, kwargs, error, message,
                                                              torch_accepts):
    with _refused(error, f"{name}: {message}"):
        getattr(lr_scheduler, name)(_sgd(), *args, **kwargs)


def _torch_refuses_scheduler(name, args, kwargs, steps=3):
    """Whether PyTorch raises building the scheduler or in its first ``steps`` epochs."""
    opt = _sgd(torch.optim)

    def run():
        scheduler = getattr(torch.optim.lr_scheduler, name)(opt, *args, **kwargs)
        for _ in range(steps):
            opt.step()
            scheduler.step(1.0) if name == "ReduceLROnPlateau" else scheduler.step()

    return _raises(run)


@requires_torch
@pytest.mark.parametrize("name, args, kwargs, error, message, torch_accepts", SCHEDULER_CASES,
                         ids=SCHEDULER_IDS)
def test_torch_refuses_the_same_scheduler_arguments(name, args, kwargs, error, message,
                                                    torch_accepts):
    assert _torch_refuses_scheduler(name, args, kwargs) is (torch_accepts is None)


def test_a_step_error_names_the_scheduler_and_step():
    scheduler = lr_scheduler.OneCycleLR(_sgd(), 0.1, total_steps=2)
    scheduler.step()
    scheduler.step()
    with _refused(ValueError, "OneCycleLR.step: Tried to step 3 times. The specified number of "
                              "total steps is 2"):
        scheduler.step()
    with _refused(ValueError, "ReduceLROnPlateau.step: could not convert string to float: 'low'"):
        lr_scheduler.ReduceLROnPlateau(_sgd()).step("low")


def test_a_one_cycle_phase_without_length_is_refused_where_torch_divides_by_zero():
    with _refused(ValueError, "OneCycleLR.step: step 0 is in phase 0 of the schedule, which has "
                              "no length (it starts and ends at step 0.0). Hint: change pct_start "
                              "or total_steps"):
        lr_scheduler.OneCycleLR(_sgd(), 0.1, total_steps=2, pct_start=0.5)


# ---- the naming mechanism ----------------------------------------------------------------
def test_a_subclass_is_named_and_a_message_naming_the_class_is_kept():
    class Momentum(optim.SGD):
        """A user's optimizer: its errors name it."""

    class Halving(lr_scheduler.StepLR):
        """A user's scheduler."""

    with _refused(ValueError, "Momentum: Invalid learning rate: -1"):
        Momentum([ag.tensor([1.0], requires_grad=True)], lr=-1)
    with _refused(ValueError, "Halving: step_size must be positive, got 0"):
        Halving(_sgd(), 0)
    with _refused(ValueError, "SGD got an empty parameter list"):
        optim.SGD([])


def test_the_checked_methods_keep_their_signatures():
    assert list(inspect.signature(optim.SGD.__init__).parameters)[:3] == ["self", "params", "lr"]
    assert "T_max" in inspect.signature(lr_scheduler.CosineAnnealingLR.__init__).parameters
    assert optim.Adam.add_param_group.__doc__ == optim.Optimizer.add_param_group.__doc__


def test_lbfgs_refuses_a_history_that_does_not_fit_in_memory_before_moving_anything():
    p = ag.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.LBFGS([p], history_size=2 ** 62)

    def closure():
        opt.zero_grad()
        loss = ((p - 3.0) ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match=r"^LBFGS\.step: history_size=4611686018427387904 does "
                                           r"not fit in memory"):
        opt.step(closure)
    assert p.tolist() == [1.0, -2.0]


# ---- what PyTorch accepts is accepted, with PyTorch's values -------------------------------
@requires_torch
@pytest.mark.parametrize("name, make_args", [
    ("StepLR", lambda: (0.5,)), ("StepLR", lambda: (True,)), ("CosineAnnealingLR", lambda: (True,)),
    ("CosineAnnealingLR", lambda: (0.5,)), ("MultiStepLR", lambda: (iter([1, 1, 3]),)),
    ("ExponentialLR", lambda: (True,)), ("ReduceLROnPlateau", lambda: ("max", 0.5, True)),
], ids=["StepLR-0.5", "StepLR-True", "Cosine-True", "Cosine-0.5", "MultiStepLR-iterator",
        "ExponentialLR-True", "Plateau-patience-True"])
def test_a_scheduler_takes_what_torch_takes_with_torch_lrs(name, make_args):
    ours, theirs = _sgd(), _sgd(torch.optim)
    ours_scheduler = getattr(lr_scheduler, name)(ours, *make_args())
    theirs_scheduler = getattr(torch.optim.lr_scheduler, name)(theirs, *make_args())
    for _ in range(4):
        ours.step()
        theirs.step()
        for scheduler in (ours_scheduler, theirs_scheduler):
            scheduler.step(1.0) if name == "ReduceLROnPlateau" else scheduler.step()
        assert ours.param_groups[0]["lr"] == pytest.approx(theirs.param_groups[0]["lr"], rel=1e-12)


@requires_torch
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_a_one_element_tensor_lr_is_taken_as_torch_takes_it(name):
    ours_p = ag.tensor([1.0, -2.0], requires_grad=True)
    theirs_p = torch.tensor([1.0, -2.0], requires_grad=True)
    ours = getattr(optim, name)([ours_p], lr=ag.tensor(0.1))
    theirs = getattr(torch.optim, name)([theirs_p], lr=torch.tensor(0.1))
    for p, opt in ((ours_p, ours), (theirs_p, theirs)):
        p.grad = (ag if opt is ours else torch).tensor([0.5, -1.0])
        opt.step(lambda p=p: (p * p).sum())
    assert ours_p.tolist() == pytest.approx(theirs_p.tolist(), rel=1e-6, abs=1e-6)

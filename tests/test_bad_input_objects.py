"""Bad input to every layer, loss, optimizer and scheduler (issue 12), and to the loaders: drawn,
mostly wrong constructor arguments and inputs; each step succeeds with PyTorch's result or raises
one of ndgrad's documented errors naming the class (verdict: tests/bad_input.py)."""

import inspect
import io
import math

import numpy as np
import pytest
from bad_input import DOCUMENTED, FORBIDDEN, FUZZ_SETTINGS, VALUES, check_call, tensors, to_torch
from conftest import requires_torch, torch
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
import optim
from nn.dropout import _DropoutNd
from optim import lr_scheduler

pytestmark = requires_torch

# what a layer's forward is made of: its errors are its functional's (``mse_loss: ...``)
PUBLIC_FUNCTIONS = frozenset(nn.functional.__all__) | frozenset(ag.__all__)
# constructor arguments that are layers (a stack's ``encoder_layer``): sometimes a real one, built
# in both libraries with the same weights, sometimes a drawn (wrong) value
LAYER_ARGUMENTS = {"encoder_layer": ("TransformerEncoderLayer", (3, 1, 4)),
                   "decoder_layer": ("TransformerDecoderLayer", (3, 1, 4))}
NOT_LAYERS = {"Module", "Parameter", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
              "ParameterDict"}
LAYERS = [n for n in nn.__all__ if inspect.isclass(getattr(nn, n)) and n not in NOT_LAYERS]
SIZES = st.one_of(st.sampled_from([1, 2, 3, 3, 2]), st.sampled_from([0, -1, 2.5, None, "a", True,
                                                                     10 ** 12, np.int64(2)]))


def _required(method):
    """The required parameters of a method (after self)."""
    return [p for p in list(inspect.signature(method).parameters.values())[1:]
            if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]


def _random(layer):
    """Whether a layer draws random numbers in training: values differ by design (shapes, dtypes
    and errors are still compared)."""
    return any((isinstance(m, _DropoutNd) and m.p > 0)
               or (isinstance(m, nn.MultiheadAttention) and m.dropout > 0)
               or (isinstance(m, nn.RNNBase) and m.dropout > 0 and m.num_layers > 1)
               for m in layer.modules())


def _constructor_argument(data, name):
    """One required constructor argument, for ndgrad and for torch."""
    if name in LAYER_ARGUMENTS and data.draw(st.booleans(), label=f"{name} is a layer"):
        layer, sizes = LAYER_ARGUMENTS[name]
        ours, theirs = getattr(nn, layer)(*sizes, dropout=0.0), getattr(torch.nn, layer)(*sizes, dropout=0.0)
        theirs.load_state_dict({k: to_torch(v) for k, v in ours.state_dict().items()})
        return ours, theirs
    value = data.draw(SIZES, label=name)
    return value, value


def _optional(cls):
    return [p.name for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
            if p.default is not p.empty and p.name not in ("device", "dtype", "_weight", "_freeze")]


@pytest.mark.parametrize("name", LAYERS)
@FUZZ_SETTINGS
@given(data=st.data())
def test_a_layer_with_bad_arguments_or_input_is_refused_clearly_or_matches_torch(name, data):
    cls, torch_cls = getattr(nn, name), getattr(torch.nn, name)
    drawn = [_constructor_argument(data, p.name) for p in _required(cls.__init__)]
    args, torch_args = tuple(a for a, _ in drawn), tuple(t for _, t in drawn)
    optional = _optional(cls)
    names = data.draw(st.lists(st.sampled_from(optional), max_size=2, unique=True)) if optional else []
    kwargs = {n: data.draw(VALUES, label=n) for n in names}
    built = check_call(f"torch.nn.{name}", cls, lambda *_, **k: torch_cls(*to_torch(torch_args), **k),
                       args, kwargs, compare_values=False)
    if built is None:
        return
    ours, theirs = built
    theirs.load_state_dict({k: to_torch(v) for k, v in ours.state_dict().items()})
    inputs = tuple(data.draw(tensors(), label=f"input{i}") for i in range(len(_required(cls.forward))))
    check_call(f"torch.nn.{name}.forward", ours, theirs, inputs, {}, delegates=PUBLIC_FUNCTIONS,
               compare_values=not _random(ours))


OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS", "Adadelta"]
HYPER = st.one_of(st.sampled_from([0.1, 0.0, 1e-3, 0.9]),
                  st.sampled_from([-1.0, math.nan, math.inf, None, "a", (0.9, 0.999), (1.5, 0.9),
                                   (0.9,), True, -0.5, ag.tensor(0.1), 10 ** 12]))


@pytest.mark.parametrize("name", OPTIMIZERS)
@FUZZ_SETTINGS
@given(data=st.data())
def test_an_optimizer_with_bad_hyperparameters_is_refused_clearly_or_matches_torch(name, data):
    cls, torch_cls = getattr(optim, name), getattr(torch.optim, name)
    optional = [n for n in _optional(cls) if n not in ("foreach", "capturable", "differentiable", "fused")]
    names = data.draw(st.lists(st.sampled_from(optional), min_size=1, max_size=2, unique=True))
    kwargs = {n: data.draw(HYPER, label=n) for n in names}
    ours_param = nn.Parameter(ag.tensor([1.0, -2.0]))
    theirs_param = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    built = check_call(f"torch.optim.{name}", lambda **k: cls([ours_param], **k),
                       lambda **k: torch_cls([theirs_param], **k), (), kwargs, compare_values=False)
    if built is None:
        return
    ours, theirs = built
    for param, lib in ((ours_param, ag), (theirs_param, torch)):
        param.grad = lib.tensor([0.5, -1.0])

    def closure(param, lib):
        return lambda: (param * param).sum()

    check_call(f"torch.optim.{name}.step", lambda: ours.step(closure(ours_param, ag)),
               lambda: theirs.step(closure(theirs_param, torch)), (), {}, compare_values=False)
    np.testing.assert_allclose(ours_param.detach().numpy(), theirs_param.detach().numpy(), rtol=1e-5,
                               atol=1e-6, equal_nan=True)


SCHEDULERS = {"StepLR": ["step_size"], "MultiStepLR": ["milestones"], "ExponentialLR": ["gamma"],
              "CosineAnnealingLR": ["T_max"], "ReduceLROnPlateau": [], "OneCycleLR": ["max_lr"],
              "LambdaLR": ["lr_lambda"]}
SCHEDULE_VALUES = st.one_of(st.sampled_from([1, 2, 0.5, [1, 3], (lambda epoch: 0.5 ** epoch)]),
                            st.sampled_from([0, -1, -0.5, math.nan, None, "a", [3, 1], [], True]))


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
@FUZZ_SETTINGS
@given(data=st.data())
def test_a_scheduler_with_bad_arguments_is_refused_clearly_or_matches_torch(name, data):
    cls, torch_cls = getattr(lr_scheduler, name), getattr(torch.optim.lr_scheduler, name)
    args = tuple(data.draw(SCHEDULE_VALUES, label=n) for n in SCHEDULERS[name])
    optional = [n for n in _optional(cls) if n not in ("verbose", "last_epoch")]
    names = data.draw(st.lists(st.sampled_from(optional), max_size=2, unique=True)) if optional else []
    kwargs = {n: data.draw(SCHEDULE_VALUES, label=n) for n in names}
    if name == "OneCycleLR" and "total_steps" not in kwargs and "epochs" not in kwargs:
        kwargs["total_steps"] = 10
    ours_opt = optim.SGD([nn.Parameter(ag.ones(1))], lr=0.1)
    theirs_opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    built = check_call(f"torch.optim.lr_scheduler.{name}", lambda *a, **k: cls(ours_opt, *a, **k),
                       lambda *a, **k: torch_cls(theirs_opt, *a, **k), args, kwargs,
                       compare_values=False)
    if built is None:
        return
    ours, theirs = built
    for _ in range(3):
        ours_opt.step()
        theirs_opt.step()
        check_call(f"torch.optim.lr_scheduler.{name}.step",
                   lambda s=ours: s.step(1.0) if name == "ReduceLROnPlateau" else s.step(),
                   lambda s=theirs: s.step(1.0) if name == "ReduceLROnPlateau" else s.step(), (), {},
                   compare_values=False)
        assert ours_opt.param_groups[0]["lr"] == pytest.approx(theirs_opt.param_groups[0]["lr"], nan_ok=True)


def _checkpoint() -> bytes:
    buffer = io.BytesIO()
    ag.save({"w": ag.arange(6.0).reshape(2, 3), "step": 3, "names": ["a", "b"]}, buffer)
    return buffer.getvalue()


CHECKPOINT = _checkpoint()


@FUZZ_SETTINGS
@given(cuts=st.lists(st.tuples(st.integers(0, len(CHECKPOINT) - 1), st.integers(0, 255)), max_size=4),
       length=st.integers(0, len(CHECKPOINT)))
def test_a_corrupt_checkpoint_loads_or_is_refused_by_the_loader(cuts, length, tmp_path_factory):
    data = bytearray(CHECKPOINT[:length])
    for position, value in cuts:
        if position < len(data):
            data[position] = value
    path = tmp_path_factory.mktemp("ckpt") / "model.pt"
    path.write_bytes(bytes(data))
    try:
        ag.load(path)
    except FORBIDDEN as error:
        raise AssertionError(f"ag.load of a corrupt file raised {type(error).__name__}: {error}") from error
    except DOCUMENTED as error:
        assert "model.pt" in str(error), f"the error does not name the file: {error}"

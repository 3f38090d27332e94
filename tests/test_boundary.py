"""The public boundary (``autograd.boundary``, issue 12): every public function and layer
constructor checks its annotated arguments at the call and names itself in every error."""

import inspect
import re
import warnings

import pytest
from conftest import requires_torch, torch

import autograd as ag
import nn
import nn.functional as F
from autograd.boundary import public, public_source

GATED = [(f"ag.{n}", getattr(ag, n)) for n in ag.__all__ if hasattr(getattr(ag, n), "__public_source__")]
GATED += [(f"F.{n}", getattr(F, n)) for n in F.__all__]
GATED += [(f"linalg.{n}", getattr(ag.linalg, n)) for n in ag.linalg.__all__]


def _first_tensor_parameter(fn):
    for parameter in inspect.signature(fn).parameters.values():
        text = str(parameter.annotation).replace(" ", "")
        if text == "Tensor" and parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
            return parameter.name
    return None


TENSOR_FIRST = [(label, fn) for label, fn in GATED if _first_tensor_parameter(fn) is not None]


def test_the_gate_covers_the_public_functions():
    assert len(GATED) > 250
    assert len(TENSOR_FIRST) > 200


@pytest.mark.parametrize(("label", "fn"), TENSOR_FIRST, ids=[label for label, _ in TENSOR_FIRST])
@pytest.mark.parametrize("value", [0, "x", [1.0, 2.0], None])
def test_a_non_tensor_where_a_tensor_is_annotated_is_refused_at_the_call(label, fn, value):
    name = _first_tensor_parameter(fn)
    parameters = inspect.signature(fn).parameters
    if value is None and parameters[name].default is None:
        pytest.skip("None is this argument's default")
    args = [value if p.name == name else True if str(p.annotation) == "bool" else ag.ones(2)
            for p in parameters.values() if p.name == name or (
                p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD)]
    called = ("linalg." if label.startswith("linalg.") else "") + fn.__name__
    with pytest.raises(TypeError, match=rf"^{re.escape(called)}\(\): argument '{name}' must be a Tensor, "
                                        rf"not {type(value).__name__}\. Hint: wrap data"):
        fn(*args)


@pytest.mark.parametrize("value", [1, 0, "yes", ag.tensor(True), 1.0])
@pytest.mark.parametrize(("fn", "args", "flag"), [
    (ag.sum, (ag.ones(2), 0), "keepdim"), (ag.argsort, (ag.ones(2),), "descending"),
    (F.relu, (ag.ones(2),), "inplace"), (ag.isclose, (ag.ones(2), ag.ones(2)), "equal_nan"),
    (ag.ones, (2,), "requires_grad"),
])
def test_a_non_bool_flag_is_refused_with_its_name(fn, args, flag, value):
    with pytest.raises(TypeError, match=rf"^{fn.__name__}\(\): argument '{flag}' must be bool"):
        fn(*args, **{flag: value})


@pytest.mark.parametrize("value", [ag.ones(2), 3, "ab", None])
@pytest.mark.parametrize("fn", [ag.cat, ag.stack, ag.concatenate])
def test_a_tensor_sequence_must_be_a_list_or_tuple(fn, value):
    with pytest.raises(TypeError, match=rf"{fn.__name__}\(\): argument 'tensors' must be a list or "
                                        r"tuple of Tensors"):
        fn(value)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: ag.argsort(ag.ones(2, 2), dim=5), r"^argsort: dim 5 is out of range"),
    (lambda: ag.std_mean(ag.ones(2), dim=3), r"^std_mean: dim 3 is out of range"),
    (lambda: ag.rand(2, dtype=0), r"^rand\(\): argument 'dtype': "),
    (lambda: ag.divide(ag.ones(2), ag.ones(3)), r"^divide: "),
    (lambda: ag.linalg.svdvals(ag.ones(2)), r"^linalg\.svdvals: "),
    (lambda: F.mse_loss(ag.ones(2), ag.ones(3)), r"^mse_loss"),
])
def test_an_error_from_a_delegated_function_names_the_function_called(call, message):
    with pytest.raises((ag.OpError, TypeError, ValueError, IndexError), match=message):
        call()


@pytest.mark.parametrize(("label", "fn"), GATED[::7], ids=[label for label, _ in GATED[::7]])
def test_the_gate_keeps_the_signature_name_and_docstring(label, fn):
    original = fn.__wrapped__
    assert inspect.signature(fn) == inspect.signature(original)
    assert fn.__doc__ == original.__doc__
    assert fn.__name__ == label.rsplit(".", 1)[-1]
    assert public_source(original, fn.__name__) == fn.__public_source__


def test_an_alias_names_itself():
    assert ag.absolute.__name__ == "absolute"
    with pytest.raises(TypeError, match=r"^absolute\(\): argument 'input'"):
        ag.absolute(1)


def test_a_gated_function_accepts_what_it_did_and_passes_arguments_through():
    def scale(input: ag.Tensor, factor: float = 2.0, *, keep: bool = False) -> ag.Tensor:
        return input * factor if not keep else input

    gate = public(scale)
    x = ag.tensor([1.0, 2.0])
    assert gate(x).tolist() == [2.0, 4.0]
    assert gate(x, 3.0).tolist() == [3.0, 6.0]
    assert gate(input=x, keep=True) is x
    with pytest.raises(TypeError, match=r"^scale\(\): argument 'keep' must be bool, not int"):
        gate(x, keep=1)
    with pytest.raises(TypeError, match=r"scale\(\) takes from 1 to 2 positional arguments"):
        gate(x, 1.0, 2.0)


@pytest.mark.parametrize(("build", "message"), [
    (lambda: nn.ReLU(inplace=1), r"^ReLU\(\): argument 'inplace' must be bool, not int"),
    (lambda: nn.LayerNorm(3, elementwise_affine=ag.tensor([])), r"^LayerNorm\(\): argument "
                                                                 r"'elementwise_affine' must be bool"),
    (lambda: nn.BatchNorm1d(3, affine="yes"), r"^BatchNorm1d\(\): argument 'affine' must be bool"),
    (lambda: nn.BCELoss(weight=0), r"^BCELoss\(\): argument 'weight' must be a Tensor, not int"),
    (lambda: nn.NLLLoss(weight=[1.0]), r"^NLLLoss\(\): argument 'weight' must be a Tensor, not list"),
    (lambda: nn.Linear(-1, 2), r"^Linear: in_features must be >= 0, got -1"),
    (lambda: nn.Linear(2, 10 ** 12), r"^Linear: cannot allocate a tensor of shape \(1000000000000, 2\)"),
    (lambda: nn.Embedding(10 ** 12, 10 ** 12), r"^Embedding: cannot allocate"),
    (lambda: nn.Dropout(p=ag.tensor([])), r"^Dropout: "),
])
def test_a_layer_constructor_checks_its_arguments_and_names_the_class(build, message):
    with pytest.raises((TypeError, RuntimeError, ValueError), match=message):
        build()


def test_a_gated_constructor_keeps_its_signature_and_subclasses_work():
    assert str(inspect.signature(nn.Linear.__init__)).startswith("(self, in_features: 'int'")
    assert nn.Linear.__init__.__qualname__ == "Linear.__init__"

    class Tiny(nn.Linear):
        def __init__(self):
            super().__init__(2, 3, bias=False)

    assert Tiny().bias is None and tuple(Tiny().weight.shape) == (3, 2)


def test_a_warning_points_at_the_users_line_through_the_gate_and_the_method():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F.softmax(ag.tensor([1.0, 2.0]))
        ag.std(ag.tensor([1.0]))
        ag.tensor([1.0]).std()
    assert [w.filename for w in caught] == [__file__] * 3


@requires_torch
@pytest.mark.parametrize("value", [0, 2.5, "a"])
def test_torch_refuses_the_same_non_tensor_calls(value):
    for name in ("exp", "sum", "relu", "argsort"):
        with pytest.raises(TypeError):
            getattr(torch, name)(value)
        with pytest.raises(TypeError, match=rf"{name}\(\): argument 'input' must be a Tensor"):
            getattr(ag, name)(value)

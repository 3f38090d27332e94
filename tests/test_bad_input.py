"""Bad input to every public function (issue 12): drawn, mostly wrong arguments to each function of
``autograd`` (torch.*), ``autograd.linalg`` and ``nn.functional``; each call succeeds with PyTorch's
result or raises one of ndgrad's documented errors naming the function (tests/bad_input.py has
the arguments and the verdict). Layers, losses, optimizers, schedulers and loaders:
tests/test_bad_input_objects.py."""

import inspect

import pytest
from bad_input import FUZZ_SETTINGS, argument, check_call
from conftest import torch
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn.functional as F

# not fuzzed: global state, files, graphs and drawings, decorators, the engine's own entry points
# (backward/grad take graphs, not values) and checks that are tests themselves
SKIP = {"manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "set_default_dtype",
        "set_default_device", "set_printoptions", "set_detect_anomaly", "save", "load", "compile",
        "draw_graph", "to_dot", "backward_steps", "once_differentiable", "name_node", "backward",
        "grad", "zero_grads", "gradcheck", "gradgradcheck", "increment_version", "Variable",
        "sparse_coo_tensor", "sparse_csr_tensor", "is_grad_enabled", "is_inference_mode_enabled",
        "is_anomaly_enabled", "get_default_dtype", "get_default_device", "xlogy_", "addmv_"}
# values differ by design (random draws, uninitialized memory): shapes, dtypes and errors only
UNCOMPARED = {"rand", "rand_like", "randn", "randn_like", "randint", "randint_like", "randperm",
              "bernoulli", "multinomial", "normal", "poisson", "empty", "empty_like", "dropout",
              "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"}


def _functions():
    for name in ag.__all__:
        fn = getattr(ag, name)
        if inspect.isfunction(fn) and name not in SKIP:
            yield f"torch.{name}", fn, (lambda n=name: getattr(torch, n, None))
    for name in ag.linalg.__all__:
        yield f"torch.linalg.{name}", getattr(ag.linalg, name), (lambda n=name: getattr(torch.linalg, n))
    for name in F.__all__:
        yield (f"torch.nn.functional.{name}", getattr(F, name),
               lambda n=name: getattr(torch.nn.functional, n))


FUNCTIONS = list(_functions())


@st.composite
def _call(draw, fn):
    """Positional values for the required parameters (sometimes one too many or too few), and a
    few keyword arguments drawn by name."""
    params = [p for p in inspect.signature(fn).parameters.values()
              if p.kind not in (p.VAR_KEYWORD,)]
    required = [p for p in params if p.default is p.empty and p.kind is not p.VAR_POSITIONAL]
    count = len(required) + draw(st.sampled_from([0, 0, 0, 0, 1, -1]))
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        count = max(count, draw(st.integers(1, 3)))
    count = max(count, 0)
    args = tuple(draw(argument(positional[i] if i < len(positional) else "input")) for i in range(count))
    optional = [p.name for p in params[count:] if p.default is not p.empty
                and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "out"]
    names = draw(st.lists(st.sampled_from(optional), max_size=2, unique=True)) if optional else []
    return args, {n: draw(argument(n)) for n in names}


@pytest.mark.parametrize(("name", "fn", "torch_fn"), FUNCTIONS, ids=[
    (f.values if hasattr(f, "values") else f)[0] for f in FUNCTIONS])
@FUZZ_SETTINGS
@given(data=st.data())
def test_a_bad_call_is_refused_clearly_or_gives_torch_s_result(name, fn, torch_fn, data):
    args, kwargs = data.draw(_call(fn), label="call")
    short = name.rsplit(".", 1)[-1]
    check_call(name, fn, torch_fn() if torch is not None else None, args, kwargs,
               compare_values=short not in UNCOMPARED)

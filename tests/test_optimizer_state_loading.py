"""``Optimizer.load_state_dict`` checks a resumed state as strictly as ``Module.load_state_dict``:
every step count, buffer and LBFGS memory entry, the layout and the groups' options. A bad entry
raises at load, naming the optimizer, the parameter (index, group, place) and the entry, and the
optimizer is left as it was. PyTorch loads such states and then fails in ``step()`` (or writes
NaN into the weights), which the last class shows.
"""

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import optim

SHAPES = [(2, 2), (2,)]
WITH_STEP = {"Adam": {}, "AdamW": {}, "RMSprop": {}, "Adagrad": {}, "Adadelta": {}}
BUFFERS = {  # optimizer, options, buffer entry, whether it holds squares
    "Adam-exp_avg": ("Adam", {}, "exp_avg", False),
    "Adam-exp_avg_sq": ("Adam", {}, "exp_avg_sq", True),
    "Adam-max_exp_avg_sq": ("Adam", {"amsgrad": True}, "max_exp_avg_sq", True),
    "SGD-momentum_buffer": ("SGD", {"lr": 0.1, "momentum": 0.9}, "momentum_buffer", False),
    "RMSprop-square_avg": ("RMSprop", {}, "square_avg", True),
    "RMSprop-momentum_buffer": ("RMSprop", {"momentum": 0.5}, "momentum_buffer", False),
    "RMSprop-grad_avg": ("RMSprop", {"centered": True}, "grad_avg", False),
    "Adagrad-sum": ("Adagrad", {}, "sum", True),
    "Adadelta-acc_delta": ("Adadelta", {}, "acc_delta", True),
}
WHERE = "the state of parameter 1 (parameter 1 of group 0)"


def trained(name, options=None, steps=2):
    """An optimizer over two parameters after ``steps`` steps on sum(p^2)."""
    rng = np.random.default_rng(0)
    params = [ag.tensor(rng.normal(size=s), dtype=ag.float32, requires_grad=True) for s in SHAPES]
    opt = getattr(optim, name)(params, **(options or {}))

    def closure():
        opt.zero_grad()
        loss = sum((p * p).sum() for p in params)
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    return params, opt, closure


def fingerprint(opt):
    """Everything load_state_dict could change, as comparable data."""
    def plain(value):
        if isinstance(value, ag.Tensor):
            return ("tensor", value.detach().numpy().tolist(), str(value.dtype))
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    groups = [{k: (v if k != "params" else [id(p) for p in v]) for k, v in g.items()}
              for g in opt.param_groups]
    state = {id(p): {k: plain(v) for k, v in s.items()} for p, s in opt.state.items()}
    return groups, state


def refused(name, options, corrupt, error, message):
    """Corrupt a saved state, load it into a trained optimizer: it raises and changes nothing."""
    _, source, _ = trained(name, options)
    saved = source.state_dict()
    corrupt(saved)
    _, target, _ = trained(name, options, steps=1)
    before = fingerprint(target)
    with pytest.raises(error) as info:
        target.load_state_dict(saved)
    assert fingerprint(target) == before
    assert str(info.value) == f"{name}.load_state_dict: {message}"


class TestStepCounts:
    @pytest.mark.parametrize("name", WITH_STEP)
    @pytest.mark.parametrize("value, shown", [
        (-5, "-5"), (1.5, "1.5"), (float("nan"), "nan"), ("3", "'3'"), (True, "True"), (None, "None"),
        (ag.tensor(-1.0), "tensor(-1.)"), (np.array([1, 2]), "array([1, 2])"),
    ], ids=["negative", "fraction", "nan", "str", "bool", "none", "negative-tensor", "two-values"])
    def test_refused(self, name, value, shown):
        refused(name, None, lambda sd: sd["state"][1].update(step=value), ValueError,
                f"{WHERE}: 'step' must be a non-negative integer (a count of steps), got {shown}")

    @pytest.mark.parametrize("name", WITH_STEP)
    @pytest.mark.parametrize("value", [7, 7.0, np.int64(7), ag.tensor(7.0), ag.tensor([7])],
                             ids=["int", "float", "numpy", "tensor-as-torch-saves-it", "1-element"])
    def test_accepted_as_an_int(self, name, value):
        _, opt, closure = trained(name)
        saved = opt.state_dict()
        saved["state"][1]["step"] = value
        opt.load_state_dict(saved)
        step = opt.state[opt.param_groups[0]["params"][1]]["step"]
        assert type(step) is int and step == 7
        opt.step(closure)  # and the update runs


class TestBuffers:
    @pytest.mark.parametrize("case", BUFFERS)
    @pytest.mark.parametrize("value, error, problem", [
        (ag.ones(3), ValueError, "has shape [3], expected [2] (the parameter's shape)"),
        (ag.tensor(1.0), ValueError, "has shape [], expected [2] (the parameter's shape)"),
        ([1.0, 1.0], TypeError, "must be a Tensor of shape [2], got list"),
        ("x", TypeError, "must be a Tensor of shape [2], got str"),
        (np.array(["a", "b"]), TypeError, "must hold real numbers, got dtype <U1"),
    ], ids=["longer", "0-d", "list", "str", "str-array"])
    def test_refused(self, case, value, error, problem):
        name, options, key, _ = BUFFERS[case]
        refused(name, options, lambda sd: sd["state"][1].update({key: value}), error,
                f"{WHERE}: '{key}' {problem}")

    @pytest.mark.parametrize("case", [c for c, (*_, squares) in BUFFERS.items() if squares])
    def test_squares_are_never_negative(self, case):
        name, options, key, _ = BUFFERS[case]
        refused(name, options, lambda sd: sd["state"][1].update({key: -ag.ones(2)}), ValueError,
                f"{WHERE}: '{key}' holds squares, so it can't be negative, but it holds -1.0 (the "
                "update takes its square root)")

    @pytest.mark.parametrize("case", BUFFERS)
    @pytest.mark.parametrize("value", [np.ones(2, np.int64), ag.ones(2, dtype=ag.float64),
                                       np.ones(2, bool)], ids=["int-array", "float64", "bool"])
    def test_other_real_dtypes_are_cast_to_the_parameter(self, case, value):
        name, options, key, _ = BUFFERS[case]
        _, opt, closure = trained(name, options)
        saved = opt.state_dict()
        saved["state"][1][key] = value
        if key == "grad_avg":  # consistent with it: grad_avg^2 <= square_avg
            saved["state"][1]["square_avg"] = ag.ones(2)
        opt.load_state_dict(saved)
        loaded = opt.state[opt.param_groups[0]["params"][1]][key]
        assert loaded.dtype == ag.float32 and loaded.tolist() == [1.0, 1.0]
        opt.step(closure)

    def test_centered_rmsprop_grad_avg_squared_never_exceeds_square_avg(self):
        def corrupt(sd):
            sd["state"][1].update(grad_avg=ag.full((2,), 2.0), square_avg=ag.ones(2))

        refused("RMSprop", {"centered": True}, corrupt, ValueError,
                f"{WHERE}: 'grad_avg' squared exceeds 'square_avg' (by up to 3.0); as averages of "
                "g and g^2 with the same weights, grad_avg^2 <= square_avg always holds")

    def test_sgd_momentum_buffer_none_means_not_started(self):
        _, opt, closure = trained("SGD", {"lr": 0.1, "momentum": 0.9})
        saved = opt.state_dict()
        saved["state"][1]["momentum_buffer"] = None  # as older PyTorch saves it
        opt.load_state_dict(saved)
        assert "momentum_buffer" not in opt.state[opt.param_groups[0]["params"][1]]
        opt.step(closure)


class TestEntries:
    @pytest.mark.parametrize("name, options, keeps", [
        ("Adam", {}, "['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']"),
        ("SGD", {"lr": 0.1, "momentum": 0.9}, "['momentum_buffer']"),
        ("Adagrad", {}, "['step', 'sum']"),
    ])
    def test_an_unknown_entry(self, name, options, keeps):
        refused(name, options, lambda sd: sd["state"][1].update(foo=1), ValueError,
                f"{WHERE} has unknown entries ['foo']; {name} keeps only {keeps}. Hint: was it "
                "saved by another optimizer type?")

    @pytest.mark.parametrize("name, options, drop, has, needs", [
        ("Adam", {}, "exp_avg", "['step', 'exp_avg_sq']", "['step', 'exp_avg', 'exp_avg_sq']"),
        ("Adam", {"amsgrad": True}, "max_exp_avg_sq", "['step', 'exp_avg', 'exp_avg_sq']",
         "['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']"),
        ("RMSprop", {"centered": True}, "grad_avg", "['step', 'square_avg']",
         "['step', 'square_avg', 'grad_avg']"),
        ("Adagrad", {}, "step", "['sum']", "['step', 'sum']"),
    ])
    def test_a_missing_entry(self, name, options, drop, has, needs):
        refused(name, options, lambda sd: sd["state"][1].pop(drop), ValueError,
                f"{WHERE} lacks ['{drop}'] (it has {has}); these options' updates need {needs}")

    def test_an_empty_state_is_a_parameter_not_yet_stepped(self):
        _, opt, closure = trained("Adam")
        saved = opt.state_dict()
        saved["state"][1] = {}
        opt.load_state_dict(saved)
        opt.step(closure)


class TestLayout:
    @pytest.mark.parametrize("corrupt, error, message", [
        (lambda sd: sd.pop("state"), ValueError, "expected a dict with 'state' and 'param_groups' "
         "(what state_dict() returns), got ['param_groups']"),
        (lambda sd: sd.update(param_groups="groups"), TypeError,
         "'param_groups' must be a list of dicts, got 'groups'"),
        (lambda sd: sd.update(state=[1]), TypeError, "'state' must be a dict, got list"),
        (lambda sd: sd["state"].update({1: 5}), TypeError,
         f"{WHERE} must be a dict of state entries, got int"),
        (lambda sd: sd["state"].update({"a": {}}), ValueError,
         "the state dict has state under 'a', which is not a parameter index"),
        (lambda sd: sd["state"].update({9: {}}), ValueError,
         "the state dict has state for parameter 9, which is in no parameter group"),
        (lambda sd: sd["param_groups"][0].update(params=[0, 0]), ValueError,
         "parameter 0 is listed twice, in group 0"),
        (lambda sd: sd["param_groups"][0].update(params=None), ValueError,
         "parameter group 0 has no list of parameter indices ('params'), got None"),
        (lambda sd: sd["param_groups"][0].update(lr="x"), TypeError,
         "parameter group 0: lr must be a real number, not str"),
        (lambda sd: sd["param_groups"][0].update(betas=(2.0, 0.9)), ValueError,
         "parameter group 0: Invalid beta parameter at index 0: 2.0"),
    ], ids=["no-state", "groups-not-list", "state-not-dict", "entry-not-dict", "bad-key",
            "unknown-param", "duplicate", "no-params", "lr-str", "beta"])
    def test_refused(self, corrupt, error, message):
        refused("Adam", None, corrupt, error, message)

    def test_indices_as_text_and_arrays_load(self):
        """As a serializer may return them: str keys, arrays for lists."""
        _, opt, closure = trained("Adam")
        saved = opt.state_dict()
        saved["state"] = {str(k): v for k, v in saved["state"].items()}
        saved["param_groups"][0]["params"] = np.array(saved["param_groups"][0]["params"])
        opt.load_state_dict(saved)
        assert len(opt.state) == 2
        opt.step(closure)


def lbfgs_state_problem(corrupt):
    _, opt, _ = trained("LBFGS", {"history_size": 3}, steps=2)
    saved = opt.state_dict()
    corrupt(saved["state"][0])
    _, target, _ = trained("LBFGS", {"history_size": 3}, steps=1)
    before = fingerprint(target)
    with pytest.raises((TypeError, ValueError)) as info:
        target.load_state_dict(saved)
    assert fingerprint(target) == before
    return str(info.value).removeprefix("LBFGS.load_state_dict: the state of parameter 0 "
                                        "(parameter 0 of group 0)")


class TestLBFGS:
    @pytest.mark.parametrize("corrupt, message", [
        (lambda st: st.update(n_iter=-1), ": 'n_iter' must be a non-negative integer (a count of "
         "steps), got -1"),
        (lambda st: st.update(func_evals=2.5), ": 'func_evals' must be a non-negative integer"),
        (lambda st: st.update(d=ag.zeros(4)), ": 'd' has shape [4], expected [6] (all the "
         "parameters as one flat vector)"),
        (lambda st: st["old_dirs"].append(ag.zeros(5)), ": 'old_dirs'[1] has shape [5], expected [6]"),
        (lambda st: st.update(t="x"), ": 't' must be a number (or a one-element Tensor), got str"),
        (lambda st: st.update(ro=[]), ": the history lists must have one length, at most "
         "history_size=3; their lengths are {'old_dirs': 1, 'old_stps': 1, 'ro': 0}"),
        (lambda st: [st[k].extend(st[k] * 3) for k in ("old_dirs", "old_stps", "ro")],
         ": the history lists must have one length, at most history_size=3; their lengths are "
         "{'old_dirs': 4, 'old_stps': 4, 'ro': 4}"),
        (lambda st: st.update(al=[]), ": 'al' has 0 entries, fewer than the 1 of the history"),
        (lambda st: st.pop("prev_flat_grad"), " lacks ['prev_flat_grad'], which LBFGS keeps "
         "after its first iteration"),
        (lambda st: st.pop("n_iter"), " lacks ['n_iter']"),
    ], ids=["n_iter", "func_evals", "d", "old_dirs-item", "t", "ro-short", "too-long", "al-short",
            "prev_flat_grad", "no-n_iter"])
    def test_refused(self, corrupt, message):
        assert lbfgs_state_problem(corrupt).startswith(message)

    def test_a_torch_style_state_loads_and_continues(self):
        _, opt, closure = trained("LBFGS", {"history_size": 3}, steps=2)
        saved = opt.state_dict()
        state = saved["state"][0]
        state["t"] = float(np.asarray(state["t"].numpy() if isinstance(state["t"], ag.Tensor)
                                      else state["t"]))
        state["al"] = [None] * 3  # torch's initial memory of the two-loop recursion
        opt.load_state_dict(saved)
        opt.step(closure)


@requires_torch
class TestTorchLoadsThemAndFailsLater:
    """PyTorch accepts these states at load; its next step raises or writes NaN. We raise at load."""

    @pytest.mark.parametrize("key, value", [
        ("step", lambda: torch.tensor(-5.0)), ("exp_avg", lambda: torch.ones(3)),
        ("exp_avg_sq", lambda: -torch.ones(2)), ("exp_avg", lambda: None),
    ], ids=["negative-step", "wrong-shape", "negative-squares", "none"])
    def test_adam(self, key, value):
        params = [torch.ones(s, requires_grad=True) for s in SHAPES]
        opt = torch.optim.Adam(params)
        sum((p * p).sum() for p in params).backward()
        opt.step()
        saved = opt.state_dict()
        saved["state"][1][key] = value()
        opt.load_state_dict(saved)  # accepted
        try:
            opt.step()
        except (RuntimeError, AttributeError):
            pass
        else:
            assert not torch.isfinite(params[1]).all()

        _, ours, _ = trained("Adam")
        mine = ours.state_dict()
        torch_value = value()
        mine["state"][1][key] = None if torch_value is None else ag.tensor(torch_value.numpy())
        with pytest.raises((TypeError, ValueError), match=f"'{key}'"):
            ours.load_state_dict(mine)

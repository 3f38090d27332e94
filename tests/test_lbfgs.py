"""LBFGS: trajectories equal to torch.optim.LBFGS's (fixed step and strong Wolfe, float64 and
float32), early exits and max_eval, the line search, closure semantics, errors, state_dict."""

import io

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import nn
import optim
from optim.line_search import cubic_interpolate, strong_wolfe

RNG = np.random.default_rng(2024)
X0 = np.array([-1.2, 1.0, -0.5, 0.8, 1.5, -0.3])
A = (lambda m: m @ m.T / 6 + 0.1 * np.eye(6))(RNG.normal(size=(6, 6)))  # SPD, cond ~ 1e2
B = RNG.normal(size=6)
XS = RNG.normal(size=(32, 3))
YS = np.sin(XS).sum(axis=1, keepdims=True)


# ---- problems: (params, loss()) built in ndgrad ("ours") or in torch -----------------
def lib_tensor(lib, array, dtype, requires_grad=False):
    if lib == "ours":
        return ag.tensor(array, dtype=dtype, requires_grad=requires_grad)
    return torch.tensor(array, dtype=getattr(torch, dtype), requires_grad=requires_grad)


def rosenbrock(lib, dtype):
    x = lib_tensor(lib, X0, dtype, requires_grad=True)
    return [x], lambda: ((1 - x[:-1]) ** 2).sum() + 100 * ((x[1:] - x[:-1] ** 2) ** 2).sum()


def quadratic(lib, dtype):
    """0.5 x^T A x - b^T x over two parameters (x split in 4 + 2), and one the loss ignores."""
    x1, x2 = (lib_tensor(lib, part, dtype, requires_grad=True) for part in (X0[:4], X0[4:]))
    unused = lib_tensor(lib, [3.0], dtype, requires_grad=True)
    a, b = lib_tensor(lib, A, dtype), lib_tensor(lib, B, dtype)

    def loss():
        x = (ag if lib == "ours" else torch).cat([x1, x2])
        return 0.5 * (x @ (a @ x)) - b @ x

    return [x1, x2, unused], loss


def make_mlp(lib, dtype):
    if lib == "ours":
        ag.manual_seed(0)
        return nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1)).to(dtype=getattr(ag, dtype))
    model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    ours = make_mlp("ours", dtype)  # the same initial weights on both sides
    with torch.no_grad():
        for p, q in zip(model.parameters(), ours.parameters()):
            p.copy_(torch.from_numpy(q.detach().numpy().astype(np.float64)))
    return model.to(dtype=getattr(torch, dtype))


def mlp(lib, dtype):
    model = make_mlp(lib, dtype)
    x, y = lib_tensor(lib, XS, dtype), lib_tensor(lib, YS, dtype)
    loss_fn = nn.MSELoss() if lib == "ours" else torch.nn.MSELoss()
    return list(model.parameters()), lambda: loss_fn(model(x), y)


def closure_for(opt, loss_fn, calls=None):
    def closure():
        if calls is not None:
            calls.append(ag.is_grad_enabled())
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    return closure


def run_both(problem, kwargs, steps, dtype="float64"):
    """Step both optimizers from the same weights; the params and losses after each step."""
    params, loss_fn = problem("ours", dtype)
    tparams, tloss_fn = problem("torch", dtype)
    opt, topt = optim.LBFGS(params, **kwargs), torch.optim.LBFGS(tparams, **kwargs)
    history = []
    for _ in range(steps):
        loss, tloss = opt.step(closure_for(opt, loss_fn)), topt.step(closure_for(topt, tloss_fn))
        history.append(([p.detach().numpy().copy() for p in params],
                        [p.detach().numpy().copy() for p in tparams], loss.item(), tloss.item()))
    return opt, topt, history


def assert_trajectories_equal(history, rtol, atol):
    for k, (ours, theirs, loss, tloss) in enumerate(history):
        for a, b in zip(ours, theirs):
            assert a.dtype == b.dtype
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"params after step {k}")
        np.testing.assert_allclose(loss, tloss, rtol=rtol, atol=atol, err_msg=f"loss of step {k}")


def assert_state_matches_torch(opt, topt, rtol=1e-6, atol=1e-9):
    """The state, looser than the trajectories: y = g' - g near a minimum and al = rho s^T q
    cancel, turning the params' last-digit differences into 1e-7 relative ones."""
    ours, theirs = opt.state_dict()["state"], topt.state_dict()["state"]
    assert list(ours) == list(theirs) == [0]
    ours, theirs = ours[0], theirs[0]
    assert list(ours) == list(theirs)

    def check(a, b, key):
        if isinstance(b, list):
            assert isinstance(a, list) and len(a) == len(b), key
            for u, v in zip(a, b):
                check(u, v, key)
        elif isinstance(b, (torch.Tensor, float)):  # Tensors where torch has Tensors
            assert isinstance(a, ag.Tensor if isinstance(b, torch.Tensor) else float), key
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol, err_msg=key)
        else:
            assert a == b and type(a) is type(b), key

    for key, value in theirs.items():
        check(ours[key], value, key)


# ---- trajectories against PyTorch ------------------------------------------------------
FLOAT64_CASES = [
    (rosenbrock, {"lr": 0.01}, 4),
    (rosenbrock, {"lr": 0.01, "history_size": 3, "max_iter": 7}, 6),
    (rosenbrock, {"line_search_fn": "strong_wolfe"}, 3),
    (rosenbrock, {"line_search_fn": "strong_wolfe", "history_size": 2, "max_iter": 5}, 6),
    (quadratic, {"lr": 0.5}, 3),
    (quadratic, {"line_search_fn": "strong_wolfe", "history_size": 4}, 2),
    (mlp, {"lr": 0.5, "max_iter": 10}, 4),
    (mlp, {"history_size": 5, "max_iter": 6}, 5),
    (mlp, {"line_search_fn": "strong_wolfe"}, 3),
    (mlp, {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 8}, 5),
    (rosenbrock, {"line_search_fn": "strong_wolfe", "max_iter": 100}, 2),  # to the minimum
]


@requires_torch
@pytest.mark.parametrize("problem, kwargs, steps", FLOAT64_CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(FLOAT64_CASES)])
def test_float64_trajectory_matches_torch(problem, kwargs, steps):
    opt, topt, history = run_both(problem, kwargs, steps)
    assert_trajectories_equal(history, rtol=1e-9, atol=1e-12)
    assert_state_matches_torch(opt, topt)
    assert opt.state_dict()["state"][0]["n_iter"] > steps  # several iterations per step


FLOAT32_CASES = [
    (mlp, {"lr": 0.5, "max_iter": 5}, 3),
    (mlp, {"history_size": 4, "max_iter": 4}, 3),
    (mlp, {"line_search_fn": "strong_wolfe", "max_iter": 5}, 3),
    (rosenbrock, {"line_search_fn": "strong_wolfe", "history_size": 5, "max_iter": 5}, 2),
]


@requires_torch
@pytest.mark.parametrize("problem, kwargs, steps", FLOAT32_CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(FLOAT32_CASES)])
def test_float32_trajectory_matches_torch_float32(problem, kwargs, steps):
    # torch's float32 dot products and sums round differently from NumPy's (and its add_ is
    # fused): the trajectories agree to float32 noise, amplified over the iterations
    opt, topt, history = run_both(problem, kwargs, steps, dtype="float32")
    assert_trajectories_equal(history, rtol=2e-4, atol=2e-5)
    assert_state_matches_torch(opt, topt, rtol=2e-3, atol=1e-4)
    for value in opt.state_dict()["state"][0].values():
        for v in value if isinstance(value, list) else [value]:
            assert not isinstance(v, ag.Tensor) or v.dtype == ag.float32


# ---- early exits and the evaluation budget ---------------------------------------------
EXIT_CASES = [  # each stops a step before max_iter: on max|g|, max|t d|, |loss change| or max_eval
    ("grad", quadratic, {"tolerance_grad": 1e-1}),
    ("grad-wolfe", quadratic, {"tolerance_grad": 1e-1, "line_search_fn": "strong_wolfe"}),
    ("change", quadratic, {"tolerance_change": 1e-2}),
    ("change-wolfe", quadratic, {"tolerance_change": 1e-1, "line_search_fn": "strong_wolfe"}),
    ("loss-change", rosenbrock, {"tolerance_change": 1e-2, "lr": 0.1}),
    ("loss-change-wolfe", rosenbrock, {"tolerance_change": 1e-2, "line_search_fn": "strong_wolfe"}),
    ("max_eval", quadratic, {"max_eval": 5, "max_iter": 100}),
    ("max_eval-wolfe", rosenbrock, {"max_eval": 7, "max_iter": 100, "line_search_fn": "strong_wolfe"}),
    ("max_eval-1", quadratic, {"max_eval": 1, "line_search_fn": "strong_wolfe"}),
]


@requires_torch
@pytest.mark.parametrize("problem, kwargs", [c[1:] for c in EXIT_CASES], ids=[c[0] for c in EXIT_CASES])
def test_early_exits_match_torch(problem, kwargs):
    kwargs = {"max_iter": 50, **kwargs}
    opt, topt, history = run_both(problem, kwargs, 2)
    assert_trajectories_equal(history, rtol=1e-9, atol=1e-12)
    assert_state_matches_torch(opt, topt)
    state = opt.state_dict()["state"][0]
    assert state["n_iter"] < 2 * kwargs["max_iter"]  # stopped before max_iter
    assert state["func_evals"] <= 2 * (kwargs.get("max_eval", 100) + 1)


def test_max_eval_bounds_the_closure_calls():
    params, loss_fn = rosenbrock("ours", "float64")
    for line_search_fn in (None, "strong_wolfe"):
        opt = optim.LBFGS(params, max_iter=100, max_eval=9, line_search_fn=line_search_fn)
        calls = []
        opt.step(closure_for(opt, loss_fn, calls))
        assert 1 < len(calls) <= 9 and len(calls) == opt.state[params[0]]["func_evals"]
    assert optim.LBFGS(params, max_iter=8).defaults["max_eval"] == 10  # max_iter * 5 // 4


def test_at_the_optimum_a_step_evaluates_once_and_moves_nothing():
    x = ag.tensor(np.linalg.solve(A, B), requires_grad=True)
    opt = optim.LBFGS([x], tolerance_grad=1e-6)
    a, b, calls, before = ag.tensor(A), ag.tensor(B), [], x.detach().numpy().copy()
    opt.step(closure_for(opt, lambda: 0.5 * (x @ (a @ x)) - b @ x, calls))
    assert len(calls) == 1 and dict(opt.state[x]) == {"func_evals": 1, "n_iter": 0}
    np.testing.assert_array_equal(x.detach().numpy(), before)


# ---- closure semantics -----------------------------------------------------------------
def test_closure_runs_with_grad_enabled_and_the_first_loss_is_returned():
    params, loss_fn = quadratic("ours", "float64")
    opt = optim.LBFGS(params, max_iter=4)
    losses, calls = [], []

    def closure():
        losses.append(closure_for(opt, loss_fn, calls)())
        return losses[-1]

    with ag.no_grad():
        returned = opt.step(closure)
    assert returned is losses[0] and len(losses) == 4 and calls == [True] * 4
    assert losses[-1].item() < losses[0].item()


def test_step_counts_as_an_inplace_change_of_each_parameter():
    p, q = ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor([3.0], requires_grad=True)
    loss, versions = (p * p).sum() + (q * q).sum(), [p._version, q._version]
    opt = optim.LBFGS([p, q], max_iter=2)
    opt.step(closure_for(opt, lambda: (p * p).sum() + (q * q).sum()))
    assert p._version > versions[0] and q._version > versions[1]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_works_with_a_module_and_a_python_float_closure():
    model = make_mlp("ours", "float64")
    x, y = ag.tensor(XS), ag.tensor(YS)
    opt = optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe", max_iter=30)

    def closure():
        return closure_for(opt, lambda: ((model(x) - y) ** 2).mean())().item()

    first = opt.step(closure)
    assert isinstance(first, float) and opt.step(closure) < 0.1 * first


# ---- the line search -------------------------------------------------------------------
@requires_torch
def test_cubic_interpolate_is_torchs():
    from torch.optim.lbfgs import _cubic_interpolate

    rng = np.random.default_rng(0)
    for k in range(400):  # bit for bit, with x Python floats (even k) or 0-d Tensors (odd k)
        x1, f1, x2, f2 = rng.normal(size=4).tolist()
        g1, g2 = (rng.normal(size=2) * rng.choice([0.1, 1.0, 10.0])).tolist()
        bounds = tuple(sorted(rng.normal(size=2).tolist())) if rng.random() < 0.5 else None
        t64 = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
        ours_x, theirs_x = ((x1, x2), (x1, x2)) if k % 2 == 0 else (
            (np.float64(x1), np.float64(x2)), (t64(x1), t64(x2)))
        theirs = _cubic_interpolate(theirs_x[0], f1, t64(g1), theirs_x[1], f2, t64(g2), bounds)
        ours = cubic_interpolate(ours_x[0], f1, np.float64(g1), ours_x[1], f2, np.float64(g2), bounds)
        assert float(ours) == float(theirs)


PHIS = {  # phi(t), phi'(t): Moré & Thuente's (1994) first two, and a wiggly quadratic
    "mt1": (lambda t: -t / (t * t + 2), lambda t: (t * t - 2) / (t * t + 2) ** 2),
    "mt2": (lambda t: (t + 0.004) ** 5 - 2 * (t + 0.004) ** 4,
            lambda t: 5 * (t + 0.004) ** 4 - 8 * (t + 0.004) ** 3),
    "wiggly": (lambda t: 0.5 * (t - 3) ** 2 + 0.05 * np.sin(20 * t),
               lambda t: (t - 3) + np.cos(20 * t)),
}


@requires_torch
@pytest.mark.parametrize("name", list(PHIS))
@pytest.mark.parametrize("t0", [1e-3, 0.1, 1.0, 10.0, 1000.0])
def test_strong_wolfe_is_torchs(name, t0):
    from torch.optim.lbfgs import _strong_wolfe

    phi, dphi = PHIS[name]
    d, g = np.array([1.0]), np.array([dphi(0.0)])

    def obj(x, t, d):
        return float(phi(x[0][0] + t * d[0])), np.array([dphi(x[0][0] + t * d[0])])

    def tobj(x, t, d):
        a = (x[0] + t * d).item()
        return float(phi(a)), torch.tensor([dphi(a)], dtype=torch.float64)

    f, g_new, t, evals = strong_wolfe(obj, [np.zeros(1)], t0, d, phi(0.0), g, g.dot(d))
    tf, tg, tt, tevals = _strong_wolfe(tobj, [torch.zeros(1, dtype=torch.float64)], t0,
                                       torch.from_numpy(d), phi(0.0), torch.from_numpy(g),
                                       torch.from_numpy(g).dot(torch.from_numpy(d)))
    assert evals == tevals <= 26  # and bit for bit: the same operations in float64
    assert (float(t), f, g_new[0]) == (float(tt), tf, tg[0].item())


def test_cubic_interpolate_by_hand():
    # f = (x - 1)^2 at 0 and 3: the cubic is the parabola itself, whose minimum is at 1
    assert cubic_interpolate(0.0, 1.0, np.float64(-2.0), 3.0, 4.0, np.float64(4.0)) == pytest.approx(1.0)
    assert cubic_interpolate(3.0, 4.0, np.float64(4.0), 0.0, 1.0, np.float64(-2.0)) == pytest.approx(1.0)
    # clamped to the bounds; with no minimum (d1^2 < g1 g2) the bounds' midpoint
    assert cubic_interpolate(0.0, 1.0, np.float64(-2.0), 3.0, 4.0, np.float64(4.0), (1.5, 2.0)) == 1.5
    assert cubic_interpolate(0.0, 0.0, np.float64(2.0), 1.0, 1.0, np.float64(2.0), (0.0, 4.0)) == 2.0


# ---- errors ----------------------------------------------------------------------------
def test_step_without_a_closure():
    opt = optim.LBFGS([ag.tensor([1.0], requires_grad=True)])
    with pytest.raises(TypeError, match=r"LBFGS.step\(\) missing 1 required positional argument: "
                                        r"'closure'.*Hint"):
        opt.step()


@requires_torch
def test_two_param_groups_are_refused_as_in_torch():
    message = r"LBFGS doesn't support per-parameter options \(parameter groups\)"
    p, q = ag.tensor([1.0], requires_grad=True), ag.tensor([2.0], requires_grad=True)
    with pytest.raises(ValueError, match=message):
        optim.LBFGS([{"params": [p]}, {"params": [q], "lr": 0.1}])
    with pytest.raises(ValueError, match=message):
        torch.optim.LBFGS([{"params": [torch.ones(1)]}, {"params": [torch.ones(1)], "lr": 0.1}])
    with pytest.raises(ValueError, match=message):
        (opt := optim.LBFGS([p])).add_param_group({"params": [q]})
    assert len(opt.param_groups) == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": -1}, "Invalid learning rate: -1"), ({"lr": float("nan")}, "Invalid learning rate: nan"),
    ({"line_search_fn": "armijo"}, "'armijo': only 'strong_wolfe' is supported"),
])
def test_invalid_hyper_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optim.LBFGS([ag.tensor([1.0], requires_grad=True)], **kwargs)


def test_a_line_search_set_after_construction_fails_at_step_as_torch():
    params, loss_fn = quadratic("ours", "float64")
    opt = optim.LBFGS(params)
    opt.param_groups[0]["line_search_fn"] = "backtracking"
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure_for(opt, loss_fn))


# ---- state_dict ------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [{"max_iter": 5, "history_size": 3},
                                    {"max_iter": 4, "line_search_fn": "strong_wolfe"}],
                         ids=["fixed-step", "strong-wolfe"])
@pytest.mark.parametrize("through", ["as-is", "file"])
def test_state_dict_round_trip_resumes_identically(kwargs, through):
    uninterrupted, loss_fn = mlp("ours", "float64")
    opt = optim.LBFGS(uninterrupted, **kwargs)
    for _ in range(4):
        opt.step(closure_for(opt, loss_fn))

    params, loss_fn = mlp("ours", "float64")
    opt = optim.LBFGS(params, **kwargs)
    for _ in range(2):
        opt.step(closure_for(opt, loss_fn))
    saved = opt.state_dict()
    if through == "file":
        ag.save(saved, buffer := io.BytesIO())
        saved = ag.load(io.BytesIO(buffer.getvalue()))
    resumed, resumed_loss_fn = mlp("ours", "float64")
    for p, q in zip(resumed, params):
        p.detach().numpy()[...] = q.detach().numpy()
    new_opt = optim.LBFGS(resumed, lr=123.0)  # the options come from the state dict
    new_opt.load_state_dict(saved)
    assert new_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    for _ in range(2):
        new_opt.step(closure_for(new_opt, resumed_loss_fn))
    for a, b in zip(resumed, uninterrupted):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_load_state_dict_checks_the_flat_size_and_casts_to_the_params_dtype():
    params, loss_fn = quadratic("ours", "float64")
    opt = optim.LBFGS(params, max_iter=3)
    opt.step(closure_for(opt, loss_fn))
    params32, _ = quadratic("ours", "float32")
    opt32 = optim.LBFGS(params32)
    opt32.load_state_dict(opt.state_dict())
    state = opt32.state[params32[0]]
    assert state["d"].dtype == ag.float32 and state["old_dirs"][0].dtype == ag.float32
    assert isinstance(state["n_iter"], int) and isinstance(state["prev_loss"], float)
    saved = opt.state_dict()
    saved["state"][0]["d"] = ag.zeros(4)
    with pytest.raises(ValueError, match=r"'d' has shape \[4\], expected \[7\] \(all the parameters as one "
                                         r"flat vector\)"):
        optim.LBFGS(params).load_state_dict(saved)

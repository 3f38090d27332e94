"""Losses against PyTorch (every reduction and option), gradcheck in float64, and the errors."""

import numpy as np
import pytest
from conftest import requires_torch, to_torch, torch

import autograd as ag
import nn
import nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]


def rng(seed=0):
    return np.random.default_rng(seed)


def logits(n=6, c=4, seed=0, extra=()):
    return rng(seed).standard_normal((n, c, *extra)) * 2


def probabilities(shape, seed=0):
    return rng(seed).uniform(0.05, 0.95, shape)


def class_targets(n=6, c=4, seed=1, extra=()):
    return rng(seed).integers(0, c, (n, *extra))


class _Ours:
    nn = nn


def compare(make_loss, inputs, differentiable=(0,), rtol=1e-9):
    """Run the loss module from both libraries on the same inputs; compare value and the
    gradients of the differentiable inputs."""
    ours_in = [ag.tensor(a, requires_grad=i in differentiable) for i, a in enumerate(inputs)]
    theirs_in = [to_torch(a, requires_grad=i in differentiable) for i, a in enumerate(inputs)]
    ours, theirs = make_loss(_Ours)(*ours_in), make_loss(torch)(*theirs_in)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=1e-12)
    upstream = rng(9).standard_normal(ours.shape)
    ours.backward(ag.tensor(upstream))
    theirs.backward(torch.from_numpy(upstream))
    for i in differentiable:
        np.testing.assert_allclose(ours_in[i].grad.detach().numpy(), theirs_in[i].grad.numpy(), rtol=rtol,
                                   atol=1e-12, err_msg=f"gradient of input {i}")


@requires_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("make", [
    lambda r: (lambda lib: lib.nn.MSELoss(reduction=r)),
    lambda r: (lambda lib: lib.nn.L1Loss(reduction=r)),
    lambda r: (lambda lib: lib.nn.HuberLoss(reduction=r, delta=0.7)),
    lambda r: (lambda lib: lib.nn.SmoothL1Loss(reduction=r, beta=0.5)),
    lambda r: (lambda lib: lib.nn.SmoothL1Loss(reduction=r, beta=0.0)),
])
def test_regression_losses_match_pytorch(make, reduction):
    x, y = rng(0).standard_normal((5, 3)), rng(1).standard_normal((5, 3))
    compare(make(reduction), [x, y], differentiable=(0, 1))


@requires_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_matches_pytorch(reduction, weighted):
    p, y = probabilities((5, 3)), rng(2).uniform(0, 1, (5, 3))
    w = rng(3).uniform(0.5, 2, (5, 3)) if weighted else None

    def make(lib):
        weight = None if w is None else (ag.tensor(w) if lib is _Ours else torch.from_numpy(w))
        return lib.nn.BCELoss(weight=weight, reduction=reduction)

    compare(make, [p, y], differentiable=(0, 1))


@requires_torch
@pytest.mark.parametrize("p", [0.0, 1.0, 1e-30])
def test_bce_clamps_its_logs_at_minus_100_like_pytorch(p):
    compare(lambda lib: lib.nn.BCELoss(), [np.array([p, 0.5]), np.array([1.0, 0.0])], rtol=1e-8)
    loss = F.binary_cross_entropy(ag.tensor([0.0]), ag.tensor([1.0]))
    assert loss.item() == pytest.approx(100.0)


@requires_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("weighted", "pos_weighted"), [(False, False), (True, False),
                                                        (False, True), (True, True)])
def test_bce_with_logits_matches_pytorch(reduction, weighted, pos_weighted):
    x, y = logits(5, 3) * 5, rng(2).uniform(0, 1, (5, 3))
    w = rng(3).uniform(0.5, 2, (3,)) if weighted else None
    pw = rng(4).uniform(0.5, 3, (3,)) if pos_weighted else None

    def make(lib):
        def convert(a):
            return None if a is None else (ag.tensor(a) if lib is _Ours else torch.from_numpy(a))
        return lib.nn.BCEWithLogitsLoss(weight=convert(w), reduction=reduction,
                                        pos_weight=convert(pw))

    compare(make, [x, y], differentiable=(0, 1))


def test_bce_with_logits_is_finite_for_huge_logits_and_exact_at_zero():
    x = ag.tensor([-1000.0, 1000.0, 0.0], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, ag.tensor([1.0, 0.0, 1.0]), reduction="sum")
    loss.backward()
    np.testing.assert_allclose(loss.item(), 2000 + np.log(2), rtol=1e-6)
    np.testing.assert_allclose(x.grad.detach().numpy(), [-1, 1, -0.5], rtol=1e-6)


def cross_entropy_maker(reduction, options):
    """A CrossEntropyLoss builder for either library; ``weight=True`` means fixed class weights."""
    w = rng(5).uniform(0.2, 2, 4)

    def make(lib):
        kw = dict(options)
        if kw.pop("weight", False):
            kw["weight"] = ag.tensor(w) if lib is _Ours else torch.from_numpy(w)
        return lib.nn.CrossEntropyLoss(reduction=reduction, **kw)

    return make


@requires_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [
    {}, {"weight": True}, {"ignore_index": 2}, {"label_smoothing": 0.2},
    {"weight": True, "ignore_index": 1, "label_smoothing": 0.1},
])
@pytest.mark.parametrize("extra", [(), (3,)])
def test_cross_entropy_with_class_indices_matches_pytorch(reduction, options, extra):
    x, t = logits(extra=extra), class_targets(extra=extra)
    make = cross_entropy_maker(reduction, options)
    compare(make, [x, t])


@requires_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"label_smoothing": 0.3}])
def test_cross_entropy_with_probabilities_matches_pytorch(reduction, options):
    x = logits()
    target = rng(6).dirichlet(np.ones(4), 6)
    make = cross_entropy_maker(reduction, options)
    compare(make, [x, target], differentiable=(0, 1))


@requires_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_matches_pytorch(reduction):
    log_p = np.log(rng(0).dirichlet(np.ones(4), 6))
    w = rng(5).uniform(0.2, 2, 4)

    def make(lib):
        weight = ag.tensor(w) if lib is _Ours else torch.from_numpy(w)
        return lib.nn.NLLLoss(weight=weight, ignore_index=0, reduction=reduction)

    compare(make, [log_p, class_targets()])


def test_cross_entropy_on_one_unbatched_sample():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor(2))
    expected = -np.log(np.exp(3) / np.exp([1, 2, 3]).sum())
    assert loss.item() == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("loss", [
    lambda x: F.cross_entropy(x, ag.tensor(class_targets()), label_smoothing=0.1),
    lambda x: F.cross_entropy(x, ag.tensor(rng(6).dirichlet(np.ones(4), 6))),
    lambda x: F.binary_cross_entropy_with_logits(x, ag.tensor(rng(2).uniform(0, 1, (6, 4)))),
    lambda x: F.binary_cross_entropy(x.sigmoid(), ag.tensor(rng(2).uniform(0, 1, (6, 4)))),
    lambda x: F.huber_loss(x, ag.tensor(rng(3).standard_normal((6, 4)))),
    lambda x: F.smooth_l1_loss(x, ag.tensor(rng(3).standard_normal((6, 4))), beta=0.5),
    lambda x: F.mse_loss(x, ag.zeros(6, 4, dtype=ag.float64), reduction="sum"),
    lambda x: F.l1_loss(x, ag.zeros(6, 4, dtype=ag.float64)),
])
def test_losses_gradcheck(loss):
    assert ag.gradcheck(loss, (ag.tensor(logits(), requires_grad=True),), raise_exception=True)


def test_mean_over_all_ignored_targets_is_nan_like_pytorch():
    loss = F.cross_entropy(ag.tensor(logits(2, 3)), ag.tensor([-100, -100]))
    assert np.isnan(loss.item())


@pytest.mark.parametrize(("call", "error", "pattern"), [
    (lambda: F.mse_loss(ag.ones(4, 1), ag.ones(4)), ValueError, r"\(4,\).*\(4, 1\)"),
    (lambda: nn.BCELoss()(ag.ones(4, 1) * 0.5, ag.ones(4)), ValueError, r"\[4\].*\[4, 1\]"),
    (lambda: nn.BCEWithLogitsLoss()(ag.ones(3), ag.tensor([1, 0, 1])), TypeError, "float"),
    (lambda: F.cross_entropy(ag.ones(4, 3), ag.ones(4, 2)), ValueError, r"\(4, 2\).*\(4, 3\)"),
    (lambda: F.cross_entropy(ag.ones(4, 3), ag.tensor([0, 1])), ValueError, r"\(2,\).*\(4, 3\)"),
    (lambda: F.cross_entropy(ag.ones(2, 3), ag.tensor([0, 3])), IndexError, "out of bounds"),
    (lambda: F.nll_loss(ag.ones(2, 3), ag.tensor([0.0, 1.0])), TypeError, "integer"),
    (lambda: nn.MSELoss(reduction="avg"), ValueError, "reduction"),
])
def test_bad_targets_get_clear_errors(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


@requires_torch
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_fused_cross_entropy_backward_again_and_under_create_graph_matches_pytorch(reduction):
    """The fused node's first backward uses the forward's softmax in place; a second backward
    (retain_graph) and a create_graph one recompute it. All three give torch's gradient."""
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((5, 4)).astype(np.float64)
    labels = rng.integers(0, 4, 5)
    x = ag.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor(labels), reduction=reduction)
    assert type(loss.grad_fn).__name__ == "NllLossBackward0"
    first = ag.grad(loss, x, retain_graph=True)[0].numpy()
    second = ag.grad(loss, x, retain_graph=True)[0].numpy()
    (recorded,) = ag.grad(loss, x, create_graph=True)
    tx = to_torch(logits, requires_grad=True)
    tloss = torch.nn.functional.cross_entropy(tx, torch.tensor(labels), reduction=reduction)
    (want,) = torch.autograd.grad(tloss, tx)
    for got in (first, second, recorded.detach().numpy()):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(first, second)
    assert recorded.requires_grad  # the recomputed softmax is part of a graph

"""The in-place random fills cauchy_, log_normal_ and geometric_: generators, distributions
(fixed seeds, bounds of >= 6 standard errors), dtypes, autograd and argument checks as in
PyTorch (whose streams ndgrad does not reproduce)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag

N = 200_000
FILLS = {
    "cauchy_": lambda t, g=None: t.cauchy_(generator=g),
    "cauchy_ args": lambda t, g=None: t.cauchy_(1.5, 0.5, generator=g),
    "log_normal_": lambda t, g=None: t.log_normal_(generator=g),
    "log_normal_ args": lambda t, g=None: t.log_normal_(mean=-1, std=0.5, generator=g),
    "geometric_": lambda t, g=None: t.geometric_(0.3, generator=g),
}


def gen(seed):
    return ag.Generator().manual_seed(seed)


@pytest.mark.parametrize("name", list(FILLS))
def test_same_seed_same_numbers_and_the_global_generator_is_untouched(name):
    fill = FILLS[name]
    ag.manual_seed(0)
    state = ag.get_rng_state()
    a, b = fill(ag.empty(6), gen(7)), fill(ag.empty(6), gen(7))
    assert a.tolist() == b.tolist()
    assert ag.get_rng_state().tolist() == state.tolist()
    assert fill(ag.empty(6), np.random.default_rng(7)).tolist() == a.tolist()
    ag.manual_seed(7)
    assert fill(ag.empty(6)).tolist() == a.tolist()  # the global generator, seeded the same
    assert fill(ag.empty(6), gen(8)).tolist() != a.tolist()


def test_the_fills_return_self_and_bump_the_version():
    for fill in FILLS.values():
        x = ag.zeros(3)
        version = x._version
        assert fill(x) is x and x._version == version + 1


def test_distributions():
    g = gen(0)
    c = ag.empty(N, dtype=ag.float64).cauchy_(2.0, 0.5, generator=g).numpy()
    # no mean: its median is 2 and its quartiles are 2 -+ 0.5 (sd of a sample quantile ~ 0.004)
    np.testing.assert_allclose(np.quantile(c, [0.25, 0.5, 0.75]), [1.5, 2.0, 2.5], atol=0.02)
    m, s = 0.5, 0.25
    ln = ag.empty(N, dtype=ag.float64).log_normal_(m, s, generator=g).numpy()
    mean, var = math.exp(m + s * s / 2), (math.exp(s * s) - 1) * math.exp(2 * m + s * s)
    assert ln.min() > 0 and abs(ln.mean() - mean) < 6 * math.sqrt(var / N)
    assert abs(ln.var() - var) < 0.05 * var
    np.testing.assert_allclose(np.log(ln).mean(), m, atol=6 * s / math.sqrt(N))
    for p in (0.3, 0.9, 0.01):
        geo = ag.empty(N, dtype=ag.float64).geometric_(p, generator=g).numpy()
        assert geo.min() >= 1 and (geo == np.round(geo)).all()
        assert abs(geo.mean() - 1 / p) < 6 * math.sqrt((1 - p) / p**2 / N)


@requires_torch
@pytest.mark.parametrize(
    "case",
    [
        ("cauchy_", "float32", ()),
        ("cauchy_", "float16", (math.inf, 1)),
        ("cauchy_", "float64", (0, math.inf)),
        ("log_normal_", "float64", ()),
        ("log_normal_", "float16", ()),
        ("log_normal_", "float32", (100, 1)),
        ("geometric_", "float32", (0.5,)),
        ("geometric_", "int64", (0.5,)),
        ("geometric_", "int32", (0.2,)),
        ("geometric_", "uint8", (0.9,)),
        ("geometric_", "float16", (1e-12,)),
    ],
    ids=str,
)
def test_dtypes_shapes_and_overflow_match_torch(case):
    name, dtype, args = case
    ours = getattr(ag.empty(2, 3, dtype=getattr(ag, dtype)), name)(*args)
    theirs = getattr(torch.empty(2, 3, dtype=getattr(torch, dtype)), name)(*args)
    assert tuple(ours.shape) == tuple(theirs.shape) == (2, 3)
    assert ours._data.dtype == theirs.numpy().dtype
    if args in ((math.inf, 1), (100, 1), (1e-12,)):  # inf median, exp overflow, huge counts: all inf
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    elif args == (0, math.inf):
        assert np.isinf(ours.numpy()).all() and np.isinf(theirs.numpy()).all()
    if name == "geometric_" and dtype != "float16":
        assert (ours.numpy() >= 1).all()


@requires_torch
@pytest.mark.parametrize("name", ["cauchy_", "log_normal_", "geometric_"])
def test_fills_and_autograd_match_torch(name):
    def fill(t):
        return t.geometric_(0.5) if name == "geometric_" else getattr(t, name)()

    for lib in (ag, torch):
        leaf = lib.ones(3, requires_grad=True)
        with pytest.raises(
            RuntimeError, match="leaf .* requires grad is being used in an in-place operation"
        ):
            fill(leaf)
        with lib.no_grad():
            assert fill(leaf) is leaf
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        assert fill(y) is y and y.requires_grad
        (y * 5).sum().backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0]  # the old values get a zero gradient


ERRORS = [  # (id, call written against both APIs, ndgrad's exception, pattern, torch's pattern)
    (
        "cauchy sigma 0",
        lambda lib: lib.empty(3).cauchy_(0, 0),
        RuntimeError,
        "cauchy_ expects sigma > 0.0, but found sigma=0",
        None,
    ),
    (
        "cauchy sigma < 0",
        lambda lib: lib.empty(3).cauchy_(0, -1),
        RuntimeError,
        "cauchy_ expects sigma > 0.0, but found sigma=-1",
        None,
    ),
    (
        "cauchy sigma nan",
        lambda lib: lib.empty(3).cauchy_(0, math.nan),
        RuntimeError,
        "cauchy_ expects sigma > 0.0, but found sigma=nan",
        None,
    ),
    (
        "cauchy int",
        lambda lib: lib.empty(3, dtype=lib.int64).cauchy_(),
        TypeError,
        "Cauchy distribution is a continuous probability distribution. dtype must be a floating point",
        "Cauchy distribution is a continuous probability distribution",
    ),
    (
        "log_normal std 0",
        lambda lib: lib.empty(3).log_normal_(1, 0),
        RuntimeError,
        "log_normal_ expects std > 0.0, but found std=0",
        None,
    ),
    (
        "log_normal std nan",
        lambda lib: lib.empty(3).log_normal_(1, math.nan),
        RuntimeError,
        "log_normal_ expects std > 0.0, but found std=nan",
        None,
    ),
    (
        "log_normal int",
        lambda lib: lib.empty(3, dtype=lib.int64).log_normal_(),
        TypeError,
        "needs a floating point tensor",
        "not implemented for 'Long'",
    ),
    (
        "geometric p 0",
        lambda lib: lib.empty(3).geometric_(0),
        RuntimeError,
        r"geometric_ expects p to be in \(0, 1\), but got p=0",
        None,
    ),
    (
        "geometric p 1",
        lambda lib: lib.empty(3).geometric_(1),
        RuntimeError,
        r"geometric_ expects p to be in \(0, 1\), but got p=1",
        None,
    ),
    (
        "geometric p nan",
        lambda lib: lib.empty(3).geometric_(math.nan),
        RuntimeError,
        r"geometric_ expects p to be in \(0, 1\), but got p=nan",
        None,
    ),
    (
        "geometric p str",
        lambda lib: lib.empty(3).geometric_("a"),
        TypeError,
        "p must be a number",
        "must be float, not str",
    ),
    (
        "geometric bool",
        lambda lib: lib.empty(3, dtype=lib.bool).geometric_(0.5),
        TypeError,
        "not implemented for bool tensors",
        "not implemented for 'Bool'",
    ),
    (
        "generator type",
        lambda lib: lib.empty(3).cauchy_(generator=3),
        TypeError,
        "generator must be an ag.Generator or a np.random.Generator",
        None,
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "pattern", "torch_pattern"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_argument_errors_say_what_torch_says(call, error, pattern, torch_pattern):
    with pytest.raises(error, match=pattern):
        call(ag)
    if torch is not None and torch_pattern is not False and "generator" not in pattern:
        with pytest.raises((RuntimeError, TypeError, NotImplementedError), match=torch_pattern or pattern):
            call(torch)

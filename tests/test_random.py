"""Random numbers as PyTorch has them: ag.Generator, the global generator, generator= everywhere,
multinomial/bernoulli/normal/poisson and the in-place fills.

ndgrad cannot reproduce PyTorch's streams (different algorithms), so determinism is "same seed,
same numbers in ndgrad"; shapes, dtypes, gradients and argument checks are compared with PyTorch.
Distribution checks use fixed seeds and bounds of many standard errors, so they cannot flake.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import nn
from autograd.data import DataLoader, TensorDataset, random_split


def gen(seed=0):
    return ag.Generator().manual_seed(seed)


# ---- ag.Generator -----------------------------------------------------------------------------
def test_generator_basics():
    g = ag.Generator()
    assert g.initial_seed() == 67280421310721  # PyTorch's default seed for a new Generator
    assert g.manual_seed(3) is g and g.initial_seed() == 3
    assert g.device == ag.device("cpu") and str(g.device) == "cpu"
    assert isinstance(g.numpy_generator, np.random.Generator)
    new_seed = g.seed()
    assert isinstance(new_seed, int) and 0 <= new_seed < 2**64 and g.initial_seed() == new_seed
    assert ag.Generator("cpu").initial_seed() == ag.Generator(device="cpu").initial_seed()
    # two new generators give the same numbers, as in PyTorch
    assert ag.rand(5, generator=ag.Generator()).tolist() == ag.rand(5, generator=ag.Generator()).tolist()


@requires_torch
def test_generator_seeds_match_torch():
    assert ag.Generator().initial_seed() == torch.Generator().initial_seed()
    for seed in (0, 5, -1, -2**63, 2**64 - 1):
        assert ag.Generator().manual_seed(seed).initial_seed() == \
            torch.Generator().manual_seed(seed).initial_seed()
    for bad in (2**64, -2**63 - 1):
        with pytest.raises(ValueError, match="out of range"):
            ag.Generator().manual_seed(bad)
        with pytest.raises(ValueError, match="Overflow"):
            torch.Generator().manual_seed(bad)


def test_generator_refuses_bad_seeds_and_devices():
    for bad in (1.5, True, "3", None):
        with pytest.raises(TypeError, match="seed must be an int"):
            ag.Generator().manual_seed(bad)
    with pytest.raises(RuntimeError, match="CPU only"):
        ag.Generator("cuda")


def test_manual_seed_is_numpy_default_rng_stream():
    """Seeded streams are np.random.default_rng(n)'s, so seeded scripts keep their numbers."""
    for seed in (0, 7, 2**40):
        g = gen(seed)
        np.testing.assert_array_equal(g.numpy_generator.random(4), np.random.default_rng(seed).random(4))
    ag.manual_seed(11)
    np.testing.assert_array_equal(ag.randn(3).numpy(),
                                  np.random.default_rng(11).standard_normal(3).astype(np.float32))


def test_default_generator_and_module_functions():
    g = ag.manual_seed(5)
    assert g is ag.default_generator and isinstance(g, ag.Generator)
    assert ag.initial_seed() == 5 and ag.random.initial_seed() == 5
    a = ag.rand(3)
    assert ag.manual_seed(5) is g  # re-seeded in place: the same object for ever
    assert ag.rand(3).tolist() == a.tolist()
    s = ag.seed()
    assert ag.initial_seed() == s and ag.default_generator is g
    assert ag.manual_seed(np.int64(9)).initial_seed() == 9
    assert ag.manual_seed(2.0).initial_seed() == 2  # int(seed), as torch.manual_seed does


def test_reseeding_is_seen_by_holders_of_the_numpy_generator():
    held = ag.random.generator()
    ag.manual_seed(3)
    assert ag.random.generator() is held
    np.testing.assert_array_equal(held.random(2), np.random.default_rng(3).random(2))


# ---- state round trips ------------------------------------------------------------------------
def _draws(g):
    return np.concatenate([ag.rand(3, generator=g).numpy().astype(np.float64),
                           ag.randn(2, dtype=ag.float64, generator=g).numpy(),
                           ag.randint(0, 100, (3,), generator=g).numpy().astype(np.float64),
                           ag.empty(3).uniform_(generator=g).numpy().astype(np.float64)])


def test_state_round_trips_exactly():
    g = gen(1)
    g.numpy_generator.random(1, dtype=np.float32)  # leaves a buffered 32-bit word in the state
    state = g.get_state()
    assert isinstance(state, ag.Tensor) and state.dtype == ag.uint8 and state.shape == (49,)
    first = _draws(g)
    g.manual_seed(99)
    assert g.set_state(state) is g
    assert g.initial_seed() == 1
    np.testing.assert_array_equal(_draws(g), first)
    other = ag.Generator().set_state(state)  # a state moves to another generator too
    np.testing.assert_array_equal(_draws(other), first)


def test_get_state_is_a_copy():
    g = gen(2)
    state = g.get_state()
    before = state.clone()
    _draws(g)
    assert state.tolist() == before.tolist()


def test_global_rng_state_round_trips():
    ag.manual_seed(4)
    state = ag.get_rng_state()
    a = ag.randn(5)
    ag.rand(7)
    ag.set_rng_state(state)
    assert ag.randn(5).tolist() == a.tolist()
    assert ag.initial_seed() == 4


@requires_torch
def test_set_state_checks():
    g = ag.Generator()
    with pytest.raises(TypeError, match="uint8 Tensor"):
        g.set_state(3)
    with pytest.raises(TypeError, match="uint8 Tensor"):
        g.set_state(ag.zeros(49))
    with pytest.raises(TypeError, match="ByteTensor"):
        torch.Generator().set_state(torch.zeros(5056))
    with pytest.raises(ValueError, match="state size to be 3"):
        g.set_state(ag.zeros(3, dtype=ag.uint8))
    with pytest.raises(RuntimeError, match="state size to be 3"):
        torch.Generator().set_state(torch.zeros(3, dtype=torch.uint8))
    with pytest.raises(ValueError, match="invalid RNG state"):
        g.set_state(ag.zeros(49, dtype=ag.uint8))


# ---- generator= on every random function ------------------------------------------------------
P = [0.1, 0.2, 0.3, 0.4]
DRAWS = {
    "rand": lambda g: ag.rand(2, 3, generator=g),
    "randn": lambda g: ag.randn((4,), generator=g),
    "randint": lambda g: ag.randint(3, 9, (5,), generator=g),
    "randint(high, size)": lambda g: ag.randint(9, (5,), generator=g),
    "randperm": lambda g: ag.randperm(8, generator=g),
    "rand_like": lambda g: ag.rand_like(ag.zeros(3), generator=g),
    "randn_like": lambda g: ag.randn_like(ag.zeros(3), generator=g),
    "randint_like": lambda g: ag.randint_like(ag.zeros(3), 10, generator=g),
    "multinomial": lambda g: ag.multinomial(ag.tensor(P), 3, generator=g),
    "multinomial replacement": lambda g: ag.multinomial(ag.tensor([P, P]), 6, True, generator=g),
    "Tensor.multinomial": lambda g: ag.tensor(P).multinomial(2, generator=g),
    "bernoulli": lambda g: ag.bernoulli(ag.full((6,), 0.5), generator=g),
    "bernoulli p": lambda g: ag.bernoulli(ag.zeros(6), 0.5, generator=g),
    "Tensor.bernoulli": lambda g: ag.full((6,), 0.5).bernoulli(generator=g),
    "normal tensors": lambda g: ag.normal(ag.zeros(4), ag.ones(4), generator=g),
    "normal floats": lambda g: ag.normal(0.0, 1.0, (4,), generator=g),
    "poisson": lambda g: ag.poisson(ag.full((5,), 3.0), g),
    "uniform_": lambda g: ag.empty(4).uniform_(-1, 1, generator=g),
    "normal_": lambda g: ag.empty(4).normal_(generator=g),
    "bernoulli_": lambda g: ag.empty(6).bernoulli_(generator=g),
    "random_": lambda g: ag.empty(4, dtype=ag.int64).random_(generator=g),
    "exponential_": lambda g: ag.empty(4).exponential_(generator=g),
}


@pytest.mark.parametrize("name", list(DRAWS))
def test_same_seed_same_numbers_and_global_untouched(name):
    draw = DRAWS[name]
    ag.manual_seed(0)
    global_state = ag.get_rng_state()
    a, b = draw(gen(123)), draw(gen(123))
    assert a.tolist() == b.tolist()
    assert ag.get_rng_state().tolist() == global_state.tolist()  # drew from g, not the global one
    # numpy Generators are still accepted, and give the same numbers as ag.Generator of that seed
    assert draw(np.random.default_rng(123)).tolist() == a.tolist()
    # without generator=, the same function draws from the global generator: ag.manual_seed
    ag.manual_seed(123)
    global_draw = draw(None)
    ag.manual_seed(123)
    assert draw(None).tolist() == global_draw.tolist() == a.tolist()


def test_two_generators_are_independent():
    g1, g2, ref = gen(1), gen(2), gen(2)
    expected = [ag.rand(4, generator=ref).tolist() for _ in range(3)]
    got = []
    for _ in range(3):
        ag.rand(10, generator=g1)  # interleaved draws from g1 leave g2's stream alone
        got.append(ag.rand(4, generator=g2).tolist())
    assert got == expected
    assert ag.rand(4, generator=gen(1)).tolist() != ag.rand(4, generator=gen(2)).tolist()


def test_generator_type_is_checked():
    for call in (lambda: ag.rand(2, generator=3), lambda: ag.randperm(3, generator="g"),
                 lambda: ag.multinomial(ag.ones(2), 1, generator=1),
                 lambda: ag.empty(2).normal_(generator=object())):
        with pytest.raises(TypeError, match="generator must be an ag.Generator or a np.random.Generator"):
            call()


# ---- distributions (fixed seeds, bounds of >= 6 standard errors) --------------------------------
N = 200_000


def _close(values, mean, var, n=N):
    values = np.asarray(values, dtype=np.float64)
    assert abs(values.mean() - mean) < 6 * math.sqrt(var / n) + 1e-12
    assert abs(values.var() - var) < 0.05 * var + 1e-12


def test_continuous_distributions():
    g = gen(0)
    _close(ag.rand(N, generator=g).numpy(), 0.5, 1 / 12)
    _close(ag.randn(N, generator=g).numpy(), 0.0, 1.0)
    _close(ag.normal(2.0, 3.0, (N,), generator=g).numpy(), 2.0, 9.0)
    _close(ag.normal(ag.full((N,), -1.0), 0.5, generator=g).numpy(), -1.0, 0.25)
    _close(ag.normal(1.0, ag.full((N,), 2.0), generator=g).numpy(), 1.0, 4.0)
    _close(ag.empty(N).uniform_(-2, 4, generator=g).numpy(), 1.0, 36 / 12)
    _close(ag.empty(N).normal_(5, 0.1, generator=g).numpy(), 5.0, 0.01)
    _close(ag.empty(N).exponential_(4.0, generator=g).numpy(), 0.25, 1 / 16)
    u = ag.empty(N, dtype=ag.float64).uniform_(3, 7, generator=g).numpy()
    assert u.min() >= 3 and u.max() < 7


def test_discrete_distributions():
    g = gen(1)
    _close(ag.bernoulli(ag.full((N,), 0.3), generator=g).numpy(), 0.3, 0.21)
    _close(ag.empty(N).bernoulli_(0.7, generator=g).numpy(), 0.7, 0.21)
    _close(ag.poisson(ag.full((N,), 4.0), generator=g).numpy(), 4.0, 4.0)
    r = ag.randint(3, 10, (N,), generator=g).numpy()
    assert set(np.unique(r)) == set(range(3, 10))
    _close(r, 6.0, (7**2 - 1) / 12)
    r = ag.empty(N, dtype=ag.int64).random_(3, 10, generator=g).numpy()
    assert set(np.unique(r)) == set(range(3, 10))
    assert sorted(ag.randperm(50, generator=g).tolist()) == list(range(50))


def test_bernoulli_edges_and_per_element_probabilities():
    p = ag.tensor([0.0, 1.0, 0.0, 1.0])
    assert ag.bernoulli(p, generator=gen()).tolist() == [0.0, 1.0, 0.0, 1.0]
    x = ag.empty(2000, 2).bernoulli_(ag.tensor([0.0, 1.0]), generator=gen())
    assert x[:, 0].sum().item() == 0 and x[:, 1].sum().item() == 2000


def _chi_square(counts, probs):
    expected = np.asarray(probs) * counts.sum()
    return float(((counts - expected) ** 2 / expected).sum())


def test_multinomial_with_replacement_frequencies():
    w = [1.0, 2.0, 3.0, 4.0, 0.0]
    draws = ag.multinomial(ag.tensor([w, w[::-1]]), 50_000, replacement=True, generator=gen(3)).numpy()
    for row, weights in zip(draws, (w, w[::-1])):
        p = np.asarray(weights) / sum(weights)
        counts = np.bincount(row, minlength=5)
        assert counts[p == 0].sum() == 0
        # 3 degrees of freedom: P(chi2 > 30) ~ 1e-6, and the seed is fixed
        assert _chi_square(counts[p > 0], p[p > 0]) < 30


def test_multinomial_without_replacement():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    draws = ag.multinomial(ag.tensor(np.tile(w, (20_000, 1))), 4, generator=gen(4)).numpy()
    assert all(sorted(row) == [0, 1, 2, 3] for row in draws[:100])
    assert np.all(np.sort(draws, axis=1) == np.arange(4))
    # the first draw of each row follows the weights
    assert _chi_square(np.bincount(draws[:, 0], minlength=4), w / w.sum()) < 30
    # zero-weight categories come last, once the others are used up (as in PyTorch)
    assert ag.multinomial(ag.tensor([1.0, 0.0, 0.0]), 3, generator=gen()).tolist() == [0, 1, 2]
    assert ag.multinomial(ag.tensor([0.0, 0.0, 5.0, 0.0]), 6, True, generator=gen()).tolist() == [2] * 6


def test_float_rounding_never_reaches_the_upper_bound():
    assert ag.rand(300_000, dtype=ag.float16, generator=gen(5)).max().item() < 1.0
    assert ag.empty(300_000, dtype=ag.float16).uniform_(generator=gen(6)).max().item() < 1.0


def test_random_ranges():
    g = gen(7)
    assert ag.empty(10_000).random_(generator=g).min().item() >= 0
    assert ag.empty(10_000).random_(generator=g).max().item() <= 2**24
    int8 = ag.empty(10_000, dtype=ag.int8).random_(generator=g).numpy()
    assert int8.min() >= 0 and int8.max() == 127
    assert set(ag.empty(1000, dtype=ag.bool).random_(generator=g).tolist()) == {False, True}
    assert set(ag.empty(1000, dtype=ag.int64).random_(4, generator=g).tolist()) == {0, 1, 2, 3}
    high = ag.empty(1000, dtype=ag.int8).random_(**{"from": 125}, generator=g).numpy()
    assert set(high.tolist()) == {125, 126, 127}
    full = ag.empty(10, dtype=ag.int64).random_(-2**63, None, generator=g)
    assert full.dtype == ag.int64


# ---- shapes and dtypes against PyTorch ----------------------------------------------------------
CASES = {
    "multinomial 1-D": lambda lib: lib.multinomial(lib.tensor([0.2, 0.8]), 2),
    "multinomial 2-D": lambda lib: lib.multinomial(lib.ones(3, 4, dtype=lib.float64), 5, True),
    "multinomial empty rows": lambda lib: lib.multinomial(lib.ones(0, 3), 2),
    "bernoulli": lambda lib: lib.bernoulli(lib.full((2, 3), 0.5, dtype=lib.float64)),
    "bernoulli 0-d": lambda lib: lib.bernoulli(lib.tensor(0.5)),
    "bernoulli p int": lambda lib: lib.bernoulli(lib.zeros(3, dtype=lib.int64), 0.5),
    "bernoulli empty": lambda lib: lib.bernoulli(lib.zeros(0)),
    "normal broadcast": lambda lib: lib.normal(lib.zeros(3, 1), lib.ones(1, 4)),
    "normal mean dtype": lambda lib: lib.normal(lib.zeros(3), lib.ones(3, dtype=lib.float64)),
    "normal std only": lambda lib: lib.normal(0.0, lib.ones(2, dtype=lib.float64)),
    "normal default std": lambda lib: lib.normal(lib.zeros(2, 2)),
    "normal 0-d std": lambda lib: lib.normal(lib.zeros(3), lib.tensor(1.0)),
    "normal floats": lambda lib: lib.normal(0.0, 1.0, (2, 3)),
    "normal floats dtype": lambda lib: lib.normal(0, 1, [2], dtype=lib.float64),
    "normal std 0": lambda lib: lib.normal(lib.tensor([1.0, 2.0]), 0.0),
    "poisson": lambda lib: lib.poisson(lib.ones(2, 2, dtype=lib.float64)),
    "poisson 0-d": lambda lib: lib.poisson(lib.tensor(3.0)),
    "randint_like float": lambda lib: lib.randint_like(lib.zeros(3), 5),
    "randint_like int": lambda lib: lib.randint_like(lib.zeros(3, dtype=lib.int32), 2, 5),
    "randint_like keywords": lambda lib: lib.randint_like(lib.zeros(3), low=1, high=5),
    "randint high size": lambda lib: lib.randint(5, (3,)),
    "randperm float": lambda lib: lib.randperm(3, dtype=lib.float32),
    "randperm 0": lambda lib: lib.randperm(0),
    "bernoulli_ bool": lambda lib: lib.zeros(4, dtype=lib.bool).bernoulli_(0.5),
    "bernoulli_ int": lambda lib: lib.zeros(4, dtype=lib.int64).bernoulli_(),
    "bernoulli_ expand": lambda lib: lib.zeros(2, 2).bernoulli_(lib.tensor([0.0, 1.0])),
    "random_ uint8": lambda lib: lib.zeros(4, dtype=lib.uint8).random_(),
    "random_ float": lambda lib: lib.zeros(4).random_(-5, 5),
    "uniform_ equal bounds": lambda lib: lib.zeros(3).uniform_(1, 1),
    "exponential_ inf": lambda lib: lib.zeros(3).exponential_(math.inf),
    "normal_ std 0": lambda lib: lib.zeros(3, dtype=lib.float64).normal_(2, 0),
}
DETERMINISTIC = {"multinomial 1-D", "normal std 0", "bernoulli_ expand",
                 "uniform_ equal bounds", "exponential_ inf", "normal_ std 0", "randperm 0",
                 "multinomial empty rows", "bernoulli empty"}


@requires_torch
@pytest.mark.parametrize("name", list(CASES))
def test_shapes_and_dtypes_match_torch(name):
    ours, theirs = CASES[name](ag), CASES[name](torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype)
    if name in DETERMINISTIC and name != "multinomial 1-D":
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    if name == "multinomial 1-D":
        assert sorted(ours.tolist()) == sorted(theirs.tolist()) == [0, 1]


# ---- gradients: PyTorch does not reparameterize, the gradients are exactly zero ---------------
@requires_torch
@pytest.mark.parametrize("case", ["normal mean", "normal std", "normal both", "bernoulli", "poisson"])
def test_sampling_gradients_are_zero_as_in_torch(case):
    def run(lib):
        m = lib.tensor([[1.0], [2.0]], requires_grad=True)
        s = lib.tensor([1.0, 2.0, 0.5], dtype=lib.float64, requires_grad=True)
        p = lib.tensor([0.3, 0.6], requires_grad=True)
        out, inputs = {
            "normal mean": lambda: (lib.normal(m, 2.0), [m]),
            "normal std": lambda: (lib.normal(1.0, s), [s]),
            "normal both": lambda: (lib.normal(m, s), [m, s]),
            "bernoulli": lambda: (lib.bernoulli(p), [p]),
            "poisson": lambda: (lib.poisson(p), [p]),
        }[case]()
        assert out.requires_grad
        (out * 3).sum().backward()
        return out, [x.grad.numpy() for x in inputs]

    (ours, our_grads), (theirs, their_grads) = run(ag), run(torch)
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)
    for a, b in zip(our_grads, their_grads):
        np.testing.assert_array_equal(a, b)
        assert not a.any()


@requires_torch
@pytest.mark.parametrize("fill", ["uniform_", "normal_", "bernoulli_", "random_", "exponential_"])
def test_inplace_fills_and_autograd_match_torch(fill):
    for lib in (ag, torch):
        leaf = lib.ones(3, requires_grad=True)
        leaf_error = "leaf .* requires grad is being used in an in-place operation"
        with pytest.raises(RuntimeError, match=leaf_error):
            getattr(leaf, fill)()
        with lib.no_grad():
            assert getattr(leaf, fill)() is leaf  # under no_grad it fills, like nn.init
        assert leaf.requires_grad and leaf.grad_fn is None
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        assert getattr(y, fill)() is y
        assert y.requires_grad
        (y * 5).sum().backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0]  # the old values get a zero gradient


def test_inplace_fill_bumps_the_version():
    x = ag.ones(3)
    v = x._version
    x.normal_()
    assert x._version == v + 1


# ---- argument checks: ndgrad's errors say what PyTorch's say ------------------------------------
def _t(lib, *a, **k):
    return lib.tensor(*a, **k)


ERRORS = [  # (id, call written against the torch API, ndgrad's exception, pattern, torch pattern)
    ("mn dims", lambda lib: lib.multinomial(_t(lib, 1.0), 1),
     RuntimeError, "prob_dist must be 1 or 2 dim", None),
    ("mn 3-D", lambda lib: lib.multinomial(lib.ones(2, 2, 2), 1),
     RuntimeError, "prob_dist must be 1 or 2 dim", None),
    ("mn int", lambda lib: lib.multinomial(_t(lib, [1, 2]), 1), TypeError, "floating", "floating-point"),
    ("mn n=0", lambda lib: lib.multinomial(_t(lib, [1.0, 2]), 0),
     RuntimeError, "cannot sample n_sample <= 0", None),
    ("mn n<0", lambda lib: lib.multinomial(_t(lib, [1.0, 2]), -1),
     RuntimeError, "cannot sample n_sample <= 0", None),
    ("mn float n", lambda lib: lib.multinomial(lib.ones(3), 2.0),
     TypeError, "num_samples.* must be( an)? int", None),
    ("mn too many", lambda lib: lib.multinomial(_t(lib, [0.2, 0.8]), 3), RuntimeError,
     r"cannot sample n_sample > prob_dist.size\(-1\) samples without replacement", None),
    ("mn no categories", lambda lib: lib.multinomial(lib.ones(3, 0), 2), RuntimeError,
     r"n_sample > prob_dist.size\(-1\)", None),
    ("mn negative", lambda lib: lib.multinomial(_t(lib, [-0.2, 0.8]), 1), RuntimeError,
     "probability tensor contains either `inf`, `nan` or element < 0", None),
    ("mn inf", lambda lib: lib.multinomial(_t(lib, [math.inf, 0.8]), 1, True), RuntimeError,
     "probability tensor contains either `inf`, `nan` or element < 0", None),
    ("mn nan", lambda lib: lib.multinomial(_t(lib, [math.nan, 0.8]), 1), RuntimeError,
     "probability tensor contains either `inf`, `nan` or element < 0", None),
    ("mn zero sum", lambda lib: lib.multinomial(_t(lib, [[0.0, 0.0], [1.0, 1.0]]), 1), RuntimeError,
     r"invalid multinomial distribution \(sum of probabilities <= 0\)", None),
    ("mn empty replacement", lambda lib: lib.multinomial(lib.ones(0), 2, True), RuntimeError,
     r"sum of probabilities <= 0", None),
    ("bern int", lambda lib: lib.bernoulli(_t(lib, [1, 0])),
     TypeError, "floating point", "not implemented for 'Long'"),
    ("bern bool", lambda lib: lib.bernoulli(_t(lib, [True])),
     TypeError, "floating point", "not implemented for 'Bool'"),
    ("bern >1", lambda lib: lib.bernoulli(_t(lib, [1.5, 0.0])),
     RuntimeError, r"p_in >= 0 && p_in <= 1", None),
    ("bern <0", lambda lib: lib.bernoulli(_t(lib, [-0.5, 0.0])),
     RuntimeError, r"p_in >= 0 && p_in <= 1", None),
    ("bern nan", lambda lib: lib.bernoulli(_t(lib, [math.nan])),
     RuntimeError, r"p_in >= 0 && p_in <= 1", None),
    ("bern p", lambda lib: lib.bernoulli(_t(lib, [0.2]), 1.5), RuntimeError,
     r"bernoulli_ expects p to be in \[0, 1\], but got p=1.5", None),
    ("bern p nan", lambda lib: lib.bernoulli(_t(lib, [0.2]), p=math.nan), RuntimeError,
     r"expects p to be in \[0, 1\], but got p=nan", None),
    ("bern_ p", lambda lib: _t(lib, [1.0, 2]).bernoulli_(-0.1),
     RuntimeError, r"expects p to be in \[0, 1\]", None),
    ("bern_ tensor p", lambda lib: _t(lib, [1.0, 2]).bernoulli_(_t(lib, [1.5, 0.3])), RuntimeError,
     r"p_in >= 0 && p_in <= 1", None),
    ("bern_ shape", lambda lib: _t(lib, [1.0, 2]).bernoulli_(_t(lib, [0.1, 0.9, 0.3])), RuntimeError,
     "The expanded size of the tensor", None),
    ("bern_ more dims", lambda lib: _t(lib, [1.0, 2]).bernoulli_(_t(lib, [[0.1], [0.2]])), RuntimeError,
     "cannot be expanded", "must be greater or equal to the number of dimensions"),
    ("normal floats no size", lambda lib: lib.normal(0.0, 1.0), TypeError, "size", "invalid combination"),
    ("normal int size", lambda lib: lib.normal(0.0, 1.0, 5), TypeError, "size", "invalid combination"),
    ("normal tensor and size", lambda lib: lib.normal(lib.zeros(3), 1.0, (3,)),
     TypeError, "size", "invalid combination"),
    ("normal std<0", lambda lib: lib.normal(0.0, -1.0, (2,)),
     RuntimeError, "normal expects std >= 0.0, but found std -1", None),
    ("normal std nan", lambda lib: lib.normal(lib.zeros(3), math.nan),
     RuntimeError, "normal expects std >= 0.0, but found std nan", None),
    ("normal tensor std<0", lambda lib: lib.normal(0.0, -lib.ones(3)),
     RuntimeError, "normal expects all elements of std >= 0.0", None),
    ("normal both std<0", lambda lib: lib.normal(lib.zeros(3), -lib.ones(3)),
     RuntimeError, "normal expects all elements of std >= 0.0", None),
    ("normal shapes", lambda lib: lib.normal(lib.zeros(2, 3), lib.ones(3, 2)), RuntimeError,
     "The size of tensor a .*must match the size of tensor b", None),
    ("normal int mean", lambda lib: lib.normal(lib.zeros(3, dtype=lib.int64), 1.0),
     TypeError, "floating point", "not implemented for 'Long'"),
    ("poisson negative", lambda lib: lib.poisson(_t(lib, [-1.0, 2])), RuntimeError,
     "invalid Poisson rate, expected rate to be non-negative", None),
    ("poisson nan", lambda lib: lib.poisson(_t(lib, [math.nan])), RuntimeError,
     "invalid Poisson rate, expected rate to be non-negative", None),
    ("poisson int", lambda lib: lib.poisson(_t(lib, [1, 2])),
     TypeError, "floating point", "not implemented for 'Long'"),
    ("poisson generator", lambda lib: lib.poisson(_t(lib, [1.0]), generator=3),
     TypeError, "generator'? must be", None),
    ("uniform_ order", lambda lib: lib.empty(3).uniform_(2, 1), RuntimeError,
     r"uniform_ expects to return a \[from, to\) range, but found from=2(.0)? > to=1", None),
    ("uniform_ inf", lambda lib: lib.empty(3).uniform_(0, math.inf),
     RuntimeError, "to is out of bounds for float", None),
    ("uniform_ nan", lambda lib: lib.empty(3).uniform_(math.nan, 1),
     RuntimeError, "from is out of bounds for float", None),
    ("uniform_ half", lambda lib: lib.empty(3, dtype=lib.float16).uniform_(0, 1e10),
     RuntimeError, "to is out of bounds for", None),
    ("uniform_ span", lambda lib: lib.empty(3).uniform_(-3e38, 3e38),
     RuntimeError, "uniform_ expects to-from <=", None),
    ("uniform_ int", lambda lib: lib.empty(3, dtype=lib.int64).uniform_(),
     TypeError, "floating point", "not implemented for 'Long'"),
    ("normal_ std<0", lambda lib: lib.empty(3).normal_(1, -1),
     RuntimeError, "normal expects std >= 0.0, but found std -1", None),
    ("normal_ nan", lambda lib: lib.empty(3).normal_(1, math.nan),
     RuntimeError, "normal expects std >= 0.0, but found std nan", None),
    ("normal_ int", lambda lib: lib.empty(3, dtype=lib.int64).normal_(),
     TypeError, "floating point", "not implemented for 'Long'"),
    ("exponential_ 0", lambda lib: lib.empty(3).exponential_(0),
     RuntimeError, "exponential_ expects lambda > 0.0, but found lambda=0", None),
    ("exponential_ <0", lambda lib: lib.empty(3).exponential_(-1),
     RuntimeError, "exponential_ expects lambda > 0.0, but found lambda=-1", None),
    ("exponential_ nan", lambda lib: lib.empty(3).exponential_(math.nan),
     RuntimeError, "expects lambda > 0.0, but found lambda=nan", None),
    ("exponential_ int", lambda lib: lib.empty(3, dtype=lib.int64).exponential_(), TypeError,
     "Exponential distribution is a continuous probability distribution. dtype must be a floating",
     None),
    ("random_ order", lambda lib: lib.empty(5, dtype=lib.int64).random_(10, 3), RuntimeError,
     "expects 'from' .*to be less than 'to'.*, but got from=10 >= to=3", None),
    ("random_ equal", lambda lib: lib.empty(5).random_(3, 3), RuntimeError, "but got from=3 >= to=3", None),
    ("random_ negative to", lambda lib: lib.empty(5).random_(-5),
     RuntimeError, "but got from=0 >= to=-5", None),
    ("random_ float", lambda lib: lib.empty(5).random_(2.5),
     TypeError, "must be an int", "invalid combination"),
    ("random_ uint8 to", lambda lib: lib.empty(5, dtype=lib.uint8).random_(300), RuntimeError,
     "to - 1 is out of bounds for (uint8|unsigned char)", None),
    ("random_ uint8 from", lambda lib: lib.empty(5, dtype=lib.uint8).random_(-1, 3), RuntimeError,
     "from is out of bounds for (uint8|unsigned char)", None),
    ("random_ int8", lambda lib: lib.empty(5, dtype=lib.int8).random_(0, 200), RuntimeError,
     "to - 1 is out of bounds for (int8|signed char)", None),
    ("random_ bool", lambda lib: lib.empty(5, dtype=lib.bool).random_(0, 3),
     RuntimeError, "to - 1 is out of bounds for bool", None),
    ("randint order", lambda lib: lib.randint(5, 2, (3,)), RuntimeError, "but got from=5 >= to=2", None),
    ("randint_like order", lambda lib: lib.randint_like(lib.zeros(3), 5, 2),
     RuntimeError, "but got from=5 >= to=2", None),
    ("randperm negative", lambda lib: lib.randperm(-1),
     (ValueError, RuntimeError), "negative dimension -1", None),
    ("rand generator", lambda lib: lib.rand(2, generator=3), TypeError, "generator", None),
    ("rand_like int", lambda lib: lib.rand_like(lib.zeros(3, dtype=lib.int64)), TypeError, "floating point",
     "not implemented for 'Long'"),
    ("randn_like int", lambda lib: lib.randn_like(lib.zeros(3, dtype=lib.int64)), TypeError, "floating point",
     "not implemented for 'Long'"),
]


@requires_torch
@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_argument_checks_match_torch(case):
    _, call, error, pattern, torch_pattern = case
    with pytest.raises(error, match=pattern) as info:
        call(ag)
    assert info.type.__module__.split(".")[0] in ("autograd", "builtins")  # ndgrad's own, not NumPy's
    with pytest.raises(Exception, match=torch_pattern or pattern):  # noqa: B017
        call(torch)


def test_errors_name_the_function():
    with pytest.raises(RuntimeError, match="^multinomial: "):
        ag.multinomial(ag.tensor([0.0, 0.0]), 1)
    with pytest.raises(RuntimeError, match="^uniform_: "):
        ag.empty(2).uniform_(1, 0)
    with pytest.raises(TypeError, match="^exponential_: "):
        ag.empty(2, dtype=ag.int32).exponential_()


# ---- nn.init, random_split and DataLoader take an ag.Generator ----------------------------------
def test_nn_init_accepts_ag_generator():
    a = nn.init.normal_(ag.empty(4, 3), generator=gen(8))
    b = nn.init.normal_(ag.empty(4, 3), generator=gen(8))
    c = nn.init.normal_(ag.empty(4, 3), generator=np.random.default_rng(8))
    assert a.tolist() == b.tolist() == c.tolist()
    u = nn.init.kaiming_uniform_(ag.empty(5, 2), generator=gen(9))
    assert u.tolist() == nn.init.kaiming_uniform_(ag.empty(5, 2), generator=gen(9)).tolist()
    assert a.tolist() != nn.init.normal_(ag.empty(4, 3), generator=gen(10)).tolist()


def test_random_split_accepts_ag_generator():
    ds = TensorDataset(ag.arange(20))
    first = [s.indices for s in random_split(ds, [0.8, 0.2], generator=gen(1))]
    again = [s.indices for s in random_split(ds, [0.8, 0.2], generator=gen(1))]
    numpy_one = [s.indices for s in random_split(ds, [0.8, 0.2], generator=np.random.default_rng(1))]
    assert first == again == numpy_one
    assert sorted(first[0] + first[1]) == list(range(20))


def test_dataloader_accepts_ag_generator():
    ds = TensorDataset(ag.arange(12))

    def epochs(g):
        loader = DataLoader(ds, batch_size=4, shuffle=True, generator=g)
        return [[b[0].tolist() for b in loader] for _ in range(2)]

    a, b = epochs(gen(2)), epochs(gen(2))
    assert a == b and a[0] != a[1]
    assert a == epochs(np.random.default_rng(2))
    # re-seeding the ag.Generator the loader holds restarts its orders
    g = gen(2)
    loader = DataLoader(ds, batch_size=4, shuffle=True, generator=g)
    first = [x[0].tolist() for x in loader]
    g.manual_seed(2)
    assert [x[0].tolist() for x in loader] == first


def test_resolve_accepts_both_kinds():
    g = gen(3)
    assert ag.random.resolve(generator=g) is g.numpy_generator
    assert ag.random.resolve(g) is g.numpy_generator
    rng = np.random.default_rng(0)
    assert ag.random.resolve(generator=rng) is rng
    assert ag.random.resolve() is ag.random.generator()
    with pytest.raises(ValueError, match="either seed= or generator="):
        ag.random.resolve(1, g)
    with pytest.raises(TypeError, match="ag.Generator or a np.random.Generator"):
        ag.random.resolve(generator=np.random.RandomState(0))

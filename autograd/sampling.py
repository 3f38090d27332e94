"""Sampling from distributions, as PyTorch has it: ``multinomial``, ``bernoulli``, ``normal``, ``poisson``.

Also the in-place fills ``x.uniform_()``, ``x.normal_()``, ``x.bernoulli_()``, ``x.random_()``,
``x.exponential_()``, ``x.cauchy_()``, ``x.log_normal_()`` and ``x.geometric_(p)``. Each takes
``generator=`` (an ``ag.Generator`` or a ``np.random.Generator``; default the global generator
that ``ag.manual_seed`` seeds). The numbers are ndgrad's own (NumPy
samplers), not PyTorch's streams; the argument checks, dtypes and shapes are PyTorch's.

Gradients, as in PyTorch: ``normal``, ``bernoulli(p)`` (without ``p=``) and ``poisson`` are not
reparameterized, so their result requires grad when an input does but its gradient is zero
(and the in-place fills on a tensor in the graph give its old values a zero gradient).
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from . import checks, dtypes, random
from ._tensor import Tensor
from .checks import flag
from .factories import draw_integers, integer_range
from .inplace import apply_inplace
from .ops import movement, select
from .primitive import OpError, name_node

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .random import GeneratorLike
    from .types import Array, DTypeLike


def _zero_grad(sample: Array, *inputs: Any) -> Tensor:
    """``sample`` as a Tensor that depends on the inputs that require grad, with zero gradient."""
    out = Tensor._wrap(sample)
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad:
            x = x if x.dtype == out.dtype else movement.to(x, out.dtype)
            out = select.where(True, out, x)  # d out / d x = 0
    return out


def _float_input(op: str, name: str, x: Any) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must have a floating point dtype, got {dtypes.name(x.dtype)}. "
                        "Hint: convert with .float() first")
    return x


def _number(op: str, name: str, value: Any) -> float:
    if isinstance(value, Tensor) and value.ndim == 0:
        value = value.item()
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{op}: {name} must be a number, got {type(value).__name__}")
    return float(value)


# ---- multinomial ----------------------------------------------------------------------------
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: GeneratorLike | None = None) -> Tensor:
    """Draw ``num_samples`` category indices per row from the (unnormalized) weights ``input``.

    Args:
        input: non-negative weights, 1-D (categories) or 2-D (one distribution per row).
        num_samples: how many indices to draw per row.
        replacement: draw with replacement; without it an index appears at most once per row
            (categories of weight 0 come last, once the others are used up).
        generator: the generator to draw from.

    Returns:
        An int64 tensor of shape ``(num_samples,)`` or ``(rows, num_samples)``.
    """
    if isinstance(input, Tensor) and input.ndim not in (1, 2):
        raise OpError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {tuple(input.shape)}")
    input = _float_input("multinomial", "input", input)
    num_samples = checks.integer("multinomial", "num_samples", num_samples)
    n = input.shape[-1]
    if num_samples <= 0:
        raise OpError(f"multinomial: cannot sample n_sample <= 0 samples (num_samples={num_samples})")
    if not flag("multinomial", "replacement", replacement) and num_samples > n:
        raise OpError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without "
                      f"replacement ({num_samples} > {n}). Hint: pass replacement=True")
    if n > 2**24:
        raise OpError(f"multinomial: number of categories cannot exceed 2^24, got {n}")
    p = input._data.astype(np.float64).reshape(input.shape[0] if input.ndim == 2 else 1, n)
    if not np.all(np.isfinite(p) & (p >= 0)):
        raise OpError("multinomial: probability tensor contains either `inf`, `nan` or element < 0")
    total = p.sum(axis=1, keepdims=True)
    if np.any(total <= 0):
        raise OpError("multinomial: invalid multinomial distribution (sum of probabilities <= 0): "
                      "a row of input has only zeros")
    rng = random.rng("multinomial", generator)
    rows = p.shape[0]
    if replacement:
        cdf = np.cumsum(p, axis=1) / total
        u = rng.random((rows, int(num_samples)))
        idx = np.stack([np.searchsorted(cdf[r], u[r], side="right") for r in range(rows)]) \
            if rows else np.zeros((0, int(num_samples)), np.int64)
        # rounding can put u above the last positive cumulative weight: that category it is
        last = n - 1 - np.argmax(p[:, ::-1] > 0, axis=1) if rows else np.zeros(0, np.int64)
        idx = np.minimum(idx, last[:, None])
    else:
        # Exponential races (PyTorch's algorithm): the first num_samples of p / E, E ~ Exp(1)
        keys = p / rng.standard_exponential(p.shape)
        idx = np.argsort(-keys, axis=1, kind="stable")[:, :int(num_samples)]
    out = idx.astype(np.int64).reshape(tuple(input.shape[:-1]) + (int(num_samples),))
    return Tensor._wrap(out)


# ---- bernoulli, normal, poisson -------------------------------------------------------------
def _check_probability(op: str, p: float) -> float:
    if not 0 <= p <= 1:  # also refuses nan
        raise OpError(f"{op}: bernoulli_ expects p to be in [0, 1], but got p={p}")
    return p


def _check_probabilities(op: str, p: Array) -> None:
    if not np.all((p >= 0) & (p <= 1)):
        raise OpError(f"{op}: all elements of the probabilities must be in [0, 1] (Expected "
                      "p_in >= 0 && p_in <= 1); found values outside it or nan")


def bernoulli(input: Tensor, p: float | None = None, *, generator: GeneratorLike | None = None) -> Tensor:
    """0/1 draws: 1 with probability ``input[i]`` (or with the one probability ``p`` if given).

    The result has ``input``'s dtype and shape. Without ``p``, ``input`` must be floating
    point with values in [0, 1]; the result then requires grad when ``input`` does (with zero
    gradient, as in PyTorch). With ``p``, ``input`` only gives the shape and dtype.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"bernoulli: input must be a Tensor, got {type(input).__name__}")
    rng = random.rng("bernoulli", generator)
    if p is None:
        _float_input("bernoulli", "input", input)
        _check_probabilities("bernoulli", input._data)
        sample = rng.random(input.shape) < input._data
        return _zero_grad(sample.astype(input.dtype), input)
    prob = _check_probability("bernoulli", _number("bernoulli", "p", p))
    return Tensor._wrap((rng.random(input.shape) < prob).astype(input.dtype))


def normal(mean: Tensor | float, std: Tensor | float = 1.0, size: Sequence[int] | None = None, *,
           generator: GeneratorLike | None = None, dtype: DTypeLike | None = None,
           requires_grad: bool = False) -> Tensor:
    """Normal draws with per-element (Tensor) or shared (float) ``mean`` and ``std``.

    PyTorch's overloads: ``normal(mean_tensor, std_tensor)`` (broadcast together),
    ``normal(mean_tensor, std=1.0)``, ``normal(mean_float, std_tensor)``, and
    ``normal(mean_float, std_float, size)`` (``dtype=`` and ``requires_grad=`` only in this
    one, float32 by default). With a Tensor, the result has its dtype (``mean``'s when both
    are Tensors) and requires grad when an input does, with zero gradient (PyTorch does not
    reparameterize ``normal``).
    """
    rng = random.rng("normal", generator)
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        m, s = _number("normal", "mean", mean), _number("normal", "std", std)
        if size is None or not isinstance(size, (tuple, list)):
            raise TypeError("normal: with a float mean and std, pass the output size as a tuple, "
                            f"e.g. normal({m}, {s}, size=(2, 3)); got size={size!r}")
        if not s >= 0:
            raise OpError(f"normal: normal expects std >= 0.0, but found std {s}")
        out_dtype = dtypes.as_dtype(dtype or dtypes.default_float())
        if out_dtype.kind != "f":
            raise TypeError(f"normal: needs a floating point dtype, got {dtypes.name(out_dtype)}")
        shape = checks.shape("normal", (size,))
        out = Tensor._wrap((m + s * rng.standard_normal(shape)).astype(out_dtype))
        if flag("normal", "requires_grad", requires_grad):
            out.requires_grad = True
        return out
    if size is not None or dtype is not None or requires_grad:
        raise TypeError("normal: size=, dtype= and requires_grad= are only for a float mean and "
                        "std (normal(0., 1., size=(2, 3))); with a Tensor the shape and dtype "
                        "come from it")
    like = mean if isinstance(mean, Tensor) else std
    assert isinstance(like, Tensor)
    if isinstance(mean, Tensor):
        _float_input("normal", "mean", mean)
    elif like.dtype.kind != "f":
        _float_input("normal", "std", std)
    m_arr: Array | float = mean._data if isinstance(mean, Tensor) else _number("normal", "mean", mean)
    s_arr: Array | float
    if isinstance(std, Tensor):
        s_arr = std._data
        if not np.all(s_arr >= 0):
            raise OpError("normal: normal expects all elements of std >= 0.0 (found a negative "
                          "value or nan)")
    else:
        s_arr = _number("normal", "std", std)
        if not s_arr >= 0:
            raise OpError(f"normal: normal expects std >= 0.0, but found std {s_arr}")
    try:
        shape = np.broadcast_shapes(np.shape(m_arr), np.shape(s_arr))
    except ValueError:
        raise OpError(f"normal: the shapes of mean {tuple(np.shape(m_arr))} and std "
                      f"{tuple(np.shape(s_arr))} cannot be broadcast together (The size of tensor "
                      "a must match the size of tensor b at each non-singleton dimension)") from None
    with np.errstate(invalid="ignore"):
        sample = m_arr + s_arr * rng.standard_normal(shape)
    return _zero_grad(np.asarray(sample).astype(like.dtype), mean, std)


def poisson(input: Tensor, generator: GeneratorLike | None = None) -> Tensor:
    """Poisson draws with rates ``input`` (floating point, non-negative), in ``input``'s dtype.

    The result requires grad when ``input`` does, with zero gradient (as in PyTorch).
    """
    input = _float_input("poisson", "input", input)
    rate = input._data.astype(np.float64)
    if not np.all(rate >= 0):
        raise OpError("poisson: invalid Poisson rate, expected rate to be non-negative (found a "
                      "negative value or nan)")
    if np.any(rate > 1e18):
        raise OpError("poisson: a rate above 1e18 is too large for ndgrad's Poisson sampler "
                      f"(largest: {rate.max()})")
    sample = random.rng("poisson", generator).poisson(rate)
    return _zero_grad(np.asarray(sample).astype(input.dtype), input)


# ---- in-place fills -------------------------------------------------------------------------
def _fill(target: Tensor, sample: Array) -> Tensor:
    """The out-of-place form of a fill: ``sample``; the old values get a zero gradient."""
    return _zero_grad(sample, target)


# PyTorch's node names of the in-place fills (random_ and bernoulli_ name their overloads)
_FILL_NAMES = {"uniform_": "UniformBackward0", "normal_": "NormalBackward0",
               "bernoulli_": "BernoulliBackward2", "exponential_": "ExponentialBackward0",
               "cauchy_": "CauchyBackward0", "log_normal_": "LogNormalBackward0",
               "geometric_": "GeometricBackward0"}


def _write(self: Tensor, op: str, sample: Array, node_name: str | None = None) -> Tensor:
    name = node_name or _FILL_NAMES.get(op, "FillBackward2")

    def fill(target: Tensor, sample: Array) -> Tensor:
        return name_node(_fill(target, sample), name, shown_inputs=(2,))  # the old values' edge

    return apply_inplace(self, op, fill, np.asarray(sample).astype(self.dtype))


def _float_tensor(op: str, self: Tensor) -> None:
    if self.dtype.kind != "f":
        raise TypeError(f"{op}: needs a floating point tensor, got {dtypes.name(self.dtype)}. "
                        "Hint: convert with .float() first")


def _from_kwarg(op: str, from_: Any, kwargs: dict[str, Any]) -> Any:
    """PyTorch spells the first argument ``from`` (a Python keyword): accept ``**{"from": v}``."""
    extra = set(kwargs) - {"from"}
    if extra:
        raise TypeError(f"{op}: unexpected keyword argument(s) {sorted(extra)}")
    return kwargs.get("from", from_)


def uniform_(self: Tensor, from_: float = 0, to: float = 1, *, generator: GeneratorLike | None = None,
             **kwargs: float) -> Tensor:
    """Fill in place with uniform draws in [from, to) (``from`` may be passed as ``from_``)."""
    low = _number("uniform_", "from", _from_kwarg("uniform_", from_, kwargs))
    high = _number("uniform_", "to", to)
    _float_tensor("uniform_", self)
    info = np.finfo(self.dtype)
    for name, value in (("from", low), ("to", high)):
        if not -float(info.max) <= value <= float(info.max):
            raise OpError(f"uniform_: {name} is out of bounds for {dtypes.name(self.dtype)} "
                          f"({name}={value})")
    if low > high:
        raise OpError(f"uniform_: uniform_ expects to return a [from, to) range, but found "
                      f"from={low} > to={high}")
    if high - low > float(info.max):
        raise OpError(f"uniform_: uniform_ expects to-from <= the largest {dtypes.name(self.dtype)}, "
                      f"but found to={high} and from={low}")
    rng = random.rng("uniform_", generator)
    sample = (low + (high - low) * rng.random(self.shape)).astype(self.dtype)
    if high > low:  # rounding to the dtype must not reach `to`
        sample = np.minimum(sample, np.nextafter(self.dtype.type(high), self.dtype.type(low)))
    return _write(self, "uniform_", sample)


def normal_(self: Tensor, mean: float = 0, std: float = 1, *,
            generator: GeneratorLike | None = None) -> Tensor:
    """Fill in place with normal draws of mean ``mean`` and standard deviation ``std``."""
    m, s = _number("normal_", "mean", mean), _number("normal_", "std", std)
    _float_tensor("normal_", self)
    if not s >= 0:
        raise OpError(f"normal_: normal expects std >= 0.0, but found std {s}")
    return _write(self, "normal_", m + s * random.rng("normal_", generator).standard_normal(self.shape))


def bernoulli_(self: Tensor, p: Tensor | float = 0.5, *, generator: GeneratorLike | None = None) -> Tensor:
    """Fill in place with 0/1 draws: 1 with probability ``p`` (a number, or a Tensor broadcast to self)."""
    if isinstance(p, Tensor) and p.ndim > 0:
        if p.dtype.kind != "f":
            raise TypeError(f"bernoulli_: p must be a floating point Tensor, got {dtypes.name(p.dtype)}")
        try:
            fits = p.ndim <= self.ndim and np.broadcast_shapes(p.shape, self.shape) == tuple(self.shape)
        except ValueError:
            fits = False
        if not fits:
            raise OpError(f"bernoulli_: p of shape {tuple(p.shape)} cannot be expanded to the "
                          f"tensor's shape {tuple(self.shape)} (The expanded size of the tensor "
                          "must match the existing size)")
        _check_probabilities("bernoulli_", p._data)
        prob: Array | float = p._data
    else:
        prob = _check_probability("bernoulli_", _number("bernoulli_", "p", p))
    return _write(self, "bernoulli_", random.rng("bernoulli_", generator).random(self.shape) < prob,
                  "BernoulliBackward1" if isinstance(prob, np.ndarray) else None)


_UNSET: Any = object()


def random_(self: Tensor, from_: int | None = None, to: int | None = _UNSET, *,
            generator: GeneratorLike | None = None, **kwargs: int) -> Tensor:
    """Fill in place with integers uniform in [from, to).

    PyTorch's overloads: ``random_()`` draws in [0, the largest value of the dtype] (for floats
    ``2**mantissa``: [0, 2**24] for float32), ``random_(to)`` in [0, to), ``random_(from, to)``
    and ``random_(from, None)`` in [from, the largest value].
    """
    explicit = "from" in kwargs
    start = _from_kwarg("random_", from_, kwargs)
    node_name = "RandomBackward0"  # PyTorch's random_(from, to)
    if to is _UNSET:
        if start is not None and not explicit:
            low, high, node_name = 0, start, "RandomBackward1"  # random_(to)
        else:
            low, high = (0 if start is None else start), None
            node_name = "RandomBackward2" if start is None else node_name
    else:
        low, high = (0 if start is None else start), to
    low, last = integer_range("random_", low, high, self._data.dtype)
    shape = tuple(self.shape)
    return _write(self, "random_", draw_integers(random.rng("random_", generator), low, last, shape,
                                                 self._data.dtype), node_name)


def exponential_(self: Tensor, lambd: float = 1, *, generator: GeneratorLike | None = None) -> Tensor:
    """Fill in place with exponential draws of rate ``lambd`` (density ``lambd * exp(-lambd x)``)."""
    rate = _number("exponential_", "lambd", lambd)
    if self.dtype.kind != "f":
        raise TypeError(f"exponential_: Exponential distribution is a continuous probability "
                        f"distribution. dtype must be a floating point but you specified "
                        f"{dtypes.name(self.dtype)}")
    if not rate > 0:
        raise OpError(f"exponential_: exponential_ expects lambda > 0.0, but found lambda={rate}")
    draws = random.rng("exponential_", generator).standard_exponential(self.shape)
    return _write(self, "exponential_", draws / rate if math.isfinite(rate) else draws * 0.0)


def cauchy_(self: Tensor, median: float = 0, sigma: float = 1, *,
            generator: GeneratorLike | None = None) -> Tensor:
    """Fill in place with Cauchy draws: density 1 / (pi sigma (1 + ((x - median) / sigma)^2))."""
    center, scale = _number("cauchy_", "median", median), _number("cauchy_", "sigma", sigma)
    if self._data.dtype.kind != "f":
        raise TypeError(f"cauchy_: Cauchy distribution is a continuous probability distribution. "
                        f"dtype must be a floating point but you specified "
                        f"{dtypes.name(self._data.dtype)}. Hint: convert with .float() first")
    if not scale > 0:
        raise OpError(f"cauchy_: cauchy_ expects sigma > 0.0, but found sigma={scale}")
    draws = random.rng("cauchy_", generator).standard_cauchy(self.shape)
    with np.errstate(invalid="ignore", over="ignore"):  # an inf median or sigma gives infs
        return _write(self, "cauchy_", center + scale * draws)


def log_normal_(self: Tensor, mean: float = 1, std: float = 2, *,
                generator: GeneratorLike | None = None) -> Tensor:
    """Fill in place with log-normal draws exp(N(mean, std^2)) (``mean``, ``std`` of the log)."""
    m, s = _number("log_normal_", "mean", mean), _number("log_normal_", "std", std)
    _float_tensor("log_normal_", self)
    if not s > 0:
        raise OpError(f"log_normal_: log_normal_ expects std > 0.0, but found std={s}")
    draws = random.rng("log_normal_", generator).standard_normal(self.shape)
    with np.errstate(over="ignore", invalid="ignore"):  # exp overflows to inf, as in PyTorch
        return _write(self, "log_normal_", np.exp(m + s * draws))


def geometric_(self: Tensor, p: float, *, generator: GeneratorLike | None = None) -> Tensor:
    """Fill in place with geometric draws: Bernoulli(p) trials up to the first success (1, 2, ...).

    Integer tensors work too (a narrow dtype wraps around, as in PyTorch).
    """
    prob = _number("geometric_", "p", p)
    if self._data.dtype.kind == "b":
        raise TypeError("geometric_: not implemented for bool tensors. Hint: use an integer or "
                        "floating point tensor")
    if not 0 < prob < 1:
        raise OpError(f"geometric_: geometric_ expects p to be in (0, 1), but got p={prob}")
    draws = random.rng("geometric_", generator).geometric(prob, self.shape)
    with np.errstate(over="ignore"):  # huge counts become inf in float16
        return _write(self, "geometric_", draws)

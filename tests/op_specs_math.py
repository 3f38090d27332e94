"""Op specs of the math ops (joined to ``SPECS`` in op_specs.py; the same fields and rules)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import BINARY, OpSpec

from autograd.testing import broadcastable_shapes, shapes


def _torch_style_remainder(a, b):
    mod = np.fmod(a, b)
    return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)


def _lerp_weight(shapes):
    return st.sampled_from([0.0, 0.3, 0.5, 0.8, 1.0, -0.4, 1.7]).map(lambda w: {"w": w})


DIVISION = broadcastable_shapes(2)
# x and bounds that broadcast to x's shape (PyTorch's clamp backward refuses a larger bound)
BOUNDS = shapes(min_dims=1).map(lambda s: (s, s[1:], s[-1:]))

SPECS: list[OpSpec] = [
    # ---- exponentials, logarithms, powers ----------------------------------------------
    OpSpec("exp2", lambda lib, x: x.exp2(), np.exp2),
    OpSpec("log2", lambda lib, x: lib.log2(x), np.log2, domains=("positive",)),
    OpSpec("log10", lambda lib, x: x.log10(), np.log10, domains=("positive",)),
    OpSpec("rsqrt", lambda lib, x: x.rsqrt(), lambda x: 1 / np.sqrt(x), domains=("positive",)),
    OpSpec("reciprocal", lambda lib, x: lib.reciprocal(x), lambda x: 1 / x, domains=("nonzero",)),
    OpSpec("square_fn", lambda lib, x: lib.square(x) + x.square(), lambda x: 2 * x * x),
    OpSpec("logaddexp", lambda lib, a, b: lib.logaddexp(a, b), np.logaddexp, BINARY),
    OpSpec("logaddexp2", lambda lib, a, b: a.logaddexp2(b), np.logaddexp2, BINARY),
    # ---- rounding: zero gradients, checked through `+ x` (away from the jumps) -----------
    OpSpec("floor", lambda lib, x: x.floor() + x, lambda x: np.floor(x) + x,
           domains=("distinct_offset",)),
    OpSpec("ceil", lambda lib, x: lib.ceil(x) + x, lambda x: np.ceil(x) + x,
           domains=("distinct_offset",)),
    OpSpec("trunc", lambda lib, x: x.trunc() + lib.fix(x) + x, lambda x: 2 * np.trunc(x) + x,
           domains=("distinct_offset",)),
    OpSpec("round", lambda lib, x: lib.round(x) * x, lambda x: np.round(x) * x,
           domains=("distinct_offset",)),
    OpSpec("round_decimals", lambda lib, x, **p: x.round(**p) + x,
           lambda x, decimals: np.round(x, decimals) + x, domains=("distinct",),
           params=lambda s: st.sampled_from([1, -1]).map(lambda d: {"decimals": d})),
    OpSpec("frac", lambda lib, x: x.frac() * 2, lambda x: 2 * (x - np.trunc(x)),
           domains=("distinct_offset",)),
    # a on the "distinct_offset" lattice (0.01 odd), b = 2 x "distinct_offset" (0.02 odd): a / b
    # is odd / (2 odd), never an integer, so fmod and remainder stay away from their jumps
    OpSpec("fmod", lambda lib, a, b: lib.fmod(a, b * 2), lambda a, b: np.fmod(a, b * 2), DIVISION,
           ("distinct_offset",)),
    OpSpec("fmod_scalar", lambda lib, a: a.fmod(-1.5), lambda a: np.fmod(a, -1.5),
           domains=("distinct_offset",)),
    OpSpec("remainder", lambda lib, a, b: a.remainder(b * 2),
           lambda a, b: _torch_style_remainder(a, b * 2), DIVISION, ("distinct_offset",)),
    OpSpec("remainder_scalar", lambda lib, a: lib.remainder(a, 2.5),
           lambda a: _torch_style_remainder(a, 2.5), domains=("distinct_offset",)),
    # ---- trigonometric and hyperbolic ------------------------------------------------------
    OpSpec("tan", lambda lib, x: x.tan(), np.tan, domains=("unit",)),
    OpSpec("sinh", lambda lib, x: x.sinh(), np.sinh),
    OpSpec("cosh", lambda lib, x: lib.cosh(x), np.cosh),
    OpSpec("asin", lambda lib, x: x.asin() + lib.arcsin(x), lambda x: 2 * np.arcsin(x),
           domains=("unit",)),
    OpSpec("acos", lambda lib, x: lib.acos(x) + x.arccos(), lambda x: 2 * np.arccos(x),
           domains=("unit",)),
    OpSpec("atan", lambda lib, x: x.atan() + lib.arctan(x), lambda x: 2 * np.arctan(x)),
    OpSpec("asinh", lambda lib, x: x.asinh() + lib.arcsinh(x), lambda x: 2 * np.arcsinh(x)),
    OpSpec("acosh", lambda lib, x: (x + 1).acosh() + lib.arccosh(x + 1),
           lambda x: 2 * np.arccosh(x + 1), domains=("positive",)),
    OpSpec("atanh", lambda lib, x: x.atanh() + lib.arctanh(x), lambda x: 2 * np.arctanh(x),
           domains=("unit",)),
    OpSpec("atan2", lambda lib, a, b: lib.atan2(a, b) + a.arctan2(b), lambda a, b: 2 * np.arctan2(a, b),
           BINARY, ("nonzero", "real")),  # a != 0: off the branch cut and the origin
    OpSpec("hypot", lambda lib, a, b: lib.hypot(a, b), np.hypot, BINARY, ("nonzero", "real")),
    # ---- interpolation and limits ----------------------------------------------------------
    OpSpec("lerp", lambda lib, a, b, w: lib.lerp(a, b, w), lambda a, b, w: a + w * (b - a),
           BINARY, params=_lerp_weight),
    OpSpec("lerp_tensor_weight", lambda lib, a, b, w: a.lerp(b, w), lambda a, b, w: a + w * (b - a),
           broadcastable_shapes(3)),
    OpSpec("clamp_min_fn", lambda lib, x: lib.clamp_min(x, -0.515) + x.clamp_max(0.735),
           lambda x: np.maximum(x, -0.515) + np.minimum(x, 0.735), domains=("distinct_offset",)),
    OpSpec("clamp_min_tensor", lambda lib, x, m: x.clamp_min(m), np.maximum, BINARY,
           ("distinct", "distinct_offset")),
    OpSpec("clamp_max_tensor", lambda lib, x, m: lib.clamp_max(x, m), np.minimum, BINARY,
           ("distinct", "distinct_offset")),
    OpSpec("clamp_tensors", lambda lib, x, lo, hi: x.clamp(lo, hi + 10),
           lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi + 10), BOUNDS,
           ("distinct", "distinct_offset")),
    OpSpec("nan_to_num", lambda lib, x: x.nan_to_num(nan=1.0) * x, lambda x: x * x),
    OpSpec("sgn", lambda lib, x: lib.sgn(x) * x + x.sgn(), lambda x: np.sign(x) * x + np.sign(x),
           domains=("nonzero",)),
    OpSpec("absolute", lambda lib, x: lib.absolute(x) + x.absolute(), lambda x: 2 * np.abs(x),
           domains=("nonzero",)),
    # ---- xlogy, float_power, copysign ------------------------------------------------------
    OpSpec("xlogy", lambda lib, x, y: lib.xlogy(x, y) + x.xlogy(y), lambda x, y: 2 * x * np.log(y),
           BINARY, ("real", "positive")),
    OpSpec("xlogy_scalar_other", lambda lib, x: lib.xlogy(x, 2.5), lambda x: x * np.log(2.5)),
    OpSpec("xlogy_scalar_self", lambda lib, y: lib.xlogy(-1.5, y), lambda y: -1.5 * np.log(y),
           domains=("positive",)),
    # float_power's result is float64 whatever the input: cast back, so that the float32 row
    # checks that the gradient reaches a float32 input as float32
    OpSpec("float_power", lambda lib, a, b: lib.float_power(a, b).to(a.dtype), np.power, BINARY,
           ("positive", "unit_nonzero")),
    OpSpec("float_power_scalars", lambda lib, a: (a.float_power(2.5) + lib.float_power(1.5, a)).to(a.dtype),
           lambda a: a ** 2.5 + 1.5 ** a, domains=("positive",)),
    # away from 0, where |x| has its kink and the sign of y jumps
    OpSpec("copysign", lambda lib, a, b: lib.copysign(a, b) * a, lambda a, b: np.copysign(a, b) * a,
           BINARY, ("nonzero",)),
    OpSpec("copysign_scalar", lambda lib, a: a.copysign(-1.0) + lib.copysign(a, 0.5) * a,
           lambda a: -np.abs(a) + np.abs(a) * a, domains=("nonzero",)),
]

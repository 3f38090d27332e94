"""The catalog of ``tests/test_node_names.py``: calls and PyTorch's name for the node each records.

Each case is ``C(id, name, next, build)``: ``build(lib)`` makes fresh inputs with ``lib``
(``autograd`` or ``torch``) and returns the call's output; ``name`` is PyTorch's (2.13) name of
its ``grad_fn``, pinned here so the test means something without PyTorch; ``next`` is the
names of ``grad_fn.next_functions`` (``AccumulateGrad`` for a leaf), pinned where ndgrad's
graph has PyTorch's structure one level down, None where it does not (see the test's
docstring for why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

import nn


class C(NamedTuple):
    id: str
    name: str | None
    next: str | None
    build: Callable[[Any], Any]


def F(lib):  # noqa: N802 - the usual spelling of nn.functional
    return lib.nn.functional if lib.__name__ == "torch" else nn.functional


def NN(lib):  # noqa: N802
    return lib.nn if lib.__name__ == "torch" else nn


def leaf(lib, *shape, seed=0):
    return lib.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def pos(lib, *shape, seed=0):
    return lib.tensor(np.abs(np.random.default_rng(seed).standard_normal(shape)) + 0.5,
                      requires_grad=True)


def prob(lib, *shape, seed=0):
    return lib.tensor(np.random.default_rng(seed).uniform(0.1, 0.9, shape), requires_grad=True)


def ints(lib, values):
    return lib.tensor(np.array(values, dtype=np.int64))


def x(lib):
    return leaf(lib, 3, 4)


def y(lib):
    return leaf(lib, 3, 4, seed=1)


def p_target(lib):
    return prob(lib, 3, 4, seed=1).detach()


def batch_norm(lib, training):
    stats = lib.zeros(4, dtype=lib.float64), lib.ones(4, dtype=lib.float64)
    return F(lib).batch_norm(x(lib), *stats, leaf(lib, 4), leaf(lib, 4), training=training)


def linear_layer(lib, bias=True):
    lib.manual_seed(0)
    return NN(lib).Linear(4, 5, bias=bias).double()


def _then(lib, change):
    """``z = x * 1``, changed in place by ``change(z)``: z's node."""
    z = x(lib) * 1
    change(z)
    return z


def _view_then(lib, change):
    """The view ``z[0]`` of ``z = x * 1`` after ``change`` wrote it in place: the view's node."""
    z = x(lib) * 1
    view = z[0]
    change(view)
    return view


def dropout(lib):
    lib.manual_seed(0)
    return F(lib).dropout(x(lib), 0.5)


CASES = [
    C("mul", "MulBackward0", "AccumulateGrad, AccumulateGrad", lambda lib: x(lib) * y(lib)),
    C("mul_scalar", "MulBackward0", "AccumulateGrad, None", lambda lib: x(lib) * 2),
    C("rmul_scalar", "MulBackward0", "AccumulateGrad, None", lambda lib: 2 * x(lib)),
    C("add", "AddBackward0", "AccumulateGrad, AccumulateGrad", lambda lib: x(lib) + y(lib)),
    C("add_scalar", "AddBackward0", "AccumulateGrad, None", lambda lib: x(lib) + 1),
    C("radd_scalar", "AddBackward0", "AccumulateGrad, None", lambda lib: 1 + x(lib)),
    C("sub", "SubBackward0", "AccumulateGrad, AccumulateGrad", lambda lib: x(lib) - y(lib)),
    C("sub_scalar", "SubBackward0", "AccumulateGrad, None", lambda lib: x(lib) - 1),
    C("rsub_scalar", "RsubBackward1", "AccumulateGrad", lambda lib: 1 - x(lib)),
    C("div", "DivBackward0", "AccumulateGrad, AccumulateGrad", lambda lib: x(lib) / y(lib)),
    C("div_scalar", "DivBackward0", "AccumulateGrad, None", lambda lib: x(lib) / 2),
    C("rdiv_scalar", "MulBackward0", None, lambda lib: 2 / x(lib)),
    C("neg", "NegBackward0", "AccumulateGrad", lambda lib: -x(lib)),
    C("pow_scalar", "PowBackward0", "AccumulateGrad", lambda lib: x(lib) ** 2),
    C("pow_tensor", "PowBackward1", "AccumulateGrad, AccumulateGrad", lambda lib: pos(lib, 3, 4) ** y(lib)),
    C("rpow", "PowBackward2", "AccumulateGrad", lambda lib: 2.0 ** x(lib)),
    C("pow_method", "PowBackward0", "AccumulateGrad", lambda lib: x(lib).pow(2)),
    C("pow_sum", "SumBackward0", "PowBackward0", lambda lib: x(lib).pow(2).sum()),
    C("square", "PowBackward0", "AccumulateGrad", lambda lib: x(lib).square()),
    C("true_divide", "DivBackward0", "AccumulateGrad, AccumulateGrad",
      lambda lib: lib.true_divide(x(lib), y(lib))),
    C("add_alpha", "AddBackward0", None, lambda lib: lib.add(x(lib), y(lib), alpha=2)),
    C("sub_alpha", "SubBackward0", None, lambda lib: lib.sub(x(lib), y(lib), alpha=2)),
    C("exp", "ExpBackward0", "AccumulateGrad", lambda lib: x(lib).exp()),
    C("log", "LogBackward0", "AccumulateGrad", lambda lib: pos(lib, 3).log()),
    C("sqrt", "SqrtBackward0", "AccumulateGrad", lambda lib: pos(lib, 3).sqrt()),
    C("abs", "AbsBackward0", "AccumulateGrad", lambda lib: x(lib).abs()),
    C("sign", "SignBackward0", "AccumulateGrad", lambda lib: x(lib).sign()),
    C("sgn", "SgnBackward0", "AccumulateGrad", lambda lib: x(lib).sgn()),
    C("sin", "SinBackward0", "AccumulateGrad", lambda lib: x(lib).sin()),
    C("cos", "CosBackward0", "AccumulateGrad", lambda lib: x(lib).cos()),
    C("tan", "TanBackward0", "AccumulateGrad", lambda lib: x(lib).tan()),
    C("tanh", "TanhBackward0", "AccumulateGrad", lambda lib: x(lib).tanh()),
    C("sigmoid", "SigmoidBackward0", "AccumulateGrad", lambda lib: x(lib).sigmoid()),
    C("relu", "ReluBackward0", "AccumulateGrad", lambda lib: x(lib).relu()),
    C("F.relu", "ReluBackward0", "AccumulateGrad", lambda lib: F(lib).relu(x(lib))),
    C("log1p", "Log1PBackward0", "AccumulateGrad", lambda lib: pos(lib, 3).log1p()),
    C("expm1", "Expm1Backward0", "AccumulateGrad", lambda lib: x(lib).expm1()),
    C("erf", "ErfBackward0", "AccumulateGrad", lambda lib: x(lib).erf()),
    C("exp2", "Exp2Backward0", "AccumulateGrad", lambda lib: x(lib).exp2()),
    C("log2", "Log2Backward0", "AccumulateGrad", lambda lib: pos(lib, 3).log2()),
    C("log10", "Log10Backward0", "AccumulateGrad", lambda lib: pos(lib, 3).log10()),
    C("rsqrt", "RsqrtBackward0", "AccumulateGrad", lambda lib: pos(lib, 3).rsqrt()),
    C("reciprocal", "ReciprocalBackward0", "AccumulateGrad", lambda lib: pos(lib, 3).reciprocal()),
    C("sinh", "SinhBackward0", "AccumulateGrad", lambda lib: x(lib).sinh()),
    C("cosh", "CoshBackward0", "AccumulateGrad", lambda lib: x(lib).cosh()),
    C("asin", "AsinBackward0", "AccumulateGrad", lambda lib: prob(lib, 3).asin()),
    C("acos", "AcosBackward0", "AccumulateGrad", lambda lib: prob(lib, 3).acos()),
    C("atan", "AtanBackward0", "AccumulateGrad", lambda lib: x(lib).atan()),
    C("asinh", "AsinhBackward0", "AccumulateGrad", lambda lib: x(lib).asinh()),
    C("acosh", "AcoshBackward0", "AddBackward0", lambda lib: (pos(lib, 3) + 1).acosh()),
    C("atanh", "AtanhBackward0", "AccumulateGrad", lambda lib: prob(lib, 3).atanh()),
    C("atan2", "Atan2Backward0", "AccumulateGrad, AccumulateGrad", lambda lib: lib.atan2(x(lib), y(lib))),
    C("hypot", "HypotBackward0", "AccumulateGrad, AccumulateGrad", lambda lib: lib.hypot(x(lib), y(lib))),
    C("logaddexp", "LogaddexpBackward0", "AccumulateGrad, AccumulateGrad",
      lambda lib: lib.logaddexp(x(lib), y(lib))),
    C("logaddexp2", "Logaddexp2Backward0", "AccumulateGrad, AccumulateGrad",
      lambda lib: lib.logaddexp2(x(lib), y(lib))),
    C("floor", "FloorBackward0", "AccumulateGrad", lambda lib: x(lib).floor()),
    C("ceil", "CeilBackward0", "AccumulateGrad", lambda lib: x(lib).ceil()),
    C("trunc", "TruncBackward0", "AccumulateGrad", lambda lib: x(lib).trunc()),
    C("round", "RoundBackward0", "AccumulateGrad", lambda lib: x(lib).round()),
    C("round_decimals", "RoundBackward1", "AccumulateGrad", lambda lib: x(lib).round(decimals=1)),
    C("frac", "FracBackward0", "AccumulateGrad", lambda lib: x(lib).frac()),
    C("fmod", "FmodBackward1", "AccumulateGrad, AccumulateGrad", lambda lib: lib.fmod(x(lib), y(lib))),
    C("fmod_scalar", "FmodBackward0", "AccumulateGrad", lambda lib: x(lib).fmod(1.5)),
    C("remainder", "RemainderBackward1", "AccumulateGrad, AccumulateGrad",
      lambda lib: x(lib).remainder(y(lib))),
    C("remainder_scalar", "RemainderBackward0", "AccumulateGrad", lambda lib: x(lib).remainder(1.5)),
    C("clamp", "ClampBackward1", "AccumulateGrad", lambda lib: x(lib).clamp(-0.5, 0.5)),
    C("clamp_min", "ClampMinBackward0", "AccumulateGrad", lambda lib: x(lib).clamp_min(0.0)),
    C("clamp_max", "ClampMaxBackward0", "AccumulateGrad", lambda lib: x(lib).clamp_max(0.0)),
    C("clamp_tensor", "ClampBackward0", None, lambda lib: x(lib).clamp(y(lib))),
    C("clamp_min_tensor", "ClampMinBackward1", "AccumulateGrad, AccumulateGrad",
      lambda lib: x(lib).clamp_min(y(lib))),
    C("clamp_max_tensor", "ClampMaxBackward1", "AccumulateGrad, AccumulateGrad",
      lambda lib: lib.clamp_max(x(lib), y(lib))),
    C("nan_to_num", "NanToNumBackward0", "AccumulateGrad", lambda lib: x(lib).nan_to_num()),
    C("lerp", "LerpBackward0", None, lambda lib: lib.lerp(x(lib), y(lib), 0.3)),
    C("lerp_tensor", "LerpBackward1", None, lambda lib: x(lib).lerp(y(lib), pos(lib, 3, 4, seed=2))),
    C("maximum", "MaximumBackward0", "AccumulateGrad, AccumulateGrad",
      lambda lib: lib.maximum(x(lib), y(lib))),
    C("minimum", "MinimumBackward0", "AccumulateGrad, AccumulateGrad",
      lambda lib: lib.minimum(x(lib), y(lib))),
    C("where", "WhereBackward0", "AccumulateGrad, AccumulateGrad",
      lambda lib: lib.where(x(lib) > 0, x(lib), y(lib))),
    C("masked_fill", "MaskedFillBackward0", "AccumulateGrad",
      lambda lib: x(lib).masked_fill(x(lib).detach() > 0, 1.0)),
    C("leaky_relu", "LeakyReluBackward0", "AccumulateGrad", lambda lib: F(lib).leaky_relu(x(lib), 0.1)),
    C("elu", "EluBackward0", "AccumulateGrad", lambda lib: F(lib).elu(x(lib))),
    C("softplus", "SoftplusBackward0", "AccumulateGrad", lambda lib: F(lib).softplus(x(lib))),
    C("gelu", "GeluBackward0", None, lambda lib: F(lib).gelu(x(lib))),
    C("gelu_tanh", "GeluBackward0", None, lambda lib: F(lib).gelu(x(lib), approximate="tanh")),
    C("silu", "SiluBackward0", None, lambda lib: F(lib).silu(x(lib))),
    C("logsigmoid", "LogSigmoidBackward0", None, lambda lib: F(lib).logsigmoid(x(lib))),
    C("softmax", "SoftmaxBackward0", "AccumulateGrad", lambda lib: x(lib).softmax(1)),
    C("F.softmax", "SoftmaxBackward0", "AccumulateGrad", lambda lib: F(lib).softmax(x(lib), dim=1)),
    C("log_softmax", "LogSoftmaxBackward0", "AccumulateGrad", lambda lib: F(lib).log_softmax(x(lib), dim=1)),
    C("dropout", "MulBackward0", "AccumulateGrad, None", lambda lib: dropout(lib)),
    C("dropout_eval", "MulBackward0", "AccumulateGrad, None",
      lambda lib: F(lib).dropout(x(lib) * 1, 0.5, training=False)),
    C("sum", "SumBackward0", "AccumulateGrad", lambda lib: x(lib).sum()),
    C("sum_dim", "SumBackward1", "AccumulateGrad", lambda lib: x(lib).sum(0)),
    C("sum_dims_keep", "SumBackward1", "AccumulateGrad", lambda lib: x(lib).sum((0, 1), keepdim=True)),
    C("mean", "MeanBackward0", "AccumulateGrad", lambda lib: x(lib).mean()),
    C("mean_dim", "MeanBackward1", "AccumulateGrad", lambda lib: x(lib).mean(0)),
    C("var", "VarBackward0", "AccumulateGrad", lambda lib: x(lib).var()),
    C("var_dim", "VarBackward0", "AccumulateGrad", lambda lib: x(lib).var(0)),
    C("std", "StdBackward0", "AccumulateGrad", lambda lib: x(lib).std()),
    C("std_dim", "StdBackward0", "AccumulateGrad", lambda lib: x(lib).std(1)),
    C("prod", "ProdBackward0", "AccumulateGrad", lambda lib: x(lib).prod()),
    C("prod_dim", "ProdBackward1", "AccumulateGrad", lambda lib: x(lib).prod(1)),
    C("amax", "AmaxBackward0", "AccumulateGrad", lambda lib: x(lib).amax()),
    C("amax_dim", "AmaxBackward0", "AccumulateGrad", lambda lib: x(lib).amax(1)),
    C("amin", "AminBackward0", "AccumulateGrad", lambda lib: x(lib).amin(0)),
    C("max", "MaxBackward1", "AccumulateGrad", lambda lib: x(lib).max()),
    C("max_dim", "MaxBackward0", "AccumulateGrad", lambda lib: x(lib).max(1).values),
    C("max_dim_indices_values", "MaxBackward0", "AccumulateGrad", lambda lib: x(lib).max(dim=0)[0]),
    C("min", "MinBackward1", "AccumulateGrad", lambda lib: x(lib).min()),
    C("min_dim", "MinBackward0", "AccumulateGrad", lambda lib: x(lib).min(1).values),
    C("max_binary", "MaximumBackward0", "AccumulateGrad, AccumulateGrad",
      lambda lib: lib.max(x(lib), y(lib))),
    C("logsumexp", "LogsumexpBackward0", "AccumulateGrad", lambda lib: x(lib).logsumexp(1)),
    C("median", "MedianBackward0", "AccumulateGrad", lambda lib: x(lib).median()),
    C("median_dim", "MedianBackward1", "AccumulateGrad", lambda lib: x(lib).median(1).values),
    C("mode", "ModeBackward0", "AccumulateGrad", lambda lib: x(lib).mode(1).values),
    C("kthvalue", "KthvalueBackward0", "AccumulateGrad", lambda lib: x(lib).kthvalue(2, 1).values),
    C("topk", "TopkBackward0", "AccumulateGrad", lambda lib: x(lib).topk(2).values),
    C("sort", "SortBackward0", "AccumulateGrad", lambda lib: x(lib).sort(1).values),
    C("msort", "SortBackward0", "AccumulateGrad", lambda lib: x(lib).msort()),
    C("cumsum", "CumsumBackward0", "AccumulateGrad", lambda lib: x(lib).cumsum(1)),
    C("cumprod", "CumprodBackward0", "AccumulateGrad", lambda lib: x(lib).cumprod(1)),
    C("cummax", "CummaxBackward0", "AccumulateGrad", lambda lib: x(lib).cummax(1).values),
    C("cummin", "CumminBackward0", "AccumulateGrad", lambda lib: x(lib).cummin(1).values),
    C("logcumsumexp", "LogcumsumexpBackward0", "AccumulateGrad", lambda lib: x(lib).logcumsumexp(1)),
    C("trace", "TraceBackward0", None, lambda lib: x(lib).trace()),
    C("norm", "LinalgVectorNormBackward0", "AccumulateGrad", lambda lib: x(lib).norm()),
    C("norm_dim", "LinalgVectorNormBackward0", "AccumulateGrad", lambda lib: x(lib).norm(dim=1)),
    C("vector_norm", "LinalgVectorNormBackward0", "AccumulateGrad",
      lambda lib: lib.linalg.vector_norm(x(lib))),
    C("vector_norm_1", "LinalgVectorNormBackward0", "AccumulateGrad",
      lambda lib: lib.linalg.vector_norm(x(lib), 1)),
    C("vector_norm_inf", "LinalgVectorNormBackward0", "AccumulateGrad",
      lambda lib: lib.linalg.vector_norm(x(lib), float("inf"))),
    C("matrix_norm", "LinalgVectorNormBackward0", "AccumulateGrad",
      lambda lib: lib.linalg.matrix_norm(x(lib))),
    C("linalg_norm", "LinalgVectorNormBackward0", "AccumulateGrad", lambda lib: lib.linalg.norm(x(lib))),
    C("dist", "DistBackward0", None, lambda lib: lib.dist(x(lib), y(lib))),
    C("cdist", "CdistBackward0", None, lambda lib: lib.cdist(x(lib), y(lib))),
    C("reshape", "ViewBackward0", "AccumulateGrad", lambda lib: x(lib).reshape(12)),
    C("reshape_noncontig", "UnsafeViewBackward0", None, lambda lib: x(lib).t().reshape(12)),
    C("reshape_same", "ViewBackward0", "AccumulateGrad", lambda lib: x(lib).reshape(3, 4)),
    C("view", "ViewBackward0", "AccumulateGrad", lambda lib: x(lib).view(2, 6)),
    C("view_as", "ViewBackward0", "AccumulateGrad", lambda lib: x(lib).view_as(y(lib))),
    C("flatten", "ViewBackward0", "AccumulateGrad", lambda lib: x(lib).flatten()),
    C("flatten_1d", None, None, lambda lib: leaf(lib, 3).flatten()),
    C("flatten_noncontig", "UnsafeViewBackward0", None, lambda lib: x(lib).t().flatten()),
    C("squeeze", "SqueezeBackward0", "AccumulateGrad", lambda lib: leaf(lib, 3, 1).squeeze()),
    C("squeeze_dim", "SqueezeBackward1", "AccumulateGrad", lambda lib: leaf(lib, 3, 1).squeeze(1)),
    C("unsqueeze", "UnsqueezeBackward0", "AccumulateGrad", lambda lib: x(lib).unsqueeze(0)),
    C("T", "PermuteBackward0", "AccumulateGrad", lambda lib: x(lib).T),
    C("t", "TBackward0", "AccumulateGrad", lambda lib: x(lib).t()),
    C("T_1d", "TBackward0", "AccumulateGrad", lambda lib: leaf(lib, 3).t()),
    C("T_3d", "PermuteBackward0", "AccumulateGrad", lambda lib: leaf(lib, 2, 3, 4).permute(2, 1, 0)),
    C("mT", "TransposeBackward0", "AccumulateGrad", lambda lib: leaf(lib, 2, 3, 4).mT),
    C("transpose", "TransposeBackward0", "AccumulateGrad", lambda lib: x(lib).transpose(0, 1)),
    C("swapdims", "TransposeBackward0", "AccumulateGrad", lambda lib: x(lib).swapdims(0, 1)),
    C("permute", "PermuteBackward0", "AccumulateGrad", lambda lib: leaf(lib, 2, 3, 4).permute(1, 0, 2)),
    C("movedim", "PermuteBackward0", "AccumulateGrad", lambda lib: lib.movedim(leaf(lib, 2, 3, 4), 0, 2)),
    C("expand", "ExpandBackward0", "AccumulateGrad", lambda lib: leaf(lib, 3, 1).expand(3, 4)),
    C("expand_as", "ExpandBackward0", "AccumulateGrad", lambda lib: leaf(lib, 3, 1).expand_as(y(lib))),
    C("broadcast_to", "ExpandBackward0", "AccumulateGrad",
      lambda lib: lib.broadcast_to(leaf(lib, 3, 1), (3, 4))),
    C("cat", "CatBackward0", "AccumulateGrad, AccumulateGrad", lambda lib: lib.cat([x(lib), y(lib)])),
    C("stack", "StackBackward0", "AccumulateGrad, AccumulateGrad", lambda lib: lib.stack([x(lib), y(lib)])),
    C("clone", "CloneBackward0", "AccumulateGrad", lambda lib: x(lib).clone()),
    C("contiguous", "CloneBackward0", "TBackward0", lambda lib: x(lib).t().contiguous()),
    C("to_float32", "ToCopyBackward0", "AccumulateGrad", lambda lib: x(lib).to(lib.float32)),
    C("float", "ToCopyBackward0", "AccumulateGrad", lambda lib: x(lib).float()),
    C("type_as", "ToCopyBackward0", "AccumulateGrad", lambda lib: x(lib).type_as(ints(lib, [1.0]).float())),
    C("detach_mul", "MulBackward0", "None, AccumulateGrad", lambda lib: x(lib).detach() * y(lib)),
    C("flip", "FlipBackward0", "AccumulateGrad", lambda lib: x(lib).flip(0)),
    C("roll", "RollBackward0", "AccumulateGrad", lambda lib: x(lib).roll(1, 0)),
    C("repeat", "RepeatBackward0", "AccumulateGrad", lambda lib: x(lib).repeat(2, 1)),
    C("tile", "RepeatBackward0", "AccumulateGrad", lambda lib: x(lib).tile((2, 1))),
    C("repeat_interleave", "ViewBackward0", None, lambda lib: x(lib).repeat_interleave(2, dim=0)),
    C("narrow", "SliceBackward0", "AccumulateGrad", lambda lib: x(lib).narrow(1, 1, 2)),
    C("chunk", "SplitBackward0", "AccumulateGrad", lambda lib: x(lib).chunk(2, 1)[0]),
    C("split", "SplitBackward0", "AccumulateGrad", lambda lib: x(lib).split(2, 1)[1]),
    C("unbind", "UnbindBackward0", "AccumulateGrad", lambda lib: x(lib).unbind(0)[0]),
    C("tril", "TrilBackward0", "AccumulateGrad", lambda lib: x(lib).tril()),
    C("triu", "TriuBackward0", "AccumulateGrad", lambda lib: x(lib).triu(1)),
    C("diagonal", "DiagonalBackward0", "AccumulateGrad", lambda lib: x(lib).diagonal()),
    C("diag_vector", "DiagEmbedBackward0", "AccumulateGrad", lambda lib: leaf(lib, 3).diag()),
    C("diag_matrix", "DiagonalBackward0_copy", None, lambda lib: x(lib).diag()),
]

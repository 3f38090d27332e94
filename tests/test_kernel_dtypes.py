"""Dtypes an op has no kernel for are refused as PyTorch refuses them (issue 12): bool ``relu``,
``abs``, ``argmax``, ``x - True``; integer ``elu``, ``gelu``, ``softmax``... Never a silent float
result where torch raises; the message names the op and the dtype."""

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import nn
import nn.functional as F

# (name, call(lib, functional, x)): the same call in ndgrad and in torch
CALLS = [
    ("abs", lambda lib, f, x: lib.abs(x)), ("positive", lambda lib, f, x: lib.positive(x)),
    ("relu", lambda lib, f, x: lib.relu(x)), ("argmax", lambda lib, f, x: lib.argmax(x)),
    ("argmin", lambda lib, f, x: lib.argmin(x, 0)), ("topk", lambda lib, f, x: lib.topk(x, 1)[0]),
    ("kthvalue", lambda lib, f, x: lib.kthvalue(x, 1)[0]),
    ("trace", lambda lib, f, x: lib.trace(lib.outer(x, x))),
    ("searchsorted", lambda lib, f, x: lib.searchsorted(x, x)),
    ("sub", lambda lib, f, x: lib.sub(x, 1)), ("sub rsub", lambda lib, f, x: 1 - x),
    ("sub tensors", lambda lib, f, x: x - x),
    ("sub of True", lambda lib, f, x: x - True), ("neg", lambda lib, f, x: -x),
    ("elu", lambda lib, f, x: f.elu(x)), ("gelu", lambda lib, f, x: f.gelu(x)),
    ("leaky_relu", lambda lib, f, x: f.leaky_relu(x)), ("silu", lambda lib, f, x: f.silu(x)),
    ("softplus", lambda lib, f, x: f.softplus(x)), ("logsigmoid", lambda lib, f, x: f.logsigmoid(x)),
    ("softmax", lambda lib, f, x: f.softmax(x, 0)), ("log_softmax", lambda lib, f, x: f.log_softmax(x, 0)),
    ("torch.softmax", lambda lib, f, x: lib.softmax(x, 0)),
    ("method softmax", lambda lib, f, x: x.softmax(0)), ("method relu", lambda lib, f, x: x.relu()),
    ("method abs", lambda lib, f, x: x.abs()), ("method argmax", lambda lib, f, x: x.argmax()),
    ("softmax dtype=", lambda lib, f, x: f.softmax(x, 0, dtype=lib.float64)),
    ("sigmoid", lambda lib, f, x: lib.sigmoid(x)), ("sort", lambda lib, f, x: lib.sort(x)[0]),
    ("cumsum", lambda lib, f, x: lib.cumsum(x, 0)), ("sum", lambda lib, f, x: lib.sum(x)),
    ("binary_cross_entropy_with_logits", lambda lib, f, x: f.binary_cross_entropy_with_logits(x, x)),
    ("binary_cross_entropy_with_logits ", lambda lib, f, x: f.binary_cross_entropy_with_logits(
        x, lib.ones(3))),
]
DTYPES = ["bool", "int64", "int32", "uint8", "float32"]


def _outcome(call, lib, functional, x):
    try:
        result = call(lib, functional, x)
    except (RuntimeError, TypeError, ValueError) as error:  # NotImplementedError is a RuntimeError
        return None, error
    return result, None


@requires_torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_an_op_refuses_the_dtypes_torch_refuses_and_computes_the_rest_like_torch(name, call, dtype):
    values = np.array([1, 0, 1]) if dtype == "bool" else np.array([2, 0, 1])
    ours, our_error = _outcome(call, ag, F, ag.tensor(values.astype(dtype)))
    theirs, their_error = _outcome(call, torch, torch.nn.functional, torch.tensor(values.astype(dtype)))
    if their_error is not None:
        assert our_error is not None, f"{name}({dtype}) gave {ours!r}; torch raised {their_error}"
        op = name.split()[-1] if name.startswith(("method ", "torch.")) else name.split()[0]
        assert str(our_error).startswith(f"{op.removeprefix('torch.')}: "), str(our_error)
        return
    assert our_error is None, f"{name}({dtype}) raised {our_error}; torch gave {theirs!r}"
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: F.elu(ag.tensor([1, 2])), r"^elu: \"elu_cpu\" not implemented for 'Long' \(input dtype "
                                       r"int64\)\. Hint: convert first, e\.g\. x\.float\(\)"),
    (lambda: F.softmax(ag.tensor([1]), 0), r"^softmax: .* not implemented for 'Long'.*Hint: pass dtype="),
    (lambda: ag.relu(ag.tensor([True])), r"^relu: \"relu_cpu\" not implemented for 'Bool'"),
    (lambda: ag.tensor([True]).relu(), r"^relu: "),
    (lambda: ag.argmax(ag.tensor([True])), r"^argmax: .* for 'Bool'"),
    (lambda: ag.tensor([1.0]) - ag.tensor([True]), r"^sub: Subtraction, the `-` operator, with a bool "
                                                    r"tensor is not supported\. Hint: to invert a mask"),
    (lambda: nn.GELU()(ag.tensor([1])), r"^gelu: \"gelu_cpu\" not implemented for 'Long'"),
    (lambda: nn.Embedding(3, 2)(ag.tensor([1], dtype=ag.uint8)), r"^embedding: expected the indices"),
    (lambda: F.binary_cross_entropy_with_logits(ag.ones(2), ag.ones(2, dtype=ag.int64)),
     r"^binary_cross_entropy_with_logits: target dtype torch.int64 must be floating"),
    (lambda: F.binary_cross_entropy_with_logits(ag.ones(2, dtype=ag.int64), ag.ones(2)),
     r"^binary_cross_entropy_with_logits: .* for 'Long'"),
])
def test_a_refused_dtype_names_the_op_the_dtype_and_a_way_out(call, message):
    with pytest.raises((RuntimeError, TypeError), match=message):
        call()


@requires_torch
@pytest.mark.parametrize(("logits", "target"), [("float64", "float32"), ("float32", "float64"),
                                                ("float64", "float64")])
def test_bce_with_logits_has_the_targets_dtype_as_in_torch(logits, target):
    x, y = np.array([0.5, -1.0]), np.array([1.0, 0.0])
    ours = F.binary_cross_entropy_with_logits(ag.tensor(x.astype(logits)), ag.tensor(y.astype(target)))
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(x.astype(logits)), torch.tensor(y.astype(target)))
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-6)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: ag.fmod(ag.tensor([3]), ag.tensor([0])), ag.OpError, r"^fmod: ZeroDivisionError"),
    (lambda: ag.remainder(ag.tensor([3]), 0), ag.OpError, r"^remainder: ZeroDivisionError"),
    (lambda: ag.zeros(10 ** 12, 10 ** 12), ag.OpError, r"^zeros: cannot allocate a tensor of shape"),
    (lambda: ag.empty(2, 10 ** 13), ag.OpError, r"^empty: cannot allocate .* bytes\): not enough "),
    (lambda: ag.ones(2).new_zeros(10 ** 13), ag.OpError, r"^new_zeros: cannot allocate"),
    (lambda: ag.full((10 ** 13,), 1.0), ag.OpError, r"^full: cannot allocate"),
    (lambda: ag.tensor(1.0).flatten(1), IndexError, r"^flatten: dim 1 is out of range"),
    (lambda: ag.zeros(1, 2).squeeze((0, 0)), ag.OpError, r"^squeeze: dim \(0, 0\) repeats a dim"),
    (lambda: ag.zeros(2, 2).sum((1, -1)), ag.OpError, r"^sum: dim \(1, -1\) repeats a dim"),
    (lambda: ag.allclose(ag.ones(1), ag.ones(1), rtol=float("nan")), ag.OpError,
     r"^allclose: rtol must be greater than or equal to zero, but got nan"),
    (lambda: ag.linspace(ag.tensor(0.0), ag.tensor([1.0]), 3), ag.OpError,
     r"^linspace: only 0-dimensional start and end tensors"),
    (lambda: ag.repeat_interleave(ag.tensor([1], dtype=ag.uint8)), TypeError,
     r"^repeat_interleave: repeats must be .* int64 or int32"),
    (lambda: ag.repeat_interleave(ag.tensor([1]), output_size=ag.tensor(False)), TypeError,
     r"^repeat_interleave\(\): argument 'output_size'"),
    (lambda: ag.broadcast_to(ag.ones(1), 3), TypeError,
     r"^broadcast_to\(\): argument 'shape' must be a tuple"),
    (lambda: ag.einsum(ag.ones(1), 0), TypeError, r"^einsum: the sublist form takes operands"),
    (lambda: ag.einsum(0), TypeError, r"^einsum\(\): the first argument must be the equation"),
    (lambda: ag.iinfo([1, 2]), TypeError, r"^iinfo\(\): argument 'dtype': \[1, 2\] is not a data type"),
    (lambda: ag.binary_cross_entropy(ag.ones(0), ag.ones(3)), ValueError,
     r"^binary_cross_entropy: Using a target size \(\(3,\)\) that is different to the input size"),
    (lambda: ag.cross_entropy(ag.ones(2), ag.tensor([0])), ag.OpError,
     r"^cross_entropy: expected logits \(N, C\) and integer class indices \(N,\)"),
])
def test_each_refusal_is_the_documented_error_naming_the_function(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_fused_cross_entropy_of_an_empty_batch_is_nan_as_in_torch():
    loss = ag.cross_entropy(ag.zeros(0, 3), ag.tensor([], dtype=ag.int64))
    assert np.isnan(loss.item()) and loss.dtype == ag.float32
    assert np.isnan(F.cross_entropy(ag.zeros(0, 3), ag.tensor([], dtype=ag.int64)).item())

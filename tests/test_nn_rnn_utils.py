"""nn.utils.rnn against torch.nn.utils.rnn in float64: packing, padding and their gradients,
the sort order of unsorted batches, errors; and the bad-input fuzzer on its functions."""

import inspect

import numpy as np
import pytest
from bad_input import FUZZ_SETTINGS, argument, check_call
from conftest import requires_torch, torch
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from nn.utils import rnn


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def both(x):
    return ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def assert_same(a, b):
    assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)


def backward_both(a, b, seed=5):
    g = randn(*b.shape, seed=seed)
    (a * ag.tensor(g)).sum().backward()
    (b * torch.from_numpy(g)).sum().backward()


LENGTHS = [([4, 3, 3, 1], True), ([2, 4, 1, 2], False), ([3, 3, 3, 3], False), ([1], True)]


@requires_torch
@pytest.mark.parametrize(("lengths", "enforce_sorted"), LENGTHS)
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_padded_sequence_and_back_match_torch(lengths, enforce_sorted, batch_first):
    steps, batch = max(lengths), len(lengths)
    x, x_t = both(randn(*((batch, steps, 2) if batch_first else (steps, batch, 2))))
    lengths_t = torch.tensor(lengths)
    packed = rnn.pack_padded_sequence(x, ag.tensor(lengths), batch_first, enforce_sorted)
    packed_t = torch.nn.utils.rnn.pack_padded_sequence(x_t, lengths_t, batch_first, enforce_sorted)
    assert_same(packed.data, packed_t.data)
    for a, b in zip(packed[1:], packed_t[1:]):
        assert (a is None) == (b is None) and (a is None or a.tolist() == b.tolist())
    padded, out_lengths = rnn.pad_packed_sequence(packed, batch_first, -1.5, steps + 1)
    padded_t, out_lengths_t = torch.nn.utils.rnn.pad_packed_sequence(packed_t, batch_first, -1.5,
                                                                     steps + 1)
    assert_same(padded, padded_t)
    assert_same(out_lengths, out_lengths_t)
    backward_both(padded, padded_t)
    assert_same(x.grad, x_t.grad)


@requires_torch
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_and_pack_sequence_match_torch(batch_first, padding_side):
    shapes = [(3, 2), (1, 2), (4, 2)]
    pairs = [both(randn(*s, seed=i)) for i, s in enumerate(shapes)]
    ours, theirs = [p[0] for p in pairs], [p[1] for p in pairs]
    padded = rnn.pad_sequence(ours, batch_first, 7.0, padding_side)
    padded_t = torch.nn.utils.rnn.pad_sequence(theirs, batch_first, 7.0, padding_side)
    assert_same(padded, padded_t)
    backward_both(padded, padded_t)
    packed = rnn.pack_sequence(ours, enforce_sorted=False)
    packed_t = torch.nn.utils.rnn.pack_sequence(theirs, enforce_sorted=False)
    assert_same(packed.data, packed_t.data)
    assert packed.sorted_indices.tolist() == packed_t.sorted_indices.tolist()
    backward_both(packed.data, packed_t.data, seed=6)
    for a, b in zip(ours, theirs):
        assert_same(a.grad, b.grad)
    for a, b in zip(rnn.unpack_sequence(packed), torch.nn.utils.rnn.unpack_sequence(packed_t)):
        assert_same(a, b)


@requires_torch
def test_unpad_sequence_matches_torch():
    x = randn(4, 3, 2)
    lengths = [4, 1, 3]
    ours = rnn.unpad_sequence(ag.tensor(x), ag.tensor(lengths))
    theirs = torch.nn.utils.rnn.unpad_sequence(torch.tensor(x), torch.tensor(lengths))
    for a, b in zip(ours, theirs):
        assert_same(a, b)


def test_packed_sequence_is_a_tuple_of_four_fields_with_its_inverse_order():
    packed = rnn.PackedSequence(ag.zeros(3, 2), ag.tensor([2, 1]), ag.tensor([1, 0]))
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    assert unsorted_indices.tolist() == [1, 0] and not packed.is_cuda
    assert packed.double().data.dtype == ag.float64 and packed.to(ag.float32) is packed
    assert rnn.invert_permutation(ag.tensor([2, 0, 1])).tolist() == [1, 2, 0]
    assert rnn.invert_permutation(None) is None


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: rnn.pack_padded_sequence(ag.zeros(3, 2), [1, 3]), RuntimeError,
     "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True"),
    (lambda: rnn.pack_padded_sequence(ag.zeros(3, 2), [3, 2, 1]), ValueError,
     r"Expected `len\(lengths\)` to be equal to batch_size, but got 3 \(batch_size=2\)"),
    (lambda: rnn.pack_padded_sequence(ag.zeros(3, 2), [3, 0]), RuntimeError,
     "Length of all samples has to be greater than 0"),
    (lambda: rnn.pad_packed_sequence(rnn.pack_padded_sequence(ag.zeros(3, 2), [3, 2]),
                                     total_length=2), ValueError,
     "Expected total_length to be at least the length of the longest sequence in input, but got "
     "total_length=2 and max sequence length being 3"),
    (lambda: rnn.pad_sequence([ag.zeros(2)], padding_side="up"), ValueError, "padding_side"),
    (lambda: rnn.pad_sequence(3), RuntimeError, "Expected iterable for input sequences"),
])
def test_bad_calls_are_refused_with_torch_s_words(call, error, match):
    with pytest.raises(error, match=match):
        call()


FUNCTIONS = ["pad_sequence", "pack_padded_sequence", "pad_packed_sequence", "pack_sequence",
             "unpad_sequence", "unpack_sequence", "invert_permutation"]


@requires_torch
@pytest.mark.parametrize("name", FUNCTIONS)
@FUZZ_SETTINGS
@given(data=st.data())
def test_a_bad_call_is_refused_clearly_or_gives_torch_s_result(name, data):
    fn = getattr(rnn, name)
    params = list(inspect.signature(fn).parameters.values())
    required = [p.name for p in params if p.default is p.empty]
    args = tuple(data.draw(argument(n), label=n) for n in required)
    optional = [p.name for p in params if p.default is not p.empty]
    names = data.draw(st.lists(st.sampled_from(optional), max_size=2, unique=True)) if optional else []
    check_call(f"torch.nn.utils.rnn.{name}", fn, getattr(torch.nn.utils.rnn, name), args,
               {n: data.draw(argument(n), label=n) for n in names})


def test_torch_nn_utils_rnn_is_ndgrad_s_after_install_as_torch():
    import pathlib
    import subprocess
    import sys

    code = ("import ndgrad; ndgrad.install_as_torch()\n"
            "import torch, nn.utils.rnn\n"
            "from torch.nn.utils.rnn import pack_padded_sequence, PackedSequence\n"
            "assert torch.nn.utils.rnn is nn.utils.rnn and PackedSequence is nn.utils.rnn.PackedSequence\n"
            "out, _ = torch.nn.GRU(3, 4)(pack_padded_sequence(torch.zeros(5, 2, 3), [5, 2]))\n"
            "print(type(out).__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=pathlib.Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "PackedSequence", done.stderr

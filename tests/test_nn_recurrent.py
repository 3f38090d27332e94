"""RNN, LSTM, GRU and their cells against PyTorch in float64 (weights copied by state_dict key):
outputs, final states and the gradients of the input, the initial state and every parameter, in
every configuration; init bounds, reprs, errors and a gradcheck."""

import itertools
import warnings

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import nn
from nn.utils import rnn as rnn_utils

T, B, I, H, P = 4, 3, 5, 6, 2  # noqa: E741 - steps, batch, input, hidden, projection sizes

KINDS = {  # name -> (class name, extra constructor arguments)
    "rnn_tanh": ("RNN", {}), "rnn_relu": ("RNN", {"nonlinearity": "relu"}), "lstm": ("LSTM", {}),
    "lstm_proj": ("LSTM", {"proj_size": P}), "gru": ("GRU", {}),
}


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def build(kind, **kwargs):
    """The same layer in both libraries, float64, with ndgrad's weights copied into torch's."""
    name, extra = KINDS[kind]
    ours = getattr(nn, name)(I, H, **extra, **kwargs).double()
    theirs = getattr(torch.nn, name)(I, H, **extra, **kwargs).double()
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.detach().numpy()))
                            for k, v in ours.state_dict().items()})
    return ours, theirs


def state_shapes(ours, batch):
    """h_0's (and c_0's) shape."""
    layers = ours.num_layers * (2 if ours.bidirectional else 1)
    shapes = [(layers, batch, ours.proj_size or ours.hidden_size)]
    return shapes + [(layers, batch, ours.hidden_size)] * (ours.mode == "LSTM")


def leaves(arrays):
    return ([ag.tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


def flat(result):
    """(output, h) or (output, (h, c)) as a list of tensors (a PackedSequence by its data)."""
    out, state = result
    out = out.data if isinstance(out, (rnn_utils.PackedSequence, torch.nn.utils.rnn.PackedSequence)) else out
    return [out, *(state if isinstance(state, tuple) else (state,))]


def assert_close(ours, theirs, what):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-7, atol=1e-9,
                               err_msg=what)


def compare(ours, theirs, make_input, x_arrays, h_arrays):
    """Run both on the same leaves, backward the same random weighting of every result, compare."""
    xs, xs_t = leaves(x_arrays)
    hs, hs_t = leaves(h_arrays)
    pack = (lambda hs: None) if not hs else (lambda hs: hs[0] if len(hs) == 1 else tuple(hs))
    got = flat(ours(make_input(ag, rnn_utils, xs), pack(hs)))
    want = flat(theirs(make_input(torch, torch.nn.utils.rnn, xs_t), pack(hs_t)))
    assert len(got) == len(want)
    weights = [randn(*w.shape, seed=10 + i) for i, w in enumerate(want)]
    sum(((g * ag.tensor(w)).sum() for g, w in zip(got, weights)), ag.tensor(0.0)).backward()
    sum((w_t * torch.from_numpy(w)).sum() for w_t, w in zip(want, weights)).backward()
    for i, (g, w) in enumerate(zip(got, want)):
        assert tuple(g.shape) == tuple(w.shape), f"result {i}"
        assert_close(g, w, f"result {i}")
    for i, (a, b) in enumerate(zip(xs + hs, xs_t + hs_t)):
        assert_close(a.grad, b.grad, f"grad of input {i}")
    theirs_params = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(theirs_params)
    for name, p in ours.named_parameters():
        assert_close(p.grad, theirs_params[name].grad, f"grad of {name}")


def padded(lib, utils, xs):
    return xs[0]


CONFIGS = list(itertools.product(KINDS, [1, 2], [False, True], [False, True], [True, False],
                                 [False, True]))


@requires_torch
@pytest.mark.parametrize(("kind", "num_layers", "bidirectional", "batch_first", "bias", "initial"),
                         CONFIGS, ids=["-".join(map(str, c)) for c in CONFIGS])
def test_layer_matches_torch(kind, num_layers, bidirectional, batch_first, bias, initial):
    ours, theirs = build(kind, num_layers=num_layers, bidirectional=bidirectional,
                         batch_first=batch_first, bias=bias)
    x = randn(B, T, I) if batch_first else randn(T, B, I)
    h = [randn(*s, seed=2 + i) for i, s in enumerate(state_shapes(ours, B))] if initial else []
    compare(ours, theirs, padded, [x], h)


@requires_torch
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("initial", [False, True])
def test_unbatched_input_matches_torch(kind, batch_first, initial):
    ours, theirs = build(kind, num_layers=2, bidirectional=True, batch_first=batch_first)
    h = [randn(*s, seed=2 + i)[:, 0] for i, s in enumerate(state_shapes(ours, 1))] if initial else []
    compare(ours, theirs, padded, [randn(T, I)], h)


@requires_torch
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("bidirectional", "num_layers"), [(False, 1), (True, 2)])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("initial", [False, True])
def test_packed_input_matches_torch(kind, bidirectional, num_layers, enforce_sorted, initial):
    ours, theirs = build(kind, num_layers=num_layers, bidirectional=bidirectional)
    lengths = [4, 2, 2, 1] if enforce_sorted else [2, 4, 1, 2]

    def make(lib, utils, xs):
        return utils.pack_padded_sequence(xs[0], lengths, enforce_sorted=enforce_sorted)

    h = [randn(*s, seed=2 + i) for i, s in enumerate(state_shapes(ours, 4))] if initial else []
    compare(ours, theirs, make, [randn(T, 4, I)], h)


@requires_torch
def test_packed_output_keeps_the_batch_sizes_and_order():
    ours, theirs = build("lstm")
    x = randn(T, 3, I)
    packed = rnn_utils.pack_padded_sequence(ag.tensor(x), [2, 4, 1], enforce_sorted=False)
    out, _ = ours(packed)
    out_t, _ = theirs(torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), [2, 4, 1],
                                                              enforce_sorted=False))
    assert isinstance(out, rnn_utils.PackedSequence)
    for a, b in zip(out[1:], out_t[1:]):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    padded_out, lengths = rnn_utils.pad_packed_sequence(out)
    assert lengths.tolist() == [2, 4, 1]
    np.testing.assert_allclose(padded_out.detach().numpy(),
                               torch.nn.utils.rnn.pad_packed_sequence(out_t)[0].detach().numpy())


CELLS = {"rnn_tanh": ("RNNCell", {}), "rnn_relu": ("RNNCell", {"nonlinearity": "relu"}),
         "lstm": ("LSTMCell", {}), "gru": ("GRUCell", {})}


@requires_torch
@pytest.mark.parametrize("kind", CELLS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("initial", [False, True])
@pytest.mark.parametrize("batched", [True, False])
def test_cell_matches_torch(kind, bias, initial, batched):
    name, extra = CELLS[kind]
    ours = getattr(nn, name)(I, H, bias=bias, **extra).double()
    theirs = getattr(torch.nn, name)(I, H, bias=bias, **extra).double()
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.detach().numpy()))
                            for k, v in ours.state_dict().items()})
    shape = (B, H) if batched else (H,)
    count = 2 if name == "LSTMCell" else 1
    xs, xs_t = leaves([randn(*((B, I) if batched else (I,)))])
    hs, hs_t = leaves([randn(*shape, seed=3 + i) for i in range(count)] if initial else [])
    pack = (lambda hs: None) if not hs else (lambda hs: hs[0] if count == 1 else tuple(hs))
    got, want = ours(xs[0], pack(hs)), theirs(xs_t[0], pack(hs_t))
    got, want = (got, want) if count == 2 else ((got,), (want,))
    sum((g * (i + 1.5)).sum() for i, g in enumerate(got)).backward()
    sum((w * (i + 1.5)).sum() for i, w in enumerate(want)).backward()
    for g, w in zip(got, want):
        assert_close(g, w, "output")
    for a, b in zip(xs + hs, xs_t + hs_t):
        assert_close(a.grad, b.grad, "input grad")
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad, n)


# ---- construction ---------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: nn.LSTM(7, 16, num_layers=2, bidirectional=True, proj_size=4),
                                  lambda: nn.GRU(7, 16), lambda: nn.RNN(7, 16),
                                  lambda: nn.LSTMCell(7, 16), lambda: nn.GRUCell(7, 16)])
def test_every_weight_is_uniform_within_one_over_sqrt_hidden(make):
    ag.manual_seed(0)
    layer = make()
    bound = 1 / np.sqrt(16)
    values = np.concatenate([p.detach().numpy().ravel() for p in layer.parameters()])
    assert values.dtype == np.float32
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.95 * bound
    assert abs(values.std() - bound / np.sqrt(3)) < 0.05 * bound


@requires_torch
@pytest.mark.parametrize(("name", "kwargs"), [
    ("LSTM", {"num_layers": 2, "bidirectional": True, "proj_size": 2, "dropout": 0.1,
              "batch_first": True, "bias": False}),
    ("RNN", {"nonlinearity": "relu"}), ("GRU", {"num_layers": 3}), ("RNNCell", {"bias": False}),
    ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}), ("GRUCell", {"bias": False})])
def test_repr_names_and_shapes_match_torch(name, kwargs):
    ours, theirs = getattr(nn, name)(3, 4, **kwargs), getattr(torch.nn, name)(3, 4, **kwargs)
    assert repr(ours) == repr(theirs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    if hasattr(theirs, "all_weights"):
        assert [[tuple(p.shape) for p in ws] for ws in ours.all_weights] == \
            [[tuple(p.shape) for p in ws] for ws in theirs.all_weights]
        ours.flatten_parameters()


def test_dtype_and_double():
    layer = nn.GRU(3, 4, dtype=ag.float64)
    assert all(p.dtype == ag.float64 for p in layer.parameters())
    out, h = nn.LSTM(3, 4).double()(ag.randn(2, 1, 3, dtype=ag.float64))[0], None
    assert out.dtype == ag.float64 and h is None


@requires_torch
def test_dropout_between_layers_in_training_only():
    ours, theirs = build("lstm", num_layers=2, dropout=0.5)
    x = randn(T, B, I)
    ag.manual_seed(0)
    a, b = ours(ag.tensor(x))[0], ours(ag.tensor(x))[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    ours.eval()
    theirs.eval()
    np.testing.assert_allclose(ours(ag.tensor(x))[0].detach().numpy(),
                               theirs(torch.tensor(x))[0].detach().numpy(), rtol=1e-10)


def test_dropout_acts_between_layers_only():
    """With p = 1 every input of layer 1 is zero in training: the output no longer depends on x
    (and equals torch's), while layer 0's final state still does."""
    for kind in ("rnn_tanh", "lstm", "gru"):
        ours, theirs = build(kind, num_layers=2, dropout=1.0)
        outs = [ours(ag.tensor(randn(T, B, I, seed=s))) for s in (1, 2)]
        first = [o[1][0] if kind == "lstm" else o[1] for o in outs]  # h_n
        np.testing.assert_array_equal(outs[0][0].detach().numpy(), outs[1][0].detach().numpy())
        assert not np.allclose(first[0][0].detach().numpy(), first[1][0].detach().numpy())
        expected = theirs(torch.tensor(randn(T, B, I, seed=1)))[0].detach().numpy()
        np.testing.assert_allclose(outs[0][0].detach().numpy(), expected, rtol=1e-10, atol=1e-12)


def test_dropout_with_one_layer_warns_as_torch():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1, but "
                                         "got dropout=0.5 and num_layers=1"):
        nn.LSTM(3, 4, dropout=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LSTM(3, 4, num_layers=2, dropout=0.5)


# ---- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda: nn.LSTM(0, 4), ValueError, "LSTM: input_size must be greater than zero"),
    (lambda: nn.GRU(3, 0), ValueError, "hidden_size must be greater than zero"),
    (lambda: nn.RNN(3, 4, num_layers=0), ValueError, "num_layers must be greater than zero"),
    (lambda: nn.RNN(3.5, 4), TypeError, "input_size should be of type int, got: float"),
    (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, "proj_size has to be smaller than hidden_size"),
    (lambda: nn.LSTM(3, 4, proj_size=-1), ValueError, "proj_size should be a positive integer"),
    (lambda: nn.LSTM(3, 4, dropout=1.5), ValueError, r"dropout should be a number in range \[0, 1\]"),
    (lambda: nn.RNN(3, 4, nonlinearity="gelu"), ValueError, "Unknown nonlinearity 'gelu'"),
    (lambda: nn.RNNCell(3, 4, nonlinearity="gelu"), ValueError, "RNNCell: Unknown nonlinearity"),
    (lambda: nn.LSTM(3, 4, bias=1), TypeError, "bias"),
    (lambda: nn.RNNBase("XYZ", 3, 4), ValueError, "Unrecognized RNN mode: XYZ"),
])
def test_bad_construction_is_refused(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(("layer", "args", "error", "match"), [
    (nn.LSTM(3, 4), (ag.zeros(2, 1, 3), (ag.zeros(1, 2, 4), ag.zeros(1, 1, 4))), RuntimeError,
     r"LSTM: Expected hidden\[0\] size \(1, 1, 4\), got \[1, 2, 4\]"),
    (nn.LSTM(3, 4), (ag.zeros(2, 1, 3), (ag.zeros(1, 1, 4), ag.zeros(1, 1, 5))), RuntimeError,
     r"Expected hidden\[1\] size \(1, 1, 4\), got \[1, 1, 5\]"),
    (nn.GRU(3, 20, num_layers=1), (ag.zeros(5, 3, 3), ag.zeros(1, 2, 20)), RuntimeError,
     r"GRU: Expected hidden size \(1, 3, 20\), got \[1, 2, 20\]"),
    (nn.RNN(3, 4), (ag.zeros(2, 1, 3), ag.zeros(2, 4)), RuntimeError,
     "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
    (nn.LSTM(3, 4), (ag.zeros(2, 3), (ag.zeros(1, 1, 4), ag.zeros(1, 4))), RuntimeError,
     r"For unbatched 2-D input, hx and cx should also be 2-D but got \(3-D, 2-D\) tensors"),
    (nn.RNN(3, 4), (ag.zeros(2, 1, 4),), RuntimeError,
     "input.size\\(-1\\) must be equal to input_size. Expected 3, got 4"),
    (nn.RNN(3, 4), (ag.zeros(3),), ValueError, "RNN: Expected input to be 2D or 3D, got 1D"),
    (nn.GRU(3, 4), (ag.zeros(0, 2, 3),), RuntimeError, "Expected sequence length to be larger than 0"),
    (nn.LSTM(3, 4), (ag.zeros(2, 1, 3, dtype=ag.float64),), ValueError,
     r"LSTM: RNN input dtype \(torch.float64\) does not match weight dtype \(torch.float32\)"),
    (nn.LSTM(3, 4), (ag.zeros(2, 1, 3), ag.zeros(1, 1, 4)), TypeError, "LSTM: hx must be a tuple"),
    (nn.RNN(3, 4), ([1.0, 2.0],), TypeError, "RNN: input must be a Tensor or a PackedSequence"),
    (nn.RNNCell(3, 4), (ag.zeros(2, 1, 3),), ValueError, "RNNCell: Expected input to be 1D or 2D"),
    (nn.GRUCell(3, 4), (ag.zeros(2, 5),), RuntimeError, "input has inconsistent input_size: got 5"),
    (nn.LSTMCell(3, 4), (ag.zeros(2, 3), (ag.zeros(3, 4), ag.zeros(2, 4))), RuntimeError,
     "Input batch size 2 doesn't match hidden0 batch size 3"),
    (nn.RNNCell(3, 4), (ag.zeros(2, 3), ag.zeros(2, 5)), RuntimeError,
     "hidden0 has inconsistent hidden_size: got 5, expected 4"),
    (nn.GRUCell(3, 4), (ag.zeros(3), ag.zeros(2, 4)), RuntimeError,
     r"GRUCell: Expected hidden to be 1D as the input, got 2D \(shape \[2, 4\]\)"),
    (nn.LSTM(3, 4), (ag.zeros(2, 1, 3), (ag.zeros(1, 1, 4, dtype=ag.float64), ag.zeros(1, 1, 4))),
     RuntimeError, r"LSTM: hidden\[0\] dtype \(torch.float64\) does not match the input dtype"),
])
def test_bad_forward_is_refused_with_torch_s_words(layer, args, error, match):
    with pytest.raises(error, match=match):
        layer(*args)


# ---- gradcheck ------------------------------------------------------------------------------
def test_small_lstm_passes_gradcheck():
    """Numerical gradients of the input and both initial states (the parameters' are torch's)."""
    ag.manual_seed(0)
    layer = nn.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=2).double()
    x = ag.tensor(randn(3, 2, 2), requires_grad=True)
    h0 = ag.tensor(randn(4, 2, 2, seed=1), requires_grad=True)
    c0 = ag.tensor(randn(4, 2, 3, seed=2), requires_grad=True)

    def run(x, h0, c0):
        out, (h, c) = layer(x, (h0, c0))
        return out, h, c

    assert ag.gradcheck(run, (x, h0, c0), raise_exception=True)

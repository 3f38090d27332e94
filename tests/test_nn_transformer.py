"""Transformer layers, stacks and the full model against PyTorch in float64: the same weights
(copied by state_dict key), outputs, input and parameter gradients; options, masks, errors."""

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn

pytestmark = requires_torch

TOL = {"rtol": 1e-7, "atol": 1e-9}
D, H, FF = 8, 2, 12


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def close(ours, theirs, **tol):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), **(tol or TOL))


def same_weights(ours, theirs):
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.detach().numpy()))
                            for k, v in ours.state_dict().items()})


def both(make):
    ours, theirs = make(OURS), make(torch)
    same_weights(ours, theirs)
    return ours, theirs


def compare(ours, theirs, arrays, masks=None, **flags):
    """Forward both on the same inputs (grad required: PyTorch's fast path stays off), backward
    the same upstream gradient, compare output, input and parameter gradients."""
    ins = [ag.tensor(a, requires_grad=True) for a in arrays]
    ins_t = [torch.from_numpy(np.array(a)).requires_grad_() for a in arrays]
    masks = masks or {}
    out = ours(*ins, **{k: ag.tensor(v) for k, v in masks.items()}, **flags)
    out_t = theirs(*ins_t, **{k: torch.from_numpy(v) for k, v in masks.items()}, **flags)
    close(out, out_t)
    g = randn(*out.shape, seed=99)
    out.backward(ag.tensor(g))
    out_t.backward(torch.from_numpy(g))
    for a, b in zip(ins, ins_t):
        close(a.grad, b.grad)
    theirs_params = dict(theirs.named_parameters())
    names = [n for n, _ in ours.named_parameters()]
    assert names == list(theirs_params)
    for name, p in ours.named_parameters():
        close(p.grad, theirs_params[name].grad)


def activation(kind):
    return {"relu": lambda lib: "relu", "gelu": lambda lib: "gelu",
            "function": lambda lib: lib.nn.functional.gelu,
            "module": lambda lib: lib.nn.Tanh()}[kind]


LAYER_OPTIONS = [
    {}, {"norm_first": True}, {"batch_first": True}, {"bias": False}, {"activation": "gelu"},
    {"activation": "function"}, {"activation": "module"}, {"layer_norm_eps": 1e-3},
    {"batch_first": True, "norm_first": True, "activation": "gelu"},
]


def layer(cls, options):
    options = dict(options)
    act = activation(options.pop("activation", "relu"))
    return lambda lib: getattr(lib.nn, cls)(D, H, FF, dropout=0.0, activation=act(lib),
                                            dtype=lib.float64, **options)


def shape(n, options, batch=3):
    if batch == 0:
        return (n, D)
    return (batch, n, D) if options.get("batch_first") else (n, batch, D)


def padding(batch, n, seed=5):
    mask = np.random.default_rng(seed).random((batch, n) if batch else (n,)) > 0.7
    mask[..., 0] = False  # each sequence keeps a key
    return mask


def causal(n):
    return np.triu(np.full((n, n), -np.inf), 1)


# ---- TransformerEncoderLayer -------------------------------------------------------------------
@pytest.mark.parametrize("options", LAYER_OPTIONS)
@pytest.mark.parametrize("batch", [3, 0])
def test_encoder_layer_matches_torch(options, batch):
    ours, theirs = both(layer("TransformerEncoderLayer", options))
    compare(ours, theirs, [randn(*shape(5, options, batch))])


@pytest.mark.parametrize("masks", [
    {"src_mask": "bool"}, {"src_mask": "float"}, {"src_key_padding_mask": "bool"},
    {"src_mask": "causal", "src_key_padding_mask": "float"}, {"src_mask": "causal", "is_causal": True},
])
def test_encoder_layer_masks_match_torch(masks):
    masks = dict(masks)
    flags = {"is_causal": masks.pop("is_causal")} if "is_causal" in masks else {}
    made = {}
    for name, kind in masks.items():
        if name == "src_key_padding_mask":
            made[name] = padding(3, 5) if kind == "bool" else np.where(padding(3, 5), -1e9, 0.0)
        else:
            made[name] = {"bool": np.eye(5, k=1, dtype=bool), "float": randn(5, 5, seed=4),
                          "causal": causal(5)}[kind]
    ours, theirs = both(layer("TransformerEncoderLayer", {}))
    compare(ours, theirs, [randn(5, 3, D)], made, **flags)


def test_encoder_layer_activation_attributes_follow_torch():
    for act, code in (("relu", 1), ("gelu", 2), (nn.functional.silu, 0), (nn.ReLU(), 1), (nn.GELU(), 2)):
        assert nn.TransformerEncoderLayer(D, H, FF, activation=act).activation_relu_or_gelu == code
    assert nn.TransformerEncoderLayer(D, H, FF).activation is nn.functional.relu
    module = nn.TransformerEncoderLayer(D, H, FF, activation=nn.Tanh())
    assert dict(module.named_children())["activation"] is module.activation


@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda: nn.TransformerEncoderLayer(D, H, FF, activation="tanh"), RuntimeError, "relu/gelu, not tanh"),
    (lambda: nn.TransformerEncoderLayer(D, H, FF, activation=3), TypeError, "activation"),
    (lambda: nn.TransformerEncoderLayer(D, 3, FF), ValueError, "divisible"),
    (lambda: nn.TransformerDecoderLayer(D, H, -1), ag.OpError, "out_features"),
    (lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(D, H, FF), -1), ag.OpError, "num_layers"),
    (lambda: nn.TransformerEncoder(3, 2), TypeError, "Module"),
    (lambda: nn.Transformer.generate_square_subsequent_mask(-1), ag.OpError, "sz"),
])
def test_constructor_errors_name_the_class(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ---- TransformerDecoderLayer -------------------------------------------------------------------
@pytest.mark.parametrize("options", LAYER_OPTIONS)
@pytest.mark.parametrize("batch", [3, 0])
def test_decoder_layer_matches_torch(options, batch):
    ours, theirs = both(layer("TransformerDecoderLayer", options))
    compare(ours, theirs, [randn(*shape(4, options, batch)), randn(*shape(6, options, batch), seed=1)])


def test_decoder_layer_masks_match_torch():
    ours, theirs = both(layer("TransformerDecoderLayer", {"batch_first": True}))
    masks = {"tgt_mask": causal(4), "memory_mask": randn(4, 6, seed=3),
             "tgt_key_padding_mask": padding(3, 4), "memory_key_padding_mask": padding(3, 6, seed=6)}
    compare(ours, theirs, [randn(3, 4, D), randn(3, 6, D, seed=1)], masks, tgt_is_causal=True)


# ---- the stacks and the model ------------------------------------------------------------------
def test_encoder_clones_its_layer_and_matches_torch():
    def make(lib):
        return lib.nn.TransformerEncoder(layer("TransformerEncoderLayer", {})(lib), 3,
                                         norm=lib.nn.LayerNorm(D, dtype=lib.float64),
                                         enable_nested_tensor=False)

    ours, theirs = both(make)
    weights = [m.linear1.weight for m in ours.layers]
    assert len({id(w) for w in weights}) == 3
    assert all(np.array_equal(w.detach().numpy(), weights[0].detach().numpy()) for w in weights)
    for i, m in enumerate(ours.layers):  # let the layers differ
        with ag.no_grad():
            m.linear1.weight.mul_(1.0 + 0.1 * i)
    same_weights(ours, theirs)
    compare(ours, theirs, [randn(5, 3, D)], {"mask": causal(5), "src_key_padding_mask": padding(3, 5)})
    compare(ours, theirs, [randn(5, D)], {"mask": causal(5)}, is_causal=True)


def test_decoder_matches_torch():
    def make(lib):
        return lib.nn.TransformerDecoder(layer("TransformerDecoderLayer", {"norm_first": True})(lib), 2,
                                         norm=lib.nn.LayerNorm(D, dtype=lib.float64))

    ours, theirs = both(make)
    compare(ours, theirs, [randn(4, 3, D), randn(6, 3, D, seed=1)],
            {"tgt_mask": causal(4), "memory_key_padding_mask": padding(3, 6)})


@pytest.mark.parametrize("options", [{}, {"batch_first": True, "norm_first": True}])
def test_transformer_matches_torch(options):
    def make(lib):
        return lib.nn.Transformer(D, H, 2, 2, FF, dropout=0.0, dtype=lib.float64, **options)

    ours, theirs = both(make)
    b = options.get("batch_first", False)
    src, tgt = randn(*((3, 6, D) if b else (6, 3, D))), randn(*((3, 4, D) if b else (4, 3, D)), seed=1)
    compare(ours, theirs, [src, tgt], {"tgt_mask": causal(4), "src_key_padding_mask": padding(3, 6)})
    compare(ours, theirs, [src[0] if b else src[:, 0], tgt[0] if b else tgt[:, 0]])


def test_transformer_init_is_xavier_and_keys_follow_torch():
    ag.manual_seed(0)
    ours = nn.Transformer(16, 2, 1, 1, 32)
    theirs = torch.nn.Transformer(16, 2, 1, 1, 32)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    w = ours.encoder.layers[0].linear1.weight.detach().numpy()  # (32, 16)
    bound = np.sqrt(6 / (16 + 32))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound


def test_generate_square_subsequent_mask_is_torch_s():
    for sz in (0, 1, 4):
        ours = nn.Transformer.generate_square_subsequent_mask(sz)
        theirs = torch.nn.Transformer.generate_square_subsequent_mask(sz)
        assert ours.dtype == ag.float32
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=ag.float64).dtype == ag.float64


@pytest.mark.parametrize(("call", "match"), [
    (lambda m: m(ag.randn(5, 3, D), ag.randn(4, 2, D)), "batch number of src and tgt"),
    (lambda m: m(ag.randn(5, 3, D), ag.randn(4, 3, D + 1)), "feature number"),
    (lambda m: m(ag.randn(5), ag.randn(4, 3, D)), "2-D"),
])
def test_transformer_forward_errors(call, match):
    with pytest.raises(ag.OpError, match=f"^Transformer: .*{match}"):
        call(nn.Transformer(D, H, 1, 1, FF))


def test_eval_mode_matches_torch_s_fast_path_without_grad():
    ours, theirs = both(layer("TransformerEncoderLayer", {"batch_first": True}))
    ours.eval()
    theirs.eval()
    x = randn(3, 5, D)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x), src_key_padding_mask=torch.from_numpy(padding(3, 5)))
    got = ours(ag.tensor(x), src_key_padding_mask=ag.tensor(padding(3, 5)))
    # the fast path returns zeros at padded positions (nested tensors); compare the kept ones
    kept = ~padding(3, 5)
    np.testing.assert_allclose(got.detach().numpy()[kept], expected.numpy()[kept], rtol=1e-6, atol=1e-8)


def test_dropout_in_training_changes_outputs_and_eval_does_not():
    ag.manual_seed(0)
    model = nn.TransformerEncoderLayer(D, H, FF, dropout=0.5)
    x = ag.randn(5, 3, D)
    a, b = model(x), model(x)
    assert a.shape == (5, 3, D) and not np.allclose(a.detach().numpy(), b.detach().numpy())
    model.eval()
    np.testing.assert_array_equal(model(x).detach().numpy(), model(x).detach().numpy())

"""scaled_dot_product_attention and MultiheadAttention against PyTorch in float64 (outputs,
attention weights, input and parameter gradients), their errors, and gradcheck."""

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn
import nn.functional as F

TOL = {"rtol": 1e-7, "atol": 1e-9}


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def close(ours, theirs):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), **TOL)


def pair(array, requires_grad=True):
    """The same values as an ndgrad and a torch tensor."""
    theirs = torch.from_numpy(np.array(array))
    return ag.tensor(array, requires_grad=requires_grad), theirs.requires_grad_(requires_grad)


# ---- scaled_dot_product_attention ------------------------------------------------------------
def _mask(kind, shape, seed=3):
    rng = np.random.default_rng(seed)
    if kind == "bool":
        mask = rng.random(shape) > 0.4
        mask[..., 0, :] = False  # a fully masked row: zeros, not NaN
        return mask
    return rng.standard_normal(shape)


SDPA_CASES = [
    ((3, 4), (5, 4), (5, 6), {}),
    ((2, 3, 4), (2, 5, 4), (2, 5, 6), {}),
    ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3), {"is_causal": True}),
    ((2, 2, 5, 4), (2, 2, 3, 4), (2, 2, 3, 3), {"is_causal": True}),
    ((2, 3, 4), (1, 5, 4), (1, 5, 6), {"scale": 0.3}),
    ((1, 2, 2, 3, 4), (1, 2, 2, 5, 4), (1, 2, 2, 5, 4), {"mask": ("bool", (3, 5))}),
    ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), {"mask": ("bool", (2, 1, 3, 5))}),
    ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), {"mask": ("float", (3, 5))}),
    ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), {"mask": ("float", (2, 2, 3, 5))}),
    ((2, 4, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), {"enable_gqa": True}),
    ((2, 0, 4), (2, 5, 4), (2, 5, 6), {}),
    ((2, 3, 4), (2, 0, 4), (2, 0, 6), {}),
]


@requires_torch
@pytest.mark.parametrize(("q", "k", "v", "options"), SDPA_CASES)
def test_sdpa_matches_torch(q, k, v, options):
    options = dict(options)
    mask = options.pop("mask", None)
    ours_in = [pair(randn(*shape, seed=i)) for i, shape in enumerate((q, k, v))]
    ours_mask = theirs_mask = None
    if mask is not None:
        ours_mask, theirs_mask = pair(_mask(*mask), requires_grad=mask[0] == "float")
    out = F.scaled_dot_product_attention(*(o for o, _ in ours_in), attn_mask=ours_mask, **options)
    out_t = torch.nn.functional.scaled_dot_product_attention(
        *(t for _, t in ours_in), attn_mask=theirs_mask, **options)
    close(out, out_t)
    g = randn(*out.shape, seed=9)
    out.backward(ag.tensor(g))
    out_t.backward(torch.from_numpy(g))
    for o, t in ours_in:
        close(o.grad, t.grad)
    if mask is not None and mask[0] == "float":
        close(ours_mask.grad, theirs_mask.grad)


def test_sdpa_fully_masked_rows_give_zeros_and_zero_gradients():
    q = ag.tensor(randn(2, 3, 4), requires_grad=True)
    mask = ag.tensor(np.array([[True] * 5, [False] * 5, [True, False] * 2 + [True]]))
    out = F.scaled_dot_product_attention(q, q[:, :1].expand(2, 5, 4), q[:, :1].expand(2, 5, 4),
                                         attn_mask=mask)
    assert np.all(out.detach().numpy()[:, 1] == 0)
    out.sum().backward()
    assert np.isfinite(q.grad.numpy()).all()


def test_sdpa_gradcheck():
    q, k, v = (ag.tensor(randn(2, 3, 4, seed=s), requires_grad=True) for s in range(3))
    mask = ag.tensor(randn(3, 3, seed=5), requires_grad=True)
    assert ag.gradcheck(lambda *a: F.scaled_dot_product_attention(*a, is_causal=True), (q, k, v))
    assert ag.gradcheck(lambda *a: F.scaled_dot_product_attention(*a[:3], attn_mask=a[3]),
                        (q, k, v, mask))
    assert ag.gradgradcheck(lambda *a: F.scaled_dot_product_attention(*a), (q, k, v))


def test_sdpa_dropout_keeps_shape_and_expectation():
    ag.manual_seed(0)
    q = ag.zeros(4, 200, 8)  # uniform weights 1/S: the output is the mean of the values
    v = ag.ones(4, 50, 8)
    out = F.scaled_dot_product_attention(q, ag.zeros(4, 50, 8), v, dropout_p=0.3).numpy()
    assert out.shape == (4, 200, 8)
    assert abs(out.mean() - 1.0) < 0.02  # kept weights are scaled by 1 / (1 - p)
    assert out.std() > 0.05  # and some were dropped


@pytest.mark.parametrize(("call", "match"), [
    (lambda q: F.scaled_dot_product_attention(q, q, q, attn_mask=ag.ones(3, 3, dtype=ag.bool),
                                              is_causal=True), "is_causal"),
    (lambda q: F.scaled_dot_product_attention(q, q, q, attn_mask=ag.ones(3, 4, dtype=ag.bool)),
     "attn_mask"),
    (lambda q: F.scaled_dot_product_attention(q, q, q, attn_mask=ag.ones(3, 3, dtype=ag.int64)),
     "attn_mask dtype"),
    (lambda q: F.scaled_dot_product_attention(q[0, 0], q[0, 0], q[0, 0]), "at least 2-D"),
    (lambda q: F.scaled_dot_product_attention(q, q[..., :2], q), "last dim E"),
    (lambda q: F.scaled_dot_product_attention(q, q, q[:, :2]), "source length"),
    (lambda q: F.scaled_dot_product_attention(q, q.float(), q), "same dtype"),
    (lambda q: F.scaled_dot_product_attention(q.long(), q.long(), q.long()), "not implemented"),
    (lambda q: F.scaled_dot_product_attention(q, q, q, dropout_p=1.5), "dropout probability"),
    (lambda q: F.scaled_dot_product_attention(q, q, q, dropout_p="a"), "dropout_p"),
    (lambda q: F.scaled_dot_product_attention(q[:, None].expand(2, 3, 3, 4), q[:, None].expand(2, 2, 3, 4),
                                              q[:, None].expand(2, 2, 3, 4), enable_gqa=True), "enable_gqa"),
])
def test_sdpa_refuses_what_torch_refuses(call, match):
    q = ag.tensor(randn(2, 3, 4))
    with pytest.raises((ag.OpError, ValueError, TypeError), match=f"^scaled_dot_product_attention.*{match}"):
        call(q)


# ---- MultiheadAttention ------------------------------------------------------------------------
def build(lib, **options):
    return lib.nn.MultiheadAttention(6, 2, dtype=lib.float64, **options)


def mha_both(options, modes=("train",)):
    ours, theirs = build(OURS, **options), build(torch, **options)
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.detach().numpy()))
                            for k, v in ours.state_dict().items()})
    if "eval" in modes:
        ours.eval()
        theirs.eval()
    return ours, theirs


MHA_CASES = [
    ({}, {}),
    ({"bias": False}, {}),
    ({"add_bias_kv": True}, {}),
    ({"add_zero_attn": True}, {}),
    ({"add_bias_kv": True, "add_zero_attn": True}, {"key_padding_mask": "bool", "attn_mask": "bool2"}),
    ({"kdim": 4, "vdim": 5}, {}),
    ({"batch_first": True}, {}),
    ({}, {"need_weights": False}),
    ({}, {"average_attn_weights": False}),
    ({}, {"key_padding_mask": "bool"}),
    ({}, {"key_padding_mask": "float"}),
    ({}, {"attn_mask": "bool2"}),
    ({}, {"attn_mask": "float3"}),
    ({}, {"attn_mask": "causal", "is_causal": True}),
    ({}, {"attn_mask": "causal", "is_causal": True, "need_weights": False}),
    ({"batch_first": True}, {"attn_mask": "float3", "key_padding_mask": "float", "need_weights": False}),
]


def _masks(options, length, source, batch, heads=2):
    rng = np.random.default_rng(7)
    made = {}
    for name, kind in options.items():
        if kind == "bool":
            made[name] = rng.random((batch, source)) > 0.7 if batch else rng.random(source) > 0.7
        elif kind == "float":
            made[name] = rng.standard_normal((batch, source) if batch else (source,))
        elif kind == "bool2":
            made[name] = rng.random((length, source)) > 0.7
        elif kind == "float3":  # (N H, L, S); unbatched (H, L, S)
            made[name] = rng.standard_normal(((batch or 1) * heads, length, source))
        elif kind == "causal":
            made[name] = np.triu(np.full((length, source), -np.inf), 1)
        else:
            made[name] = kind
    return made


@requires_torch
@pytest.mark.parametrize("unbatched", [False, True])
@pytest.mark.parametrize(("options", "call"), MHA_CASES)
def test_multihead_attention_matches_torch(options, call, unbatched):
    ours, theirs = mha_both(options)
    batch, length, source = (0 if unbatched else 3), 4, 5
    first = options.get("batch_first", False)

    def shape(n, features):
        if unbatched:
            return (n, features)
        return (batch, n, features) if first else (n, batch, features)

    inputs = [pair(randn(*shape(length, 6), seed=1)),
              pair(randn(*shape(source, options.get("kdim", 6)), seed=2)),
              pair(randn(*shape(source, options.get("vdim", 6)), seed=3))]
    kwargs = _masks(call, length, source, batch)
    ours_kw = {k: ag.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    theirs_kw = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    out, weights = ours(*(o for o, _ in inputs), **ours_kw)
    out_t, weights_t = theirs(*(t for _, t in inputs), **theirs_kw)
    close(out, out_t)
    assert (weights is None) == (weights_t is None)
    g = randn(*out.shape, seed=11)
    loss, loss_t = (out * ag.tensor(g)).sum(), (out_t * torch.from_numpy(g)).sum()
    if weights is not None:
        close(weights, weights_t)
        gw = randn(*weights.shape, seed=12)
        loss = loss + (weights * ag.tensor(gw)).sum()
        loss_t = loss_t + (weights_t * torch.from_numpy(gw)).sum()
    loss.backward()
    loss_t.backward()
    for o, t in inputs:
        close(o.grad, t.grad)
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        close(p.grad, theirs_params[name].grad)


@requires_torch
def test_multihead_attention_state_dict_keys_and_init_follow_torch():
    for options in ({}, {"kdim": 4, "vdim": 5}, {"add_bias_kv": True, "bias": False}):
        ours, theirs = nn.MultiheadAttention(8, 2, **options), torch.nn.MultiheadAttention(8, 2, **options)
        assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
            {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
        assert type(ours.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
        assert isinstance(ours.out_proj, nn.Linear)
    ag.manual_seed(0)
    ours = nn.MultiheadAttention(64, 4)
    weight = ours.in_proj_weight.detach().numpy()
    bound = np.sqrt(6.0 / (64 + 3 * 64))
    assert np.abs(weight).max() <= bound and np.abs(weight).max() > 0.95 * bound
    assert np.all(ours.in_proj_bias.detach().numpy() == 0)
    assert np.all(ours.out_proj.bias.detach().numpy() == 0)


@requires_torch
def test_multihead_attention_eval_matches_torch_without_grad():
    ours, theirs = mha_both({"batch_first": True}, modes=("eval",))
    x, xt = pair(randn(2, 4, 6), requires_grad=False)
    mask = np.random.default_rng(0).random((2, 4)) > 0.7
    mask[:, 0] = False
    with ag.no_grad(), torch.no_grad():
        out, w = ours(x, x, x, key_padding_mask=ag.tensor(mask))
        out_t, w_t = theirs(xt, xt, xt, key_padding_mask=torch.from_numpy(mask))
    close(out, out_t)
    close(w, w_t)


def test_multihead_attention_dropout_in_training_only():
    ag.manual_seed(0)
    layer = nn.MultiheadAttention(4, 1, dropout=0.5)
    x = ag.randn(6, 2, 4)
    _, w1 = layer(x, x, x)
    assert w1.shape == (2, 6, 6)
    layer.eval()
    _, w2 = layer(x, x, x)
    np.testing.assert_allclose(w2.detach().numpy().sum(-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(("build_args", "match"), [
    ((6, 4), "divisible by num_heads"),
    ((0, 1), "greater than 0"),
    ((6, 0), "greater than 0"),
    ((6.0, 2), "embed_dim must be an int"),
])
def test_multihead_attention_constructor_errors(build_args, match):
    with pytest.raises((ValueError, TypeError), match=f"^MultiheadAttention.*{match}"):
        nn.MultiheadAttention(*build_args)


@pytest.mark.parametrize(("call", "match"), [
    (lambda m, x: m(x[0, 0], x[0, 0], x[0, 0]), "query should be unbatched 2D or batched 3D"),
    (lambda m, x: m(x, x[0], x[0]), "expected key and value to be 3-D"),
    (lambda m, x: m(x, x, x, key_padding_mask=ag.ones(3, dtype=ag.bool)),
     "key_padding_mask to be None or 2-D"),
    (lambda m, x: m(x, x, x, key_padding_mask=ag.ones(2, 4, dtype=ag.bool)), "key_padding_mask of shape"),
    (lambda m, x: m(x, x, x, attn_mask=ag.ones(3, 4, dtype=ag.bool)), "2D attn_mask"),
    (lambda m, x: m(x, x, x, attn_mask=ag.ones(5, 3, 3, dtype=ag.bool)), "3D attn_mask"),
    (lambda m, x: m(x, x, x, attn_mask=ag.ones(3, 3, dtype=ag.int64)), "only bool and floating"),
    (lambda m, x: m(x, x, x, is_causal=True), "need attn_mask"),
    (lambda m, x: m(x[..., :4], x[..., :4], x[..., :4]), "embedding dimension of 6"),
    (lambda m, x: m(x, x, x[:2]), "key shape"),
])
def test_multihead_attention_forward_errors(call, match):
    layer = nn.MultiheadAttention(6, 2)
    x = ag.tensor(randn(3, 2, 6)).float()
    with pytest.raises(ag.OpError, match=f"^(multi_head_attention_forward|MultiheadAttention).*{match}"):
        call(layer, x)


@requires_torch
def test_multihead_attention_warns_of_mismatched_mask_types():
    layer = nn.MultiheadAttention(6, 2)
    x = ag.randn(3, 2, 6)
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        layer(x, x, x, key_padding_mask=ag.zeros(2, 3, dtype=ag.bool), attn_mask=ag.zeros(3, 3))


@requires_torch
@pytest.mark.parametrize("separate", [False, True])
def test_multi_head_attention_forward_matches_torch(separate):
    rng = np.random.default_rng(0)
    q, k, v = rng.standard_normal((4, 2, 6)), rng.standard_normal((5, 2, 6)), rng.standard_normal((5, 2, 6))
    weights = {"in_proj_weight": rng.standard_normal((18, 6)), "in_proj_bias": rng.standard_normal(18),
               "bias_k": rng.standard_normal((1, 1, 6)), "bias_v": rng.standard_normal((1, 1, 6)),
               "out_proj_weight": rng.standard_normal((6, 6)), "out_proj_bias": rng.standard_normal(6)}
    if separate:
        for i, name in enumerate(("q_proj_weight", "k_proj_weight", "v_proj_weight")):
            weights[name] = weights["in_proj_weight"][6 * i:6 * i + 6]

    def run(lib, tensor):
        w = {n: tensor(a) for n, a in weights.items()}
        return lib.nn.functional.multi_head_attention_forward(
            tensor(q), tensor(k), tensor(v), 6, 3, w.pop("in_proj_weight") if not separate else None,
            w.pop("in_proj_bias"), w.pop("bias_k"), w.pop("bias_v"), True, 0.0, w.pop("out_proj_weight"),
            w.pop("out_proj_bias"), use_separate_proj_weight=separate,
            **{n: t for n, t in w.items() if n != "in_proj_weight"})

    out, attention = run(OURS, ag.tensor)
    out_t, attention_t = run(torch, torch.from_numpy)
    close(out, out_t)
    close(attention, attention_t)


def test_multi_head_attention_forward_refuses_static_keys():
    x = ag.randn(3, 1, 4)
    with pytest.raises(NotImplementedError, match="^multi_head_attention_forward: static_k"):
        F.multi_head_attention_forward(x, x, x, 4, 2, ag.randn(12, 4), None, None, None, False, 0.0,
                                       ag.randn(4, 4), None, static_k=ag.randn(2, 3, 2))

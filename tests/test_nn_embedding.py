"""nn.Embedding, F.embedding and nn.Unflatten against torch (weights copied by state_dict key)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import torch

import autograd as ag
import nn
import nn.functional as F

WEIGHT = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
INDEX = [[0, 2, 2], [5, 0, 1]]


def _lookup(lib, functional, **kwargs):
    weight = lib.tensor(WEIGHT.copy(), requires_grad=True)
    out = functional.embedding(lib.tensor(INDEX), weight, **kwargs)
    upstream = lib.tensor(np.arange(18, dtype=np.float32).reshape(2, 3, 3) / 10)
    (out * upstream).sum().backward()
    return out.detach().numpy(), weight.grad.numpy(), weight.detach().numpy(), out.grad_fn.name()


@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 2}, {"padding_idx": -1},
                                    {"scale_grad_by_freq": True},
                                    {"padding_idx": 0, "scale_grad_by_freq": True},
                                    {"max_norm": 1.0}, {"max_norm": 0.5, "norm_type": 1.0}],
                         ids=str)
def test_functional_embedding_matches_torch(kwargs):
    out, grad, weight, name = _lookup(ag, F, **kwargs)
    assert out.shape == (2, 3, 3) and name == "EmbeddingBackward0"
    if "padding_idx" in kwargs:
        assert not grad[kwargs["padding_idx"]].any()
    if torch is not None:
        theirs = _lookup(torch, torch.nn.functional, **kwargs)
        for mine, other in zip((out, grad, weight), theirs[:3]):
            np.testing.assert_allclose(mine, other, rtol=1e-6, atol=1e-7)
        assert name == theirs[3]


def test_embedding_module_init_repr_and_from_pretrained():
    ag.manual_seed(0)
    layer = nn.Embedding(10, 4, padding_idx=3)
    assert layer.weight.shape == (10, 4) and not layer.weight[3].detach().numpy().any()
    assert abs(float(layer.weight.detach().numpy().std()) - 1) < 0.5
    assert repr(layer) == "Embedding(10, 4, padding_idx=3)"
    assert repr(nn.Embedding(5, 2, max_norm=1.0, scale_grad_by_freq=True)) == \
        "Embedding(5, 2, max_norm=1.0, scale_grad_by_freq=True)"
    table = ag.tensor(WEIGHT)
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad and frozen(ag.tensor([1])).tolist() == [WEIGHT[1].tolist()]
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad
    assert list(layer.state_dict()) == ["weight"]
    if torch is not None:
        theirs = torch.nn.Embedding(10, 4, padding_idx=3)
        theirs.load_state_dict({"weight": torch.tensor(layer.weight.detach().numpy())})
        idx = [[1, 3], [9, 0]]
        np.testing.assert_allclose(layer(ag.tensor(idx)).detach().numpy(),
                                   theirs(torch.tensor(idx)).detach().numpy())
        assert repr(theirs) == repr(layer)


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.embedding(ag.tensor([0.0]), ag.ones(3, 2)), TypeError, "integer tensor"),
    (lambda: F.embedding(ag.tensor([3]), ag.ones(3, 2)), IndexError, "index 3 is out of range"),
    (lambda: F.embedding(ag.tensor([-1]), ag.ones(3, 2)), IndexError, "index -1"),
    (lambda: F.embedding(ag.tensor([0]), ag.ones(3)), TypeError, "2-D"),
    (lambda: F.embedding(ag.tensor([0]), ag.ones(3, 2), sparse=True), ag.NotSupportedError,
     "sparse"),
    (lambda: nn.Embedding(3, 2, padding_idx=3), ValueError, "padding_idx must be within"),
    (lambda: nn.Embedding(3, 2, _weight=ag.ones(2, 2)), ValueError, "does not match"),
    (lambda: nn.Embedding.from_pretrained(ag.ones(3)), ValueError, "2-dimensional"),
])
def test_embedding_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_unflatten_matches_torch():
    x = np.arange(24.0, dtype=np.float32).reshape(2, 12)
    layer = nn.Unflatten(1, (3, 4))
    out = layer(ag.tensor(x))
    assert out.shape == (2, 3, 4) and repr(layer) == "Unflatten(dim=1, unflattened_size=(3, 4))"
    assert nn.Unflatten(-1, (2, -1))(ag.tensor(x)).shape == (2, 2, 6)
    if torch is not None:
        theirs = torch.nn.Unflatten(1, (3, 4))
        assert repr(theirs) == repr(layer)
        np.testing.assert_array_equal(out.numpy(), theirs(torch.tensor(x)).numpy())

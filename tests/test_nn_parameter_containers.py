"""nn.ParameterList and nn.ParameterDict against torch: registration, keys, repr, errors."""

from __future__ import annotations

import pytest
from conftest import torch

import autograd as ag
import nn


def _build(lib, mod):
    pl = mod.ParameterList([mod.Parameter(lib.ones(3, 2)), lib.zeros(4)])
    pl.append(lib.ones(1))
    pl += [lib.ones(2)]
    pl[0] = lib.full((3, 2), 2.0)
    pd = mod.ParameterDict({"a": mod.Parameter(lib.ones(2)), "b": lib.zeros(2, 2)})
    pd["c"] = lib.ones(3)
    del pd["b"]
    holder = mod.Module()
    holder.pl, holder.pd = pl, pd
    return {
        "keys": list(holder.state_dict()),
        "count": len(list(holder.parameters())),
        "types": [type(p).__name__ for p in pl],
        "first": pl[0].tolist(), "last": list(pl[-1].shape), "len": (len(pl), len(pd)),
        "dict": (list(pd.keys()), "a" in pd, "b" in pd, pd.get("zz") is None),
        "repr": (repr(pl), repr(pd), repr(mod.ParameterList()), repr(mod.ParameterDict())),
        "grad": all(p.requires_grad for p in holder.parameters()),
    }


def test_parameter_containers_match_torch():
    ours = _build(ag, nn)
    assert ours["keys"] == ["pl.0", "pl.1", "pl.2", "pl.3", "pd.a", "pd.c"]
    assert ours["types"] == ["Parameter"] * 4 and ours["grad"]
    assert ours["repr"][0].startswith("ParameterList(\n    (0): Parameter containing: "
                                      "[torch.float32 of size 3x2]\n")
    if torch is not None:
        assert ours == _build(torch, torch.nn)


def test_parameter_container_errors():
    with pytest.raises(IndexError, match="ParameterList: index 2 is out of range"):
        nn.ParameterList([ag.ones(1)])[2]
    with pytest.raises(TypeError, match="extend should be called with an iterable"):
        nn.ParameterList().extend(ag.ones(2))
    with pytest.raises(TypeError, match="keys must be strings"):
        nn.ParameterDict()[1] = ag.ones(1)
    with pytest.raises(KeyError):
        nn.ParameterDict()["missing"]

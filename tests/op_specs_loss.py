"""Op specs of the fused losses written as one primitive (joined to ``SPECS`` in op_specs.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_specs import OpSpec
from op_specs_functional import functional

from autograd.testing import shapes


def mse_loss(lib, x, y, reduction):
    return functional(lib).mse_loss(x, y, reduction=reduction)


def mse_loss_reference(x, y, reduction):
    out = (x - y) ** 2
    return {"none": out, "mean": np.mean(out), "sum": np.sum(out)}[reduction]


SPECS = [
    OpSpec("mse_loss", mse_loss, mse_loss_reference, shapes().map(lambda s: (s, s)),
           params=lambda s: st.sampled_from(["mean", "sum", "none"]).map(lambda r: {"reduction": r})),
]

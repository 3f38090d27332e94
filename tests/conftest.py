"""Shared test configuration: hypothesis profiles and the PyTorch oracle.

Profiles (choose with HYPOTHESIS_PROFILE): ``default`` (fast, for local runs), ``ci``
(more examples, derandomized so CI is reproducible), ``thorough`` (for hunting bugs).
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                              HealthCheck.filter_too_much],
}
settings.register_profile("default", max_examples=12, **_COMMON)
settings.register_profile("ci", max_examples=30, derandomize=True, **_COMMON)
settings.register_profile("thorough", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

try:
    import torch
except ImportError:  # the oracle is optional: tests that need it skip
    torch = None

requires_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


class _Ours:
    """ndgrad under torch's names (``lib.nn``, ``lib.autograd``, ``lib.tensor``...), so one test
    function builds the same thing with ``lib=OURS`` and ``lib=torch``."""

    def __getattr__(self, name):
        import autograd
        import nn

        return {"nn": nn, "autograd": autograd}.get(name) or getattr(autograd, name)


OURS = _Ours()


def to_torch(value, requires_grad: bool = False):
    """An ndgrad Tensor or NumPy array as a torch tensor (same dtype, values copied)."""
    array = np.array(getattr(value, "data", value))
    result = torch.from_numpy(array)
    return result.requires_grad_() if requires_grad else result


def micrograd_expression():
    """micrograd's ``trace_graph`` example, L = (a * b + c) * f, as ``{name: tensor}``."""
    import autograd as ag

    a = ag.tensor(2.0, requires_grad=True)
    b = ag.tensor(-3.0, requires_grad=True)
    c = ag.tensor(10.0, requires_grad=True)
    f = ag.tensor(-2.0, requires_grad=True)
    e = a * b
    d = e + c
    L = d * f
    return dict(a=a, b=b, c=c, f=f, e=e, d=d, L=L)

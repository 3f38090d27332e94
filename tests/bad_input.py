"""The bad-input fuzzer's machinery: drawn (mostly wrong) arguments, their PyTorch twins, and the
verdict on one call made in both libraries (see tests/test_bad_input.py).

The verdict on ``ours = f(*args)`` beside ``theirs = torch_f(*torch_args)``:
- ours raised: the type must be one of ndgrad's documented errors and the message must name the
  function (whatever torch did: refusing what torch accepts is allowed, if said clearly);
- ours returned and torch returned: the same value (shape, dtype, numbers, NaN where NaN);
- ours returned and torch raised anything but a TypeError about the call itself: a silently wrong
  result (torch refuses this input).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
from conftest import torch
from hypothesis import settings
from hypothesis import strategies as st

import autograd as ag

# The same 30 derandomized draws in every profile: a local run finds what CI finds.
FUZZ_SETTINGS = settings(derandomize=True, max_examples=30, database=None)

DOCUMENTED = (ag.OpError, TypeError, ValueError, IndexError, NotImplementedError, ag.NotSupportedError,
              ag.DeviceError, RuntimeError)
FORBIDDEN = (KeyError, AttributeError, RecursionError, MemoryError, ZeroDivisionError, OverflowError,
             FloatingPointError, AssertionError, UnboundLocalError, NameError, SystemError)
# NumPy's and Python's own words, which never reach a user from ndgrad
RAW_TEXT = re.compile(r"ufunc|'numpy\.|object is not iterable|object is not subscriptable|"
                      r"unhashable type|can't multiply sequence|has no attribute|"
                      r"only integer scalar arrays|invalid literal for int|"
                      r"operands could not be broadcast together with shapes (?!.*Hint)")

SHAPES = [(), (0,), (1,), (3,), (2, 3), (0, 3), (2, 1, 3)]
DTYPES = ["float32", "float64", "int64", "bool", "uint8"]


@st.composite
def tensors(draw: st.DrawFn) -> ag.Tensor:
    """Small tensors of every kind: 0-d, empty, size-1, 2-3 dims; float, int, bool; NaN/inf inside."""
    shape = draw(st.sampled_from(SHAPES))
    dtype = draw(st.sampled_from(DTYPES))
    size = int(np.prod(shape))
    values = np.asarray(draw(st.lists(st.sampled_from([0.0, 1.0, -2.0, 0.5, 3.0, -0.25]),
                                      min_size=size, max_size=size)), dtype=np.float64)
    if dtype.startswith("float") and size and draw(st.integers(0, 4)) == 0:
        values[draw(st.integers(0, size - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    if dtype == "uint8":
        values = np.abs(values)
    return ag.tensor(values.reshape(shape).astype(dtype))


SCALARS = st.sampled_from([0, 1, 2, -1, -3, 10 ** 12, np.int64(1), True, False, 0.5, -1.0, 2.5,
                           math.nan, math.inf, None, "a", "mean", [1, 2], (0, 1), (), {}, 1j,
                           ag.float64, ag.int64, ag.bool])
VALUES = st.one_of(tensors(), tensors(), SCALARS)
INDEX_LIKE = st.sampled_from([0, 1, -1, 2, -3, 5, np.int64(1), 1.0, None, (0, 1), (0, 0), [0], True, "x"])
# argument names that take a dim, a size or a count: drawn from INDEX_LIKE
INDEX_NAMES = {"dim", "dims", "dim0", "dim1", "axis", "source", "destination", "k", "n", "chunks",
               "sections", "split_size_or_sections", "repeats", "diagonal", "offset", "start_dim",
               "end_dim", "num_classes", "minlength", "bins", "steps", "shifts", "size", "length",
               "correction", "unbiased", "keepdim", "descending", "stable", "largest", "sorted",
               "return_inverse", "return_counts", "right", "out_int32"}


def argument(name: str) -> st.SearchStrategy[object]:
    """The strategy for a parameter called ``name``."""
    return st.one_of(INDEX_LIKE, VALUES) if name in INDEX_NAMES else VALUES


def to_torch(value: object) -> object:
    """The same argument for PyTorch: Tensors copied, dtypes by name, containers element-wise."""
    if isinstance(value, ag.Tensor):
        return torch.from_numpy(np.array(value.detach().numpy()))
    if isinstance(value, ag.dtype):
        return getattr(torch, str(value).removeprefix("torch."))
    if isinstance(value, list):
        return [to_torch(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_torch(v) for v in value)
    if isinstance(value, dict):
        return {k: to_torch(v) for k, v in value.items()}
    return value


def _same(ours: object, theirs: object, where: str) -> None:
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, ag.Tensor), f"{where}: ndgrad returned {type(ours).__name__}, torch a Tensor"
        assert tuple(ours.shape) == tuple(theirs.shape), \
            f"{where}: shape {tuple(ours.shape)} vs {tuple(theirs.shape)}"
        assert str(ours.dtype) == str(theirs.dtype), f"{where}: dtype {ours.dtype} vs {theirs.dtype}"
        a, b = ours.detach().numpy(), theirs.detach().numpy()
        if a.dtype.kind in "fc":
            tol = 1e-4 if a.dtype == np.float32 else 1e-9
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs), \
            f"{where}: {ours!r} vs {theirs!r}"
        for i, (o, t) in enumerate(zip(ours, theirs)):
            _same(o, t, f"{where}[{i}]")
    elif isinstance(theirs, float) and math.isnan(theirs):
        assert isinstance(ours, float) and math.isnan(ours), f"{where}: {ours!r} vs nan"
    elif isinstance(theirs, (bool, int, float)):
        assert ours == theirs or (isinstance(ours, float) and math.isclose(ours, theirs, rel_tol=1e-6)), \
            f"{where}: {ours!r} vs {theirs!r}"


def _torch_refuses_the_call(error: BaseException) -> bool:
    """A TypeError about the call itself (a name, an argument type torch's binding rejects)."""
    return isinstance(error, TypeError)


LEADING_NAME = re.compile(r"^([\w.]+)(?:\(\))?: ")


def check_call(name: str, ours: Callable[..., object], theirs: Callable[..., object] | None,
               args: tuple[object, ...], kwargs: dict[str, object], compare_values: bool = True,
               delegates: frozenset[str] = frozenset()) -> tuple[object, object] | None:
    """Call both; assert the verdict of the module docstring. Returns both results when both
    libraries accepted the call (else None).

    ``delegates``: public functions the call is made of (a layer's ``forward`` is its
    functional's: ``MSELoss`` refuses as ``mse_loss: ...``); a message led by one names the call.
    """
    where = f"{name}(*{args!r}, **{kwargs!r})"
    try:
        result = ours(*args, **kwargs)
        raised = None
    except FORBIDDEN as error:
        raise AssertionError(f"{where} raised {type(error).__name__}: {error}") from error
    except DOCUMENTED as error:
        result, raised = None, error
    if raised is not None:
        message = str(raised)
        short = name.rsplit(".", 1)[-1]
        # a method's errors may name its class instead: "BatchNorm1d: expected 2D or 3D input"
        owners = [part for part in name.split(".")[:-1] if part[:1].isupper()]
        leading = LEADING_NAME.match(message)
        assert any(n in message for n in (short, getattr(ours, "__name__", short), *owners)) or (
            leading is not None and leading.group(1) in delegates), \
            f"{where} raised {type(raised).__name__} without naming {short!r}: {message}"
        assert not RAW_TEXT.search(message), f"{where}: raw NumPy/Python text: {message}"
        return None
    if theirs is None or torch is None:
        return None
    try:
        expected = theirs(*to_torch(args), **to_torch(kwargs))  # type: ignore[misc]
    except Exception as error:  # noqa: BLE001 - any refusal of torch's is the reference
        if _torch_refuses_the_call(error):
            return None
        raise AssertionError(f"{where} returned {result!r}, torch raised "
                             f"{type(error).__name__}: {str(error)[:300]}") from error
    if compare_values:
        _same(result, expected, where)
    return result, expected

"""Argument checks where PyTorch raises and ndgrad used to return a wrong value or a bare Python
error: Python values that overflow an integer dtype, non-bool flags, negative sizes and counts,
wrong-direction ranges, reshape's shape, negative gather indices, loss parameters. Each case is
run in torch too: it raises there (or, for the valid neighbours, gives the same values)."""

import re

import numpy as np
import pytest
from conftest import OURS, requires_torch, torch

import autograd as ag
import nn.functional as F

NAN, INF = float("nan"), float("inf")


def _torch_raises(call, error=(RuntimeError, TypeError, ValueError)):
    with pytest.raises(error):
        call(torch)


class TestPythonValuesMustFitTheDtype:
    OVERFLOWS = [([NAN], "int64", "nan"), ([INF], "int64", "inf"), ([3e9], "int32", "3000000000.0"),
                 ([3000000000], "int32", "3000000000"), ([300], "uint8", "300"), ([-256], "uint8", "-256"),
                 ([-1.5], "uint8", "-1.5"), ([255.9], "uint8", "255.9"), ([-129], "int8", "-129"),
                 ([1e20], "int64", "1e+20"), ([1.0, NAN], "int16", "nan")]

    @pytest.mark.parametrize(("data", "dtype", "shown"), OVERFLOWS)
    @pytest.mark.parametrize("make", ["tensor", "Tensor"])
    def test_overflow_is_refused(self, make, data, dtype, shown):
        call = (lambda: ag.tensor(data, dtype=getattr(ag, dtype))) if make == "tensor" else (
            lambda: ag.Tensor(data, dtype=getattr(ag, dtype)))
        with pytest.raises(ag.OpError, match=rf"value {re.escape(shown)} cannot be converted to type {dtype} "
                                             rf"without overflow\. Hint: {dtype} holds \["):
            call()

    @requires_torch
    @pytest.mark.parametrize(("data", "dtype", "shown"), OVERFLOWS)
    def test_torch_refuses_them(self, data, dtype, shown):
        with pytest.raises(RuntimeError, match="cannot be converted to type .* without overflow"):
            torch.tensor(data, dtype=getattr(torch, dtype))

    @requires_torch
    @pytest.mark.parametrize(("data", "dtype"), [([-1], "uint8"), ([-255], "uint8"), ([3.7, -2.5], "int64"),
                                                 ([2, 0], "bool"), ([NAN], "bool"), ([1e40], "float32"),
                                                 ([7e4], "float16"), ([True, 2], "int8"), ([2**62], "int64")])
    def test_values_that_fit_convert_as_in_torch(self, data, dtype):
        ours = ag.tensor(data, dtype=getattr(ag, dtype))
        theirs = torch.tensor(data, dtype=getattr(torch, dtype))
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == str(theirs.dtype)

    @requires_torch
    @pytest.mark.parametrize("data", [[2**63], [2**64], [-2**63 - 1], [1, 2**70]])
    def test_ints_beyond_int64(self, data):
        with pytest.raises(ValueError, match=r"^tensor\(\): value -?\d+ is (too big for|out of the range "
                                             r"of) int64 \(Overflow when unpacking long long\)"):
            ag.tensor(data)
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            torch.tensor(data)
        assert ag.tensor(data, dtype=ag.float64).tolist() == torch.tensor(data, dtype=torch.float64).tolist()

    @requires_torch
    def test_numpy_data_is_cast_unchecked_as_in_torch(self):
        for array, dtype in ((np.array([NAN]), "int64"), (np.array([3e9]), "int32")):
            assert (ag.tensor(array, dtype=getattr(ag, dtype)).tolist()
                    == torch.tensor(array, dtype=getattr(torch, dtype)).tolist())


class TestFillValuesMustFitTheDtype:
    CALLS = {
        "fill_": lambda lib, v: lib.tensor([1], dtype=lib.int8).fill_(v),
        "full": lambda lib, v: lib.full((2,), v, dtype=lib.int8),
        "__setitem__": lambda lib, v: lib.tensor([1], dtype=lib.int8).__setitem__(0, v),
        "masked_fill": lambda lib, v: lib.tensor([1], dtype=lib.int8).masked_fill(lib.tensor([True]), v),
        "clamp": lambda lib, v: lib.tensor([1], dtype=lib.int8).clamp(max=v),
        "where": lambda lib, v: lib.where(lib.tensor([True]), lib.tensor([1], dtype=lib.int8), v),
        "scatter": lambda lib, v: lib.tensor([1], dtype=lib.int8).scatter(0, lib.tensor([0]), v),
        "sub": lambda lib, v: lib.tensor([1], dtype=lib.int8).sub(1, alpha=v),
    }

    @requires_torch
    @pytest.mark.parametrize(("op", "value"), [(op, 200) for op in CALLS] + [
        (op, value) for op in ("fill_", "full", "__setitem__", "masked_fill", "scatter")
        for value in (-129, NAN)])  # a float alpha, bound or where operand promotes instead
    def test_refused_as_in_torch(self, op, value):
        with pytest.raises(ag.OpError, match=rf"^{op}: value {value} cannot be converted to type int8 "
                                             r"without overflow\. Hint: int8 holds \[-128, 127\]; pass "
                                             "a value in that range"):
            self.CALLS[op](OURS, value)
        with pytest.raises(RuntimeError, match="without overflow"):
            self.CALLS[op](torch, value)

    @requires_torch
    @pytest.mark.parametrize("op", ["fill_", "full", "__setitem__", "masked_fill", "scatter"])
    @pytest.mark.parametrize("value", [-128, 127, 5.9])
    def test_values_that_fit(self, op, value):
        ours, theirs = self.CALLS[op](OURS, value), self.CALLS[op](torch, value)
        if op != "__setitem__":
            assert ours.tolist() == theirs.tolist()

    def test_ints_beyond_64_bits(self):
        with pytest.raises(OverflowError, match=r"^fill_: the Python int 2361183241434822606848 is too "
                                                r"big to convert \(beyond 64 bits\) to int8"):
            ag.tensor([1], dtype=ag.int8).fill_(2**71)


class TestPythonIntsWrapInBinaryOps:
    """PyTorch converts a Python int operand to the tensor's integer dtype, wrapping around."""

    CASES = [("int8", lambda t: t * 200), ("int8", lambda t: t + 200), ("int8", lambda t: t * -200),
             ("uint8", lambda t: t + -300), ("int64", lambda t: t + 2**63), ("int8", lambda t: t < 200),
             ("int8", lambda t: t % 200), ("int8", lambda t: t.add_(200)), ("int16", lambda t: t - 40000)]

    @requires_torch
    @pytest.mark.parametrize(("dtype", "call"), CASES)
    def test_values_match_torch(self, dtype, call):
        values = [1, 2] if dtype == "uint8" else [1, 2, -3]
        ours = call(ag.tensor(values, dtype=getattr(ag, dtype)))
        theirs = call(torch.tensor(values, dtype=getattr(torch, dtype)))
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == str(theirs.dtype)

    @pytest.mark.parametrize("op", ["add", "mul", "sub"])
    def test_beyond_64_bits_is_an_overflow_error_named_after_the_op(self, op):
        with pytest.raises(OverflowError, match=rf"^{op}: Python int {2**70} too big to convert "
                                                r"\(inputs: \(1,\) int8, \d+\)\. Hint: Python ints "
                                                "must fit in 64 bits"):
            getattr(ag, op)(ag.tensor([1], dtype=ag.int8), 2**70)


class TestFlagsMustBeBools:
    CALLS = {
        "tensor": lambda lib, v: lib.tensor([1.0], requires_grad=v),
        "zeros": lambda lib, v: lib.zeros(2, requires_grad=v),
        "full": lambda lib, v: lib.full((2,), 1.0, requires_grad=v),
        "requires_grad_": lambda lib, v: lib.zeros(2).requires_grad_(v),
        "sum": lambda lib, v: lib.ones(2, 3).sum(1, keepdim=v),
        "argmax": lambda lib, v: lib.ones(2, 3).argmax(1, keepdim=v),
        "max": lambda lib, v: lib.ones(2, 3).max(1, keepdim=v),
        "topk": lambda lib, v: lib.ones(2, 3).topk(1, largest=v),
        "multinomial": lambda lib, v: lib.multinomial(lib.ones(3), 2, replacement=v),
        "dropout": lambda lib, v: (F if lib is OURS else torch.nn.functional).dropout(
            lib.ones(3), 0.5, training=v),
    }

    @requires_torch
    @pytest.mark.parametrize("value", ["no", 1, np.bool_(True)], ids=["str", "int", "np.bool"])
    @pytest.mark.parametrize("op", list(CALLS))
    def test_a_non_bool_is_a_type_error(self, op, value):
        name = type(value).__name__ if not isinstance(value, np.bool_) else "numpy.bool"
        with pytest.raises(TypeError, match=rf"^{op}\(\): argument '\w+' must be bool, not "
                                            rf"{name.replace('.', '[.]')}$"):
            self.CALLS[op](OURS, value)
        with pytest.raises(TypeError, match="must be bool"):
            self.CALLS[op](torch, value)

    @requires_torch
    @pytest.mark.parametrize("op", ["tensor", "requires_grad_", "sum", "argmax", "max", "topk", "dropout"])
    def test_none_is_refused_where_torch_refuses_it(self, op):
        with pytest.raises(TypeError, match=rf"^{op}\(\): argument '\w+' must be bool, not NoneType$"):
            self.CALLS[op](OURS, None)
        with pytest.raises(TypeError, match="must be bool"):
            self.CALLS[op](torch, None)

    @requires_torch
    @pytest.mark.parametrize("op", ["zeros", "full"])
    def test_none_means_the_default_where_torch_reads_it_so(self, op):
        ours, theirs = self.CALLS[op](OURS, None), self.CALLS[op](torch, None)
        assert ours.tolist() == theirs.tolist() and not ours.requires_grad and not theirs.requires_grad

    @pytest.mark.parametrize("value", ["no", 1])
    def test_the_requires_grad_attribute(self, value):
        t = ag.zeros(2)
        with pytest.raises(RuntimeError, match=rf"^requires_grad must be a bool, got {type(value).__name__}"):
            t.requires_grad = value
        assert not t.requires_grad


class TestSizesAndCounts:
    CASES = [
        ("randperm", lambda lib: lib.randperm(-1), r"negative dimension -1: \[-1\]"),
        ("zeros", lambda lib: lib.zeros(2, -1), r"to create tensor with negative dimension -1: \[2, -1\]\."),
        ("rand", lambda lib: lib.rand(-3), r"Trying to create tensor with negative dimension -3: \[-3\]"),
        ("randint", lambda lib: lib.randint(0, 5, (-1,)), "negative dimension -1"),
        ("normal", lambda lib: lib.normal(0.0, 1.0, (-1,)), "negative dimension -1"),
        ("eye", lambda lib: lib.eye(-1), "n must be greater or equal to 0, got -1"),
        ("eye", lambda lib: lib.eye(2, -1), "m must be greater or equal to 0, got -1"),
        ("linspace", lambda lib: lib.linspace(0, 1, -1), "number of steps must be non-negative"),
        ("randint", lambda lib: lib.randint(5, 5, (2,)), "to be less than 'to'"),
    ]

    @requires_torch
    @pytest.mark.parametrize(("op", "call", "message"), CASES,
                             ids=[f"{case[0]}{i}" for i, case in enumerate(CASES)])
    def test_refused_as_in_torch(self, op, call, message):
        with pytest.raises(ag.OpError, match=rf"^{op}: .*{message}"):
            call(OURS)
        with pytest.raises(RuntimeError):
            call(torch)

    @requires_torch
    @pytest.mark.parametrize(("op", "call", "argument"), [
        ("eye", lambda lib: lib.eye(2.5), "argument 'n' must be int, not float"),
        ("linspace", lambda lib: lib.linspace(0, 1, 2.5), "argument 'steps' must be int, not float"),
        ("randperm", lambda lib: lib.randperm(2.5), "argument 'n' must be int, not float"),
        ("zeros", lambda lib: lib.zeros(2.5),
         "argument 'size' must be tuple of ints, but found element of type float at pos 0"),
    ])
    def test_a_float_is_a_type_error(self, op, call, argument):
        with pytest.raises(TypeError, match=rf"^{op}\(\): {argument}$"):
            call(OURS)
        _torch_raises(call, TypeError)

    @pytest.mark.parametrize("make", [lambda: ag.ones(*[1] * 70), lambda: ag.ones(2).reshape(*[1] * 64, 2),
                                      lambda: ag.ones(*[1] * 64).unsqueeze(0)])
    def test_more_dims_than_numpy_holds(self, make):
        with pytest.raises(ag.OpError, match=r"a tensor of (65|70) dims is asked for, but ndgrad tensors "
                                             r"have at most 64 \(NumPy's limit\)"):
            make()

    @requires_torch
    def test_the_limits_themselves_work(self):
        assert ag.ones(*[1] * 64).ndim == 64
        assert ag.eye(0).shape == (0, 0) and ag.linspace(0, 1, 0).tolist() == torch.linspace(0, 1, 0).tolist()
        assert ag.randperm(0).tolist() == []


class TestArange:
    @requires_torch
    @pytest.mark.parametrize(("args", "message"), [
        ((5, 0, 1), r"upper bound and lower bound inconsistent with step sign \(start=5, end=0, step=1\)"),
        ((0, 5, -1), "upper bound and lower bound inconsistent with step sign"),
        ((0, 5, 0), r"step must be nonzero \(got start=0, end=5, step=0\)"),
        ((0.0, 5.0, 0.0), "step must be nonzero"),
        ((0, NAN), "unsupported range: 0 -> nan"), ((0, INF), "unsupported range: 0 -> inf"),
        ((-INF, 0), "unsupported range: -inf -> 0"),
    ])
    def test_refused_as_in_torch(self, args, message):
        with pytest.raises(ag.OpError, match=rf"^arange: {message}"):
            ag.arange(*args)
        with pytest.raises(RuntimeError):
            torch.arange(*args)

    @requires_torch
    @pytest.mark.parametrize("args", [(5, 5), (5,), (5, 0, -1), (0, 1, 0.3), (2.5, -1.0, -0.5), (0, 0, -1)])
    def test_valid_ranges_match_torch(self, args):
        ours, theirs = ag.arange(*args), torch.arange(*args)
        assert ours.tolist() == pytest.approx(theirs.tolist()) and str(ours.dtype) == str(theirs.dtype)


class TestReshapeShapes:
    @requires_torch
    @pytest.mark.parametrize(("shape", "message"), [
        ((-2, 3), r"invalid shape dimension -2 at index 0 of shape \[-2, 3\]"),
        ((3, -5), r"invalid shape dimension -5 at index 1 of shape \[3, -5\]"),
        ((-1, -1), "only one dimension can be inferred"),
        ((4, -1), r"shape '\[4, -1\]' is invalid for input of size 6 \(shape \(2, 3\)\)"),
        ((0, -1), r"shape '\[0, -1\]' is invalid for input of size 6"),
        ((7,), r"shape '\[7\]' is invalid for input of size 6"),
    ])
    @pytest.mark.parametrize("op", ["reshape", "view"])
    def test_refused_as_in_torch(self, op, shape, message):
        with pytest.raises(ag.OpError, match=rf"^{op}: {message}"):
            getattr(ag.ones(2, 3), op)(*shape)
        with pytest.raises(RuntimeError):
            getattr(torch.ones(2, 3), op)(*shape)

    @requires_torch
    def test_an_ambiguous_minus_one(self):
        with pytest.raises(ag.OpError, match=r"cannot reshape tensor of 0 elements into shape \[-1, 0\] "
                                             "because the unspecified dimension size -1"):
            ag.zeros(0, 3).reshape(-1, 0)
        _torch_raises(lambda lib: lib.zeros(0, 3).reshape(-1, 0))

    @requires_torch
    @pytest.mark.parametrize("shape", [(-1,), (3, -1), (-1, 2, 1), (6,), (1, 6, 1)])
    def test_valid_shapes_match_torch(self, shape):
        assert tuple(ag.ones(2, 3).reshape(*shape).shape) == tuple(torch.ones(2, 3).reshape(*shape).shape)
        assert tuple(ag.zeros(0, 3).view(-1, 3).shape) == (0, 3)


class TestGatherIndices:
    @requires_torch
    @pytest.mark.parametrize("index", [[[0, 1], [1, -1]], [[0, 3], [0, 0]], [[-3, 0], [0, 0]]])
    def test_out_of_range_indices_are_refused(self, index):
        bad = min(v for row in index for v in row) if min(v for row in index for v in row) < 0 else 3
        with pytest.raises(IndexError, match=rf"^gather: index {bad} is out of bounds for dim 1 of size 3 "
                                             r"\(indices must lie in \[0, 3\)\)"):
            ag.gather(ag.ones(2, 3), 1, ag.tensor(index))
        with pytest.raises(RuntimeError, match="out of bounds"):
            torch.gather(torch.ones(2, 3), 1, torch.tensor(index))

    @requires_torch
    def test_valid_indices_and_a_0d_input(self):
        x = np.arange(6.0).reshape(2, 3)
        index = [[2, 0], [1, 1]]
        assert ag.gather(ag.tensor(x), 1, ag.tensor(index)).tolist() == torch.gather(
            torch.tensor(x), 1, torch.tensor(index)).tolist()
        assert ag.gather(ag.tensor(1.5), 0, ag.tensor(0)).item() == 1.5

    def test_max_and_min_over_a_dim_still_use_gather(self):
        values, indices = ag.tensor([[1.0, 3.0, 2.0]]).max(1)
        assert values.tolist() == [3.0] and indices.tolist() == [1]


HUBER = "huber_loss does not support non-positive values for delta"


class TestLossParameters:
    @requires_torch
    @pytest.mark.parametrize(("loss", "kwargs", "message"), [
        ("huber_loss", {"delta": -1.0}, rf"{HUBER} \(got delta=-1\.0\)"),
        ("huber_loss", {"delta": 0.0}, rf"{HUBER} \(got delta=0\.0\)"),
        ("huber_loss", {"delta": NAN}, rf"{HUBER} \(got delta=nan\)"),
        ("smooth_l1_loss", {"beta": -1.0},
         r"smooth_l1_loss does not support negative values for beta \(got beta=-1\.0\)"),
    ])
    def test_refused_as_in_torch(self, loss, kwargs, message):
        with pytest.raises(ag.OpError, match=rf"^{loss}: {message}"):
            getattr(F, loss)(ag.ones(3), ag.zeros(3), **kwargs)
        with pytest.raises(RuntimeError):
            getattr(torch.nn.functional, loss)(torch.ones(3), torch.zeros(3), **kwargs)

    @requires_torch
    @pytest.mark.parametrize(("loss", "kwargs"), [("smooth_l1_loss", {"beta": 0.0}),
                                                  ("huber_loss", {"delta": 0.5}),
                                                  ("smooth_l1_loss", {"beta": 2.0})])
    def test_valid_parameters_match_torch(self, loss, kwargs):
        x, y = np.array([0.1, -2.0, 3.0]), np.zeros(3)
        ours = getattr(F, loss)(ag.tensor(x), ag.tensor(y), **kwargs).item()
        theirs = getattr(torch.nn.functional, loss)(torch.tensor(x), torch.tensor(y), **kwargs)
        assert ours == pytest.approx(theirs.item())

    @requires_torch
    @pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy"])
    @pytest.mark.parametrize("shape", [(2,), (4,), (1, 3)])
    def test_a_class_weight_of_the_wrong_shape(self, loss, shape):
        target = [0, 1]
        with pytest.raises(ag.OpError, match=rf"^{loss}: weight tensor should be defined either for all 3 "
                                             rf"classes or no classes but got weight tensor of shape: "
                                             rf"\[{', '.join(map(str, shape))}\]"):
            getattr(F, loss)(ag.ones(2, 3), ag.tensor(target), weight=ag.ones(*shape))
        with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 3 classes"):
            getattr(torch.nn.functional, loss)(torch.ones(2, 3), torch.tensor(target),
                                               weight=torch.ones(*shape))

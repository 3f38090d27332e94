"""``tensor(data)`` reads nested lists as PyTorch does: a tensor inside a list is a number (its
one element), and the dtype comes from all the leaves by PyTorch's promotion, NumPy values and
tensors keeping theirs."""

import warnings

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag

CASES = {  # id -> data as fn(lib)
    "1-element tensors": lambda lib: [lib.tensor([1.0]), lib.tensor([2.0])],
    "0-d tensors": lambda lib: [lib.tensor(1.0), lib.tensor(2.0)],
    "nested 1-element tensors": lambda lib: [[lib.tensor([1.0])], [lib.tensor([2.0])]],
    "1x1 tensors": lambda lib: [lib.tensor([[1.0]]), lib.tensor([[2.0]])],
    "tensor and float": lambda lib: [lib.tensor([1.0]), 2.0],
    "float and 0-d tensor": lambda lib: [1.0, lib.tensor(2.0)],
    "int and float tensor": lambda lib: [1, lib.tensor(2.0)],
    "int tensor and float tensor": lambda lib: [lib.tensor(1), lib.tensor(2.0)],
    "int tensors": lambda lib: [lib.tensor(1), lib.tensor(2)],
    "bool tensors": lambda lib: [lib.tensor(True), lib.tensor(False)],
    "bool and int tensor": lambda lib: [True, lib.tensor(1)],
    "float64 tensor": lambda lib: [lib.tensor(1.0, dtype=lib.float64)],
    "float and float64 tensor": lambda lib: [1.0, lib.tensor(1.0, dtype=lib.float64)],
    "float and int64 tensor": lambda lib: [1.0, lib.tensor(1)],
    "float16 tensor and int": lambda lib: [lib.tensor(1.0, dtype=lib.float16), 2],
    "uint8 and int8 tensors": lambda lib: [lib.tensor(1, dtype=lib.uint8), lib.tensor(1, dtype=lib.int8)],
    "int32 tensor and int": lambda lib: [lib.tensor(1, dtype=lib.int32), 2],
    "tuple with int16 tensor": lambda lib: (1, lib.tensor(2, dtype=lib.int16)),
    "mixed grid": lambda lib: [[lib.tensor(1.0), 2.0], [3.0, lib.tensor(4.0)]],
    "numpy float64 scalar": lambda lib: [np.float64(1.0)],
    "numpy float32 scalar": lambda lib: [np.float32(1.0), 2.0],
    "numpy float16 scalar": lambda lib: [np.float16(1.0)],
    "numpy int32 scalar": lambda lib: [np.int32(1)],
    "numpy uint8 scalar": lambda lib: [np.uint8(1)],
    "numpy bool scalar": lambda lib: [np.bool_(True)],
    "numpy float64 inside a grid": lambda lib: [[1, 2], [np.float64(1.0), 2]],
    "numpy float64 and tensor": lambda lib: [np.float64(1.0), lib.tensor(1.0)],
    "numpy arrays": lambda lib: [np.array([1.0]), np.array([2.0])],
    "numpy float32 arrays": lambda lib: [np.array([1.0], dtype=np.float32)],
    "numpy arrays in a list": lambda lib: [[np.array([1.0])]],
    "floats only": lambda lib: [[1.0, 2.0], [3.0, 4.0]],
    "ints only": lambda lib: [1, 2, 3],
    "empty": lambda lib: [],
    "empty rows": lambda lib: [[], []],
}


@requires_torch
class TestNestedDataAsTorch:
    @pytest.mark.parametrize("case", list(CASES))
    def test_shape_dtype_and_values(self, case):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch: "a list of numpy.ndarrays is extremely slow"
            theirs = torch.tensor(CASES[case](torch))
        ours = ag.tensor(CASES[case](ag))
        assert ours.shape == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype)
        assert ours.tolist() == theirs.tolist()


class TestNestedData:
    def test_the_issue_repro(self):
        t = ag.tensor([ag.tensor([1.0]), ag.tensor([2.0])])
        assert t.shape == (2,) and t.dtype == ag.float32 and t.tolist() == [1.0, 2.0]

    @pytest.mark.parametrize("parts", [[[1.0, 2.0], [3.0, 4.0]], [[], []], [[1.0], [2.0, 3.0]]])
    def test_a_tensor_of_other_than_one_element_is_refused(self, parts):
        with pytest.raises(ValueError, match=r"^tensor\(\): only one element tensors can be converted to "
                                             r"Python scalars, got a tensor of shape \(\d*,?\) inside"):
            ag.tensor([ag.tensor(p) for p in parts])

    def test_a_tensor_that_requires_grad_warns_as_torch(self):
        with pytest.warns(UserWarning, match=r"^Converting a tensor with requires_grad=True to a scalar "
                                             r"may lead to unexpected behavior\.\nConsider using "
                                             r"tensor\.detach\(\) first\.$"):
            t = ag.tensor([ag.tensor(1.0, requires_grad=True)])
        assert not t.requires_grad and t.tolist() == [1.0]

    @pytest.mark.parametrize("dtype", [ag.float64, ag.int32, ag.bool_])
    def test_an_explicit_dtype_wins(self, dtype):
        t = ag.tensor([ag.tensor(1.0), ag.tensor(0.0)], dtype=dtype)
        assert t.dtype == dtype and t.shape == (2,)

    def test_the_legacy_constructor_reads_the_same(self):
        t = ag.Tensor([ag.tensor([1.0]), ag.tensor([2.0])])
        assert t.shape == (2,) and t.dtype == ag.float32

    def test_ragged_data_with_tensors_is_refused(self):
        with pytest.raises(ValueError, match=r"^tensor\(\): cannot convert the data to a tensor .*Hint: "
                                             "nested lists must be rectangular"):
            ag.tensor([ag.tensor(1.0), [2.0]])

"""Index tensors take PyTorch's dtypes: int64 and int32 positions, bool masks, and uint8 masks
(deprecated, with PyTorch's UserWarning); other integer dtypes are refused, as in PyTorch."""

import warnings

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag

UINT8_WARNING = (r"^indexing with dtype torch\.uint8 is now deprecated, please use a dtype torch\.bool "
                 r"instead\.")
READS = {  # id -> fn(lib, x) with x = arange(8.).reshape(2, 4)
    "mask": lambda lib, x: x[lib.tensor([[1, 0, 0, 1], [0, 1, 1, 0]], dtype=lib.uint8)],
    "row mask": lambda lib, x: x[lib.tensor([1, 0], dtype=lib.uint8)],
    "column mask": lambda lib, x: x[:, lib.tensor([1, 0, 0, 1], dtype=lib.uint8)],
    "mask in a tuple": lambda lib, x: x[(lib.tensor([0, 1], dtype=lib.uint8),)],
    "0-d mask": lambda lib, x: x[lib.tensor(1, dtype=lib.uint8)],
}


class TestByteMasks:
    @pytest.mark.parametrize("case", list(READS))
    def test_a_uint8_index_is_a_mask_with_torchs_warning(self, case):
        with pytest.warns(UserWarning, match=UINT8_WARNING):
            ours = READS[case](ag, ag.arange(8.0).reshape(2, 4))
        if torch is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = READS[case](torch, torch.arange(8.0).reshape(2, 4))
            assert ours.shape == tuple(theirs.shape) and ours.tolist() == theirs.tolist()

    def test_the_issue_repro(self):
        x = ag.arange(4.0)
        with pytest.warns(UserWarning, match=UINT8_WARNING):
            assert x[ag.tensor([1, 0, 1, 0], dtype=ag.uint8)].tolist() == [0.0, 2.0]

    def test_the_gradient_flows_through_a_byte_mask(self):
        x = ag.arange(4.0, requires_grad=True)
        with pytest.warns(UserWarning, match=UINT8_WARNING):
            x[ag.tensor([1, 0, 1, 0], dtype=ag.uint8)].sum().backward()
        assert x.grad.tolist() == [1.0, 0.0, 1.0, 0.0]

    def test_a_wrong_length_mask_is_refused(self):
        with pytest.warns(UserWarning, match=UINT8_WARNING), pytest.raises(IndexError, match="boolean index"):
            ag.arange(4.0)[ag.tensor([1, 0, 1], dtype=ag.uint8)]

    @pytest.mark.parametrize("value", [9.0, ag.tensor(9.0)])
    def test_writing_a_number_through_a_byte_mask_is_refused_as_torch(self, value):
        x = ag.arange(4.0)
        with pytest.raises(RuntimeError, match=r"^__setitem__: masked_fill_ only supports boolean "
                                               r"masks, but got mask with dtype uint8\. Hint: index with "
                                               r"mask\.bool"):
            x[ag.tensor([1, 0, 1, 0], dtype=ag.uint8)] = value
        assert x.tolist() == [0.0, 1.0, 2.0, 3.0]

    def test_writing_a_tensor_through_a_byte_mask_works_with_the_warning(self):
        x = ag.arange(8.0).reshape(2, 4)
        with pytest.warns(UserWarning, match=UINT8_WARNING):
            x[ag.tensor([1, 0], dtype=ag.uint8)] = ag.ones(4)
        assert x.tolist() == [[1.0] * 4, [4.0, 5.0, 6.0, 7.0]]


class TestIndexDtypes:
    @pytest.mark.parametrize("dtype", ["int8", "int16"])
    def test_narrow_integer_index_tensors_are_refused_as_torch(self, dtype):
        index = ag.tensor([1, 0], dtype=getattr(ag, dtype))
        with pytest.raises(IndexError, match=rf"^tensors used as indices must be long, int, byte or bool "
                                             rf"tensors, got {dtype}\. Hint: convert with \.long\(\)"):
            ag.arange(4.0)[index]
        if torch is not None:
            with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or bool"):
                torch.arange(4.0)[torch.tensor([1, 0], dtype=getattr(torch, dtype))]

    @pytest.mark.parametrize("dtype", ["int32", "int64", "bool"])
    def test_torchs_index_dtypes_work_silently(self, dtype):
        index = ag.tensor([True, False, True, False]) if dtype == "bool" else ag.tensor(
            [0, 2], dtype=getattr(ag, dtype))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert ag.arange(4.0)[index].tolist() == [0.0, 2.0]

    @requires_torch
    def test_a_0d_int8_tensor_is_a_position(self):
        assert ag.arange(4.0)[ag.tensor(1, dtype=ag.int8)].tolist() == \
            torch.arange(4.0)[torch.tensor(1, dtype=torch.int8)].tolist()

    def test_numpy_index_arrays_keep_numpys_meaning(self):
        assert ag.arange(4.0)[np.array([1, 0], dtype=np.uint8)].tolist() == [1.0, 0.0]

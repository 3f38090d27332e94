"""The dtype gate (autograd/conversion.py): every way an array becomes a Tensor refuses the dtypes
no Tensor holds (object, complex, str, structured, datetime, long double) with PyTorch's TypeError,
and a non-native byte order with PyTorch's ValueError; loading converts the byte order instead."""

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import nn

SUPPORTED = "float64, float32, float16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, and bool"
FOREIGN = {  # dtype label -> (array, numpy type name in the message, a word of the hint)
    "object": (np.array([1.0, 2.0], dtype=object), "object_", "objects"),
    "complex": (np.array([1 + 2j, 3j]), "complex128", "no complex numbers"),
    "str": (np.array(["1", "2"]), "str_", "strings"),
    "structured": (np.zeros(2, dtype=[("a", "f4"), ("b", "i4")]), "void", "field"),
    "datetime": (np.array([1, 2], dtype="M8[s]"), "datetime64", "dates"),
    "timedelta": (np.array([1, 2], dtype="m8[s]"), "timedelta64", "time spans"),
    "longdouble": (np.array([1.0, 2.0], dtype=np.longdouble), "longdouble", "float64"),
}
NON_NATIVE = [np.array([1.0, 2.0], dtype=">f4"), np.array([1, 2], dtype=">i8"),
              np.array([1, 2], dtype=">u2")]


def _set_data(array):
    t = ag.zeros(2)
    t.data = array
    return t


def _backward_with(array):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).backward(array)
    return x.grad


ENTRY_POINTS = {  # name in the message -> how the array is handed over
    "from_numpy": ag.from_numpy,
    "tensor()": ag.tensor,
    "as_tensor": ag.as_tensor,
    "Tensor()": ag.Tensor,
    "data": _set_data,
    "backward": _backward_with,
}


class TestForeignDtypesAreRefused:
    @pytest.mark.parametrize("kind", list(FOREIGN))
    @pytest.mark.parametrize("entry", list(ENTRY_POINTS))
    def test_every_entry_point_refuses(self, entry, kind):
        array, type_name, hint = FOREIGN[kind]
        with pytest.raises(TypeError, match=rf"^{entry.replace('(', '[(]').replace(')', '[)]')}: "
                                            rf"can't convert np\.ndarray of type numpy\.{type_name}\. "
                                            rf"The only supported types are: {SUPPORTED}\. Hint: .*{hint}"):
            ENTRY_POINTS[entry](array)

    def test_object_arithmetic_never_runs(self):
        """The issue's repro: from_numpy(object array).exp() used to run Python-object math."""
        with pytest.raises(TypeError, match=r"^from_numpy: can't convert np\.ndarray of type numpy\.object_"):
            ag.from_numpy(np.array([1.0], dtype=object)).exp()

    @pytest.mark.parametrize(("op", "call"), [
        ("mul", lambda x, a: x * a), ("add", lambda x, a: x + a), ("maximum", ag.maximum),
        ("where", lambda x, a: ag.where(x > 0, x, a))])
    def test_an_op_result_passes_the_gate(self, op, call):
        """A NumPy operand can make an op's result foreign (long double here): the op refuses it."""
        with pytest.raises(TypeError, match=rf"^{op} \(inputs: .*\): can't convert np\.ndarray of "
                                            r"type numpy\.longdouble\. The only supported types"):
            call(ag.ones(2), FOREIGN["longdouble"][0])

    @pytest.mark.parametrize("kind", ["object", "str", "datetime", "longdouble"])
    @requires_torch
    def test_torch_refuses_them_too(self, kind):
        with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
            torch.from_numpy(FOREIGN[kind][0])

    def test_parameters_and_grads_go_through_the_gate(self):
        with pytest.raises(TypeError, match=r"can't convert np\.ndarray of type numpy\.complex128"):
            nn.Parameter(np.array([1j]))
        x = ag.zeros(2, requires_grad=True)
        with pytest.raises(TypeError, match=r"assigned grad expected to be a Tensor or None but got "
                                            r"grad of type numpy\.ndarray"):  # as torch: arrays never
            x.grad = np.array([1.0, 2.0], dtype=object)

    def test_set_takes_only_tensors(self):
        with pytest.raises(TypeError, match=r"^set_\(\): expected a Tensor source, got numpy\.ndarray"):
            ag.zeros(2).set_(np.zeros(2))

    def test_the_data_setter_takes_tensors_and_arrays_only(self):
        with pytest.raises(TypeError, match="^data: Variable data has to be a tensor, but got list"):
            _set_data([1.0, 2.0])


class TestByteOrder:
    @pytest.mark.parametrize("array", NON_NATIVE, ids=lambda a: a.dtype.str)
    @pytest.mark.parametrize("entry", ["from_numpy", "tensor()", "as_tensor", "Tensor()", "data"])
    def test_non_native_byte_order_is_refused(self, entry, array):
        with pytest.raises(ValueError, match=r"given numpy array has byte order different from the "
                                             rf"native byte order \(dtype '{array.dtype.str}'\)\. "
                                             r".*Hint: convert it first"):
            ENTRY_POINTS[entry](array)

    @requires_torch
    @pytest.mark.parametrize("array", NON_NATIVE, ids=lambda a: a.dtype.str)
    def test_as_torch_does(self, array):
        with pytest.raises(ValueError, match="byte order different from the native byte order"):
            torch.from_numpy(array)

    @pytest.mark.parametrize("array", NON_NATIVE, ids=lambda a: a.dtype.str)
    def test_converted_arrays_are_accepted(self, array):
        t = ag.from_numpy(array.astype(array.dtype.newbyteorder("=")))
        assert t.tolist() == array.tolist() and t.dtype == array.dtype.newbyteorder("=")


class TestWhatTensorsHold:
    @requires_torch
    @pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int16", "int32",
                                       "int64", "uint8", "uint16", "uint32", "uint64", "bool"])
    def test_each_supported_dtype_is_shared_as_by_torch(self, dtype):
        array = np.arange(3).astype(dtype)
        ours, theirs = ag.from_numpy(array), torch.from_numpy(array)
        assert str(ours.dtype) == str(theirs.dtype)
        array[0] = 1  # shared memory, both
        assert ours.tolist() == theirs.tolist()

    def test_as_tensor_shares_when_it_can(self):
        array = np.zeros(3, np.float32)
        shared, converted = ag.as_tensor(array), ag.as_tensor(array, dtype=ag.float64)
        array[0] = 5
        assert shared[0].item() == 5 and converted[0].item() == 0
        t = ag.ones(2)
        assert ag.as_tensor(t) is t and ag.as_tensor(t, ag.float64).dtype == ag.float64
        assert ag.as_tensor([1, 2]).dtype == ag.int64


class TestLoading:
    """A file's byte order is converted (it is no user's choice); a dtype no Tensor holds is refused."""

    @pytest.mark.parametrize("dtype", [">f4", ">f8", ">i4", ">u2"])
    def test_a_big_endian_tensor_entry_loads_native(self, tmp_path, dtype):
        values = np.array([1, 2, 3], dtype=dtype)
        path = tmp_path / "old.pt"
        ag.save({"t": ag.Tensor._wrap(values)}, path)  # as an older ndgrad could write it
        loaded = ag.load(path)["t"]
        assert loaded._data.dtype.isnative and loaded.tolist() == [1, 2, 3]
        assert loaded.dtype == values.dtype.newbyteorder("=")

    def test_a_complex_safetensors_entry_is_refused(self, tmp_path):
        path = tmp_path / "c.safetensors"
        ag.save({"z": np.array([1 + 2j], np.complex64), "x": np.ones(2, np.float32)}, path)
        with pytest.raises(ag.serialization.SerializationError,
                           match=r"holds 'z' of dtype complex64, which ndgrad can't hold .*no "
                                 r"complex numbers"):
            ag.load(path)

    def test_a_complex_checkpoint_entry_is_corrupt(self, tmp_path):
        path = tmp_path / "c.pt"
        ag.save({"t": ag.Tensor._wrap(np.array([1j]))}, path)
        with pytest.raises(ag.serialization.SerializationError,
                           match="a Tensor entry holds an array of dtype complex128"):
            ag.load(path)

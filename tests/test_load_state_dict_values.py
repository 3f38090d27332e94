"""``Module.load_state_dict`` with values of every kind: what loads converts as in PyTorch, what
fails names the key in PyTorch's words and leaves the whole model as it was, even when the bad
value comes after keys that were already copied (and also when it arrives through a file).
"""

import datetime
import re
import zipfile

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import nn
from autograd.serialization import SerializationError

KEYS = ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
        "1.num_batches_tracked"]
LATE_KEY = "1.running_var"  # loaded after four other keys were copied


def model(lib=ag, seed=0):
    lib.manual_seed(seed)
    nn_ = nn if lib is ag else torch.nn
    return nn_.Sequential(nn_.Linear(2, 3), nn_.BatchNorm1d(3))


def snapshot(m):
    return {k: (v.detach().numpy().copy(), v.dtype, id(v)) for k, v in
            [*m.named_parameters(), *m.named_buffers()]}


def assert_unchanged(m, before):
    after = snapshot(m)
    assert after.keys() == before.keys()
    for key, (array, dtype, ident) in before.items():
        assert after[key][1] == dtype and after[key][2] == ident, key
        np.testing.assert_array_equal(after[key][0], array, err_msg=key)


def changed_state(m, lib=ag):
    """The model's state with every value changed, so a partial copy would show."""
    return {k: v + 1 if k != "1.num_batches_tracked" else v + 7 for k, v in m.state_dict().items()}


BAD_VALUES = {
    "str-array": np.array(["a", "b", "c"]),
    "complex-array": np.ones(3, np.complex128),
    "object-array": np.array([1, None, 2], dtype=object),
    "datetime-array": np.array(["2020-01-01"] * 3, dtype="datetime64[D]"),
    "float-array": np.ones(3, np.float32),
    "list": [1.0, 2.0, 3.0],
    "float": 3.0,
    "str": "weights",
    "none": None,
    "date": datetime.date(2020, 1, 1),
}


class TestValuesThatAreNotTensors:
    @pytest.mark.parametrize("name", BAD_VALUES)
    def test_refused_naming_the_key_and_nothing_changes(self, name):
        m = model()
        before = snapshot(m)
        state = changed_state(m)
        state[LATE_KEY] = BAD_VALUES[name]
        with pytest.raises(RuntimeError) as info:
            m.load_state_dict(state)
        assert str(info.value) == (
            "Error(s) in loading state_dict for Sequential:\n\t"
            f'While copying the parameter named "{LATE_KEY}", expected torch.Tensor or '
            f"Tensor-like object from checkpoint but received {type(BAD_VALUES[name])}")
        assert_unchanged(m, before)

    @requires_torch
    @pytest.mark.parametrize("name", BAD_VALUES)
    def test_same_message_as_torch(self, name):
        messages = []
        for lib in (ag, torch):
            m = model(lib)
            state = dict(m.state_dict())
            state[LATE_KEY] = BAD_VALUES[name]
            with pytest.raises(RuntimeError) as info:
                m.load_state_dict(state)
            messages.append(str(info.value))
        assert messages[0] == messages[1]


# value for the key, as (ndgrad, torch) factories
CONVERTED = {
    "float-into-int64-count": ("1.num_batches_tracked", lambda lib: lib.tensor(2.7)),
    "negative-float-into-count": ("1.num_batches_tracked", lambda lib: lib.tensor(-3.7)),
    "bool-into-float": ("1.bias", lambda lib: lib.tensor([True, False, True])),
    "int-into-float": ("1.weight", lambda lib: lib.tensor([1, -2, 3])),
    "float64-into-float32": ("0.weight", lambda lib: lib.ones(3, 2, dtype=lib.float64) / 3),
    "requires-grad-value": ("0.bias", lambda lib: lib.ones(3, requires_grad=True)),
}


class TestTensorsOfAnotherDtype:
    @pytest.mark.parametrize("case", CONVERTED)
    def test_converted_into_the_model_dtype(self, case):
        key, make = CONVERTED[case]
        m = model()
        dtypes = {k: v.dtype for k, v in m.state_dict().items()}
        numpy_dtype = m.state_dict()[key].numpy().dtype
        state = dict(m.state_dict())
        state[key] = make(ag)
        m.load_state_dict(state)
        loaded = m.state_dict()
        assert {k: v.dtype for k, v in loaded.items()} == dtypes
        expected = make(ag).detach().numpy().astype(numpy_dtype)
        np.testing.assert_array_equal(loaded[key].numpy(), expected)

    @requires_torch
    @pytest.mark.parametrize("case", CONVERTED)
    def test_same_values_as_torch(self, case):
        key, make = CONVERTED[case]
        results = []
        for lib in (ag, torch):
            m = model(lib)
            state = dict(m.state_dict())
            state[key] = make(lib)
            m.load_state_dict(state)
            value = m.state_dict()[key]
            results.append((value.detach().numpy().tolist(), str(value.dtype)))
        assert results[0] == results[1]


class TestAssign:
    @pytest.mark.parametrize("key, make, dtype", [
        ("0.weight", lambda: ag.ones(3, 2, dtype=ag.int64), "int64"),
        ("1.bias", lambda: ag.ones(3, dtype=ag.bool), "bool"),
    ])
    def test_a_value_that_cannot_be_a_parameter_is_reported_and_nothing_changes(self, key, make,
                                                                                 dtype):
        m = model()
        before = snapshot(m)
        state = changed_state(m)
        state[key] = make()
        with pytest.raises(RuntimeError) as info:
            m.load_state_dict(state, assign=True)
        shape = tuple(state[key].shape)
        assert str(info.value) == (
            "Error(s) in loading state_dict for Sequential:\n\t"
            f'While copying the parameter named "{key}", whose dimensions in the model are '
            f"torch.Size({list(shape)}) and whose dimensions in the checkpoint are "
            f"torch.Size({list(shape)}), an exception occurred : ('only floating point tensors can "
            f"require gradients, got {dtype}. Hint: convert with .float() first',).")
        assert_unchanged(m, before)

    @requires_torch
    def test_torch_reports_the_same_key_in_the_same_words(self):
        m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
        state = dict(m.state_dict())
        state["0.weight"] = torch.ones(3, 2, dtype=torch.int64)
        with pytest.raises(RuntimeError, match=r'While copying the parameter named "0.weight", '
                                               r"whose dimensions in the model are torch.Size\(\[3, "
                                               r"2\]\) and whose dimensions in the checkpoint are "):
            m.load_state_dict(state, assign=True)


class TestThroughACheckpointFile:
    @pytest.mark.parametrize("name", ["str-array", "complex-array", "datetime-array"])
    def test_an_array_saved_in_the_state_dict_is_refused_after_loading(self, tmp_path, name):
        m = model()
        before = snapshot(m)
        state = changed_state(m)
        state[LATE_KEY] = BAD_VALUES[name]
        ag.save(state, tmp_path / "ckpt.pt")
        loaded = ag.load(tmp_path / "ckpt.pt")
        assert isinstance(loaded[LATE_KEY], np.ndarray)
        with pytest.raises(RuntimeError, match=f'named "{LATE_KEY}", expected torch.Tensor or '
                                               "Tensor-like object from checkpoint but received "
                                               "<class 'numpy.ndarray'>"):
            m.load_state_dict(loaded)
        assert_unchanged(m, before)

    @pytest.mark.parametrize("array", [np.ones(3, np.complex64), np.array(["a", "b", "c"]),
                                       np.array(["2020-01-01"] * 3, dtype="datetime64[D]")],
                             ids=["complex64", "str", "datetime"])
    def test_a_tensor_entry_of_such_a_dtype_fails_the_load_itself(self, tmp_path, array):
        m = model()
        state = changed_state(m)
        ag.save(state, tmp_path / "ckpt.pt")
        crafted = tmp_path / "crafted.pt"
        with zipfile.ZipFile(tmp_path / "ckpt.pt") as src, zipfile.ZipFile(crafted, "w") as dst:
            index = KEYS.index(LATE_KEY)
            for info in src.infolist():
                data = src.read(info)
                if info.filename == f"data/{index}.npy":
                    with dst.open(info.filename, "w") as fh:
                        np.save(fh, array)
                else:
                    dst.writestr(info.filename, data)
        dtype = re.escape(str(array.dtype))
        with pytest.raises(SerializationError, match=rf"^load: {str(crafted)!r} is corrupt: a Tensor "
                                                     rf"entry holds an array of dtype {dtype}"):
            ag.load(crafted)

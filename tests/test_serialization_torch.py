"""The safetensors exchange (ndgrad.save_file / load_file, ``.safetensors`` paths in torch.save /
torch.load), and real PyTorch files: weights move both ways bit for bit, pickles are refused."""

import io
import json
import os
from collections import OrderedDict

import numpy as np
import pytest
from conftest import requires_torch, torch
from safetensors import safe_open

import autograd as ag
import ndgrad
import nn
from autograd.serialization import SerializationError


def flat_state():
    return OrderedDict([
        ("w", ag.randn(3, 4)), ("wt", ag.randn(4, 3).t()), ("b64", ag.arange(3.0, dtype=ag.float64)),
        ("half", ag.tensor([1.5, -2.0], dtype=ag.float16)), ("steps", ag.tensor(7)),
        ("mask", ag.tensor([True, False])), ("empty", ag.zeros(0, 2)),
        ("bytes", ag.tensor([0, 255], dtype=ag.uint8)),
        ("param", nn.Parameter(ag.ones(2))), ("array", np.arange(4, dtype=np.int32)),
        ("big_endian", np.arange(3, dtype=">f8")),
    ])


def assert_flat_equal(loaded, original):
    assert type(loaded) is dict and sorted(loaded) == sorted(original)
    for key, value in original.items():
        expected = value.detach().numpy() if isinstance(value, ag.Tensor) else value
        got = loaded[key]
        assert type(got) is ag.Tensor and not got.requires_grad, key
        native = expected.dtype.newbyteorder("=")
        assert got.shape == expected.shape and got.dtype == native, key
        assert got.detach().numpy().tobytes() == expected.astype(native, order="C").tobytes(), key


# ---- safetensors, ndgrad alone -------------------------------------------------------------
@pytest.mark.parametrize("how", ["helpers", "torch.save", "buffer"])
def test_safetensors_round_trip(tmp_path, how):
    state = flat_state()
    if how == "helpers":
        ndgrad.save_file(state, tmp_path / "m.bin")  # any suffix
        loaded = ndgrad.load_file(tmp_path / "m.bin")
    elif how == "torch.save":
        ag.save(state, str(tmp_path / "m.safetensors"))
        loaded = ag.load(tmp_path / "m.safetensors")
        assert ndgrad.load_file(tmp_path / "m.safetensors").keys() == loaded.keys()
    else:
        ag.serialization.save_safetensors(state, buffer := io.BytesIO())
        loaded = ag.load(io.BytesIO(buffer.getvalue()), map_location="cpu")
    assert_flat_equal(loaded, state)
    with ag.no_grad():
        loaded["w"].add_(1.0)  # writable, and not the saved tensor
    assert not np.array_equal(loaded["w"].detach().numpy(), state["w"].detach().numpy())


def test_safetensors_metadata(tmp_path):
    ag.save({"w": ag.ones(1)}, tmp_path / "a.safetensors", metadata={"epoch": "3"})
    ndgrad.save_file({"w": ag.ones(1)}, tmp_path / "b.safetensors", metadata={"format": "pt"})
    with safe_open(tmp_path / "a.safetensors", "np") as a, safe_open(tmp_path / "b.safetensors", "np") as b:
        assert a.metadata() == {"epoch": "3"} and b.metadata() == {"format": "pt"}
    with pytest.raises(TypeError, match="str -> str"):
        ndgrad.save_file({"w": ag.ones(1)}, tmp_path / "c.safetensors", metadata={"epoch": 3})


@pytest.mark.parametrize("obj, match", [
    ({"model": {"w": ag.ones(1)}}, r"type dict at obj\['model'\] as safetensors: .*flat dict.*'ckpt.pt'"),
    ({"step": 3}, r"type int at obj\['step'\]"),
    ([ag.ones(1)], "type list as safetensors"),
    ({1: ag.ones(1)}, "names must be str"),
    ({"s": np.array(["a"])}, "can't store dtype <U1"),
])
def test_safetensors_refuses_what_it_cannot_hold(tmp_path, obj, match):
    with pytest.raises(TypeError, match=match):
        ag.save(obj, tmp_path / "x.safetensors")
    assert os.listdir(tmp_path) == []


def header_file(path, header, payload=b""):
    text = json.dumps(header).encode()
    path.write_bytes(len(text).to_bytes(8, "little") + text + payload)


def test_safetensors_bfloat16_and_damage(tmp_path):
    header_file(tmp_path / "bf16.safetensors", {"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}},
                b"\0" * 4)
    with pytest.raises(SerializationError, match=r"dtype BF16.*convert them in PyTorch.*v.float\(\)"):
        ndgrad.load_file(tmp_path / "bf16.safetensors")
    header_file(tmp_path / "short.safetensors",
                {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 8)
    with pytest.raises(SerializationError, match="truncated or corrupt safetensors"):
        ag.load(tmp_path / "short.safetensors")
    ag.save({"a": 1}, tmp_path / "ours.pt")
    with pytest.raises(SerializationError, match="not a safetensors file"):
        ndgrad.load_file(tmp_path / "ours.pt")
    with pytest.raises(FileNotFoundError):
        ndgrad.load_file(tmp_path / "missing.safetensors")


# ---- real PyTorch --------------------------------------------------------------------------
def torch_model():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
                                torch.nn.Linear(8, 3), torch.nn.LayerNorm(3))
    with torch.no_grad():  # non-trivial buffers and affine weights
        for _ in range(3):
            model(torch.randn(16, 4))
        model[4].weight.uniform_(0.5, 1.5)
        model[4].bias.uniform_(-0.5, 0.5)
    return model.eval()


def ndgrad_model():
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3),
                         nn.LayerNorm(3)).eval()


INPUT = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)


def assert_bit_identical(ndgrad_state, torch_state):
    assert list(ndgrad_state) == list(torch_state)
    for key, value in torch_state.items():
        mine = ndgrad_state[key].detach().numpy()
        assert mine.dtype == value.numpy().dtype and mine.tobytes() == value.numpy().tobytes(), key


@requires_torch
@pytest.mark.parametrize("reader", ["load_file", "torch.load"])
def test_pytorch_safetensors_load_into_ndgrad(tmp_path, reader):
    from safetensors.torch import save_file

    reference = torch_model()
    save_file(reference.state_dict(), tmp_path / "model.safetensors")
    loaded = (ndgrad.load_file if reader == "load_file" else ag.load)(tmp_path / "model.safetensors")
    model = ndgrad_model()
    model.load_state_dict(loaded)
    assert_bit_identical(model.state_dict(), reference.state_dict())
    with torch.no_grad():
        expected = reference(torch.from_numpy(INPUT)).numpy()
    np.testing.assert_allclose(model(ag.tensor(INPUT)).detach().numpy(), expected, rtol=1e-6, atol=1e-6)


@requires_torch
@pytest.mark.parametrize("writer", ["save_file", "torch.save"])
def test_ndgrad_safetensors_load_into_pytorch(tmp_path, writer):
    from safetensors.torch import load_file

    ag.manual_seed(1)
    model = ndgrad_model().train()
    for _ in range(3):
        model(ag.randn(16, 4))  # running statistics move
    model.eval()
    write = ndgrad.save_file if writer == "save_file" else ag.save
    write(model.state_dict(), tmp_path / "model.safetensors")
    reference = torch_model()
    reference.load_state_dict(load_file(tmp_path / "model.safetensors"))
    assert_bit_identical(model.state_dict(), reference.state_dict())
    with torch.no_grad():
        expected = reference(torch.from_numpy(INPUT)).numpy()
    np.testing.assert_allclose(model(ag.tensor(INPUT)).detach().numpy(), expected, rtol=1e-6, atol=1e-6)


@requires_torch
@pytest.mark.parametrize("zipfile_format", [True, False])
def test_torch_save_checkpoints_are_refused_with_the_conversion_hint(tmp_path, zipfile_format):
    reference = torch_model()
    path = tmp_path / "model.pt"
    torch.save({"epoch": 1, "model": reference.state_dict()}, path,
               _use_new_zipfile_serialization=zipfile_format)
    with pytest.raises(SerializationError) as err:
        ag.load(path)
    message = str(err.value)
    assert ("PyTorch checkpoint written by torch.save" if zipfile_format else "is a pickle") in message
    assert "save_file(torch.load(path, weights_only=True), 'model.safetensors')" in message
    assert "ndgrad.load_file" in message


@requires_torch
def test_saving_a_torch_tensor_says_to_convert_it():
    with pytest.raises(TypeError, match=r"type Tensor at obj\['w'\]: it is a PyTorch object.*t.numpy\(\)"):
        ag.save({"w": torch.ones(2)}, io.BytesIO())

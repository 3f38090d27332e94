"""torch.save / torch.load (ag.save / ag.load): what they refuse, and what the errors say."""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd.serialization import FORMAT_VERSION, SerializationError


class Config:
    pass


# ---- save ----------------------------------------------------------------------------------
@pytest.mark.parametrize("obj, type_name, where, hint", [
    ({"model": {"fc": nn.Linear(2, 2)}}, "Linear", r"obj\['model'\]\['fc'\]",
     r"a Module: save its state_dict\(\) instead"),
    ({"optim": optim.SGD([ag.ones(1, requires_grad=True)], lr=0.1)}, "SGD", r"obj\['optim'\]",
     r"an optimizer: save its state_dict\(\)"),
    ({"state": {0: {"fn": lambda x: x}}}, "function", r"obj\['state'\]\[0\]\['fn'\]",
     "functions, lambdas and classes are code"),
    ({"groups": [{"fn": len}]}, "builtin_function_or_method", r"obj\['groups'\]\[0\]\['fn'\]",
     "are code"),
    ([1, (2, Config())], "Config", r"obj\[1\]\[1\]", r"for a model save model.state_dict\(\)"),
    ({"cls": Config}, "type", r"obj\['cls'\]", "are code"),
    ({"s": {1, 2}}, "set", r"obj\['s'\]", "never pickles"),
    ({"x": 1 + 2j}, "complex", r"obj\['x'\]", "never pickles"),
])
def test_save_unsupported_object_names_where_and_what_to_do(tmp_path, obj, type_name, where, hint):
    with pytest.raises(TypeError, match=rf"type {type_name} at {where}: .*{hint}"):
        ag.save(obj, tmp_path / "bad.pt")
    assert not (tmp_path / "bad.pt").exists()


def test_save_a_module_itself():
    with pytest.raises(TypeError, match=r"Sequential at obj: .*torch.save\(model.state_dict\(\), f\)"):
        ag.save(nn.Sequential(nn.Linear(1, 1)), io.BytesIO())


@pytest.mark.parametrize("key", [frozenset({1}), Config(), ("ok", frozenset()), b"raw"])
def test_save_bad_key(key):
    with pytest.raises(TypeError, match=r"dict keys must be str, int, float, bool, None or tuples.*"
                                        r"in obj\['outer'\]"):
        ag.save({"outer": {key: 1}}, io.BytesIO())


def test_save_object_array_and_cycle():
    with pytest.raises(TypeError, match=r"dtype object at obj\['a'\]"):
        ag.save({"a": np.array([None, 1], dtype=object)}, io.BytesIO())
    loop = {"a": []}
    loop["a"].append(loop)
    with pytest.raises(ValueError, match=r"contains itself at obj\['a'\]\[0\]"):
        ag.save(loop, io.BytesIO())


def test_save_metadata_is_for_safetensors_only(tmp_path):
    with pytest.raises(ValueError, match="safetensors format only"):
        ag.save({"w": ag.ones(1)}, tmp_path / "m.pt", metadata={"a": "b"})


def test_save_into_a_missing_directory_or_onto_a_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ag.save(1, tmp_path / "nope" / "x.pt")
    with pytest.raises(IsADirectoryError):
        ag.save(1, tmp_path)


# ---- load: not a file, not ours ------------------------------------------------------------
def test_load_missing_file_or_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        ag.load(tmp_path / "nope.pt")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        ag.load(tmp_path)


@pytest.mark.parametrize("content, what", [
    (b"step,lr\n1,0.1\n", "neither a zip archive nor safetensors"), (b"", "empty"),
    (None, "single .npy array"),
])
def test_load_other_formats(tmp_path, content, what):
    path = tmp_path / "other.pt"
    if content is None:
        np.save(tmp_path / "a.npy", np.ones(3))
        (tmp_path / "a.npy").rename(path)
    else:
        path.write_bytes(content)
    with pytest.raises(SerializationError, match=f"not an ndgrad checkpoint: .*{what}"):
        ag.load(path)


def test_load_foreign_zips(tmp_path):
    np.savez(tmp_path / "foreign.npz", weights=np.ones(3))
    with pytest.raises(SerializationError, match=r"NumPy .npz archive. Hint: .*np.load"):
        ag.load(tmp_path / "foreign.npz")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(SerializationError, match="zip archive without ndgrad's manifest"):
        ag.load(tmp_path / "other.zip")


def check_pytorch_hint(err):
    message = str(err.value)
    for part in ["PyTorch", "never unpickles", "from safetensors.torch import save_file",
                 "model.state_dict()", "'model.safetensors'", "ndgrad.load_file"]:
        assert part in message, (part, message)


def test_load_refuses_pickles_with_the_conversion_hint(tmp_path):
    """Stand-ins for torch.save files (real ones: test_serialization_torch.py)."""
    with zipfile.ZipFile(tmp_path / "zip.pt", "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"w": 1}, protocol=2))
        archive.writestr("archive/version", "3\n")
    with pytest.raises(SerializationError, match="PyTorch checkpoint written by torch.save") as err:
        ag.load(tmp_path / "zip.pt")
    check_pytorch_hint(err)
    (tmp_path / "legacy.pt").write_bytes(pickle.dumps({"w": 1}, protocol=2))
    with pytest.raises(SerializationError, match="is a pickle") as err:
        ag.load(tmp_path / "legacy.pt")
    check_pytorch_hint(err)


# ---- load: damaged or newer files ----------------------------------------------------------
def state():
    return {"w": ag.randn(20, 20), "opt": {"state": {0: {"step": 1, "buf": ag.ones(50)}}}}


@pytest.mark.parametrize("keep", [0.5, 0.95, 30, 3])
def test_load_truncated_file(tmp_path, keep):
    buffer = io.BytesIO()
    ag.save(state(), buffer)
    data = buffer.getvalue()
    cut = tmp_path / "cut.pt"
    cut.write_bytes(data[:int(len(data) * keep) if keep < 1 else keep])
    with pytest.raises(SerializationError, match="truncated or corrupt"):
        ag.load(cut)


def test_load_detects_flipped_bytes_in_an_array(tmp_path):
    buffer = io.BytesIO()
    ag.save({"w": ag.zeros(1000)}, buffer)
    data = bytearray(buffer.getvalue())
    data[len(data) // 2] ^= 0xFF  # inside the array's bytes: the zip's CRC catches it
    with pytest.raises(SerializationError, match="truncated or corrupt.*CRC"):
        ag.load(io.BytesIO(bytes(data)))


def write_archive(path, manifest, **arrays):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ndgrad.json", manifest if isinstance(manifest, str) else json.dumps(manifest))
        for name, array in arrays.items():
            with archive.open(f"data/{name}.npy", "w") as fh:
                np.lib.format.write_array(fh, array, allow_pickle=True)


def test_load_newer_format_version(tmp_path):
    path = tmp_path / "future.pt"
    write_archive(path, {"format": "ndgrad", "version": FORMAT_VERSION + 1,
                         "ndgrad_version": "9.0", "root": None})
    with pytest.raises(SerializationError,
                       match=rf"format version {FORMAT_VERSION + 1}.*newer ndgrad \(9.0\).*upgrade"):
        ag.load(path)


def tensor_node(key="data/0.npy"):
    return {"t": "tensor", "k": key, "o": 0, "rg": False}


@pytest.mark.parametrize("manifest, match", [
    ("{not json", "corrupt manifest"),
    ("[1, 2]", "unknown manifest"),
    ({"format": "other", "version": 2, "root": None}, "unknown manifest"),
    ({"format": "ndgrad", "version": 2, "root": tensor_node("data/9.npy")}, "missing array"),
    ({"format": "ndgrad", "version": 2, "root": tensor_node("ndgrad.json")}, "missing array"),
    ({"format": "ndgrad", "version": 2, "root": {"t": "set", "items": []}}, "unknown node"),
    ({"format": "ndgrad", "version": 2, "root": {"t": "dict", "items": [[[1, 2], 1]]}},
     "bad dict key"),
    ({"format": "ndgrad", "version": 2, "root": {"t": "dict", "items": [[{"t": "list", "items": []},
                                                                          1]]}}, "bad dict key"),
    ({"format": "ndgrad", "version": 2, "root": {"t": "list"}}, "truncated or corrupt"),
    ({"format": "ndgrad", "version": "2", "root": None}, "malformed"),
    ({"format": "ndgrad", "version": 2}, "malformed"),
])
def test_load_corrupt_manifest(tmp_path, manifest, match):
    path = tmp_path / "corrupt.pt"
    write_archive(path, manifest)
    with pytest.raises(SerializationError, match=match):
        ag.load(path)


def test_load_rejects_pickled_entries_and_non_numeric_tensors(tmp_path):
    path = tmp_path / "pickled.pt"
    write_archive(path, {"format": "ndgrad", "version": 2, "root": {"t": "ndarray", "k": "data/0.npy"}},
                  **{"0": np.array([{"evil": 1}], dtype=object)})
    with pytest.raises(SerializationError, match="(?i)pickle"):
        ag.load(path)
    write_archive(path, {"format": "ndgrad", "version": 2, "root": tensor_node()},
                  **{"0": np.array(["text"])})
    with pytest.raises(SerializationError, match="a Tensor entry holds an array of dtype <U4"):
        ag.load(path)


def test_load_requires_grad_on_an_int_tensor_is_corrupt(tmp_path):
    path = tmp_path / "int.pt"
    write_archive(path, {"format": "ndgrad", "version": 2, "root": dict(tensor_node(), rg=True)},
                  **{"0": np.arange(3)})
    with pytest.raises(SerializationError, match="floating point"):
        ag.load(path)

"""nn.save / nn.load: round trips through .npz without pickle, and clear errors."""

import io
import json
import math
import pathlib
import zipfile

import numpy as np
import pytest

import autograd as ag
from nn import serialization
from nn.serialization import MANIFEST_KEY, SerializationError, load, save


class SubTensor(ag.Tensor):
    """Stands in for nn.Parameter: a Tensor subclass saved as its array."""

    __slots__ = ()


def nested_state():
    w = SubTensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    return {
        "model": {"fc.weight": w, "fc.bias": ag.zeros(3, dtype=ag.float64),
                  "bn.num_batches_tracked": ag.tensor(7), "mask": ag.tensor([True, False])},
        "optim": {
            "state": {0: {"step": 3, "exp_avg": ag.ones(2, 3), "buf": np.full((2, 3), 0.5)},
                      1: {"step": 3, "momentum_buffer": None}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
                              "amsgrad": False, "params": [0, 1], "name": "main"}],
        },
        "arrays": [np.arange(4, dtype=np.int64), np.array([True, False, True]),
                   np.array(2.5), np.array(3, dtype=np.int32), np.zeros((0, 4), np.float32),
                   np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array(["a", "bc"])],
        "scalars": (np.float32(1.5), np.int64(-4), np.bool_(True), 2 ** 70, -0.0, "ünï"),
        "special": [math.inf, -math.inf, math.nan, (), [], {}, ((1, 2), [3, (4,)])],
        -1: "negative int key", 10: {"nested": {5: None}},
    }


def assert_same(loaded, original, path="obj"):
    """Equal values and the same types: a Tensor (subclass) loads as a plain Tensor."""
    if isinstance(original, ag.Tensor):
        assert type(loaded) is ag.Tensor, path
        assert loaded.dtype == original.dtype and not loaded.requires_grad, path
        np.testing.assert_array_equal(loaded.detach().numpy(), original.detach().numpy(), err_msg=path)
    elif isinstance(original, (np.ndarray, np.generic)):
        assert type(loaded) is type(original) and loaded.dtype == original.dtype, path
        assert np.shape(loaded) == np.shape(original), path
        np.testing.assert_array_equal(loaded, original, err_msg=path)
    elif isinstance(original, dict):
        assert type(loaded) is dict and list(loaded) == list(original), path
        for key in original:
            assert type(next(k for k in loaded if k == key)) is type(key), path
            assert_same(loaded[key], original[key], f"{path}[{key!r}]")
    elif isinstance(original, (list, tuple)):
        assert type(loaded) is type(original) and len(loaded) == len(original), path
        for i, (a, b) in enumerate(zip(loaded, original)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(original, float) and math.isnan(original):
        assert type(loaded) is float and math.isnan(loaded), path
    else:
        assert type(loaded) is type(original) and loaded == original, path
        if isinstance(original, float):
            assert math.copysign(1, loaded) == math.copysign(1, original), path


# ---- round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("as_path", [str, pathlib.Path])
def test_round_trip_nested_state(tmp_path, as_path):
    state = nested_state()
    target = as_path(tmp_path / "ckpt.npz")
    assert save(state, target) is None
    assert_same(load(target), state)


def test_round_trip_file_object():
    state = nested_state()
    buffer = io.BytesIO()
    save(state, buffer)
    buffer.seek(0)
    assert_same(load(buffer), state)


@pytest.mark.parametrize("obj", [None, 3, "text", [1, 2.5], ag.tensor(1.0), np.float64(2.0)])
def test_round_trip_top_level_values(tmp_path, obj):
    save(obj, tmp_path / "x.npz")
    assert_same(load(tmp_path / "x.npz"), obj)


def test_path_is_used_as_given(tmp_path):
    save({"a": 1}, tmp_path / "model.ckpt")
    save({"b": 2}, str(tmp_path / "noext"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.ckpt", "noext"]
    assert load(tmp_path / "model.ckpt") == {"a": 1} and load(str(tmp_path / "noext")) == {"b": 2}


def test_loaded_tensors_are_independent(tmp_path):
    w = ag.ones(3, requires_grad=True)
    save({"w": w}, tmp_path / "s.npz")
    loaded = load(tmp_path / "s.npz")["w"]
    loaded.data[0] = 5.0
    assert float(w.detach().numpy()[0]) == 1.0 and loaded.is_leaf


def test_shared_objects_stored_once(tmp_path):
    w = ag.randn(4, 4)
    arr = np.arange(3)
    save({"encoder.weight": w, "decoder.weight": w, "a": arr, "b": [arr]}, tmp_path / "t.npz")
    with np.load(tmp_path / "t.npz", allow_pickle=False) as npz:
        assert len(npz.files) == 3  # manifest + one Tensor + one array
    loaded = load(tmp_path / "t.npz")
    assert loaded["encoder.weight"] is loaded["decoder.weight"]
    assert loaded["a"] is loaded["b"][0]


def test_file_holds_no_pickles(tmp_path):
    save(nested_state(), tmp_path / "s.npz")
    with np.load(tmp_path / "s.npz", allow_pickle=False) as npz:  # raises on any pickle
        arrays = {name: npz[name] for name in npz.files}
        manifest = json.loads(arrays[MANIFEST_KEY].tobytes().decode("utf-8"))
    assert all(not a.dtype.hasobject for a in arrays.values())
    assert manifest["format"] == "ndgrad" and manifest["version"] == serialization.FORMAT_VERSION
    with zipfile.ZipFile(tmp_path / "s.npz") as archive:
        assert all(name.endswith(".npy") for name in archive.namelist())


def test_parameter_from_nn(tmp_path):
    parameter = pytest.importorskip("nn.parameter")
    p = parameter.Parameter(ag.randn(2, 2))
    save({"w": p}, tmp_path / "p.npz")
    loaded = load(tmp_path / "p.npz")["w"]
    assert type(loaded) is ag.Tensor and not loaded.requires_grad
    np.testing.assert_array_equal(loaded.detach().numpy(), p.detach().numpy())


# ---- save errors -------------------------------------------------------------------------------
@pytest.mark.parametrize("obj, type_name, where", [
    ({"state": {0: {"s": {1, 2}}}}, "set", r"obj\['state'\]\[0\]\['s'\]"),
    ({"groups": [{"fn": len}]}, "builtin_function_or_method", r"obj\['groups'\]\[0\]\['fn'\]"),
    ([1, (2, object())], "object", r"obj\[1\]\[1\]"),
    ({"x": 1 + 2j}, "complex", r"obj\['x'\]"),
])
def test_save_unsupported_type(tmp_path, obj, type_name, where):
    with pytest.raises(TypeError, match=rf"type {type_name} at {where}"):
        save(obj, tmp_path / "bad.npz")
    assert not (tmp_path / "bad.npz").exists()


@pytest.mark.parametrize("key", [1.5, (1, 2), True, None])
def test_save_bad_key(tmp_path, key):
    with pytest.raises(TypeError, match="keys must be str or int"):
        save({"outer": {key: 1}}, tmp_path / "bad.npz")


def test_save_object_array_and_cycle(tmp_path):
    with pytest.raises(TypeError, match=r"dtype object at obj\['a'\]"):
        save({"a": np.array([None, 1], dtype=object)}, tmp_path / "bad.npz")
    loop = {"a": []}
    loop["a"].append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        save(loop, tmp_path / "bad.npz")


def test_failed_save_keeps_existing_file(tmp_path):
    target = tmp_path / "ckpt.npz"
    save({"w": ag.ones(2)}, target)
    with pytest.raises(TypeError):
        save({"w": ag.ones(2), "oops": {1, 2}}, target)
    np.testing.assert_array_equal(load(target)["w"].detach().numpy(), np.ones(2))


# ---- load errors -------------------------------------------------------------------------------
def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load(tmp_path / "nope.npz")
    np.savez(tmp_path / "plain", a=np.ones(2))  # np.savez appended .npz
    with pytest.raises(FileNotFoundError, match="np.savez"):
        load(tmp_path / "plain")


@pytest.mark.parametrize("keep", [0.5, 0.95, 30])
def test_load_truncated_file(tmp_path, keep):
    good = tmp_path / "good.npz"
    save(nested_state(), good)
    data = good.read_bytes()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(data[:int(len(data) * keep) if keep < 1 else keep])
    with pytest.raises(SerializationError, match="truncated or corrupt"):
        load(cut)


def test_load_foreign_npz(tmp_path):
    np.savez(tmp_path / "foreign.npz", weights=np.ones(3))
    with pytest.raises(SerializationError, match="not an ndgrad file.*without the"):
        load(tmp_path / "foreign.npz")
    np.savez(tmp_path / "empty.npz")
    with pytest.raises(ValueError, match="not an ndgrad file"):
        load(tmp_path / "empty.npz")


@pytest.mark.parametrize("content, what", [
    (b"step,lr\n1,0.1\n", "not an .npz"), (b"", "empty"), (None, "single .npy array"),
])
def test_load_other_formats(tmp_path, content, what):
    path = tmp_path / "other.npz"
    if content is None:
        np.save(path.with_suffix(".npy"), np.ones(3))
        path.with_suffix(".npy").rename(path)
    else:
        path.write_bytes(content)
    with pytest.raises(SerializationError, match=f"not an ndgrad file: .*{what}"):
        load(path)


def write_manifest(path, manifest, **arrays):
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    np.savez(path, **{MANIFEST_KEY: np.frombuffer(text.encode(), np.uint8)}, **arrays)


def test_load_newer_format_version(tmp_path):
    path = tmp_path / "future.npz"
    write_manifest(path, {"format": "ndgrad", "version": serialization.FORMAT_VERSION + 1,
                          "ndgrad_version": "9.0", "root": None})
    with pytest.raises(SerializationError, match="format version 2.*newer ndgrad.*upgrade"):
        load(path)


@pytest.mark.parametrize("manifest, match", [
    ("{not json", "corrupt manifest"),
    ({"format": "other", "version": 1, "root": None}, "not an ndgrad file"),
    ({"format": "ndgrad", "version": 1, "root": {"t": "tensor", "k": "e9"}}, "missing array"),
    ({"format": "ndgrad", "version": 1, "root": {"t": "set", "items": []}}, "unknown node"),
    ({"format": "ndgrad", "version": 1, "root": {"t": "dict", "items": [[["f", 1.0], 1]]}},
     "bad dict key"),
    ({"format": "ndgrad", "version": "1", "root": None}, "malformed"),
])
def test_load_corrupt_manifest(tmp_path, manifest, match):
    path = tmp_path / "corrupt.npz"
    write_manifest(path, manifest)
    with pytest.raises(SerializationError, match=match):
        load(path)


def test_load_rejects_pickled_entries(tmp_path):
    path = tmp_path / "pickled.npz"
    write_manifest(path, {"format": "ndgrad", "version": 1, "root": {"t": "ndarray", "k": "e0"}},
                   e0=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(SerializationError, match="(?i)pickle"):
        load(path)

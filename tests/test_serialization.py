"""torch.save / torch.load (ag.save / ag.load): round trips without pickle, atomic writes, resume.

The error cases are in test_serialization_errors.py, safetensors and PyTorch files in
test_serialization_torch.py.
"""

import io
import json
import math
import os
import pathlib
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd import serialization


def nested_state():
    w = nn.Parameter(ag.tensor(np.arange(6, dtype=np.float32).reshape(2, 3)))
    return {
        "model": OrderedDict([("fc.weight", w.detach()), ("fc.bias", ag.zeros(3, dtype=ag.float64)),
                              ("bn.num_batches_tracked", ag.tensor(7)),
                              ("mask", ag.tensor([True, False])), ("empty", ag.zeros(0, 4)),
                              ("half", ag.tensor([1.5, -2.0], dtype=ag.float16)),
                              ("bytes", ag.tensor([0, 255], dtype=ag.uint8))]),
        "param": w, "trainable": ag.tensor(2.5, requires_grad=True), "frozen": ag.tensor([1, 2]),
        "optim": {
            "state": {0: {"step": 3, "exp_avg": ag.ones(2, 3), "buf": np.full((2, 3), 0.5)},
                      1: {"step": 3, "momentum_buffer": None}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
                              "amsgrad": False, "params": [0, 1], "name": "main"}],
        },
        "arrays": [np.arange(4, dtype=np.int64), np.array([True, False, True]),
                   np.array(2.5), np.array(3, dtype=np.int32), np.zeros((0, 4), np.float32),
                   np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array(["a", "bc"]),
                   np.arange(3, dtype=">f4")],
        "scalars": (np.float32(1.5), np.int64(-4), np.bool_(True), 2 ** 70, -0.0, "ünï\ud800"),
        "special": [math.inf, -math.inf, math.nan, (), [], {}, OrderedDict(), ((1, 2), [3, (4,)])],
        -1: "negative int key", 10: {"nested": {5: None}}, 2.5: "float key", True: "bool key",
        None: "None key", (1, "a"): "tuple key", math.inf: "inf key",
    }


def assert_same(loaded, original, path="obj"):
    """Equal values and the same types: a Tensor (subclass) loads as a plain Tensor."""
    if isinstance(original, ag.Tensor):
        assert type(loaded) is ag.Tensor and loaded.dtype == original.dtype, path
        assert loaded.requires_grad == original.requires_grad and loaded.is_leaf, path
        assert loaded.shape == original.shape, path
        np.testing.assert_array_equal(loaded.detach().numpy(), original.detach().numpy(), err_msg=path)
    elif isinstance(original, (np.ndarray, np.generic)):
        assert type(loaded) is type(original) and loaded.dtype == original.dtype, path
        assert np.shape(loaded) == np.shape(original), path
        np.testing.assert_array_equal(loaded, original, err_msg=path)
    elif isinstance(original, dict):
        assert type(loaded) is type(original) and list(loaded) == list(original), path
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
    target = as_path(tmp_path / "ckpt.pt")
    assert ag.save(state, target) is None
    assert_same(ag.load(target), state)


def test_round_trip_file_objects(tmp_path):
    state = nested_state()
    buffer = io.BytesIO()
    ag.save(state, buffer)
    buffer.seek(0)
    assert_same(ag.load(buffer), state)
    with open(tmp_path / "f.pt", "wb") as fh:
        ag.save(state, fh)
    with open(tmp_path / "f.pt", "rb") as fh:
        assert_same(ag.load(fh), state)
    assert (tmp_path / "f.pt").read_bytes() == buffer.getvalue()  # same object, same bytes


@pytest.mark.parametrize("obj", [None, 3, "text", [1, 2.5], (), ag.tensor(1.0), np.float64(2.0),
                                 ag.ones(2, 3, requires_grad=True), OrderedDict(a=1)])
def test_round_trip_top_level_values(tmp_path, obj):
    ag.save(obj, tmp_path / "x.pt")
    assert_same(ag.load(tmp_path / "x.pt"), obj)


def checkpoint(model, opt, loss):
    return {"epoch": 3, "model": model.state_dict(), "optim": opt.state_dict(), "loss": loss}


def test_typical_checkpoint_round_trips_with_its_types(tmp_path):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.99))
    model(ag.randn(5, 3)).sum().backward()
    opt.step()
    saved = checkpoint(model, opt, 0.12)
    ag.save(saved, tmp_path / "ckpt.pt")
    loaded = ag.load(tmp_path / "ckpt.pt")
    assert_same(loaded, saved)
    assert type(loaded["model"]) is OrderedDict and loaded["optim"]["param_groups"][0]["betas"] == (0.8, 0.99)
    assert sorted(loaded["optim"]["state"]) == [0, 1, 2, 3, 4, 5]


def test_parameter_loads_as_a_tensor_keeping_requires_grad(tmp_path):
    p = nn.Parameter(ag.randn(2, 2))
    ag.save({"w": p, "frozen": nn.Parameter(ag.randn(2), requires_grad=False)}, tmp_path / "p.pt")
    loaded = ag.load(tmp_path / "p.pt")
    assert type(loaded["w"]) is ag.Tensor and loaded["w"].requires_grad and loaded["w"].is_leaf
    assert not loaded["frozen"].requires_grad
    np.testing.assert_array_equal(loaded["w"].detach().numpy(), p.detach().numpy())


def test_path_is_used_as_given(tmp_path):
    ag.save({"a": 1}, tmp_path / "model.ckpt")
    ag.save({"b": 2}, str(tmp_path / "noext"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.ckpt", "noext"]
    assert ag.load(tmp_path / "model.ckpt") == {"a": 1} and ag.load(str(tmp_path / "noext")) == {"b": 2}


def test_loaded_tensors_are_independent_and_writable(tmp_path):
    w = ag.ones(3, requires_grad=True)
    ag.save({"w": w}, tmp_path / "s.pt")
    loaded = ag.load(tmp_path / "s.pt")["w"]
    with ag.no_grad():
        loaded[0] = 5.0
    assert float(w.detach().numpy()[0]) == 1.0 and loaded.is_leaf


def test_shared_objects_and_memory_are_stored_once(tmp_path):
    w = ag.randn(4, 4)
    arr = np.arange(3)
    tied = {"encoder.weight": w.detach(), "decoder.weight": w.detach(), "same": w, "again": w,
            "a": arr, "b": [arr], "row": w[0]}
    ag.save(tied, tmp_path / "t.pt")
    with zipfile.ZipFile(tmp_path / "t.pt") as archive:  # manifest, w's memory, w[0], arr
        assert len(archive.namelist()) == 4
    loaded = ag.load(tmp_path / "t.pt")
    assert loaded["same"] is loaded["again"] and loaded["a"] is loaded["b"][0]
    encoder, decoder = loaded["encoder.weight"], loaded["decoder.weight"]
    assert encoder is not decoder and encoder is not loaded["same"]
    with ag.no_grad():
        encoder.add_(1.0)
    np.testing.assert_array_equal(decoder.detach().numpy(), encoder.detach().numpy())


def test_file_layout_is_a_zip_of_npy_arrays_and_a_json_manifest(tmp_path):
    ag.save(nested_state(), tmp_path / "s.pt")
    with zipfile.ZipFile(tmp_path / "s.pt") as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("ndgrad.json"))
        assert names[0] == "ndgrad.json" and all(n.startswith("data/") and n.endswith(".npy")
                                                 for n in names[1:])
        for name in names[1:]:
            with archive.open(name) as fh:  # raises on any pickle
                assert not np.load(fh, allow_pickle=False).dtype.hasobject
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    assert manifest["format"] == "ndgrad" and manifest["version"] == serialization.FORMAT_VERSION
    assert manifest["ndgrad_version"] == ag.__version__


def test_nn_save_files_still_load(tmp_path):
    """Version 1 (the former nn.save): an .npz with the manifest as a uint8 array."""
    manifest = {"format": "ndgrad", "version": 1, "root": {"t": "dict", "items": [
        [["s", "w"], {"t": "tensor", "k": "e0"}], [["i", 3], {"t": "tuple", "items": [
            {"t": "ndarray", "k": "e1"}, {"t": "scalar", "k": "e2"}, {"t": "float", "v": "inf"}]}]]}}
    text = json.dumps(manifest).encode()
    np.savez(tmp_path / "old.npz", __ndgrad_manifest__=np.frombuffer(text, np.uint8),
             e0=np.ones(2, np.float32), e1=np.arange(3), e2=np.array(2.5))
    loaded = ag.load(tmp_path / "old.npz")
    assert_same(loaded, {"w": ag.ones(2), 3: (np.arange(3), np.float64(2.5), math.inf)})


# ---- map_location and torch's other arguments ----------------------------------------------
@pytest.mark.parametrize("where", [None, "cpu", "cpu:0", ag.device("cpu"), {"cuda:0": "cpu"},
                                   {"cpu": ag.device("cpu")}, lambda storage, loc: storage,
                                   lambda storage, loc: None])
def test_map_location_to_the_cpu(tmp_path, where):
    ag.save({"w": ag.arange(3.0)}, tmp_path / "m.pt")
    loaded = ag.load(tmp_path / "m.pt", map_location=where)
    np.testing.assert_array_equal(loaded["w"].detach().numpy(), [0.0, 1.0, 2.0])


def test_map_location_callable_sees_each_tensor(tmp_path):
    ag.save({"a": ag.ones(2), "b": [ag.zeros(1)], "n": np.ones(1)}, tmp_path / "m.pt")
    seen = []

    def place(storage, location):
        seen.append(location)
        return storage * 2

    loaded = ag.load(tmp_path / "m.pt", map_location=place)
    assert seen == ["cpu", "cpu"] and loaded["a"].tolist() == [2.0, 2.0]
    with pytest.raises(TypeError, match="expected a Tensor"):
        ag.load(tmp_path / "m.pt", map_location=lambda storage, loc: "cpu")


@pytest.mark.parametrize("where", ["cuda", "cuda:1", "mps", ag.device("cuda", 0), 0,
                                   {"cpu": "cuda:0"}])
def test_map_location_to_an_accelerator_is_refused(tmp_path, where):
    ag.save({"w": ag.ones(1)}, tmp_path / "m.pt")
    with pytest.raises(ag.DeviceError, match="CPU only"):
        ag.load(tmp_path / "m.pt", map_location=where)


def test_weights_only_and_pytorch_keywords(tmp_path):
    ag.save({"w": ag.ones(2)}, tmp_path / "k.pt", pickle_protocol=4)
    for kwargs in [{"weights_only": False}, {"weights_only": True}, {"weights_only": None},
                   {"mmap": True}, {"encoding": "latin1"}]:
        assert ag.load(tmp_path / "k.pt", **kwargs)["w"].tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="unexpected keyword argument 'wieghts_only'"):
        ag.load(tmp_path / "k.pt", wieghts_only=True)
    with pytest.raises(TypeError, match="weights_only must be a bool"):
        ag.load(tmp_path / "k.pt", weights_only="yes")
    with pytest.raises(TypeError, match="map_location"):
        ag.load(tmp_path / "k.pt", map_location=[1])


# ---- atomic writes ---------------------------------------------------------------------------
@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch, failure):
    target = tmp_path / "ckpt.pt"
    ag.save({"w": ag.ones(2)}, target)
    before = target.read_bytes()
    real_save, calls = np.save, []

    def failing_save(file, arr, allow_pickle=True):
        calls.append(allow_pickle)
        if len(calls) == 2:
            file.write(b"partial bytes")
            raise failure
        real_save(file, arr, allow_pickle=allow_pickle)

    monkeypatch.setattr(np, "save", failing_save)
    with pytest.raises(type(failure)):
        ag.save({"a": ag.zeros(100), "b": ag.zeros(100)}, target)
    assert calls == [False, False]  # arrays are written with allow_pickle=False
    assert target.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.pt"]


def test_unsupported_object_leaves_the_existing_file_untouched(tmp_path):
    target = tmp_path / "ckpt.pt"
    ag.save({"w": ag.ones(2)}, target)
    with pytest.raises(TypeError):
        ag.save({"w": ag.ones(2), "oops": {1, 2}}, target)
    assert ag.load(target)["w"].tolist() == [1.0, 1.0] and os.listdir(tmp_path) == ["ckpt.pt"]


def test_replaced_file_keeps_its_mode_and_a_new_one_gets_the_usual_mode(tmp_path):
    (tmp_path / "plain").write_bytes(b"")
    ag.save(1, tmp_path / "new.pt")
    assert os.stat(tmp_path / "new.pt").st_mode == os.stat(tmp_path / "plain").st_mode
    os.chmod(tmp_path / "new.pt", 0o600)
    ag.save(2, tmp_path / "new.pt")
    assert os.stat(tmp_path / "new.pt").st_mode & 0o777 == 0o600 and ag.load(tmp_path / "new.pt") == 2


def test_save_through_a_symlink_replaces_its_target(tmp_path):
    ag.save(1, tmp_path / "real.pt")
    (tmp_path / "link.pt").symlink_to(tmp_path / "real.pt")
    ag.save(2, tmp_path / "link.pt")
    assert (tmp_path / "link.pt").is_symlink() and ag.load(tmp_path / "real.pt") == 2


# ---- resuming training -----------------------------------------------------------------------
def make_run(seed):
    ag.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
    opt = optim.Adam(model.parameters(), lr=0.05, betas=(0.85, 0.995), amsgrad=True)
    return model, opt


def train(model, opt, steps, start):
    x, y = ag.randn(16, 3, generator=ag.Generator().manual_seed(1)), ag.arange(16) % 2
    losses = []
    for step in range(start, start + steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x * (1 + step / 10)), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("via", ["path", "buffer"])
def test_checkpoint_resume_continues_the_uninterrupted_run(tmp_path, via):
    model, opt = make_run(0)
    uninterrupted = train(model, opt, 8, start=0)

    first, first_opt = make_run(0)
    losses = train(first, first_opt, 4, start=0)
    target = tmp_path / "ckpt.pt" if via == "path" else io.BytesIO()
    ag.save(checkpoint(first, first_opt, losses[-1]), target)
    if via == "buffer":
        target.seek(0)
    loaded = ag.load(target)

    resumed, resumed_opt = make_run(123)  # fresh objects, other weights
    resumed.load_state_dict(loaded["model"])
    resumed_opt.load_state_dict(loaded["optim"])
    assert loaded["epoch"] == 3 and loaded["loss"] == losses[-1]
    losses += train(resumed, resumed_opt, 4, start=4)
    assert losses == uninterrupted
    for (name, a), b in zip(resumed.state_dict().items(), model.state_dict().values()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=name)

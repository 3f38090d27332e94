"""Crafted files: every loader fails with its own error naming the file, never a MemoryError or a
RecursionError, and never allocates or inflates more than the file can honestly hold.

The files are built here byte by byte (zipfile, struct, gzip): ``.npy`` headers promising
terabytes, zip and gzip bombs, manifests and safetensors headers nested thousands deep.
"""

import gzip
import io
import json
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
from conftest import requires_torch, torch

import autograd as ag
import ndgrad
from autograd._untrusted import SMALL
from autograd.data import load_mnist, read_idx
from autograd.serialization import SerializationError

TENSOR = {"t": "tensor", "k": "data/0.npy", "o": 0, "rg": False}


def npy_header(shape, descr="<f4", fortran=False):
    """The bytes of a version 1.0 ``.npy`` header (without data)."""
    text = f"{{'descr': {descr!r}, 'fortran_order': {fortran}, 'shape': {tuple(shape)!r}, }}"
    text += " " * (63 - (10 + len(text)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def checkpoint(path, members, root=TENSOR, manifest=None, compression=zipfile.ZIP_STORED):
    """An ndgrad checkpoint zip with the given members (name -> bytes)."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        archive.writestr("ndgrad.json", manifest if manifest is not None else json.dumps(
            {"format": "ndgrad", "version": 2, "root": root}))
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def peak_mib(fn):
    """Run ``fn`` (which must raise) and return the peak traced allocation in MiB."""
    tracemalloc.start()
    try:
        with pytest.raises(Exception) as info:
            fn()
        return tracemalloc.get_traced_memory()[1] / 2**20, info.value
    finally:
        tracemalloc.stop()


class TestNpyHeadersInCheckpoints:
    @pytest.mark.parametrize("data, message", [
        (npy_header((10**12,)) + bytes(16),
         r"the header of the entry 'data/0.npy' promises shape \(1000000000000,\) of float32 "
         r"\(4,000,000,000,000 bytes\), but 16 bytes follow it"),
        (npy_header((2**40, 2**40)) + bytes(16), r"promises shape \(1099511627776, 1099511627776\)"),
        (npy_header((50_000_000,)) + bytes(1000), r"\(200,000,000 bytes\), but 1,000 bytes follow"),
        (npy_header((3,)) + bytes(12) + b"junk", r"\(12 bytes\), but 16 bytes follow it"),
        (npy_header((-1,)) + bytes(4), r"gives an invalid shape \(-1,\)"),
        (npy_header((2,), "|O") + bytes(16), r"holds Python objects \(dtype object\).*never unpickles"),
        (b"\x93NUMPY\x01\x00\xff\xff{", "is not a valid .npy array"),
        (b"PK not an array at all", "is not a valid .npy array"),
    ], ids=["terabytes", "overflowing", "200MB-promised", "trailing-bytes", "negative", "object",
            "cut-header", "not-npy"])
    def test_refused_before_allocating(self, tmp_path, data, message):
        path = checkpoint(tmp_path / "crafted.pt", {"data/0.npy": data})
        peak, error = peak_mib(lambda: ag.load(path))
        assert isinstance(error, SerializationError)
        assert str(error).startswith(f"load: {str(path)!r} is corrupt: ")
        assert pytest.approx(0, abs=8) == peak  # MiB: the promise was never allocated
        with pytest.raises(SerializationError, match=message):
            ag.load(path)

    @pytest.mark.parametrize("array", [np.arange(6.0).reshape(2, 3), np.asfortranarray(
        np.arange(6, dtype=np.int16).reshape(2, 3)), np.zeros((0, 4), np.float32),
        np.array(3, dtype=">i8"), np.array([b"ab", b"c"])], ids=["c", "fortran", "empty", "0-d-be",
                                                               "bytes"])
    def test_honest_arrays_still_load_exactly(self, tmp_path, array):
        path = checkpoint(tmp_path / "ok.pt", {"data/0.npy": npy(array)},
                          root={"t": "ndarray", "k": "data/0.npy"})
        loaded = ag.load(path)
        assert loaded.dtype == array.dtype and loaded.shape == array.shape
        assert loaded.flags.writeable and loaded.flags.f_contiguous == array.flags.f_contiguous
        np.testing.assert_array_equal(loaded, array)

    def test_the_version_1_manifest_is_checked_the_same_way(self, tmp_path):
        path = tmp_path / "v1.npz"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("__ndgrad_manifest__.npy", npy_header((10**12,), "|u1"))
        with pytest.raises(SerializationError, match=r"the entry '__ndgrad_manifest__.npy' promises"):
            ag.load(path)


class TestDecompressionBounds:
    def test_a_zip_bomb_member_is_refused_unread(self, tmp_path):
        path = checkpoint(tmp_path / "bomb.pt", {"data/0.npy": npy(np.zeros(2**23, np.float32))},
                          compression=zipfile.ZIP_DEFLATED)  # 32 MiB in about 33 KB
        peak, error = peak_mib(lambda: ag.load(path))
        assert isinstance(error, SerializationError) and peak < 8
        assert ("'data/0.npy' inflates to 33,554,560 bytes, beyond what a" in str(error)
                and "a zip bomb? ndgrad writes its checkpoints uncompressed" in str(error))

    def test_the_budget_counts_all_members_together(self, tmp_path):
        members = {f"data/{i}.npy": npy(np.zeros(2**21, np.float32)) for i in range(5)}  # 8 MiB each
        root = {"t": "list", "items": [{"t": "ndarray", "k": name} for name in members]}
        path = checkpoint(tmp_path / "bombs.pt", members, root, compression=zipfile.ZIP_DEFLATED)
        with pytest.raises(SerializationError, match=r"the entry 'data/[12].npy' inflates to "
                                                     r"8,388,736 bytes, beyond"):
            ag.load(path)

    def test_a_compressed_checkpoint_within_the_bound_loads(self, tmp_path):
        buffer = io.BytesIO()
        weights = {"w": ag.randn(300, 300), "b": ag.zeros(300)}
        ag.save(weights, buffer)
        with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(tmp_path / "re.pt", "w",
                                                              zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info))
        loaded = ag.load(tmp_path / "re.pt")
        assert all(np.array_equal(loaded[k].numpy(), v.numpy()) for k, v in weights.items())


def nested_list(depth):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


class TestNesting:
    @pytest.mark.parametrize("obj", [nested_list(101), {"k": nested_list(100)},
                                     {nested_list(0): (1,) * 3, "x": nested_list(150)}],
                             ids=["list", "dict-of-lists", "mixed"])
    def test_save_refuses_over_100_levels(self, tmp_path, obj):
        with pytest.raises(ValueError, match=r"^save: the structure nests more than 100 levels deep "
                                             r"at obj(\['[kx]'\])?(\[0\])+.*Hint: flatten it"):
            ag.save(obj, tmp_path / "deep.pt")
        assert not (tmp_path / "deep.pt").exists()

    def test_save_refuses_deep_tuple_keys(self, tmp_path):
        key = ()
        for _ in range(101):
            key = (key,)
        with pytest.raises(ValueError, match=r"^save: a tuple key nests more than 100 levels"):
            ag.save({key: 1}, tmp_path / "deep.pt")

    @requires_torch
    def test_100_levels_round_trip_as_in_torch(self, tmp_path):
        obj = nested_list(100)
        ag.save(obj, tmp_path / "ok.pt")
        torch.save(obj, tmp_path / "torch.pt")
        assert ag.load(tmp_path / "ok.pt") == torch.load(tmp_path / "torch.pt") == obj

    @pytest.mark.parametrize("depth, message", [
        (150, "the manifest nests containers more than 100 levels deep"),
        (2000, "corrupt manifest: it nests too deeply to parse"),
    ])
    def test_load_refuses_deep_manifests(self, tmp_path, depth, message):
        root = '{"t":"list","items":[' * depth + "1" + "]}" * depth
        path = checkpoint(tmp_path / "deep.pt", {}, manifest=f'{{"format":"ndgrad","version":2,'
                                                              f'"root":{root}}}')
        with pytest.raises(SerializationError, match=f"^load: {str(path)!r} is corrupt: {message}"):
            ag.load(path)

    def test_load_refuses_deep_tuple_keys(self, tmp_path):
        key = '{"t":"tuple","items":[' * 101 + "]}" * 101
        root = f'{{"t":"dict","items":[[{key},1]]}}'
        path = checkpoint(tmp_path / "deep.pt", {}, manifest=f'{{"format":"ndgrad","version":2,'
                                                              f'"root":{root}}}')
        with pytest.raises(SerializationError, match="a tuple key nests more than 100 levels"):
            ag.load(path)


def safetensors_file(path, header, data=b""):
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)
    return path


class TestSafetensors:
    @pytest.mark.parametrize("header, message", [
        (b'{"w":' + b"[" * 5000 + b"]" * 5000 + b"}", r"corrupt header: it nests too deeply"),
        ({"w": {"dtype": "F32", "shape": [10**12], "data_offsets": [0, 4 * 10**12]}}, "incomplete"),
        ({"w": {"dtype": "F32", "shape": [2**62, 4], "data_offsets": [0, 0]}}, "overflow"),
        ({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, "invalid"),
    ], ids=["deep", "terabytes", "overflow", "negative"])
    @pytest.mark.parametrize("loader", [ag.load, ndgrad.load_file], ids=["ag.load", "load_file"])
    def test_refused_with_the_file_named(self, tmp_path, header, message, loader):
        path = safetensors_file(tmp_path / "crafted.safetensors", header, bytes(16))
        peak, error = peak_mib(lambda: loader(path))
        assert isinstance(error, SerializationError) and peak < 8
        assert str(error).startswith(f"load: {str(path)!r} is a truncated or corrupt safetensors")
        assert message in str(error)


def write_npz(path, arrays, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for key, value in arrays.items():
            archive.writestr(f"{key}.npy", value if isinstance(value, bytes) else npy(value))
    return path


def tiny(n_train=2):
    return {"x_train": np.zeros((n_train, 28, 28), np.uint8), "y_train": np.zeros(n_train, np.uint8),
            "x_test": np.zeros((1, 28, 28), np.uint8), "y_test": np.zeros(1, np.uint8)}


def idx_gz(path, shape, data):
    head = struct.pack(f">I{len(shape)}I", 0x800 + len(shape), *shape)
    path.write_bytes(gzip.compress(head + data, compresslevel=9))
    return path


class TestMnist:
    def test_npz_header_promising_petabytes(self, tmp_path):
        path = write_npz(tmp_path / "mnist.npz", {**tiny(), "x_train": npy_header(
            (10**12, 28, 28), "|u1") + bytes(100)})
        peak, error = peak_mib(lambda: load_mnist(path))
        assert type(error) is ValueError and peak < 8
        assert str(error) == (f"{path}: can't read the arrays (the header of the entry "
                              "'x_train.npy' promises shape (1000000000000, 28, 28) of uint8 "
                              "(784,000,000,000,000 bytes), but 100 bytes follow it)")

    def test_npz_bomb_refused_unless_asked(self, tmp_path):
        n = 30_000  # 23.5 MB of zero images in about 23 KB
        path = write_npz(tmp_path / "mnist.npz", tiny(n), zipfile.ZIP_DEFLATED)
        peak, error = peak_mib(lambda: load_mnist(path))
        assert type(error) is ValueError and peak < 8
        assert "'x_train.npy' inflates to 23,520,128 bytes" in str(error)
        assert "a zip bomb? If you trust the file, pass a larger max_inflation=" in str(error)
        (x_train, _), _ = load_mnist(path, max_inflation=2000)
        assert x_train.shape == (n, 28, 28)

    def test_gzip_bomb_refused_unless_asked(self, tmp_path):
        n = 30_000
        idx_gz(tmp_path / "train-images-idx3-ubyte.gz", (n, 28, 28), bytes(n * 784))
        path = tmp_path / "train-images-idx3-ubyte.gz"
        with pytest.raises(ValueError, match=rf"^{path}: the header promises shape \(30000, 28, 28\) "
                                             r"= 23,520,000 bytes, more than a [0-9,]+-byte gzip "
                                             r"file may inflate to \(100 times its size"):
            read_idx(path, 3, (28, 28))
        assert read_idx(path, 3, (28, 28), max_inflation=2000).shape == (n, 28, 28)

    def test_small_files_pass_whatever_their_ratio(self, tmp_path):
        n = SMALL // 784 - 1  # just under the floor: inflating 1000 times is fine
        path = idx_gz(tmp_path / "images.gz", (n, 28, 28), bytes(n * 784))
        assert read_idx(path, 3, (28, 28)).shape == (n, 28, 28)

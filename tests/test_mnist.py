"""autograd.data.mnist: IDX and Keras-npz loading, its error messages, and the real data set."""

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from autograd.data import default_mnist_path, load_mnist, read_idx
from autograd.data import mnist as mnist_module

NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def idx_bytes(array, magic=None):
    """An unsigned-byte IDX file holding ``array``."""
    array = np.asarray(array, dtype=np.uint8)
    magic = (0x0800 | array.ndim) if magic is None else magic
    return struct.pack(f">I{array.ndim}I", magic, *array.shape) + array.tobytes()


def write(path: Path, data: bytes, gz: bool = False) -> Path:
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def tiny_mnist(seed=0, n_train=5, n_test=3):
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def write_idx_folder(folder: Path, arrays: dict, gz=False) -> dict:
    folder.mkdir(exist_ok=True)
    gz_for = gz if isinstance(gz, dict) else dict.fromkeys(arrays, gz)
    return {key: write(folder / NAMES[key], idx_bytes(arrays[key]), gz_for[key]) for key in arrays}


def assert_loaded(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, key in [(x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")]:
        assert got.dtype == np.uint8 and got.shape == arrays[key].shape
        np.testing.assert_array_equal(got, arrays[key])


# ---- round trips ------------------------------------------------------------------------

@pytest.mark.parametrize("gz", [False, True, {"x_train": True, "y_train": False,
                                              "x_test": False, "y_test": True}])
def test_idx_round_trip(tmp_path, gz):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays, gz)
    result = load_mnist(tmp_path)
    assert_loaded(result, arrays)
    assert result[0][0].flags.writeable  # like Keras' arrays: safe to modify in place


def test_load_mnist_accepts_str_paths(tmp_path):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays)
    assert_loaded(load_mnist(str(tmp_path)), arrays)


def test_read_idx_generic(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = write(tmp_path / "labels", idx_bytes(labels), gz=True)
    np.testing.assert_array_equal(read_idx(path, 1), labels)
    cube = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(read_idx(write(tmp_path / "cube", idx_bytes(cube)), 3), cube)


def test_keras_npz_layout(tmp_path):
    arrays = tiny_mnist(1)
    np.savez(tmp_path / "mnist.npz", **arrays)
    assert_loaded(load_mnist(tmp_path), arrays)              # a folder holding mnist.npz
    assert_loaded(load_mnist(tmp_path / "mnist.npz"), arrays)  # the archive itself


def test_npz_int64_labels_become_uint8(tmp_path):
    arrays = tiny_mnist(2)
    np.savez_compressed(tmp_path / "mnist.npz", **{**arrays, "y_train": arrays["y_train"].astype(np.int64)})
    (_, y_train), _ = load_mnist(tmp_path)
    assert y_train.dtype == np.uint8
    np.testing.assert_array_equal(y_train, arrays["y_train"])


def test_idx_files_take_precedence_over_npz(tmp_path):
    idx_arrays, npz_arrays = tiny_mnist(3), tiny_mnist(4)
    write_idx_folder(tmp_path, idx_arrays)
    np.savez(tmp_path / "mnist.npz", **npz_arrays)
    assert_loaded(load_mnist(tmp_path), idx_arrays)


# ---- errors -----------------------------------------------------------------------------

def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder") as info:
        load_mnist(tmp_path / "nope")
    assert all(name in str(info.value) for name in NAMES.values())


def test_missing_file_lists_the_missing_names(tmp_path):
    arrays = tiny_mnist()
    del arrays["y_test"]
    write_idx_folder(tmp_path, arrays)
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert "t10k-labels-idx1-ubyte[.gz]" in message and "mnist.npz" in message
    assert "lacks train-images" not in message


def test_empty_folder_lists_all_names(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path)
    assert all(f"{name}[.gz]" in str(info.value) for name in NAMES.values())


@pytest.mark.parametrize("gz", [False, True])
def test_wrong_magic_number(tmp_path, gz):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays, gz)
    # a label file where the images should be
    write(tmp_path / NAMES["x_train"], idx_bytes(arrays["y_train"]), gz)
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.*wrong magic number "
                                         r"0x00000801 \(2049\); expected 0x00000803 \(2051\)"):
        load_mnist(tmp_path)


def test_wrong_magic_in_labels_and_garbage(tmp_path):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays)
    write(tmp_path / NAMES["y_test"], idx_bytes(arrays["y_test"], magic=0x00000803))
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte.*magic.*0x00000801"):
        load_mnist(tmp_path)
    write(tmp_path / NAMES["y_test"], b"<html>not found</html>")
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.*wrong magic"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_data(tmp_path, gz):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays, gz)
    data = idx_bytes(arrays["x_test"])
    write(tmp_path / NAMES["x_test"], data[:-100], gz)
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte.*truncated.*2352 bytes of data, "
                                         r"found only 2252"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("gz", [False, True])
def test_corrupt_header_promising_huge_data(tmp_path, gz):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays, gz)
    write(tmp_path / NAMES["y_train"], struct.pack(">II", 0x801, 2**32 - 1) + bytes(5), gz)
    expected = ("train-labels-idx1-ubyte.gz: the header promises shape .*4,294,967,295 bytes, more "
                "than a 29-byte gzip file may inflate to" if gz
                else "train-labels-idx1-ubyte: truncated.*4294967295 bytes")
    with pytest.raises(ValueError, match=expected):
        load_mnist(tmp_path)


def test_truncated_header(tmp_path):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays)
    write(tmp_path / NAMES["y_train"], idx_bytes(arrays["y_train"])[:6])
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.*truncated.*header needs 4 bytes"):
        load_mnist(tmp_path)
    write(tmp_path / NAMES["y_train"], b"\x00\x00")
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.*truncated.*magic"):
        load_mnist(tmp_path)


def test_extra_bytes(tmp_path):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays)
    write(tmp_path / NAMES["y_train"], idx_bytes(arrays["y_train"]) + b"\x01")
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.*file is longer"):
        load_mnist(tmp_path)


def test_corrupt_gzip_stream(tmp_path):
    arrays = tiny_mnist()
    paths = write_idx_folder(tmp_path, arrays, gz=True)
    compressed = paths["x_train"].read_bytes()
    paths["x_train"].write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz.*(corrupt|truncated)"):
        load_mnist(tmp_path)
    paths["x_train"].write_bytes(idx_bytes(arrays["x_train"]))  # raw bytes under a .gz name
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz.*corrupt"):
        load_mnist(tmp_path)


def test_mismatched_counts(tmp_path):
    arrays = tiny_mnist()
    arrays["y_test"] = arrays["y_test"][:2]
    write_idx_folder(tmp_path, arrays)
    with pytest.raises(ValueError, match=r"t10k-images.*3 test images but 2 test labels"):
        load_mnist(tmp_path)


def test_wrong_image_dims(tmp_path):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays)
    write(tmp_path / NAMES["x_train"], idx_bytes(np.zeros((5, 27, 28), np.uint8)))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.*\(28, 28\).*\(27, 28\)"):
        load_mnist(tmp_path)


def test_labels_out_of_range(tmp_path):
    arrays = tiny_mnist()
    arrays["y_train"][0] = 10
    write_idx_folder(tmp_path, arrays)
    with pytest.raises(ValueError, match="train labels must be digits 0..9, found 10"):
        load_mnist(tmp_path)


def test_npz_errors(tmp_path):
    arrays = tiny_mnist()
    path = tmp_path / "mnist.npz"
    np.savez(path, **{k: v for k, v in arrays.items() if k != "y_test"})
    with pytest.raises(ValueError, match=r"missing arrays \['y_test'\]"):
        load_mnist(path)
    np.savez(path, **{**arrays, "x_train": arrays["x_train"].astype(np.float32)})
    with pytest.raises(ValueError, match="x_train must hold uint8, found float32"):
        load_mnist(path)
    np.savez(path, **{**arrays, "x_test": arrays["x_test"][:, :, :20]})
    with pytest.raises(ValueError, match=r"test images must have shape \(n, 28, 28\), found \(3, 28, 20\)"):
        load_mnist(path)
    np.savez(path, **{**arrays, "y_train": np.array([{"evil": 1}] * 5, dtype=object)})
    with pytest.raises(ValueError, match="mnist.npz: (can't read|y_train)"):
        load_mnist(path)
    path.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(ValueError, match="mnist.npz"):
        load_mnist(path)
    other = tmp_path / "mnist.txt"
    other.write_text("hello")
    with pytest.raises(ValueError, match="not an .npz"):
        load_mnist(other)


# ---- the default path -------------------------------------------------------------------

def test_default_path_from_env(monkeypatch, tmp_path):
    arrays = tiny_mnist()
    write_idx_folder(tmp_path, arrays)
    monkeypatch.setenv("NDGRAD_MNIST", str(tmp_path))
    assert default_mnist_path() == tmp_path
    assert_loaded(load_mnist(), arrays)
    monkeypatch.setenv("NDGRAD_MNIST", str(tmp_path / "missing"))
    assert default_mnist_path() == tmp_path / "missing"
    with pytest.raises(FileNotFoundError, match="missing"):
        load_mnist()


def test_default_path_without_env(monkeypatch, tmp_path):
    monkeypatch.delenv("NDGRAD_MNIST", raising=False)
    found = default_mnist_path()
    assert found is None or (found.is_dir() and found.parts[-3:] == ("shared", "data", "mnist"))
    # ../shared/data/mnist relative to the repository, else to the working directory
    repo, cwd, shared = tmp_path / "repo", tmp_path / "cwd", tmp_path / "shared" / "data" / "mnist"
    repo.mkdir()
    cwd.mkdir()
    monkeypatch.setattr(mnist_module, "_REPO_ROOT", repo)
    monkeypatch.chdir(cwd)
    assert default_mnist_path() is None
    shared.mkdir(parents=True)
    assert default_mnist_path() == shared.resolve()
    monkeypatch.chdir(shared)  # ../shared/data/mnist from here does not exist
    assert default_mnist_path() == shared.resolve()  # still found through the repository root
    monkeypatch.setattr(mnist_module, "_REPO_ROOT", shared)
    assert default_mnist_path() is None


def test_no_default_path_error_names_the_env_var(monkeypatch):
    monkeypatch.setattr(mnist_module, "default_mnist_path", lambda: None)
    with pytest.raises(FileNotFoundError, match="NDGRAD_MNIST.*never downloads"):
        load_mnist()


# ---- the real data set ------------------------------------------------------------------

def real_mnist_folder():
    path = default_mnist_path()
    if path is None or not path.is_dir():
        return None
    has_idx = all((path / n).exists() or (path / f"{n}.gz").exists() for n in NAMES.values())
    return path if has_idx or (path / "mnist.npz").exists() else None


@pytest.fixture(scope="module")
def real_mnist():
    folder = real_mnist_folder()
    if folder is None:
        pytest.skip("MNIST not found (set NDGRAD_MNIST or put it in ../shared/data/mnist)")
    return load_mnist(folder)


def test_real_mnist_shapes_and_dtypes(real_mnist):
    (x_train, y_train), (x_test, y_test) = real_mnist
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert all(a.dtype == np.uint8 for a in (x_train, y_train, x_test, y_test))


def test_real_mnist_labels(real_mnist):
    (_, y_train), (_, y_test) = real_mnist
    assert y_train.min() == 0 and y_train.max() == 9 and y_test.max() == 9
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_real_mnist_pixel_statistics(real_mnist):
    (x_train, _), (x_test, _) = real_mnist
    assert x_train.min() == 0 and x_train.max() == 255
    assert x_train.mean() == pytest.approx(33.3184, abs=1e-3)
    assert x_train.std() == pytest.approx(78.5675, abs=1e-3)
    assert x_test.mean() == pytest.approx(33.7912, abs=1e-3)
    assert (x_train / 255.0).mean() == pytest.approx(0.1307, abs=1e-4)  # the usual normalization
    assert int(x_train[0].sum()) == 27525

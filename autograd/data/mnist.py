"""MNIST from local files; nothing is ever downloaded.

The files are the four IDX files of LeCun's distribution (gzipped or raw) or Keras' ``mnist.npz``.

    >>> from autograd.data import default_mnist_path, load_mnist
    >>> (x_train, y_train), (x_test, y_test) = load_mnist(default_mnist_path())
    >>> x_train.shape, x_train.dtype, y_test.shape
    ((60000, 28, 28), dtype('uint8'), (10000,))

IDX layout: a big-endian header, magic ``0x00000803`` (2051) for unsigned-byte images with 3
dims or ``0x00000801`` (2049) for labels with 1 dim, then one uint32 per dim (count, rows,
cols), then the bytes, row-major.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .._untrusted import MAX_INFLATION, SMALL, ArchiveReader, CorruptError, inflation_budget, read_up_to

if TYPE_CHECKING:
    from ..types import Array

IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
NPZ_FILE = "mnist.npz"
ENV_VAR = "NDGRAD_MNIST"
_MAGIC = {3: 0x00000803, 1: 0x00000801}  # ndim -> magic of an unsigned-byte IDX file
_IMAGE_SIZE = (28, 28)
_REPO_ROOT = Path(__file__).resolve().parents[2]  # autograd/data/mnist.py -> the repository

Split = tuple[np.ndarray, np.ndarray]


def default_mnist_path() -> Path | None:
    """Where MNIST is expected, or None if there is no such folder.

    That is ``$NDGRAD_MNIST`` if set (returned even if it does not exist, so that loading it
    gives a clear error), else the first existing ``../shared/data/mnist`` relative to the
    repository root or to the working directory; None if there is none.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    for base in (_REPO_ROOT, Path.cwd()):
        candidate = (base / ".." / "shared" / "data" / "mnist").resolve()
        if candidate.is_dir():
            return candidate
    return None


def _find(folder: Path, name: str) -> Path | None:
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _read_exactly(stream: io.BufferedIOBase, n: int, path: Path, what: str) -> bytes:
    data = stream.read(n)
    if len(data) < n:
        raise ValueError(f"{path}: truncated file: the {what} needs {n} bytes, found only "
                         f"{len(data)}")
    return data


def read_idx(path: str | os.PathLike[str], ndim: int,
             item_shape: tuple[int, ...] | None = None, *,
             max_inflation: float = MAX_INFLATION) -> Array:
    """Read an unsigned-byte IDX file (``.gz`` files are decompressed) with ``ndim`` dims.

    Memory follows the bytes really present, whatever the header promises, and a ``.gz``
    file may inflate to at most ``max_inflation`` times its size (at least 16 MiB): MNIST's
    files inflate about 5 times, a gzip bomb about 1000 times.

    Args:
        path: the file.
        ndim: the expected number of dims (3 for images, 1 for labels).
        item_shape: if given, the dims after the first must be these (checked before reading
            the data).
        max_inflation: the bound on decompression; raise it for a file you trust.

    Returns:
        A writable uint8 array shaped as the header says.

    Raises:
        ValueError: wrong magic number, wrong item shape, truncated data (shorter than the
            header says), extra bytes after the data, a ``.gz`` file inflating beyond the
            bound, or a corrupt gzip stream. Every message names the file.
    """
    path = Path(path)
    budget = inflation_budget(path.stat().st_size, max_inflation) if path.suffix == ".gz" else None
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            magic, = struct.unpack(">I", _read_exactly(stream, 4, path, "magic number"))
            if magic != _MAGIC[ndim]:
                raise ValueError(
                    f"{path}: wrong magic number 0x{magic:08X} ({magic}); expected "
                    f"0x{_MAGIC[ndim]:08X} ({_MAGIC[ndim]}) for an IDX file of unsigned bytes "
                    f"with {ndim} dim{'s' if ndim > 1 else ''}. Is it the right file?")
            shape = struct.unpack(f">{ndim}I", _read_exactly(stream, 4 * ndim, path, "header"))
            if item_shape is not None and shape[1:] != tuple(item_shape):
                raise ValueError(f"{path}: each item must have shape {tuple(item_shape)}, the "
                                 f"header says {shape[1:]} (full shape {shape})")
            count = math.prod(shape)
            if budget is not None and count > budget:
                raise ValueError(
                    f"{path}: the header promises shape {shape} = {count:,} bytes, more than a "
                    f"{path.stat().st_size:,}-byte gzip file may inflate to ({max_inflation:g} "
                    f"times its size, at least {SMALL:,} bytes): corrupt, or a gzip bomb? If you "
                    "trust the file, pass a larger max_inflation=")
            data = read_up_to(stream, count)
            got = len(data)
            if got < count:
                raise ValueError(f"{path}: truncated file: the header promises shape {shape} = "
                                 f"{count} bytes of data, found only {got}")
            if stream.read(1):
                raise ValueError(f"{path}: {count} bytes of data expected after the header "
                                 f"(shape {shape}), but the file is longer")
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise ValueError(f"{path}: corrupt or truncated gzip file ({err})") from None
    return np.frombuffer(data, dtype=np.uint8).reshape(shape)  # writable: data is a bytearray


def _check(x: Array, y: Array, split: str, source: str) -> Split:
    if x.ndim != 3 or x.shape[1:] != _IMAGE_SIZE:
        raise ValueError(f"{source}: {split} images must have shape (n, 28, 28), found "
                         f"{x.shape}")
    if y.ndim != 1:
        raise ValueError(f"{source}: {split} labels must have shape (n,), found {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"{source}: {len(x)} {split} images but {len(y)} {split} labels")
    if y.size and y.max() > 9:
        raise ValueError(f"{source}: {split} labels must be digits 0..9, found {int(y.max())}")
    return x, y


def _load_idx(folder: Path, files: dict[str, Path], max_inflation: float) -> tuple[Split, Split]:
    arrays = {key: read_idx(path, 3 if key.startswith("x") else 1,
                            _IMAGE_SIZE if key.startswith("x") else None, max_inflation=max_inflation)
              for key, path in files.items()}
    result: list[Split] = []
    for split in ("train", "test"):
        x_path, y_path = files[f"x_{split}"], files[f"y_{split}"]
        result.append(_check(arrays[f"x_{split}"], arrays[f"y_{split}"], split,
                             f"{x_path.name} / {y_path.name} in {folder}"))
    return result[0], result[1]


def _load_npz(path: Path, max_inflation: float) -> tuple[Split, Split]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as err:
        raise ValueError(f"{path}: not a readable .npz archive ({err})") from None
    with archive:
        members = {name.removesuffix(".npy"): name for name in archive.namelist()}
        missing = [key for key in IDX_FILES if key not in members]
        if missing:
            raise ValueError(f"{path}: missing arrays {missing}; expected the Keras keys "
                             f"{list(IDX_FILES)}, found {list(members)}")
        reader = ArchiveReader(archive, path.stat().st_size, max_inflation,
                               hint=" If you trust the file, pass a larger max_inflation=")
        try:
            arrays = {key: reader.read_npy(members[key]) for key in IDX_FILES}
        except (CorruptError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as err:
            # object arrays need pickle, which is refused; or the archive is damaged or a bomb
            raise ValueError(f"{path}: can't read the arrays ({err})") from None
    for key, array in arrays.items():
        kinds = "u" if key.startswith("x") else "ui"
        if array.dtype.kind not in kinds:
            raise ValueError(f"{path}: {key} must hold {'uint8' if kinds == 'u' else 'integers'}, "
                             f"found {array.dtype}")
        if key.startswith("y") and array.size and array.min() < 0:
            raise ValueError(f"{path}: {key} must hold digits 0..9, found {int(array.min())}")
    for key in ("x_train", "x_test"):
        if arrays[key].dtype != np.uint8:
            raise ValueError(f"{path}: {key} must be uint8, found {arrays[key].dtype}")
    train = _check(arrays["x_train"], arrays["y_train"], "train", str(path))
    test = _check(arrays["x_test"], arrays["y_test"], "test", str(path))
    return ((train[0], train[1].astype(np.uint8)), (test[0], test[1].astype(np.uint8)))


def load_mnist(path: str | os.PathLike[str] | None = None, *,
               max_inflation: float = MAX_INFLATION) -> tuple[Split, Split]:
    """Load MNIST as ``((x_train, y_train), (x_test, y_test))``, like Keras' ``mnist.load_data()``.

    Args:
        path: a folder holding the four IDX files ``train-images-idx3-ubyte``,
            ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``
            (each raw or ``.gz``) or a Keras ``mnist.npz`` (keys ``x_train``, ``y_train``,
            ``x_test``, ``y_test``; loaded without pickle), or the path of such an ``.npz``.
            Default: ``default_mnist_path()``.
        max_inflation: how many times its size on disk a compressed file (``.gz``, ``.npz``)
            may inflate to (at least 16 MiB); MNIST's inflate about 5 times, a zip or gzip bomb
            about 1000. Raise it for a file you trust.

    Returns:
        uint8 arrays of shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,) for the
        standard files: pixels 0..255 (0 = background), labels 0..9.

    Raises:
        FileNotFoundError: no such folder, or files missing (the message lists the expected
            names).
        ValueError: a malformed file: wrong magic number, truncated data, image and label
            counts that differ, images that are not 28 x 28, labels outside 0..9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_mnist()
        >>> x = x_train.reshape(-1, 784).astype(np.float32) / 255
    """
    if path is None:
        path = default_mnist_path()
        if path is None:
            raise FileNotFoundError(
                f"load_mnist: no MNIST folder found; set ${ENV_VAR} to a folder with the four "
                f"IDX files ({', '.join(IDX_FILES.values())}, raw or .gz) or a {NPZ_FILE}, or "
                "pass its path. ndgrad never downloads data.")
    path = Path(path).expanduser()
    if path.is_file():
        if path.suffix != ".npz":
            raise ValueError(f"load_mnist: {path} is a file but not an .npz archive; pass the "
                             "folder that holds the IDX files")
        return _load_npz(path, max_inflation)
    if not path.is_dir():
        raise FileNotFoundError(f"load_mnist: no such folder: {path}. Expected a folder with "
                                f"{', '.join(IDX_FILES.values())} (raw or .gz) or {NPZ_FILE}")
    files = {key: _find(path, name) for key, name in IDX_FILES.items()}
    if all(files.values()):
        return _load_idx(path, files, max_inflation)  # type: ignore[arg-type]  # all found: no None
    if (path / NPZ_FILE).is_file():
        return _load_npz(path / NPZ_FILE, max_inflation)
    missing = [f"{IDX_FILES[key]}[.gz]" for key, found in files.items() if found is None]
    raise FileNotFoundError(
        f"load_mnist: {path} lacks {', '.join(missing)}. Expected the four IDX files "
        f"{', '.join(IDX_FILES.values())} (each raw or .gz), or a Keras {NPZ_FILE}")

"""Reading untrusted files with bounded memory and depth: zip members, ``.npy`` arrays, JSON.

A crafted file must fail with the loader's own error, never a ``MemoryError``, a
``RecursionError`` or a gigabyte allocated on its word. The loaders (``torch.load``'s checkpoint
zip, safetensors headers, ``load_mnist``'s ``.npz`` and gzipped IDX files) share three rules:

* **No allocation beyond the bytes present.** An ``.npy`` header's shape and dtype are checked
  against the bytes its member really holds before the array is allocated (``read_npy``).
* **Bounded decompression.** Everything an archive (or a gzip file) inflates to must fit in
  ``max_inflation`` times its size on disk (default ``MAX_INFLATION`` = 100; real weights and
  images compress 1-10 times, a zip bomb about 1000 times), with ``SMALL`` bytes always allowed.
  The budget counts the declared sizes before reading, and zipfile never inflates a member
  beyond its declared size, so a 2 MB file never becomes 2 GB unless the caller asks.
* **Bounded nesting.** JSON nested deeper than Python's parser can follow is an error
  (``parse_json``); decoders cap the depth of what they rebuild themselves.

Errors are ``CorruptError`` (a ValueError) with a message that names the member; the caller adds
the file and re-raises its own type.
"""

from __future__ import annotations

import json
import math
import zipfile
from typing import Any, Protocol

import numpy as np

from .types import Array

__all__ = ["MAX_INFLATION", "SMALL", "ArchiveReader", "CorruptError", "inflation_budget",
           "parse_json", "read_npy", "read_up_to"]

MAX_INFLATION = 100.0
SMALL = 1 << 24  # 16 MiB: an archive may always inflate to this much, whatever its ratio
_CHUNK = 1 << 24


class Readable(Protocol):
    """A binary stream (a file, a zip member, a gzip stream)."""

    def read(self, size: int = -1, /) -> bytes: ...  # noqa: D102


class CorruptError(ValueError):
    """Malformed or oversized content (the caller names the file)."""


def inflation_budget(stored_size: int, max_inflation: float) -> int:
    """How many bytes a file of ``stored_size`` bytes may inflate to: ``max(SMALL, ratio * size)``."""
    return max(SMALL, int(max_inflation * stored_size))


def parse_json(text: bytes, what: str) -> Any:
    """``json.loads(text)``, with malformed or too deeply nested JSON as ``CorruptError``."""
    try:
        return json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CorruptError(f"corrupt {what} ({err})") from err
    except RecursionError:
        raise CorruptError(f"corrupt {what}: it nests too deeply to parse (crafted?)") from None


def read_npy(fh: Readable, size: int, what: str) -> Array:
    """The array stored as ``.npy`` bytes in ``fh`` (``size`` bytes in all), writable.

    Nothing is allocated before the header's shape and dtype are checked against ``size``;
    arrays of Python objects (they would need pickle) are refused.

    Raises:
        CorruptError: not an ``.npy`` array, an object dtype, a header promising more (or
            fewer) bytes than there are, or data cut short.
    """
    counted = _Counting(fh)
    try:
        version = np.lib.format.read_magic(counted)
        # version 3.0 differs from 2.0 only by a UTF-8 header (unicode field names); read as
        # latin-1 the names may differ, the shape and itemsize do not
        header = (np.lib.format.read_array_header_1_0(counted) if version == (1, 0)
                  else np.lib.format.read_array_header_2_0(counted))
    except (ValueError, EOFError, SyntaxError) as err:
        raise CorruptError(f"{what} is not a valid .npy array ({err})") from None
    shape, fortran_order, dtype = header
    if dtype.hasobject:
        raise CorruptError(f"{what} holds Python objects (dtype {dtype}), which would need "
                           "pickle to load; ndgrad never unpickles")
    if any(n < 0 for n in shape):
        raise CorruptError(f"the header of {what} gives an invalid shape {tuple(shape)}")
    need = math.prod(shape) * dtype.itemsize
    have = size - counted.count
    if need != have:
        raise CorruptError(f"the header of {what} promises shape {tuple(shape)} of {dtype} "
                           f"({need:,} bytes), but {max(have, 0):,} bytes follow it")
    if need == 0:
        return np.empty(shape, dtype, order="F" if fortran_order else "C")
    data = read_up_to(fh, need)
    if len(data) < need:
        raise CorruptError(f"{what} is truncated: {len(data):,} of {need:,} bytes of data")
    return np.frombuffer(data, dtype).reshape(shape, order="F" if fortran_order else "C")


def read_up_to(fh: Readable, count: int) -> bytearray:
    """At most ``count`` bytes of ``fh``, read in chunks: memory follows the bytes present.

    So a header promising terabytes costs no more than the stream really holds.
    """
    data = bytearray()
    while len(data) < count:
        piece = fh.read(min(_CHUNK, count - len(data)))
        if not piece:
            break
        data += piece
    return data


class _Counting:
    """A read-only view of a binary stream that counts the bytes read through it."""

    def __init__(self, fh: Readable) -> None:
        self.fh, self.count = fh, 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.count += len(data)
        return data


class ArchiveReader:
    """Reads members of an open zip archive within the inflation budget of its size.

    Args:
        archive: the open ``zipfile.ZipFile``.
        size: the archive's size in bytes.
        max_inflation: the budget, ``max_inflation * size`` bytes for all members read.
        hint: appended to the error when the budget is exceeded (how to ask for more).
    """

    def __init__(self, archive: zipfile.ZipFile, size: int, max_inflation: float = MAX_INFLATION,
                 hint: str = "") -> None:
        self.archive, self.size, self.max_inflation, self.hint = archive, size, max_inflation, hint
        self._left = inflation_budget(size, max_inflation)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = self.archive.getinfo(name)
        if info.file_size > self._left:
            raise CorruptError(
                f"the entry {name!r} inflates to {info.file_size:,} bytes, beyond what a "
                f"{self.size:,}-byte archive may inflate to in all ({self.max_inflation:g} times "
                f"its size, at least {SMALL:,} bytes): a zip bomb?{self.hint}")
        self._left -= info.file_size
        return info

    def read(self, name: str) -> bytes:
        """The bytes of member ``name``."""
        self._info(name)
        return self.archive.read(name)

    def read_npy(self, name: str) -> Array:
        """The ``.npy`` array stored as member ``name`` (see ``read_npy``)."""
        info = self._info(name)
        with self.archive.open(info) as fh:
            return read_npy(fh, info.file_size, f"the entry {name!r}")

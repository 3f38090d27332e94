"""Save and load state dicts (of Modules and optimizers) as ``.npz`` files, never unpickling.

``save(obj, f)`` accepts a nested structure of dicts (str or int keys), lists, tuples, None,
bool, int, float, str, NumPy arrays and scalars, and Tensors (nn.Parameter included). Each
array or Tensor becomes one ``.npy`` entry of the zip archive (``e0``, ``e1``, ...); the
structure is a JSON manifest stored as a uint8 array under the reserved key
``__ndgrad_manifest__``::

    {"format": "ndgrad", "version": 1, "root": <node>}

A node is a JSON scalar (None, bool, int, finite float, str) or an object tagged by ``"t"``:
``{"t": "dict", "items": [[key, node], ...]}`` (key ``["s", "name"]`` or ``["i", 3]``),
``{"t": "list" | "tuple", "items": [node, ...]}``, ``{"t": "float", "v": "nan" | "inf" |
"-inf"}`` and ``{"t": "ndarray" | "tensor" | "scalar", "k": "e0"}``.

``load(f)`` rebuilds the structure: Tensors come back as Tensors (same dtype,
``requires_grad=False``), arrays as arrays, NumPy scalars as NumPy scalars, int keys as ints,
tuples as tuples (dict, list and tuple subclasses load as the plain type). An object saved
twice (tied weights) is stored once and loads as one object. Files are read with
``np.load(allow_pickle=False)``, so loading a file cannot run code.

The file is written at exactly the path given (``.npz`` is *not* appended, unlike
``np.savez``); ``f`` may also be a binary file object. The whole structure is checked before
the file is opened, so an unsupported object leaves an existing file untouched.

    >>> import io
    >>> buffer = io.BytesIO()
    >>> save({"step": 3, "w": ag.ones(2)}, buffer)
    >>> _ = buffer.seek(0)
    >>> load(buffer)
    {'step': 3, 'w': tensor([1., 1.])}
"""

from __future__ import annotations

import json
import math
import os
import zipfile
import zlib
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

import autograd as ag
from autograd.types import Array

if TYPE_CHECKING:
    from numpy.lib.npyio import NpzFile

__all__ = ["save", "load", "SerializationError", "FORMAT_VERSION", "MANIFEST_KEY"]

FORMAT_VERSION = 1
MANIFEST_KEY = "__ndgrad_manifest__"
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class SerializationError(ValueError):
    """A file that is not a readable ndgrad checkpoint (foreign, corrupt or too new)."""


# ---- save ----------------------------------------------------------------------------
class _Encoder:
    """Turns a structure into a JSON-able manifest node plus a dict of arrays."""

    def __init__(self) -> None:
        self.arrays: dict[str, Array] = {}
        self._memo: dict[int, str] = {}  # id of a saved array/Tensor -> its entry key
        self._active: set[int] = set()  # containers on the current path (cycle check)

    def _entry(self, obj: object, array: Array, kind: str, path: str, memo: bool = True) -> dict[str, str]:
        if array.dtype.hasobject:
            raise TypeError(f"save: can't save an array of dtype object at {path} "
                            "(it would need pickle)")
        key = self._memo.get(id(obj)) if memo else None
        if key is None:
            key = f"e{len(self.arrays)}"
            self.arrays[key] = array
            if memo:
                self._memo[id(obj)] = key
        return {"t": kind, "k": key}

    def encode(self, obj: object, path: str) -> object:
        """The manifest node of ``obj`` (found at ``path``), storing its arrays in ``arrays``."""
        if isinstance(obj, ag.Tensor):
            return self._entry(obj, obj.detach().numpy(), "tensor", path)
        if isinstance(obj, np.ndarray):
            return self._entry(obj, np.asarray(obj), "ndarray", path)
        if isinstance(obj, np.generic):  # before float: np.float64 is a float subclass
            return self._entry(obj, np.asarray(obj), "scalar", path, memo=False)
        if obj is None or isinstance(obj, (bool, int, str)):
            return obj
        if isinstance(obj, float):
            if math.isfinite(obj):
                return float(obj)
            return {"t": "float", "v": "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")}
        if isinstance(obj, (dict, list, tuple)):
            if id(obj) in self._active:
                raise ValueError(f"save: the structure contains itself at {path}")
            self._active.add(id(obj))
            try:
                return self._container(obj, path)
            finally:
                self._active.discard(id(obj))
        raise TypeError(f"save: can't save an object of type {type(obj).__name__} at {path}; "
                        "supported: dict, list, tuple, None, bool, int, float, str, "
                        "np.ndarray, NumPy scalars and Tensors")

    def _container(self, obj: dict[Any, Any] | list[Any] | tuple[Any, ...],
                   path: str) -> dict[str, object]:
        if isinstance(obj, dict):
            items = []
            for key, value in obj.items():
                tagged: list[str | int]
                if isinstance(key, str):
                    tagged = ["s", key]
                elif isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
                    tagged = ["i", int(key)]
                else:
                    raise TypeError(f"save: dict keys must be str or int, got a key of type "
                                    f"{type(key).__name__} ({key!r}) in {path}")
                items.append([tagged, self.encode(value, f"{path}[{key!r}]")])
            return {"t": "dict", "items": items}
        kind = "tuple" if isinstance(obj, tuple) else "list"
        return {"t": kind, "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]}


def save(obj: object, f: str | os.PathLike[str] | BinaryIO) -> None:
    """Save ``obj`` (a state dict or any nested structure of supported types) to ``f``.

    Args:
        obj: dicts with str/int keys, lists, tuples, None, bool, int, float, str,
            np.ndarray, NumPy scalars and Tensors, nested.
        f: a path (str or os.PathLike; written as given, no suffix added) or a binary file.

    Raises:
        TypeError: an unsupported object or key, naming its type and where it is
            (e.g. ``obj['state'][0]['momentum']``).
        ValueError: a container that contains itself.
    """
    encoder = _Encoder()
    root = encoder.encode(obj, "obj")
    manifest = {"format": "ndgrad", "version": FORMAT_VERSION,
                "ndgrad_version": ag.__version__, "root": root}
    text = json.dumps(manifest, allow_nan=False, separators=(",", ":"))
    # (Any, not Array: np.savez's stub would match the ** entries against allow_pickle: bool)
    arrays: dict[str, Any] = {MANIFEST_KEY: np.frombuffer(text.encode("utf-8"), dtype=np.uint8),
                              **encoder.arrays}
    if hasattr(f, "write"):
        np.savez(f, **arrays)
    else:
        with open(os.fspath(f), "wb") as fh:
            np.savez(fh, **arrays)


# ---- load ----------------------------------------------------------------------------
def load(f: str | os.PathLike[str] | BinaryIO) -> Any:
    """Load what ``save`` wrote: a path (str or os.PathLike) or a binary file object.

    Raises:
        FileNotFoundError: no file at the path.
        SerializationError (a ValueError): not an ndgrad file (another format, or an
            ``.npz`` without the manifest), a truncated or corrupt file, or one written by
            a newer ndgrad (format version above ``FORMAT_VERSION``).
    """
    if hasattr(f, "read"):
        return _load_from(f, getattr(f, "name", "<file object>"))  # type: ignore[arg-type]  # a file (has read)
    path = os.fspath(f)
    if not os.path.isfile(path):
        if os.path.isdir(path):
            raise IsADirectoryError(f"load: {path!r} is a directory, not a checkpoint file")
        hint = "" if path.endswith(".npz") or not os.path.isfile(path + ".npz") else (
            f" (there is a {path + '.npz'!r}: was it written by np.savez?)")
        raise FileNotFoundError(f"load: no such file: {path!r}{hint}")
    with open(path, "rb") as fh:
        return _load_from(fh, path)


def _load_from(fh: BinaryIO, name: str) -> Any:
    start = fh.tell()
    magic = fh.read(4)
    fh.seek(start)
    if magic[:2] != b"PK":
        what = ("it is empty" if not magic else "it is a single .npy array"
                if magic.startswith(b"\x93NUM") else "it is not an .npz (zip) archive")
        raise SerializationError(f"load: {name!r} is not an ndgrad file: {what}")
    try:
        with np.load(fh, allow_pickle=False) as npz:
            if MANIFEST_KEY not in npz.files:
                raise SerializationError(
                    f"load: {name!r} is not an ndgrad file: it is an .npz archive without the "
                    f"{MANIFEST_KEY!r} entry. Hint: read plain .npz files with np.load")
            manifest = _read_manifest(npz[MANIFEST_KEY], name)
            return _Decoder(npz, name).decode(manifest["root"])
    except SerializationError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
            TypeError, IndexError) as err:
        raise SerializationError(f"load: {name!r} is truncated or corrupt "
                                 f"({type(err).__name__}: {err})") from err


def _read_manifest(array: Array, name: str) -> dict[str, Any]:
    if array.dtype != np.uint8 or array.ndim != 1:
        raise SerializationError(f"load: {name!r} has a malformed manifest")
    try:
        manifest = json.loads(array.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SerializationError(f"load: {name!r} has a corrupt manifest ({err})") from err
    if not isinstance(manifest, dict) or manifest.get("format") != "ndgrad":
        raise SerializationError(f"load: {name!r} is not an ndgrad file (unknown manifest)")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or "root" not in manifest:
        raise SerializationError(f"load: {name!r} has a malformed manifest")
    if version > FORMAT_VERSION:
        raise SerializationError(
            f"load: {name!r} uses format version {version}, written by a newer ndgrad "
            f"({manifest.get('ndgrad_version', '?')}); this ndgrad ({ag.__version__}) reads "
            f"versions up to {FORMAT_VERSION}. Hint: upgrade ndgrad")
    return manifest


class _Decoder:
    """Rebuilds the structure from manifest nodes, reading array entries from the npz."""

    def __init__(self, npz: NpzFile, name: str) -> None:
        self.npz, self.name = npz, name
        self._cache: dict[tuple[str, str], object] = {}  # (kind, key) -> loaded object

    def _bad(self, what: str) -> SerializationError:
        return SerializationError(f"load: {self.name!r} has a corrupt manifest: {what}")

    def decode(self, node: object) -> Any:
        """The object that the manifest ``node`` describes."""
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict) or "t" not in node:
            raise self._bad(f"unexpected node {node!r:.80}")
        kind = node["t"]
        if kind == "dict":
            return {self._key(k): self.decode(v) for k, v in node["items"]}
        if kind in ("list", "tuple"):
            items = [self.decode(v) for v in node["items"]]
            return tuple(items) if kind == "tuple" else items
        if kind == "float":
            return _NONFINITE[node["v"]]
        if kind in ("tensor", "ndarray", "scalar"):
            return self._array(kind, node["k"])
        raise self._bad(f"unknown node type {kind!r}")

    def _key(self, tagged: list[object]) -> str | int:
        if tagged[0] == "s" and isinstance(tagged[1], str):
            return tagged[1]
        if tagged[0] == "i" and isinstance(tagged[1], int):
            return tagged[1]
        raise self._bad(f"bad dict key {tagged!r}")

    def _array(self, kind: str, key: str) -> object:
        if (kind, key) not in self._cache:
            if key not in self.npz.files or key == MANIFEST_KEY:
                raise self._bad(f"missing array entry {key!r}")
            array = self.npz[key]
            value: object
            if kind == "tensor":
                value = ag.from_numpy(array)
            elif kind == "scalar":
                value = array[()]
            else:
                value = array
            self._cache[(kind, key)] = value
        return self._cache[(kind, key)]

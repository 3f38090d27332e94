"""ndgrad's checkpoint format (what ``torch.save`` writes): a zip of ``.npy`` arrays and a JSON manifest.

The archive (entries stored uncompressed, with fixed timestamps, so the same object always
gives the same bytes)::

    ndgrad.json        {"format": "ndgrad", "version": 2, "ndgrad_version": "0.1.0", "root": <node>}
    data/0.npy         one array per Tensor storage or NumPy array, np.save(allow_pickle=False)
    data/1.npy
    ...

A node is a JSON scalar (None, bool, int, finite float, str) or an object tagged by ``"t"``:

* ``{"t": "dict" | "odict", "items": [[key, node], ...]}``: a dict or an OrderedDict; a key is
  a str, int, bool or None, a float node or a ``tuple`` node of keys;
* ``{"t": "list" | "tuple", "items": [node, ...]}``;
* ``{"t": "float", "v": "nan" | "inf" | "-inf"}``;
* ``{"t": "tensor", "k": "data/0.npy", "o": 0, "rg": false}``: a Tensor (``o`` numbers the
  Tensor objects: one saved twice loads as one object; two Tensors viewing the same memory
  share one entry and load as two Tensors sharing memory; ``rg`` is ``requires_grad``);
* ``{"t": "ndarray" | "scalar", "k": "data/1.npy"}``: a NumPy array (one saved twice loads as
  one object) or a NumPy scalar (stored 0-d).

Version 1 (``nn.save``, an ``.npz`` with the manifest in the entry ``__ndgrad_manifest__.npy``,
arrays ``e0.npy``..., keys tagged ``["s", name]`` / ``["i", n]``) is still read.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from ._tensor import Tensor
from ._untrusted import ArchiveReader, CorruptError, parse_json
from .conversion import tensor_array
from .factories import from_numpy
from .types import Array

__all__ = ["FORMAT_VERSION", "MANIFEST", "MAX_DEPTH", "V1_MANIFEST", "CorruptError", "Decoder",
           "Encoder", "PlacementError", "SerializationError", "read_manifest", "write_archive"]

FORMAT_VERSION = 2
MANIFEST = "ndgrad.json"
V1_MANIFEST = "__ndgrad_manifest__.npy"
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the zip timestamp of every entry (reproducible files)
MAX_DEPTH = 100  # containers (and tuple keys) nested deeper are refused by save and load


class SerializationError(ValueError):
    """A file that ``torch.load`` cannot read: foreign (a PyTorch pickle...), corrupt or too new."""


class PlacementError(Exception):
    """The ``map_location`` callable raised ``error`` (which ``load`` re-raises as is)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


# ---- save ----------------------------------------------------------------------------------
class Encoder:
    """Turns a structure into a JSON-able manifest node plus the arrays to store.

    Args:
        describe: what to say about an unsupported object: ``describe(obj, path)`` returns
            the TypeError message.
    """

    def __init__(self, describe: Callable[[object, str], str]) -> None:
        self.arrays: dict[str, Array] = {}  # entry name -> array (kept alive: ids stay unique)
        self._describe = describe
        self._objects: dict[int, dict[str, Any]] = {}  # id of a Tensor / ndarray -> its node
        self._views: dict[tuple[Any, ...], str] = {}  # a Tensor array's memory layout -> entry
        self._tensors = 0
        self._active: set[int] = set()  # containers on the current path (cycle check)

    def _add(self, array: Array, path: str) -> str:
        if array.dtype.hasobject:
            raise TypeError(f"save: can't save an array of dtype object at {path} "
                            "(it would need pickle)")
        entry = f"data/{len(self.arrays)}.npy"
        self.arrays[entry] = array
        return entry

    def _tensor(self, tensor: Tensor, path: str) -> dict[str, Any]:
        array = tensor.detach().numpy()
        layout = (array.__array_interface__["data"][0], array.shape, array.strides, array.dtype.str)
        entry = self._views.get(layout) or self._add(array, path)
        self._views[layout] = entry
        self._tensors += 1
        return {"t": "tensor", "k": entry, "o": self._tensors - 1, "rg": tensor.requires_grad}

    def encode(self, obj: object, path: str) -> Any:
        """The manifest node of ``obj`` (found at ``path``), storing its arrays in ``arrays``."""
        if isinstance(obj, (Tensor, np.ndarray)):
            node = self._objects.get(id(obj))
            if node is None:
                node = (self._tensor(obj, path) if isinstance(obj, Tensor)
                        else {"t": "ndarray", "k": self._add(obj, path)})
                self._objects[id(obj)] = node
            return node
        if isinstance(obj, np.generic):  # before float: np.float64 is a float subclass
            return {"t": "scalar", "k": self._add(np.asarray(obj), path)}
        if obj is None or isinstance(obj, bool):
            return obj
        if isinstance(obj, int):
            return int(obj)  # (an IntEnum as its value)
        if isinstance(obj, str):
            return str(obj)
        if isinstance(obj, float):
            return _float(float(obj))
        if isinstance(obj, (dict, list, tuple)):
            if id(obj) in self._active:
                raise ValueError(f"save: the structure contains itself at {path}")
            if len(self._active) == MAX_DEPTH:
                raise ValueError(_too_deep("save: the structure", path))
            self._active.add(id(obj))
            try:
                return self._container(obj, path)
            finally:
                self._active.discard(id(obj))
        raise TypeError(self._describe(obj, path))

    def _container(self, obj: dict[Any, Any] | list[Any] | tuple[Any, ...], path: str) -> Any:
        if isinstance(obj, dict):
            items = [[self._key(key, path, 0), self.encode(value, f"{path}[{key!r}]")]
                     for key, value in obj.items()]
            return {"t": "odict" if isinstance(obj, OrderedDict) else "dict", "items": items}
        kind = "tuple" if isinstance(obj, tuple) else "list"
        return {"t": kind, "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]}

    def _key(self, key: object, path: str, depth: int) -> Any:
        if key is None or isinstance(key, (bool, str)):
            return key if not isinstance(key, str) else str(key)
        if isinstance(key, (np.bool_, np.integer, int)):
            return bool(key) if isinstance(key, np.bool_) else int(key)
        if isinstance(key, (float, np.floating)):
            return _float(float(key))
        if isinstance(key, tuple):
            if depth == MAX_DEPTH:
                raise ValueError(_too_deep("save: a tuple key", path))
            return {"t": "tuple", "items": [self._key(k, path, depth + 1) for k in key]}
        raise TypeError(f"save: dict keys must be str, int, float, bool, None or tuples of them; "
                        f"got a key of type {type(key).__name__} ({key!r:.60}) in {path}")


def _too_deep(what: str, path: str) -> str:
    return (f"{what} nests more than {MAX_DEPTH} levels deep at {path:.120}; a checkpoint "
            "holds a few levels (e.g. {'model': state_dict, 'optim': ...}). Hint: flatten it")


def _float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return {"t": "float", "v": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}


def write_archive(fh: IO[bytes], root: Any, arrays: dict[str, Array], ndgrad_version: str) -> None:
    """Write the zip: the manifest first, then each array as an ``.npy`` entry."""
    manifest = {"format": "ndgrad", "version": FORMAT_VERSION, "ndgrad_version": ndgrad_version,
                "root": root}
    text = json.dumps(manifest, allow_nan=False, separators=(",", ":"))
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr(zipfile.ZipInfo(MANIFEST, _EPOCH), text)
        for entry, array in arrays.items():
            with archive.open(zipfile.ZipInfo(entry, _EPOCH), "w", force_zip64=True) as out:
                np.save(out, array, allow_pickle=False)


# ---- load ----------------------------------------------------------------------------------
def read_manifest(reader: ArchiveReader) -> tuple[dict[str, Any], Callable[[str], str]]:
    """The manifest (a dict with ``version`` and ``root``) and the entry name of an array key."""
    if MANIFEST in reader.archive.namelist():
        text = reader.read(MANIFEST)
        entry: Callable[[str], str] = str
    else:  # version 1: the manifest is a uint8 array
        array = reader.read_npy(V1_MANIFEST)
        if array.dtype != np.uint8 or array.ndim != 1:
            raise CorruptError("malformed manifest")
        text = array.tobytes()
        entry = "{}.npy".format
    manifest = parse_json(text, "manifest")
    if not isinstance(manifest, dict) or manifest.get("format") != "ndgrad":
        raise CorruptError("unknown manifest (not an ndgrad checkpoint)")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or "root" not in manifest:
        raise CorruptError("malformed manifest")
    return manifest, entry


class Decoder:
    """Rebuilds the structure from manifest nodes, reading the arrays from the archive.

    Containers nested more than ``MAX_DEPTH`` levels deep are refused.

    Args:
        reader: the open zip, read within its inflation budget.
        entry: the entry name of an array key (``str`` in version 2).
        place: applied to each loaded Tensor (``map_location``), or None.
    """

    def __init__(self, reader: ArchiveReader, entry: Callable[[str], str],
                 place: Callable[[Tensor], Tensor] | None = None) -> None:
        self.reader, self.entry, self.place = reader, entry, place
        self._names = set(reader.archive.namelist())
        self._arrays: dict[str, Array] = {}  # entry -> array (read once)
        self._objects: dict[tuple[str, object], object] = {}  # (kind, id) -> loaded object

    def decode(self, node: Any, depth: int = 0) -> Any:
        """The object that the manifest ``node`` (``depth`` containers deep) describes."""
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict) or "t" not in node:
            raise CorruptError(f"unexpected node {node!r:.80}")
        kind = node["t"]
        if kind in ("dict", "odict", "list", "tuple") and depth == MAX_DEPTH:
            raise CorruptError(f"the manifest nests containers more than {MAX_DEPTH} levels deep")
        if kind in ("dict", "odict"):
            pairs = [(self._key(k, 0), self.decode(v, depth + 1)) for k, v in node["items"]]
            return OrderedDict(pairs) if kind == "odict" else dict(pairs)
        if kind in ("list", "tuple"):
            items = [self.decode(v, depth + 1) for v in node["items"]]
            return tuple(items) if kind == "tuple" else items
        if kind == "float":
            return _NONFINITE[node["v"]]
        if kind == "tensor":
            return self._tensor(node)
        if kind == "ndarray":
            return self._once(("ndarray", node["k"]), lambda: self._array(node["k"]))
        if kind == "scalar":
            return self._array(node["k"])[()]
        raise CorruptError(f"unknown node type {kind!r:.40}")

    def _key(self, key: Any, depth: int) -> Any:
        if isinstance(key, list):  # version 1: ["s", name] or ["i", n]
            if len(key) == 2 and (key[0], type(key[1])) in (("s", str), ("i", int)):
                return key[1]
            raise CorruptError(f"bad dict key {key!r:.40}")
        if isinstance(key, dict) and key.get("t") == "tuple":
            if depth == MAX_DEPTH:
                raise CorruptError(f"a tuple key nests more than {MAX_DEPTH} levels deep")
            return tuple(self._key(k, depth + 1) for k in key["items"])
        if isinstance(key, dict) and key.get("t") == "float" or key is None or isinstance(
                key, (bool, int, float, str)):
            return self.decode(key)
        raise CorruptError(f"bad dict key {key!r:.40}")

    def _once(self, ident: tuple[str, object], build: Callable[[], object]) -> Any:
        if ident not in self._objects:
            self._objects[ident] = build()
        return self._objects[ident]

    def _array(self, key: str) -> Array:
        if not isinstance(key, str):
            raise CorruptError(f"bad array key {key!r:.40}")
        name = self.entry(key)
        if name not in self._arrays:
            if name in (MANIFEST, V1_MANIFEST) or name not in self._names:
                raise CorruptError(f"missing array entry {name!r}")
            self._arrays[name] = self.reader.read_npy(name)
        return self._arrays[name]

    def _tensor(self, node: dict[str, Any]) -> Any:
        def build() -> Tensor:
            array = self._array(node["k"])
            try:  # the dtype gate; a file's byte order is converted, not refused
                tensor = from_numpy(tensor_array(array, "load", byteswap=True))
            except TypeError:
                raise CorruptError(f"a Tensor entry holds an array of dtype {array.dtype}") from None
            if node.get("rg", False):
                tensor.requires_grad_(True)
            if self.place is None:
                return tensor
            try:
                return self.place(tensor)
            except Exception as err:
                raise PlacementError(err) from err

        return self._once(("tensor", node.get("o", node["k"])), build)

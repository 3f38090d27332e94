"""``torch.save`` / ``torch.load``: checkpoints of tensors and state dicts, never pickled.

``save(obj, f)`` stores Tensors (any dtype, 0-d and empty included, ``requires_grad`` kept),
NumPy arrays and scalars, and nested dict / OrderedDict / list / tuple of them with None,
bool, int, float and str values: a module's or an optimizer's ``state_dict()``, or a whole
training checkpoint::

    torch.save({"epoch": 3, "model": model.state_dict(), "optim": opt.state_dict()}, "ckpt.pt")
    checkpoint = torch.load("ckpt.pt")
    model.load_state_dict(checkpoint["model"])

The file is a zip of ``.npy`` arrays plus a JSON manifest of the structure (the layout is
described in ``autograd/_checkpoint.py``): loading it parses data and never runs code, so
``weights_only=True`` always holds. Files written by the former ``nn.save`` load too.

What loads back: Tensors as Tensors (an ``nn.Parameter`` as a plain Tensor, as a state
dict's values are), with their dtype and ``requires_grad``; arrays as arrays; tuples as
tuples; OrderedDicts as OrderedDicts (other dict, list and tuple subclasses as the plain
type); int, float, bool, None and tuple dict keys as themselves. A Tensor or array saved
twice loads as one object, and Tensors that shared memory share memory again.

A path ending in ``.safetensors`` is written in the safetensors format instead (a flat dict
``{name: tensor}``, e.g. ``model.state_dict()``), and ``load`` reads safetensors files (from
PyTorch's ``safetensors.torch.save_file``, say) whatever their name.

    >>> import io
    >>> buffer = io.BytesIO()
    >>> save({"step": 3, "w": ag.ones(2)}, buffer)
    >>> _ = buffer.seek(0)
    >>> load(buffer)
    {'step': 3, 'w': tensor([1., 1.])}
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Callable, Mapping
from typing import IO, Any

from . import _checkpoint, _safetensors
from ._checkpoint import FORMAT_VERSION, SerializationError
from ._tensor import Tensor
from ._untrusted import ArchiveReader
from .atomic_write import write_atomically
from .device import check_cpu, device

__all__ = ["FORMAT_VERSION", "SerializationError", "load", "load_safetensors", "save",
           "save_safetensors"]

FileLike = str | os.PathLike[str] | IO[bytes]
MapLocation = str | device | Mapping[str, Any] | Callable[[Tensor, str], Any] | None
_LOAD_KEYWORDS = ("pickle_module", "mmap", "encoding", "errors", "fix_imports")
_INFLATION_HINT = (" ndgrad writes its checkpoints uncompressed; if you trust this file, store "
                   "it without compression (e.g. `zip -0`) and load that")

PYTORCH_HINT = (
    "ndgrad never unpickles: loading a pickle can run arbitrary code. Convert the file once in "
    "PyTorch: `from safetensors.torch import save_file; "
    "save_file(torch.load(path, weights_only=True), 'model.safetensors')` (the dict saved must "
    "be flat, {name: tensor} like model.state_dict(): for a checkpoint dict, pass its "
    "model entry), then load 'model.safetensors' in ndgrad with torch.load or ndgrad.load_file")


# ---- save ----------------------------------------------------------------------------------
def save(obj: object, f: FileLike, pickle_module: object = None, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False,
         *, metadata: Mapping[str, str] | None = None) -> None:
    """Save ``obj`` to a path or a binary file object (``torch.save``).

    Args:
        obj: Tensors, NumPy arrays and scalars, None, bool, int, float, str, nested in
            dicts (str, int, float, bool, None or tuple keys), OrderedDicts, lists and tuples.
        f: a path (str or os.PathLike; written as given, atomically: a temporary file in the
            same directory replaces the target only once complete) or a binary file object.
            A path ending in ``.safetensors`` gets the safetensors format (``obj`` must then
            be a flat dict of tensors).
        pickle_module: accepted for PyTorch's signature and ignored (nothing is pickled).
        pickle_protocol: ignored, as are the two private flags.
        metadata: str -> str pairs stored in a ``.safetensors`` file's header.

    Raises:
        TypeError: an unsupported object (a Module, an optimizer, a function, another class)
            or key, naming where it is (e.g. ``obj['model']['fc']``) and what to save instead.
        ValueError: a container that contains itself, or ``metadata`` for another format.
    """
    del pickle_module, pickle_protocol, _use_new_zipfile_serialization, _disable_byteorder_record
    if isinstance(f, (str, os.PathLike)) and os.fspath(f).lower().endswith(".safetensors"):
        save_safetensors(obj, f, metadata)
        return
    if metadata is not None:
        raise ValueError("save: metadata= is stored by the safetensors format only (a path "
                         "ending in .safetensors)")
    from . import __version__

    encoder = _checkpoint.Encoder(_describe_unsupported)
    root = encoder.encode(obj, "obj")  # everything checked before a file is touched
    _write(f, lambda fh: _checkpoint.write_archive(fh, root, encoder.arrays, __version__))


def save_safetensors(tensors: object, f: FileLike, metadata: Mapping[str, str] | None = None) -> None:
    """Save a flat dict of Tensors (or arrays) in the safetensors format, whatever the path's suffix.

    Args:
        tensors: ``{name: tensor}``, e.g. ``model.state_dict()``.
        f: a path (written atomically) or a binary file object.
        metadata: str -> str pairs for the file's header.

    Raises:
        TypeError: not a flat dict of str -> Tensor or array, or a dtype safetensors lacks.
    """
    data = _safetensors.to_bytes(tensors, metadata)

    def write(fh: IO[bytes]) -> None:
        fh.write(data)

    _write(f, write)


def load_safetensors(f: FileLike) -> dict[str, Tensor]:
    """Load a safetensors file (from a path or a binary file object) as ``{name: Tensor}``.

    Raises:
        FileNotFoundError: no file at the path.
        SerializationError: not a safetensors file, truncated, or of a dtype NumPy lacks.
    """
    if not isinstance(f, (str, os.PathLike)):
        data, name = f.read(), _name_of(f)
    else:
        path = os.fspath(f)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"load: no such file: {path!r}")
        with open(path, "rb") as fh:
            data, name = fh.read(), repr(path)
    if not _safetensors.looks_like_safetensors(data[:16]):
        raise SerializationError(f"load: {name} is not a safetensors file")
    return _safetensors.from_bytes(data, name)


def _write(f: FileLike, write: Callable[[IO[bytes]], None]) -> None:
    """Run ``write`` on a binary file object, or on the file at a path, atomically."""
    if isinstance(f, (str, os.PathLike)):
        write_atomically(f, write)
    else:
        write(f)


def _describe_unsupported(obj: object, path: str) -> str:
    name = type(obj).__name__
    if callable(getattr(obj, "state_dict", None)):
        what = ("a Module" if hasattr(obj, "parameters") else
                "an optimizer" if hasattr(obj, "param_groups") else "an object with a state_dict()")
        hint = (f"it is {what}: save its state_dict() instead, e.g. torch.save(model.state_dict(), f), "
                "and restore it with model.load_state_dict(torch.load(f))")
    elif type(obj).__module__.split(".")[0] == "torch":
        hint = ("it is a PyTorch object, not an ndgrad one: convert a torch tensor with "
                "ag.tensor(t.numpy()), or save it as t.numpy()")
    elif callable(obj):
        hint = ("functions, lambdas and classes are code, and ndgrad saves only data (it never "
                "pickles): save what rebuilds it (a name or hyper-parameters) instead")
    else:
        hint = ("ndgrad saves only Tensors, NumPy arrays and scalars, dict, OrderedDict, list, "
                "tuple, None, bool, int, float and str (it never pickles); for a model save "
                "model.state_dict()")
    return f"save: can't save an object of type {name} at {path}: {hint}"


# ---- load ----------------------------------------------------------------------------------
def load(f: FileLike, map_location: MapLocation = None, weights_only: bool | None = True,
         **kwargs: Any) -> Any:
    """Load what ``save`` wrote, or a safetensors file (``torch.load``).

    Args:
        f: a path (str or os.PathLike) or a binary file object.
        map_location: where the tensors go: None, ``"cpu"``, ``torch.device("cpu")``, a dict
            mapping saved locations to new ones (ndgrad saves every tensor at ``"cpu"``), or
            a callable ``(tensor, "cpu") -> tensor or None`` applied to each loaded Tensor.
        weights_only: accepted as in PyTorch. ndgrad files hold only data and loading never
            runs code, so loading is always weights-only: ``weights_only=False`` is allowed
            and changes nothing.
        **kwargs: PyTorch's ``pickle_module``, ``mmap`` and pickle arguments (``encoding``...)
            are accepted and ignored (nothing is unpickled; arrays are read into memory).

    Raises:
        FileNotFoundError: no file at the path.
        SerializationError (a ValueError): a file that is not an ndgrad checkpoint or a
            safetensors file (a ``torch.save`` pickle gets a hint on converting it), a
            truncated or corrupt one, or one written by a newer ndgrad.
        DeviceError: ``map_location`` names a device other than the CPU.
    """
    unknown = sorted(set(kwargs) - set(_LOAD_KEYWORDS))
    if unknown:
        raise TypeError(f"load() got an unexpected keyword argument {unknown[0]!r}")
    if weights_only is not None and not isinstance(weights_only, bool):
        raise TypeError(f"load: weights_only must be a bool, got {type(weights_only).__name__}")
    place = _placement(map_location)
    if not isinstance(f, (str, os.PathLike)):
        return _load_stream(f, _name_of(f), place)
    path = os.fspath(f)
    if os.path.isdir(path):
        raise IsADirectoryError(f"load: {path!r} is a directory, not a checkpoint file")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load: no such file: {path!r}")
    with open(path, "rb") as fh:
        return _load_stream(fh, repr(path), place)


def _name_of(fh: IO[bytes]) -> str:
    """How errors name a file object: its path if it has one."""
    name = getattr(fh, "name", None)
    return repr(name) if isinstance(name, (str, bytes)) else f"the {type(fh).__name__} file object"


def _placement(map_location: MapLocation) -> Callable[[Tensor], Tensor] | None:
    """What to do with each loaded Tensor: None (keep it), or the user's callable."""
    where = "load(map_location=...)"
    if map_location is None:
        return None
    if isinstance(map_location, Mapping):
        check_cpu(where, map_location.get("cpu", "cpu"))
        return None
    if isinstance(map_location, (str, device, int)):
        check_cpu(where, map_location)
        return None
    if callable(map_location):
        chosen = map_location

        def place(tensor: Tensor) -> Tensor:
            result = chosen(tensor, "cpu")
            if result is None:
                return tensor
            if not isinstance(result, Tensor):
                raise TypeError(f"{where}: the callable returned {type(result).__name__}; "
                                "expected a Tensor (or None to keep the loaded one)")
            return result

        return place
    raise TypeError(f"{where}: expected None, a device such as 'cpu', a dict or a callable, "
                    f"got {type(map_location).__name__}")


def _load_stream(fh: IO[bytes], name: str, place: Callable[[Tensor], Tensor] | None) -> Any:
    if not fh.seekable():
        fh = io.BytesIO(fh.read())
    start = fh.tell()
    head = fh.read(16)
    fh.seek(start)
    if head[:2] == b"PK":
        return _load_zip(fh, name, place)
    if _safetensors.looks_like_safetensors(head):
        tensors = _safetensors.from_bytes(fh.read(), name)
        return tensors if place is None else {key: place(t) for key, t in tensors.items()}
    if head[:1] == b"\x80":  # pickle protocol 2+: torch.save's legacy format (or another pickle)
        raise SerializationError(f"load: {name} is a pickle (PyTorch's legacy torch.save format, "
                                 f"or another pickle), not an ndgrad checkpoint. {PYTORCH_HINT}")
    what = ("it is empty" if not head else "it is a single .npy array"
            if head.startswith(b"\x93NUMPY") else "it is neither a zip archive nor safetensors")
    raise SerializationError(f"load: {name} is not an ndgrad checkpoint: {what}")


def _load_zip(fh: IO[bytes], name: str, place: Callable[[Tensor], Tensor] | None) -> Any:
    start = fh.tell()
    size = fh.seek(0, io.SEEK_END) - start
    fh.seek(start)
    try:
        archive = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
        raise SerializationError(f"load: {name} is truncated or corrupt (not a readable zip "
                                 f"archive: {err})") from err
    with archive:
        names = archive.namelist()
        if _checkpoint.MANIFEST not in names and _checkpoint.V1_MANIFEST not in names:
            raise SerializationError(f"load: {name} is not an ndgrad checkpoint: {_foreign_zip(names)}")
        try:
            reader = ArchiveReader(archive, size, hint=_INFLATION_HINT)
            manifest, entry = _checkpoint.read_manifest(reader)
            if manifest["version"] > FORMAT_VERSION:
                from . import __version__

                raise SerializationError(
                    f"load: {name} uses format version {manifest['version']}, written by a newer "
                    f"ndgrad ({manifest.get('ndgrad_version', '?')}); this ndgrad ({__version__}) "
                    f"reads versions up to {FORMAT_VERSION}. Hint: upgrade ndgrad")
            return _checkpoint.Decoder(reader, entry, place).decode(manifest["root"])
        except SerializationError:
            raise
        except _checkpoint.PlacementError as err:  # the user's map_location raised
            raise err.error from None
        except _checkpoint.CorruptError as err:
            raise SerializationError(f"load: {name} is corrupt: {err}") from err
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
                TypeError, IndexError) as err:
            raise SerializationError(f"load: {name} is truncated or corrupt "
                                     f"({type(err).__name__}: {err})") from err


def _foreign_zip(names: list[str]) -> str:
    """Why a zip archive without ndgrad's manifest is not ours."""
    if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
        return f"it is a PyTorch checkpoint written by torch.save, which pickles its objects. {PYTORCH_HINT}"
    if names and all(n.endswith(".npy") for n in names):
        return "it is a NumPy .npz archive. Hint: read plain .npz files with np.load"
    return "it is a zip archive without ndgrad's manifest"

"""The safetensors exchange format: a flat ``{name: tensor}`` dict as bytes, via ``safetensors.numpy``.

A safetensors file is an 8-byte little-endian header length, a JSON header (each tensor's
dtype, shape and byte range, plus optional str -> str ``__metadata__``) and the raw bytes.
It holds no code, which makes it the format to move weights between PyTorch and ndgrad.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._checkpoint import SerializationError
from ._tensor import Tensor
from ._untrusted import CorruptError, parse_json
from .conversion import tensor_array
from .factories import from_numpy
from .types import Array

__all__ = ["from_bytes", "looks_like_safetensors", "to_bytes"]

# the safetensors dtypes NumPy can hold (BF16 and the F8 types it cannot)
_DTYPES = {"BOOL": "bool", "U8": "uint8", "I8": "int8", "U16": "uint16", "I16": "int16",
           "U32": "uint32", "I32": "int32", "U64": "uint64", "I64": "int64", "F16": "float16",
           "F32": "float32", "F64": "float64", "C64": "complex64"}
_SAVABLE = frozenset(_DTYPES.values())
_FLAT_HINT = ("a .safetensors file holds a flat dict {name: tensor}, such as model.state_dict(); "
              "save a checkpoint with other values (an optimizer's state, the epoch) to another "
              "suffix, e.g. 'ckpt.pt', in ndgrad's own format")


def looks_like_safetensors(head: bytes) -> bool:
    """Whether a file's first bytes are a safetensors header (a length, then ``{``)."""
    return len(head) >= 9 and head[8:9] == b"{" and 2 <= int.from_bytes(head[:8], "little") < 1 << 30


def to_bytes(tensors: object, metadata: Mapping[str, str] | None = None) -> bytes:
    """The safetensors bytes of a flat dict of Tensors or arrays.

    Raises:
        TypeError: not a dict, a key that is not a str, a value that is not a Tensor or an
            array (named as ``obj['key']``), a dtype safetensors lacks, or bad metadata.
    """
    from safetensors.numpy import save

    if not isinstance(tensors, Mapping):
        raise TypeError(f"save: can't save an object of type {type(tensors).__name__} as "
                        f"safetensors: {_FLAT_HINT}")
    arrays: dict[str, Array] = {}
    for key, value in tensors.items():
        if not isinstance(key, str):
            raise TypeError(f"save: safetensors names must be str, got a key of type "
                            f"{type(key).__name__} ({key!r:.60})")
        if isinstance(value, Tensor):
            array = value.detach().numpy()
        elif isinstance(value, np.ndarray):
            array = value
        else:
            raise TypeError(f"save: can't save an object of type {type(value).__name__} at "
                            f"obj[{key!r}] as safetensors: {_FLAT_HINT}")
        if array.dtype.newbyteorder("=").name not in _SAVABLE:
            raise TypeError(f"save: safetensors can't store dtype {array.dtype} (at obj[{key!r}])")
        arrays[key] = array if array.flags.c_contiguous else array.copy(order="C")
    if metadata is not None and not (isinstance(metadata, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())):
        raise TypeError("save: safetensors metadata must be a dict of str -> str")
    return save(arrays, dict(metadata) if metadata is not None else None)


def read_header(data: bytes, name: str) -> dict[str, Any]:
    """The JSON header of safetensors ``data``.

    Raises:
        SerializationError: truncated or corrupt.
    """
    size = int.from_bytes(data[:8], "little")
    try:
        header = parse_json(data[8:8 + size], "header")
    except CorruptError as err:
        raise SerializationError(f"load: {name} is a truncated or corrupt safetensors file "
                                 f"({err})") from err
    if not isinstance(header, dict):
        raise SerializationError(f"load: {name} is a corrupt safetensors file (bad header)")
    return header


def from_bytes(data: bytes, name: str) -> dict[str, Tensor]:
    """The Tensors of safetensors ``data`` (writable, not sharing the buffer), by name.

    Raises:
        SerializationError: truncated or corrupt, or holding a dtype NumPy lacks (bfloat16) or
            a Tensor can't hold (complex64).
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load

    header = read_header(data, name)
    foreign = sorted({str(info.get("dtype")) for key, info in header.items()
                      if key != "__metadata__" and isinstance(info, dict)} - set(_DTYPES))
    if foreign:
        raise SerializationError(
            f"load: {name} holds tensors of dtype {', '.join(foreign)}, which NumPy (and so "
            "ndgrad) can't represent. Hint: convert them in PyTorch first, e.g. "
            "save_file({k: v.float() for k, v in state_dict.items()}, path)")
    try:
        arrays = load(data)
    except (SafetensorError, ValueError, KeyError, TypeError) as err:
        raise SerializationError(f"load: {name} is a truncated or corrupt safetensors file "
                                 f"({err})") from err
    tensors = {}
    for key, array in arrays.items():
        try:  # the dtype gate (complex64 is refused); a file's byte order is converted
            tensors[key] = from_numpy(tensor_array(array.copy(), "load", byteswap=True))
        except TypeError as err:
            raise SerializationError(f"load: {name} holds {key!r} of dtype {array.dtype}, which "
                                     f"ndgrad can't hold ({err})") from None
    return tensors

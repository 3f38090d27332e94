"""Variable-length batches for the recurrent layers, as ``torch.nn.utils.rnn``.

A *packed* batch stores only the real time steps: ``data`` holds, for t = 0, 1, ..., the
rows of the ``batch_sizes[t]`` sequences still running at step t (sequences sorted by
decreasing length), so a recurrent layer reads no padding. ``sorted_indices[k]`` is the
original batch index of sorted row k and ``unsorted_indices`` its inverse.

    >>> padded = ag.zeros(3, 2, 5)  # (T, B, *): sequence lengths 3 and 1
    >>> packed = pack_padded_sequence(padded, [3, 1])
    >>> packed.batch_sizes.tolist(), tuple(packed.data.shape)
    ([2, 1, 1], (4, 5))

Packing, padding and unpacking are a gather of rows (``x[index]``), so gradients flow to the
padded input and back, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.types import Array

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]


class _Fields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_Fields):
    """A packed batch: ``data`` (sum of lengths, *), ``batch_sizes`` (T,) int64, and the sort order.

    Made by ``pack_padded_sequence`` or ``pack_sequence``; a tuple of its four fields.
    ``unsorted_indices`` defaults to the inverse of ``sorted_indices``.
    """

    def __new__(cls, data: Tensor, batch_sizes: Tensor | None = None,
                sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> PackedSequence:
        """The four fields; ``unsorted_indices`` defaults to the inverse of ``sorted_indices``."""
        if batch_sizes is None:  # PyTorch's (data, batch_sizes) pair in the first argument
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise ValueError("PackedSequence: expected data to be a list or tuple of length "
                                 "2 when batch_sizes is not given")
            data, batch_sizes = data
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same batch with ``data.to(*args, **kwargs)`` (the indices stay int64)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self) -> PackedSequence:
        """Itself: ndgrad's tensors live on the CPU."""
        return self

    def double(self) -> PackedSequence:
        """``data`` as float64."""
        return self.to(dtype=ag.float64)

    def float(self) -> PackedSequence:
        """``data`` as float32."""
        return self.to(dtype=ag.float32)

    @property
    def is_cuda(self) -> bool:
        """False: ndgrad runs on the CPU."""
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse permutation: ``out[permutation[i]] = i`` (None for None)."""
    if permutation is None:
        return None
    order = permutation.numpy()
    if permutation.dtype != ag.int64 or order.ndim != 1 or not np.array_equal(
            np.sort(order), np.arange(order.size)):
        raise RuntimeError(f"invert_permutation: expected a 1-D int64 permutation of 0..n-1, got "
                           f"a {permutation.dtype} tensor of shape {list(permutation.shape)}")
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return ag.from_numpy(inverse)


def _lengths(op: str, lengths: Tensor | Sequence[int]) -> Array:
    """``lengths`` (a list or a 1-D tensor of ints) as an int64 array."""
    values = lengths.numpy() if isinstance(lengths, Tensor) else lengths
    try:
        array = np.asarray(values)
        if array.dtype == object or array.dtype.kind not in "biuf":
            raise TypeError
    except (TypeError, ValueError):
        raise TypeError(f"{op}: lengths must be a list or 1-D tensor of ints, got "
                        f"{type(lengths).__name__}") from None
    if array.ndim != 1:
        raise ValueError(f"{op}: lengths must be 1-D, got shape {list(array.shape)}")
    return array.astype(np.int64)


def _packed_rows(batch_sizes: Array, batch: int) -> Array:
    """For each packed row (step t, sorted sequence b < batch_sizes[t]), its row t * batch + b."""
    return np.concatenate([t * batch + np.arange(n) for t, n in enumerate(batch_sizes)]
                          or [np.zeros(0, np.int64)]).astype(np.int64)


def pack_padded_sequence(input: Tensor, lengths: Tensor | list[int], batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (``batch_first``: (B, T, *)) of sequences of ``lengths``.

    ``batch_sizes[t]`` = #{b : lengths[b] > t}; ``data`` stacks, step by step, the rows of the
    sequences still running. With ``enforce_sorted=False`` the batch is first sorted by
    decreasing length (``sorted_indices``); otherwise ``lengths`` must already decrease.
    """
    sizes = _lengths("pack_padded_sequence", lengths)
    sorted_indices = None
    if not enforce_sorted:
        order = np.argsort(-sizes, kind="stable")
        sizes, sorted_indices = sizes[order], ag.from_numpy(order)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if input.ndim < 2:
        raise ValueError(f"pack_padded_sequence: input must have a time and a batch dim, got "
                         f"shape {list(input.shape)}")
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    if sizes.size != batch:
        raise ValueError(f"pack_padded_sequence: Expected `len(lengths)` to be equal to "
                         f"batch_size, but got {sizes.size} (batch_size={batch})")
    if sizes.size and sizes.min() <= 0:
        raise RuntimeError("pack_padded_sequence: Length of all samples has to be greater than "
                           "0, but found an element in 'lengths' that is <= 0")
    if np.any(np.diff(sizes) > 0):
        raise RuntimeError("pack_padded_sequence: `lengths` array must be sorted in decreasing "
                           "order when `enforce_sorted` is True. You can pass "
                           "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
                           "to sidestep this requirement if you do not need ONNX exportability.")
    if sizes.size and sizes[0] > steps:
        raise ValueError(f"pack_padded_sequence: a length {sizes[0]} exceeds the {steps} time "
                         f"steps of the input (shape {list(input.shape)})")
    batch_sizes = (sizes[None, :] > np.arange(sizes[0] if sizes.size else 0)[:, None]).sum(1)
    flat = input.reshape(steps * batch, *input.shape[2:])
    data = flat[ag.from_numpy(_packed_rows(batch_sizes, batch))]
    return PackedSequence(data, ag.from_numpy(batch_sizes.astype(np.int64)), sorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: the padded batch (T, B, *) and the lengths (B,) int64.

    Rows come back in the original batch order; T is the longest length, or ``total_length``.
    """
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"pad_packed_sequence: sequence must be a PackedSequence, got "
                        f"{type(sequence).__name__}")
    batch_sizes = np.asarray(sequence.batch_sizes.numpy(), dtype=np.int64)
    steps = batch_sizes.size
    if total_length is not None:
        if total_length < steps:
            raise ValueError("pad_packed_sequence: Expected total_length to be at least the "
                             "length of the longest sequence in input, but got "
                             f"total_length={total_length} and max sequence length being {steps}")
        steps = total_length
    batch = int(batch_sizes[0]) if batch_sizes.size else 0
    data = sequence.data
    # every padded position reads its packed row, or the extra padding row at the end
    source = np.full(steps * batch, data.shape[0], dtype=np.int64)
    source[_packed_rows(batch_sizes, batch)] = np.arange(data.shape[0])
    padding = ag.full((1, *data.shape[1:]), padding_value, dtype=data.dtype)
    padded = ag.cat([data, padding])[ag.from_numpy(source)].reshape(steps, batch, *data.shape[1:])
    lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(1).astype(np.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.numpy()]
    return (padded.transpose(0, 1) if batch_first else padded), ag.from_numpy(lengths)


def pad_sequence(sequences: Tensor | Sequence[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack sequences (L_i, *) into one padded batch (max L, B, *) (``batch_first``: (B, max L, *)).

    Each sequence is followed (``padding_side="right"``) or preceded (``"left"``) by
    ``padding_value`` up to the longest length.
    """
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg "
                           f"of type: {type(sequences)}")
    seqs = tuple(sequences)
    if not seqs or not all(isinstance(s, Tensor) for s in seqs):
        raise TypeError("pad_sequence: sequences must be a non-empty list of Tensors")
    if padding_side not in ("left", "right"):
        raise ValueError(f"pad_sequence: Expected padding_side to be one of left or right, but "
                         f"got {padding_side}.")
    if any(s.ndim == 0 for s in seqs) or len({tuple(s.shape[1:]) for s in seqs}) != 1:
        raise RuntimeError(f"pad_sequence: every sequence must have a time dim and the same "
                           f"trailing shape, got shapes {[list(s.shape) for s in seqs]}")
    lengths = np.array([s.shape[0] for s in seqs], dtype=np.int64)
    longest, starts = int(lengths.max()), np.concatenate([[0], np.cumsum(lengths)[:-1]])
    flat = ag.cat([*seqs, ag.full((1, *seqs[0].shape[1:]), padding_value, dtype=seqs[0].dtype)])
    step = np.arange(longest)[None, :]  # source[b, t]: the row of flat padded position (b, t)
    offset = longest - lengths[:, None] if padding_side == "left" else np.zeros_like(lengths)[:, None]
    inside = (step >= offset) & (step < offset + lengths[:, None])
    source = np.where(inside, starts[:, None] + step - offset, flat.shape[0] - 1)
    return flat[ag.from_numpy(source if batch_first else source.T)]


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor | list[int],
                   batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into its sequences: ``[padded[:lengths[b], b] for b]``.

    Unlike PyTorch, the padded tensor is not transposed in place.
    """
    sizes = _lengths("unpad_sequence", lengths)
    padded = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    if sizes.size != padded.shape[0]:
        raise ValueError(f"unpad_sequence: got {sizes.size} lengths for a batch of "
                         f"{padded.shape[0]} sequences")
    return [padded[b, :int(n)] for b, n in enumerate(sizes)]


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *): ``pack_padded_sequence(pad_sequence(sequences), L)``."""
    lengths = [s.shape[0] if isinstance(s, Tensor) and s.ndim else 0 for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences of a packed batch, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


from autograd.boundary import public_namespace  # noqa: E402

public_namespace(globals(), __all__)  # the signatures' gate, as torch's functions have (autograd/boundary.py)

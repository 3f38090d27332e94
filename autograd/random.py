"""The random number generators behind every random factory, ``nn.init``, dropout and the data utilities.

``ag.Generator`` plays ``torch.Generator``: a seedable stream of random numbers (a NumPy
``np.random.Generator`` on a PCG64 bit generator inside). ``ag.default_generator`` is the
global one, which ``ag.manual_seed(n)`` re-seeds (and returns), so a seeded script is
reproducible run to run. Every random function takes ``generator=`` to draw from another one.

ndgrad cannot reproduce PyTorch's random streams (PyTorch uses a Mersenne Twister and its own
samplers): reproducibility means "same seed, same numbers in ndgrad". ``manual_seed(n)`` gives
exactly the stream of ``np.random.default_rng(n)``.

This is also the one place where a function decides which generator to draw from
(:func:`resolve`).

Example:
    >>> import autograd as ag
    >>> g = ag.Generator().manual_seed(0)
    >>> a = ag.rand(3, generator=g)
    >>> _ = g.manual_seed(0)
    >>> bool((ag.rand(3, generator=g) == a).all())
    True
"""

from __future__ import annotations

import numbers
import secrets
from typing import TYPE_CHECKING, Any

import numpy as np

from .device import CPU, check_cpu

if TYPE_CHECKING:
    from ._tensor import Tensor
    from .device import DeviceLike, device

_DEFAULT_SEED = 67280421310721  # the seed of a new torch.Generator(), as in PyTorch
_MAGIC = b"NDG1"  # the first bytes of a state from Generator.get_state (format version 1)
_STATE_BYTES = 4 + 8 + 16 + 16 + 1 + 4  # magic, seed, PCG64 state and increment, buffered uint32


class Generator:
    """A seedable random number generator (``torch.Generator``).

    A new generator starts from PyTorch's default seed 67280421310721, so two new generators
    give the same numbers; call :meth:`manual_seed` or :meth:`seed` to choose another stream.
    Pass it as ``generator=`` to ``ag.rand``, ``ag.multinomial``, ``x.normal_``, ``nn.init``,
    ``random_split``, ``DataLoader``...

    Args:
        device: where it generates; ndgrad runs on the CPU only (``"cpu"``, the default).

    Example:
        >>> g = Generator().manual_seed(42)
        >>> g.initial_seed()
        42
    """

    __slots__ = ("_rng", "_seed")

    def __init__(self, device: DeviceLike = "cpu") -> None:
        check_cpu("Generator", device)
        self._rng = np.random.Generator(np.random.PCG64(_DEFAULT_SEED))
        self._seed = _DEFAULT_SEED

    @property
    def device(self) -> device:
        """The device it generates on: always ``device(type='cpu')``."""
        return CPU

    @property
    def numpy_generator(self) -> np.random.Generator:
        """The ``np.random.Generator`` it draws from (the same object for the generator's life)."""
        return self._rng

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed`` and return this generator.

        Args:
            seed: an int in [-2**63, 2**64); a negative seed counts modulo 2**64, as in PyTorch.
                The stream is the one of ``np.random.default_rng(seed)``.
        """
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"Generator.manual_seed: seed must be an int, got {type(seed).__name__}")
        seed = int(seed)
        if not -2**63 <= seed < 2**64:
            raise ValueError(f"Generator.manual_seed: seed {seed} is out of range: it must be in "
                             "[-2**63, 2**64) (a 64-bit integer)")
        seed %= 2**64
        # Re-seed in place, so code holding this generator (or its NumPy one) sees the new stream.
        self._rng.bit_generator.state = np.random.PCG64(seed).state
        self._seed = seed
        return self

    def seed(self) -> int:
        """Re-seed from the operating system's entropy; return the new (64-bit) seed."""
        seed = secrets.randbits(64)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed the stream was last started from (by ``manual_seed``, ``seed`` or ``set_state``)."""
        return self._seed

    def get_state(self) -> Tensor:
        """The generator's full state as a new uint8 Tensor of 49 bytes (ndgrad's own format).

        ``set_state`` of it restores the stream exactly (and ``initial_seed``). The bytes are
        the PCG64 state, not PyTorch's Mersenne Twister state: they cannot be exchanged with
        ``torch.Generator.set_state``.
        """
        from ._tensor import Tensor

        state = self._rng.bit_generator.state
        data = (_MAGIC + self._seed.to_bytes(8, "little")
                + int(state["state"]["state"]).to_bytes(16, "little")
                + int(state["state"]["inc"]).to_bytes(16, "little")
                + int(state["has_uint32"]).to_bytes(1, "little")
                + int(state["uinteger"]).to_bytes(4, "little"))
        return Tensor._wrap(np.frombuffer(data, dtype=np.uint8).copy())

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state that :meth:`get_state` returned; return this generator."""
        from ._tensor import Tensor

        if not isinstance(new_state, Tensor):
            raise TypeError(f"Generator.set_state: expected a uint8 Tensor from get_state(), got "
                            f"{type(new_state).__name__}")
        array = new_state._data
        if array.dtype != np.uint8:
            raise TypeError(f"Generator.set_state: RNG state must be a uint8 Tensor (as get_state() "
                            f"returns), got dtype {array.dtype}")
        data = np.ascontiguousarray(array).reshape(-1).tobytes()
        if len(data) != _STATE_BYTES:
            raise ValueError(f"Generator.set_state: expected an ndgrad RNG state of size {_STATE_BYTES} "
                             f"but found the input RNG state size to be {len(data)}. Hint: pass what "
                             "get_state() (or ag.get_rng_state()) returned")
        if data[:4] != _MAGIC:
            raise ValueError("Generator.set_state: invalid RNG state: it does not come from ndgrad's "
                             "get_state() (PyTorch's states cannot be used)")
        inc = int.from_bytes(data[28:44], "little")
        if inc % 2 != 1:
            raise ValueError("Generator.set_state: invalid RNG state (corrupted PCG64 increment)")
        self._rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int.from_bytes(data[12:28], "little"), "inc": inc},
            "has_uint32": data[44], "uinteger": int.from_bytes(data[45:49], "little")}
        self._seed = int.from_bytes(data[4:12], "little")
        return self

    def __repr__(self) -> str:
        return f"<ag.Generator device='cpu' initial_seed={self._seed}>"


GeneratorLike = Generator | np.random.Generator  # what generator= accepts everywhere


class _State:
    generator = Generator()


_state = _State()
_state.generator.seed()  # the global stream starts from entropy, as PyTorch's default generator does
default_generator = _state.generator  # torch.default_generator: the same object for ever


def manual_seed(seed: int) -> Generator:
    """Seed the global generator (rand, randn, randint, randperm, dropout, nn.init...); return it.

    Args:
        seed: an int (``int(seed)`` is taken, as PyTorch does); the stream is the one of
            ``np.random.default_rng(seed)``.
    """
    try:
        value = int(seed)
    except (TypeError, ValueError):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}") from None
    return _state.generator.manual_seed(value)


def seed() -> int:
    """Seed the global generator from the operating system's entropy; return the seed."""
    return _state.generator.seed()


def initial_seed() -> int:
    """The seed the global generator was last started from."""
    return _state.generator.initial_seed()


def get_rng_state() -> Tensor:
    """The global generator's state as a uint8 Tensor (see :meth:`Generator.get_state`)."""
    return _state.generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the global generator's state from what :func:`get_rng_state` returned."""
    _state.generator.set_state(new_state)


def generator() -> np.random.Generator:
    """The global generator's ``np.random.Generator`` (the same object after ``manual_seed``)."""
    return _state.generator._rng


def resolve(seed: int | GeneratorLike | None = None, generator: GeneratorLike | None = None,
            where: str = "data") -> np.random.Generator:
    """The ``np.random.Generator`` to draw from: ``generator``, else from ``seed``, else the global one.

    ``generator`` (an ``ag.Generator`` or a ``np.random.Generator``) if given, a fresh
    ``default_rng(seed)`` for an int ``seed`` (or ``seed`` itself if it is a generator), else
    ndgrad's global generator, so that ``ag.manual_seed(n)`` makes the draw reproducible.
    """
    if generator is not None and seed is not None:
        raise ValueError(f"{where}: pass either seed= or generator=, not both")
    if generator is None and isinstance(seed, (np.random.Generator, Generator)):
        generator = seed
    if generator is not None:
        if isinstance(generator, Generator):
            return generator._rng
        if not isinstance(generator, np.random.Generator):
            raise TypeError(f"{where}: generator must be an ag.Generator or a np.random.Generator "
                            f"(np.random.default_rng(n)), got {type(generator).__name__}")
        return generator
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"{where}: seed must be an int, an ag.Generator or a np.random.Generator, "
                            f"got {type(seed).__name__}")
        return np.random.default_rng(int(seed))
    return _state.generator._rng


def rng(where: str, generator: Any) -> np.random.Generator:
    """The NumPy generator behind a ``generator=`` argument (None: the global one)."""
    return resolve(generator=generator, where=where)

"""Devices: ndgrad computes with NumPy on the CPU, and says so in PyTorch's own terms.

``ag.device("cpu")`` is a real device object (type, index, str, repr and equality as
``torch.device``), and ``"cuda"``, ``"mps"`` and the other accelerator names are valid device
*names*, so ``device = "cuda" if torch.cuda.is_available() else "cpu"`` picks ``"cpu"``. Putting
a tensor on any device but the CPU raises :class:`DeviceError`, which says ndgrad runs on the
CPU.
"""

from __future__ import annotations

from collections.abc import Callable

DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
          "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class DeviceError(RuntimeError):
    """A tensor or module was asked to live on a device other than the CPU."""


class device:  # noqa: N801 - PyTorch's name
    """Where a tensor lives: always the CPU for ndgrad (``torch.device``).

    Args:
        type: ``"cpu"``, ``"cpu:0"``, another accelerator name such as ``"cuda:1"``, or a
            device.
        index: the device ordinal, or None (the current device of that type).

    Example:
        >>> ag.device("cpu")
        device(type='cpu')
        >>> str(ag.device("cpu", 0))
        'cpu:0'
    """

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, type: DeviceLike, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            name, number = type.type, type.index
        elif isinstance(type, str):
            name, number = _parse(type)
        else:
            raise TypeError(f"device(): expected a device name such as 'cpu', got "
                            f"{builtin_type(type).__name__}")
        if index is not None:
            if number is not None:
                raise RuntimeError(f"device(): type {type!r} already holds an index; pass "
                                   "the index once")
            if isinstance(index, bool) or not isinstance(index, int) or index < 0:
                raise RuntimeError(f"device(): index must be a non-negative int, got {index!r}")
            number = index
        object.__setattr__(self, "type", name)
        object.__setattr__(self, "index", number)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("device objects are immutable")

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, device) and other.type == self.type
                and other.index == self.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> tuple[Callable[..., device], tuple[str, int | None]]:
        return (device, (self.type, self.index))


builtin_type = type
DeviceLike = str | device


def _parse(text: str) -> tuple[str, int | None]:
    name, _, number = text.partition(":")
    if name not in DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device "
                           f"string: {text}")
    if not _:
        return name, None
    if not number.isdigit():
        raise RuntimeError(f"Invalid device string: {text!r}")
    return name, int(number)


CPU = device("cpu")


def check_cpu(where: str, value: DeviceLike | int | None) -> None:
    """Accept None, ``"cpu"``, ``"cpu:0"`` or a CPU device; refuse every other device.

    Raises:
        DeviceError: for an accelerator (``"cuda"``, ``"mps"``...), naming ``where``.
    """
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, str, device)):
        raise TypeError(f"{where}: device must be a device, a name such as 'cpu' or an int, "
                        f"got {builtin_type(value).__name__}")
    if isinstance(value, int):
        value = device("cuda", value)  # PyTorch's legacy meaning of a bare ordinal
    found = value if isinstance(value, device) else device(value)
    if found.type != "cpu":
        raise DeviceError(f"{where}: ndgrad runs on the CPU only (NumPy), so it cannot use "
                          f"device {str(found)!r}. Hint: use 'cpu', or write "
                          "device = 'cuda' if torch.cuda.is_available() else 'cpu'")


def get_default_device() -> device:
    """``device(type='cpu')``, where factories put new tensors (the only device)."""
    return CPU


def set_default_device(value: DeviceLike | int | None) -> None:
    """Accept the CPU (or None) as the default device; refuse any other.

    Raises:
        DeviceError: for an accelerator.
    """
    check_cpu("set_default_device", value)

"""Writing a file atomically: a crash mid-write never destroys the file that was there before.

Every file ndgrad writes (``torch.save`` checkpoints, safetensors files, the demo's pictures and
graph, ``draw_graph(...).save_as``) goes through ``write_atomically``: the bytes go to a
temporary file in the target's directory, which replaces the target (``os.replace``, atomic on
POSIX and Windows) only once it is complete and flushed to disk. If anything fails (a full disk,
Ctrl-C, an exception in the writer), the old file is left as it was and the temporary file
removed.

    >>> write_atomically("notes.txt", lambda fh: fh.write(b"hello"))  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from typing import IO, Any

__all__ = ["write_atomically"]


def write_atomically(path: str | os.PathLike[str], write: Callable[[IO[bytes]], Any],
                     who: str = "save") -> None:
    """Run ``write`` on a new binary file that then replaces ``path`` in one step.

    A replaced file keeps its permission bits; a symlink is followed (its target is replaced).

    Args:
        path: the file to write.
        write: fills the open binary file object it is given.
        who: the function named by the errors (``"save"``).

    Raises:
        FileNotFoundError: the directory does not exist.
        IsADirectoryError: ``path`` is a directory.
        Whatever ``write`` raises, after removing the temporary file.
    """
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{who}: the directory {folder!r} does not exist")
    if os.path.isdir(target):
        raise IsADirectoryError(f"{who}: {target!r} is a directory")
    temp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(target):
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise

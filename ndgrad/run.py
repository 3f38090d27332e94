"""``ndgrad run``: an unchanged PyTorch script or notebook, run on ndgrad.

``ndgrad run train.py --epochs 3`` installs ndgrad as ``torch`` (``install_as_torch``) and runs
the script as ``__main__`` with its own argv, as ``python train.py --epochs 3`` would.
``ndgrad run lesson.ipynb`` executes the notebook's code cells in order, in one namespace in
this process (IPython magics and shell lines are skipped, plots go to a non-interactive
backend), and reports the first failing cell with its number and the error.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

from .torch_namespace import install_as_torch

__all__ = ["NotebookCellError", "notebook_cells", "run_notebook", "run_path", "run_script"]


class NotebookCellError(RuntimeError):
    """A notebook cell raised; ``index`` is its position among the code cells (1-based)."""

    def __init__(self, path: Path, index: int, error: BaseException) -> None:
        super().__init__(f"{path}: code cell {index} raised {type(error).__name__}: {error}")
        self.index, self.error = index, error


def run_script(path: Path, argv: list[str]) -> None:
    """Run ``path`` as ``__main__`` with ``sys.argv = [path, *argv]`` on ndgrad.

    Its folder comes first on ``sys.path``, as for ``python path``; exceptions propagate.
    """
    install_as_torch()
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [str(path), *argv]
    sys.path.insert(0, str(path.resolve().parent))
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path


def notebook_cells(path: Path) -> list[str]:
    """The source of each code cell, magics and shell lines commented out.

    IPython magics (``%``; a ``%%`` cell is skipped whole) and shell lines (``!``) become
    comments, so plain Python can run the cells.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if text.lstrip().startswith("%%"):
            cells.append("")  # a cell magic (%%time, %%capture...): skipped whole
            continue
        lines = [f"# {line}" if line.lstrip().startswith(("%", "!")) else line
                 for line in text.splitlines()]
        cells.append("\n".join(lines))
    return cells


def run_notebook(path: Path) -> int:
    """Execute the notebook's code cells in order; returns the number of cells run.

    Raises:
        NotebookCellError: a cell raised (the first one; later cells are not run).
    """
    install_as_torch()
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict[str, Any] = {"__name__": "__main__", "display": print}
    cells = notebook_cells(path)
    saved_path = list(sys.path)
    sys.path.insert(0, str(path.resolve().parent))
    try:
        for index, source in enumerate(cells, 1):
            try:
                exec(compile(source, f"<{path.name} cell {index}>", "exec"), namespace)  # noqa: S102
            except Exception as error:
                raise NotebookCellError(path, index, error) from error
    finally:
        sys.path[:] = saved_path
    return len(cells)


def run_path(path: Path, argv: list[str], prog: str = "ndgrad run") -> int:
    """``ndgrad run PATH [ARGS...]``: the exit status.

    0 when it ran through, 1 when it raised, 2 for a bad PATH; a script's own
    ``sys.exit(code)`` is passed on.
    """
    if not path.is_file():
        print(f"{prog}: error: no such file: {path}", file=sys.stderr)
        return 2
    if path.suffix not in (".py", ".ipynb"):
        print(f"{prog}: error: {path} is neither a Python script (.py) nor a notebook (.ipynb)",
              file=sys.stderr)
        return 2
    try:
        if path.suffix == ".ipynb":
            count = run_notebook(path)
            print(f"{prog}: {path}: {count} code cells ran", file=sys.stderr)
        else:
            run_script(path, argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except NotebookCellError as err:
        traceback.print_exception(err.error)
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
    except Exception:  # the script's own error: its traceback, as python would print it
        traceback.print_exc()
        print(f"{prog}: {path} failed (the traceback above is the script's)", file=sys.stderr)
        return 1
    return 0

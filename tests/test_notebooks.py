"""Execute every notebook in ``notebooks/`` from top to bottom; a cell that raises fails the test.

Each notebook runs in a fresh ``python3`` kernel (the interpreter running pytest, when ipykernel
is installed in it) with ``notebooks/`` as its working directory, as a learner would run it. The
notebook is read into memory and executed there: the saved file, with its outputs, is never
rewritten. Notebooks check their own results with ``assert`` cells, so a regression in a
tutorial's headline number fails here.

The kernel gets the repository root on ``PYTHONPATH`` (the notebooks import ``autograd``, ``nn``
and ``optim`` without an install), ``NDGRAD_MNIST`` when MNIST files are found (notebooks that use
MNIST fall back to something else without it), and one BLAS thread unless the environment says
otherwise: the notebooks' matrices are small, and a 2-core machine under load runs them many
times slower with OpenBLAS threads competing for the cores.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from nbclient.exceptions import CellExecutionError, CellTimeoutError  # noqa: E402

from autograd.data import default_mnist_path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 600  # seconds per cell


def kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    mnist = default_mnist_path()
    if mnist is not None:
        env["NDGRAD_MNIST"] = str(mnist)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def failing_cell(nb) -> str:
    """The first code cell with an error output, as its index, source and traceback."""
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    for i, cell in enumerate(code_cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                traceback = ANSI_ESCAPE.sub("", "\n".join(out.get("traceback", [])))
                return (f"code cell {i} raised {out.get('ename')}: {out.get('evalue')}\n"
                        f"--- cell source ---\n{cell.source}\n--- traceback ---\n{traceback}")
    return "a cell raised (no error output recorded)"


def run_notebook(path: Path, cwd: Path) -> None:
    """Execute the notebook at ``path`` in memory (the file is not rewritten), in ``cwd``."""
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=False,
        record_timing=False, resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute(env=kernel_env())
    except CellTimeoutError as err:
        pytest.fail(f"{path.name}: a cell ran longer than {CELL_TIMEOUT} s\n{err}", pytrace=False)
    except CellExecutionError:
        pytest.fail(f"{path.name}: {failing_cell(nb)}", pytrace=False)


def listing(directory: Path) -> set[str]:
    """Files and folders under ``directory``, except notebooks and Jupyter's checkpoints."""
    return {str(p.relative_to(directory)) for p in directory.rglob("*")
            if p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    before = listing(NOTEBOOK_DIR)
    run_notebook(path, NOTEBOOK_DIR)
    created = sorted(listing(NOTEBOOK_DIR) - before)
    assert not created, f"{path.name} wrote files next to the notebooks: {created}"

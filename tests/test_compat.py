"""Unchanged PyTorch scripts (``tests/compat/*.py``) run by ``ndgrad run`` give torch's numbers.

Each script prints ``RESULT {json}`` last. It runs once on ndgrad (``python -m ndgrad run``) and,
when PyTorch is installed, once on the real torch (``python script.py``); the results must
agree to float32 rounding. A notebook (``tests/compat/*.ipynb``, its last cell printing the
RESULT line) runs the same way: ``ndgrad run NOTEBOOK.ipynb``, and its code cells executed in
order in one namespace by plain Python for the real torch.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import subprocess
import sys

import pytest
from conftest import torch

COMPAT = pathlib.Path(__file__).resolve().parent / "compat"
ROOT = COMPAT.parents[1]
SCRIPTS = sorted(p for pattern in ("*.py", "*.ipynb") for p in COMPAT.glob(pattern)
                 if not p.name.startswith("_"))
# The torch twin of a notebook run: its code cells in order, in one namespace, magics and shell
# lines skipped as ``ndgrad run`` skips them (ndgrad.run.notebook_cells imports no torch).
NOTEBOOK_TWIN = """
import pathlib, sys
from ndgrad.run import notebook_cells
namespace = {"__name__": "__main__", "display": print}
for index, source in enumerate(notebook_cells(pathlib.Path(sys.argv[1])), 1):
    exec(compile(source, f"<cell {index}>", "exec"), namespace)
"""


def _run(command: list[str]) -> dict:
    # one thread: these small graphs run many times slower with torch's threads fighting over 2 cores
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    done = subprocess.run(command, capture_output=True, text=True, cwd=COMPAT, env=env,
                          timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"no RESULT line in the output of {command[-1]}:\n{done.stdout[-2000:]}"
    return json.loads(lines[-1][len("RESULT "):])


def _assert_close(ours, theirs, where: str = "result") -> None:
    if isinstance(theirs, dict):
        assert set(ours) == set(theirs), f"{where}: keys differ"
        for key in theirs:
            _assert_close(ours[key], theirs[key], f"{where}[{key!r}]")
    elif isinstance(theirs, list):
        assert len(ours) == len(theirs), f"{where}: lengths differ"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _assert_close(a, b, f"{where}[{i}]")
    elif isinstance(theirs, float):
        assert math.isclose(ours, theirs, rel_tol=2e-5, abs_tol=2e-6), f"{where}: {ours} != {theirs}"
    else:
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_script_runs_unchanged_and_matches_torch(script):
    ours = _run([sys.executable, "-m", "ndgrad", "run", str(script)])
    if torch is not None:  # without PyTorch only ndgrad's run is checked
        twin = ["-c", NOTEBOOK_TWIN, str(script)] if script.suffix == ".ipynb" else [str(script)]
        _assert_close(ours, _run([sys.executable, *twin]))

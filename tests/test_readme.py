"""The README's Python example runs as printed."""

import pathlib
import re
import subprocess
import sys

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the explorer example writes explorer.html
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README has no python example"
    for block in blocks:
        if "install_as_torch()" in block:  # the one-line swap: in a fresh interpreter
            done = subprocess.run([sys.executable, "-c", block + "\nprint(device)"],
                                  capture_output=True, text=True, timeout=120,
                                  cwd=README.parent)
            assert done.returncode == 0 and done.stdout.strip() == "cpu", done.stderr
            continue
        namespace = {}
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README
        if "optimizer.step()" in block:
            assert namespace["loss"].item() < 0.1  # the moons model trained
        if ".save(" in block:
            page = (tmp_path / "explorer.html").read_text(encoding="utf-8")
            assert "ndgrad-data" in page and namespace["model"][0].weight.grad is None

"""The README's Python example runs as printed."""

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README has no python example"
    for block in blocks:
        namespace = {}
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README
        assert namespace["loss"].item() < 0.1  # the moons model trained

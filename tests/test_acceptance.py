"""Acceptance points that cut across packages: no layer backward, no graph after a training
step, the six notebooks with their outputs, CLI exit codes, a ruff-clean and mypy-clean tree."""

import gc
import importlib
import inspect
import json
import pathlib
import pkgutil
import shutil
import subprocess
import sys
import weakref

import pytest

import autograd as ag
import nn
import optim

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ["01_spirals_deep_mlp", "02_nonlinear_softmax_gradcheck", "03_circle_pytorch_style",
             "04_spirals_bn_dropout_adam", "05_mlp_lecture", "06_inside_the_engine", "07_cnn_mnist",
             "08_rnn"]


def test_no_nn_module_defines_a_backward():
    for info in pkgutil.walk_packages(nn.__path__, "nn."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                assert not issubclass(obj, ag.Primitive), f"{info.name}.{name} is a Primitive"
                assert "backward" not in vars(obj), f"{info.name}.{name} defines backward"


@pytest.mark.parametrize("make_optimizer", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), lambda ps: optim.Adam(ps, lr=1e-3)])
def test_no_graph_survives_backward_and_the_optimizer_step(make_optimizer):
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    optimizer = make_optimizer(model.parameters())
    gc.disable()
    try:
        hidden = model[1](model[0](ag.randn(5, 4)))
        loss = nn.CrossEntropyLoss()(model[2](hidden), ag.tensor([0, 1, 2, 0, 1]))
        node = weakref.ref(hidden.grad_fn)
        loss.backward()
        optimizer.step()
        del hidden, loss
        assert node() is None  # freed by reference counting alone: no cycle, nothing kept
    finally:
        gc.enable()


def test_the_tutorial_notebooks_are_saved_with_outputs():
    found = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert found == NOTEBOOKS
    for name in NOTEBOOKS:
        cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
        outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
        assert any("image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {})
                   for o in outputs), f"{name} shows no picture"
        assert not any(o.get("output_type") == "error" for o in outputs), name


@pytest.mark.parametrize(("args", "code", "text"), [
    (["demo", "--dataset", "nope"], 2, "invalid choice"),
    (["demo", "--dataset", "mnist", "--data", "/no/such/folder"], 1, "/no/such/folder"),
])
def test_cli_errors_exit_non_zero_with_a_message(args, code, text):
    done = subprocess.run([sys.executable, "-m", "ndgrad", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == code
    assert text in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(shutil.which("ruff") is None and not (pathlib.Path(sys.executable).parent
                    / "ruff").exists(), reason="ruff not installed")
def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(pathlib.Path(sys.executable).parent / "ruff")
    done = subprocess.run([ruff, "check", "."], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout


def _tool(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(p) for p in [pathlib.Path(sys.executable).parent / name] if p.exists()), None)


@pytest.mark.skipif(_tool("mypy") is None, reason="mypy not installed")
def test_mypy_is_clean():
    """``mypy`` with the project's configuration (strict; see pyproject.toml)."""
    done = subprocess.run([_tool("mypy")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-4000:]

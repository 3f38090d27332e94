"""``ndgrad demo`` / ``python -m ndgrad demo``: end to end, the Graphviz fallback, errors.

Most runs call ``main([...])`` in-process with few epochs; one runs the real
``python -m ndgrad demo`` in a subprocess. The demo's full default recipe (3000 epochs) is
covered by ``test_training.py``, not here.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import optim
from autograd.data import default_mnist_path
from ndgrad import demo
from ndgrad.cli import build_parser, config_from_args, main

REPO = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HAVE_DOT = shutil.which("dot") is not None


def assert_png(path: Path) -> None:
    assert path.is_file(), f"{path} was not written"
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, f"{path} is not a PNG"
    assert len(data) > 2000  # a real picture, not an empty canvas


def assert_svg(path: Path) -> None:
    assert path.is_file(), f"{path} was not written"
    text = path.read_text(encoding="utf-8")
    assert "<svg" in text and "</svg>" in text


def assert_graph(out: Path) -> None:
    """graph.svg where Graphviz is installed, else the DOT source in graph.dot."""
    if HAVE_DOT:
        assert_svg(out / "graph.svg")
    else:
        assert (out / "graph.dot").read_text(encoding="utf-8").startswith("digraph")


def printed_result(stdout: str) -> tuple[float, float]:
    """(final loss, accuracy in [0, 1]) from the demo's summary line."""
    match = re.search(r"final loss ([0-9.]+), accuracy ([0-9.]+)%", stdout)
    assert match, f"no summary line in:\n{stdout}"
    return float(match.group(1)), float(match.group(2)) / 100


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["demo", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_explorer(path: Path, steps: int) -> None:
    """The explorer page: the graph of one step with its backward replayed, and the training run."""
    page = path.read_text(encoding="utf-8")
    data = json.loads(page.split('id="ndgrad-data">', 1)[1].split("</script>", 1)[0])
    kinds = {n["kind"] for n in data["nodes"]}
    assert {"param", "op", "output"} <= kinds and data["steps"] and data["clusters"]
    assert data["training"]["steps"] == list(range(1, steps + 1))
    assert [layer["name"] for layer in data["training"]["layers"]] == ["0", "2", "4"]


# ---- end to end ------------------------------------------------------------------------------

def test_demo_spirals_writes_boundary_loss_and_graph(tmp_path, capsys):
    out = tmp_path / "demo"  # created by the demo
    code, stdout, stderr = run(capsys, "--epochs", "30", "--out", str(out))
    assert code == 0, stderr
    assert_png(out / "boundary.png")
    assert_png(out / "loss.png")
    assert_graph(out)
    assert_explorer(out / "explorer.html", steps=30)
    loss, accuracy = printed_result(stdout)
    assert 0 < loss < 1 and 0 <= accuracy <= 1
    assert "MLP 2-128-64-1" in stdout and "SGD (momentum 0.9) lr 0.1" in stdout
    assert "30 epochs" in stdout and str(out / "boundary.png") in stdout
    assert "training" in stderr and "loss" in stderr and "30/30" in stderr  # the tqdm bar
    assert "Traceback" not in stderr


def test_demo_learns_moons(tmp_path, capsys):
    code, stdout, stderr = run(capsys, "--dataset", "moons", "--width", "32", "--epochs", "100",
                               "--out", str(tmp_path), "--no-progress")
    assert code == 0, stderr
    loss, accuracy = printed_result(stdout)
    assert loss < 0.2 and accuracy > 0.95
    assert stderr == ""  # --no-progress: no bar


def test_options_reach_the_model_optimizer_and_batches(tmp_path, capsys):
    code, stdout, stderr = run(capsys, "--dataset", "xor", "--samples", "200", "--width", "16",
                               "--depth", "3", "--activation", "tanh", "--optimizer", "adam",
                               "--lr", "0.02", "--batch-size", "50", "--epochs", "3", "--seed", "7",
                               "--out", str(tmp_path), "--no-progress")
    assert code == 0, stderr
    assert "xor, 200 points" in stdout
    assert "MLP 2-16-8-4-1, tanh" in stdout
    assert "Adam lr 0.02, batch 50, 3 epochs (12 steps), seed 7" in stdout
    assert_png(tmp_path / "boundary.png")


def test_defaults_are_the_tutorial_000_recipe():
    args = build_parser().parse_args(["demo"])
    cfg = config_from_args(args, args.usage_error)
    assert (cfg.dataset, cfg.samples, cfg.noise, cfg.seed) == ("spirals", 500, 1.5, 1)
    assert cfg.hidden == [128, 64] and cfg.activation == "leaky_relu"
    assert (cfg.optimizer, cfg.lr, cfg.epochs, cfg.batch_size) == ("sgd", 0.1, 3000, None)
    assert args.out == Path("ndgrad-demo")
    mnist = config_from_args(*(lambda a: (a, a.usage_error))(
        build_parser().parse_args(["demo", "--dataset", "mnist"])))
    assert (mnist.hidden, mnist.optimizer, mnist.lr, mnist.epochs, mnist.batch_size) == \
        ([100], "adam", 1e-3, 1, 32)


def test_python_dash_m_ndgrad_demo_subprocess(tmp_path):
    out = tmp_path / "tmp"
    proc = subprocess.run([sys.executable, "-m", "ndgrad", "demo", "--epochs", "50", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert_png(out / "boundary.png")
    assert_png(out / "loss.png")
    assert_graph(out)
    printed_result(proc.stdout)


# ---- the graph without Graphviz ---------------------------------------------------------------

def test_missing_dot_writes_dot_source_and_hint(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no `dot` anywhere
    code, stdout, stderr = run(capsys, "--epochs", "2", "--out", str(tmp_path), "--no-progress")
    assert code == 0, stderr
    dot_file = tmp_path / "graph.dot"
    source = dot_file.read_text(encoding="utf-8")
    assert source.startswith("digraph") and "linear" in source
    assert not (tmp_path / "graph.svg").exists()
    assert str(dot_file) in stdout
    assert "`dot` program was not found" in stderr
    assert "install graphviz" in stderr.lower() and f"dot -Tsvg {dot_file}" in stderr
    assert_png(tmp_path / "boundary.png")  # the pictures do not need Graphviz


def test_dot_failing_to_run_also_falls_back(tmp_path, capsys, monkeypatch):
    """`which` finds a dot, but it can't be run: the graphviz call fails, the DOT is saved."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: "/nonexistent/bin/" + name)
    code, _, stderr = run(capsys, "--epochs", "1", "--out", str(tmp_path), "--no-progress")
    assert code == 0, stderr
    assert (tmp_path / "graph.dot").read_text(encoding="utf-8").startswith("digraph")
    assert "failed" in stderr and "dot -Tsvg" in stderr


# ---- errors: a clear message, a non-zero status, no traceback -------------------------------

@pytest.mark.parametrize("args, message", [
    (["--dataset", "nope"], "invalid choice: 'nope'"),
    (["--epochs", "0"], "--epochs: must be at least 1"),
    (["--lr", "-1"], "--lr: must be greater than 0"),
    (["--width", "many"], "--width: expected an integer"),
    (["--optimizer", "lbfgs"], "invalid choice: 'lbfgs'"),
    (["--data", "somewhere"], "--data is only read with --dataset mnist"),
    (["--dataset", "mnist", "--noise", "0.1"], "--noise applies to the 2-D data sets"),
])
def test_bad_options_exit_2(capsys, args, message):
    code, stdout, stderr = run(capsys, *args)
    assert code == 2
    assert message in stderr and "usage:" in stderr
    assert "Traceback" not in stderr


def test_help_lists_commands_and_options(capsys):
    assert main(["--help"]) == 0
    assert "demo" in capsys.readouterr().out
    assert main(["demo", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--dataset", "--data", "--width", "--depth", "--optimizer", "--lr", "--epochs",
                   "--batch-size", "--seed", "--out", "--no-progress", "--samples"):
        assert option in text
    assert "spirals" in text and "mnist" in text and "3000" in text
    assert main([]) == 2  # no command


def test_missing_mnist_path_names_it_and_says_how_to_fix(tmp_path, capsys):
    missing = tmp_path / "no-mnist-here"
    code, _, stderr = run(capsys, "--dataset", "mnist", "--data", str(missing), "--out", str(tmp_path))
    assert code == 1
    assert str(missing) in stderr and "--data PATH" in stderr and "NDGRAD_MNIST" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "loss.png").exists()


def test_mnist_folder_without_the_files(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("NDGRAD_MNIST", str(empty))
    code, _, stderr = run(capsys, "--dataset", "mnist", "--out", str(tmp_path / "out"))
    assert code == 1
    assert str(empty) in stderr and "from NDGRAD_MNIST" in stderr
    assert "train-images-idx3-ubyte" in stderr


def test_no_mnist_anywhere(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(demo, "default_mnist_path", lambda: None)
    code, _, stderr = run(capsys, "--dataset", "mnist", "--out", str(tmp_path))
    assert code == 1
    assert "MNIST not found" in stderr and "--data PATH" in stderr and "NDGRAD_MNIST" in stderr


def test_output_folder_that_cannot_be_created(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _, stderr = run(capsys, "--epochs", "1", "--out", str(blocker / "sub"))
    assert code == 1
    assert "can't create the output folder" in stderr and "Traceback" not in stderr


def test_diverging_loss_stops_with_a_hint(tmp_path, capsys):
    code, _, stderr = run(capsys, "--lr", "1e6", "--epochs", "50", "--out", str(tmp_path),
                          "--no-progress")
    assert code == 1
    assert "try a smaller --lr" in stderr and "Traceback" not in stderr


def test_ctrl_c_during_training_keeps_the_results(tmp_path, capsys, monkeypatch):
    step = optim.SGD.step
    calls = []

    def interrupting_step(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return step(self, *args, **kwargs)

    monkeypatch.setattr(optim.SGD, "step", interrupting_step)
    code, stdout, stderr = run(capsys, "--epochs", "100", "--out", str(tmp_path), "--no-progress")
    assert code == 130
    assert "interrupted after 4 steps" in stderr  # the 5th step raised
    printed_result(stdout)
    assert_png(tmp_path / "loss.png")


# ---- MNIST, when the files are here -----------------------------------------------------------

@pytest.mark.skipif(default_mnist_path() is None, reason="MNIST files not found (set NDGRAD_MNIST)")
def test_mnist_one_epoch_on_a_slice_of_the_real_data(tmp_path, capsys):
    code, stdout, stderr = run(capsys, "--dataset", "mnist", "--epochs", "1", "--samples", "3000",
                               "--out", str(tmp_path), "--no-progress")
    assert code == 0, stderr
    assert "MLP 784-100-10" in stdout and "Adam lr 0.001, batch 32" in stdout
    assert "3000 training" in stdout and "10,000 test images" in stdout
    loss, accuracy = printed_result(stdout)
    assert accuracy > 0.8  # 94 Adam steps on 3000 images; the full epoch reaches ~95%
    assert_png(tmp_path / "predictions.png")
    assert_png(tmp_path / "loss.png")
    assert_graph(tmp_path)

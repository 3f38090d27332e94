"""Every file ndgrad writes is written atomically: a write that fails midway (a full disk,
Ctrl-C) leaves the previous file byte for byte and no temporary file behind.

The failure is injected where the bytes go: the file object the writer receives stops after
a few bytes and raises, so a writer that wrote its target in place would leave it truncated.
"""

import os
import shutil

import numpy as np
import pytest

import autograd as ag
import ndgrad
import nn
from autograd import atomic_write
from ndgrad import demo_output

HAVE_DOT = shutil.which("dot") is not None


class FailingFile:
    """A binary file that accepts ``budget`` bytes, writes them, then raises ``failure``."""

    def __init__(self, fh, budget, failure):
        self._fh, self._budget, self._failure = fh, budget, failure

    def write(self, data):
        data = bytes(data)
        if len(data) > self._budget:
            self._fh.write(data[:self._budget])
            self._fh.flush()
            raise self._failure
        self._budget -= len(data)
        return self._fh.write(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()


def small_graph():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    return model, model(ag.randn(4, 2)).sum()


def save_checkpoint(path):
    ag.save({"w": ag.arange(1000.0), "step": 3}, path)


def save_safetensors_via_save(path):
    ag.save({"w": ag.arange(1000.0)}, path)


def save_file(path):
    ndgrad.save_file({"w": ag.arange(1000.0)}, path)


def plot_losses(path):
    demo_output.plot_losses([1.0, 0.5, 0.25, 0.2], 1, path, "test")


def plot_boundary(path):
    model, _ = small_graph()
    x = np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)
    demo_output.plot_boundary(model, x, (x[:, 0] > 0).astype(np.int64), path, "test", resolution=20)


def plot_digits(path):
    images = np.zeros((4, 28, 28), np.uint8)
    demo_output.plot_digits(images, np.arange(4), np.arange(4), path, "test", rows=1, cols=4)


def write_graph_dot(path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)  # no Graphviz: DOT source
    model, loss = small_graph()
    written, hint = demo_output.write_graph(loss, model, {}, path.parent, stem=path.stem)
    assert written == path and hint


def write_graph_svg(path, monkeypatch):
    model, loss = small_graph()
    written, hint = demo_output.write_graph(loss, model, {}, path.parent, stem=path.stem)
    assert written == path and hint is None


def draw_graph_save_as(path):
    _, loss = small_graph()
    ag.draw_graph(loss).save_as(path)


WRITERS = [
    pytest.param(save_checkpoint, "ckpt.pt", id="ag.save"),
    pytest.param(save_safetensors_via_save, "model.safetensors", id="ag.save-safetensors"),
    pytest.param(save_file, "weights.bin", id="ndgrad.save_file"),
    pytest.param(plot_losses, "loss.png", id="demo-loss.png"),
    pytest.param(plot_boundary, "boundary.png", id="demo-boundary.png"),
    pytest.param(plot_digits, "predictions.png", id="demo-predictions.png"),
    pytest.param(write_graph_dot, "graph.dot", id="demo-graph.dot"),
    pytest.param(write_graph_svg, "graph.svg", id="demo-graph.svg",
                 marks=pytest.mark.skipif(not HAVE_DOT, reason="Graphviz `dot` is not installed")),
    pytest.param(draw_graph_save_as, "graph.svg", id="draw_graph.save_as",
                 marks=pytest.mark.skipif(not HAVE_DOT, reason="Graphviz `dot` is not installed")),
]


def call(writer, path, monkeypatch):
    if "monkeypatch" in writer.__code__.co_varnames[:writer.__code__.co_argcount]:
        writer(path, monkeypatch)
    else:
        writer(path)


class TestAtomicWrites:
    @pytest.mark.parametrize("writer, name", WRITERS)
    @pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                             ids=["disk-full", "ctrl-c"])
    def test_a_failure_midway_keeps_the_old_file(self, tmp_path, monkeypatch, writer, name, failure):
        target = tmp_path / name
        target.write_bytes(b"the previous version")
        real_fdopen = os.fdopen
        monkeypatch.setattr(atomic_write.os, "fdopen",
                            lambda fd, *a, **k: FailingFile(real_fdopen(fd, *a, **k), 20, failure))
        with pytest.raises(type(failure)):
            call(writer, target, monkeypatch)
        assert target.read_bytes() == b"the previous version"
        assert os.listdir(tmp_path) == [name]  # no temporary file left

    @pytest.mark.parametrize("writer, name", WRITERS)
    def test_a_failure_on_a_new_file_leaves_nothing(self, tmp_path, monkeypatch, writer, name):
        real_fdopen = os.fdopen
        monkeypatch.setattr(atomic_write.os, "fdopen",
                            lambda fd, *a, **k: FailingFile(real_fdopen(fd, *a, **k), 0, OSError("EIO")))
        with pytest.raises(OSError, match="EIO"):
            call(writer, tmp_path / name, monkeypatch)
        assert os.listdir(tmp_path) == []

    @pytest.mark.parametrize("writer, name", WRITERS)
    def test_a_complete_write_replaces_the_file_and_keeps_its_mode(self, tmp_path, monkeypatch,
                                                                   writer, name):
        target = tmp_path / name
        target.write_bytes(b"the previous version")
        os.chmod(target, 0o640)
        call(writer, target, monkeypatch)
        assert target.read_bytes() != b"the previous version" and target.stat().st_size > 20
        assert os.stat(target).st_mode & 0o777 == 0o640
        assert os.listdir(tmp_path) == [name]


class TestWriteAtomically:
    def test_missing_directory_and_directory_target_name_the_caller(self, tmp_path):
        with pytest.raises(FileNotFoundError, match=r"^save_as: the directory .*missing.* does not exist"):
            atomic_write.write_atomically(tmp_path / "missing" / "f", lambda fh: None, "save_as")
        with pytest.raises(IsADirectoryError, match=r"^save: .* is a directory"):
            atomic_write.write_atomically(tmp_path, lambda fh: None)

    def test_a_symlink_keeps_pointing_at_its_replaced_target(self, tmp_path):
        (tmp_path / "real").write_bytes(b"old")
        (tmp_path / "link").symlink_to(tmp_path / "real")
        atomic_write.write_atomically(tmp_path / "link", lambda fh: fh.write(b"new"))
        assert (tmp_path / "link").is_symlink() and (tmp_path / "real").read_bytes() == b"new"

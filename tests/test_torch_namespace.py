"""The one-line swap: ``ndgrad.install_as_torch()``, ``ndgrad run`` and the CPU device API.

``install_as_torch`` changes ``sys.modules`` for the whole process, and the test process may
have imported the real torch (the oracle), so each swap runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import textwrap

import pytest

import autograd as ag
import nn
from autograd.device import DeviceError

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_every_import_form_gives_ndgrad():
    done = _python("""
        import ndgrad; ndgrad.install_as_torch()
        import torch, torch.nn as nn, torch.nn.functional as F, torch.optim as optim
        from torch import nn as nn2, optim as optim2
        from torch.nn import init, utils
        from torch.nn.utils import clip_grad_norm_, parameters_to_vector
        from torch.optim.lr_scheduler import StepLR
        from torch.utils.data import DataLoader, TensorDataset, random_split
        from torch.utils.data.dataloader import DataLoader as DL
        from torch.utils.data.dataset import Dataset
        from torch.autograd import grad, backward, Function, Variable, gradcheck
        import torch.backends.cudnn
        import autograd
        assert torch is autograd and torch.autograd is autograd and nn is nn2 and optim is optim2
        assert torch.nn.Linear is nn.Linear and torch.optim.Adam is optim.Adam and DL is DataLoader
        assert torch.utils.data.DataLoader is DataLoader and torch.nn.functional is F
        print("ok")
    """)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_install_refuses_when_the_real_torch_is_imported():
    pytest.importorskip("torch")
    done = _python("""
        import torch, ndgrad
        try:
            ndgrad.install_as_torch()
        except ndgrad.torch_namespace.TorchAlreadyImportedError as err:
            print(err)
    """)
    assert "the real PyTorch is already imported" in done.stdout, done.stderr
    assert "ndgrad run" in done.stdout


def test_install_is_idempotent_and_nothing_is_shadowed_before_it():
    done = _python("""
        import sys, ndgrad
        assert "torch" not in sys.modules or not ndgrad.torch_namespace.is_installed()
        first = ndgrad.install_as_torch()
        assert ndgrad.install_as_torch() is first and ndgrad.torch_namespace.is_installed()
        print("ok")
    """)
    assert done.stdout.strip() == "ok", done.stderr


def test_ndgrad_run_passes_argv_and_exit_codes(tmp_path):
    script = tmp_path / "train.py"
    script.write_text("import sys, torch\nprint(torch.__name__, sys.argv[1:])\n"
                      "sys.exit(int(sys.argv[-1]))\n")
    done = subprocess.run([sys.executable, "-m", "ndgrad", "run", str(script), "--lr", "3"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 3 and "autograd ['--lr', '3']" in done.stdout


def test_ndgrad_run_reports_a_failing_script_and_a_missing_file(tmp_path):
    script = tmp_path / "broken.py"
    script.write_text("import torch\nraise ValueError('boom')\n")
    done = subprocess.run([sys.executable, "-m", "ndgrad", "run", str(script)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1 and "ValueError: boom" in done.stderr and "broken.py failed" in done.stderr
    missing = subprocess.run([sys.executable, "-m", "ndgrad", "run", str(tmp_path / "nope.py")],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def _notebook(path: pathlib.Path, cells: list[str]) -> None:
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": c, "metadata": {},
                                           "outputs": [], "execution_count": None} for c in cells]
                                + [{"cell_type": "markdown", "source": "# notes", "metadata": {}}],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_ndgrad_run_executes_a_notebook_and_names_the_failing_cell(tmp_path):
    good = tmp_path / "good.ipynb"
    _notebook(good, ["%matplotlib inline\nimport torch", "x = torch.ones(3, requires_grad=True)",
                     "(x * 2).sum().backward()\nprint(x.grad.tolist())"])
    done = subprocess.run([sys.executable, "-m", "ndgrad", "run", str(good)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and "[2.0, 2.0, 2.0]" in done.stdout, done.stderr
    bad = tmp_path / "bad.ipynb"
    _notebook(bad, ["import torch", "torch.ones(2) @ torch.ones(3)", "print('never')"])
    done = subprocess.run([sys.executable, "-m", "ndgrad", "run", str(bad)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1 and "code cell 2 raised" in done.stderr and "never" not in done.stdout


# ---- the CPU device API (no swap needed) ------------------------------------------------
def test_device_objects_behave_like_torch_devices():
    cpu = ag.device("cpu")
    assert (repr(cpu), str(cpu), cpu.type, cpu.index) == ("device(type='cpu')", "cpu", "cpu", None)
    assert ag.device("cpu", 0) == ag.device("cpu:0") != cpu and ag.device(cpu) == cpu
    assert repr(ag.device("cuda:1")) == "device(type='cuda', index=1)"
    assert len({cpu, ag.device("cpu")}) == 1 and ag.zeros(2).device == cpu
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda.* device string: gpu"):
        ag.device("gpu")
    with pytest.raises(RuntimeError, match="Invalid device string: 'cuda:x'"):
        ag.device("cuda:x")


@pytest.mark.parametrize("move", [
    lambda t: t.to("cuda"), lambda t: t.to(ag.device("cuda", 0)), lambda t: t.cuda(),
    lambda t: t.to("mps"), lambda t: t.to(device="cuda:1"), lambda t: nn.Linear(2, 2).to("cuda"),
    lambda t: nn.Linear(2, 2).to(ag.device("mps")), lambda t: ag.set_default_device("cuda")])
def test_accelerators_are_refused_with_a_clear_error(move):
    with pytest.raises(DeviceError, match="ndgrad runs on the CPU only"):
        move(ag.ones(2))


def test_the_cpu_is_accepted_everywhere():
    x = ag.ones(2)
    assert x.to("cpu") is x and x.to(ag.device("cpu")) is x and x.cpu() is x
    assert x.to("cpu", ag.float64).dtype == ag.float64 and x.to(device="cpu") is x
    assert x.pin_memory() is x and not x.is_cuda and x.get_device() == -1
    layer = nn.Linear(2, 2)
    assert layer.to("cpu") is layer and layer.to(ag.device("cpu"), ag.float64).weight.dtype == ag.float64
    assert not ag.cuda.is_available() and ag.cuda.device_count() == 0
    ag.cuda.manual_seed(0), ag.cuda.manual_seed_all(0)
    assert not ag.backends.mps.is_available() and not ag.backends.cudnn.is_available()
    ag.backends.cudnn.deterministic = True
    assert not ag.accelerator.is_available() and ag.accelerator.current_accelerator() is None
    assert ag.get_default_device() == ag.device("cpu")
    ag.set_default_device("cpu")


def test_tensor_attributes_match_torch():
    x = ag.zeros(2, 3)
    assert repr(x.shape) == "torch.Size([2, 3])" and x.shape == (2, 3) and x.size().numel() == 6
    assert repr(x.shape[1:]) == "torch.Size([3])" and x.size(1) == 3
    assert (x.type(), x.double().type(), x.long().type(), x.bool().type()) == (
        "torch.FloatTensor", "torch.DoubleTensor", "torch.LongTensor", "torch.BoolTensor")
    assert x.type("torch.LongTensor").dtype == ag.int64 and x.type(ag.float64).dtype == ag.float64
    assert (x.stride(), x.t().stride(), x.stride(1)) == ((3, 1), (1, 3), 1)
    assert (x.element_size(), x.nbytes, x.nelement(), ag.numel(x)) == (4, 24, 6, 6)
    assert x.is_contiguous() and not x.t().is_contiguous() and x.is_floating_point()
    assert x.new_zeros(2).dtype == ag.float32 and x.new_tensor([1, 2]).dtype == ag.float32
    assert x.new_full((2,), 3).tolist() == [3.0, 3.0] and x.new_ones(1, 2).shape == (1, 2)
    assert x.view_as(ag.zeros(6)).shape == (6,) and ag.t(ag.zeros(3)).shape == (3,)
    assert f"{ag.tensor(3.14159):.3f}" == "3.142" and f"{ag.tensor([1.0])}" == "tensor([1.])"
    with pytest.raises(TypeError, match="only 0-d tensors format as numbers"):
        f"{ag.tensor([1.0]):.2f}"
    with pytest.raises(ag.OpError, match="t\\(\\) expects a tensor with <= 2 dimensions"):
        ag.zeros(2, 2, 2).t()
    assert ag.is_tensor(x) and not ag.is_tensor([1])
    assert ag.Variable(ag.ones(2), requires_grad=True).requires_grad
    assert ag.finfo(ag.float32).eps == pytest.approx(1.1920929e-07) and ag.iinfo(ag.int64).max == 2**63 - 1
    assert ag.get_default_dtype() == ag.float32


def test_inference_mode_records_nothing_as_context_and_decorator():
    x = ag.ones(2, requires_grad=True)
    with ag.inference_mode():
        assert not (x * 2).requires_grad and ag.is_inference_mode_enabled()
    assert ag.is_grad_enabled() and not ag.is_inference_mode_enabled()

    @ag.inference_mode()
    def evaluate():
        return (x * 2).requires_grad

    @ag.no_grad
    def stream():
        yield (x * 2).requires_grad
        yield (x * 3).requires_grad

    assert evaluate() is False and list(stream()) == [False, False]
    assert (x * 2).requires_grad


def test_missing_features_raise_one_clear_error():
    done = _python("""
        import ndgrad; ndgrad.install_as_torch()
        import torch, torch.distributed as dist
        assert not dist.is_available() and torch.compile(len) is len
        for call in (lambda: dist.init_process_group("gloo"), lambda: torch.jit.script(len),
                     lambda: torch.sparse_coo_tensor([[0]], [1.0])):
            try:
                call()
            except torch.NotSupportedError as err:
                print(str(err).split(":")[0])
    """)
    assert done.stdout.split() == ["torch.distributed.init_process_group", "torch.jit.script",
                                   "torch.sparse_coo_tensor"], done.stderr

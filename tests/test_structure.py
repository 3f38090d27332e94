"""The layout rules: imports flow one way (``ndgrad`` -> ``nn``/``optim`` -> ``autograd``), every
module imports first in a fresh interpreter, ``nn`` and ``optim`` use only autograd's public
names, no file is over 400 lines, and the package ships its type marker."""

import ast
import pathlib
import pkgutil
import subprocess
import sys

import autograd
import nn
import optim

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIBRARIES = ("autograd", "nn", "optim", "ndgrad")


def _modules(package) -> list[str]:
    return [package.__name__] + [info.name for info in
                                 pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def _imports(path: pathlib.Path) -> list[tuple[str, str | None]]:
    """(module, imported name) for every absolute import in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.module, alias.name) for alias in node.names]
    return found


def _python_files(*packages: str) -> list[pathlib.Path]:
    return [path for package in packages for path in sorted((ROOT / package).rglob("*.py"))]


def test_each_module_imports_first_in_a_fresh_interpreter():
    """The import cycle (``Tensor`` <-> the ops) is fenced in ``_tensor.py``: importing any
    module first works (a few interpreters at a time)."""
    pending = _modules(autograd) + _modules(nn) + _modules(optim)
    running, failed = [], []
    while pending or running:
        while pending and len(running) < 4:
            module = pending.pop()
            running.append((module, subprocess.Popen(
                [sys.executable, "-c", f"import {module}"], cwd=ROOT, text=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)))
        module, proc = running.pop(0)
        _, err = proc.communicate(timeout=120)
        if proc.returncode:
            failed.append(f"{module}: {err.strip().splitlines()[-1]}")
    assert not failed, failed


def test_the_engine_never_imports_the_layers_optimizers_or_app():
    for path in _python_files("autograd"):
        for module, _ in _imports(path):
            top = module.split(".")[0]
            assert top not in ("nn", "optim", "ndgrad"), f"{path.relative_to(ROOT)} imports {module}"


def test_the_libraries_never_import_the_app():
    for path in _python_files("nn", "optim"):
        for module, _ in _imports(path):
            assert module.split(".")[0] != "ndgrad", f"{path.relative_to(ROOT)} imports {module}"


def test_nn_and_optim_use_only_public_autograd_names():
    """``import autograd as ag`` / ``from autograd import X`` / public subpackages: never a
    module or name that starts with an underscore, never ``autograd.ops`` internals."""
    for path in _python_files("nn", "optim"):
        for module, name in _imports(path):
            if module.split(".")[0] != "autograd":
                continue
            parts = module.split(".") + ([name] if name else [])
            assert not any(part.startswith("_") for part in parts), \
                f"{path.relative_to(ROOT)} imports the private {'.'.join(parts)}"
            assert module in ("autograd", "autograd.boundary", "autograd.checks", "autograd.data",
                              "autograd.hooks", "autograd.types", "autograd.viz"), \
                f"{path.relative_to(ROOT)} reaches into {module}; export what it needs instead"


def test_no_private_attribute_writes_from_nn_or_optim():
    """``nn``/``optim`` change tensors through methods (``set_``, ``increment_version``), not by
    writing the engine's private attributes."""
    for path in _python_files("nn", "optim"):
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and part.attr in (
                            "_data", "_version_counter", "_grad", "_requires_grad"):
                        raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} writes "
                                             f".{part.attr}")


def test_no_file_is_over_400_lines():
    long = [f"{path.relative_to(ROOT)} ({n})" for path in _python_files(*LIBRARIES)
            if (n := len(path.read_text().splitlines())) > 400]
    assert not long, f"files over 400 lines: {long}"


def test_the_package_ships_a_py_typed_marker():
    for package in LIBRARIES:
        assert (ROOT / package / "py.typed").is_file(), package


def test_every_exported_name_exists():
    """``from autograd import *`` (and nn's, optim's, autograd.data's) finds every name in __all__."""
    import autograd.data

    for package in (autograd, autograd.data, nn, nn.functional, optim):
        missing = [name for name in package.__all__ if not hasattr(package, name)]
        assert not missing, f"{package.__name__}.__all__ lists missing names {missing}"

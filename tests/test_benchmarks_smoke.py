"""Smoke test of the benchmark suite (benchmarks/run.py): every case runs with tiny repetition
counts, ndgrad, the hand-written NumPy baselines and (when mygrad can be imported) the MyGrad
versions give PyTorch's losses (the suite's exactness check), nothing outlives a training step,
the JSON report has its keys, and without mygrad its column is empty and nothing fails.
Nothing here asserts anything about speed."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str):
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(f"ndgrad_bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


run = _load("run")
TINY = {"rounds": 1, "block_seconds": 1e-4, "warmup_seconds": 0.0, "settle_seconds": 0.0,
        "long_chain": 1500, "long_chain_reps": 1, "drift_steps": 2, "memory_warmup_steps": 3,
        "leak_steps": 2, "epoch": False}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    pytest.importorskip("torch")
    results = run.Suite(run.Config(**TINY, in_process=True)).run()
    path = tmp_path_factory.mktemp("bench") / "results.json"
    run.write_results(results, str(path))
    return json.loads(path.read_text())


NAMES = [c.name for c in run.bc.CASES] + ["chain_100k"]
HAVE_MYGRAD = importlib.util.find_spec("mygrad") is not None


def _measured(results, case: str) -> list[str]:
    """The libraries of ``case`` that ran (mygrad only when it can be imported)."""
    return [lib for lib in run.bc.case_by_name(case).libs if lib in results["workers"]]


def test_json_has_the_expected_keys(results):
    assert {"machine", "config", "method", "workers", "exactness", "timings", "ratios", "memory",
            "targets", "errors", "skipped", "elapsed_s", "phases_s"} <= results.keys()
    assert {"date", "cpu", "cores", "python", "numpy", "ndgrad", "torch"} <= results["machine"].keys()
    assert results["errors"] == []
    assert list(results["timings"]) == NAMES
    for name in NAMES:
        timing = results["timings"][name]
        for lib in _measured(results, name):
            assert {"median_s", "per_op_s", "samples_s", "steps_per_block"} <= timing[lib].keys()
        assert "ndgrad_over_torch" in results["ratios"][name]
    targets = {(t["case"], t["metric"]): t for t in results["targets"]}
    assert len(targets) == len(results["targets"]) == len(run.report.TARGETS)
    for key in [("mlp_sgd_b32", "ndgrad_over_numpy"), ("chain_100k", "chain_scaling"),
                ("spiral", "ndgrad_over_torch"), ("mnist_epoch", "epoch_over_torch"),
                ("mnist_epoch", "epoch_accuracy_gap"), ("mlp_adam_b1024", "nothing_held"),
                *((name, "exact") for name in NAMES)]:
        assert key in targets, key
    assert [c for (c, m) in targets if m == "mygrad_over_ndgrad"] == [
        c for c in NAMES if "mygrad" in run.bc.case_by_name(c).libs]
    assert targets["mlp_sgd_b32", "mygrad_over_ndgrad"]["goal"] == ">=1.30"
    unmeasured = {m for (c, m), t in targets.items() if t["value"] is None}
    assert unmeasured == {"epoch_over_torch", "epoch_accuracy_gap"} | (
        set() if HAVE_MYGRAD else {"mygrad_over_ndgrad"})  # the epoch is off here
    assert all(t["met"] for t in results["targets"] if t["metric"] in ("exact", "nothing_held"))


@pytest.mark.parametrize("case", NAMES)
def test_losses_match_torch(results, case):
    verdicts = results["exactness"][case]
    assert verdicts["reference"] == "torch"
    for lib in _measured(results, case):
        if lib != "torch":
            assert verdicts[lib]["pass"], (lib, verdicts[lib])


@pytest.mark.skipif(not HAVE_MYGRAD, reason="mygrad is not installed (pip install -e .[bench])")
def test_mygrad_cases(results, capsys):
    """MyGrad's hand-written cases: memory guarding off, 20 losses equal torch's, timed, ratioed."""
    assert results["workers"]["mygrad"]["memory_guarding"] is False
    shared = [c for c in NAMES if "mygrad" in run.bc.case_by_name(c).libs]
    assert shared == [c for c in NAMES if c not in ("lenet", "lstm")]
    for case in shared:
        assert results["exactness"][case]["mygrad"]["pass"], case
        assert {"median_s", "per_op_s", "samples_s"} <= results["timings"][case]["mygrad"].keys()
        assert results["ratios"][case]["mygrad_over_ndgrad"] > 0
    for case, per_lib in results["memory"].items():
        assert per_lib["mygrad"]["hidden_alive_after"] is False, case
    run.report.print_tables(results)
    out = capsys.readouterr().out
    assert "mygrad/ndgrad" in out and " mygrad " in out


def test_without_mygrad_the_column_is_empty(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "mygrad", None)  # import mygrad raises ImportError
    monkeypatch.setitem(sys.modules, "mygrad_cases", None)
    config = run.Config(**TINY, in_process=True, cases=("add",), libs=("numpy", "ndgrad", "mygrad"))
    results = run.Suite(config).run()
    assert results["errors"] == [] and "mygrad" in results["skipped"]
    assert "mygrad" not in results["exactness"]["add"] and "mygrad" not in results["timings"]["add"]
    run.report.print_tables(results)
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("one (4,4) add"))
    numpy_, ndgrad, torch, mygrad = row[26:].split()[:4]
    assert (torch, mygrad) == ("-", "-") and float(ndgrad) > 0
    mygrad_targets = [t for t in results["targets"] if t["metric"] == "mygrad_over_ndgrad"]
    assert mygrad_targets and all(t["met"] is None for t in mygrad_targets)


def test_nothing_outlives_a_step(results):
    for case, per_lib in results["memory"].items():
        assert per_lib["numpy"]["hidden_alive_after"] is None, case  # no graph to outlive
        for lib in ("ndgrad", "torch"):
            assert per_lib[lib]["hidden_alive_after"] is False, (case, lib)
        assert per_lib["ndgrad"]["hidden_alive_with_loss"] is False, case  # backward freed the graph
        assert per_lib["ndgrad"]["held_after_step"] < run.report.HELD_LIMIT, case


def test_report_prints(results, capsys):
    run.report.print_tables(results)
    out = capsys.readouterr().out
    assert "Training steps" in out and "Targets met" in out


def test_worker_processes(tmp_path):
    """The default mode: one worker process per library, spoken to over pipes."""
    path = tmp_path / "out.json"
    run.main(["--quick", "--libs", "numpy,ndgrad", "--cases", "add,mlp_sgd_b32", "--rounds", "1",
              "--no-epoch", "--json", str(path)])
    data = json.loads(path.read_text())
    assert data["method"] == "one process per library" and data["errors"] == []
    for case in ("add", "mlp_sgd_b32"):
        assert data["exactness"][case]["reference"] == "numpy"
        assert data["exactness"][case]["ndgrad"]["pass"]
        assert {"numpy", "ndgrad"} <= data["timings"][case].keys()
    pids = {info["pid"] for info in data["workers"].values()}
    assert len(pids) == 2

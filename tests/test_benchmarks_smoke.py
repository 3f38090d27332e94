"""Smoke test of the benchmark suite (benchmarks/run.py): every case runs with tiny repetition
counts, ndgrad and the hand-written NumPy baselines give PyTorch's losses (the suite's
exactness check), nothing outlives a training step, and the JSON report has its keys.
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


def test_json_has_the_expected_keys(results):
    assert {"machine", "config", "method", "workers", "exactness", "timings", "ratios", "memory",
            "targets", "errors", "elapsed_s", "phases_s"} <= results.keys()
    assert {"date", "cpu", "cores", "python", "numpy", "ndgrad", "torch"} <= results["machine"].keys()
    assert results["errors"] == []
    names = [c.name for c in run.bc.CASES] + ["chain_100k"]
    assert list(results["timings"]) == names
    for name in names:
        timing = results["timings"][name]
        for lib in run.bc.case_by_name(name).libs:
            assert {"median_s", "per_op_s", "samples_s", "steps_per_block"} <= timing[lib].keys()
        assert "ndgrad_over_torch" in results["ratios"][name]
    targets = {(t["case"], t["metric"]) for t in results["targets"]}
    assert ("mlp_sgd_b32", "ndgrad_over_numpy") in targets and ("chain_100k", "chain_scaling") in targets
    assert all(t["value"] is not None for t in results["targets"])


@pytest.mark.parametrize("case", [c.name for c in run.bc.CASES] + ["chain_100k"])
def test_losses_match_torch(results, case):
    verdicts = results["exactness"][case]
    assert verdicts["reference"] == "torch"
    for lib in ("ndgrad", "numpy"):
        if lib in run.bc.case_by_name(case).libs:
            assert verdicts[lib]["pass"], (lib, verdicts[lib])


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

"""The suite's report: machine description, the targets, and the printed tables."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from dataclasses import dataclass

import bench_cases as bc
import numpy as np

HELD_LIMIT = 4096  # bytes: what "nothing held after the step" tolerates (interpreter noise)


@dataclass(frozen=True)
class Target:
    """A goal for ``metric`` of ``case``: a ratio met when ``value <= limit`` (``value >= limit``
    when ``at_least``), or a check (``limit`` None) met when its value is True.

    Metrics (see ``metric``): ``ndgrad_over_numpy`` / ``ndgrad_over_torch`` / ``mygrad_over_ndgrad``
    (ratios of the median times: the last is how many times faster ndgrad is than MyGrad),
    ``chain_scaling`` (ndgrad's time per op on the 100k chain over the 1k chain's), ``memory``
    (ndgrad's working peak over NumPy's), ``nothing_held`` (``memory_ok`` of ndgrad's step),
    ``epoch_over_torch`` (the MNIST epoch's time ratio), ``epoch_accuracy_gap`` (|ndgrad's test
    accuracy - torch's| in percentage points) and ``exact`` (every library's exactness verdict
    on the case passes).
    """

    case: str
    metric: str
    limit: float | None = None
    at_least: bool = False

    def met(self, value: float | bool | None) -> bool | None:
        if value is None:
            return None
        if self.limit is None:
            return bool(value)
        return bool(value >= self.limit if self.at_least else value <= self.limit)

    @property
    def goal(self) -> str:
        if self.limit is None:
            return "pass"
        return f"{'>=' if self.at_least else '<='}{self.limit:.2f}"


MLP_CASES = [f"mlp_{o}_b{b}" for o in ("sgd", "adam") for b in (32, 128, 1024)]
ALL_CASES = [c.name for c in bc.CASES] + [bc.LONG_CHAIN_CASE.name]
MYGRAD_CASES = [c.name for c in [*bc.CASES, bc.LONG_CHAIN_CASE] if "mygrad" in c.libs]
EPOCH = "mnist_epoch"
ACCURACY_GAP = 0.1  # percentage points (10 of the 10,000 test images): "the same accuracy"

TARGETS = (
    [Target(case, "ndgrad_over_torch", 1.0) for case in [*MLP_CASES, "spiral"]]
    + [Target(case, "ndgrad_over_numpy", 1.05 if case.endswith("b1024") else 1.15) for case in MLP_CASES]
    + [Target("spiral", "ndgrad_over_numpy", 1.2),
       Target("chain_1k", "ndgrad_over_torch", 1.0), Target("chain_100k", "chain_scaling", 1.2),
       Target(EPOCH, "epoch_over_torch", 0.8), Target(EPOCH, "epoch_accuracy_gap", ACCURACY_GAP),
       Target("lenet", "ndgrad_over_torch", 2.0), Target("lstm", "ndgrad_over_torch", 2.0)]
    + [Target(case, kind, limit) for case in [c.name for c in bc.MEMORY_CASES]
       for kind, limit in (("memory", 1.1), ("nothing_held", None))]
    + [Target(case, "mygrad_over_ndgrad", 1.3, at_least=True) for case in MYGRAD_CASES]
    + [Target(case, "exact") for case in ALL_CASES]
)
TARGET_BY_KEY = {(t.case, t.metric): t for t in TARGETS}


# ---- machine ----------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10,
                             cwd=os.path.dirname(os.path.abspath(__file__)))
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _blas_build() -> str | None:
    try:  # numpy >= 1.26 keeps its build configuration here (what np.show_config prints)
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except (AttributeError, KeyError, TypeError):
        return None


def machine_info() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "cpu": _cpu_model(), "cores": os.cpu_count(), "usable_cores": usable,
            "load_average_start": load_average(), "platform": platform.platform(),
            "python": platform.python_version(), "numpy": np.__version__, "blas_build": _blas_build(),
            "git_commit": _git("describe", "--always", "--dirty", "--abbrev=12")}


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def finish_machine_info(machine: dict, workers: dict) -> None:
    """Add what the workers reported: library versions, BLAS and thread pools."""
    for lib, info in workers.items():
        if lib != "numpy":
            machine[lib] = info.get("version")
        if lib == "torch":
            machine["torch_threads"] = info.get("threads")
        pools = info.get("threadpools")
        if pools:
            machine[f"{lib}_threadpools"] = ", ".join(
                f"{p['internal_api']} {p['version'] or ''} {p['num_threads']} threads"
                + (f" ({p['architecture']})" if p.get("architecture") else "") for p in pools)


def print_machine(machine: dict, header: str) -> None:
    print(header)
    for key, value in machine.items():
        print(f"  {key:>20}: {value}")
    warn_if_loaded(machine, machine.get("load_average_start"))


def warn_if_loaded(machine: dict, load: float | None) -> None:
    cores = machine.get("usable_cores") or 1
    if load is not None and load > 0.5 * cores:
        print(f"  WARNING: load average {load} on {cores} cores: other work is running, so the "
              "timings are noisy (multi-threaded PyTorch suffers most)")


# ---- targets ----------------------------------------------------------------------------
def metric(results: dict, case: str, name: str) -> float | bool | None:
    """The value of ``name`` for ``case`` in ``results`` (see ``Target``), None if not measured."""
    if name == "memory":
        mem = results["memory"].get(case, {})
        nd, np_ = (mem.get(lib, {}).get("working_peak") for lib in ("ndgrad", "numpy"))
        return nd / np_ if nd and np_ else None
    if name == "nothing_held":
        return results["memory"].get(case, {}).get("ndgrad", {}).get("nothing_held")
    if name == "chain_scaling":
        per_op = [results["timings"].get(c, {}).get("ndgrad", {}).get("per_op_s")
                  for c in ("chain_100k", "chain_1k")]
        return per_op[0] / per_op[1] if all(per_op) else None
    if name.startswith("epoch_"):
        epoch = results.get("epoch") or {}
        if name == "epoch_over_torch":
            return epoch.get("ndgrad_over_torch")
        accuracy = [epoch.get(lib, {}).get("accuracy") for lib in ("ndgrad", "torch")]
        return None if None in accuracy else 100 * abs(accuracy[0] - accuracy[1])
    if name == "exact":
        verdicts = [v for lib, v in results["exactness"].get(case, {}).items() if lib != "reference"]
        return all(v["pass"] for v in verdicts) if verdicts else None
    return results["ratios"].get(case, {}).get(name)


def format_value(name: str, value: float | bool | None) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, bool):
        return "pass" if value else "FAIL"
    return f"{value:.2f} pp" if name == "epoch_accuracy_gap" else f"{value:.2f}x"


def evaluate_targets(results: dict) -> list[dict]:
    out = []
    for target in TARGETS:
        value = metric(results, target.case, target.metric)
        out.append({"case": target.case, "metric": target.metric, "limit": target.limit,
                    "at_least": target.at_least, "goal": target.goal, "value": value,
                    "met": target.met(value)})
    return out


def memory_ok(m: dict) -> bool | None:
    """Nothing held after a step: traced memory back to where it was (within HELD_LIMIT: a
    surviving graph, even with its arrays freed, holds tens of KiB of nodes), and no hidden
    activation left alive. ``leak_per_step`` is informative only: Python's free lists (tuples,
    floats) keep filling for hundreds of steps and show there as a few hundred bytes a step."""
    if m.get("hidden_alive_after"):
        return False
    if m.get("held_after_step") is None:
        return None if m.get("hidden_alive_after") is None else True
    return m["held_after_step"] < HELD_LIMIT


# ---- tables -----------------------------------------------------------------------------
def _num(value, fmt: str = "8.3f", width: int = 8) -> str:
    return f"{value:{fmt}}" if value is not None else f"{'-':>{width}}"


RATIO_COLUMNS = ("ndgrad_over_numpy", "ndgrad_over_torch", "mygrad_over_ndgrad")
RATIO_HEADER = "  ".join(f"{name.replace('_over_', '/'):<18}" for name in RATIO_COLUMNS)
EXACT_LIBS = ("ndgrad", "numpy", "mygrad")


def _target_cell(results: dict, case: str, name: str) -> str:
    """``1.23x <=1.15 MISS``, or just the ratio when this pair has no target."""
    value = metric(results, case, name)
    if value is None:
        return f"{'-':>18}"
    target = TARGET_BY_KEY.get((case, name))
    if target is None:
        return f"{value:5.2f}x {'':>11}"
    return f"{value:5.2f}x {target.goal:<6} {'met ' if target.met(value) else 'MISS'}"


def _exact_cell(results: dict, case: str) -> str:
    ex = results["exactness"].get(case)
    if not ex:
        return "-"
    cells = []
    for lib in EXACT_LIBS:
        verdict = ex.get(lib)
        cells.append("-" if verdict is None else "pass" if verdict.get("pass") else "FAIL")
    return " ".join(f"{c:<6}" for c in cells) + f" (vs {ex['reference']})"


def _row(results: dict, case: str, columns: list[str]) -> str:
    """The columns, then the three ratio cells and the exactness verdicts of ``case``."""
    ratios = "  ".join(_target_cell(results, case, name) for name in RATIO_COLUMNS)
    return f"{' '.join(columns)}  {ratios}  {_exact_cell(results, case)}"


def _times(t: dict, key: str, scale: float, fmt: str, libs: tuple[str, ...]) -> list[str]:
    width = int(fmt.split(".")[0])
    return [_num(t.get(lib, {}).get(key) and t[lib][key] * scale, fmt, width) for lib in libs]


def print_tables(results: dict) -> None:
    timings = results["timings"]
    exact_header = "exact: " + " ".join(f"{lib:<6}" for lib in EXACT_LIBS)
    print("\nTraining steps (median ms per step: zero_grad, forward, loss, backward, optimizer step)")
    print(f"{'case':<24} {' '.join(f'{lib:>8}' for lib in bc.ALL_LIBS)}  {RATIO_HEADER}  {exact_header}")
    for case, t in timings.items():
        if t["kind"] != "chain":
            times = _times(t, "median_s", 1e3, "8.3f", bc.ALL_LIBS)
            print(_row(results, case, [f"{t['label']:<24}", *times]))

    print("\nPer-op overhead (median total ms per forward+backward, and us per op)")
    print(f"{'case':<26} {'numpy':>9} {'ndgrad':>9} {'torch':>9} {'mygrad':>9} {'nd us/op':>9} "
          f"{'pt us/op':>9} {'mg us/op':>9}  {RATIO_HEADER}  {exact_header}")
    for case, t in timings.items():
        if t["kind"] == "chain":
            print(_row(results, case, [f"{t['label']:<26}", *_times(t, "median_s", 1e3, "9.3f", bc.ALL_LIBS),
                                       *_times(t, "per_op_s", 1e6, "9.2f", bc.ALL_LIBS[1:])]))
    if "chain_100k" in timings:
        scaling = _target_cell(results, "chain_100k", "chain_scaling")
        print(f"  ndgrad time per op, 100k chain / 1k chain: {scaling}")

    _print_memory(results)
    _print_epoch(results)
    machine = results["machine"]
    print(f"\nLoad average: {machine.get('load_average_start')} at the start, "
          f"{machine.get('load_average_end')} at the end")
    warn_if_loaded(machine, machine.get("load_average_end"))
    targets = results["targets"]
    met = sum(t["met"] is True for t in targets)
    unknown = sum(t["met"] is None for t in targets)
    print(f"\nTargets met: {met} of {len(targets)}" + (f" ({unknown} not measured)" if unknown else ""))
    for t in targets:
        if t["met"] is not True:
            print(f"  {'MISS' if t['met'] is False else '    '} {t['case']:<15} {t['metric']:<18} "
                  f"{format_value(t['metric'], t['value']):>12} (goal {t['goal']})")


def _print_memory(results: dict) -> None:
    if not results["memory"]:
        return
    kb = 1 / 1024
    print("\nMemory of one batch-1024 step after warm-up (KiB; tracemalloc, so torch only RSS)")
    print(f"{'case':<16} {'lib':<7} {'state':>7} {'working':>8} {'step alloc':>10} {'held':>6} "
          f"{'leak/step':>9} {'hidden alive':>14} {'RSS peak+':>9} {'RSS drift':>9}  nothing held")
    for case, libs in results["memory"].items():
        for lib, m in libs.items():
            if "error" in m:
                print(f"{case:<16} {lib:<7} error: {m['error']}")
                continue
            alive = "-" if m["hidden_alive_with_loss"] is None else "/".join(
                "yes" if m[k] else "no" for k in ("hidden_alive_with_loss", "hidden_alive_after"))
            values = [_num(m[k] and m[k] * kb, "7.0f", 7) for k in ("state_bytes", "working_peak")]
            values.append(_num(m["step_alloc_peak"] and m["step_alloc_peak"] * kb, "10.0f", 10))
            values.append(_num(m["held_after_step"] and m["held_after_step"] * kb, "6.1f", 6))
            values.append(_num(m["leak_per_step"], "9.0f", 9))
            ok = memory_ok(m)
            print(f"{case:<16} {lib:<7} {values[0]} {values[1]:>8} {values[2]} {values[3]} {values[4]} "
                  f"{alive:>14} {_num(m['rss_peak_growth'] and m['rss_peak_growth'] * kb, '9.0f', 9)} "
                  f"{_num(m['rss_drift'] and m['rss_drift'] * kb, '9.0f', 9)}  "
                  f"{'-' if ok is None else 'pass' if ok else 'FAIL'}")
        print(f"{'':<16} ndgrad/numpy working peak: {_target_cell(results, case, 'memory')}")
    print("  state = data + parameters + optimizer state; working = traced peak minus state "
          "(NumPy's includes its preallocated buffers);\n  hidden alive = a hidden activation "
          "alive while the loss is kept / after it is dropped (no gc)")


def _print_epoch(results: dict) -> None:
    epoch = results.get("epoch")
    if not epoch:
        return
    print("\nOne MNIST epoch, batch 32, Adam (benchmarks/mnist_epoch.py's model and loop)")
    if "skipped" in epoch:
        print(f"  skipped: {epoch['skipped']}")
        return
    for lib in ("ndgrad", "torch"):
        r = epoch.get(lib)
        if r and "error" not in r:
            print(f"  {lib:<7} {r['seconds']:7.2f} s   test accuracy {r['accuracy']:.2%}")
        elif r:
            print(f"  {lib:<7} error: {r['error']}")
    gap = metric(results, EPOCH, "epoch_accuracy_gap")
    if epoch.get("ndgrad_over_torch"):
        print(f"  ndgrad / torch time: {_target_cell(results, EPOCH, 'epoch_over_torch')}")
    if gap is not None:
        target = TARGET_BY_KEY[EPOCH, "epoch_accuracy_gap"]
        print(f"  |accuracy gap|: {gap:5.2f} pp {target.goal:<6} {'met ' if target.met(gap) else 'MISS'}")

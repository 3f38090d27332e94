"""The suite's report: machine description, the targets, and the printed tables."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess

import numpy as np

HELD_LIMIT = 4096  # bytes: what "nothing held after the step" tolerates (interpreter noise)

# (case, metric, limit). Metrics: ndgrad_over_numpy / ndgrad_over_torch (ratios of the median
# times), chain_scaling (ndgrad's time per op on the long chain over the 1,000-add chain's),
# memory (ndgrad's working peak over NumPy's).
TARGETS = (
    [(f"mlp_{o}_b{b}", "ndgrad_over_numpy", 1.15 if b < 1024 else 1.05)
     for o in ("sgd", "adam") for b in (32, 128, 1024)]
    + [(f"mlp_{o}_b{b}", "ndgrad_over_torch", 1.0 if b < 1024 else 1.2)
       for o in ("sgd", "adam") for b in (32, 128, 1024)]
    + [("spiral", "ndgrad_over_numpy", 1.2), ("chain_1k", "ndgrad_over_torch", 1.0),
       ("chain_100k", "chain_scaling", 1.5), ("lenet", "ndgrad_over_torch", 2.0),
       ("lstm", "ndgrad_over_torch", 2.0),
       ("mlp_sgd_b1024", "memory", 2.0), ("mlp_adam_b1024", "memory", 2.0)]
)


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
def metric(results: dict, case: str, name: str) -> float | None:
    if name == "memory":
        mem = results["memory"].get(case, {})
        nd, np_ = (mem.get(lib, {}).get("working_peak") for lib in ("ndgrad", "numpy"))
        return nd / np_ if nd and np_ else None
    if name == "chain_scaling":
        per_op = [results["timings"].get(c, {}).get("ndgrad", {}).get("per_op_s")
                  for c in ("chain_100k", "chain_1k")]
        return per_op[0] / per_op[1] if all(per_op) else None
    return results["ratios"].get(case, {}).get(name)


def evaluate_targets(results: dict) -> list[dict]:
    out = []
    for case, name, limit in TARGETS:
        value = metric(results, case, name)
        out.append({"case": case, "metric": name, "limit": limit, "value": value,
                    "met": None if value is None else bool(value <= limit)})
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


def _target_cell(results: dict, case: str, name: str) -> str:
    """``1.23x <=1.15 MISS``, or just the ratio when this pair has no target."""
    value = metric(results, case, name)
    if value is None:
        return f"{'-':>18}"
    for t_case, t_name, limit in TARGETS:
        if (t_case, t_name) == (case, name):
            return f"{value:5.2f}x <={limit:<4.2f} {'met ' if value <= limit else 'MISS'}"
    return f"{value:5.2f}x {'':>11}"


def _exact_cell(results: dict, case: str) -> str:
    ex = results["exactness"].get(case)
    if not ex:
        return "-"
    cells = []
    for lib in ("ndgrad", "numpy"):
        verdict = ex.get(lib)
        cells.append("-" if verdict is None else "pass" if verdict.get("pass") else "FAIL")
    return " ".join(f"{c:<5}" for c in cells) + f" (vs {ex['reference']})"


def print_tables(results: dict) -> None:
    timings = results["timings"]
    unit = {"ms": 1e3, "us": 1e6}
    print("\nTraining steps (median ms per step: zero_grad, forward, loss, backward, optimizer step)")
    print(f"{'case':<24} {'numpy':>8} {'ndgrad':>8} {'torch':>8}  {'ndgrad/numpy':<18}  "
          f"{'ndgrad/torch':<18}  exact: ndgrad numpy")
    for case, t in timings.items():
        if t["kind"] == "chain":
            continue
        cells = [_num(t.get(lib, {}).get("median_s") and t[lib]["median_s"] * unit["ms"])
                 for lib in ("numpy", "ndgrad", "torch")]
        print(f"{t['label']:<24} {' '.join(cells)}  {_target_cell(results, case, 'ndgrad_over_numpy')}  "
              f"{_target_cell(results, case, 'ndgrad_over_torch')}  {_exact_cell(results, case)}")

    print("\nPer-op overhead (median total ms per forward+backward, and us per op)")
    print(f"{'case':<26} {'numpy':>9} {'ndgrad':>9} {'torch':>9} {'nd us/op':>9} {'pt us/op':>9}  "
          f"{'ndgrad/numpy':<18}  {'ndgrad/torch':<18}  exact: ndgrad numpy")
    for case, t in timings.items():
        if t["kind"] != "chain":
            continue
        cells = [_num(t.get(lib, {}).get("median_s") and t[lib]["median_s"] * unit["ms"], "9.3f", 9)
                 for lib in ("numpy", "ndgrad", "torch")]
        per_op = [_num(t.get(lib, {}).get("per_op_s") and t[lib]["per_op_s"] * unit["us"], "9.2f", 9)
                  for lib in ("ndgrad", "torch")]
        print(f"{t['label']:<26} {' '.join(cells)} {' '.join(per_op)}  "
              f"{_target_cell(results, case, 'ndgrad_over_numpy')}  "
              f"{_target_cell(results, case, 'ndgrad_over_torch')}  {_exact_cell(results, case)}")
    if "chain_100k" in timings:
        scaling = _target_cell(results, "chain_100k", "chain_scaling")
        print(f"  ndgrad time per op, 100k chain / 1k chain: {scaling}")

    _print_memory(results)
    _print_epoch(results.get("epoch"))
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
            value = "not measured" if t["value"] is None else f"{t['value']:.2f}x"
            print(f"  {'MISS' if t['met'] is False else '    '} {t['case']:<15} {t['metric']:<18} "
                  f"{value:>12} (goal <= {t['limit']})")


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


def _print_epoch(epoch: dict | None) -> None:
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
    if epoch.get("ndgrad_over_torch"):
        print(f"  ndgrad / torch time: {epoch['ndgrad_over_torch']:.2f}x")

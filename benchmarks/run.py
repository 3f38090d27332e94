"""ndgrad's benchmark suite: training steps, per-op overhead, an MNIST epoch and memory, each
beside hand-written NumPy, PyTorch and MyGrad (each when it can be imported).

    python benchmarks/run.py [--quick] [--json PATH] [--in-process] [--cases NAME,...]

Prints the machine, then tables of median times, the ratios ndgrad / NumPy, ndgrad / PyTorch
and MyGrad / ndgrad with the performance targets beside them (met / MISS), the exactness checks
(pass / FAIL) and the memory checks, and writes everything, with every timing sample, to a JSON
file (default ``benchmarks/results/latest.json``, git-ignored). ``--quick`` is a smoke run (under
~60 s on a 2-core machine, the full run under ~4 min). See benchmarks/README.md for the cases
and the method; in short:

1. One worker process per library (``bench_worker.py``): NumPy, ndgrad, PyTorch and MyGrad never
   share a process, so each runs with its own allocator state and thread pools, as in real use.
   PyTorch and MyGrad are optional: a library that can't be imported is skipped (its column
   shows "-").
2. Exactness before timing: every case's first 20 losses from the same seeded weights and data
   (for the add chains: the output and the input's gradient) must match PyTorch's within
   1e-5 * (1 + |value|), for ndgrad, the NumPy baseline and MyGrad.
3. Timing in alternating rounds: each round visits every library (order rotated each round),
   and each visit times a block of steps of every case (case order rotated too). Before each
   visit the parent sleeps ``--settle`` seconds with all workers idle, so the previous library's
   spinning BLAS/OpenMP threads park before the next one starts. Blocks are sized to about
   ``block`` seconds from a warm-up, and start with a few untimed steps. Reported: the median over
   rounds of each block's mean time per step.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
for path in (HERE, REPO):
    if path not in sys.path:
        sys.path.insert(0, path)

import bench_cases as bc  # noqa: E402
import bench_report as report  # noqa: E402
import bench_worker  # noqa: E402
import numpy as np  # noqa: E402

DEFAULT_JSON = os.path.join(HERE, "results", "latest.json")
LIBS = bc.ALL_LIBS
OPTIONAL_LIBS = ("torch", "mygrad")  # skipped, not an error, when their worker can't import them
CHECKED_LIBS = ("ndgrad", "numpy", "mygrad")  # compared with the reference (torch, else numpy)


@dataclass
class Config:
    rounds: int = 20
    block_seconds: float = 0.05
    warmup_seconds: float = 0.3
    settle_seconds: float = 0.2
    long_chain: int = bc.LONG_CHAIN
    long_chain_reps: int = 3
    drift_steps: int = 50
    memory_warmup_steps: int = bench_worker.MEMORY_WARMUP_STEPS
    leak_steps: int = bench_worker.LEAK_STEPS
    epoch: bool = True
    in_process: bool = False
    cases: tuple[str, ...] | None = None  # None: all
    libs: tuple[str, ...] = LIBS


QUICK = {"rounds": 4, "block_seconds": 0.015, "warmup_seconds": 0.05, "long_chain_reps": 1,
         "drift_steps": 10}


class WorkerError(RuntimeError):
    pass


class ProcessWorker:
    """A worker process spoken to by JSON lines; ``send`` then ``receive`` (or ``call``)."""

    def __init__(self, lib: str, data_path: str, long_chain: int) -> None:
        self.lib = lib
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (REPO, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "bench_worker.py"), lib, data_path, str(long_chain)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)

    def send(self, method: str, **kwargs) -> None:
        try:
            self.proc.stdin.write(json.dumps({"method": method, **kwargs}) + "\n")
            self.proc.stdin.flush()
        except OSError as error:  # the worker died
            raise WorkerError(f"the {self.lib} worker is gone ({error})") from error

    def receive(self):
        line = self.proc.stdout.readline()
        if not line:
            raise WorkerError(f"the {self.lib} worker exited (code {self.proc.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise WorkerError(answer["error"])
        return answer["result"]

    def call(self, method: str, **kwargs):
        self.send(method, **kwargs)
        return self.receive()

    def close(self) -> None:
        try:
            self.send("quit")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


class LocalWorker:
    """The same interface, calling a ``bench_worker.Worker`` in this process."""

    def __init__(self, lib: str, data_path: str, long_chain: int) -> None:
        self.lib, self.worker, self.pending = lib, bench_worker.Worker(lib, data_path, long_chain), None

    def send(self, method: str, **kwargs) -> None:
        self.pending = (method, kwargs)

    def receive(self):
        method, kwargs = self.pending
        try:
            return getattr(self.worker, method)(**kwargs)
        except Exception as error:
            raise WorkerError(f"{type(error).__name__}: {error}") from error

    def call(self, method: str, **kwargs):
        self.send(method, **kwargs)
        return self.receive()

    def close(self) -> None:
        pass


def _rotate(items: list, r: int) -> list:
    r %= max(len(items), 1)
    return items[r:] + items[:r]


class Suite:
    def __init__(self, config: Config) -> None:
        self.config = config
        cases = [*bc.CASES, bc.case_by_name(bc.LONG_CHAIN_CASE.name, config.long_chain)]
        if config.cases is not None:
            cases = [c for c in cases if c.name in config.cases]
        self.cases = cases
        self.errors: list[str] = []
        self.skipped: dict[str, str] = {}  # optional library -> why it is not measured
        self.failed: dict[tuple[str, str], str] = {}  # (case, lib) pairs that raised -> the error
        self.results: dict = {"timings": {}, "ratios": {}, "exactness": {}, "check_s": {}, "memory": {},
                              "epoch": None}

    # ---- phases ------------------------------------------------------------------------
    def run(self) -> dict:
        start = time.perf_counter()
        machine = report.machine_info()
        with tempfile.TemporaryDirectory() as tmp:
            data_path = os.path.join(tmp, "data.npz")
            np.savez(data_path, **{f"{c.name}/{k}": v for c in self.cases
                                   for k, v in bc.make_data(c).items()})
            kind = LocalWorker if self.config.in_process else ProcessWorker
            self.workers = {lib: kind(lib, data_path, self.config.long_chain) for lib in self.config.libs}
            try:
                infos = self._phase("start", self._hello)
                report.finish_machine_info(machine, infos)
                report.print_machine(machine, "Machine")
                for name in ("check", "time", "long_chain", "memory", "epoch"):
                    self._phase(name, getattr(self, f"_{name}"))
            finally:
                for worker in self.workers.values():
                    worker.close()
        machine["load_average_end"] = report.load_average()
        self.results.update(machine=machine, workers=infos, config=asdict(self.config),
                            method="in-process" if self.config.in_process else "one process per library",
                            errors=self.errors, skipped=self.skipped)
        self.results["targets"] = report.evaluate_targets(self.results)
        self.results["elapsed_s"] = round(time.perf_counter() - start, 1)
        return self.results

    def _phase(self, name: str, run):
        """Run one phase, noting its wall time (printed on stderr, kept in the JSON)."""
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
        self.results.setdefault("phases_s", {})[name] = round(seconds, 2)
        print(f"  [{name}: {seconds:.1f} s]", file=sys.stderr, flush=True)
        return result

    def _hello(self) -> dict:
        for worker in self.workers.values():  # imports run in parallel in process mode
            worker.send("hello")
        infos = {}
        for lib, worker in list(self.workers.items()):
            try:
                infos[lib] = worker.receive()
            except WorkerError as error:
                if lib not in OPTIONAL_LIBS:
                    raise
                self.skipped[lib] = str(error)
                worker.close()
                del self.workers[lib]
        return infos

    def _libs(self, case: bc.Case) -> list[str]:
        return [lib for lib in case.libs if lib in self.workers and (case.name, lib) not in self.failed]

    def _guarded(self, name: str, lib: str, method: str, **kwargs):
        """``method`` of ``lib``'s worker for case ``name``; on an error, note it and mark the
        pair failed (it is left out from then on) instead of stopping the suite."""
        try:
            return self.workers[lib].call(method, **kwargs)
        except WorkerError as error:
            self.errors.append(f"{name} {lib} {method}: {error}")
            self.failed[name, lib] = str(error)
            print(f"  ERROR {name} {lib} {method}: {error}", file=sys.stderr)
            return None

    def _check(self) -> None:
        for case in self.cases:
            answers = {lib: self._guarded(case.name, lib, "check", case=case.name)
                       for lib in self._libs(case)}
            answers = {lib: v for lib, v in answers.items() if v is not None}
            self.results["check_s"][case.name] = {lib: round(v["seconds"], 3) for lib, v in answers.items()}
            values = {lib: v["values"] for lib, v in answers.items()}
            reference = next((lib for lib in ("torch", "numpy") if lib in values), None)
            verdicts = {"reference": reference}
            for lib in CHECKED_LIBS:
                if lib not in case.libs or lib not in self.workers or lib == reference:
                    continue
                if lib not in values:
                    verdicts[lib] = {"pass": False, "why": "error"}
                elif reference is not None:
                    verdicts[lib] = bc.compare(values[lib], values[reference])
            self.results["exactness"][case.name] = verdicts

    def _time(self) -> None:
        cfg = self.config
        cases = [c for c in self.cases if c.name != bc.LONG_CHAIN_CASE.name]
        steps = {}
        for case in cases:
            for lib in self._libs(case):
                per_step = self._guarded(case.name, lib, "prepare", case=case.name,
                                         warmup_seconds=cfg.warmup_seconds)
                if per_step is not None:
                    steps[case.name, lib] = max(1, round(cfg.block_seconds / max(per_step, 1e-9)))
        samples = {key: [] for key in steps}
        libs = [lib for lib in LIBS if lib in self.workers]
        for r in range(cfg.rounds):
            for lib in _rotate(libs, r):
                blocks = [[c.name, steps[c.name, lib], max(1, steps[c.name, lib] // 10)]
                          for c in _rotate(cases, r) if (c.name, lib) in steps]
                if not blocks:
                    continue
                time.sleep(cfg.settle_seconds)
                try:
                    seconds = self.workers[lib].call("time", blocks=blocks)
                except WorkerError as error:
                    self.errors.append(f"timing {lib}: {error}")
                    for name, *_ in blocks:
                        steps.pop((name, lib), None)
                    continue
                for (name, *_), s in zip(blocks, seconds):
                    samples[name, lib].append(s)
        for case in cases:
            self._record(case, {lib: samples[case.name, lib] for lib in LIBS
                                if samples.get((case.name, lib))},
                         {lib: steps[case.name, lib] for lib in LIBS if (case.name, lib) in steps})

    def _long_chain(self) -> None:
        case = next((c for c in self.cases if c.name == bc.LONG_CHAIN_CASE.name), None)
        if case is None:
            return
        samples = {lib: [] for lib in self._libs(case)}
        for r in range(self.config.long_chain_reps):
            for lib in _rotate(list(samples), r):
                time.sleep(self.config.settle_seconds)
                result = self._guarded(case.name, lib, "time", blocks=[[case.name, 1, 0]])
                if result is not None:
                    samples[lib].append(result[0])
        self._record(case, {lib: s for lib, s in samples.items() if s}, dict.fromkeys(samples, 1))

    def _record(self, case: bc.Case, samples: dict, steps: dict) -> None:
        entry = {"label": case.label, "kind": case.kind, "ops": case.ops}
        for lib, s in samples.items():
            median = statistics.median(s)
            entry[lib] = {"median_s": median, "per_op_s": median / case.ops, "steps_per_block": steps[lib],
                          "samples_s": s, "spread": (max(s) - min(s)) / median if median else None}
        self.results["timings"][case.name] = entry
        ratios = {}
        for other in ("numpy", "torch"):
            if "ndgrad" in entry and other in entry:
                ratios[f"ndgrad_over_{other}"] = entry["ndgrad"]["median_s"] / entry[other]["median_s"]
        if "ndgrad" in entry and "mygrad" in entry:  # how many times faster ndgrad is
            ratios["mygrad_over_ndgrad"] = entry["mygrad"]["median_s"] / entry["ndgrad"]["median_s"]
        self.results["ratios"][case.name] = ratios

    def _memory(self) -> None:
        for case in bc.MEMORY_CASES:
            if case not in self.cases:
                continue
            per_lib = {}
            for lib in self._libs(case):
                time.sleep(self.config.settle_seconds)
                m = self._guarded(case.name, lib, "memory", case=case.name,
                                  drift_steps=self.config.drift_steps,
                                  warmup_steps=self.config.memory_warmup_steps,
                                  leak_steps=self.config.leak_steps)
                per_lib[lib] = {"error": self.failed[case.name, lib]} if m is None else {
                    **m, "nothing_held": report.memory_ok(m)}
            self.results["memory"][case.name] = per_lib

    def _epoch(self) -> None:
        if not self.config.epoch:
            return
        from autograd.data import default_mnist_path

        path = default_mnist_path()
        if path is None or not os.path.exists(path):
            self.results["epoch"] = {"skipped": "MNIST not found (autograd.data.default_mnist_path())"}
            return
        epoch = {"path": str(path)}
        for lib in ("ndgrad", "torch"):
            if lib in self.workers:
                time.sleep(self.config.settle_seconds)
                result = self._guarded("mnist_epoch", lib, "epoch", mnist_path=str(path))
                epoch[lib] = result if result is not None else {"error": self.failed["mnist_epoch", lib]}
        if all("seconds" in epoch.get(lib, {}) for lib in ("ndgrad", "torch")):
            epoch["ndgrad_over_torch"] = epoch["ndgrad"]["seconds"] / epoch["torch"]["seconds"]
        self.results["epoch"] = epoch


def parse_args(argv=None) -> tuple[Config, str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few rounds, short blocks: a smoke run")
    parser.add_argument("--json", metavar="PATH", default=DEFAULT_JSON,
                        help=f"where to write the results (default {os.path.relpath(DEFAULT_JSON)})")
    parser.add_argument("--in-process", action="store_true",
                        help="run all libraries in this process (for tests; less isolated)")
    parser.add_argument("--rounds", type=int, help="timing rounds (default 20, quick 4)")
    parser.add_argument("--cases", help="comma-separated case names to run (default: all)")
    parser.add_argument("--libs", help=f"comma-separated libraries (default {','.join(LIBS)})")
    parser.add_argument("--no-epoch", action="store_true", help="skip the MNIST epoch")
    parser.add_argument("--settle", type=float, metavar="SECONDS",
                        help="idle pause before each library's turn (default 0.2)")
    parser.add_argument("--long-chain", type=int, default=bc.LONG_CHAIN, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    config = Config(**(QUICK if args.quick else {}))
    config.in_process, config.epoch, config.long_chain = args.in_process, not args.no_epoch, args.long_chain
    if args.rounds is not None:
        config.rounds = args.rounds
    if args.settle is not None:
        config.settle_seconds = args.settle
    if args.cases:
        config.cases = tuple(args.cases.split(","))
    if args.libs:
        config.libs = tuple(lib for lib in LIBS if lib in args.libs.split(","))
    return config, args.json


def write_results(results: dict, path: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(results, f, indent=1)


def main(argv=None) -> int:
    config, json_path = parse_args(argv)
    results = Suite(config).run()
    report.print_tables(results)
    for lib, why in results["skipped"].items():
        print(f"\n{lib} skipped (its column shows '-'): {why}")
    if results["errors"]:
        print("\nErrors:\n  " + "\n  ".join(results["errors"]))
    write_results(results, json_path)
    print(f"\nwrote {json_path} ({results['elapsed_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

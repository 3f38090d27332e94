"""The per-library side of the suite: a ``Worker`` runs one library's cases when asked.

``run.py`` starts one worker process per library (``python bench_worker.py LIB DATA.npz LONG_CHAIN``) and
drives them in turn with one JSON request per line on stdin, one JSON answer per line on the
process's original stdout (anything the libraries print goes to stderr). With ``--in-process``
(and in the smoke test) the same ``Worker`` objects are called directly instead.

Requests are ``{"method": name, ...arguments}``; the methods are ``Worker``'s public ones.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
import traceback
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # bench_cases, mnist_epoch, mygrad_cases

import bench_cases as bc  # noqa: E402

WARMUP_MIN_STEPS = 3
LEAK_STEPS = 40
MEMORY_WARMUP_STEPS = 60


class Worker:
    """One library's benches, built on first use from the shared data file."""

    def __init__(self, lib: str, data_path: str, long_chain: int = bc.LONG_CHAIN) -> None:
        self.lib, self.long_chain = lib, long_chain
        with np.load(data_path) as archive:
            self.data = {key: archive[key] for key in archive.files}
        self.benches: dict[str, bc.Bench] = {}

    def _case(self, name: str) -> bc.Case:
        return bc.case_by_name(name, self.long_chain)

    def _data(self, name: str) -> dict[str, np.ndarray]:
        prefix = f"{name}/"
        return {k[len(prefix):]: v for k, v in self.data.items() if k.startswith(prefix)}

    def _bench(self, name: str) -> bc.Bench:
        if name not in self.benches:
            self.benches[name] = bc.build(self.lib, self._case(name), self._data(name))
        return self.benches[name]

    # ---- requests ------------------------------------------------------------------------
    def hello(self) -> dict:
        """Import the library; report its version and threads (MyGrad: its memory guarding, off)."""
        info: dict = {"lib": self.lib, "pid": os.getpid()}
        loaded_before = [m for m in ("autograd", "torch", "mygrad") if m in sys.modules]
        if self.lib == "mygrad":  # raises ImportError without mygrad: the suite then skips it
            import mygrad_cases

            info.update(mygrad_cases.setup())
        elif self.lib == "torch":
            import torch

            info.update(version=torch.__version__, threads=torch.get_num_threads(),
                        interop_threads=torch.get_num_interop_threads())
        elif self.lib == "ndgrad":
            import autograd

            info["version"] = autograd.__version__
        np.ones((64, 64), np.float32) @ np.ones((64, 64), np.float32)  # load BLAS for the report
        try:
            from threadpoolctl import threadpool_info

            info["threadpools"] = [{k: p.get(k) for k in ("internal_api", "version", "num_threads",
                                                         "architecture")} for p in threadpool_info()]
        except ImportError:
            info["threadpools"] = None
        info["preloaded_modules"] = loaded_before  # in its own process: [] (nothing but NumPy)
        return info

    def check(self, case: str) -> dict:
        """The exactness values of ``case`` from a fresh start (and how long that took)."""
        start = time.perf_counter()
        values = bc.build(self.lib, self._case(case), self._data(case)).values()
        return {"values": values, "seconds": time.perf_counter() - start}

    def prepare(self, case: str, warmup_seconds: float) -> float:
        """Build the timing bench, run it for ``warmup_seconds`` (and at least a few steps);
        return the seconds per step of the last warm-up steps, to size the timed blocks."""
        step = self._bench(case).step
        start = time.perf_counter()
        done = 0
        while done < WARMUP_MIN_STEPS or time.perf_counter() - start < warmup_seconds:
            last = time.perf_counter()
            step()
            done += 1
        return time.perf_counter() - last

    def time(self, blocks: list[list]) -> list[float]:
        """For each ``[case, steps, settle_steps]``: run ``settle_steps`` untimed steps (caches,
        branch predictors), then ``steps`` timed ones; return the mean seconds per step."""
        results = []
        for case, steps, settle_steps in blocks:
            step = self._bench(case).step
            for _ in range(settle_steps):
                step()
            start = time.perf_counter()
            for _ in range(steps):
                step()
            results.append((time.perf_counter() - start) / steps)
        return results

    def memory(self, case: str, drift_steps: int, warmup_steps: int = MEMORY_WARMUP_STEPS,
               leak_steps: int = LEAK_STEPS) -> dict:
        """Memory of one step of ``case``, measured on a fresh bench (see ``measure_memory``)."""
        return measure_memory(self.lib, lambda: bc.build(self.lib, self._case(case), self._data(case)),
                              drift_steps, warmup_steps, leak_steps)

    def epoch(self, mnist_path: str) -> dict:
        """One MNIST epoch at batch 32: benchmarks/mnist_epoch.py's data, model and loop (its
        module imports ndgrad for the MNIST reader; the torch worker uses only the reader)."""
        import mnist_epoch

        data = mnist_epoch.prepare(mnist_path)
        lib = mnist_epoch.library(self.lib)
        seconds, accuracy = mnist_epoch.train(lib, *data)
        return {"seconds": seconds, "accuracy": accuracy, "steps": -(-len(data[4]) // mnist_epoch.BATCH)}


# ---- memory -----------------------------------------------------------------------------
def _rss() -> int | None:
    """Resident set size now, in bytes (Linux), else None."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def _reset_peak_rss() -> bool:
    try:  # Linux >= 4.0: "5" resets the peak RSS (VmHWM) to the current RSS
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_rss() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def measure_memory(lib: str, make_bench, drift_steps: int, warmup_steps: int = MEMORY_WARMUP_STEPS,
                   leak_steps: int = LEAK_STEPS) -> dict:
    """Build a bench with tracemalloc on (so everything it allocates is traced), warm it up
    (``warmup_steps``: NumPy's own small caches take a few dozen steps to fill), then measure
    one step:

    - ``working_peak``: traced peak during the step minus ``state_bytes`` (data, parameters,
      optimizer state): everything else the step needs -- activations, gradients, the graph,
      temporaries and, for NumPy, its preallocated work buffers;
    - ``step_alloc_peak``: traced peak during the step minus traced memory just before it;
    - ``held_after_step``: traced memory after the step (its result dropped) minus before: 0
      when nothing outlives the step, give or take a few hundred bytes of interpreter noise;
    - ``leak_per_step``: the growth of traced memory over ``leak_steps`` more steps, per step;
    - ``hidden_alive_with_loss`` / ``hidden_alive_after``: whether a hidden activation is still
      alive while the loss is kept, and after the loss is dropped (gc disabled throughout, so
      only reference counting frees things);
    - ``rss_peak_growth``: peak RSS during the step minus RSS before it (Linux);
    - ``rss_drift``: RSS after ``drift_steps`` more steps minus before them (a leak shows here).

    tracemalloc does not see PyTorch's tensor memory, so for torch only the RSS figures and the
    weak-reference check are meaningful.
    """
    gc.collect()
    gc.disable()
    try:
        tracemalloc.start()
        bench = make_bench()
        for _ in range(warmup_steps):
            bench.step()
        state = bench.state_bytes()
        before = tracemalloc.get_traced_memory()[0]
        rss_before, peak_ok = _rss(), _reset_peak_rss()
        tracemalloc.reset_peak()
        result = bench.step()
        peak = tracemalloc.get_traced_memory()[1]
        rss_peak = _peak_rss() if peak_ok else None
        del result
        held = tracemalloc.get_traced_memory()[0] - before
        for _ in range(leak_steps):
            bench.step()
        leak = (tracemalloc.get_traced_memory()[0] - before - held) / max(leak_steps, 1)
        before = tracemalloc.get_traced_memory()[0]
        loss, hidden = bench.probe()
        alive_with_loss = None if hidden is None else hidden() is not None
        held_by_loss = tracemalloc.get_traced_memory()[0] - before
        del loss
        alive_after = None if hidden is None else hidden() is not None
        held_after_probe = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        rss_start = _rss()
        for _ in range(drift_steps):
            bench.step()
        rss_end = _rss()
    finally:
        gc.enable()
        if tracemalloc.is_tracing():
            tracemalloc.stop()
    traced = lib != "torch"
    return {
        "state_bytes": state if traced else None,
        "working_peak": peak - state if traced else None,
        "step_alloc_peak": peak - before if traced else None,
        "held_after_step": held if traced else None,
        "leak_per_step": leak if traced else None,
        "held_while_loss_alive": held_by_loss if traced else None,
        "held_after_probe": held_after_probe if traced else None,
        "hidden_alive_with_loss": alive_with_loss,
        "hidden_alive_after": alive_after,
        "rss_peak_growth": None if rss_peak is None or rss_before is None else rss_peak - rss_before,
        "rss_drift": None if rss_end is None or rss_start is None else rss_end - rss_start,
        "drift_steps": drift_steps,
    }


# ---- the process's main loop ------------------------------------------------------------
def serve(lib: str, data_path: str, long_chain: int) -> None:
    """Answer requests from stdin until ``quit`` or end of input."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to stderr, not the channel
    sys.stdout = sys.stderr
    worker = None
    for line in sys.stdin:
        request = json.loads(line)
        method = request.pop("method")
        if method == "quit":
            break
        try:
            if worker is None:
                worker = Worker(lib, data_path, long_chain)
            answer = {"result": getattr(worker, method)(**request)}
        except Exception as error:  # noqa: BLE001 -- reported to the parent, which decides
            answer = {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
        channel.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], int(sys.argv[3]))

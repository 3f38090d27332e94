"""The ``DataLoader`` iterator that loads in worker processes (``num_workers > 0``).

As PyTorch's ``_MultiProcessingDataLoaderIter``: one index queue per worker and one shared
result queue. Batches of indices go to the workers round-robin, ``prefetch_factor`` per worker
in flight; results may arrive in any order and are handed out in the sampler's order (or as
they arrive with ``in_order=False``). A worker's exception is re-raised here with the worker id
and its original traceback. The workers stop when the epoch ends, when the iterator is
deleted or fails (unless ``persistent_workers``, which keeps them for the next epoch), and the
main process joins them, so none is left behind.
"""

from __future__ import annotations

import itertools
import multiprocessing
import pickle
import queue
import sys
import warnings
from typing import TYPE_CHECKING, Any

from . import worker as _worker
from .dataloader import BaseDataLoaderIter, python_exiting
from .fetch import DatasetKind
from .worker import ExceptionWrapper, IterableDatasetStopIteration, ResultQueue, ResumeIteration

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from .dataloader import DataLoader

__all__ = ["MultiProcessingDataLoaderIter", "default_context"]


def default_context() -> BaseContext:
    """``fork`` on Linux (as PyTorch there, and cheap: the data set is not pickled), else the default."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class MultiProcessingDataLoaderIter(BaseDataLoaderIter):
    """One epoch over a ``DataLoader``, loaded by ``loader.num_workers`` worker processes."""

    def __init__(self, loader: DataLoader[Any]) -> None:
        super().__init__(loader)
        self._prefetch_factor = int(loader.prefetch_factor or 2)
        self._in_order = loader.in_order
        ctx: Any = loader.multiprocessing_context or default_context()
        self._worker_result_queue: Any = ResultQueue(ctx=ctx)
        self._data_queue = self._worker_result_queue
        self._shutdown = False
        self._workers_done_event = ctx.Event()
        self._index_queues: list[Any] = []
        self._workers: list[Any] = []
        try:
            for i in range(self._num_workers):
                index_queue = ctx.Queue()
                index_queue.cancel_join_thread()
                w = ctx.Process(target=_worker.worker_loop, args=(
                    self._dataset_kind, self._dataset, index_queue, self._worker_result_queue,
                    self._workers_done_event, self._auto_collation, self._collate_fn,
                    self._drop_last, self._base_seed, loader.worker_init_fn, i,
                    self._num_workers, self._persistent_workers))
                w.daemon = True
                try:
                    w.start()  # with spawn/forkserver the arguments are pickled here
                except (TypeError, AttributeError, pickle.PicklingError) as error:
                    warn_unpicklable(error)
                    raise
                self._index_queues.append(index_queue)
                self._workers.append(w)
        except BaseException:
            self._workers_status = [True] * len(self._workers)
            self._shutdown_workers()
            raise
        self._reset(loader, first_iter=True)

    def _reset(self, loader: DataLoader[Any], first_iter: bool = False) -> None:
        super()._reset(loader, first_iter)
        self._send_idx = 0  # the task index of the next batch to send to a worker
        self._rcvd_idx = 0  # the task index of the next batch to return
        self._task_info: dict[int, tuple[Any, ...]] = {}  # task -> (worker,) or (worker, data)
        self._tasks_outstanding = 0  # tasks sent whose results have not arrived
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:  # persistent workers: start the next epoch in each
            for index_queue in self._index_queues:
                index_queue.put(ResumeIteration())
            pending = self._num_workers
            while pending > 0:  # results of the last epoch still in the queue are dropped
                return_idx, _ = self._get_data()
                if isinstance(return_idx, ResumeIteration):
                    pending -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_get_data(self, timeout: float | None = None) -> tuple[bool, Any]:
        """``(True, result)``, or ``(False, None)`` after ``timeout`` seconds (a liveness check)."""
        try:
            return True, self._data_queue.get(timeout=timeout or _worker.MP_STATUS_CHECK_INTERVAL)
        except queue.Empty:
            failed = [w for worker_id, w in enumerate(self._workers)
                      if self._workers_status[worker_id] and not w.is_alive()]
            if failed:
                for worker_id, w in enumerate(self._workers):
                    if w in failed:
                        self._mark_worker_as_unavailable(worker_id)
                pids = ", ".join(str(w.pid) for w in failed)
                codes = ", ".join(str(w.exitcode) for w in failed)
                self._shutdown_workers()
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly (exit "
                                   f"code(s) {codes}). Hint: a negative code is the signal that "
                                   "killed it (-9: out of memory?)") from None
            return False, None

    def _get_data(self) -> Any:
        if self._timeout > 0:
            success, data = self._try_get_data(self._timeout)
            if success:
                return data
            self._shutdown_workers()
            raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
        while True:
            success, data = self._try_get_data()
            if success:
                return data

    def _next_data(self) -> Any:
        while True:
            if self._shutdown:
                raise StopIteration
            # Skip the tasks of workers that ended (an iterable data set's exhausted copies).
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info:
                    if len(info) == 2 or self._workers_status[info[0]]:
                        break  # it has data, or its worker is still running
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:  # it arrived earlier, out of order
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._dataset_kind == DatasetKind.Iterable and isinstance(data, IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                if not self._in_order:
                    return self._process_data(data, self._task_info.pop(idx)[0])
                self._task_info[idx] += (data,)
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _try_put_index(self) -> None:
        max_tasks = self._prefetch_factor * self._num_workers
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next running worker, if any
            worker_queue_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_queue_idx] and (self._in_order or (
                    self._workers_num_tasks[worker_queue_idx] < max_tasks // sum(self._workers_status))):
                break
        else:
            return
        self._index_queues[worker_queue_idx].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_queue_idx,)
        self._workers_num_tasks[worker_queue_idx] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data: Any, worker_idx: int) -> Any:
        self._workers_num_tasks[worker_idx] -= 1
        if isinstance(data, ExceptionWrapper) and not self._persistent_workers:
            self._shutdown_workers()  # the epoch ends here: no worker is left running
            data.reraise()
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()  # persistent workers stay for the next epoch, as in PyTorch
        return data

    def _mark_worker_as_unavailable(self, worker_id: int) -> None:
        """Tell worker ``worker_id`` to stop (``None`` on its index queue)."""
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self) -> None:
        """Stop and join every worker (idempotent); terminate any that does not stop in time."""
        if python_exiting() or getattr(self, "_shutdown", True):
            return
        self._shutdown = True
        try:
            self._workers_done_event.set()
            for worker_id in range(len(self._workers)):
                if self._persistent_workers or self._workers_status[worker_id]:
                    self._mark_worker_as_unavailable(worker_id)
            for w in self._workers:
                w.join(timeout=_worker.MP_STATUS_CHECK_INTERVAL)
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=_worker.MP_STATUS_CHECK_INTERVAL)

    def __del__(self) -> None:
        self._shutdown_workers()


def check_context(num_workers: int, context: Any) -> BaseContext | None:
    """The ``multiprocessing_context`` argument as a context (None: the default), checked as PyTorch.

    Raises:
        ValueError: a context without workers, or an unknown start method name.
        TypeError: neither a start method name nor a context.
    """
    if context is None:
        return None
    if num_workers <= 0:
        raise ValueError("DataLoader: multiprocessing_context can only be used with multi-process "
                         f"loading (num_workers > 0), but got num_workers={num_workers}")
    if isinstance(context, str):
        valid = multiprocessing.get_all_start_methods()
        if context not in valid:
            raise ValueError(f"DataLoader: multiprocessing_context option should specify a valid start "
                             f"method in {valid!r}, but got multiprocessing_context={context!r}")
        context = multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError("DataLoader: multiprocessing_context option should be a valid context object "
                        "or a string specifying the start method, but got "
                        f"multiprocessing_context={context}")
    return context


def warn_unpicklable(error: BaseException) -> None:
    """The hint PyTorch gives when a worker cannot be started with pickled arguments."""
    warnings.warn("DataLoader: got a pickle error when starting a worker process: with the 'spawn' "
                  "or 'forkserver' start method the data set, collate_fn and worker_init_fn must be "
                  f"picklable (no lambdas or local functions) ({type(error).__name__}: {error})",
                  stacklevel=5)  # the user's iter(loader) / for loop

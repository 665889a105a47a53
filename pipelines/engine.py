"""Whole-store reads on dask.distributed: tasks submitted to a cluster, results gathered in order.

`cluster` names where tasks run:
- `tcp://HOST:PORT`: an existing dask scheduler (its workers must have this package installed);
- `None`: a LocalCluster of one single-threaded worker process per core (or `workers`), started
  and stopped here, listening on 127.0.0.1 only, without a dashboard;
- `"none"`: no cluster, every task in this process, one after another (tests, debugging), or on
  `threads` threads where the caller asks (a deletion's residue search: SQLite and Arrow release
  the GIL, so one thread reads a database while another reads Parquet).
Each task is a picklable description of its work (it opens its store itself); results are small.
"""

from __future__ import annotations

import contextvars
import logging
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

import pyarrow as pa

from connectors import keeping_stores
from pipelines.errors import InputError

IN_PROCESS = "none"
CONNECT_TIMEOUT = "10s"
Task = TypeVar("Task")
Result = TypeVar("Result")
Progress = Callable[[int, int], None]  # (tasks done, tasks in all)


class ClusterError(InputError):
    """The cluster named cannot be reached or used: one line, exit status 2."""


def run_tasks(
    function: Callable[[Task], Result],
    tasks: Sequence[Task],
    cluster: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    client: Any = None,
    threads: int = 1,
) -> list[Result]:
    """`function(task)` for every task, on the cluster named (or on `client`, one `started` before);
    the results in the order of `tasks`. `threads`: in this process, the tasks run on that many
    threads (a function safe to run side by side on shared stores)."""
    report = progress or (lambda done, total: None)
    if cluster == IN_PROCESS:
        with keeping_stores():  # the tasks share their stores' listings
            if threads > 1 and len(tasks) > 1:
                return _threaded(function, tasks, threads, report)
            results = []
            for done, task in enumerate(tasks, start=1):
                results.append(function(task))
                report(done, len(tasks))
        return results
    if client is not None:
        return _gathered(client, function, tasks, report)
    with _client(cluster, workers) as opened:
        return _gathered(opened, function, tasks, report)


@contextmanager
def started(cluster: str | None, workers: int | None, warm: Callable[[], object]) -> Iterator[Any]:
    """A client of the cluster named, for the block: every worker starts `warm` (imports, caches)
    at once in the background, while the caller goes on; `None` when tasks run in this process."""
    if cluster == IN_PROCESS:
        yield None
        return
    from distributed import fire_and_forget

    with _client(cluster, workers) as client:
        for worker in client.scheduler_info()["workers"]:
            fire_and_forget(client.submit(warm, pure=False, workers=[worker], allow_other_workers=False))  # type: ignore[no-untyped-call]
        yield client


def _threaded(
    function: Callable[[Task], Result], tasks: Sequence[Task], threads: int, report: Progress
) -> list[Result]:
    """Each task in a copy of this context (the stores `keeping_stores` keeps), on a pool of threads."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ccpa-task") as pool:
        futures = {
            pool.submit(contextvars.copy_context().run, function, task): index
            for index, task in enumerate(tasks)
        }
        results: dict[int, Result] = {}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            report(done, len(tasks))
    return [results[index] for index in range(len(tasks))]


def _gathered(
    client: Any, function: Callable[[Task], Result], tasks: Sequence[Task], report: Progress
) -> list[Result]:
    from distributed import as_completed

    name = getattr(function, "__name__", "task")  # the scheduler's key names the work, not the wrapper
    keys = [f"{name}-{uuid.uuid4().hex}" for _ in tasks]
    futures = client.map(partial(_on_worker, function), list(tasks), key=keys, pure=False)
    order = {future.key: index for index, future in enumerate(futures)}
    gathered: dict[int, Result] = {}
    finished = as_completed(futures)  # type: ignore[no-untyped-call]
    for done, future in enumerate(finished, start=1):
        gathered[order[future.key]] = future.result()
        report(done, len(futures))
    return [gathered[index] for index in range(len(futures))]


def _on_worker(function: Callable[[Task], Result], task: Task) -> Result:
    """`function(task)` on a dask worker, with Arrow's thread pool the size of the worker's: a
    local cluster has one single-threaded worker per core, and Arrow's default (one thread per
    core in every worker) would put several threads on each core."""
    from distributed import get_worker

    threads = get_worker().state.nthreads
    if pa.cpu_count() != threads:
        pa.set_cpu_count(threads)
    return function(task)


def cluster_for(asked: str | None, configured: str | None, default: str | None = IN_PROCESS) -> str | None:
    """Where a whole-store read runs: the cluster asked for, else the estate's `compute.cluster`,
    else `default` (in this process; `None` is a local cluster, the full-value scan's default)."""
    chosen = asked if asked is not None else configured if configured is not None else default
    return check_address(chosen) if chosen is not None else None


def check_address(address: str) -> str:
    """`tcp://HOST:PORT` or `none`; anything else is refused before any work starts."""
    if address == IN_PROCESS:
        return address
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    if not address.startswith("tcp://") or not host or not port.isdigit():
        raise ClusterError(f"cluster {address!r}: expected tcp://HOST:PORT or 'none'")
    return address


@contextmanager
def _client(cluster: str | None, workers: int | None) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if cluster is not None:
        try:
            client = Client(check_address(cluster), timeout=CONNECT_TIMEOUT, set_as_default=True)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as err:
            raise ClusterError(f"cannot reach the dask scheduler at {cluster} ({err})") from None
        with client:
            yield client
        return
    count = workers or os.cpu_count() or 1
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # The scheduler serves its health routes over HTTP even without a dashboard, by default
            # on 0.0.0.0:8787 (and warns when that port is taken): here on a free local port.
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.CRITICAL,  # a worker losing the scheduler at shutdown is no news
        ) as local,
        Client(local, set_as_default=True) as client,  # type: ignore[no-untyped-call]
    ):
        yield client

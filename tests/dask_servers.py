"""A real dask scheduler and two workers on 127.0.0.1 for tests, and what the scheduler saw run."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def dask_servers(folder: Path) -> Iterator[str]:
    """A `dask scheduler` and two `dask worker` processes on 127.0.0.1, killed afterwards."""
    dask = shutil.which("dask", path=str(Path(sys.executable).parent))
    assert dask, "the dask command is installed with distributed"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = ["--no-dashboard"]
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), *common],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        for index in range(2):
            processes.append(
                subprocess.Popen(
                    [
                        dask,
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--name",
                        f"w{index}",
                        "--host",
                        "127.0.0.1",
                        "--local-directory",
                        str(folder / f"w{index}"),
                        *common,
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        _wait_for_workers(address, 2)
        yield address
    finally:
        for process in reversed(processes):
            process.kill()
            process.wait(timeout=30)


def _wait_for_workers(address: str, count: int, timeout: float = 60) -> None:
    from distributed import Client

    deadline = time.monotonic() + timeout
    with Client(address, timeout="30s", set_as_default=False) as client:
        while len(client.scheduler_info(n_workers=-1)["workers"]) < count:
            assert time.monotonic() < deadline, f"{count} dask workers did not join {address} in {timeout} s"
            time.sleep(0.2)


def task_stream(address: str) -> list[dict[str, object]]:
    """What the scheduler's task-stream plugin recorded: each task's key and the worker it ran on."""
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        return client.get_task_stream()  # type: ignore[no-any-return]


def worker_names(address: str) -> dict[str, str]:
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        workers = client.scheduler_info(n_workers=-1)["workers"]
    return {worker: info["name"] for worker, info in workers.items()}

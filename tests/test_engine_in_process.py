"""Whole-store reads run in this process (`--cluster none`): one after another, or on threads
where the caller asks (a deletion's residue search), sharing the stores `keeping_stores` keeps."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connectors import open_estate_store
from pipelines.engine import IN_PROCESS, run_tasks


@pytest.fixture
def estate(tmp_path: Path) -> str:
    logs = tmp_path / "device_logs"
    logs.mkdir()
    pq.write_table(pa.table({"imsi": ["310150123456789"]}), logs / "sessions.parquet")
    path = tmp_path / "estate.yaml"
    path.write_text("stores:\n  device_logs:\n    kind: files\n    path: device_logs\n", encoding="utf-8")
    return str(path)


def _task(estate: str, index: int) -> tuple[int, int, str]:
    with open_estate_store(estate, "device_logs") as store:
        time.sleep(0.01)  # long enough for the other thread to take the next task
        return index, id(store), threading.current_thread().name


def test_tasks_on_threads_share_their_stores_and_keep_their_order(estate: str) -> None:
    progress: list[int] = []
    results = run_tasks(
        lambda i: _task(estate, i),
        list(range(12)),
        IN_PROCESS,
        threads=2,
        progress=lambda d, _: progress.append(d),
    )
    assert [index for index, _, _ in results] == list(range(12))
    assert len({store for _, store, _ in results}) == 1  # opened once, shared by both threads
    names = {name for _, _, name in results}
    assert len(names) == 2 and all(name.startswith("ccpa-task") for name in names)
    assert progress == list(range(1, 13))


def test_without_threads_tasks_run_here_one_after_another(estate: str) -> None:
    results = run_tasks(lambda i: _task(estate, i), list(range(3)), IN_PROCESS)
    assert {name for _, _, name in results} == {threading.current_thread().name}


def test_a_failing_task_on_a_thread_fails_the_read(estate: str) -> None:
    def task(index: int) -> int:
        if index == 3:
            raise ValueError("split 3 unreadable")
        return index

    with pytest.raises(ValueError, match="split 3"):
        run_tasks(task, list(range(6)), IN_PROCESS, threads=2)

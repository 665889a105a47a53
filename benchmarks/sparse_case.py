"""A planted sparse case: a device app log whose free text holds an email in 0.05% of its rows,
none of them among the rows the scan's sample reads (so the sampled scan alone cannot see them).

Used by the full-value tests (200,000 rows) and by `benchmarks.full_values` (millions of rows)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from connectors import load_estate, open_store

ROWS = 200_000
PLANTED = round(ROWS * 0.0005)
SHARE = PLANTED / ROWS  # 0.05% of the rows hold an email
GROUP_ROWS = 16_384
TABLE = "app_logs"


def plant_sparse_emails(estate_file: Path, seed: int = 3, rows: int = ROWS) -> list[int]:
    """Write device_logs/app_logs.parquet of `rows` rows; returns the line ids holding an email."""
    estate = load_estate(estate_file)
    folder = Path(estate.stores["device_logs"].path)  # type: ignore[union-attr]
    with open_store("device_logs", estate.stores["device_logs"]) as store:
        imsis = pc_unique(store.sample("sessions", 500, ["imsi"]).column("imsi"))
    rng = np.random.default_rng(seed)
    messages = [
        f"modem heartbeat seq {i} battery {rng.integers(1, 100)}% signal -{rng.integers(50, 110)} dBm "
        f"uptime {rng.integers(1, 10**6)} s fw 4.{i % 7}.{i % 3}"
        for i in range(rows)
    ]
    table = pa.table(
        {
            "line_id": pa.array(np.arange(rows, dtype=np.int64)),
            "imsi": pa.array([imsis[i] for i in rng.integers(0, len(imsis), rows)], pa.string()),
            "message": pa.array(messages, pa.string()),
        }
    )
    path = folder / f"{TABLE}.parquet"
    pq.write_table(table, path, row_group_size=GROUP_ROWS)
    with open_store("device_logs", estate.stores["device_logs"]) as store:
        seen = set(store.sample(TABLE, 1_000, ["line_id"], seed=0).column("line_id").to_pylist())
    unseen = np.array([i for i in range(rows) if i not in seen])
    planted = sorted(rng.choice(unseen, round(rows * SHARE), replace=False).tolist())
    for line in planted:
        messages[line] = f"{messages[line]} contact owner.{line}@example.org for a reset"
    pq.write_table(
        table.set_column(2, "message", pa.array(messages, pa.string())), path, row_group_size=GROUP_ROWS
    )
    return planted


def pc_unique(column: pa.ChunkedArray) -> list[str]:
    return sorted({v for v in column.to_pylist() if v})

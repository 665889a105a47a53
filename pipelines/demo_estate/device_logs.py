"""The device-log store: a folder of Parquet datasets, hive-partitioned by day.

    device_logs/sessions/dt=YYYY-MM-DD/part-NNNNN.parquet    data sessions (one row per PDP session)
    device_logs/sms/dt=YYYY-MM-DD/part-NNNNN.parquet         SMS to and from the SIMs
    device_logs/api_events/dt=YYYY-MM-DD/part-NNNNN.parquet  API calls of the consumers' console accounts
    device_logs/cell_towers.parquet                          the radio-cell catalogue (not personal)

Each day is drawn from its own random stream (seed, table, day number) straight into numpy
arrays, sorted by IMSI and written as files of at most `FILE_ROWS` rows, as log compaction leaves
them: one SIM's day is in one small file (two at a boundary), so a deletion rewrites one 32k-row
file per day instead of the whole day (3.3M rows a day at 100M sessions), and a lookup of one SIM
decodes one 4k-row group per day, not 16k rows for the 30 it wants. Memory stays at one day and
ten million rows take seconds.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.cells import Cells, build_cells
from pipelines.demo_estate.identities import Population
from pipelines.demo_estate.ip_addresses import device_addresses, public_addresses
from pipelines.demo_estate.places import CITIES

MS_PER_DAY = 86_400_000
TIMESTAMP = pa.timestamp("ms", tz="UTC")
SMS_PER_SESSION = 1 / 8
API_EVENTS_PER_SESSION = 1 / 25
OPERATIONS = (
    *("getSubscriber", "listSessionEvents", "setSpeedClass", "updateSubscriberTags", "setGroup"),
    *("activate", "deactivate", "sendSms", "setImeiLock", "terminate"),
)
OPERATION_WEIGHTS = (30, 14, 12, 10, 8, 6, 5, 9, 4, 2)


@dataclass(frozen=True)
class Traffic:
    """What every day's rows are drawn from: the population, the cells, the consumers' own IPs."""

    pop: Population
    cells: Cells
    home_ip: pa.Array  # per consumer: the public address of their home or office connection

    def sims_on(self, rng: np.random.Generator, day: dt.date, n: int) -> NDArray[np.int64]:
        """`n` SIM rows drawn by activity among the SIMs in use and activated before `day`."""
        sims = self.pop.sims
        ready = sims.in_use & (sims.activated_at < np.datetime64(day, "s"))
        weight = np.where(ready, sims.activity, 0.0) if ready.any() else sims.activity
        return rng.choice(len(sims), size=n, p=weight / weight.sum()).astype(np.int64)


def _instants(rng: np.random.Generator, day: dt.date, n: int) -> NDArray[np.int64]:
    """Sorted epoch milliseconds within `day`."""
    start = np.datetime64(day, "ms").astype(np.int64)
    return np.sort(start + rng.integers(0, MS_PER_DAY, n))


def _sessions(rng: np.random.Generator, traffic: Traffic, day: dt.date, ids: NDArray[np.int64]) -> pa.Table:
    n = len(ids)
    pop, sims = traffic.pop, traffic.sims_on(rng, day, len(ids))
    started = _instants(rng, day, n)
    ended = started + (1_000 + rng.exponential(420_000, n)).astype(np.int64)
    city = pop.consumers.city_index[pop.sims.customer_index[sims]]
    away = rng.random(n) < 0.03
    city[away] = rng.integers(0, len(CITIES), int(away.sum()))
    cell = traffic.cells.near(rng, city)
    take = pa.array(sims)
    return pa.table(
        {
            "session_id": ids,
            "imsi": pop.sims.imsi.take(take),
            "imei": pop.devices.imei.take(take),
            "src_ip": device_addresses(rng, n),
            "apn": pop.sims.apn.take(take),
            "started_at": pa.array(started, TIMESTAMP),
            "ended_at": pa.array(ended, TIMESTAMP),
            "bytes_up": rng.lognormal(8.5, 1.6, n).astype(np.int64),
            "bytes_down": rng.lognormal(9.6, 1.8, n).astype(np.int64),
            "cell_id": traffic.cells.cell_id.take(pa.array(cell)),
            "lat": np.round(traffic.cells.lat[cell] + rng.normal(0, 0.004, n), 6),
            "lon": np.round(traffic.cells.lon[cell] + rng.normal(0, 0.005, n), 6),
        }
    )


def _sms(rng: np.random.Generator, traffic: Traffic, day: dt.date, ids: NDArray[np.int64]) -> pa.Table:
    n = len(ids)
    sims = pa.array(traffic.sims_on(rng, day, n))
    length = np.minimum(1 + rng.geometric(1 / 40, n), 160).astype(np.int32)
    status = draws.weighted_index(rng, (94, 3, 2, 1), n)
    return pa.table(
        {
            "sms_id": ids,
            "imsi": traffic.pop.sims.imsi.take(sims),
            "direction": pa.array(np.where(rng.random(n) < 0.6, "MO", "MT")),
            "sent_at": pa.array(_instants(rng, day, n), TIMESTAMP),
            "length": length,
            "status": pa.array(("delivered", "failed", "pending", "expired")).take(pa.array(status)),
        }
    )


def _api_events(rng: np.random.Generator, traffic: Traffic, day: dt.date, ids: NDArray[np.int64]) -> pa.Table:
    n = len(ids)
    sims = traffic.sims_on(rng, day, n)
    consumer = pa.array(traffic.pop.sims.customer_index[sims])
    elsewhere = pa.array(rng.random(n) < 0.15)
    return pa.table(
        {
            "event_id": ids,
            "operator_id": traffic.pop.operator_id.take(consumer),
            "imsi": traffic.pop.sims.imsi.take(pa.array(sims)),
            "operation": pa.array(OPERATIONS).take(pa.array(draws.weighted_index(rng, OPERATION_WEIGHTS, n))),
            "source_ip": pc.if_else(elsewhere, public_addresses(rng, n), traffic.home_ip.take(consumer)),
            "at": pa.array(_instants(rng, day, n), TIMESTAMP),
            "payload_sha256": draws.random_strings(rng, n, 64, draws.HEX),
        }
    )


ROW_GROUP = 4_096
FILE_ROWS = 8 * ROW_GROUP
DayRows = Callable[[np.random.Generator, Traffic, dt.date, NDArray[np.int64]], pa.Table]
EVENT_TABLES: tuple[tuple[str, float, DayRows], ...] = (
    ("sessions", 1.0, _sessions),
    ("sms", SMS_PER_SESSION, _sms),
    ("api_events", API_EVENTS_PER_SESSION, _api_events),
)


def _rows_per_day(rng: np.random.Generator, total: int, days: list[dt.date]) -> NDArray[np.int64]:
    """`total` rows spread over `days`, a little quieter at weekends."""
    weight = np.array([0.8 if d.weekday() >= 5 else 1.0 for d in days])
    return rng.multinomial(total, weight / weight.sum()).astype(np.int64)


def _write(table: pa.Table, folder: Path) -> None:
    """One day's files, clustered by IMSI in small row groups: a lookup of one SIM reads the one
    row group whose statistics admit it, and a rewrite of one SIM's rows the one file holding it."""
    folder.mkdir(parents=True, exist_ok=True)
    if "imsi" in table.column_names:
        table = table.sort_by([("imsi", "ascending")])
    for part, start in enumerate(range(0, max(table.num_rows, 1), FILE_ROWS)):
        rows = table.slice(start, FILE_ROWS)
        pq.write_table(
            rows, folder / f"part-{part:05d}.parquet", compression="zstd", row_group_size=ROW_GROUP
        )


def write_device_logs(
    root: Path, pop: Population, days: int, sessions: int, written: Callable[[str, int], None]
) -> None:
    """Write the store under `root` (replaced); `written(table, rows so far)` after each file."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    cells = build_cells(draws.stream(pop.seed, "cells"))
    pq.write_table(cells.table(), root / "cell_towers.parquet", compression="zstd", row_group_size=ROW_GROUP)
    written("cell_towers", len(cells.cell_id))
    traffic = Traffic(pop, cells, public_addresses(draws.stream(pop.seed, "home_ip"), len(pop.consumers)))
    day_list = [pop.as_of - dt.timedelta(days=days - 1 - i) for i in range(days)]
    for name, share, day_rows in EVENT_TABLES:
        counts = _rows_per_day(draws.stream(pop.seed, f"{name}_per_day"), round(sessions * share), day_list)
        first_ids = np.concatenate([[1], 1 + np.cumsum(counts)])
        for i, day in enumerate(day_list):
            ids = np.arange(first_ids[i], first_ids[i + 1], dtype=np.int64)
            table = day_rows(draws.stream(pop.seed, name, i), traffic, day, ids)
            _write(table, root / name / f"dt={day.isoformat()}")
            written(name, int(first_ids[i + 1] - 1))

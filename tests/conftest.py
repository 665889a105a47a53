"""Shared fixtures: throw-away databases on the live PostgreSQL and MariaDB servers.

Outside CI a server that cannot be reached skips its tests with the reason; under CI=true the
servers are part of the machine, so an unreachable one fails the test instead.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipelines.demo_estate import DemoEstate, build_demo_estate
from tests.dask_servers import dask_servers

SERVERS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/{db}",
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306/{db}",
}
ADMIN_DB = {"postgresql": "postgres", "mariadb": "test"}


def _admin_engine(server: str) -> sa.Engine:
    url = SERVERS[server].format(db=ADMIN_DB[server])
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def _unreachable(server: str, err: Exception) -> None:
    reason = f"{server} on 127.0.0.1 not reachable: {str(err).splitlines()[0]}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the live servers are required)")
    pytest.skip(reason)


@contextmanager
def server_database(server: str) -> Iterator[str]:
    """A SQLAlchemy URL of a new, empty database on a live server, dropped afterwards."""
    name = f"ccpa_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(server)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError as err:
        admin.dispose()
        _unreachable(server, err)
    try:
        yield SERVERS[server].format(db=name)
    finally:
        force = " WITH (FORCE)" if server == "postgresql" else ""
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}{force}"))
        admin.dispose()


@pytest.fixture
def live_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on the server named by the test's parameter (see `live`); for
    `sqlite`, a new file in the test's folder."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}"
        return
    with server_database(request.param) as url:
        yield url


def live(*servers: str) -> pytest.MarkDecorator:
    """Parametrise a test over live servers: `@live("postgresql", "mariadb")` + a `live_database` arg."""
    return pytest.mark.parametrize("live_database", servers, indirect=True)


# Two demo estates: as built (the CRM's job titles and employers are professional information the
# notice does not disclose) and the same without those columns, which the notice covers.
@pytest.fixture(scope="session")
def gap_estate(tmp_path_factory: pytest.TempPathFactory) -> DemoEstate:
    root = tmp_path_factory.mktemp("coverage") / "with-gap"
    return build_demo_estate(root, consumers=200, days=2, seed=5, as_of=dt.date(2026, 11, 1))


@pytest.fixture(scope="session")
def covered_estate(gap_estate: DemoEstate, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("coverage") / "covered"
    shutil.copytree(gap_estate.root, root)
    with sqlite3.connect(root / "crm.db") as crm:
        crm.execute("ALTER TABLE contacts DROP COLUMN job_title")
        crm.execute("ALTER TABLE contacts DROP COLUMN company")
    return root / "estate.yaml"


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """The address of a `dask scheduler` with two `dask worker` processes (w0, w1), killed afterwards."""
    with dask_servers(tmp_path) as address:
        yield address

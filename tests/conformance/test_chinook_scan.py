"""Chinook (a music store: customers, employees, invoices and a track catalogue) on three backends.

The same rows on the live PostgreSQL (snake_case names), the live MariaDB and SQLite (PascalCase):
`ccpa scan` through the CLI must give every labelled column an accepted category, with no false
sensitive flag (../shared/conformance/chinook).
"""

from __future__ import annotations

from pathlib import Path

from tests.conformance.labelled import (
    CONFORMANCE,
    assert_conforms,
    conformance,
    database_name,
    load,
    require,
    scan,
)
from tests.conftest import live

CHINOOK = CONFORMANCE / "chinook"
LOADER = CHINOOK / "load.sh"


@live("postgresql")
def test_chinook_on_postgresql_is_classified_as_labelled(live_database: str, tmp_path: Path) -> None:
    require(LOADER, CHINOOK / "labels.json", tools=("psql",))
    load(LOADER, database_name(live_database), "postgres")
    assert_conforms(conformance(scan(live_database, tmp_path), CHINOOK / "labels.json"))


@live("mariadb")
def test_chinook_on_mariadb_is_classified_as_labelled(live_database: str, tmp_path: Path) -> None:
    require(LOADER, CHINOOK / "labels_mariadb.json", tools=("mysql",))
    load(LOADER, database_name(live_database), "mariadb")
    assert_conforms(conformance(scan(live_database, tmp_path), CHINOOK / "labels_mariadb.json"))


def test_chinook_on_sqlite_is_classified_as_labelled(tmp_path: Path) -> None:
    require(LOADER, CHINOOK / "labels_mariadb.json", tools=("python3",))
    database = tmp_path / "chinook.sqlite"
    load(LOADER, str(database), "sqlite")
    assert_conforms(conformance(scan(f"sqlite:///{database}", tmp_path), CHINOOK / "labels_mariadb.json"))


def test_a_catalogue_a_consumer_buys_from_is_not_the_consumer(tmp_path: Path) -> None:
    """Invoice lines point at tracks: a track's title, composer, size and price are nobody's PI."""
    require(LOADER, tools=("python3",))
    database = tmp_path / "chinook.sqlite"
    load(LOADER, str(database), "sqlite")
    track = {r["column"]: r for r in scan(f"sqlite:///{database}", tmp_path) if r["table"] == "Track"}
    assert {c: track[c]["category"] for c in ("Name", "Composer", "Bytes", "UnitPrice")} == dict.fromkeys(
        ("Name", "Composer", "Bytes", "UnitPrice")
    )
    assert "catalogue" in track["Name"]["evidence"]

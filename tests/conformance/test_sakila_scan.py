"""Sakila (MySQL's DVD-rental sample, with its PNG photo and GEOMETRY points) on the live MariaDB.

`ccpa scan` through the CLI must give every labelled column an accepted category, flag staff's
login and password hash, and flag nothing the labels do not allow (../shared/conformance/sakila).
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

SAKILA = CONFORMANCE / "sakila"


@live("mariadb")
def test_sakila_on_mariadb_is_classified_as_labelled(live_database: str, tmp_path: Path) -> None:
    require(SAKILA / "load.sh", SAKILA / "labels.json", tools=("mysql",))
    load(SAKILA / "load.sh", database_name(live_database))
    records = scan(live_database, tmp_path)
    result = conformance(records, SAKILA / "labels.json")
    assert_conforms(result)
    by_column = {(r["table"], r["column"]): r for r in records}
    picture, location = by_column[("staff", "picture")], by_column[("address", "location")]
    assert (picture["entity"], picture["category"]) == ("PHOTO", "sensory")
    assert "candidate biometric" in picture["evidence"]
    assert (location["entity"], location["category"]) == ("GEO_COORDINATES", "geolocation")

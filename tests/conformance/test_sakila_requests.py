"""Sakila on the live MariaDB: every case of cases.json, access and deletion, through the `ccpa` CLI.

Loaded and scanned once for the module: the scan is held against the labels, the packages come first; each deletion then removes one
case's consumer (the cases are different customers, none of whom shares a row with another).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.labelled import CONFORMANCE, assert_conforms, conformance
from tests.conformance.requests import (
    Estate,
    access,
    assert_nothing_of_others,
    assert_removed_exactly,
    assert_rows_as_expected,
    case_id,
    cases,
    delete,
    estate_snapshot,
    loaded_estate,
    other_emails,
)

SAKILA = CONFORMANCE / "sakila"
CASES = cases(SAKILA / "cases.json")


@pytest.fixture(scope="module")
def sakila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    folder = tmp_path_factory.mktemp("sakila")
    yield from loaded_estate("mariadb", SAKILA / "load.sh", folder, tools=("mysql",))


@pytest.mark.live
def test_sakila_is_classified_as_labelled(sakila: Estate) -> None:
    """The module's `ccpa scan` (before any deletion): every labelled column an accepted category,
    staff's login and password hash flagged, nothing flagged the labels do not allow."""
    inventory = json.loads((sakila.reports / "inventory.json").read_text(encoding="utf-8"))
    records: list[dict[str, Any]] = inventory["columns"]
    assert_conforms(conformance(records, SAKILA / "labels.json"))
    by_column = {(r["table"], r["column"]): r for r in records}
    picture, location = by_column[("staff", "picture")], by_column[("address", "location")]
    assert (picture["entity"], picture["category"]) == ("PHOTO", "sensory")
    assert "candidate biometric" in picture["evidence"]
    assert (location["entity"], location["category"]) == ("GEO_COORDINATES", "geolocation")


@pytest.mark.live
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_sakila_package_holds_exactly_the_consumers_rows(
    sakila: Estate, case: dict[str, Any], tmp_path: Path
) -> None:
    package = access(sakila, case["identity"]["email"], tmp_path)
    assert_rows_as_expected(case, package)
    assert_nothing_of_others(case, package, other_emails(sakila, case))


@pytest.mark.live
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_sakila_deletion_removes_exactly_the_consumers_rows(
    sakila: Estate, case: dict[str, Any], tmp_path: Path
) -> None:
    before = estate_snapshot(sakila.file)
    assert delete(sakila, case["identity"]["email"], tmp_path) == 0
    assert_removed_exactly(case, before, estate_snapshot(sakila.file))

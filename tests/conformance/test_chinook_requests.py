"""Chinook on the live PostgreSQL (snake_case) and MariaDB (PascalCase): every case of cases.json,
access and deletion, through the `ccpa` CLI. Loaded and scanned once per server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.labelled import CONFORMANCE
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

CHINOOK = CONFORMANCE / "chinook"
CASES = {
    "postgresql": cases(CHINOOK / "cases.json"),
    "mariadb": cases(CHINOOK / "cases.json", "mariadb_variant"),
}
LOADER_KIND = {"postgresql": ("postgres", "psql"), "mariadb": ("mariadb", "mysql")}
PARAMS = [
    pytest.param(server, index, id=f"{server}-{case_id(case)}")
    for server, found in CASES.items()
    for index, case in enumerate(found)
]


@pytest.fixture(scope="module")
def chinook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Estate]]:
    """Each server's estate, loaded and scanned on first use."""
    with _Estates(tmp_path_factory) as estates:
        yield estates


class _Estates(dict[str, Estate]):
    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory
        self.open: list[Iterator[Estate]] = []

    def __missing__(self, server: str) -> Estate:
        kind, tool = LOADER_KIND[server]
        loading = loaded_estate(server, CHINOOK / "load.sh", self.factory.mktemp(server), kind, tools=(tool,))
        self.open.append(loading)
        self[server] = next(loading)
        return self[server]

    def __enter__(self) -> _Estates:
        return self

    def __exit__(self, *_: object) -> None:
        for loading in self.open:
            loading.close()  # drops the database


@pytest.mark.live
@pytest.mark.parametrize("server, index", PARAMS)
def test_chinook_package_holds_exactly_the_consumers_rows(
    chinook: dict[str, Estate], server: str, index: int, tmp_path: Path
) -> None:
    case: dict[str, Any] = CASES[server][index]
    estate = chinook[server]
    package = access(estate, case["identity"]["email"], tmp_path)
    assert_rows_as_expected(case, package)
    assert_nothing_of_others(case, package, other_emails(estate, case))


@pytest.mark.live
@pytest.mark.parametrize("server, index", PARAMS)
def test_chinook_deletion_removes_exactly_the_consumers_rows(
    chinook: dict[str, Estate], server: str, index: int, tmp_path: Path
) -> None:
    case: dict[str, Any] = CASES[server][index]
    estate = chinook[server]
    before = estate_snapshot(estate.file)
    assert delete(estate, case["identity"]["email"], tmp_path) == 0
    assert_removed_exactly(case, before, estate_snapshot(estate.file))

"""Every identity kind end to end through the CLI on the demo estate (SQLite + Parquet).

Asked by any of a consumer's identifiers (their phone as they write it, the IMSI, ICCID or MSISDN
of one of their SIMs, a device's IMEI, their login, their customer number, or through the estate's
`identity:` mapping), `ccpa access` gives the package asked by their email, table by table and row
by row, and `ccpa delete` has the same effects on a fresh copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from connectors import load_estate
from connectors.estate import EstateError
from pipelines.cli import _parser, main
from pipelines.demo_estate import DemoEstate
from pipelines.rights.records.identity import ENTITIES
from tests.rights.kinds import differing, identifiers, option, package_tables, with_several_sims
from tests.rights.snapshots import Snapshot, differences, estate_snapshot

KINDS = [kind for kind in ENTITIES if kind != "email"]
# the estate's mapping form: which columns hold the customer number and the IMSI
MAPPING = {"customer_id": ["billing.customers.id"], "imsi": ["billing.sims.imsi"]}


@pytest.fixture(scope="module")
def customers(estate: DemoEstate) -> list[int]:
    return with_several_sims(estate.root, 3)


@pytest.fixture(scope="module")
def by_email(
    estate: DemoEstate, customers: list[int], tmp_path_factory: pytest.TempPathFactory
) -> dict[int, dict[str, list[str]]]:
    packages = {}
    for customer in customers:
        out = tmp_path_factory.mktemp(f"email-{customer}")
        access(estate.estate_file, "email", identifiers(estate.root, customer)["email"], out, estate)
        packages[customer] = package_tables(out)
    return packages


def access(estate_file: Path, kind: str, value: str, out: Path, estate: DemoEstate) -> None:
    inventory = str(estate.root / "reports")
    arguments = ["--estate", str(estate_file), option(kind), value, "--out", str(out), "--all-time"]
    assert main(["access", *arguments, "--inventory", inventory]) == 0


def test_every_identity_kind_is_an_option_of_every_request_command() -> None:
    parser = _parser()
    commands = [["access", "--out", "o"], ["delete", "--out", "o"], ["correct", "--out", "o", "--set", "x=y"]]
    for command in [*commands, ["request", "new", "--type", "know"]]:
        for kind in ENTITIES:
            args = parser.parse_args([*command, "--estate", "e.yaml", option(kind), "v"])
            assert getattr(args, kind) == "v"


def test_the_estate_takes_the_same_kinds(tmp_path: Path) -> None:
    path = tmp_path / "estate.yaml"
    path.write_text(
        yaml.safe_dump({"stores": {"b": {"kind": "files", "path": "."}}, "identity": list(ENTITIES)})
    )
    assert set(load_estate(path).identity) == set(ENTITIES)
    path.write_text(yaml.safe_dump({"stores": {"b": {"kind": "files", "path": "."}}, "identity": ["serial"]}))
    with pytest.raises(EstateError, match=r"identity\.serial.*unknown identity kind"):
        load_estate(path)


@pytest.mark.parametrize("index", range(2))
def test_the_package_by_every_kind_is_the_package_by_email(
    estate: DemoEstate,
    customers: list[int],
    by_email: dict[int, dict[str, list[str]]],
    index: int,
    tmp_path: Path,
) -> None:
    customer = customers[index]
    assert {"billing.sims", "device_logs.sessions"} <= set(by_email[customer])
    for kind, value in identifiers(estate.root, customer).items():
        if kind == "email":
            continue
        out = tmp_path / kind
        access(estate.estate_file, kind, value, out, estate)
        assert differing(package_tables(out), by_email[customer]) == {}, kind


def test_the_estates_identity_mapping_gives_the_same_packages(
    estate: DemoEstate, customers: list[int], by_email: dict[int, dict[str, list[str]]], tmp_path: Path
) -> None:
    mapped = tmp_path / "estate"
    shutil.copytree(estate.root, mapped)
    document = yaml.safe_load(estate.estate_file.read_text(encoding="utf-8"))
    (mapped / "estate.yaml").write_text(yaml.safe_dump({**document, "identity": MAPPING}), encoding="utf-8")
    customer = customers[0]
    for kind in MAPPING:
        out = tmp_path / kind
        access(mapped / "estate.yaml", kind, identifiers(estate.root, customer)[kind], out, estate)
        assert differing(package_tables(out), by_email[customer]) == {}, kind


@pytest.fixture(scope="module")
def deleted_by_email(
    estate: DemoEstate, customers: list[int], tmp_path_factory: pytest.TempPathFactory
) -> Snapshot:
    folder = tmp_path_factory.mktemp("deleted-by-email")
    return deletion(estate, "email", identifiers(estate.root, customers[1])["email"], folder)


def deletion(estate: DemoEstate, kind: str, value: str, folder: Path) -> Snapshot:
    """A fresh copy of the estate, the customer deleted from it by `kind`: every table's rows after."""
    shutil.copytree(estate.root, folder / "estate")
    arguments = ["--estate", str(folder / "estate" / "estate.yaml"), option(kind), value]
    inventory = str(estate.root / "reports")
    assert main(["delete", *arguments, "--out", str(folder / "out"), "--inventory", inventory]) == 0
    return estate_snapshot(folder / "estate" / "estate.yaml")


@pytest.mark.parametrize("kind", ["phone", "imsi", "iccid", "msisdn", "customer_id"])
def test_deleting_by_every_kind_deletes_what_deleting_by_email_does(
    estate: DemoEstate, customers: list[int], deleted_by_email: Snapshot, kind: str, tmp_path: Path
) -> None:
    held = identifiers(estate.root, customers[1])
    after = deletion(estate, kind, held[kind], tmp_path)
    assert held["email"].lower() not in after["billing.customers"].text()
    assert after["billing.sims"].records("customer_id", {customers[1]}) == []
    assert differences(deleted_by_email, after) == {}

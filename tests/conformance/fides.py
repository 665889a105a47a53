"""The Fides example database (ethyca/fides' Postgres privacy-request test case) as a ccpa estate.

`load_fides_database` runs Fides' own SQL file into a live PostgreSQL database; `write_fides_estate`
writes an estate file for it, with the dataset's `references` translated into our links, or with no
links at all (the product must infer them). The translation reads the dataset YAML, never a typed list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import psycopg
import pytest
import yaml
from sqlalchemy.engine import make_url

FIDES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "fides"
SQL_FILE = FIDES / "postgres_example.sql"
DATASET_FILE = FIDES / "postgres_example_dataset.yml"
STORE = "postgres"
SCHEMAS = ["public", "backup_schema"]
Variant = Literal["declared", "inferred"]
VARIANTS: tuple[Variant, ...] = ("declared", "inferred")


@dataclass(frozen=True, order=True)
class Field:
    """A field of the dataset: a column of a table of the store's default schema."""

    table: str
    column: str

    def __str__(self) -> str:
        return f"{STORE}.{self.table}.{self.column}"


def require_fides_files() -> None:
    """Skip the calling test, with the reason, when the shared Fides files are not beside the project."""
    for path in (SQL_FILE, DATASET_FILE):
        if not path.is_file():
            pytest.skip(f"Fides conformance file missing: {path}")


def load_fides_database(url: str) -> None:
    """Run postgres_example.sql into the (empty) database at `url`, in one transaction.

    The file holds many statements and no parameters: psycopg sends it whole (simple query protocol).
    CREATE SCHEMA is transactional in PostgreSQL, so no autocommit is needed.
    """
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        conn.execute(SQL_FILE.read_bytes())


def fides_dataset() -> Mapping[str, Any]:
    """The single dataset of postgres_example_dataset.yml."""
    document = yaml.safe_load(DATASET_FILE.read_text(encoding="utf-8"))
    (dataset,) = document["dataset"]
    return dataset  # type: ignore[no-any-return]


def _fields(dataset: Mapping[str, Any]) -> Iterable[tuple[Field, Mapping[str, Any]]]:
    for collection in dataset["collections"]:
        for field in collection["fields"]:
            yield Field(collection["name"], field["name"]), field.get("fides_meta") or {}


def _referenced(dataset: Mapping[str, Any], reference: Mapping[str, Any]) -> Field:
    if reference["dataset"] != dataset["fides_key"]:
        raise ValueError(f"reference to another dataset: {reference['dataset']}")
    table, column = reference["field"].split(".")  # nested (document) fields do not occur in SQL
    return Field(table, column)


def declared_links(dataset: Mapping[str, Any]) -> list[str]:
    """Every `fides_meta.references` as a many-to-one link `store.table.column -> store.table.column`.

    Fides' `direction` says which way its traversal flows (`to`: from this field to the referenced
    one; `from`: the other way), not which side is the foreign key: `login.customer_id` is declared
    `from customer.id` yet refers to it. Our `a -> b` means many rows of a refer to one row of b, so
    the side that is a primary key is the target; only when neither or both are does the direction
    decide (`to`: this field refers to the other, `from`: reversed).
    """
    fields = list(_fields(dataset))
    keys = {field for field, meta in fields if meta.get("primary_key")}
    links = set()
    for field, meta in fields:
        for reference in meta.get("references") or []:
            other = _referenced(dataset, reference)
            if (other in keys) != (field in keys):
                source, target = (field, other) if other in keys else (other, field)
            else:
                source, target = (field, other) if reference.get("direction") != "from" else (other, field)
            links.add(f"{source} -> {target}")
    return sorted(links)


def identity_columns(dataset: Mapping[str, Any]) -> dict[str, list[str]]:
    """The dataset's identity fields per kind: {"email": ["postgres.customer.email", ...]}."""
    found: dict[str, list[str]] = {}
    for field, meta in _fields(dataset):
        if "identity" in meta:
            found.setdefault(meta["identity"], []).append(str(field))
    return found


def write_fides_estate(folder: Path, url: str, variant: Variant) -> Path:
    """Write `folder/estate.yaml` for the Fides database at `url`: links declared, or none (inferred)."""
    dataset = fides_dataset()
    identities = identity_columns(dataset)
    estate: dict[str, Any] = {
        "stores": {STORE: {"kind": "sql", "url": url, "schemas": SCHEMAS}},
        "identity": sorted(identities),
    }
    if variant == "declared":
        estate["links"] = declared_links(dataset)
    # The estate names identity kinds; discovery finds their columns. Fides names the columns: noted.
    notes = [f"# Fides identity fields ({kind}): {', '.join(cols)}" for kind, cols in identities.items()]
    header = [f"# {dataset['name']} ({DATASET_FILE.name}), links {variant}", *notes]
    path = folder / "estate.yaml"
    path.write_text("\n".join(header) + "\n" + yaml.safe_dump(estate, sort_keys=False), encoding="utf-8")
    return path

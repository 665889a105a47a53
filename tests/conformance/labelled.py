"""Schemas written by others (../shared/conformance: Sakila, Chinook) scanned through `ccpa scan`, scored on their labels.

Each schema comes with a label for every column (`labels.json`): the category an expert gives it,
the `alternatives` a careful reviewer also accepts, `sensitive` (must be flagged) and
`sensitive_optional` (either answer is right). A scan conforms when every labelled column of every
base table is in the inventory with an accepted category, every required sensitive column is
flagged and no other column is flagged sensitive. Views are scored when the inventory lists them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from pipelines.cli import main

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"
STORE = "db"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the conformance material and its tools are required)")
    pytest.skip(reason)


def require(*paths: Path, tools: tuple[str, ...] = ()) -> None:
    """Skip (fail under CI=true) with the reason when a shared file or a command-line tool is missing."""
    for path in paths:
        if not path.exists():
            _unavailable(f"conformance file missing: {path}")
    for tool in tools:
        if shutil.which(tool) is None:
            _unavailable(f"{tool} not on PATH: it loads the conformance database")


def load(script: Path, target: str, *args: str) -> None:
    """Run a schema's own loader (`load.sh DBNAME [kind]`), which drops and recreates the target."""
    subprocess.run([str(script), target, *args], check=True, capture_output=True, timeout=300)


def database_name(url: str) -> str:
    return str(make_url(url).database)


def scan(url: str, folder: Path) -> list[dict[str, Any]]:
    """`ccpa scan` through the CLI on an estate holding one SQL store; the inventory's column records."""
    estate = folder / "estate.yaml"
    estate.write_text(f"stores:\n  {STORE}:\n    kind: sql\n    url: {url}\n", encoding="utf-8")
    out = folder / "reports"
    assert main(["scan", "--estate", str(estate), "--out", str(out)]) == 0
    records: list[dict[str, Any]] = json.loads((out / "inventory.json").read_text(encoding="utf-8"))[
        "columns"
    ]
    return records


@dataclass
class Conformance:
    scored: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_flagged: list[str] = field(default_factory=list)
    false_flags: list[str] = field(default_factory=list)
    required_sensitive: int = 0

    def summary(self) -> str:
        flagged = self.required_sensitive - len(self.not_flagged)
        return (
            f"{self.right}/{self.scored} columns right, {flagged}/{self.required_sensitive} sensitive "
            f"flagged, {len(self.false_flags)} false sensitive flags, {len(self.missing)} missing"
        )


def conformance(records: list[dict[str, Any]], labels_file: Path) -> Conformance:
    """The inventory against the labels (table and column names compared case-insensitively)."""
    found = {(r["table"].lower(), r["column"].lower()): r for r in records if r["store"] == STORE}
    result = Conformance()
    for label in json.loads(labels_file.read_text(encoding="utf-8"))["labels"]:
        key = (label["table"].lower(), label["column"].lower())
        where = f"{label['table']}.{label['column']}"
        record = found.get(key)
        if record is None:
            if label["kind"] == "table":
                result.missing.append(where)
            continue
        result.scored += 1
        accepted = [label["category"], *label["alternatives"]]
        if record["category"] in accepted:
            result.right += 1
        else:
            result.wrong.append(
                f"{where}: {record['category']} ({record['entity']}), expected one of {accepted}"
            )
        if label["sensitive"]:
            result.required_sensitive += 1
            if not record["sensitive"]:
                result.not_flagged.append(where)
        elif record["sensitive"] and not label.get("sensitive_optional"):
            result.false_flags.append(f"{where}: {record['sensitive_kind']}")
    return result


def assert_conforms(result: Conformance) -> None:
    problems = [*result.missing, *result.wrong, *result.not_flagged, *result.false_flags]
    assert not result.missing, f"labelled columns not in the inventory: {result.missing}"
    assert not result.wrong, "\n".join(result.wrong)
    assert not result.not_flagged, f"sensitive columns not flagged: {result.not_flagged}"
    assert not result.false_flags, f"flagged sensitive, labelled not: {result.false_flags}"
    assert result.scored > 0 and not problems, result.summary()

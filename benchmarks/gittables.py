"""Accuracy on GitTables (real tables labelled by people), through `ccpa scan`, next to presidio-structured.

    .venv/bin/python -m benchmarks.gittables [--format csv|parquet] [--set PATH] [--errors]

As a user would run it: the tables are written as files (CSV by default; Parquet with every
column a string) into a temporary folder with an estate file naming it, `ccpa scan` runs on it
(in-process, through the CLI's `main`), and inventory.json is scored. Scoring is the set's README:
GENERIC_ID and ORGANIZATION_NAME columns are not scored; binary precision/recall/F1 of "category is
not null"; category accuracy over the PI columns found, with the accepted categories per label. A
commercial, network-activity or inference prediction on a column labelled None is neutral (neither
hit nor miss): under the CCPA an order total in a table naming a person is commercial information,
which the set does not label.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from mappings import MappingError, load_categories
from pipelines import cli
from pipelines.discovery.analyzer import build_analyzer

DEFAULT_SET = (
    Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "gittables" / "gittables_annotated.json"
)
UNSCORED = {"GENERIC_ID", "ORGANIZATION_NAME"}
ACCEPTED = {
    "PERSON_NAME": {"identifiers"},
    "EMAIL_ADDRESS": {"identifiers"},
    "PHONE_NUMBER": {"identifiers"},
    "IMEI_HARDWARE_ID": {"identifiers"},
    "STREET_ADDRESS": {"identifiers", "geolocation"},
    "ZIPCODE": {"identifiers", "geolocation"},
    "DATE_OF_BIRTH": {"identifiers", "protected_classifications"},
    "IP_ADDRESS": {"identifiers", "geolocation", "network_activity"},
    "URL": {"identifiers", "network_activity"},
    "GEO_COORDINATES": {"geolocation"},
    "GENDER": {"protected_classifications"},
    "ETHNIC_GROUP": {"protected_classifications"},
    "AGE": {"protected_classifications"},
    "MARITAL_STATUS": {"protected_classifications"},
    "SPOKEN_LANGUAGE": {"protected_classifications"},
    "OCCUPATION": {"professional"},
}
NEUTRAL_ON_NONE = {"commercial", "network_activity", "inferences"}  # PI only as a consumer's: not labelled
Classifier = Callable[[str, pa.Table], dict[str, str | None]]  # table -> column -> category
Format = Literal["csv", "parquet"]
Tables = dict[str, tuple[pa.Table, dict[str, str]]]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    neutral: int = 0
    right_category: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def category_accuracy(self) -> float:
        return self.right_category / self.tp if self.tp else 0.0


def load_set(path: Path) -> dict[str, tuple[pa.Table, dict[str, str]]]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    tables = {}
    for name, body in raw.items():
        columns = body["columns"]
        data = {
            c: pa.array([None if v == "" else str(v) for v in spec["records"]], pa.string())
            for c, spec in columns.items()
        }
        tables[name] = (pa.table(data), {c: str(spec["pii_gt"]) for c, spec in columns.items()})
    return tables


def score(classify: Classifier, tables: Tables) -> Score:
    result = Score()
    for name, (table, labels) in tables.items():
        found = classify(name, table)
        for column, label in labels.items():
            if label in UNSCORED:
                continue
            category, truth = found.get(column), label != "None"
            if truth and category:
                result.tp += 1
                if category in ACCEPTED.get(label, set()):
                    result.right_category += 1
                else:
                    result.errors.append(f"category {name}:{column} {label} -> {category}")
            elif category in NEUTRAL_ON_NONE:
                result.neutral += 1
            elif category:
                result.fp += 1
                result.errors.append(f"false PI {name}:{column} -> {category}")
            elif truth:
                result.fn += 1
                result.errors.append(f"missed {name}:{column} ({label})")
            else:
                result.tn += 1
    return result


def write_tables(tables: Tables, folder: Path, fmt: Format) -> dict[str, str]:
    """Each table as one file of `folder` (every value a string), named as in the set; file stem -> name."""
    folder.mkdir(parents=True, exist_ok=True)
    stems = {}
    for name, (table, _) in tables.items():
        if table.num_columns == 0:
            continue  # nothing to score; a zero-byte file is a reading case of its own (tests/connectors)
        stem = name.removesuffix(".csv")
        stems[stem] = name
        if fmt == "csv":
            pa_csv.write_csv(table, folder / f"{stem}.csv")
        else:
            pq.write_table(table, folder / f"{stem}.parquet")
    return stems


def through_scan(tables: Tables, fmt: Format) -> tuple[Classifier, str]:
    """`ccpa scan` on the tables written as files: a classifier reading its inventory.json, and what it said."""
    with tempfile.TemporaryDirectory(prefix="ccpa-gittables-") as scratch:
        root = Path(scratch)
        stems = write_tables(tables, root / "tables", fmt)
        estate = root / "estate.yaml"
        estate.write_text(f"stores:\n  gittables:\n    kind: files\n    path: tables\n    format: {fmt}\n")
        said = io.StringIO()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            status = cli.main(["scan", "--estate", str(estate), "--out", str(root / "out")])
        inventory = root / "out" / "inventory.json"
        records = json.loads(inventory.read_text(encoding="utf-8"))["columns"] if inventory.exists() else []
    found: dict[str, dict[str, str | None]] = {}
    for record in records:
        found.setdefault(stems.get(record["table"], record["table"]), {})[record["column"]] = record[
            "category"
        ]
    last = said.getvalue().strip().splitlines()[-1:] or [""]
    return (lambda name, table: found.get(name, {})), f"ccpa scan exit {status}: {last[0]}"


def presidio_structured() -> Classifier:
    """presidio-structured's PandasAnalysisBuilder with its defaults, on Presidio's default recognizers."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_structured import PandasAnalysisBuilder

    from pipelines.discovery.recognizers.web import OfflineEmailRecognizer

    nlp_engine = build_analyzer("auto").engine.nlp_engine
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    registry.remove_recognizer("EmailRecognizer")  # same checks, but without tldextract's download
    registry.add_recognizer(OfflineEmailRecognizer())
    builder = PandasAnalysisBuilder(analyzer=AnalyzerEngine(registry=registry, nlp_engine=nlp_engine))
    categories = load_categories()

    def category(entity: str) -> str | None:
        try:
            return categories.category_of(entity)
        except MappingError:
            return "identifiers" if entity == "DATE_TIME" else "protected_classifications"

    def classify(name: str, table: pa.Table) -> dict[str, str | None]:
        frame = table.to_pandas().fillna("")
        try:
            analysis = builder.generate_analysis(frame, n=len(frame))
        except ValueError:
            return {}
        return {c: category(e) for c, e in analysis.entity_mapping.items()}

    return classify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", help="files written (csv)")
    parser.add_argument("--errors", action="store_true", help="list every misclassified column of ours")
    args = parser.parse_args()
    tables = load_set(args.set)
    rows = []
    started = time.perf_counter()
    classify, said = through_scan(tables, args.format)
    ours = score(classify, tables)
    rows.append((f"ccpa scan ({args.format} files)", ours, time.perf_counter() - started))
    if args.errors:
        print("\n".join(ours.errors))
    peer = presidio_structured()
    started = time.perf_counter()
    rows.append(("presidio-structured 0.0.10", score(peer, tables), time.perf_counter() - started))
    columns = sum(len(labels) for _, labels in tables.values())
    print(f"GitTables: {len(tables)} tables, {columns} columns ({args.set.name}); {said}")
    print(
        f"{'classifier':28} {'precision':>9} {'recall':>7} {'F1':>6} {'category':>9} {'neutral':>8} {'seconds':>8}"
    )
    for label, result, seconds in rows:
        print(
            f"{label:28} {result.precision:9.3f} {result.recall:7.3f} {result.f1:6.3f} "
            f"{result.category_accuracy:9.3f} {result.neutral:8} {seconds:8.1f}"
        )
    ratio = rows[0][1].f1 / rows[1][1].f1 if rows[1][1].f1 else float("inf")
    print(f"F1 ratio ours / presidio-structured: {ratio:.2f}")


if __name__ == "__main__":
    main()

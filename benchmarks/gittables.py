"""Accuracy on GitTables (real tables labelled by people), next to presidio-structured in the same run.

    .venv/bin/python -m benchmarks.gittables [--set ../shared/benchmarks/gittables/gittables_annotated.json]

Scoring is the set's README: GENERIC_ID and ORGANIZATION_NAME columns are not scored; binary
precision/recall/F1 of "category is not null"; category accuracy over the PI columns found, with
the accepted categories per label. Each table is classified on its own (no estate, no links).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from mappings import MappingError, load_categories
from pipelines.discovery.analyzer import build_analyzer
from pipelines.discovery.classify import classify_column
from pipelines.discovery.context import table_context, verdict
from pipelines.discovery.profile import column_sample

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
Classifier = Callable[[str, pa.Table], dict[str, str | None]]  # table -> column -> category


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
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


def score(classify: Classifier, tables: dict[str, tuple[pa.Table, dict[str, str]]]) -> Score:
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
            elif category:
                result.fp += 1
                result.errors.append(f"false PI {name}:{column} -> {category}")
            elif truth:
                result.fn += 1
                result.errors.append(f"missed {name}:{column} ({label})")
            else:
                result.tn += 1
    return result


def ours() -> Classifier:
    setup, categories = build_analyzer("auto"), load_categories()

    def classify(name: str, table: pa.Table) -> dict[str, str | None]:
        findings = [
            classify_column(column_sample(c, table.column(c)), setup, name) for c in table.column_names
        ]
        context = table_context(name, findings, consumer=None)  # a table alone: no estate to ask
        return {f.column: verdict(f, context, categories).category for f in findings}

    return classify


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
    parser.add_argument("--errors", action="store_true", help="list every misclassified column of ours")
    args = parser.parse_args()
    tables = load_set(args.set)
    rows = []
    for label, make in (("ccpa (this product)", ours), ("presidio-structured 0.0.10", presidio_structured)):
        classify = make()
        started = time.perf_counter()
        result = score(classify, tables)
        rows.append((label, result, time.perf_counter() - started))
        if args.errors and label.startswith("ccpa"):
            print("\n".join(result.errors))
    columns = sum(len(labels) for _, labels in tables.values())
    print(f"GitTables: {len(tables)} tables, {columns} columns ({args.set.name})")
    print(f"{'classifier':28} {'precision':>9} {'recall':>7} {'F1':>6} {'category':>9} {'seconds':>8}")
    for label, result, seconds in rows:
        print(
            f"{label:28} {result.precision:9.3f} {result.recall:7.3f} {result.f1:6.3f} "
            f"{result.category_accuracy:9.3f} {seconds:8.1f}"
        )
    ratio = rows[0][1].f1 / rows[1][1].f1 if rows[1][1].f1 else float("inf")
    print(f"F1 ratio ours / presidio-structured: {ratio:.2f}")


if __name__ == "__main__":
    main()

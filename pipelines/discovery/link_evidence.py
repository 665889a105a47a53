"""What a link between tables is and how values confirm it: the link with its basis, confidence and
evidence, the inputs inference works on, and value containment on samples."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from connectors import ColumnRef, Link, TableInfo

TableKey = tuple[str, str]  # (store, table)
Column = tuple[str, str, str]  # (store, table, column)
Basis = Literal["declared", "foreign_key", "naming", "values"]
LARGE = 500_000  # a table this big is not searched to infer links: its sample stands for it

# (store, table, column, values) -> how many of `values` the column holds
Lookup = Callable[[str, str, str, Sequence[object]], int]
# (store, table, column, values, columns) -> those columns of the rows whose column holds a value
Find = Callable[[str, str, str, Sequence[object], Sequence[str]], pa.Table]


@dataclass(frozen=True)
class InferredLink:
    link: Link
    basis: Basis
    confidence: float
    evidence: str

    def as_record(self) -> dict[str, object]:
        return {
            "link": str(self.link),
            "source": str(self.link.source),
            "target": str(self.link.target),
            "kind": self.link.kind,
            "basis": self.basis,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class AmbiguousLink:
    """A column whose values several keys hold, all named alike: no link is chosen for it."""

    source: ColumnRef
    candidates: tuple[InferredLink, ...]

    def describe(self) -> str:
        targets = " or ".join(str(c.link.target) for c in self.candidates)
        return f"{self.source} may refer to {targets}; declare the one it does under `links:`"

    def as_record(self) -> dict[str, object]:
        return {
            "column": str(self.source),
            "candidates": [c.as_record() for c in self.candidates],
            "reason": "several keys hold its sampled values and are named alike: none chosen",
        }


@dataclass(frozen=True)
class LinkInputs:
    tables: Mapping[TableKey, TableInfo]
    samples: Mapping[TableKey, pa.Table]
    entities: Mapping[Column, str | None]  # (store, table, column) -> entity found
    lookup: Lookup
    find: Find | None = None  # rows, for keys of several columns; else their samples stand for them


def ref(column: Column) -> ColumnRef:
    return ColumnRef(store=column[0], table=column[1], column=column[2])


def sample_values(inputs: LinkInputs, column: Column) -> pa.Array | None:
    sample = inputs.samples.get(column[:2])
    if sample is None or column[2] not in sample.column_names:
        return None
    return pc.unique(pc.drop_null(sample.column(column[2]).combine_chunks()))


def unique(inputs: LinkInputs, column: Column, present: bool = False) -> bool:
    """The column's sampled values are distinct (or it is the primary key); `present`: and never null."""
    info = inputs.tables.get(column[:2])
    if info is not None and info.primary_key == (column[2],):
        return True
    sample = inputs.samples.get(column[:2])
    if sample is None or column[2] not in sample.column_names:
        return False
    values = sample.column(column[2]).combine_chunks()
    held = pc.drop_null(values)
    if present and len(held) < len(values):
        return False
    return len(held) > 0 and len(pc.unique(held)) == len(held)


def overlap(inputs: LinkInputs, source: Column, target: Column, casefold: bool = False) -> float | None:
    """Share of the source's sampled distinct values that the target column holds, compared as the
    target's type ('42' finds 42); `casefold`: text in any case (emails)."""
    values = sample_values(inputs, source)
    if values is None or len(values) == 0:
        return None
    info = inputs.tables.get(target[:2])
    if info is not None and (info.row_count or 0) >= LARGE:
        return _sample_overlap(inputs, values, target)
    wanted = values.to_pylist()
    if casefold and pa.types.is_string(values.type):
        wanted = sorted({*wanted, *(str(v).lower() for v in wanted)})
    return min(1.0, inputs.lookup(*target, wanted) / len(values))


def _sample_overlap(inputs: LinkInputs, values: pa.Array, target: Column) -> float | None:
    """Share of the values that the target's own sample holds: a lower bound, costing no read."""
    theirs = sample_values(inputs, target)
    if theirs is None:
        return None
    found = pc.is_in(pc.cast(values, pa.string()), value_set=pc.cast(theirs, pa.string()))
    return float(pc.sum(pc.cast(found, pa.int64())).as_py() or 0) / len(values)

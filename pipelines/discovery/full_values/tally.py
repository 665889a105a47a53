"""What a full read found in one column: counters small enough to send from a task to the client.

A task validates a bounded number of distinct candidate values (`budget`); the share of the rows
of those values that validate stands for the task's other candidates. Where a task checked every
distinct candidate (a sparse column, the case a full read exists for) the counts are exact.
Tallies of the same column from several tasks add up; the order of adding does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class EntityMatches:
    rows: int = 0  # rows holding a validated value of the entity (estimated where not all checked)
    score: float = 0.0  # best recognizer score
    example: str = ""  # masked

    def add(self, other: EntityMatches) -> None:
        self.rows += other.rows
        if other.score > self.score or (other.score == self.score and other.example < self.example):
            self.score, self.example = other.score, other.example


@dataclass
class ColumnTally:
    rows: int = 0  # rows read
    candidate_rows: int = 0  # rows a prefilter pattern admitted
    matched_rows: int = 0  # rows holding a validated value of any entity
    entities: dict[str, EntityMatches] = field(default_factory=dict)
    unreadable: str = ""  # why the column's values could not be read as text (binary, ...)

    def add(self, other: ColumnTally) -> None:
        self.rows += other.rows
        self.candidate_rows += other.candidate_rows
        self.matched_rows += other.matched_rows
        for entity, matches in other.entities.items():
            self.entities.setdefault(entity, EntityMatches()).add(matches)
        self.unreadable = self.unreadable or other.unreadable


@dataclass
class SplitTally:
    """One task's result: a tally per column of its table, or why the table could not be read."""

    store: str
    table: str
    columns: dict[str, ColumnTally] = field(default_factory=dict)
    error: str = ""


def combined(tallies: list[SplitTally]) -> dict[tuple[str, str, str], ColumnTally]:
    """Every column's tally over all the tasks that read it; a table with a failed task is left out."""
    failed = {(t.store, t.table) for t in tallies if t.error}
    columns: dict[tuple[str, str, str], ColumnTally] = {}
    for tally in tallies:
        if (tally.store, tally.table) in failed:
            continue
        for name, column in tally.columns.items():
            columns.setdefault((tally.store, tally.table, name), ColumnTally()).add(column)
    return columns

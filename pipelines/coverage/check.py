"""Does the notice cover what the estate holds? Categories, recipients and sensitive PI, compared.

A gap is something held that the notice does not disclose: a category of PI found but not in the
notice's table, a recipient kind the estate shares a category with that the notice does not name
for it, a sensitive kind found that the notice does not name. Gaps make the check fail. Categories
the notice discloses but nothing holds (over-disclosure) are reported, not failed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from mappings import CategoryMap, Notice
from pipelines.discovery.nested import qualified

GapKind = Literal["undisclosed_category", "undisclosed_recipient", "unnamed_sensitive_kind"]


@dataclass(frozen=True)
class FoundColumn:
    store: str
    table: str
    column: str
    category: str | None
    entity: str | None
    sensitive_kind: str | None
    path: str | None = None  # a leaf inside a document column: each path counts as a column

    @property
    def name(self) -> str:
        where = f"{self.store}.{self.table}.{self.column}"
        return where if not self.path else qualified(where, self.path)


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    subject: str  # the category, recipient kind or sensitive kind
    columns: tuple[str, ...]
    suggestion: str
    category: str | None = None


@dataclass
class CategoryCoverage:
    key: str
    title: str
    disclosed: bool
    columns: list[str] = field(default_factory=list)
    by_store: dict[str, int] = field(default_factory=dict)
    recipients_found: list[str] = field(default_factory=list)
    recipients_disclosed: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.columns)


@dataclass
class Coverage:
    categories: list[CategoryCoverage]
    gaps: list[Gap]
    sensitive: dict[str, list[str]]  # kind -> columns
    over_disclosed: list[str]
    stores: list[str]

    @property
    def ok(self) -> bool:
        return not self.gaps


def check_coverage(
    columns: Iterable[FoundColumn],
    shared_with: Mapping[str, Iterable[str]],  # store -> recipient kinds it shares with
    notice: Notice,
    categories: CategoryMap,
) -> Coverage:
    found = [c for c in columns if c.category]
    stores = sorted(shared_with)
    rows = [_category_row(key, found, shared_with, notice, categories) for key in categories.categories]
    sensitive: dict[str, list[str]] = defaultdict(list)
    for column in found:
        if column.sensitive_kind:
            sensitive[column.sensitive_kind].append(column.name)
    gaps = [*_category_gaps(rows, notice), *_sensitive_gaps(sensitive, notice)]
    over = [row.key for row in rows if row.disclosed and not row.found]
    return Coverage(rows, gaps, dict(sensitive), over, stores)


def _category_row(
    key: str,
    found: list[FoundColumn],
    shared_with: Mapping[str, Iterable[str]],
    notice: Notice,
    categories: CategoryMap,
) -> CategoryCoverage:
    held = [c for c in found if c.category == key]
    by_store: dict[str, int] = defaultdict(int)
    recipients: set[str] = set()
    for column in held:
        by_store[column.store] += 1
        recipients.update(shared_with.get(column.store, ()))
    return CategoryCoverage(
        key=key,
        title=categories.categories[key].title,
        disclosed=key in notice.disclosed_categories(),
        columns=[c.name for c in held],
        by_store=dict(by_store),
        recipients_found=sorted(recipients),
        recipients_disclosed=sorted(notice.recipients_of(key)),
    )


def _category_gaps(rows: list[CategoryCoverage], notice: Notice) -> Iterable[Gap]:
    for row in rows:
        if row.found and not row.disclosed:
            yield Gap(
                "undisclosed_category",
                row.key,
                tuple(row.columns),
                f"Add a row '{row.title}' to the notice's table, with examples of what is held "
                f"({len(row.columns)} columns) and the recipients it is shared with "
                f"({', '.join(row.recipients_found) or 'none'}); or stop holding it.",
                row.key,
            )
        elif row.found:
            for recipient in sorted(set(row.recipients_found) - set(row.recipients_disclosed)):
                yield Gap(
                    "undisclosed_recipient",
                    recipient,
                    tuple(row.columns),
                    f"Name '{recipient.replace('_', ' ')}' among the recipients of '{row.title}' in the "
                    "notice's table, or stop sharing it with them.",
                    row.key,
                )


def _sensitive_gaps(sensitive: Mapping[str, list[str]], notice: Notice) -> Iterable[Gap]:
    for kind, columns in sorted(sensitive.items()):
        if not notice.names_sensitive_kind(kind):
            yield Gap(
                "unnamed_sensitive_kind",
                kind,
                tuple(columns),
                f"Name '{kind.replace('_', ' ')}' in the notice's paragraph on sensitive personal "
                "information (right to limit), or stop holding it.",
            )

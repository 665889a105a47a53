"""What a column's entity means in its table: the notice's category and the CPRA sensitivity.

A column classifier sees values; whether they are personal information depends on the record:
- a catalogue (a table holding no consumer identifier and linked to none: plans, a tower list) holds
  no personal information, whatever its columns look like;
- commercial, network-activity and inference data are personal only where the rows belong to a
  consumer, which only the estate can tell (`consumer=None` when there is no estate to ask: the
  column-level view, where such columns get no category);
- a timestamp takes the category of the record it dates (an invoice's date is transaction
  history, a session's start is network activity, a segment's update is part of the inference);
  a row-maintenance time (`last_update`) dates only transactions and profiles, not an identity
  record or a reference table;
- a URL is an online identifier, except in an activity log, where it is a page visited;
- a name or address held with a card or bank number is a customer record (1798.80(e));
- in a consumer's activity log (events per device or SIM), every other descriptive column is part
  of the data transmission history;
- free text takes the category of the personal information it mentions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from mappings import FREE_TEXT, CategoryMap
from pipelines.discovery.classify import ColumnFinding
from pipelines.discovery.column_names import tokens, vocabulary

ASSOCIATED = frozenset({"commercial", "network_activity", "inferences"})
DIRECT = frozenset({"identifiers", "customer_records"})  # categories that make a table a consumer's
# Categories of what describes a person (employer, nationality): a key column holding one refers to a row.
DESCRIPTIVE = frozenset({"professional", "protected_classifications"})
# Categories that make a table's rows people's even without a name: de-identified demographics.
DESCRIBES_PEOPLE = DIRECT | {"protected_classifications"}
# Identifiers that name things as readily as people: a song's title and composer, a product's page.
NAMING = frozenset({"PERSON", "URL"})
PersonalEvidence = Literal["identifies", "names", "none"]
DATED = frozenset({"TIMESTAMP", "TRANSACTION_DATE"})
RECORDS_DATED_BY_MAINTENANCE = frozenset({"commercial", "inferences"})  # a row's update is part of them
VISITED = frozenset({"URL"})  # in an activity log, the pages visited
HELD_WITH_FINANCIAL = frozenset({"PERSON", "STREET_ADDRESS", "POSTAL_CODE"})
DEVICE_IDS = frozenset({"IMSI", "IMEI", "ICCID", "MSISDN", "IP_ADDRESS", "COOKIE_ID", "MAC_ADDRESS"})
# Which category a free-text column takes, by the most telling PI it mentions.
MENTION_ORDER = (
    "customer_records",
    "identifiers",
    "protected_classifications",
    "geolocation",
    "biometric",
    "professional",
    "education",
    "sensory",
)


@dataclass(frozen=True)
class TableContext:
    consumer: bool | None  # rows belong to consumers (True), a catalogue (False), unknown (None)
    entities: frozenset[str]  # entities found in the table's columns
    record: str  # the category of the record a timestamp dates
    activity_log: bool  # events per device/SIM of a consumer
    keys: frozenset[str] = frozenset()  # key columns (primary, foreign, link ends): no category


@dataclass(frozen=True)
class Verdict:
    entity: str | None
    category: str | None
    sensitive_kind: str | None
    note: str = ""


def direct_categories(findings: Iterable[ColumnFinding], categories: CategoryMap) -> set[str]:
    return {c for f in findings if f.entity and (c := _category(f.entity, categories))}


def personal_evidence(findings: Iterable[ColumnFinding], categories: CategoryMap) -> PersonalEvidence:
    """Whether a table's own columns identify or describe people, only name someone or something, or neither."""
    direct = {f.entity for f in findings if f.entity and _category(f.entity, categories) in DESCRIBES_PEOPLE}
    if not direct:
        return "none"
    return "names" if direct <= NAMING else "identifies"


def empty_columns_named(
    findings: list[ColumnFinding], categories: CategoryMap, view: bool
) -> list[ColumnFinding]:
    """An empty column keeps what its strong name says (`zip code`) only in a view whose other columns'
    values identify people: a view's column is a projection someone named on purpose, while an empty
    column of a table (an export template's unused `s_email`) shows nothing is held there."""
    if view and personal_evidence([f for f in findings if f.non_empty > 0], categories) == "identifies":
        return findings
    return [
        replace(
            f, entity=None, confidence=0.0, evidence=(f"no values in the sample; name suggests {f.entity}",)
        )
        if f.entity and f.non_empty == 0 and f.prevalence == 0.0  # the name alone, no value, said it
        else f
        for f in findings
    ]


def table_context(
    table: str, findings: list[ColumnFinding], consumer: bool | None, keys: Iterable[str] = ()
) -> TableContext:
    entities = frozenset(f.entity for f in findings if f.entity)
    words = set(tokens(table.split(".")[-1]))
    words |= {w[:-1] for w in words if w.endswith("s")}
    if words & vocabulary().commercial_records:
        record = "commercial"
    elif entities & {"SCORE", "SEGMENT"}:
        record = "inferences"
    else:
        record = "network_activity"
    repeated_device = any(f.entity in DEVICE_IDS and f.prevalence > 0 and not f.unique for f in findings)
    activity_log = bool(consumer) and bool(entities & DATED) and repeated_device
    return TableContext(consumer, entities, record, activity_log, frozenset(keys))


def verdict(finding: ColumnFinding, context: TableContext, categories: CategoryMap) -> Verdict:
    entity = finding.entity
    if context.consumer is False:
        note = "catalogue: the table holds no consumer identifier and links to none" if entity else ""
        return Verdict(entity, None, None, note)
    if finding.column in context.keys and entity in (None, "UUID"):
        return Verdict(None, None, None)
    if entity is None:
        if context.activity_log and finding.non_empty > 0:
            return Verdict(
                "USAGE_DETAIL", "network_activity", None, "a detail of the consumer's activity log"
            )
        return Verdict(None, None, None)
    if entity == FREE_TEXT:
        return _free_text(finding, categories)
    category = _category(entity, categories)
    if entity in DATED and category is not None:
        category = context.record
        if category not in RECORDS_DATED_BY_MAINTENANCE and vocabulary().is_row_maintenance(finding.column):
            return Verdict(entity, None, None, "row maintenance: when the row was last written")
    if entity in VISITED and context.activity_log:
        category = "network_activity"
    if finding.column in context.keys and category in DESCRIPTIVE:
        return Verdict(
            entity, None, None, "a key: it refers to a row ('base.main_company'), it describes no one"
        )
    if entity in HELD_WITH_FINANCIAL and _holds_financial(context, categories):
        category = "customer_records"
    if category in ASSOCIATED and context.consumer is None:
        return Verdict(entity, None, None, f"{category} only where the rows belong to a consumer")
    kind = categories.sensitive_kind_of(entity, context.entities) if category else None
    return Verdict(entity, category, kind)


def _category(entity: str, categories: CategoryMap) -> str | None:
    return categories.category_of(entity) if entity in categories.entities else None


def _holds_financial(context: TableContext, categories: CategoryMap) -> bool:
    return any(
        categories.sensitive_kind_of(e, context.entities) == "financial_account"
        for e in context.entities
        if e in categories.entities
    )


def _free_text(finding: ColumnFinding, categories: CategoryMap) -> Verdict:
    mentioned = {e: _category(e, categories) for e in finding.mentions if e in categories.entities}
    found = [c for c in MENTION_ORDER if c in mentioned.values()]
    if not found:
        return Verdict(FREE_TEXT, None, None, "free text mentioning no personal information")
    kinds = [k for e in mentioned if (k := categories.sensitive_kind_of(e, set(mentioned)))]
    return Verdict(
        FREE_TEXT, found[0], kinds[0] if kinds else None, "free text: category of what it mentions"
    )

"""Links by naming: a column named after a table (`customer_id`, `cust_id`, `customerId`,
`fk_customer`, `id_customer`, `customers`) or like another table's key (`charges.acct_no` and the
key `acct.acct_no`), confirmed when that key holds the column's sampled values.

A table's key is its primary key, else (no key declared) a column named after the table, or `id`,
whose sampled values are all present and distinct. Integer and text keys meet: '42' finds 42.
When several keys fit a column equally well, no link is chosen and the column is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyarrow as pa

from connectors import Link, TableInfo
from pipelines.discovery.column_names import tokens
from pipelines.discovery.key_names import (
    RANK,
    Match,
    can_be_key,
    key_like,
    named_after_own_table,
    names_table,
    stems,
)
from pipelines.discovery.link_evidence import (
    AmbiguousLink,
    Column,
    InferredLink,
    LinkInputs,
    TableKey,
    overlap,
    ref,
    unique,
)

CONTAINED = 0.8  # share of the column's sampled values the key must hold
CLOSE = 0.1  # two candidates whose containment differs by less are equally good
CONFIDENCE: dict[Match, float] = {"table": 0.6, "key": 0.6, "abbreviation": 0.5}


@dataclass(frozen=True)
class _Candidate:
    target: Column
    match: Match
    stem_words: int  # 'shipping_address' (2) is closer than 'address' (1)
    other_store: bool
    contained: float

    def order(self) -> tuple[int, int, bool]:
        return (RANK[self.match], -self.stem_words, self.other_store)


def by_naming(inputs: LinkInputs, linked: set[Column]) -> tuple[list[InferredLink], list[AmbiguousLink]]:
    """A link for each column whose name and values fit one key best; `linked`: columns that
    already refer to a row (declared, foreign keys), left as they are."""
    keys = table_keys(inputs)
    found: list[InferredLink] = []
    ambiguous: list[AmbiguousLink] = []
    for (store, table), info in inputs.tables.items():
        for column in info.columns:
            source = (store, table, column.name)
            if source in linked or not can_be_key(column.name, column.type, inputs.entities.get(source)):
                continue
            if keys.get((store, table)) == column.name and _names_own_table(column.name, table):
                continue  # a table's own key refers to nothing (`actor_info.actor_id` does: to actor)
            best = _best(_candidates(inputs, source, keys))
            if len(best) == 1:
                found.append(_link(source, best[0]))
            elif best:
                ambiguous.append(AmbiguousLink(ref(source), tuple(_link(source, c) for c in best)))
    return found, ambiguous


def table_keys(inputs: LinkInputs) -> dict[TableKey, str]:
    """Each table's one-column key: its primary key, else the column named after it (or `id`)
    whose sampled values are all present and distinct."""
    keys: dict[TableKey, str] = {}
    for key, info in inputs.tables.items():
        if len(info.primary_key) == 1:
            (named,) = info.primary_key
            if can_be_key(named, _type(info, named), inputs.entities.get((*key, named))):
                keys[key] = named
            continue
        if info.primary_key:
            continue  # a composite key: no one column names its rows
        for column in info.columns:
            if (
                key_like(column.name)
                and named_after_own_table(column.name, key[1])
                and can_be_key(column.name, column.type, inputs.entities.get((*key, column.name)))
                and (tokens(column.name) == ("id",) or unique(inputs, (*key, column.name), present=True))
            ):
                keys[key] = column.name
                break
    return keys


def _candidates(inputs: LinkInputs, source: Column, keys: Mapping[TableKey, str]) -> Iterable[_Candidate]:
    words = tokens(source[2])
    forms = stems(source[2])
    for (store, table), key in keys.items():
        if (store, table) == source[:2]:
            continue
        named = [(m, len(stem)) for stem in forms if (m := names_table(stem, table)) is not None]
        if words == tokens(key) and words != ("id",):
            named.append(("key", len(words)))
        if not named:
            continue
        match, stem_words = min(named, key=lambda n: (RANK[n[0]], -n[1]))
        contained = overlap(inputs, source, (store, table, key))
        if contained is not None and contained >= CONTAINED:
            yield _Candidate((store, table, key), match, stem_words, store != source[0], contained)


def _best(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    """The closest-named candidates; more than one when no name or containment tells them apart."""
    found = sorted(candidates, key=lambda c: (c.order(), -c.contained))
    if not found:
        return []
    top = found[0]
    return [c for c in found if c.order() == top.order() and top.contained - c.contained < CLOSE]


def _link(source: Column, candidate: _Candidate) -> InferredLink:
    target = candidate.target
    how = {
        "table": f"name {source[2]} names table {target[1]}",
        "key": f"name {source[2]} is the name of {target[1]}'s key",
        "abbreviation": f"name {source[2]} abbreviates table {target[1]}",
    }[candidate.match]
    evidence = (
        f"{how} -> {target[1]}.{target[2]}; {candidate.contained:.0%} of sampled values found in that key"
    )
    confidence = CONFIDENCE[candidate.match] + 0.4 * candidate.contained
    return InferredLink(
        Link(source=ref(source), target=ref(target), kind="reference"), "naming", confidence, evidence
    )


def _type(info: TableInfo, column: str) -> pa.DataType:
    return next(c.type for c in info.columns if c.name == column)


def _names_own_table(column: str, table: str) -> bool:
    return tokens(column) == ("id",) or any(names_table(stem, table) for stem in stems(column)[:1])

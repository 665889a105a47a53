"""A column's finding after its full read: what the sample missed, classified from the matches.

Only a column the sample found no personal information in changes, and only where the full read
saw more values than the sample did. A free-text column adds the kinds of PI its values mention; an
unclassified column takes the entity most of its matched values are (the more specific one on a
tie), counting only matches a check made certain (score 1.0: Luhn, mod-97, a known domain...), as
a sparse value in a structured column (a 16-digit order number that reads as a phone) is more
often a decoy than a person. Either is marked `found_by: full_values`, with evidence
counting the values ("full read: 100 of 200,000 values are EMAIL_ADDRESS (e.g. j••••••om)").
"""

from __future__ import annotations

from dataclasses import replace

from mappings import FREE_TEXT
from pipelines.discovery.classify import SPECIFICITY, ColumnFinding
from pipelines.discovery.full_values.tally import ColumnTally, EntityMatches

SAMPLE, FULL_VALUES = "sample", "full_values"
CERTAIN = 1.0  # the score a recognizer's validation gives a match it proves


def refined(finding: ColumnFinding, tally: ColumnTally) -> tuple[ColumnFinding, str]:
    """The finding to keep, and which read found its entity (`sample` or `full_values`)."""
    found = {e: m for e, m in tally.entities.items() if m.rows > 0}
    if not found or tally.rows <= finding.non_empty:
        return finding, SAMPLE
    if finding.entity == FREE_TEXT:
        new = {e: m for e, m in found.items() if e not in finding.mentions}
        if not new:
            return finding, SAMPLE
        mentions = {**finding.mentions, **{e: m.rows for e, m in new.items()}}
        others = tuple(sorted({*finding.other_entities, *new}))
        evidence = (*finding.evidence, *_evidence(new, tally.rows))
        return replace(finding, mentions=mentions, other_entities=others, evidence=evidence), FULL_VALUES
    found = {e: m for e, m in found.items() if m.score >= CERTAIN}
    if finding.entity is not None or not found:
        return finding, SAMPLE
    ranked = sorted(found, key=lambda e: (found[e].rows, _specific(e)), reverse=True)
    best = found[ranked[0]]
    decided = replace(
        finding,
        entity=ranked[0],
        confidence=min(0.9, 0.5 + 0.4 * best.score),
        prevalence=best.rows / tally.rows if tally.rows else 0.0,
        evidence=(*_evidence(found, tally.rows), f"the sample: {'; '.join(finding.evidence)}"),
        other_entities=tuple(ranked[1:]),
    )
    return decided, FULL_VALUES


def _evidence(found: dict[str, EntityMatches], rows: int) -> tuple[str, ...]:
    return tuple(
        f"full read: {m.rows:,} of {rows:,} values are {entity} (e.g. {m.example})"
        for entity, m in sorted(found.items(), key=lambda item: -item[1].rows)
    )


def _specific(entity: str) -> int:
    return len(SPECIFICITY) - SPECIFICITY.index(entity) if entity in SPECIFICITY else 0

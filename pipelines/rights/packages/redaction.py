"""Values an access package must never disclose (1798.110; 11 CCR 7024(d)), hidden before anything is written.

Every rule is in the tables below:
- a column's treatment comes from categories.yaml (`disclosure` of its entity), else from its sensitive
  kind (BY_SENSITIVE_KIND), else from its name (SECRET_COLUMN_NAMES: security questions have no entity);
- free text (entity FREE_TEXT) keeps its words, with every number IN_TEXT recognises masked in place,
  whatever sensitive kind its mentions gave it (a ticket is never withheld whole for what it mentions);
- the raw values hidden anywhere are then removed from every other text of the package (`scrub`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
from presidio_analyzer import EntityRecognizer

from mappings import FREE_TEXT, CategoryMap
from pipelines.discovery.recognizers.government import country_id_recognizers
from pipelines.rights.model import ColumnMeaning

Treatment = Literal["withhold", "last4", "mask_in_text"]
LAW = "Cal. Civ. Code 1798.110; Cal. Code Regs. tit. 11, 7024(d)"
MIN_SCRUBBED = 8  # shorter hidden values are not searched for in other texts (they would hit by chance)

# What is held, in the consumer's words, by entity and (for entities not listed) by sensitive kind.
HELD_AS = {
    "PASSWORD_HASH": "password hash",
    "CREDIT_CARD": "card number",
    "IBAN_CODE": "bank account number (IBAN)",
    "BANK_ACCOUNT": "bank account number",
    "US_BANK_NUMBER": "bank account number",
    "CRYPTO": "crypto wallet address",
    "US_SSN": "social security number",
    "US_DRIVER_LICENSE": "driver's license number",
    "US_PASSPORT": "passport number",
    "US_ITIN": "taxpayer identification number",
    "UK_NHS": "NHS number",
    "UK_NINO": "National Insurance number",
    "BIOMETRIC": "biometric data",
}
BY_SENSITIVE_KIND: dict[str, tuple[Treatment, str]] = {
    "financial_account": ("withhold", "financial account number"),
    "government_id": ("withhold", "government id number"),
    "biometric": ("withhold", "biometric data"),
}
SECRET_COLUMN_NAMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(security|secret)_?(question|answer)", re.I), "security question or answer"),
    (re.compile(r"pass_?(word|wd|phrase)|pwd", re.I), "password"),
]


@dataclass(frozen=True)
class Rule:
    treatment: Treatment
    held: str  # what is held, in plain words

    def statement(self) -> str:
        return f"[held: {self.held} — not disclosed for security]"


@dataclass(frozen=True)
class Withheld:
    """One column whose values the package hides, for the manifest and the report."""

    table: str  # store.table
    column: str
    treatment: Treatment
    held: str
    values: int  # how many values were hidden or masked
    reason: str = "not disclosed for the consumer's security"
    law: str = LAW


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def last_four(value: str) -> str:
    """A card number as '•••• •••• •••• 4242'; a value too short to be one is withheld whole."""
    digits = re.sub(r"\D", "", value)
    return (
        f"•••• •••• •••• {digits[-4:]}" if len(digits) >= 12 else Rule("withhold", "card number").statement()
    )


def _is_card(digits: str) -> bool:
    # ISO/IEC 7812: a leading 8 is telecommunications (SIM ICCIDs, which pass Luhn too), not a payment card.
    return 13 <= len(digits) <= 19 and digits[0] != "8" and _luhn(digits)


Span = tuple[int, int, str]  # start, end, what replaces the text between


def _cards(text: str) -> Iterator[Span]:
    """Card numbers: 13-19 digits passing Luhn, written whole or in groups split by spaces or dashes."""
    for run in _DIGIT_RUN.finditer(text):
        groups = list(re.finditer(r"\d+", run.group()))
        first = 0
        while first < len(groups):
            for last in range(len(groups), first, -1):
                digits = "".join(g.group() for g in groups[first:last])
                if _is_card(digits):
                    start, end = run.start() + groups[first].start(), run.start() + groups[last - 1].end()
                    yield start, end, last_four(digits)
                    first = last
                    break
            else:
                first += 1


def _matches(pattern: str, held: str) -> Callable[[str], Iterator[Span]]:
    compiled = re.compile(pattern)
    statement = Rule("withhold", held).statement()
    return lambda text: ((m.start(), m.end(), statement) for m in compiled.finditer(text))


def _recognised(recognizer: EntityRecognizer, held: str) -> Callable[[str], Iterator[Span]]:
    """The numbers one of discovery's recognizers finds in a text (held to its context words)."""
    statement = Rule("withhold", held).statement()
    entities = recognizer.supported_entities
    return lambda text: ((r.start, r.end, statement) for r in recognizer.analyze(text, entities, None))  # type: ignore[arg-type]


_DIGIT_RUN = re.compile(r"\d+(?:[ -]\d+)*")
# Numbers masked inside free text, first match wins where two overlap. Other countries' ids count only
# as discovery counts them: with their context words, never inside a phone number.
IN_TEXT: list[Callable[[str], Iterator[Span]]] = [
    _matches(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b", "bank account number (IBAN)"),
    _matches(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)", "social security number"),
    _cards,
    *(_recognised(r, HELD_AS[r.supported_entities[0]]) for r in country_id_recognizers()),
]


def rule_for(column: str, meaning: ColumnMeaning, categories: CategoryMap) -> Rule | None:
    """How `column` must be hidden in an access package, or None when its values may be given."""
    entity = meaning.entity
    if entity is not None and entity in categories.entities:
        disclosure = categories.never_disclose(entity)
        if disclosure is not None:
            return Rule(disclosure, HELD_AS.get(entity, _words(column)))
    if entity == FREE_TEXT:  # its sensitive kind is what it mentions: the mentions are masked, not the text
        return Rule("mask_in_text", "card, social security, government id or bank account numbers")
    if meaning.sensitive_kind in BY_SENSITIVE_KIND:
        treatment, held = BY_SENSITIVE_KIND[meaning.sensitive_kind]
        return Rule(treatment, HELD_AS.get(entity or "", held))
    for pattern, held in SECRET_COLUMN_NAMES:
        if pattern.search(column):
            return Rule("withhold", held)
    return None


def mask_text(text: str) -> tuple[str, list[str]]:
    """`text` with every number IN_TEXT recognises masked in place, and the pieces it masked."""
    taken: list[Span] = []
    for find in IN_TEXT:
        taken += [s for s in find(text) if all(s[1] <= t[0] or t[1] <= s[0] for t in taken)]
    pieces = [text[start:end] for start, end, _ in taken]
    for start, end, shown in sorted(taken, reverse=True):
        text = text[:start] + shown + text[end:]
    return text, pieces


@dataclass
class Concealed:
    rows: pa.Table
    withheld: list[Withheld]
    hidden: set[str]  # raw values removed, to scrub from every other text


def conceal(
    key: str, rows: pa.Table, meanings: dict[str, ColumnMeaning], categories: CategoryMap
) -> Concealed:
    """`rows` with every never-disclose value hidden, what was hidden, and the raw values."""
    withheld: list[Withheld] = []
    hidden: set[str] = set()
    for name in rows.column_names:
        rule = rule_for(name, meanings.get(name, ColumnMeaning(None, None)), categories)
        if rule is None:
            continue
        raw = [None if v is None else str(v) for v in rows[name].to_pylist()]
        shown, removed = _apply(rule, raw)
        hidden.update(removed, (re.sub(r"[\s-]", "", v) for v in removed))  # also as written unspaced
        if removed:
            withheld.append(Withheld(key, name, rule.treatment, rule.held, len(removed)))
        rows = rows.set_column(rows.schema.get_field_index(name), name, pa.array(shown, pa.string()))
    return Concealed(rows, withheld, hidden)


def _apply(rule: Rule, raw: list[str | None]) -> tuple[list[str | None], list[str]]:
    """The values shown in place of `raw`, and the raw values (or pieces of text) hidden."""
    present = [v for v in raw if v is not None]
    if rule.treatment == "withhold":
        return [None if v is None else rule.statement() for v in raw], present
    if rule.treatment == "last4":
        return [None if v is None else last_four(v) for v in raw], present
    masked = [mask_text(v) for v in present]
    shown = iter(text for text, _ in masked)
    return [None if v is None else next(shown) for v in raw], [p for _, pieces in masked for p in pieces]


def scrub(rows: pa.Table, hidden: Iterable[str]) -> pa.Table:
    """Replace every occurrence of a hidden value (long enough to be told apart) in `rows`' texts."""
    values = sorted((v for v in set(hidden) if len(v) >= MIN_SCRUBBED), key=len, reverse=True)
    if not values:
        return rows
    for index, field in enumerate(rows.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            column = rows.column(index)
            for value in values:
                column = pc.replace_substring(column, value, "[held: withheld value — not disclosed]")
            rows = rows.set_column(index, field, column)
    return rows


def _words(column: str) -> str:
    return column.replace("_", " ").strip()


def first_leak(files: dict[str, bytes], hidden: Iterable[str]) -> str | None:
    """The first of `files` that still shows a hidden value (long enough to be told apart), or None."""
    values = [value.encode("utf-8") for value in hidden if len(value) >= MIN_SCRUBBED]
    return next((name for name, content in files.items() if any(v in content for v in values)), None)

"""What a column's name says: tokens, and the entities the vocabulary (mappings/column_names.yaml) names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml

Strength = Literal["strong", "weak"]
GENERIC_PATTERNS = frozenset({"name", "age"})  # say nothing of a person when a qualifier names a thing

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])")
_SEPARATORS = re.compile(r"[^0-9A-Za-z\u00C0-\uFFFF]+")


def tokens(name: str) -> tuple[str, ...]:
    """'nameFirst' -> (name, first); 'e_mail' -> (e, mail); 'telephone_1' -> (telephone, 1)."""
    spaced = _CAMEL.sub(" ", name)
    return tuple(t.lower() for t in _SEPARATORS.split(spaced) if t)


@dataclass(frozen=True)
class NameHint:
    entity: str
    strength: Strength
    pattern: str  # the vocabulary entry that matched, for the evidence
    bare_name: bool = False  # only the token "name": a person only if the values agree


@dataclass(frozen=True)
class Vocabulary:
    patterns: tuple[tuple[tuple[str, ...], str, Strength], ...]  # longest first
    vetoes: frozenset[str]
    qualifiers: frozenset[str]
    contradictions: dict[str, frozenset[str]]
    commercial_records: frozenset[str] = frozenset()  # table-name words of purchase records
    row_maintenance: tuple[tuple[str, ...], ...] = ()  # names of a row's last-written time

    def is_row_maintenance(self, name: str) -> bool:
        """Whether the column's name says it is when the row was last written ('last_update')."""
        words = tokens(name)
        return any(_find(words, phrase) >= 0 for phrase in self.row_maintenance)

    def contradicts(self, name: str, entity: str) -> bool:
        """Whether the name rules the entity out ('firmware_version' rules out IP_ADDRESS)."""
        return bool(set(tokens(name)) & self.contradictions.get(entity, frozenset()))

    def hints(self, name: str, table: str = "") -> list[NameHint]:
        """Entities the name suggests, best first; none when a veto token turns the name into a flag.

        The table's name qualifies a generic column name: `name` in `products` is a product's.
        """
        words = tokens(name)
        found: dict[str, NameHint] = {}
        covered: set[int] = set()
        for pattern, entity, strength in self.patterns:  # longest first
            for glued_at, variant in _joined_variants(words):
                start = _find(variant, pattern)
                if start < 0 or entity in found:
                    continue
                span = _original_span(glued_at, start, len(pattern))
                if span <= covered:
                    continue  # inside a longer match: 'login name' is not also a person's name
                found[entity] = NameHint(entity, strength, " ".join(pattern), bare_name=pattern == ("name",))
                covered |= span
        if not found:
            return []
        rest = {w for i, w in enumerate(words) if i not in covered}
        if rest & self.vetoes:
            return []
        hints = list(found.values())
        table_words = {w[:-1] if w.endswith("s") else w for w in tokens(table.split(".")[-1])}
        if (rest | table_words) & self.qualifiers:  # 'station name', 'building age': of a thing
            hints = [h for h in hints if h.pattern not in GENERIC_PATTERNS]
        return sorted(hints, key=lambda h: (h.strength != "strong", h.bare_name))


def _joined_variants(words: tuple[str, ...]) -> list[tuple[int, tuple[str, ...]]]:
    """The tokens, and the tokens with one pair glued ('do','b' -> 'dob'), with where the glue is."""
    variants: list[tuple[int, tuple[str, ...]]] = [(-1, words)]
    singular = tuple(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)
    if singular != words:
        variants.append((-1, singular))  # 'middle names' meets 'middle name'
    for i in range(len(words) - 1):
        variants.append((i, (*words[:i], words[i] + words[i + 1], *words[i + 2 :])))
    return variants


def _original_span(glued_at: int, start: int, length: int) -> set[int]:
    """Positions in the unglued tokens covered by a match in a glued variant."""
    span: set[int] = set()
    for j in range(start, start + length):
        if glued_at < 0 or j < glued_at:
            span.add(j)
        elif j == glued_at:
            span |= {j, j + 1}
        else:
            span.add(j + 1)
    return span


def _find(words: tuple[str, ...], pattern: tuple[str, ...]) -> int:
    n = len(pattern)
    for start in range(len(words) - n + 1):
        if words[start : start + n] == pattern:
            return start
    return -1


@cache
def vocabulary() -> Vocabulary:
    text = resources.files("mappings").joinpath("column_names.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    patterns: list[tuple[tuple[str, ...], str, Strength]] = []
    for entity, levels in raw["entities"].items():
        for strength in ("strong", "weak"):
            for phrase in levels.get(strength, []):
                patterns.append((tuple(str(phrase).split()), entity, strength))
    patterns.sort(key=lambda p: (-len(p[0]), p[2] != "strong"))
    return Vocabulary(
        patterns=tuple(patterns),
        vetoes=frozenset(str(v) for v in raw["vetoes"]),
        qualifiers=frozenset(str(q) for q in raw["qualifiers"]),
        contradictions={e: frozenset(map(str, words)) for e, words in raw["contradictions"].items()},
        commercial_records=frozenset(str(w) for w in raw["commercial_records"]),
        row_maintenance=tuple(tuple(str(p).split()) for p in raw["row_maintenance"]),
    )

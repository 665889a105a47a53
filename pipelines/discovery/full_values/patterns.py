"""The recognizers' patterns as one vectorised RE2 pass per column: a prefilter, never a verdict.

Presidio's patterns use lookarounds and back-references, which RE2 lacks. `relaxed` drops every
lookaround and replaces a back-reference by its group's own text: the result matches everything
the pattern matches (and a little more), so it can only let through extra candidates, which the
recognizer itself then rejects. All relaxed patterns of the recognizers that find personal
information by themselves are joined by alternation into one case-insensitive RE2 expression.
Only patterns that can decide without context take part: one scoring at least `STRONG_SCORE`, or
any pattern of a recognizer whose validation (Luhn, mod-97, ...) can make a match certain.
URLs are left to the sample: the URL pattern (every top-level domain) alone costs more than all
the others together, and a URL in a value names a page more often than a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer

from mappings import CategoryMap
from pipelines.discovery.classify import STRONG_SCORE
from pipelines.discovery.context import ASSOCIATED
from pipelines.discovery.value_evidence import NER_ENTITIES
from pipelines.discovery.value_shapes import SHAPES

# Recognizers that are not patterns, with a superset of what they accept (their own check follows).
PREFILTERS = {"PHONE_NUMBER": r"\+?\(?\d(?:[\s().\-/]{0,2}\d){9,14}"}  # 10-15 digits
ANY_VALUE = r"[\s\S]"  # a pattern RE2 cannot hold even relaxed: every value is a candidate
NOT_READ_IN_FULL = frozenset({"URL"})


@dataclass(frozen=True)
class ValuePatterns:
    """The recognizers a full read runs, and the combined prefilter for text and for integers."""

    recognizers: tuple[EntityRecognizer, ...]
    text: str  # one RE2 alternation over every recognizer's relaxed patterns
    integer: str | None  # the same over the recognizers whose entity may be stored as a number

    def candidates(self, values: pa.Array, numeric: bool) -> pa.Array:
        """A boolean mask: which values any recognizer could match."""
        pattern = self.integer if numeric else self.text
        if pattern is None:
            return pa.nulls(len(values), pa.bool_()).fill_null(False)
        return pc.match_substring_regex(values, pattern, ignore_case=True)


def value_patterns(recognizers: Sequence[EntityRecognizer], categories: CategoryMap) -> ValuePatterns:
    """The prefilter of every recognizer whose entity is personal information without context."""
    chosen = tuple(r for r in recognizers if _finds_pi(r, categories) and _prefilters(r))
    numeric = [r for r in chosen if any("integer" in _kinds(e) for e in r.supported_entities)]
    return ValuePatterns(chosen, _alternation(chosen), _alternation(numeric) if numeric else None)


def _finds_pi(recognizer: EntityRecognizer, categories: CategoryMap) -> bool:
    """Identifiers, customer records, locations...: not activity data, whose category needs its record."""
    for entity in recognizer.supported_entities:
        if entity in NER_ENTITIES or entity in NOT_READ_IN_FULL or entity not in categories.entities:
            continue
        category = categories.category_of(entity)
        if category is not None and category not in ASSOCIATED:
            return True
    return False


def _kinds(entity: str) -> frozenset[str]:
    shape = SHAPES.get(entity)
    return shape.kinds if shape else frozenset({"text"})


def _prefilters(recognizer: EntityRecognizer) -> list[str]:
    if isinstance(recognizer, PatternRecognizer):
        validates = type(recognizer).validate_result is not PatternRecognizer.validate_result
        patterns: list[Pattern] = getattr(recognizer, "patterns", [])
        found = [relaxed(p.regex) for p in patterns if validates or p.score >= STRONG_SCORE]
        if recognizer.deny_list and recognizer.deny_list_score >= STRONG_SCORE:
            found.append("|".join(_literal(w) for w in recognizer.deny_list))
        return found
    return [PREFILTERS[e] for e in recognizer.supported_entities if e in PREFILTERS]


def _alternation(recognizers: Sequence[EntityRecognizer]) -> str:
    return "|".join(f"(?:{_re2_or_any(p)})" for r in recognizers for p in _prefilters(r))


def _re2_or_any(pattern: str) -> str:
    try:
        pc.match_substring_regex(pa.array([""]), pattern)
    except pa.ArrowInvalid:
        return ANY_VALUE
    return pattern


def _literal(word: str) -> str:
    return "".join(f"\\{c}" if not c.isalnum() and c != " " else c for c in word)


def relaxed(pattern: str) -> str:
    """`pattern` in RE2: negative lookarounds dropped, positive ones consumed, back-references as
    their group's text. A value with a match of `pattern` has a match of the result."""
    out: list[str] = []
    groups: list[str] = []  # text of each closed capturing group, by number
    opened: list[tuple[int, bool]] = []  # (position in out, capturing) of each open group
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt.isdigit() and nxt != "0":
                number = int(nxt)
                out.append(f"(?:{groups[number - 1]})" if number <= len(groups) else "")
            else:
                out.append(pattern[i : i + 2])
            i += 2
        elif char == "[":
            end = _class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
        elif char == "(" and pattern.startswith(("(?!", "(?<!"), i):
            i = _group_end(pattern, i)  # a negative lookaround only ever rules matches out: dropped
        elif char == "(" and pattern.startswith(("(?=", "(?<="), i):
            opened.append((len(out), False))  # a positive one, consumed: the same values match
            out.append("(?:")
            i += 3 if pattern.startswith("(?=", i) else 4
        elif char == "(":
            atomic = pattern.startswith("(?>", i)
            capturing = not pattern.startswith("(?", i) or pattern.startswith("(?P<", i)
            opened.append((len(out), capturing))
            out.append("(?:" if atomic else "(")
            i += 3 if atomic else 1
        elif char == ")" and opened:
            start, capturing = opened.pop()
            out.append(")")
            if capturing:
                groups.append("".join(out[start + 1 : -1]).removeprefix("?P<").split(">", 1)[-1])
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out).replace(r"\Z", r"\z")


def _class_end(pattern: str, start: int) -> int:
    """Index just past the character class opening at `start`."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def _group_end(pattern: str, start: int) -> int:
    """Index just past the group opening at `start` (classes and escapes skipped)."""
    depth, i = 0, start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i

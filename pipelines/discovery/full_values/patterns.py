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

Cost: Arrow compiles an expression on every call, and the combined one takes milliseconds to
compile, so one call covers the values of every column of a record batch. A column the sample
classified is checked first against its own entity's patterns, anchored (cheap: RE2 stops at the
first character that does not fit); only its other values go through the combined expression.
That changes no result: a value the anchored expression admits, the combined one admits too.
Integers shorter than any pattern can match are never cast to text.

The combined expression can outgrow RE2's DFA on some shapes of values (hex digests, UUIDs,
base64, order numbers: every position starts a partial match of many patterns) and then runs on
RE2's NFA, a thousand times slower. A column's first values are timed against it once
(`is_costly`); a column where it is slow is matched in parts of `PART` patterns instead, each of
which stays within the DFA. The parts together admit exactly what the whole does.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer

from mappings import CategoryMap
from pipelines.discovery.classify import STRONG_SCORE
from pipelines.discovery.context import ASSOCIATED
from pipelines.discovery.value_evidence import NER_ENTITIES
from pipelines.discovery.value_shapes import SHAPES

# Recognizers that are not patterns, and patterns no DFA holds, with a superset of what they
# accept (their own check follows).
PREFILTERS = {
    "PHONE_NUMBER": r"\+?\(?\d(?:[\s().\-/]{0,2}\d){9,14}",  # 10-15 digits
    # `(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,59}`: every 1 and 3 of a hex digest starts a count of its own
    "CRYPTO": r"[a-zA-HJ-NP-Z0-9]{26}",
}
PART = 8  # patterns per expression where the whole alternation is slow on a column
PROBE = 256  # distinct values of a column timed against the whole alternation
MIN_PROBE = 64
COSTLY_SECONDS = 5e-6  # per value: the DFA runs at ~0.3-1 us per value, the NFA at 30+
ANY_VALUE = r"[\s\S]"  # a pattern RE2 cannot hold even relaxed: every value is a candidate
NOT_READ_IN_FULL = frozenset({"URL"})


@dataclass(frozen=True)
class ColumnValues:
    """The distinct values of one column of a batch, as text, and what the sample found it holds."""

    values: pa.Array  # string, no nulls
    numeric: bool  # stored as a number: only the recognizers of entities stored as numbers apply
    entity: str | None = None
    in_parts: bool = False  # matched against the patterns in parts (see `is_costly`)


@dataclass(frozen=True)
class ValuePatterns:
    """The recognizers a full read runs, and the combined prefilter for text and for integers."""

    recognizers: tuple[EntityRecognizer, ...]
    text: str  # one RE2 alternation over every recognizer's relaxed patterns
    integer: str | None  # the same over the recognizers whose entity may be stored as a number
    text_parts: tuple[str, ...]  # the text alternation cut into expressions of PART patterns
    integer_parts: tuple[str, ...]
    own_text: Mapping[str, str]  # entity -> its recognizers' relaxed patterns, anchored to the value
    own_integer: Mapping[str, str]  # the same, for the entities that may be stored as a number
    min_digits: int  # the fewest digits of an integer the integer alternation can match

    def candidates(self, columns: Sequence[ColumnValues]) -> list[pa.Array]:
        """Per column, a boolean mask of the values any recognizer could match: each column's own
        entity first, then one pass (per part) over the other values of all the columns at once."""
        masks = [_none(len(c.values)) for c in columns]
        for numeric, whole, parts in (
            (False, self.text, self.text_parts),
            (True, self.integer, self.integer_parts),
        ):
            if whole is None:
                continue
            for in_parts, patterns in ((False, (whole,)), (True, parts)):
                chosen = [i for i, c in enumerate(columns) if c.numeric == numeric and c.in_parts == in_parts]
                if chosen:
                    found = self._matched([columns[i] for i in chosen], numeric, patterns)
                    for index, mask in zip(chosen, found, strict=True):
                        masks[index] = mask
        return masks

    def own_matches(self, values: pa.Array, entity: str | None, numeric: bool) -> list[bool]:
        """Per value, whether it has the shape of `entity` as a whole (its recognizers' prefilters,
        anchored); all False for a column without an entity of its own."""
        anchored = (self.own_integer if numeric else self.own_text).get(entity or "")
        return (_matches(values, anchored) if anchored else _none(len(values))).to_pylist()  # type: ignore[no-any-return]

    def _matched(
        self, columns: Sequence[ColumnValues], numeric: bool, patterns: Sequence[str]
    ) -> list[pa.Array]:
        own = self.own_integer if numeric else self.own_text
        anchored = [own.get(c.entity or "") for c in columns]
        mine = [
            _matches(c.values, a) if a else _none(len(c.values))
            for c, a in zip(columns, anchored, strict=True)
        ]
        rests = [pc.filter(c.values, pc.invert(m)) for c, m in zip(columns, mine, strict=True)]
        found = _any_match(pa.concat_arrays(rests), patterns)
        masks, offset = [], 0
        for matched, rest in zip(mine, rests, strict=True):
            part = found.slice(offset, len(rest))
            offset += len(rest)
            masks.append(pc.replace_with_mask(matched, pc.invert(matched), part) if len(rest) else matched)
        return masks

    def is_costly(self, values: pa.Array, numeric: bool) -> bool:
        """Whether the whole alternation runs on RE2's NFA for values like these (timed on a few)."""
        combined = self.integer if numeric else self.text
        if combined is None or not len(values):
            return False
        probe = values.slice(0, PROBE)
        if len(probe) < MIN_PROBE:  # too few to time, and too few to cost much
            return False
        # Each call compiles the expression and builds RE2's DFA anew: the cost of the first values
        # is that, the cost per value is what the last three quarters of the probe add.
        first = probe.slice(0, len(probe) // 4)

        def slow() -> bool:
            added = _seconds(probe, combined) - _seconds(first, combined)
            return added / (len(probe) - len(first)) > COSTLY_SECONDS

        return slow() and slow()  # a second look, as one run can be slowed by anything


def value_patterns(recognizers: Sequence[EntityRecognizer], categories: CategoryMap) -> ValuePatterns:
    """The prefilter of every recognizer whose entity is personal information without context."""
    chosen = tuple(r for r in recognizers if _finds_pi(r, categories) and prefilters(r))
    numeric = [r for r in chosen if any("integer" in _kinds(e) for e in r.supported_entities)]
    integer = _alternation(numeric) if numeric else None
    return ValuePatterns(
        chosen,
        _alternation(chosen),
        integer,
        _parts(chosen),
        _parts(numeric),
        _anchored(chosen),
        _anchored(numeric),
        _fewest_digits(integer),
    )


def _matches(values: pa.Array, pattern: str) -> pa.Array:
    return pc.match_substring_regex(values, pattern, ignore_case=True)


def _seconds(values: pa.Array, pattern: str) -> float:
    started = time.perf_counter()
    _matches(values, pattern)
    return time.perf_counter() - started


def _any_match(values: pa.Array, patterns: Sequence[str]) -> pa.Array:
    found = _matches(values, patterns[0])
    for pattern in patterns[1:]:
        found = pc.or_(found, _matches(values, pattern))
    return found


def _none(length: int) -> pa.Array:
    return pa.array([False] * length, pa.bool_())


def _anchored(recognizers: Sequence[EntityRecognizer]) -> dict[str, str]:
    """Per entity, its recognizers' prefilters as one expression that must match the whole value."""
    by_entity: dict[str, list[str]] = {}
    for recognizer in recognizers:
        for entity in recognizer.supported_entities:
            by_entity.setdefault(entity, []).extend(_re2_or_any(p) for p in prefilters(recognizer))
    return {
        entity: "^(?:" + "|".join(f"(?:{p})" for p in found) + ")$"
        for entity, found in by_entity.items()
        if ANY_VALUE not in found
    }


MAX_DIGITS = 40  # longer than any identifier stored as a number (a decimal(38, 0) holds 38 digits)


def _fewest_digits(pattern: str | None) -> int:
    """The fewest digits of a run of digits the pattern admits (probed with every digit repeated
    and a counting sequence), so that shorter integers need not be cast and matched."""
    if pattern is None:
        return MAX_DIGITS + 1
    for digits in range(1, MAX_DIGITS + 1):
        probes = [str(d) * digits for d in range(10)] + [
            (s * 4)[:digits] for s in ("1234567890", "0123456789")
        ]
        if pc.any(_matches(pa.array(probes), pattern)).as_py():
            return digits
    return MAX_DIGITS + 1


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


def prefilters(recognizer: EntityRecognizer) -> list[str]:
    """The recognizer's patterns as RE2 prefilters: its override in PREFILTERS, else its relaxed
    patterns that can decide alone, else none (a recognizer that is no pattern and has no override)."""
    overridden = [PREFILTERS[e] for e in recognizer.supported_entities if e in PREFILTERS]
    if overridden:
        return overridden
    if isinstance(recognizer, PatternRecognizer):
        validates = type(recognizer).validate_result is not PatternRecognizer.validate_result
        patterns: list[Pattern] = getattr(recognizer, "patterns", [])
        found = [relaxed(p.regex) for p in patterns if validates or p.score >= STRONG_SCORE]
        if recognizer.deny_list and recognizer.deny_list_score >= STRONG_SCORE:
            found.append("|".join(_literal(w) for w in recognizer.deny_list))
        return found
    return []


def _alternation(recognizers: Sequence[EntityRecognizer]) -> str:
    return "|".join(f"(?:{_re2_or_any(p)})" for r in recognizers for p in prefilters(r))


def _parts(recognizers: Sequence[EntityRecognizer]) -> tuple[str, ...]:
    each = [f"(?:{_re2_or_any(p)})" for r in recognizers for p in prefilters(r)]
    return tuple("|".join(each[i : i + PART]) for i in range(0, len(each), PART))


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

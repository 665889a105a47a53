"""What a column's values prove, by the analyzer's own recognizers, at a cost set by the sample.

Pattern recognizers run as vectorised Arrow regex over the column's distinct sampled values; only
the values a pattern admits go through the recognizer itself (its validation: Luhn, MCC, mod-97).
Recognizers that are not patterns (phone numbers, NER) see a small subsample. A value counts for
an entity when one result covers most of it: a column of emails, not a column mentioning one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

from pipelines.discovery.analyzer import LANGUAGE, AnalyzerSetup
from pipelines.discovery.names_lexicon import person_names
from pipelines.discovery.profile import ColumnSample

MAX_DISTINCT = 300  # distinct values checked by pattern recognizers
MAX_CHECKED = 40  # candidates one recognizer validates; the share found stands for the rest
MAX_SLOW = 25  # distinct values given to phone and NER recognizers
MAX_FREE_TEXT = 12  # values of a free-text column analysed for the kinds of PI they mention
COVERAGE = 0.8  # a result must cover this share of the value
MAX_VALUE_CHARS = 2_000  # longer values are no one entity's whole value: only free text
MAX_TEXT_CHARS = 1_500  # free text: the analyzer (spaCy NER) reads this much of a value, cut at a space
FEW_VALUES = 64  # values matched one by one rather than in one RE2 call
NER_ENTITIES = ("PERSON", "LOCATION", "NRP", "ORGANIZATION")


@dataclass
class Support:
    """How much of the column one entity explains."""

    prevalence: float  # share of non-empty sampled values matched
    score: float  # best recognizer score among them
    recognizer: str
    example: str  # masked
    decisive: float = 0.0  # share matched by a self-describing format (recognizers/base.py DECISIVE)
    matched: frozenset[int] = frozenset()  # indexes of the distinct values checked and matched


@dataclass
class ValueEvidence:
    entities: dict[str, Support] = field(default_factory=dict)
    mentioned: dict[str, int] = field(default_factory=dict)  # free text: entity -> values mentioning it

    def prevalence(self, entity: str) -> float:
        support = self.entities.get(entity)
        return support.prevalence if support else 0.0


def mask(value: str) -> str:
    """A value made safe for evidence: its shape, never its content ('jane@x.com' -> 'j•••••••om')."""
    if len(value) <= 4:
        return "•" * len(value)
    keep = 1 if len(value) < 10 else 2
    return value[:keep] + "•" * min(len(value) - 2 * keep, 12) + value[-keep:]


def value_evidence(sample: ColumnSample, setup: AnalyzerSetup, free_text: bool) -> ValueEvidence:
    evidence = ValueEvidence()
    if sample.non_empty == 0:
        return evidence
    counts = pc.value_counts(sample.texts)
    values = counts.field("values").to_pylist()[:MAX_DISTINCT] if len(counts) else []
    weights = counts.field("counts").to_pylist()[:MAX_DISTINCT] if len(counts) else []
    if free_text:
        evidence.mentioned = _mentions(setup, values[:MAX_FREE_TEXT])
        return evidence
    total = sum(weights)
    hits: dict[str, _Tally] = {}
    recognizers = setup.engine.registry.get_recognizers(LANGUAGE, all_fields=True)
    array = pa.array([v if len(v) <= MAX_VALUE_CHARS else "" for v in values], pa.string())
    for recognizer in recognizers:
        if isinstance(recognizer, PatternRecognizer):
            candidates = _pattern_candidates(recognizer, array)
        elif _is_slow_recognizer(recognizer):
            candidates = _slow_candidates(recognizer, values)
        else:
            continue
        candidates = list(candidates)
        checked = candidates[:: max(1, len(candidates) // MAX_CHECKED)][:MAX_CHECKED]
        scale = sum(weights[i] for i in candidates) / max(1, sum(weights[i] for i in checked))
        decisive = getattr(recognizer, "DECISIVE", None)
        for index in checked:
            for result in _full_value_results(setup, recognizer, values[index]):
                hits.setdefault(result.entity_type, _Tally(type(recognizer).__name__)).add(
                    index,
                    weights[index] * scale,
                    result.score,
                    values[index],
                    decisive is not None and result.score >= decisive,
                )
    for entity, tally in hits.items():
        evidence.entities[entity] = tally.support(total)
    return evidence


@dataclass
class _Tally:
    recognizer: str
    seen: set[int] = field(default_factory=set)
    weight: float = 0.0
    decisive: float = 0.0
    score: float = 0.0
    example: str = ""

    def add(self, index: int, weight: float, score: float, value: str, decisive: bool) -> None:
        if index not in self.seen:
            self.seen.add(index)
            self.weight += weight
            self.decisive += weight if decisive else 0.0
        if score > self.score:
            self.score, self.example = score, mask(value)

    def support(self, total: int) -> Support:
        share = min(1.0, self.weight / total) if total else 0.0
        decisive = min(1.0, self.decisive / total) if total else 0.0
        return Support(share, self.score, self.recognizer, self.example, decisive, frozenset(self.seen))


def _pattern_candidates(recognizer: PatternRecognizer, values: pa.Array) -> Iterable[int]:
    """Indexes of the values any of the recognizer's patterns (or deny-list words) could match."""
    mask_array: pa.Array | None = None
    patterns: list[Pattern] = getattr(recognizer, "patterns", [])
    for pattern in patterns:
        found = _search(values, pattern.regex)
        mask_array = found if mask_array is None else pc.or_(mask_array, found)
    if recognizer.deny_list:
        words = pa.array([w.lower() for w in recognizer.deny_list])
        found = pc.is_in(pc.utf8_lower(values), value_set=words)
        mask_array = found if mask_array is None else pc.or_(mask_array, found)
    if mask_array is None:
        return []
    return pc.indices_nonzero(mask_array).to_pylist()  # type: ignore[no-any-return]


def _search(values: pa.Array, pattern: str) -> pa.Array:
    """Presidio's search semantics (case-insensitive), in RE2 where it can, else Presidio's `regex`.

    A few values go through Presidio's own (cached) expression: Arrow compiles RE2 on every call,
    which costs more than matching a few dozen values one by one."""
    if pattern not in _NOT_RE2 and len(values) > FEW_VALUES:
        try:
            return pc.match_substring_regex(values, pattern, ignore_case=True)
        except pa.ArrowInvalid:  # lookarounds and other constructs RE2 lacks
            _NOT_RE2.add(pattern)
    compiled = _compiled(pattern)
    return pa.array([compiled.search(v) is not None for v in values.to_pylist()], pa.bool_())


_NOT_RE2: set[str] = set()
_COMPILED: dict[str, regex.Pattern[str]] = {}


def _compiled(pattern: str) -> regex.Pattern[str]:
    if pattern not in _COMPILED:
        _COMPILED[pattern] = regex.compile(pattern, regex.DOTALL | regex.MULTILINE | regex.IGNORECASE)
    return _COMPILED[pattern]


_PHONE_SHAPE = re.compile(r"^\+?[\d\s().\-/]{7,24}$")
_NAME_SHAPE = re.compile(r"^[^\W\d_][^\d@/\\|<>{}=+*#$%]{1,60}$")


def _is_slow_recognizer(recognizer: EntityRecognizer) -> bool:
    return any(e in recognizer.supported_entities for e in ("PHONE_NUMBER", *NER_ENTITIES))


def _slow_candidates(recognizer: EntityRecognizer, values: Sequence[str]) -> Iterable[int]:
    shape = _PHONE_SHAPE if "PHONE_NUMBER" in recognizer.supported_entities else _NAME_SHAPE
    picked = [i for i, v in enumerate(values) if shape.match(v)]
    return picked[:MAX_SLOW]


def _full_value_results(
    setup: AnalyzerSetup, recognizer: EntityRecognizer, value: str, coverage: float = COVERAGE
) -> list[RecognizerResult]:
    """The recognizer's results on the value alone that cover most of it (`coverage` of its length;
    none for a long text)."""
    if len(value) > MAX_VALUE_CHARS:
        return []
    needs_nlp = bool(set(recognizer.supported_entities) & set(NER_ENTITIES))
    if needs_nlp and (value.isupper() or value.islower()):
        value = value.title()  # NER reads case: 'CHARLES TINLIN' is a name only as 'Charles Tinlin'
    artifacts = setup.engine.nlp_engine.process_text(value, LANGUAGE) if needs_nlp else None
    results = recognizer.analyze(value, recognizer.supported_entities, artifacts) or []  # type: ignore[arg-type]
    return [r for r in results if (r.end - r.start) >= coverage * len(value) and r.score > 0]


def _corroborated(result: RecognizerResult, text: str) -> bool:
    """NER finds 'people' in lorem ipsum: a person it names must have a known given or family name."""
    if result.entity_type != "PERSON":
        return True
    words = text[result.start : result.end].lower().replace(",", " ").split()
    return any(w.strip(".'") in person_names() for w in words)


def _mentions(setup: AnalyzerSetup, values: Sequence[str]) -> dict[str, int]:
    """Free text: which kinds of PI the values mention, and in how many values."""
    mentioned: dict[str, int] = {}
    for whole in values:
        value = bounded(whole)
        results = setup.engine.analyze(value, language=LANGUAGE)
        kinds = {r.entity_type for r in results if r.score >= 0.5 and _corroborated(r, value)}
        for kind in kinds:
            mentioned[kind] = mentioned.get(kind, 0) + 1
    return mentioned


def bounded(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The first `limit` characters of a text, cut at the last whitespace: NER costs O(limit), not O(text)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    return text[: cut if cut > 0 else limit]

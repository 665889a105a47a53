"""One column's verdict: which entity it holds, how sure we are, and why.

Evidence combined, as a reviewer would weigh it:
- the values: share of non-empty sampled values a recognizer validates (prevalence), never a
  mean diluted by nulls and never one lucky hit;
- the name: what the vocabulary says it holds, and whether the values have that entity's shape;
- the type and statistics: a name cannot make 0/1 flags into phone numbers;
- free text: long, varied, wordy values are reported as such, with the kinds of PI they mention.
The table's context (catalogue or consumer record) is applied afterwards, in `context.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from mappings import FREE_TEXT
from pipelines.discovery.analyzer import AnalyzerSetup
from pipelines.discovery.column_names import NameHint, tokens, vocabulary
from pipelines.discovery.names_lexicon import person_name_share, placeholder_share
from pipelines.discovery.profile import ColumnSample
from pipelines.discovery.recognizers.media import binary_content
from pipelines.discovery.value_evidence import NER_ENTITIES, Support, ValueEvidence, value_evidence
from pipelines.discovery.value_shapes import SHAPES, fit

NER_FAMILY = frozenset({"PERSON", "LOCATION", "ORGANIZATION", "NRP", "JOB_TITLE", "NATIONALITY"})
# Without a name to go on, some entities need a stricter shape: a bare 'base.bd' is not a URL.
ALONE_SHAPES = {"URL": "URL_WITH_SCHEME"}
STRONG_SCORE = 0.3  # a recognizer result at or above this is evidence by itself
MIN_FIT = 0.7  # share of values that must have the named entity's shape
ALONE_PREVALENCE = 0.6  # values alone decide when this share is recognised
ALONE_SCORE = 0.4
MIXED_PART = 0.2  # in a mixed column, each kind explains at least this share of the values
MIXED_OVERLAP = 0.2  # ... and shares at most this share of its values with another kind
# When two entities explain the values equally, the more specific one wins.
SPECIFICITY = (
    "ICCID",
    "IMSI",
    "IMEI",
    "MSISDN",
    "CREDIT_CARD",
    "IBAN_CODE",
    "PASSWORD_HASH",
    "EMAIL_ADDRESS",
    "US_SSN",
    "MAC_ADDRESS",
    "IP_ADDRESS",
    "CELL_ID",
    "GEO_COORDINATES",
    "USER_AGENT",
    "URL",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "DATE_OF_BIRTH",
    "PERSON",
)


@dataclass(frozen=True)
class ColumnFinding:
    column: str
    entity: str | None
    confidence: float
    prevalence: float
    evidence: tuple[str, ...]
    other_entities: tuple[str, ...] = ()
    mentions: dict[str, int] = field(default_factory=dict)  # free text: entity -> values mentioning it
    non_empty: int = 0  # non-empty values sampled
    uniqueness: float = 0.0  # distinct / non-empty

    @property
    def unique(self) -> bool:
        return self.non_empty > 1 and self.uniqueness >= 0.999


@dataclass(frozen=True)
class _Candidate:
    entity: str
    confidence: float
    prevalence: float
    reasons: tuple[str, ...]


def classify_column(sample: ColumnSample, setup: AnalyzerSetup, table: str = "") -> ColumnFinding:
    """The column's entity; `table` (its table's name) qualifies generic names such as `name`."""
    finding = _classify(sample, setup, table)
    return replace(finding, non_empty=sample.non_empty, uniqueness=sample.uniqueness)


def _classify(sample: ColumnSample, setup: AnalyzerSetup, table: str) -> ColumnFinding:
    hints = vocabulary().hints(sample.name, table)
    if sample.undecoded is not None and len(sample.undecoded) > sample.non_empty:
        return _binary(sample)
    if sample.non_empty == 0:
        return _empty(sample.name, hints)
    evidence = value_evidence(sample, setup, free_text=False)
    candidates = sorted(_candidates(sample, hints, evidence), key=_rank, reverse=True)
    if candidates and candidates[0].confidence >= 0.5:
        best = candidates[0]
        others = tuple(c.entity for c in candidates[1:] if c.confidence >= 0.5)
        return ColumnFinding(sample.name, best.entity, best.confidence, best.prevalence, best.reasons, others)
    mixed = _mixed(sample, evidence)
    if mixed is not None:
        return mixed
    if _is_free_text(sample, hints):
        if placeholder_share(sample.distinct) >= 0.5:
            reason = "free text: placeholder text (lorem ipsum), no PI"
            return ColumnFinding(sample.name, FREE_TEXT, 0.8, 1.0, (reason,))
        mentions = value_evidence(sample, setup, free_text=True).mentioned
        kinds = ", ".join(sorted(mentions)) or "no PI found in the analysed values"
        reason = f"free text: {sample.mean_words:.0f} words on average; mentions {kinds}"
        return ColumnFinding(sample.name, FREE_TEXT, 0.8, 1.0, (reason,), tuple(sorted(mentions)), mentions)
    if sample.kind == "temporal":
        return ColumnFinding(
            sample.name, "TIMESTAMP", 0.6, 1.0, (f"a {sample.dtype} column: the time of something",)
        )
    why = "no recognizer or name explains the values"
    if hints:
        why = f"name suggests {hints[0].entity} but the values do not have its shape"
    return ColumnFinding(sample.name, None, 0.0, 0.0, (why,))


def _empty(name: str, hints: list[NameHint]) -> ColumnFinding:
    """A column with no values to look at: only a strong name (`zip code`, `email`) can say what it
    holds; never a key's (`original_language_id` refers to a row, it holds no language)."""
    if hints and hints[0].strength == "strong" and not hints[0].bare_name and tokens(name)[-1:] != ("id",):
        reason = f"no values in the sample; the name alone says {hints[0].entity} ('{hints[0].pattern}')"
        return ColumnFinding(name, hints[0].entity, 0.5, 0.0, (reason,))
    said = f"; name suggests {hints[0].entity}" if hints else ""
    return ColumnFinding(name, None, 0.0, 0.0, (f"no values in the sample{said}",))


def _binary(sample: ColumnSample) -> ColumnFinding:
    """Bytes that are not text, recognised by their content (an image, a point), never decoded."""
    assert sample.undecoded is not None
    raw = sample.undecoded.to_pylist()
    kinds = [binary_content(value) for value in raw]
    found = [k for k in kinds if k is not None]
    if found:
        entity = max({k.entity for k in found}, key=lambda e: sum(k.entity == e for k in found))
        share = sum(k.entity == entity for k in found) / len(raw)
        formats = ", ".join(sorted({k.format for k in found if k.entity == entity}))
        if share >= ALONE_PREVALENCE:
            notes = {k.note for k in found if k.entity == entity and k.note}
            reason = f"binary values: {share:.0%} are {formats} by their content"
            return ColumnFinding(sample.name, entity, 0.6 + 0.35 * share, share, (reason, *sorted(notes)))
    size = sum(len(value) for value in raw) / len(raw)
    why = f"binary values ({size:,.0f} bytes on average), not text and of no known content: not decoded"
    return ColumnFinding(sample.name, None, 0.0, 0.0, (why,))


def _rank(candidate: _Candidate) -> tuple[float, int]:
    specific = (
        len(SPECIFICITY) - SPECIFICITY.index(candidate.entity) if candidate.entity in SPECIFICITY else 0
    )
    return (round(candidate.confidence, 2), specific)


def _candidates(sample: ColumnSample, hints: list[NameHint], evidence: ValueEvidence) -> list[_Candidate]:
    words = vocabulary()
    found: dict[str, _Candidate] = {}
    for hint in hints:
        candidate = _from_name(sample, hint, evidence)
        if candidate is None and hint.pattern.endswith(" name") and not found:
            # 'user name' holding 'Tonnie Vasin': not a login's shape, but people's names
            candidate = _bare_name(sample, hint, evidence)
        if candidate is not None:
            found[candidate.entity] = candidate
    for entity, support in evidence.entities.items():
        if entity in found or (words.contradicts(sample.name, entity) and not _decisive(support)):
            continue
        if entity in NER_ENTITIES and any(h.entity in NER_FAMILY and h.entity != entity for h in hints):
            continue  # 'City' holding 'ST JOHNS': the name says place, NER's 'person' is a misreading
        candidate = _from_values(sample, entity, support)
        if candidate is not None:
            found[entity] = candidate
    return [
        c
        for c in found.values()
        if not words.contradicts(sample.name, c.entity) or _decisive(evidence.entities.get(c.entity))
    ]


def _decisive(support: Support | None) -> bool:
    """Values in a self-describing format ($2b$12$...) decide, whatever the name says ('pwd_digest')."""
    return support is not None and support.decisive >= ALONE_PREVALENCE


def _mixed(sample: ColumnSample, evidence: ValueEvidence) -> ColumnFinding | None:
    """A column holding two kinds (half emails, half phones): the majority, with the others beside it."""
    words = vocabulary()
    parts = sorted(
        (
            (entity, support)
            for entity, support in evidence.entities.items()
            if support.score >= ALONE_SCORE
            and support.prevalence >= MIXED_PART
            and entity not in NER_ENTITIES
            and not words.contradicts(sample.name, entity)
        ),
        key=lambda part: part[1].prevalence,
        reverse=True,
    )
    chosen: list[tuple[str, Support]] = []
    for entity, support in parts:
        if all(
            len(support.matched & other.matched) <= MIXED_OVERLAP * len(support.matched)
            for _, other in chosen
        ):
            chosen.append((entity, support))
    covered = sum(support.prevalence for _, support in chosen)
    if len(chosen) < 2 or covered < ALONE_PREVALENCE:
        return None
    (entity, best), others = chosen[0], chosen[1:]
    shares = ", ".join(f"{s.prevalence:.0%} {e} ({s.recognizer}, e.g. {s.example})" for e, s in chosen)
    confidence = min(0.9, 0.35 + 0.5 * covered * min(1.0, best.score + 0.2))
    reason = f"mixed values: {shares}"
    return ColumnFinding(
        sample.name, entity, confidence, best.prevalence, (reason,), tuple(e for e, _ in others)
    )


def _from_values(sample: ColumnSample, entity: str, support: Support) -> _Candidate | None:
    """Values alone decide only when most of them are recognised, with the entity's shape."""
    if support.score < ALONE_SCORE or support.prevalence < ALONE_PREVALENCE:
        return None
    shape = ALONE_SHAPES.get(entity, entity)
    if shape in SHAPES and fit(shape, sample.values, sample.texts, len(sample.distinct)) < ALONE_PREVALENCE:
        return None
    if entity in NER_ENTITIES and not _names_agree(sample, entity, support):
        return None
    reason = (
        f"values: {support.prevalence:.0%} recognised by {support.recognizer} "
        f"(score {support.score:.2f}, e.g. {support.example})"
    )
    confidence = min(0.95, 0.35 + 0.5 * support.prevalence * min(1.0, support.score + 0.2))
    return _Candidate(entity, confidence, support.prevalence, (reason,))


def _names_agree(sample: ColumnSample, entity: str, support: Support) -> bool:
    """NER on lone values misfires ('Safari' a person): ask for several values and, for people, names."""
    if entity != "PERSON":
        return len(sample.distinct) >= 2 and support.prevalence >= 0.7
    known = person_name_share(sample.distinct)
    if len(sample.distinct) >= 2:
        return (support.prevalence >= 0.7 and known >= 0.5) or known >= 0.8
    return known == 1.0 and sample.mean_words >= 2  # one value: "Sunil Sharma", not "Safari"


def _from_name(sample: ColumnSample, hint: NameHint, evidence: ValueEvidence) -> _Candidate | None:
    shape = fit(hint.entity, sample.values, sample.texts, len(sample.distinct))
    support = evidence.entities.get(hint.entity)
    prevalence = support.prevalence if support else 0.0
    name_reason = f"name '{sample.name}' matches '{hint.pattern}'"
    if hint.bare_name:
        return _bare_name(sample, hint, evidence)
    if hint.strength == "strong" and (shape >= MIN_FIT or prevalence >= 0.5):
        confidence = 0.6 + 0.25 * shape + 0.15 * prevalence
        reasons = (name_reason, f"{shape:.0%} of values have its shape", *_value_reason(support))
        return _Candidate(hint.entity, min(confidence, 0.99), max(prevalence, shape), reasons)
    if hint.strength == "weak" and prevalence >= 0.5 and shape >= MIN_FIT:
        reasons = (name_reason, *_value_reason(support))
        return _Candidate(hint.entity, 0.5 + 0.3 * prevalence, prevalence, reasons)
    return None


def _bare_name(sample: ColumnSample, hint: NameHint, evidence: ValueEvidence) -> _Candidate | None:
    """A column called just 'name' holds people only if the values read as people's names."""
    shape = fit("PERSON", sample.values, sample.texts, len(sample.distinct))
    ner = evidence.prevalence("PERSON")
    name_reason = f"name '{sample.name}' matches '{hint.pattern}'"
    if shape < MIN_FIT:
        return None
    lexicon = person_name_share(sample.distinct)
    share = max(ner, lexicon)
    if share < 0.3:
        return None
    reasons = (name_reason, f"{ner:.0%} found by NER, {lexicon:.0%} are known given or family names")
    return _Candidate("PERSON", 0.55 + 0.4 * share, share, reasons)


def _value_reason(support: Support | None) -> tuple[str, ...]:
    if support is None or support.prevalence == 0:
        return ()
    return (f"{support.prevalence:.0%} recognised by {support.recognizer} (e.g. {support.example})",)


def _is_free_text(sample: ColumnSample, hints: list[NameHint]) -> bool:
    """Long, varied values made of words or structure (JSON, notes), not one opaque token (a digest)."""
    if sample.kind != "text" or sample.opaque_share >= 0.5:
        return False
    wordy = sample.mean_words >= 6 or sample.mean_length >= 60
    named = any(h.entity == FREE_TEXT for h in hints)
    return (wordy and sample.uniqueness >= 0.5) or (named and sample.mean_words >= 3)

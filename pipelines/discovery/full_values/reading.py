"""One task of a full read: every value of some columns of one split of a table, in record batches.

A Parquet file yields a batch per row group (often 10-20 thousand rows): consecutive batches are
joined into ~`batch_size` rows, as each costs the combined expression's compilation once. Per batch
and column: the distinct values as text with row counts (of a dictionary-encoded column, its
dictionary and the rows per index, without decoding a value), one combined RE2 pass over the
distinct values (`ValuePatterns`), then the recognizers themselves (their validation: Luhn,
mod-97, MCC ...) on at most `budget` distinct candidates for the whole task.
Memory is one batch plus the checked candidates, whatever the size of the table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from presidio_analyzer import EntityRecognizer, PatternRecognizer

from connectors import Split, StoreError, open_estate_store
from mappings import FREE_TEXT, load_categories
from pipelines.discovery.analyzer import LANGUAGE, AnalyzerSetup, build_analyzer
from pipelines.discovery.classify import ALONE_SCORE
from pipelines.discovery.full_values.patterns import ColumnValues, ValuePatterns, prefilters, value_patterns
from pipelines.discovery.full_values.tally import ColumnTally, EntityMatches, SplitTally
from pipelines.discovery.value_evidence import (
    COVERAGE,
    _compiled,
    _full_value_results,
    _pattern_candidates,
    mask,
)


@dataclass(frozen=True)
class ReadColumn:
    """One column a task reads, with what the sample found in it."""

    name: str
    numeric: bool  # stored as a number (only recognizers whose entity may be one look at it)
    entity: str | None = None  # the sample's finding: FREE_TEXT, an entity, or None

    @property
    def coverage(self) -> float:
        """Free text mentions PI anywhere; any other value counts only as a whole (a name inside a
        hash is no one's)."""
        return 0.0 if self.entity == FREE_TEXT else COVERAGE


@dataclass(frozen=True)
class ReadTask:
    """Everything a worker needs, picklable: it opens the store itself."""

    estate_file: str
    store: str
    splits: tuple[Split, ...]  # of one table
    columns: tuple[ReadColumn, ...]
    budget: int  # distinct candidates validated per column
    batch_size: int = 65_536


def read_split(task: ReadTask) -> SplitTally:
    """The task's tallies; a store error becomes the tally's `error` (one line), never an exception."""
    result = SplitTally(task.store, task.splits[0].table)
    setup, patterns = _recognizers()
    columns = {column.name: _ColumnRead(column, task.budget) for column in task.columns}
    try:
        with open_estate_store(task.estate_file, task.store) as store:
            encoded = _encoded(task)
            batches = (
                batch
                for split in task.splits
                for batch in store.scan_split(split, list(columns), task.batch_size, encoded=encoded)
            )
            for joined in _coalesced(batches, task.batch_size):
                _read_batch(joined, columns, setup, patterns)
    except (StoreError, pa.ArrowException, OSError) as err:
        result.error = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return result
    result.columns = {name: read.tally() for name, read in columns.items()}
    return result


def _encoded(task: ReadTask) -> list[str]:
    """The columns worth reading dictionary-encoded: not free text, whose values are mostly distinct
    (a dictionary of them costs a hash of every value, which counting them does anyway)."""
    return [c.name for c in task.columns if c.entity != FREE_TEXT]


def _coalesced(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """The batches joined into tables of about `rows` rows: a Parquet file yields one batch per row
    group (often 10-20 thousand rows), a task may read many small files (a day's partition each),
    and each batch costs the prefilter's compilation once."""
    held: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        held.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(held)
            held, count = [], 0
    if held:
        yield pa.Table.from_batches(held)


@cache
def _recognizers() -> tuple[AnalyzerSetup, ValuePatterns]:
    """Per worker process, once: the analyzer's recognizers (no NER: a full read runs patterns)."""
    setup = build_analyzer("none")
    recognizers = setup.engine.registry.get_recognizers(LANGUAGE, all_fields=True)
    return setup, value_patterns(recognizers, load_categories())


def warm_up() -> None:
    """What a worker does once before its first task: load the recognizers, compile their patterns."""
    _, patterns = _recognizers()
    pa.array((0,), pa.int64())  # Arrow's first conversion of Python values imports pandas (~0.3 s)
    for recognizer in patterns.recognizers:
        for pattern in getattr(recognizer, "patterns", []):
            _compiled(pattern.regex)


def _read_batch(
    batch: pa.Table, columns: dict[str, _ColumnRead], setup: AnalyzerSetup, patterns: ValuePatterns
) -> None:
    """Every column of the batch: distinct values, one prefilter pass for all, then the counts."""
    distinct: list[tuple[_ColumnRead, pa.Array, np.ndarray]] = []
    batch = batch.unify_dictionaries()  # one dictionary per column across the joined row groups
    for name, read in columns.items():
        counted = read.distinct(batch.column(name), patterns.min_digits)
        if counted is None or not len(counted[0]):
            continue
        values, weights = counted
        if read.in_parts is None:
            read.in_parts = patterns.is_costly(values, read.column.numeric)
        distinct.append((read, values, weights))
    found = patterns.candidates(
        [ColumnValues(v, r.column.numeric, r.column.entity, bool(r.in_parts)) for r, v, _ in distinct]
    )
    for (read, values, weights), keep in zip(distinct, found, strict=True):
        read.count(pc.filter(values, keep), weights[np.asarray(keep, dtype=bool)], setup, patterns)


def _text_dictionary(type_: pa.DataType) -> bool:
    if not pa.types.is_dictionary(type_):
        return False
    return bool(pa.types.is_string(type_.value_type) or pa.types.is_large_string(type_.value_type))


def _dictionary_counts(chunks: Sequence[pa.DictionaryArray]) -> tuple[pa.Array, np.ndarray]:
    """The distinct values of dictionary-encoded chunks sharing one dictionary, with their rows."""
    dictionary = chunks[0].dictionary
    indices = pa.concat_arrays([c.indices for c in chunks]).drop_null()
    weights = np.bincount(np.asarray(indices), minlength=len(dictionary))
    held = pc.and_(pa.array(weights > 0), pc.is_valid(dictionary))
    return pc.cast(pc.filter(dictionary, held), pa.string()), weights[np.asarray(held)]


@dataclass
class _ColumnRead:
    column: ReadColumn
    budget: int
    rows: int = 0
    candidate_rows: int = 0
    unreadable: str = ""
    in_parts: bool | None = None  # matched in parts (decided on the first values; see patterns.py)
    checked: list[str] = field(default_factory=list)  # distinct candidates validated
    found: list[dict[str, tuple[float, str]]] = field(default_factory=list)  # per checked: entity -> score
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # rows per checked value

    def distinct(
        self, column: pa.Array | pa.ChunkedArray, min_digits: int
    ) -> tuple[pa.Array, np.ndarray] | None:
        """The batch's distinct values as text (no null), with the rows holding each; None when
        the column's values cannot be read as text."""
        self.rows += len(column)
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        if _text_dictionary(column.type):  # the chunks share one dictionary (unified)
            return _dictionary_counts(chunks)
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        texts = self.texts(array, min_digits)
        if texts is None:
            return None
        counts = pc.value_counts(texts)
        values, weights = counts.field("values"), counts.field("counts")
        valid = pc.is_valid(values)
        return pc.filter(values, valid), np.asarray(pc.filter(weights, valid))

    def texts(self, array: pa.Array, min_digits: int) -> pa.Array | None:
        """The values as text: of a number column, only those with enough digits to be one of the
        identifiers stored as numbers (the others cannot match)."""
        if pa.types.is_integer(array.type):
            floor = 10 ** (min_digits - 1)
            array = pc.filter(array, pc.greater_equal(pc.abs_checked(pc.cast(array, pa.float64())), floor))
        if (
            pa.types.is_integer(array.type)
            or pa.types.is_decimal(array.type)
            or pa.types.is_binary(array.type)
        ):
            try:
                return pc.cast(array, pa.string())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                self.unreadable = f"values of type {array.type} that do not read as text"
                return None
        return pc.cast(array, pa.string())

    def count(
        self, values: pa.Array, weights: np.ndarray, setup: AnalyzerSetup, patterns: ValuePatterns
    ) -> None:
        """Add a batch's distinct candidate values (with their rows): new ones validated within budget."""
        self.candidate_rows += int(weights.sum())
        self._check_new(values, setup, patterns)
        index = pc.index_in(values, value_set=pa.array(self.checked, pa.string()))
        known = np.asarray(index.is_valid())
        positions = np.asarray(index.fill_null(0))[known]
        self.counts += np.bincount(positions, weights=weights[known], minlength=len(self.checked)).astype(
            np.int64
        )

    def _check_new(self, values: pa.Array, setup: AnalyzerSetup, patterns: ValuePatterns) -> None:
        room = self.budget - len(self.checked)
        if room <= 0 or not len(values):
            return
        new = pc.filter(values, pc.invert(pc.is_in(values, value_set=pa.array(self.checked, pa.string()))))
        new = new.slice(0, room)
        for recognizer_found in _validated(new, setup, patterns, self.column):
            self.found.append(recognizer_found)
        self.checked.extend(new.to_pylist())
        self.counts = np.concatenate([self.counts, np.zeros(len(new), np.int64)])

    def tally(self) -> ColumnTally:
        checked_rows = int(self.counts.sum())
        scale = self.candidate_rows / checked_rows if checked_rows else 0.0
        entities: dict[str, EntityMatches] = {}
        matched = 0
        for rows, found in zip(self.counts.tolist(), self.found, strict=True):
            matched += rows if found else 0
            for entity, (score, example) in found.items():
                entities.setdefault(entity, EntityMatches()).add(EntityMatches(rows, score, example))
        for matches in entities.values():
            matches.rows = round(matches.rows * scale)
        return ColumnTally(self.rows, self.candidate_rows, round(matched * scale), entities, self.unreadable)


def _validated(
    values: pa.Array, setup: AnalyzerSetup, patterns: ValuePatterns, column: ReadColumn
) -> list[dict[str, tuple[float, str]]]:
    """Per value: the entities the recognizers themselves confirm in it, with score and masked example.

    A value shaped like the entity the sample found in its column (an IMSI in an IMSI column) is
    checked by that entity's recognizers alone: a 15-digit IMSI also reads as a phone number, and
    the phone check (~1.5 ms a value) would only say what the column's finding already says."""
    texts: list[str] = values.to_pylist()
    found: list[dict[str, tuple[float, str]]] = [{} for _ in texts]
    own = patterns.own_matches(values, column.entity, column.numeric)
    for recognizer in patterns.recognizers:
        indexes = _candidate_indexes(recognizer, values)
        if column.entity not in recognizer.supported_entities:
            indexes = [i for i in indexes if not own[i]]
        for index in indexes:
            for result in _full_value_results(setup, recognizer, texts[index], column.coverage):
                if result.score < ALONE_SCORE:
                    continue
                example = mask(texts[index][result.start : result.end])
                best = found[index].get(result.entity_type)
                if best is None or result.score > best[0]:
                    found[index][result.entity_type] = (result.score, example)
    return found


def _candidate_indexes(recognizer: EntityRecognizer, values: pa.Array) -> list[int]:
    if isinstance(recognizer, PatternRecognizer):
        return list(_pattern_candidates(recognizer, values))
    admits = prefilters(recognizer)  # phone numbers: a superset of what the matcher accepts
    if not admits:
        return list(range(len(values)))
    admitted = pc.match_substring_regex(values, "|".join(admits), ignore_case=True)
    return pc.indices_nonzero(admitted).to_pylist()  # type: ignore[no-any-return]

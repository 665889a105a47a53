"""Nested values as paths: a struct, list or map column, or JSON held as text, read leaf by leaf.

A path says where a value sits inside its stored column: `profile.email` (a key of an object),
`tags[]` (the items of a list), `items[].sku` (a key of every item). Paths are relative to the
stored column: column `data`, path `profile.email`. Each leaf path is classified as a column of its
own (its last key as the name, the key above it and the table as the words that qualify it), so an
email inside a `jsonb` document is found as an email.

A text column is read as JSON when most of its sampled values parse as JSON objects or arrays.
Only the sample is parsed (about a thousand values per column), each within bounds, so a hostile
document cannot make the scan slow or crash it: values longer than MAX_JSON_CHARS are not parsed,
lists are read to MAX_ITEMS items, objects below MAX_DEPTH levels are read as one text value at
the path where the cut is, and a column yields at most MAX_PATHS paths; every cut is reported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.discovery.analyzer import AnalyzerSetup
from pipelines.discovery.classify import ColumnFinding, classify_column
from pipelines.discovery.profile import column_sample

MAX_DEPTH = 8  # levels of objects and lists read below the stored column
MAX_PATHS = 300  # leaf paths classified per stored column
MAX_ITEMS = 64  # items read per list value
MAX_JSON_CHARS = 65_536  # a longer text value is not parsed
JSON_SHARE = 0.8  # share of a text column's values that must be JSON objects or arrays
_PLAIN_KEY = re.compile(r"^[^.\[\]\"]+$")


@dataclass(frozen=True)
class Leaf:
    path: str  # relative to the stored column: "profile.email", "[]", "[].sku"
    values: pa.Array  # every value found at the path in the sample (list items one by one)


@dataclass(frozen=True)
class Document:
    """A stored column's sampled values, flattened."""

    source: str  # "struct", "list", "map" (the Arrow type) or "JSON text"
    leaves: tuple[Leaf, ...]
    cuts: tuple[str, ...] = ()  # the bounds that applied, in words


@dataclass(frozen=True)
class PathFinding:
    """The classification of one leaf path of a stored column."""

    column: str  # the stored column
    path: str
    finding: ColumnFinding  # its `column` is the qualified path ("data.profile.email")


def qualified(column: str, path: str) -> str:
    """The column and the path in one name: `data.profile.email`, `tags[]`, `items[].sku`."""
    return f"{column}{path}" if path.startswith("[") else f"{column}.{path}"


def classify_nested(
    column: str, values: pa.Array | pa.ChunkedArray, setup: AnalyzerSetup, table: str
) -> list[PathFinding] | None:
    """One finding per leaf path, or None when the column is not nested (a plain column)."""
    document = flatten(values)
    if document is None or not document.leaves:
        return None
    cut = f"; nested: {', '.join(document.cuts)}" if document.cuts else ""
    found = []
    for leaf in document.leaves:
        name, context = _leaf_name(column, leaf.path)
        finding = classify_column(
            column_sample(name, leaf.values), setup, f"{table.split('.')[-1]} {context}"
        )
        where = f"path {qualified(column, leaf.path)} of a {document.source} column{cut}"
        found.append(
            PathFinding(
                column,
                leaf.path,
                replace(finding, column=qualified(column, leaf.path), evidence=(*finding.evidence, where)),
            )
        )
    return found


def flatten(values: pa.Array | pa.ChunkedArray) -> Document | None:
    """The leaves of a nested or JSON text column; None for any other column."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    kind = array.type
    if pa.types.is_struct(kind) or pa.types.is_map(kind) or _is_list(kind):
        source = "struct" if pa.types.is_struct(kind) else "map" if pa.types.is_map(kind) else "list"
        rows = pc.drop_null(array).to_pylist()  # a map's entries come as (key, value) tuples
        return _flattened(source, rows, [])
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _json_text(array)
    return None


def _is_list(kind: pa.DataType) -> bool:
    return bool(pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind))


def _json_text(array: pa.Array) -> Document | None:
    texts = pc.utf8_trim_whitespace(pc.drop_null(array))
    texts = pc.filter(texts, pc.not_equal(texts, ""))
    if not len(texts):
        return None
    bracketed = pc.sum(pc.cast(pc.match_substring_regex(texts, r"^[\[{]"), pa.int64())).as_py() or 0
    if bracketed < JSON_SHARE * len(texts):
        return None  # the common case, decided without parsing anything
    rows: list[object] = []
    long = too_deep = 0
    for text in texts.to_pylist():
        if len(text) > MAX_JSON_CHARS:
            long += 1
            continue
        try:
            value = json.loads(text)
        except RecursionError:
            too_deep += 1
            continue
        except ValueError:
            continue
        if isinstance(value, (dict, list)):
            rows.append(value)
    if not rows or len(rows) + long + too_deep < JSON_SHARE * len(texts):
        return None
    cuts = [f"{long} value(s) over {MAX_JSON_CHARS:,} characters not parsed"] if long else []
    cuts += [f"{too_deep} value(s) nested too deep to parse"] if too_deep else []
    return _flattened("JSON text", rows, cuts)


@dataclass
class _Walk:
    values: dict[str, list[object]] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)  # paths beyond MAX_PATHS
    deep: int = 0  # values cut at MAX_DEPTH
    long_lists: int = 0  # lists cut at MAX_ITEMS

    def add(self, path: str, value: object) -> None:
        if path not in self.values:
            if len(self.values) >= MAX_PATHS:
                self.dropped.add(path)
                return
            self.values[path] = []
        self.values[path].append(value)

    def visit(self, value: object, path: str, depth: int) -> None:
        if value is None:
            return
        if isinstance(value, (dict, list)) and depth >= MAX_DEPTH:
            self.deep += 1
            self.add(path, json.dumps(value, ensure_ascii=False, default=str))
        elif isinstance(value, dict):
            for key, item in value.items():
                self.visit(item, _child(path, str(key)), depth + 1)
        elif isinstance(value, list) and value and isinstance(value[0], tuple):  # an Arrow map
            for key, item in value[:MAX_PATHS]:
                self.visit(item, _child(path, _key(key)), depth + 1)
        elif isinstance(value, list):
            if len(value) > MAX_ITEMS:
                self.long_lists += 1
            for item in value[:MAX_ITEMS]:
                self.visit(item, f"{path}[]", depth + 1)
        else:
            self.add(path, value)


def _key(key: object) -> str:
    return key if isinstance(key, str) else json.dumps(key, ensure_ascii=False, default=str)


def _child(path: str, key: str) -> str:
    segment = key if _PLAIN_KEY.match(key) else f"[{json.dumps(key, ensure_ascii=False)}]"
    if segment.startswith("[") or not path:
        return f"{path}{segment}"
    return f"{path}.{segment}"


def _flattened(source: str, rows: list[object], cuts: list[str]) -> Document:
    walk = _Walk()
    for row in rows:
        walk.visit(row, "", 0)
    walk.values.pop("", None)  # a scalar where a document was expected has no path
    if walk.deep:
        cuts.append(f"{walk.deep} value(s) below depth {MAX_DEPTH} read as text at the cut")
    if walk.long_lists:
        cuts.append(f"{walk.long_lists} list(s) read to their first {MAX_ITEMS} items")
    if walk.dropped:
        cuts.append(f"{len(walk.dropped)} path(s) beyond the first {MAX_PATHS} not classified")
    leaves = tuple(Leaf(path, _leaf_array(values)) for path, values in walk.values.items())
    return Document(source, leaves, tuple(cuts))


def _leaf_array(values: list[object]) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return pa.array(
            [v if isinstance(v, str) else json.dumps(v, default=str) for v in values], pa.string()
        )


def _leaf_name(column: str, path: str) -> tuple[str, str]:
    """The leaf's own name (its last key, else the stored column's) and the key above it."""
    keys = [k for k in re.split(r"\[\]|\.", path) if k] or [column]
    parents = [column, *keys[:-1]]
    return keys[-1], parents[-1]

"""Flattening a sampled column into leaf paths: the path syntax, JSON text recognition, the bounds."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from pipelines.discovery.nested import MAX_ITEMS, MAX_JSON_CHARS, flatten, qualified


def paths(values: pa.Array) -> dict[str, list[object]]:
    document = flatten(values)
    assert document is not None
    return {leaf.path: leaf.values.to_pylist() for leaf in document.leaves}


def texts(*documents: object) -> pa.Array:
    return pa.array([d if isinstance(d, str) or d is None else json.dumps(d) for d in documents], pa.string())


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"a": {"b": 1}}, {"a.b": [1]}),
        ([1, 2], {"[]": [1, 2]}),
        ({"items": [{"sku": "x"}, {"sku": "y"}]}, {"items[].sku": ["x", "y"]}),
        ([[1], [2, 3]], {"[][]": [1, 2, 3]}),
        ({"a.b": 1, "": 2}, {'["a.b"]': [1], '[""]': [2]}),
        ({"a": None, "b": []}, {}),
    ],
)
def test_json_text_paths(document: object, expected: dict[str, list[object]]) -> None:
    document_ = flatten(texts(document, document))
    assert document_ is not None
    assert {leaf.path: leaf.values.to_pylist() for leaf in document_.leaves} == {
        k: v + v for k, v in expected.items()
    }


@pytest.mark.parametrize(
    "values",
    [
        pa.array(["plain", "text", "[INFO] started"]),  # not JSON
        texts({"a": 1}, "plain", "text", "more"),  # too few JSON documents
        texts('"a json string"', "12"),  # JSON scalars are no documents
        pa.array([1, 2, 3]),
        pa.array([None, None], pa.string()),
    ],
)
def test_plain_columns_are_not_documents(values: pa.Array) -> None:
    assert flatten(values) is None


def test_mixed_leaf_types_become_text() -> None:
    assert paths(texts({"a": 1}, {"a": "x"}, {"a": True})) == {"a": ["1", "x", "true"]}


def test_struct_map_and_list_columns() -> None:
    struct = pa.array(
        [{"e": "x", "n": {"p": "1"}}], pa.struct([("e", pa.string()), ("n", pa.struct([("p", pa.string())]))])
    )
    assert paths(struct) == {"e": ["x"], "n.p": ["1"]}
    assert paths(pa.array([[("k", "v"), ("k", "w")]], pa.map_(pa.string(), pa.string()))) == {"k": ["v", "w"]}
    keyed = pa.array([[({"x": 1}, "v")]], pa.map_(pa.struct([("x", pa.int64())]), pa.string()))
    assert paths(keyed) == {'["{\\"x\\": 1}"]': ["v"]}
    assert paths(pa.array([["a", "b"]], pa.large_list(pa.string()))) == {"[]": ["a", "b"]}


def test_bounds_are_reported() -> None:
    document = flatten(
        texts(list(range(MAX_ITEMS + 5)), "[" + "1," * MAX_JSON_CHARS + "1]", "[" * 5000 + "]" * 5000)
    )
    assert document is not None
    assert [leaf.values.to_pylist() for leaf in document.leaves] == [list(range(MAX_ITEMS))]
    assert document.cuts == (
        f"1 value(s) over {MAX_JSON_CHARS:,} characters not parsed",
        "1 value(s) nested too deep to parse",
        f"1 list(s) read to their first {MAX_ITEMS} items",
    )


def test_qualified_names() -> None:
    assert [qualified("tags", "[]"), qualified("data", "profile.email"), qualified("items", "[].sku")] == [
        "tags[]",
        "data.profile.email",
        "items[].sku",
    ]

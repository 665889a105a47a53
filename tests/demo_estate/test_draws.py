"""The vectorised building blocks: distinct values, scattering groups, ages, the date floor."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from pipelines.demo_estate import draws
from pipelines.demo_estate.identities import build_population, under_16


@pytest.mark.parametrize(
    ("stems", "expected"),
    [
        (["jroe", "JRoe", "ann"], ["jroe@x.com", "JRoe1@x.com", "ann@x.com"]),
        (["a", "a", "a1"], ["a@x.com", "a1@x.com", "a12@x.com"]),
        (["b", "c"], ["b@x.com", "c@x.com"]),
    ],
)
def test_make_distinct_appends_row_numbers_to_repeats(stems: list[str], expected: list[str]) -> None:
    assert draws.make_distinct(pa.array(stems), "@x.com").to_pylist() == expected


def test_scatter_places_each_group_at_its_rows() -> None:
    groups = [(np.array([3, 0]), pa.array(["d", "a"])), (np.array([1, 2]), pa.array(["b", "c"]))]
    assert draws.scatter(groups, 4).to_pylist() == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="cover 4 rows"):
        draws.scatter(groups, 5)


def test_unique_integers_are_distinct_and_bounded() -> None:
    values = draws.unique_integers(np.random.default_rng(0), 1000, 1000)
    assert sorted(values.tolist()) == list(range(1000))
    with pytest.raises(ValueError, match="distinct"):
        draws.unique_integers(np.random.default_rng(0), 10, 11)


@pytest.mark.parametrize(
    ("born", "as_of", "child"),
    [
        (dt.date(2009, 6, 15), dt.date(2025, 6, 15), False),  # sixteenth birthday today
        (dt.date(2009, 6, 16), dt.date(2025, 6, 15), True),
        (dt.date(2008, 2, 29), dt.date(2024, 2, 29), False),
        (dt.date(2008, 3, 1), dt.date(2024, 2, 29), True),
    ],
)
def test_under_16(born: dt.date, as_of: dt.date, child: bool) -> None:
    assert bool(under_16(np.array([born], dtype="datetime64[D]"), as_of)[0]) is child


def test_streams_are_independent_per_name_and_index() -> None:
    first = draws.stream(7, "sessions", 0).integers(0, 10**9, 4)
    assert (first == draws.stream(7, "sessions", 0).integers(0, 10**9, 4)).all()
    assert not (first == draws.stream(7, "sessions", 1).integers(0, 10**9, 4)).all()
    assert not (first == draws.stream(7, "sms", 0).integers(0, 10**9, 4)).all()


def test_population_refuses_an_as_of_before_the_data_floor() -> None:
    with pytest.raises(ValueError, match="as_of must be on or after 2022-02-01"):
        build_population(7, 10, dt.date(2022, 1, 15))

"""Vectorised random draws the demo estate is built from: digit strings, codes, picks from pools.

Every function takes a numpy Generator and returns whole columns (numpy or Arrow arrays); nothing
here loops over rows. Fixed-width strings are built as (rows, width) byte matrices and viewed as
Arrow strings, which is how ten million values cost milliseconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

Digits = NDArray[np.uint8]  # (rows, width) matrix of digits 0-9
HEX = "0123456789abcdef"


def stream(seed: int, name: str, *index: int) -> np.random.Generator:
    """An independent, reproducible generator for one concept (`name`) of one build (`seed`)."""
    salt = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")
    return np.random.default_rng([seed, salt, *index])


def unique_integers(rng: np.random.Generator, high: int, n: int) -> NDArray[np.int64]:
    """`n` distinct integers in [0, high), in random order."""
    if n > high:
        raise ValueError(f"cannot draw {n} distinct values below {high}")
    return rng.choice(high, size=n, replace=False).astype(np.int64)


def to_digits(values: NDArray[np.int64], width: int) -> Digits:
    """Integers as zero-padded decimal digit matrices (most significant digit first)."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers) % 10).astype(np.uint8)


def constant_digits(text: str, n: int) -> Digits:
    """The digits of `text` repeated on `n` rows."""
    row = np.frombuffer(text.encode(), dtype=np.uint8) - ord("0")
    return np.broadcast_to(row, (n, len(text))).astype(np.uint8)


def chars_to_strings(chars: NDArray[np.uint8]) -> pa.Array:
    """A (rows, width) matrix of ASCII codes as an Arrow string array."""
    rows, width = chars.shape
    if width == 0:
        return pa.array([""] * rows, pa.string())
    fixed = np.ascontiguousarray(chars).view(f"S{width}").ravel()
    return pa.array(fixed, pa.binary(width)).cast(pa.string())


def digits_to_strings(digits: Digits) -> pa.Array:
    return chars_to_strings(digits + np.uint8(ord("0")))


def random_chars(rng: np.random.Generator, n: int, width: int, alphabet: str) -> NDArray[np.uint8]:
    table = np.frombuffer(alphabet.encode(), dtype=np.uint8)
    return table[rng.integers(0, len(table), size=(n, width))]


def random_strings(rng: np.random.Generator, n: int, width: int, alphabet: str) -> pa.Array:
    return chars_to_strings(random_chars(rng, n, width, alphabet))


def numbers_as_strings(values: NDArray[np.int64]) -> pa.Array:
    return pa.array(values, pa.int64()).cast(pa.string())


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literal strings."""
    return pc.binary_join_element_wise(*parts, "")


def pick(rng: np.random.Generator, pool: Sequence[str] | pa.Array, n: int) -> pa.Array:
    """`n` values drawn uniformly from a small pool."""
    values = pool if isinstance(pool, pa.Array) else pa.array(list(pool), pa.string())
    return values.take(rng.integers(0, len(values), size=n))


def weighted_index(rng: np.random.Generator, weights: Sequence[float], n: int) -> NDArray[np.int64]:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int64)


def scatter(groups: Sequence[tuple[NDArray[np.int64], pa.Array]], n: int) -> pa.Array:
    """One array of `n` values, each group's values placed at its row indices."""
    rows = np.concatenate([g[0] for g in groups]) if groups else np.empty(0, np.int64)
    if len(rows) != n:
        raise ValueError(f"groups cover {len(rows)} rows, expected {n}")
    values = pa.concat_arrays([g[1] for g in groups])
    return values.take(pa.array(np.argsort(rows, kind="stable")))


def with_mask(values: pa.Array, keep: NDArray[np.bool_]) -> pa.Array:
    """The values where `keep`, null elsewhere."""
    return pc.if_else(pa.array(keep), values, pa.nulls(len(values), values.type))


def days(start: dt.date, offsets: NDArray[np.int64]) -> NDArray[np.datetime64]:
    return np.datetime64(start, "D") + offsets.astype("timedelta64[D]")


def uniform_times(
    rng: np.random.Generator, low: NDArray[np.datetime64], high: NDArray[np.datetime64] | np.datetime64
) -> NDArray[np.datetime64]:
    """One instant per row, uniform in [low, high) (second precision)."""
    low_s = low.astype("datetime64[s]").astype(np.int64)
    high_s = np.broadcast_to(np.asarray(high, "datetime64[s]").astype(np.int64), low_s.shape)
    span = np.maximum(high_s - low_s, 1)
    offsets = (rng.random(len(low_s)) * span).astype(np.int64)
    return np.asarray(low_s + offsets, dtype="datetime64[s]")


def make_distinct(stem: pa.Array, tail: pa.Array | str = "") -> pa.Array:
    """`stem + tail`, with the row number appended to the stem of every repeat (case-insensitive)."""
    suffix = pa.array([""] * len(stem), pa.string())
    for _ in range(5):
        values = join(stem, suffix, tail)
        key = pc.utf8_lower(values).to_numpy(zero_copy_only=False)
        _, first = np.unique(key, return_index=True)
        repeated = np.ones(len(key), dtype=bool)
        repeated[first] = False
        if not repeated.any():
            return values
        extra = pc.fill_null(with_mask(numbers_as_strings(np.arange(len(key))), repeated), "")
        suffix = join(suffix, extra)
    raise ValueError("could not make the values distinct")

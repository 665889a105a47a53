"""What names say about keys: which column is a table's key, which table a column names.

`cust_id`, `customerId`, `fk_customer`, `id_customer`, `customer` and `customers` all name the
table `customers` (and `tbl_customers`); `acct_no` names `acct` (and is named like its key `acct.acct_no`). Postal codes,
dates, times, amounts and counts are never keys, whatever they are called.
"""

from __future__ import annotations

from typing import Literal

import pyarrow as pa

from pipelines.discovery.column_names import tokens

TABLE_PREFIXES = frozenset({"tbl", "tb"})  # `tbl_customers`, `tblCustomers`: the table customers
ID_PREFIXES = frozenset({"fk", "id", "ref", "pk"})
ID_SUFFIXES = frozenset({"id", "no", "nr", "num", "number", "key", "ref", "fk", "pk"})
# Words of names that hold a quantity, a place code or a time: never a key.
NOT_KEY_WORDS = frozenset(
    {
        "postal", "zip", "zipcode", "postcode", "plz", "date", "time", "at", "on", "day", "month",
        "year", "amount", "amt", "total", "count", "cnt", "qty", "quantity", "price", "fee", "balance",
        "sum", "size", "bytes", "duration", "age", "lat", "lon", "latitude", "longitude",
    }
)  # fmt: skip
NOT_KEY_ENTITIES = frozenset(
    {
        "POSTAL_CODE", "DATE_OF_BIRTH", "TIMESTAMP", "MONEY_AMOUNT", "DATA_VOLUME", "LATITUDE",
        "LONGITUDE", "GEO_COORDINATES", "DATE_TIME",
    }
)  # fmt: skip
Match = Literal["table", "key", "abbreviation"]  # best first
RANK: dict[Match, int] = {"table": 0, "key": 1, "abbreviation": 2}


def can_be_key(name: str, type_: pa.DataType, entity: str | None = None) -> bool:
    """Whole numbers and text can be keys; quantities, dates, postal codes and amounts cannot."""
    if not (pa.types.is_integer(type_) or pa.types.is_string(type_) or pa.types.is_large_string(type_)):
        return False
    if entity in NOT_KEY_ENTITIES:
        return False
    return not set(tokens(name)) & NOT_KEY_WORDS


def stems(column: str) -> list[tuple[str, ...]]:
    """The words of `column` that may name a table, longest first: `shipping_address_id` ->
    (shipping, address), (address); `fk_customer` -> (customer); `customers` -> (customers)."""
    words = list(tokens(column))
    if len(words) > 1 and words[0] in ID_PREFIXES:
        words = words[1:]
    elif len(words) > 1 and words[-1] in ID_SUFFIXES:
        words = words[:-1]
    if not words or words in (["id"], ["no"]):
        return []
    return [tuple(words[start:]) for start in range(len(words))]


def table_words(table: str) -> tuple[str, ...]:
    """The words of a table's own name (without its schema and a `tbl_` prefix), the last one singular."""
    words = tokens(table.split(".")[-1])
    if len(words) > 1 and words[0] in TABLE_PREFIXES:
        words = words[1:]
    return (*words[:-1], singular(words[-1])) if words else ()


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def names_table(stem: tuple[str, ...], table: str) -> Match | None:
    """How the stem names the table: its name singular or plural, else an abbreviation of it."""
    own = table_words(table)
    if not own or not stem:
        return None
    wanted = (*stem[:-1], singular(stem[-1]))
    if wanted == own:
        return "table"
    if len(wanted) == len(own) and all(w == o or abbreviates(w, o) for w, o in zip(wanted, own, strict=True)):
        return "abbreviation"
    return None


def abbreviates(short: str, word: str) -> bool:
    """`cust` of customer, `acct` of account, `addr` of address: the word's first two letters, then
    some of its letters in order, at least three and two fifths of it (`cat` is not `contact`)."""
    if len(short) < 3 or len(short) >= len(word) or short[:2] != word[:2] or 5 * len(short) < 2 * len(word):
        return False
    letters = iter(word[2:])
    return all(letter in letters for letter in short[2:])


def named_after_own_table(column: str, table: str) -> bool:
    """`acct.acct_no`, `customers.customer_id`, `cell_towers.cell_id`, any `id`: the table's own key."""
    if tokens(column) == ("id",):
        return True
    own = table_words(table)
    return any(names_table(stem, table) or own[: len(stem)] == stem for stem in stems(column)[:1])


def key_like(column: str) -> bool:
    """A name that says it identifies a row: `id`, `*_id`, `*_no`, `*Number`, `fk_*`."""
    words = tokens(column)
    return bool(words) and (words[-1] in ID_SUFFIXES or words[0] in ID_PREFIXES)

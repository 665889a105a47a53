"""The link syntax: `store.table.column`, with names quoted where they need it.

A name is written bare when it is a word (letters of any script, digits, `_`, `$`, `-`; not
starting with a digit), else in double quotes, a quote inside doubled:
`crm."Kunden Übersicht"."E-Mail Adresse"`, `crm."odd.name".contact`. A table outside the store's
default schema is `schema.table` (`billing.sales.orders.id`). One parser for every place a link
or a column is read: the estate file (`links`, `identity`, `preferences`) and the inventory.
"""

from __future__ import annotations

import re

_BARE = re.compile(r"[^\W\d](?:[\w$]|-(?!>))*")
_QUOTED = re.compile(r'"((?:[^"]|"")+)"')
_ARROW = re.compile(r"\s*(->|=(?!>))\s*")
QUOTING = 'names with spaces, dots or other signs in double quotes: crm."order items".id'
EXAMPLE = f"store.table.column, {QUOTING}"


class RefSyntaxError(ValueError):
    """A column reference or link that cannot be read; the message is one line saying why."""


def parse_parts(text: str, start: int = 0) -> tuple[list[str], int]:
    """The dotted names of one reference from `start`, and where they end."""
    parts: list[str] = []
    at = start
    while True:
        quoted = _QUOTED.match(text, at)
        bare = None if quoted else _BARE.match(text, at)
        if quoted:
            parts.append(quoted.group(1).replace('""', '"'))
            at = quoted.end()
        elif bare:
            parts.append(bare.group(0))
            at = bare.end()
        else:
            raise RefSyntaxError(f"{text!r}: expected a name at character {at + 1}; {EXAMPLE}")
        if text.startswith(".", at):
            at += 1
            continue
        return parts, at


def split_ref(text: str, start: int = 0, whole: bool = False) -> tuple[tuple[str, str, str], int]:
    """(store, table, column) of the reference at `start`: 3 names, or 4 with a schema.
    `whole`: the reference must end the text."""
    parts, end = parse_parts(text, start)
    if not 3 <= len(parts) <= 4:
        found = f"{len(parts)} name{'s' if len(parts) > 1 else ''}"
        raise RefSyntaxError(f"{text!r}: expected store.table.column, found {found}; {QUOTING}")
    if whole and end != len(text):
        raise RefSyntaxError(f"{text!r}: unexpected {text[end:]!r} after the column; {EXAMPLE}")
    return (parts[0], ".".join(parts[1:-1]), parts[-1]), end


def parse_ref(text: str) -> tuple[str, str, str]:
    return split_ref(text.strip(), whole=True)[0]


def parse_link(text: str) -> tuple[tuple[str, str, str], str, tuple[str, str, str]]:
    """(source, '->' or '=', target) of `source -> target` or `source = target`."""
    stripped = text.strip()
    source, end = split_ref(stripped)
    arrow = _ARROW.match(stripped, end)
    if arrow is None:
        raise RefSyntaxError(
            f"{text!r}: expected 'store.table.column -> store.table.column' (or '='); {EXAMPLE}"
        )
    target, _ = split_ref(stripped, arrow.end(), whole=True)
    return source, arrow.group(1), target


def quoted(name: str) -> str:
    """The name as the syntax writes it: bare when it is a word, else in double quotes."""
    if _BARE.fullmatch(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def written(store: str, table: str, column: str) -> str:
    """`store.table.column`, which `parse_ref` reads back as the same three names."""
    parts = table.split(".")
    plain = len(parts) <= 2 and all(_BARE.fullmatch(p) for p in parts)
    return ".".join([quoted(store), table if plain else quoted(table), quoted(column)])

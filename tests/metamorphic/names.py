"""Table and column names in other conventions, and the estate file's references to them renamed.

A convention is a function of the original (snake_case, plural) name, so the same name always
becomes the same new one and the new one can be read back to the original.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connectors.column_refs import parse_link, parse_ref, written

Convention = Callable[[str], str]


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def prefixed(name: str) -> str:
    return f"tbl_{name}"


def singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith(("ss", "sms")) else name


def singular_pascal(name: str) -> str:
    return pascal(singular(name))


def upper(name: str) -> str:
    return name.upper()


TABLE_CONVENTIONS: dict[str, Convention] = {
    "camelCase": camel,
    "PascalCase": pascal,
    "tbl_ prefix": prefixed,
    "singular": singular,
    "singular PascalCase": singular_pascal,
}
COLUMN_CONVENTIONS: dict[str, Convention] = {"camelCase": camel, "PascalCase": pascal, "UPPER_CASE": upper}

TableNames = Mapping[str, str]  # table -> its new name
ColumnNames = Mapping[str, Mapping[str, str]]  # table (old name) -> column -> its new name


def rename_in_estate(raw: dict[str, Any], store: str, tables: TableNames, columns: ColumnNames) -> None:
    """Rename one store's tables and columns wherever the estate file (as read by yaml) names them."""

    def table(name: str) -> str:
        return tables.get(name, name)

    def column(in_table: str, name: str) -> str:
        return columns.get(in_table, {}).get(name, name)

    config = raw["stores"][store]
    config["event_time"] = {table(t): column(t, c) for t, c in config.get("event_time", {}).items()}
    config["retention_days"] = {table(t): days for t, days in config.get("retention_days", {}).items()}
    for key in ("include", "exclude"):
        config[key] = [table(t) for t in config.get(key, [])]
    for rule in config.get("exemptions", []):
        rule["columns"] = [column(rule["table"], c) for c in rule.get("columns", [])]
        rule["table"] = table(rule["table"])

    def ref(text: str) -> str:
        ref_store, ref_table, ref_column = parse_ref(text)
        if ref_store != store:
            return text
        return written(store, table(ref_table), column(ref_table, ref_column))

    def link(text: str) -> str:
        source, arrow, target = parse_link(text)
        return f"{ref(written(*source))} {arrow} {ref(written(*target))}"

    raw["links"] = [link(text) for text in raw.get("links", [])]
    if isinstance(raw.get("identity"), dict):
        raw["identity"] = {kind: [ref(c) for c in refs] for kind, refs in raw["identity"].items()}
    for key, refs in raw.get("preferences", {}).items():
        raw["preferences"][key] = [ref(c) for c in refs]

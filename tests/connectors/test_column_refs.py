"""The link syntax: names with spaces, dots and non-ASCII letters quoted, read back as written."""

from __future__ import annotations

import pytest

from connectors import ColumnRef, Link
from connectors.column_refs import RefSyntaxError

READ = [
    ("billing.accounts.customer_id -> billing.customers.id", ("accounts", "customer_id"), "reference"),
    ("crm.contacts.email=billing.customers.email", ("contacts", "email"), "same_identity"),
    (
        'crm."Kunden Übersicht"."E-Mail Adresse" -> crm.t.id',
        ("Kunden Übersicht", "E-Mail Adresse"),
        "reference",
    ),
    ('crm."odd.name".contact = crm.t.email', ("odd.name", "contact"), "same_identity"),
    ("crm.größe.naïve_note -> crm.t.id", ("größe", "naïve_note"), "reference"),
    ('b.t."say ""hi"".x" -> b.u.id', ("t", 'say "hi".x'), "reference"),
    ("b.sales.orders.customer_id->b.sales.customers.id", ("sales.orders", "customer_id"), "reference"),
    ("b.t.E-Mail->b.u.id", ("t", "E-Mail"), "reference"),
]


@pytest.mark.parametrize(("text", "source", "kind"), READ)
def test_links_read_and_written_back(text: str, source: tuple[str, str], kind: str) -> None:
    link = Link.parse(text)
    assert (link.source.table, link.source.column) == source and link.kind == kind
    assert Link.parse(str(link)) == link


@pytest.mark.parametrize(
    ("table", "column"),
    [("Kunden Übersicht", "E-Mail Adresse"), ("odd.name", "größe.cm"), ("a.b.c", 'x"y'), ("t", "1st")],
)
def test_every_name_is_written_so_it_reads_back(table: str, column: str) -> None:
    ref = ColumnRef(store="crm", table=table, column=column)
    assert ColumnRef.parse(str(ref)) == ref


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("crm.Kunden Übersicht.email -> crm.t.id", "expected store.table.column, found 2 names"),
        ("b.t -> b.u.id", "expected store.table.column, found 2 names"),
        ("b.t.c -> b.u.d.e.f", "expected store.table.column, found 5 names"),
        ('b."unclosed.c -> b.u.id', "expected a name at character 3"),
        ("b.t.c -> b.u.id trailing", "unexpected ' trailing' after the column"),
        ("b.t.c => b.u.id", "expected 'store.table.column -> store.table.column' (or '=')"),
        ("", "expected a name at character 1"),
    ],
)
def test_bad_link_text_is_one_line_saying_why(text: str, says: str) -> None:
    with pytest.raises(RefSyntaxError) as raised:
        Link.parse(text)
    assert says in str(raised.value) and "\n" not in str(raised.value)

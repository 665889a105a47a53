"""The estate keys requests use (`ledger`, `timezone`, `smtp`, `preferences`): one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import EstateError, load_estate

STORES = "stores:\n  crm: {kind: sql, url: 'sqlite:///crm.db'}\n"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("timezone: Mars/Olympus", "timezone: unknown time zone 'Mars/Olympus'"),
        ("ledger: not a url", "ledger: not a SQLAlchemy URL"),
        (
            "smtp: {host: relay, port: 0, from: a@b.co}",
            "smtp.port: Input should be greater than or equal to 1",
        ),
        ("smtp: {host: relay}", "smtp.from: required key is missing"),
        ("smtp: {host: relay, from: a@b.co, tls: yes}", "smtp.tls: unknown key"),
        (
            "preferences: {opt_out: [crm.contacts]}",
            "preferences.opt_out: 'crm.contacts': expected store.table.column",
        ),
        (
            "preferences: {limit: [billing.customers.flag]}",
            "preferences: billing.customers.flag names unknown store",
        ),
        ("preferences: {opt_in: []}", "preferences.opt_in: unknown key"),
    ],
)
def test_a_bad_request_key_is_one_line(extra: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "crm.db").touch()
    (tmp_path / "estate.yaml").write_text(STORES + extra + "\n", encoding="utf-8")
    with pytest.raises(EstateError) as err:
        load_estate(tmp_path / "estate.yaml")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_the_request_keys_are_read(tmp_path: Path) -> None:
    (tmp_path / "crm.db").touch()
    extra = "timezone: Europe/Paris\nsmtp: {host: relay, from: a@b.co}\npreferences: {opt_out: [crm.contacts.dns]}\n"
    (tmp_path / "estate.yaml").write_text(STORES + extra, encoding="utf-8")
    estate = load_estate(tmp_path / "estate.yaml")
    assert (estate.timezone, estate.ledger, estate.smtp and estate.smtp.sender) == (
        "Europe/Paris",
        None,
        "a@b.co",
    )
    assert [str(c) for c in estate.preferences.opt_out] == [
        "crm.contacts.dns"
    ] and estate.preferences.limit == []

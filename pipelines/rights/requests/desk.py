"""Where requests are handled for one estate: its ledger, its outbox, its time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from connectors import Estate, load_estate
from pipelines.rights.requests import deadlines
from pipelines.rights.requests.ledger import Ledger, open_ledger
from pipelines.rights.requests.notices import Outbox

DEFAULT_LEDGER = "sqlite:///requests.db"


@dataclass
class Desk:
    estate: Estate
    ledger: Ledger
    outbox: Outbox
    home: Path  # the folder beside the ledger: outbox/, answers/, reports/

    def today(self) -> dt.date:
        return deadlines.today(self.estate.timezone)

    def close(self) -> None:
        self.ledger.close()


def ledger_url(estate: Estate) -> str:
    """The estate's `ledger:` (default requests.db); a relative SQLite path is beside the estate file."""
    url = sa.make_url(estate.ledger or DEFAULT_LEDGER)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if not path.is_absolute():
            url = url.set(database=str((estate.path.parent / path).resolve()))
    return url.render_as_string(hide_password=False)


def open_desk(estate_file: Path) -> Desk:
    estate = load_estate(estate_file)
    url = ledger_url(estate)
    database = sa.make_url(url).database
    sqlite = sa.make_url(url).get_backend_name() == "sqlite" and database
    home = Path(database).parent if sqlite and database else estate.path.parent.resolve()
    ledger = open_ledger(url)
    return Desk(estate, ledger, Outbox(home / "outbox", estate.smtp), home)

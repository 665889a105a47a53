"""The request ledger: an SQL database (SQLite or PostgreSQL) whose schema Alembic keeps at head.

Every change of a request is saved together with its event row (when, who, what) in one
transaction. The salt that hashes identities is kept in the ledger's `settings` table; a SQLite
ledger file is made owner-only.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from pipelines.errors import InputError
from pipelines.rights.requests.model import Case, Event
from pipelines.rights.requests.schema import data_points, events, requests, settings

HEAD = "head"
_CASE_COLUMNS = [c.name for c in requests.columns if c.name not in ("id",)]


class LedgerError(InputError):
    """The ledger cannot be opened, or a request is not in it."""


def migrate(engine: sa.Engine, revision: str = HEAD) -> None:
    """`alembic upgrade <revision>` on the ledger's database (from empty or any earlier revision)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files(__package__) / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


class Ledger:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.salt = self._salt()

    def _salt(self) -> str:
        with self.engine.begin() as conn:
            salt = conn.execute(sa.select(settings.c.value).where(settings.c.key == "salt")).scalar()
            if salt is None:
                salt = secrets.token_hex(16)
                conn.execute(settings.insert().values(key="salt", value=salt))
        return str(salt)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _changing(self, case: Case, by: str, what: str) -> Iterator[sa.Connection]:
        with self.engine.begin() as conn:
            yield conn
            event = Event(dt.datetime.now(dt.UTC), by, what)
            conn.execute(
                events.insert().values(
                    request_id=case.id, at=event.at.isoformat(timespec="seconds"), by=by, what=what
                )
            )
            case.events.append(event)

    def add(self, case: Case, by: str, what: str) -> None:
        with self._changing(case, by, what) as conn:
            conn.execute(requests.insert().values(id=case.id, **_row(case)))

    def save(self, case: Case, by: str, what: str, points: Sequence[tuple[str, str]] = ()) -> None:
        """Write the case as it now is, with the event saying what changed (and any data points)."""
        with self._changing(case, by, what) as conn:
            conn.execute(requests.update().where(requests.c.id == case.id).values(**_row(case)))
            for kind, outcome in points:
                conn.execute(data_points.insert().values(request_id=case.id, kind=kind, outcome=outcome))

    def claim(self, case: Case, by: str) -> bool:
        """Move a ready case to `processing`; False when another run already took it."""
        with self.engine.begin() as conn:
            taken = conn.execute(
                requests.update()
                .where(requests.c.id == case.id, requests.c.status == case.status)
                .values(status="processing")
            ).rowcount
        if not taken:
            return False
        case.status = "processing"
        self.save(case, by, "answering")
        return True

    def get(self, request_id: str) -> Case:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(requests).where(requests.c.id == request_id)).mappings().first()
            if row is None:
                raise LedgerError(f"no request {request_id} in the ledger")
            return _case(row, _events(conn, [request_id]).get(request_id, []))

    def cases(self, where: Any = None) -> list[Case]:
        first_event = (
            sa.select(sa.func.min(events.c.id)).where(events.c.request_id == requests.c.id).scalar_subquery()
        )
        query = sa.select(requests).order_by(requests.c.received, first_event)
        if where is not None:
            query = query.where(where)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            found = _events(conn, [r["id"] for r in rows])
        return [_case(row, found.get(row["id"], [])) for row in rows]

    def points(self, request_id: str) -> list[tuple[str, str]]:
        query = sa.select(data_points.c.kind, data_points.c.outcome).where(
            data_points.c.request_id == request_id
        )
        with self.engine.connect() as conn:
            return [(kind, outcome) for kind, outcome in conn.execute(query.order_by(data_points.c.id))]


def open_ledger(url: str) -> Ledger:
    """Open (creating and migrating to head) the ledger at `url`."""
    try:
        engine = sa.create_engine(url)
        if engine.dialect.name == "sqlite" and engine.url.database:
            _owner_only_file(Path(engine.url.database))
        migrate(engine)
        return Ledger(engine)
    except sa.exc.SQLAlchemyError as err:
        raise LedgerError(
            f"ledger {sa.make_url(url).render_as_string()}: {str(err).splitlines()[0]}"
        ) from None


def _owner_only_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    path.chmod(0o600)


def _row(case: Case) -> dict[str, Any]:
    values = {name: getattr(case, name) for name in _CASE_COLUMNS}
    values["assignments"] = case.assignments or None
    return values


def _case(row: Any, found: list[Event]) -> Case:
    values = {name: row[name] for name in ("id", *_CASE_COLUMNS)}
    values["assignments"] = values["assignments"] or {}
    values["extended"] = bool(values["extended"])
    return Case(**values, events=found)


def _events(conn: sa.Connection, ids: Sequence[str]) -> dict[str, list[Event]]:
    found: dict[str, list[Event]] = {}
    if not ids:
        return found
    query = sa.select(events).where(events.c.request_id.in_(ids)).order_by(events.c.id)
    for row in conn.execute(query).mappings():
        event = Event(dt.datetime.fromisoformat(row["at"]), row["by"], row["what"])
        found.setdefault(row["request_id"], []).append(event)
    return found

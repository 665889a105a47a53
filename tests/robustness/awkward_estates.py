"""Awkward live databases for the robustness suite: every shape a real estate has and ours did not.

Each builder fills a throw-away database (tests/conftest.py `server_database`) as its owner and
yields the URL a scan should use (a less privileged role where the shape needs one).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

ROWS = 60
WIDE = 300  # columns of the wide table; WIDE_EMAIL holds emails
WIDE_EMAIL = "c150"
ODD_TABLE = "Kunden Übersicht"
ODD_COLUMNS = ("E-Mail Adresse", "größe.cm", "naïve note")
DOTTED_TABLE = "odd.name"


def emails(prefix: str) -> list[str]:
    return [f"{prefix}{i}@example.com" for i in range(ROWS)]


def _wide_ddl(quote: str) -> str:
    columns = ", ".join(f"{quote}c{i:03d}{quote} TEXT" for i in range(1, WIDE))
    return f"CREATE TABLE wide (id INTEGER PRIMARY KEY, {columns})"


def fill_common(conn: sa.Connection, quote: str) -> None:
    """Tables every server holds: composite keys, odd names, a 300-column table."""
    q = quote
    conn.execute(sa.text(_wide_ddl(q)))
    conn.execute(
        sa.text(f"INSERT INTO wide (id, {q}{WIDE_EMAIL}{q}, {q}c001{q}) VALUES (:id, :email, :code)"),
        [{"id": i, "email": e, "code": f"X{i}"} for i, e in enumerate(emails("wide"))],
    )
    conn.execute(
        sa.text(
            f"CREATE TABLE {q}{ODD_TABLE}{q} ({q}{ODD_COLUMNS[0]}{q} VARCHAR(120), {q}{ODD_COLUMNS[1]}{q} INTEGER,"
            f" {q}{ODD_COLUMNS[2]}{q} VARCHAR(80))"
        )
    )
    conn.execute(
        sa.text(f"INSERT INTO {q}{ODD_TABLE}{q} VALUES (:e, :h, :n)"),
        [{"e": e, "h": 150 + i, "n": "ça va"} for i, e in enumerate(emails("kunde"))],
    )
    conn.execute(sa.text(f"CREATE TABLE {q}{DOTTED_TABLE}{q} (id INTEGER PRIMARY KEY, contact VARCHAR(120))"))
    conn.execute(
        sa.text(f"INSERT INTO {q}{DOTTED_TABLE}{q} VALUES (:i, :e)"),
        [{"i": i, "e": e} for i, e in enumerate(emails("dot"))],
    )


@contextmanager
def postgresql_estate(url: str) -> Iterator[str]:
    """Schemas, views, a partitioned table, uuid/inet, generated columns; a role that may not read all."""
    role = f"ccpa_r_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        _postgresql_tables(conn)
        fill_common(conn, '"')
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
        database = sa.make_url(url).database
        conn.execute(sa.text(f"GRANT CONNECT ON DATABASE {database} TO {role}"))
        for schema in ("public", "sales"):
            conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))
            conn.execute(sa.text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}"))
        conn.execute(sa.text(f"REVOKE SELECT ON locked FROM {role}"))  # and no USAGE on schema secret
    try:
        yield sa.make_url(url).set(username=role).render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
        engine.dispose()


def _postgresql_tables(conn: sa.Connection) -> None:
    statements = [
        "CREATE SCHEMA sales",
        "CREATE TABLE sales.customers (id serial PRIMARY KEY, email text NOT NULL, token uuid, src_ip inet,"
        " email_domain text GENERATED ALWAYS AS (split_part(email, '@', 2)) STORED)",
        "CREATE VIEW sales.customer_contacts AS SELECT id, email FROM sales.customers",
        # Fails only when its rows are read (an email is no integer): caught at the table by the scan.
        "CREATE VIEW sales.bad_cast AS SELECT id, CAST(email AS integer) AS n FROM sales.customers",
        "CREATE MATERIALIZED VIEW customer_emails AS SELECT id, email FROM sales.customers WITH NO DATA",
        "CREATE TABLE events (id bigint, day date, email text, PRIMARY KEY (id, day)) PARTITION BY RANGE (day)",
        "CREATE TABLE events_2026_01 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')",
        "CREATE TABLE events_2026_02 PARTITION OF events FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')",
        "CREATE TABLE orders (customer_id int, line int, amount numeric(10, 2), PRIMARY KEY (customer_id, line))",
        "CREATE SCHEMA secret",
        "CREATE TABLE secret.payroll (id int PRIMARY KEY, email text)",
        "CREATE TABLE locked (id int PRIMARY KEY, email text)",
    ]
    for statement in statements:
        conn.execute(sa.text(statement))
    people = emails("user")
    conn.execute(
        sa.text("INSERT INTO sales.customers (email, token, src_ip) VALUES (:e, :t, :ip)"),
        [{"e": e, "t": str(uuid.UUID(int=i + 1)), "ip": f"203.0.113.{i + 1}"} for i, e in enumerate(people)],
    )
    conn.execute(sa.text("REFRESH MATERIALIZED VIEW customer_emails"))
    conn.execute(
        sa.text("INSERT INTO events VALUES (:i, :d, :e)"),
        [{"i": i, "d": f"2026-0{1 + i % 2}-1{i % 9}", "e": e} for i, e in enumerate(people)],
    )
    conn.execute(
        sa.text("INSERT INTO orders VALUES (:c, :l, :a)"),
        [{"c": i // 3, "l": i % 3, "a": 10 + i} for i in range(ROWS)],
    )
    for table in ("secret.payroll", "locked"):
        conn.execute(
            sa.text(f"INSERT INTO {table} VALUES (:i, :e)"), [{"i": i, "e": e} for i, e in enumerate(people)]
        )


@contextmanager
def mariadb_estate(url: str, extra: str, secret: str) -> Iterator[str]:
    """ENUM/SET, a virtual column, a view, a second database, and a database the role may not use."""
    user = f"ccpa_r_{uuid.uuid4().hex[:10]}"
    database = sa.make_url(url).database
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        _mariadb_tables(conn, sa.make_url(extra).database or "", sa.make_url(secret).database or "")
        fill_common(conn, "`")
        for host in ("%", "localhost"):
            conn.execute(sa.text(f"CREATE USER '{user}'@'{host}'"))
            for granted in (database, sa.make_url(extra).database):
                conn.execute(sa.text(f"GRANT SELECT, SHOW VIEW ON `{granted}`.* TO '{user}'@'{host}'"))
    try:
        yield sa.make_url(url).set(username=user).render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            for host in ("%", "localhost"):
                conn.execute(sa.text(f"DROP USER IF EXISTS '{user}'@'{host}'"))
        engine.dispose()


def _mariadb_tables(conn: sa.Connection, extra: str, secret: str) -> None:
    statements = [
        "CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(120) NOT NULL,"
        " status ENUM('active', 'closed') NOT NULL, tags SET('sms', 'mail', 'app'),"
        " email_domain VARCHAR(120) AS (SUBSTRING_INDEX(email, '@', -1)) VIRTUAL)",
        "CREATE VIEW customer_contacts AS SELECT id, email FROM customers",
        "CREATE TABLE orders (customer_id INT, line INT, amount DECIMAL(10, 2), PRIMARY KEY (customer_id, line))",
        f"CREATE TABLE `{extra}`.leads (id INT PRIMARY KEY, email VARCHAR(120))",
        f"CREATE TABLE `{secret}`.payroll (id INT PRIMARY KEY, email VARCHAR(120))",
    ]
    for statement in statements:
        conn.execute(sa.text(statement))
    people = emails("user")
    conn.execute(
        sa.text("INSERT INTO customers (email, status, tags) VALUES (:e, :s, :t)"),
        [{"e": e, "s": ("active", "closed")[i % 2], "t": "sms,app"} for i, e in enumerate(people)],
    )
    conn.execute(
        sa.text("INSERT INTO orders VALUES (:c, :l, :a)"),
        [{"c": i // 3, "l": i % 3, "a": 10 + i} for i in range(ROWS)],
    )
    for table in (f"`{extra}`.leads", f"`{secret}`.payroll"):
        conn.execute(
            sa.text(f"INSERT INTO {table} VALUES (:i, :e)"),
            [{"i": i, "e": e} for i, e in enumerate(emails("lead"))],
        )

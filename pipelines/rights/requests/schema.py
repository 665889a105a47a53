"""The ledger's tables at the head revision (the migrations in `migrations/versions` build them)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

requests = sa.Table(
    "requests",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("agent", sa.String(200)),
    sa.Column("note", sa.Text),
    sa.Column("received", sa.Date, nullable=False),
    sa.Column("confirm_by", sa.Date),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("extended", sa.Boolean, nullable=False),
    sa.Column("extension_reason", sa.Text),
    sa.Column("identity_kind", sa.String(20), nullable=False),
    sa.Column("identity_value", sa.String(320)),  # NULL once closed
    sa.Column("identity_hash", sa.String(64), nullable=False, index=True),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("matched", sa.Integer, nullable=False),
    sa.Column("mismatched", sa.Integer, nullable=False),
    sa.Column("answer", sa.String(20)),
    sa.Column("outcome", sa.String(20)),
    sa.Column("denial_basis", sa.String(20)),
    sa.Column("package", sa.Text),
    sa.Column("responded", sa.Date),
    sa.Column("assignments", sa.JSON),  # correct: FIELD -> VALUE, NULL once closed
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(40), sa.ForeignKey("requests.id"), nullable=False, index=True),
    sa.Column("at", sa.String(32), nullable=False),  # ISO 8601, UTC
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
)

# Revision 0002: each data point given, by kind and outcome; never its value.
data_points = sa.Table(
    "data_points",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(40), sa.ForeignKey("requests.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),  # matched | mismatched | not_held
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

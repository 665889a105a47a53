"""The ledger: requests, their events, and the ledger's settings (the hashing salt).

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requests",
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
        sa.Column("identity_kind", sa.String(20), nullable=False),
        sa.Column("identity_value", sa.String(320)),
        sa.Column("identity_hash", sa.String(64), nullable=False, index=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("matched", sa.Integer, nullable=False),
        sa.Column("mismatched", sa.Integer, nullable=False),
        sa.Column("answer", sa.String(20)),
        sa.Column("outcome", sa.String(20)),
        sa.Column("denial_basis", sa.String(20)),
        sa.Column("package", sa.Text),
        sa.Column("responded", sa.Date),
        sa.Column("assignments", sa.JSON),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(40), sa.ForeignKey("requests.id"), nullable=False, index=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("what", sa.Text, nullable=False),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("requests")
    op.drop_table("settings")

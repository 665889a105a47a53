"""Data points given for verification (kind and outcome, never the value); the extension's reason.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_points",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(40), sa.ForeignKey("requests.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
    )
    with op.batch_alter_table("requests") as requests:
        requests.add_column(sa.Column("extension_reason", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("requests") as requests:
        requests.drop_column("extension_reason")
    op.drop_table("data_points")

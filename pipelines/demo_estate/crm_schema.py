"""The CRM database's tables, as a CRM export has them: primary keys, but NO foreign keys declared
(the relations exist in the data and are declared as links in the estate file instead), and the
columns holding them indexed, as the CRM's own lookups need."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Float, Integer, MetaData, Numeric, String, Table, Text

CRM = MetaData()

Table(
    "contacts",
    CRM,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("full_name", String(160), nullable=False),
    Column("email", String(254)),
    Column("phone", String(32)),
    Column("company", String(160)),
    Column("job_title", String(160)),
    Column("sns_handle", String(64)),
    Column("created_at", DateTime, nullable=False),
)
Table(
    "tickets",
    CRM,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("contact_id", Integer, nullable=False, index=True),
    Column("opened_at", DateTime, nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
)
Table(
    "segments",
    CRM,
    Column("contact_id", Integer, primary_key=True, autoincrement=False),
    Column("segment", String(32), nullable=False),
    Column("churn_score", Float, nullable=False),
    Column("propensity_score", Float, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
Table(
    "web_visits",
    CRM,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("contact_id", Integer, nullable=False, index=True),
    Column("cookie_id", String(64), nullable=False),
    Column("url_path", String(255), nullable=False),
    Column("user_agent", Text),
    Column("visited_at", DateTime, nullable=False),
)
Table(
    "products",
    CRM,
    Column("sku", String(32), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("list_price", Numeric(12, 2), nullable=False),
)

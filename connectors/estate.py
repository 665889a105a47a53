"""The estate file (PRODUCT.md contract): which stores to scan and what the business says about them.

Validated once, here, with errors that name the file, the key and what was expected.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from connectors.column_refs import parse_link, parse_ref, written

RECIPIENT_KINDS = ("group_entities", "contractors", "service_providers", "third_parties")
RecipientKind = Literal["group_entities", "contractors", "service_providers", "third_parties"]


def _identity_kind(kind: str) -> str:
    """A kind of identifier a request may start from: one list, pipelines.rights.records.identity.ENTITIES."""
    from pipelines.rights.records.identity import ENTITIES  # the requests' domain owns the list of kinds

    if kind not in ENTITIES:
        raise ValueError(f"unknown identity kind (expected one of {', '.join(ENTITIES)})")
    return kind


IdentityKind = Annotated[str, AfterValidator(_identity_kind)]
# 1798.105(d) exemptions, by the short names the estate file uses.
Exemption = Literal[
    "complete_transaction",  # (d)(1)
    "security",  # (d)(2)
    "debug",  # (d)(3)
    "free_speech",  # (d)(4)
    "calecpa",  # (d)(5)
    "research",  # (d)(6)
    "internal_use",  # (d)(7)
    "legal_obligation",  # (d)(8)
]


class EstateError(Exception):
    """The estate file is wrong. The message is one line: file, key, what was expected."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExemptionRule(_Strict):
    table: str
    exemption: Exemption
    action: Literal["retain", "deidentify"] = "deidentify"
    columns: list[str] = Field(default_factory=list)  # kept as is; the table's other PI is masked
    note: str = ""


class StoreConfigBase(_Strict):
    source: str = ""
    purposes: list[str] = Field(default_factory=list)
    shared_with: dict[RecipientKind, list[str]] = Field(default_factory=dict)
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    retention_days: dict[str, int] = Field(default_factory=dict)  # table -> days kept
    event_time: dict[str, str] = Field(default_factory=dict)  # table -> event-time column
    exemptions: list[ExemptionRule] = Field(default_factory=list)

    @field_validator("shared_with", mode="before")
    @classmethod
    def _recipients(cls, value: object) -> object:
        # `shared_with: [service_providers, contractors]` is shorthand for kinds with no names.
        if isinstance(value, list):
            return {kind: [] for kind in value}
        return value


class SqlStoreConfig(StoreConfigBase):
    kind: Literal["sql"]
    url: str
    schemas: list[str] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        from sqlalchemy.engine import make_url  # here: an estate of files alone never imports it
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError:
            raise ValueError("not a SQLAlchemy URL (e.g. postgresql+psycopg://host/db)") from None
        return value


_OBJECT_URL = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\s]*)?$")


def _object_url(value: object) -> str:
    if not isinstance(value, str) or not value.startswith("s3://"):
        raise ValueError("not an object storage URL")
    if not _OBJECT_URL.match(value):
        raise ValueError(f"{value!r}: expected s3://bucket/prefix (a bucket name of lower-case letters)")
    return value.rstrip("/")


ObjectUrl = Annotated[str, AfterValidator(_object_url)]


class FilesStoreConfig(StoreConfigBase):
    """A folder on this machine, or a prefix of an S3 bucket (`s3://bucket/prefix`).

    On object storage, `endpoint` names an S3-compatible server (http://host:port), `region` the
    bucket's; the key id is `access_key` and the secret is read from the environment variable
    `secret_key_env` names (never from the file). Without them the standard AWS variables apply
    (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION).
    """

    kind: Literal["files"]
    path: Annotated[ObjectUrl | Path, Field(union_mode="left_to_right")]
    format: Literal["parquet", "csv", "jsonl"] | None = None
    endpoint: str | None = None
    region: str | None = None
    access_key: str | None = None
    secret_key_env: str | None = None

    @field_validator("path", mode="before")
    @classmethod
    def _path(cls, value: object) -> object:
        return _object_url(value) if isinstance(value, str) and value.startswith("s3://") else value

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/:]+(:\d{1,5})?/?", value):
            raise ValueError("expected http://HOST:PORT or https://HOST[:PORT] (an S3-compatible server)")
        return value

    @model_validator(mode="after")
    def _object_keys(self) -> FilesStoreConfig:
        if not self.remote:
            for key in ("endpoint", "region", "access_key", "secret_key_env"):
                if getattr(self, key) is not None:
                    raise ValueError(f"{key}: only for a path on object storage (s3://bucket/prefix)")
        if (self.access_key is None) != (self.secret_key_env is None):
            raise ValueError("access_key and secret_key_env go together (or neither: the AWS variables)")
        return self

    @property
    def remote(self) -> bool:
        """On object storage rather than this machine's disk."""
        return isinstance(self.path, str)


StoreConfig = Annotated[SqlStoreConfig | FilesStoreConfig, Field(discriminator="kind")]
_CLUSTER = re.compile(r"^tcp://[^\s/:]+:\d{1,5}$")


class ComputeConfig(_Strict):
    """Where whole-store reads run: a dask scheduler, or a local cluster of `workers` processes."""

    cluster: str | None = None  # tcp://HOST:PORT, or none (in the command's own process)
    workers: int | None = Field(default=None, ge=1)

    @field_validator("cluster")
    @classmethod
    def _cluster(cls, value: str | None) -> str | None:
        if value is not None and value != "none" and not _CLUSTER.match(value):
            raise ValueError("expected tcp://HOST:PORT (a dask scheduler) or none")
        return value


class ColumnRef(_Strict):
    store: str
    table: str  # schema.table outside the default schema
    column: str

    @classmethod
    def parse(cls, text: str) -> ColumnRef:
        """`store.table.column` as the link syntax writes it (`connectors.column_refs`)."""
        store, table, column = parse_ref(text)
        return cls(store=store, table=table, column=column)

    def __str__(self) -> str:
        return written(self.store, self.table, self.column)


class Link(_Strict):
    """`a -> b`: many rows of a refer to one of b. `a = b`: the same identity value in both."""

    source: ColumnRef
    target: ColumnRef
    kind: Literal["reference", "same_identity"]

    @classmethod
    def parse(cls, text: str) -> Link:
        (s_store, s_table, s_column), arrow, (t_store, t_table, t_column) = parse_link(text)
        kind: Literal["reference", "same_identity"] = "reference" if arrow == "->" else "same_identity"
        return cls(
            source=ColumnRef(store=s_store, table=s_table, column=s_column),
            target=ColumnRef(store=t_store, table=t_table, column=t_column),
            kind=kind,
        )

    def __str__(self) -> str:
        return f"{self.source} {'->' if self.kind == 'reference' else '='} {self.target}"


class SmtpConfig(_Strict):
    """The relay that sends notices to consumers (`smtp:`); without it they wait in the outbox."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    host: str
    port: int = Field(default=25, ge=1, le=65535)
    sender: str = Field(alias="from")
    username: str | None = None
    password_env: str | None = None  # the environment variable holding the password


class Preferences(_Strict):
    """Columns set for a consumer who opts out of sale/sharing, or limits the use of sensitive PI."""

    opt_out: list[ColumnRef] = Field(default_factory=list)
    limit: list[ColumnRef] = Field(default_factory=list)

    @field_validator("opt_out", "limit", mode="before")
    @classmethod
    def _columns(cls, value: object) -> object:
        if isinstance(value, list):
            return [ColumnRef.parse(v) if isinstance(v, str) else v for v in value]
        return value


class Estate(_Strict):
    stores: dict[str, StoreConfig]
    links: list[Link] = Field(default_factory=list)
    identity: dict[IdentityKind, list[str]] = Field(default_factory=dict)
    ledger: str | None = None  # SQLAlchemy URL of the request ledger (default: requests.db beside)
    timezone: str = "America/Los_Angeles"
    smtp: SmtpConfig | None = None
    preferences: Preferences = Field(default_factory=Preferences)
    compute: ComputeConfig = Field(default_factory=ComputeConfig)
    path: Path = Path("estate.yaml")  # where it was read from (set by load_estate)

    @field_validator("ledger")
    @classmethod
    def _ledger(cls, value: str | None) -> str | None:
        if value is not None:
            SqlStoreConfig._url(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (expected e.g. America/Los_Angeles)") from None
        return value

    @field_validator("links", mode="before")
    @classmethod
    def _links(cls, value: object) -> object:
        if isinstance(value, list):
            return [Link.parse(v) if isinstance(v, str) else v for v in value]
        return value

    @field_validator("identity", mode="before")
    @classmethod
    def _identity(cls, value: object) -> object:
        # `identity: [email, phone]` is shorthand: those kinds, columns found by discovery.
        if isinstance(value, list):
            return {kind: [] for kind in value}
        if isinstance(value, dict):
            for columns in value.values():
                for text in columns if isinstance(columns, list) else []:
                    parse_ref(str(text))  # a column as links name one: one line if it is not
        return value

    @field_validator("stores")
    @classmethod
    def _some_stores(cls, value: dict[str, StoreConfig]) -> dict[str, StoreConfig]:
        if not value:
            raise ValueError("at least one store is required")
        for name in value:
            if not re.fullmatch(r"[A-Za-z_][\w-]*", name):
                raise ValueError(f"store name {name!r} must be a word (letters, digits, _ or -)")
        return value

    @model_validator(mode="after")
    def _links_name_stores(self) -> Estate:
        for link in self.links:
            for ref in (link.source, link.target):
                if ref.store not in self.stores:
                    raise ValueError(f"link '{link}' names unknown store {ref.store!r}")
        for ref in (*self.preferences.opt_out, *self.preferences.limit):
            if ref.store not in self.stores:
                raise ValueError(f"preferences: {ref} names unknown store {ref.store!r}")
        return self


_MESSAGES = {"extra_forbidden": "unknown key", "missing": "required key is missing"}


def _location(loc: tuple[int | str, ...]) -> str:
    # pydantic puts the discriminator's value in the path (stores.billing.sql.url): drop it.
    return ".".join(str(p) for p in loc if p not in ("sql", "files"))


def load_estate(path: str | Path) -> Estate:
    """Read and validate an estate file. Relative store paths resolve against the file's folder."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EstateError(f"{path}: estate file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise EstateError(f"{path}: cannot read estate file ({err})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise EstateError(f"{path}: not valid YAML{where}") from None
    if not isinstance(raw, dict):
        raise EstateError(f"{path}: expected a mapping with a 'stores' key")
    try:
        estate = Estate.model_validate({**raw, "path": path})
    except ValidationError as err:
        first = err.errors()[0]
        key = _location(first["loc"]) or "(top level)"
        message = _MESSAGES.get(first["type"], first["msg"].removeprefix("Value error, "))
        raise EstateError(f"{path}: {key}: {message}") from None
    return _resolved(estate)


def _resolved(estate: Estate) -> Estate:
    base = estate.path.parent
    stores: dict[str, StoreConfig] = {}
    for name, store in estate.stores.items():
        if isinstance(store, FilesStoreConfig) and not store.remote:
            assert isinstance(store.path, Path)
            folder = store.path if store.path.is_absolute() else (base / store.path)
            if not folder.is_dir():
                raise EstateError(f"{estate.path}: stores.{name}.path: no such directory {folder}")
            store = store.model_copy(update={"path": folder.resolve()})
        elif isinstance(store, SqlStoreConfig):
            try:
                url = _resolved_sqlite(store.url, base)
            except EstateError as err:
                raise EstateError(f"{estate.path}: stores.{name}.url: {err}") from None
            store = store.model_copy(update={"url": url})
        stores[name] = store
    return estate.model_copy(update={"stores": stores})


def _resolved_sqlite(url: str, base: Path) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return url
    db = Path(parsed.database)
    if not db.is_absolute():
        db = (base / db).resolve()
    if not db.is_file():
        # SQLAlchemy would create an empty database here: refuse instead of writing anything.
        raise EstateError(f"{url}: no such SQLite database file {db}")
    return parsed.set(database=str(db)).render_as_string(hide_password=False)

"""Fuzz: every `ccpa` command, driven with generated arguments and estate files, never shows a traceback.

Hypothesis generates the arguments of each command (numbers of any size and sign, text, paths that
exist, do not exist or are files, identities well and badly formed) and the estate file they name
(a small real estate, YAML of generated shape with the estate's own keys and others, stores with bad
URLs, unreachable servers, missing folders, text that is not YAML). Each run must end with a
documented exit status (0, 1 or 2) and nothing on stdout or stderr may be a traceback; 70 (a bug
was hit) fails the test. Derandomized and without an example database: the same examples every
run (`CCPA_FUZZ_EXAMPLES=500` searches further). `ccpa demo` runs Dagster end to end, which `tests/orchestration` covers; here its arguments
are fuzzed with an `--out` it must refuse, so it never starts a run.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines.cli import main
from pipelines.rights.records.identity import ENTITIES

DOCUMENTED = {0, 1, 2}
EXAMPLES = int(os.environ.get("CCPA_FUZZ_EXAMPLES", "40"))  # per command; more to search further locally
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
NUMBER = st.one_of(st.integers(-(10**20), 10**20), st.sampled_from(["0", "-1", "1e3", "1.5", "", "0x10"]))
ESTATE_KEYS = [
    "stores",
    "links",
    "identity",
    "ledger",
    "kind",
    "url",
    "path",
    "format",
    "include",
    "exclude",
    "schemas",
    "shared_with",
    "exemptions",
    "event_time",
    "retention_days",
    "purposes",
]
URLS = [
    "sqlite:///billing.db",
    "sqlite:///nope.db",
    "sqlite://",
    "sqlite:///:memory:",
    "oracle://x/y",
    "postgresql+psycopg://u:S3cretPW@127.0.0.1:1/x",
    "mysql+pymysql://127.0.0.1:1/x?password=S3cretPW",
    "not a url",
    "http://example.com/x",
    "sqlite:///files",
]
PATHS = ["files", "nowhere", "billing.db", ".", "files/contacts.csv", ""]


@pytest.fixture(scope="module")
def estate_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real estate (SQLite + a CSV folder) that each example copies and may break."""
    root = tmp_path_factory.mktemp("fuzz-estate")
    (root / "files").mkdir()
    (root / "files" / "contacts.csv").write_text(
        "id,email,phone,zip\n1,ann@example.com,415 555 3007,02134\n2,bob@example.com,,10001\n",
        encoding="utf-8",
    )
    with contextlib.closing(sqlite3.connect(root / "billing.db")) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, name TEXT)")
        db.executemany(
            "INSERT INTO customers VALUES (?, ?, ?)", [(1, "ann@example.com", "Ann"), (2, "x", "Bo")]
        )
        db.commit()
    (root / "estate.yaml").write_text(
        "stores:\n  billing: {kind: sql, url: 'sqlite:///billing.db'}\n"
        "  crm: {kind: files, path: files, format: csv}\n"
        "links:\n  - crm.contacts.email = billing.customers.email\n"
    )
    return root


def scalars() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(), st.booleans(), st.integers(-5, 5), TEXT, st.sampled_from(URLS + PATHS + ESTATE_KEYS)
    )


def store() -> st.SearchStrategy[dict[str, object]]:
    sql = st.fixed_dictionaries({"kind": st.just("sql"), "url": st.sampled_from(URLS)})
    files = st.fixed_dictionaries(
        {"kind": st.just("files"), "path": st.sampled_from(PATHS)},
        optional={"format": st.sampled_from(["csv", "parquet", "jsonl", "xls"])},
    )
    extra = st.dictionaries(st.sampled_from(ESTATE_KEYS), scalars(), max_size=2)
    return st.one_of(sql, files, st.tuples(st.one_of(sql, files), extra).map(lambda p: {**p[0], **p[1]}))


def estate_text() -> st.SearchStrategy[str | None]:
    """None keeps the real estate file; otherwise the text written over it."""
    stores = st.dictionaries(st.sampled_from(["billing", "crm", "b", "bad name", "1"]), store(), max_size=2)
    shaped = st.fixed_dictionaries(
        {"stores": stores},
        optional={
            "links": st.lists(
                st.sampled_from(["crm.contacts.email = billing.customers.email", "a.b -> c", "x"])
            ),
            "identity": st.sampled_from(
                [["email"], ["ssn"], {"email": ["billing.customers.email"]}, "email"]
            ),
        },
    ).map(yaml.safe_dump)
    junk = st.recursive(
        scalars(),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(ESTATE_KEYS), inner, max_size=3)
        ),
        max_leaves=6,
    ).map(yaml.safe_dump)
    broken = [shaped, junk, TEXT, st.just("stores: [unclosed"), st.just("")]
    return st.integers(0, 9).flatmap(lambda k: st.none() if k < 5 else broken[k - 5])


# Files real exports hold, each tried as a table of the estate before anything generated.
AWKWARD = [
    b"",
    b",\n1,2\n",
    b"a,a\n1,2\n",
    b",a,b\n0,x@example.com,1\n",
    b"a,b\n1\n",
    b"\xef\xbb\xbf",
    b'a\n"open\n',
    b"a;b\r\n1;2,5\r\n",
    "id,name\n1,Zoë\n".encode("cp1252"),
    "id\tname\n1\tZoë\n".encode("utf-16"),
]


def damage() -> st.SearchStrategy[tuple[str, bytes] | None]:
    """Now and then a data file of the estate replaced or added: generated CSV text, junk bytes, nothing."""
    cells = st.text(st.sampled_from('ab1 0,;"\t\r\n|-é'), max_size=40)
    files = st.sampled_from(["files/contacts.csv", "files/extra.csv", "billing.db"])
    content = st.one_of(
        cells.map(str.encode), cells.map(lambda t: t.encode("utf-16")), st.binary(max_size=40)
    )
    return st.integers(0, 3).flatmap(lambda k: st.none() if k < 1 else st.tuples(files, content))


def out_path() -> st.SearchStrategy[str]:
    return st.sampled_from(["out"] * 4 + ["out/nested/deeper", "estate.yaml", "billing.db", ""])


def identity(batch: bool) -> st.SearchStrategy[list[str]]:
    kinds = st.sampled_from([*(f"--{kind.replace('_', '-')}" for kind in ENTITIES), "--emails"])
    values = st.one_of(
        TEXT,
        st.sampled_from(
            [
                "ann@example.com",
                "ANN@Example.com",
                "415 555 3007",
                "1",
                "310150123456789",
                "batch.txt",
                "nowhere.txt",
                "estate.yaml",
            ]
        ),
    )
    one = st.tuples(
        st.sampled_from(["--email", "--emails"]), st.sampled_from(["ann@example.com", "batch.txt"])
    )
    pairs = st.one_of(st.lists(one, min_size=1, max_size=1), st.lists(st.tuples(kinds, values), max_size=2))
    return pairs.map(lambda chosen: [token for pair in chosen for token in pair])


@st.composite
def options(draw: st.DrawFn, spec: dict[str, st.SearchStrategy[str]]) -> list[str]:
    """The required options (now and then one left out), some others, in any order, a stray token."""
    required = [name for name in spec if name in MUST]
    if required and draw(st.sampled_from([False] * 9 + [True])):
        required.remove(draw(st.sampled_from(required)))
    others = [name for name in spec if name not in MUST and draw(st.booleans())]
    argv: list[str] = []
    for name in draw(st.permutations(required + others)):
        argv += [name] if spec[name] is FLAG else [name, str(draw(spec[name]))]
    return argv + draw(st.sampled_from([[], [], [], [], [], ["--bogus"], ["extra"], ["--", "x"]]))


FLAG = st.just("")
MUST = {"--estate", "--out", "--set"}
REQUIRED = {
    "--estate": st.sampled_from(["estate.yaml"] * 6 + ["nowhere.yaml", "files", "billing.db"]),
    "--out": out_path(),
}
COMMANDS: dict[str, dict[str, st.SearchStrategy[str]]] = {
    "stores": {"--estate": REQUIRED["--estate"]},
    "scan": {
        **REQUIRED,
        "--sample": NUMBER.map(str),
        "--full": FLAG,
        "--suppression": st.sampled_from(["out", "nowhere", "estate.yaml"]),
    },
    "coverage": {
        **REQUIRED,
        "--notice": st.sampled_from(["estate.yaml", "nowhere.yaml", "billing.db", "x.txt"]),
        "--inventory": st.sampled_from(["out", "estate.yaml", "nowhere", "billing.db"]),
    },
    "access": {
        **REQUIRED,
        "--lookback-days": NUMBER.map(str),
        "--all-time": FLAG,
        "--inventory": st.sampled_from(["out", "estate.yaml", "nowhere"]),
        "--passphrase": TEXT,
        "--passphrase-env": st.sampled_from(["HOME", "CCPA_NOT_SET", ""]),
    },
    "delete": {
        **REQUIRED,
        "--dry-run": FLAG,
        "--inventory": st.sampled_from(["out", "estate.yaml", "nowhere"]),
    },
    "correct": {
        **REQUIRED,
        "--set": st.one_of(
            st.sampled_from(["name=Ann B", "EMAIL_ADDRESS=a@b.co", "zip=02139", "phone=", "=", "x"]),
            st.tuples(TEXT, TEXT).map("=".join),
            TEXT,
        ),
    },
    "demo-estate": {
        "--out": out_path(),
        "--consumers": st.one_of(st.integers(1, 20), NUMBER).map(str),
        "--days": st.one_of(st.integers(-1, 2), NUMBER).map(str),
        "--seed": NUMBER.map(str),
        "--as-of": st.sampled_from(["2026-11-01", "0001-01-01", "soon", ""]),
        "--billing-url": st.sampled_from(["sqlite://", "garbage", "oracle://h/x", URLS[5], URLS[6]]),
    },
    "demo": {
        "--out": st.sampled_from(["estate.yaml", "billing.db"]),
        "--consumers": NUMBER.map(str),
        "--as-of": st.sampled_from(["2026-11-01", "9999-12-31", "x"]),
    },
}


@contextlib.contextmanager
def example_folder(
    estate_folder: Path, text: str | None, damaged: tuple[str, bytes] | None
) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ccpa-fuzz-") as temp:
        folder = Path(temp) / "estate"
        shutil.copytree(estate_folder, folder)
        (folder / "batch.txt").write_text("ann@example.com\n# a comment\nbob@example.com\n", encoding="utf-8")
        (folder / "bad-batch.txt").write_text("ann@example.com\nnot an email\n", encoding="utf-8")
        if text is not None:
            (folder / "estate.yaml").write_text(text, encoding="utf-8")
        if damaged is not None:
            (folder / damaged[0]).write_bytes(damaged[1])
        yield folder


def in_folder(argv: list[str], folder: Path) -> list[str]:
    """Relative paths given to options resolve in the example's folder (never the test's cwd)."""
    paths = {"--estate", "--out", "--inventory", "--notice", "--suppression", "--emails"}
    resolved = list(argv)
    for index, token in enumerate(argv[:-1]):
        if token in paths and argv[index + 1] and not argv[index + 1].startswith("-"):
            resolved[index + 1] = str(folder / argv[index + 1])
    return resolved


def run(argv: list[str]) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    return code, stdout.getvalue() + stderr.getvalue()


FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Valid arguments, for the estate fuzz: only the estate file and its data vary.
VALID = {
    "stores": ["stores", "--estate", "estate.yaml"],
    "scan": ["scan", "--estate", "estate.yaml", "--out", "out", "--sample", "50"],
    "access": ["access", "--estate", "estate.yaml", "--out", "out", "--email", "ann@example.com"],
    "delete": ["delete", "--estate", "estate.yaml", "--out", "out", "--email", "ann@example.com"],
}


def assert_documented(
    argv: list[str], estate_folder: Path, text: str | None, damaged: tuple[str, bytes] | None
) -> None:
    with example_folder(estate_folder, text, damaged) as folder:
        full = [argv[0], *in_folder(argv[1:], folder)]
        code, shown = run(full)
    assert "Traceback" not in shown and "S3cretPW" not in shown, (full, text, damaged, shown)
    assert code in DOCUMENTED, (full, text, damaged, code, shown)


@pytest.fixture
def quiet_logs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CCPA_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))


@pytest.mark.parametrize("command", COMMANDS)
def test_no_generated_arguments_show_a_traceback(command: str, estate_folder: Path, quiet_logs: None) -> None:
    spec = COMMANDS[command]
    examples = EXAMPLES // 5 if command == "demo-estate" else EXAMPLES  # a valid one builds an estate (~2 s)

    @settings(FUZZ, max_examples=examples)
    @given(text=estate_text(), damaged=damage(), argv=options(spec), who=identity(command == "access"))
    def check(text: str | None, damaged: tuple[str, bytes] | None, argv: list[str], who: list[str]) -> None:
        if command == "demo" and "--out" not in argv:
            argv = [*argv, "--out", "estate.yaml"]
        extra = who if command in {"access", "delete", "correct"} else []
        assert_documented([command, *argv, *extra], estate_folder, text, damaged)

    check()


@pytest.mark.parametrize("command", VALID)
def test_no_generated_estate_shows_a_traceback(command: str, estate_folder: Path, quiet_logs: None) -> None:
    @settings(FUZZ, max_examples=EXAMPLES // 2)
    @given(text=estate_text(), damaged=damage())
    def check(text: str | None, damaged: tuple[str, bytes] | None) -> None:
        assert_documented(VALID[command], estate_folder, text, damaged)

    for awkward in AWKWARD:
        check = example(text=None, damaged=("files/extra.csv", awkward))(check)
    check()

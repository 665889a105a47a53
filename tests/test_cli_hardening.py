"""Everything a new user can get wrong is one line and exit status 2; a bug is one line, a log and 70.

Through the `ccpa` command: bad numbers, `--out` naming a file or a read-only folder, secrets in
store URLs, a malformed line of a batch file; a command that hits a bug; and `ccpa stores` starting
without loading the analyzer.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.masking import mask_secrets
from pipelines.cli import main

OUT_COMMANDS = {
    "scan": ["scan", "--estate", "{estate}"],
    "coverage": ["coverage", "--estate", "{estate}"],
    "access": ["access", "--estate", "{estate}", "--email", "ann@example.com"],
    "delete": ["delete", "--estate", "{estate}", "--email", "ann@example.com"],
    "correct": ["correct", "--estate", "{estate}", "--email", "ann@example.com", "--set", "city=Paris"],
    "demo-estate": ["demo-estate", "--consumers", "5"],
    "demo": ["demo", "--consumers", "5"],
}


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """A small estate: a SQLite database and a folder holding a CSV file."""
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "contacts.csv").write_text("id,email\n1,ann@example.com\n", encoding="utf-8")
    with contextlib.closing(sqlite3.connect(tmp_path / "billing.db")) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT)")
        db.execute("INSERT INTO customers VALUES (1, 'ann@example.com')")
        db.commit()
    path = tmp_path / "estate.yaml"
    path.write_text(
        "stores:\n  billing: {kind: sql, url: 'sqlite:///billing.db'}\n  crm: {kind: files, path: files}\n"
    )
    return path


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ccpa: error: "), captured.err
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


def args_for(command: str, estate: Path, out: Path) -> list[str]:
    return [a.format(estate=estate) for a in OUT_COMMANDS[command]] + ["--out", str(out)]


@pytest.mark.parametrize("sample", ["-5", "0", "ten"])
def test_sample_must_be_a_positive_whole_number(
    estate: Path, tmp_path: Path, sample: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert main(["scan", "--estate", str(estate), "--out", str(out), "--sample", sample]) == 2
    assert "--sample" in one_error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize("command", OUT_COMMANDS)
def test_out_naming_a_file_is_one_line(
    estate: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    assert main(args_for(command, estate, a_file)) == 2
    assert "is a file" in one_error_line(capsys)
    assert a_file.read_text() == "mine"


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """A folder nobody may write in: mode 0555, or the immutable flag when running as root."""
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield
        folder.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("running as root without chattr: cannot make a read-only folder")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.parametrize("command", OUT_COMMANDS)
@pytest.mark.parametrize("below", [False, True])
def test_out_in_a_read_only_folder_is_one_line(
    estate: Path, tmp_path: Path, command: str, below: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    with read_only(locked):
        out = locked / "reports" if below else locked
        assert main(args_for(command, estate, out)) == 2
        assert "read-only or no permission" in one_error_line(capsys)
        assert list(locked.iterdir()) == []


def test_lookback_beyond_a_century_is_one_line(
    estate: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*args_for("access", estate, tmp_path / "out"), "--lookback-days", "99999999"]
    assert main(argv) == 2
    assert "lookback-days must be from 1 to 36,500" in one_error_line(capsys)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://127.0.0.1:1/x?password=S3cretPW&user=x",
        "postgresql+psycopg://x:S3cretPW@127.0.0.1:1/x",
        "postgresql+psycopg://x@127.0.0.1:1/x?sslmode=disable&PASSWORD=S3cretPW",
        "mysql+pymysql://x@127.0.0.1:1/x?passwd=S3cretPW",
    ],
)
def test_a_password_in_any_part_of_a_store_url_is_masked(tmp_path: Path, url: str) -> None:
    (tmp_path / "estate.yaml").write_text(f"stores:\n  b: {{kind: sql, url: '{url}'}}\n")
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "stores", "--estate", str(tmp_path / "estate.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot connect" in result.stderr
    assert "S3cretPW" not in result.stderr + result.stdout and "***" in result.stderr


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("mysql://u:pw@h/db", "mysql://u:***@h/db"),
        (
            "postgresql://h/db?user=u&password=pw&sslpassword=k2",
            "postgresql://h/db?user=u&password=***&sslpassword=***",
        ),
        ("x?Token=abc&pwd=1;Secret=2 api_key=3", "x?Token=***&pwd=***;Secret=*** api_key=***"),
        ("smtp.password: hunter2", "smtp.password: ***"),
        ('{"token": "abc"}', '{"token": ***}'),
        ("no secret here: sqlite:///a.db user=u", "no secret here: sqlite:///a.db user=u"),
    ],
)
def test_mask_secrets_in_every_position(text: str, masked: str) -> None:
    assert mask_secrets(text) == masked


def test_a_malformed_line_of_a_batch_file_is_named(
    estate: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "requests.txt"
    batch.write_text("ann@example.com\n# a comment\n\nnot-an-email.com\n", encoding="utf-8")
    argv = ["access", "--estate", str(estate), "--emails", str(batch), "--out", str(tmp_path / "out")]
    assert main(argv) == 2
    line = one_error_line(capsys)
    assert "line 4: malformed email address" in line and "not-an-email" not in line
    assert not (tmp_path / "out").exists()


def test_a_bug_is_one_line_naming_an_owner_only_log(
    estate: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object) -> object:
        raise KeyError("ann@example.com has phone 415 555 3007")

    monkeypatch.setattr("pipelines.estate_overview.overview", broken)
    monkeypatch.setenv("CCPA_LOG_DIR", str(tmp_path / "logs"))
    assert main(["stores", "--estate", str(estate)]) == 70
    line = one_error_line(capsys)
    assert "`ccpa stores`" in line and "KeyError" in line
    [log] = (tmp_path / "logs").iterdir()
    assert str(log) in line
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text()
    assert "Traceback" in text and "KeyError" in text and "broken" in text
    assert "ann@example.com" not in text and "555" not in text


def test_interrupt_is_130(estate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("pipelines.estate_overview.overview", interrupted)
    assert main(["stores", "--estate", str(estate)]) == 130


@pytest.mark.parametrize("argv", [["stores", "--estate", "{estate}"], ["--help"], ["scan", "--help"]])
def test_stores_and_help_never_load_the_analyzer(estate: Path, argv: list[str]) -> None:
    probe = (
        "import sys\nfrom pipelines.cli import main\n"
        "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as done:\n    code = done.code\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'presidio_analyzer', 'spacy', 'dagster'})\n"
        "print('loaded:', heavy, 'exit:', code)\n"
    )
    argv = [a.format(estate=estate) for a in argv]
    result = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "loaded: [] exit: 0", result.stdout + result.stderr

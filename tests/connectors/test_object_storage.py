"""A files store in an S3 bucket (moto's server on 127.0.0.1) behaves as the same files on disk:
`ccpa stores`, `ccpa scan` (and `--full-values`), `ccpa access` and `ccpa delete` through the CLI.

The demo estate's device logs are written as Parquet (hive-partitioned folders), CSV (a file) and
JSON lines (a partitioned folder), then uploaded; the local twin of the estate is the truth each answer is held to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.fs as pa_fs
import pyarrow.parquet as pq
import pytest
import yaml

import connectors.files
from connectors import FilesStoreConfig, TableChange
from connectors._faults import FAULT_ENV
from connectors._file_index import INDEX_DIR
from connectors._file_rewrite import TEMP_MARK
from connectors.files import FileStore
from pipelines.cli import main
from pipelines.demo_estate import build_demo_estate
from tests.connectors.conftest import ACCESS_KEY, SECRET, S3Server
from tests.rights.deletion_runs import email_of

BUCKET = "ccpa-estates"
CUSTOMER = 7
SAMPLE = 100  # rows per table: the demo's small tables are read whole anyway


def _as_csv(folder: Path) -> None:
    for path in folder.glob("*.parquet"):
        pa_csv.write_csv(pq.read_table(path), path.with_suffix(".csv"))
        path.unlink()


def _as_jsonl(folder: Path) -> None:
    for path in folder.rglob("*.parquet"):
        rows = pq.read_table(path).to_pylist()
        lines = "".join(json.dumps(row, default=str) + "\n" for row in rows)
        path.with_suffix(".jsonl").write_text(lines, encoding="utf-8")
        path.unlink()


def _estate_file(root: Path, device_logs: dict[str, str] | None = None) -> Path:
    """The demo estate's file without the CRM (to keep the scans short), its device logs read by
    extension; on S3 when `device_logs` says so."""
    document = yaml.safe_load((root / "estate.yaml").read_text(encoding="utf-8"))
    del document["stores"]["crm"]
    document["links"] = [link for link in document["links"] if "crm." not in link]
    store = document["stores"]["device_logs"]
    store.pop("format")
    store.update(device_logs or {})
    (root / "estate.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return root / "estate.yaml"


def _upload(server: S3Server, folder: Path, prefix: str) -> str:
    s3 = server.filesystem()
    s3.create_dir(BUCKET)
    pa_fs.copy_files(str(folder), f"{BUCKET}/{prefix}", pa_fs.LocalFileSystem(), s3)
    return f"s3://{BUCKET}/{prefix}"


def _twins(server: S3Server, pristine: Path, folder: Path, prefix: str) -> tuple[Path, Path]:
    """A copy of the estate on disk and one whose device logs are in the bucket under `prefix`."""
    local = folder / "local"
    shutil.copytree(pristine, local)
    remote = folder / "remote"
    shutil.copytree(pristine, remote, ignore=shutil.ignore_patterns("device_logs"))
    url = _upload(server, pristine / "device_logs", prefix)
    return _estate_file(local), _estate_file(remote, server.store_keys(url))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("s3") / "estate"
    build_demo_estate(root, consumers=40, days=2, seed=21, as_of=dt.date(2026, 11, 1))
    _as_csv(root / "device_logs")  # cell_towers.csv: a table file
    _as_jsonl(root / "device_logs" / "sms")  # a partitioned folder of JSON lines
    return root


@pytest.fixture(scope="module")
def twins(s3_server: S3Server, pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _twins(s3_server, pristine, tmp_path_factory.mktemp("twins"), "read/device_logs")


@pytest.fixture(scope="module")
def scanned(twins: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Both twins scanned with --full-values in this process: their inventory folders."""
    outs = []
    for estate in twins:
        out = tmp_path_factory.mktemp("inventory")
        assert (
            main(["scan", "--estate", str(estate), "--out", str(out), "--full-values", "--cluster", "none"])
            == 0
        )
        outs.append(out)
    return outs[0], outs[1]


def _columns(out: Path) -> list[dict[str, Any]]:
    return list(json.loads((out / "inventory.json").read_text(encoding="utf-8"))["columns"])


def test_the_bucket_is_listed_as_the_folder(
    twins: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    listings = []
    for estate in twins:
        assert main(["stores", "--estate", str(estate)]) == 0
        printed = capsys.readouterr().out.replace(str(estate), "E")
        listings.append([" ".join(line.split()) for line in printed.splitlines()])
    local, remote = listings
    assert remote == local
    assert any("api_events" in line for line in remote) and any("sms" in line for line in remote)


def test_a_scan_of_the_bucket_equals_one_of_the_folder(scanned: tuple[Path, Path], pristine: Path) -> None:
    local, remote = (_columns(out) for out in scanned)
    logs = [c for c in remote if c["store"] == "device_logs"]
    assert {c["table"] for c in logs} == {"cell_towers", "sessions", "sms", "api_events"}
    sessions = pq.read_table(pristine / "device_logs" / "sessions").num_rows
    imsi = next(c for c in logs if (c["table"], c["column"]) == ("sessions", "imsi"))
    assert imsi["rows_scanned"] == sessions  # every value was read from the bucket
    assert remote == local


def _package(out: Path) -> dict[str, object]:
    """The package's counts and data files, each file's rows in a fixed order (rows from several
    files of a table come in the order their reads finish)."""
    (package,) = out.glob("access-*.zip")
    members: dict[str, object] = {}
    with zipfile.ZipFile(package) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8")
            if name.endswith(".json") and name.startswith("data/"):
                members[name] = sorted(json.dumps(row, sort_keys=True) for row in json.loads(text))
            elif name.startswith("data/"):
                header, *rows = text.splitlines()
                members[name] = [header, *sorted(rows)]
        members["counts"] = json.loads(archive.read("manifest.json"))["counts"]
    return members


def test_an_access_package_from_the_bucket_equals_the_folders(
    twins: tuple[Path, Path], scanned: tuple[Path, Path], pristine: Path, tmp_path: Path
) -> None:
    email = email_of(pristine, CUSTOMER)
    packages = []
    for estate, inventory, name in zip(twins, scanned, ("local", "remote"), strict=True):
        out = tmp_path / name
        options = ["--email", email, "--all-time", "--inventory", str(inventory)]
        assert main(["access", "--estate", str(estate), *options, "--out", str(out)]) == 0
        packages.append(_package(out))
    local, remote = packages
    assert any(name.startswith("data/device_logs/") for name in remote)
    assert remote == local


def _objects(s3: pa_fs.S3FileSystem, prefix: str) -> dict[str, str]:
    """relative key -> ETag of every object under the prefix."""
    infos = s3.get_file_info(pa_fs.FileSelector(f"{BUCKET}/{prefix}", recursive=True))
    files = [i.path for i in infos if i.type == pa_fs.FileType.File]
    tags = {}
    for path in files:
        with s3.open_input_file(path) as stream:
            tags[path.removeprefix(f"{BUCKET}/{prefix}/")] = bytes(stream.metadata()["ETag"]).decode()
    return tags


@dataclass(frozen=True)
class DeletedOnDisk:
    """The consumer deleted from the estate on disk: the truth a deletion in the bucket must equal."""

    folder: Path  # the device logs after the deletion
    tables: list[dict[str, Any]]  # the deletion report's tables


def _delete(estate: Path, email: str, inventory: Path, out: Path) -> list[dict[str, Any]]:
    options = ["--email", email, "--inventory", str(inventory), "--out", str(out)]
    assert main(["delete", "--estate", str(estate), *options]) == 0
    (report,) = out.glob("deletion-*.json")
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["verification"]["zero_residue"]
    return list(document["tables"])


@pytest.fixture(scope="module")
def deleted_on_disk(
    s3_server: S3Server, pristine: Path, scanned: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> DeletedOnDisk:
    folder = tmp_path_factory.mktemp("on-disk") / "local"
    shutil.copytree(pristine, folder)
    tables = _delete(_estate_file(folder), email_of(pristine, CUSTOMER), scanned[0], folder.parent / "out")
    return DeletedOnDisk(folder / "device_logs", tables)


def _remote_twin(server: S3Server, pristine: Path, folder: Path, prefix: str) -> Path:
    shutil.copytree(pristine, folder, ignore=shutil.ignore_patterns("device_logs"))
    return _estate_file(folder, server.store_keys(_upload(server, pristine / "device_logs", prefix)))


def _assert_bucket_holds(s3: pa_fs.S3FileSystem, prefix: str, folder: Path) -> None:
    """Every object under the prefix equals the file of the folder (Parquet: the same table)."""
    objects = _objects(s3, prefix)
    assert set(objects) == {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for key in objects:
        path = f"{BUCKET}/{prefix}/{key}"
        if key.endswith(".parquet"):
            with s3.open_input_file(path) as stream:
                assert pq.read_table(stream).equals(pq.read_table(folder / key)), key
        else:
            with s3.open_input_stream(path) as stream:
                assert stream.read() == (folder / key).read_bytes(), key


def test_a_deletion_in_the_bucket_rewrites_only_the_consumers_objects(
    s3_server: S3Server,
    pristine: Path,
    scanned: tuple[Path, Path],
    deleted_on_disk: DeletedOnDisk,
    tmp_path: Path,
) -> None:
    remote = _remote_twin(s3_server, pristine, tmp_path / "remote", "delete/device_logs")
    s3 = s3_server.filesystem()
    before = _objects(s3, "delete/device_logs")
    email = email_of(pristine, CUSTOMER)
    assert _delete(remote, email, scanned[1], tmp_path / "out") == deleted_on_disk.tables
    _assert_bucket_holds(s3, "delete/device_logs", deleted_on_disk.folder)
    after = _objects(s3, "delete/device_logs")
    changed = {key for key in before if after[key] != before[key]}
    holding = {
        key
        for key in before
        if (deleted_on_disk.folder / key).read_bytes() != (pristine / "device_logs" / key).read_bytes()
    }
    assert holding and changed == holding  # only the objects that held the consumer were rewritten
    # run again: nothing left to delete, no object rewritten
    _delete(remote, email, scanned[1], tmp_path / "again")
    assert _objects(s3, "delete/device_logs") == after


@pytest.mark.parametrize("point", ["file-rewrite"])  # some objects replaced, the others staged
def test_a_deletion_killed_in_the_bucket_ends_right_when_run_again(
    point: str,
    s3_server: S3Server,
    pristine: Path,
    scanned: tuple[Path, Path],
    deleted_on_disk: DeletedOnDisk,
    tmp_path: Path,
) -> None:
    prefix = f"killed-{point}/device_logs"
    remote = _remote_twin(s3_server, pristine, tmp_path / "remote", prefix)
    email, out = email_of(pristine, CUSTOMER), tmp_path / "out"
    command = [sys.executable, "-m", "pipelines.cli", "delete", "--estate", str(remote), "--email", email]
    command += ["--out", str(out), "--inventory", str(scanned[1])]
    killed = subprocess.run(command, env={**os.environ, FAULT_ENV: point}, capture_output=True, check=False)
    assert killed.returncode == -signal.SIGKILL
    s3 = s3_server.filesystem()
    assert any(TEMP_MARK in key for key in _objects(s3, prefix))  # staged objects left by the kill
    assert _delete(remote, email, scanned[1], out) == deleted_on_disk.tables
    _assert_bucket_holds(s3, prefix, deleted_on_disk.folder)  # and no temp object left


Cases = dict[str, tuple[dict[str, str], str]]
UNREACHABLE: Cases = {  # store -> (what changes in its keys, what its line says)
    "no_bucket": ({"path": "s3://no-such-bucket/logs"}, "no such bucket"),
    "no_prefix": ({"path": f"s3://{BUCKET}/nothing-here"}, "no such prefix in the bucket"),
    "no_server": ({"endpoint": "http://127.0.0.1:9"}, "cannot reach the server at http://127.0.0.1:9"),
}
# the server checks keys against its IAM users (it has none): ours is unknown to it
BAD_CREDENTIALS: Cases = {"bad_credentials": ({}, "the access key id is not known to the server")}


@pytest.mark.parametrize("cases", [UNREACHABLE, BAD_CREDENTIALS], ids=["unreachable", "bad-credentials"])
def test_an_unreachable_bucket_is_one_unreadable_line_and_the_other_stores_go_on(
    cases: Cases,
    s3_server: S3Server,
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from moto.core.authorization import enable_iam_authentication  # moto is there: s3_server started

    s3_server.filesystem().create_dir(BUCKET)  # the bucket exists, empty unless other tests filled it
    billing: dict[str, object] = {"kind": "sql", "url": f"sqlite:///{pristine / 'billing.db'}"}
    stores: dict[str, dict[str, object]] = {"billing": {**billing, "include": ["customers"]}}
    for name, (changed, _) in cases.items():
        keys = {**s3_server.store_keys(f"s3://{BUCKET}/read/device_logs"), **changed}
        stores[name] = {"kind": "files", **keys}
    estate, out = tmp_path / "estate.yaml", tmp_path / "out"
    estate.write_text(yaml.safe_dump({"stores": stores}))
    with enable_iam_authentication() if cases is BAD_CREDENTIALS else contextlib.nullcontext():
        assert main(["scan", "--estate", str(estate), "--out", str(out), "--sample", str(SAMPLE)]) == 1
    printed = capsys.readouterr()
    text = " ".join((printed.out + printed.err).split())  # as one line: the console wraps long ones
    for name, (_, reason) in cases.items():
        assert f"unreadable {name}.*: cannot list {stores[name]['path']}: {reason}" in text
    assert "Traceback" not in text and SECRET not in text and "Request ID" not in text
    assert ACCESS_KEY not in text  # no more of the key id than its first characters
    assert f"inventory incomplete: {len(cases)} table" in text
    assert {c["table"] for c in _columns(out) if c["store"] == "billing"} == {"customers"}  # it went on


def _bucket_store(server: S3Server, prefix: str) -> FileStore:
    keys = server.store_keys(f"s3://{BUCKET}/{prefix}")
    return FileStore("logs", FilesStoreConfig.model_validate({"kind": "files", **keys}))


def _put(s3: pa_fs.S3FileSystem, key: str, data: bytes) -> None:
    with s3.open_output_stream(f"{BUCKET}/{key}") as out:
        out.write(data)


def test_an_object_rewritten_at_the_same_size_gets_a_new_fingerprint(s3_server: S3Server) -> None:
    s3 = s3_server.filesystem()
    s3.create_dir(BUCKET)
    _put(s3, "stamps/imeis.csv", b"imei\n356938035640007\n")
    first = _bucket_store(s3_server, "stamps").fingerprint("imeis")
    _put(s3, "stamps/imeis.csv", b"imei\n356938035640013\n")  # same size, same second: only the ETag tells
    assert _bucket_store(s3_server, "stamps").fingerprint("imeis") != first


def test_the_value_index_lives_in_the_bucket_and_follows_changes(
    s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connectors.files, "MIN_ROWS", 100)  # index even this small table
    s3 = s3_server.filesystem()
    s3.create_dir(BUCKET)
    for day in range(2):
        n = 300
        table = pa.table(
            {"imei": [f"35693803564{(i * 7) % 40:04d}" for i in range(n)], "bytes": list(range(n))}
        )
        with s3.open_output_stream(f"{BUCKET}/indexed/sessions/dt=2026-11-0{day + 1}/part-0.parquet") as out:
            pq.write_table(table, out, row_group_size=50)
    imei = "356938035640007"
    with _bucket_store(s3_server, "indexed") as store:
        before = store.find("sessions", "imei", [imei])
        assert before.num_rows == 2 * sum(1 for i in range(300) if (i * 7) % 40 == 7)
        assert set(before.column("dt").to_pylist()) == {"2026-11-01", "2026-11-02"}
        assert f"{INDEX_DIR}/sessions/imei.parquet" in _objects(s3, "indexed")  # beside the tables
        assert [t.name for t in store.tables()] == ["sessions"]  # and no table
        keys = store.find("sessions", "imei", [imei], columns=["imei"])
        store.apply([TableChange("sessions", ("imei",), deletes=keys.slice(0, 1))])
        assert store.find("sessions", "imei", [imei]).num_rows == 0


def test_the_value_index_sees_an_object_rewritten_at_the_same_size(
    s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is updated object by object: an object rewritten at the same size (and, S3 counting
    whole seconds, mostly within the same second) differs from the indexed one by its ETag alone,
    and is read again, as the fingerprint sees it."""
    monkeypatch.setattr(connectors.files, "MIN_ROWS", 100)
    s3 = s3_server.filesystem()
    s3.create_dir(BUCKET)

    def put_day(day: int, imeis: str) -> int:
        table = pa.table({"imei": [f"3569380356{imeis}{i % 40:04d}" for i in range(320)]})
        key = f"{BUCKET}/same-size/sessions/dt=2026-11-0{day}/part-0.parquet"
        with s3.open_output_stream(key) as out:
            pq.write_table(table, out, row_group_size=50, compression="none", use_dictionary=False)
        return int(s3.get_file_info(key).size or 0)

    first = put_day(1, "4")
    put_day(2, "5")
    with _bucket_store(s3_server, "same-size") as store:
        assert store.find("sessions", "imei", ["356938035650007"]).num_rows == 8
    assert put_day(1, "6") == first  # other IMEIs, the same size
    with _bucket_store(s3_server, "same-size") as store:
        assert store.find("sessions", "imei", ["356938035640007"]).num_rows == 0
        assert store.find("sessions", "imei", ["356938035660007"]).num_rows == 8
        assert store.find("sessions", "imei", ["356938035650007"]).num_rows == 8

"""`ccpa coverage`: the demo's built-in gap is found (exit 1), an estate without it passes (exit 0)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.demo_estate import DemoEstate
from tests.dask_servers import task_stream, worker_names


def test_job_titles_are_an_undisclosed_category(gap_estate: DemoEstate, tmp_path: Path) -> None:
    assert main(["coverage", "--estate", str(gap_estate.estate_file), "--out", str(tmp_path)]) == 1
    report = json.loads((tmp_path / "coverage.json").read_text())
    assert [(g["kind"], g["subject"]) for g in report["gaps"]] == [("undisclosed_category", "professional")]
    assert set(report["gaps"][0]["columns"]) == {"crm.contacts.job_title", "crm.contacts.company"}
    assert report["gaps"][0]["suggestion"].startswith("Add a row 'Professional")
    assert report["minors"]["under_16"] > 0  # the demo holds family wearables of children
    found = {c["key"] for c in report["categories"] if c["found"]}
    assert {
        "identifiers",
        "customer_records",
        "commercial",
        "network_activity",
        "geolocation",
        "inferences",
    } <= found
    assert report["over_disclosed"] == []
    assert {s["kind"]: s["named_by_notice"] for s in report["sensitive"]} == {
        "account_login": True,
        "financial_account": True,
        "precise_geolocation": True,
    }


def test_an_estate_the_notice_covers_passes(covered_estate: Path, tmp_path: Path) -> None:
    assert main(["coverage", "--estate", str(covered_estate), "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "coverage.json").read_text())["status"] == "ok"


def test_reuses_an_inventory_and_counts_minors_on_the_dask_cluster_asked_for(
    gap_estate: DemoEstate, dask_cluster: str, tmp_path: Path
) -> None:
    estate = str(gap_estate.estate_file)
    assert main(["scan", "--estate", estate, "--out", str(tmp_path / "inv")]) == 0
    minors = {}
    task_stream(dask_cluster)  # installs the scheduler's task-stream plugin before the count
    for where in ("none", dask_cluster):
        out = tmp_path / where.replace("/", "_").replace(":", "_")
        args = ["coverage", "--estate", estate, "--out", str(out), "--inventory", str(tmp_path / "inv")]
        assert main([*args, "--cluster", where]) == 1 and (out / "coverage.html").exists()
        minors[where] = json.loads((out / "coverage.json").read_text())["minors"]
    assert minors["none"] == minors[dask_cluster] and minors["none"]["under_16"] > 0
    names = worker_names(dask_cluster)
    ran = [names[str(t["worker"])] for t in task_stream(dask_cluster) if "count_split" in str(t["key"])]
    counted = sum(1 for c in minors["none"]["columns"] if c["dates"])
    assert len(ran) >= counted > 0 and set(ran) <= {"w0", "w1"}


def test_a_cluster_address_that_is_not_one_is_refused(
    gap_estate: DemoEstate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["coverage", "--estate", str(gap_estate.estate_file), "--out", str(tmp_path / "out")]
    assert main([*args, "--cluster", "localhost:8786"]) == 2
    err = capsys.readouterr().err.strip()
    assert "expected tcp://HOST:PORT" in err and "\n" not in err
    assert not (tmp_path / "out").exists()


def test_a_recipient_the_notice_does_not_name_is_a_gap(gap_estate: DemoEstate, tmp_path: Path) -> None:
    text = gap_estate.estate_file.read_text().replace(
        "shared_with:", "shared_with:\n      third_parties: [ad network]", 1
    )
    estate = gap_estate.root / "estate-third-party.yaml"
    estate.write_text(text)
    assert main(["coverage", "--estate", str(estate), "--out", str(tmp_path)]) == 1
    kinds = {(g["kind"], g["subject"]) for g in json.loads((tmp_path / "coverage.json").read_text())["gaps"]}
    assert ("undisclosed_recipient", "third_parties") in kinds


@pytest.mark.parametrize(
    ("notice", "message"),
    [("notice.txt", "expected the notice as YAML"), ("missing.yaml", "missing.yaml")],
)
def test_bad_notice_is_one_line(
    gap_estate: DemoEstate, tmp_path: Path, notice: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notice.txt").write_text("Notice to California Residents")
    code = main(
        [
            "coverage",
            "--estate",
            str(gap_estate.estate_file),
            "--notice",
            str(tmp_path / notice),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and message in err and "\n" not in err
    assert not (tmp_path / "out").exists()


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is required under CI (.ci/run installs Debian's package)")
    pytest.skip("chromium not installed (apt-get install chromium)")


def test_the_html_report_renders_in_a_browser(gap_estate: DemoEstate, tmp_path: Path) -> None:
    main(["coverage", "--estate", str(gap_estate.estate_file), "--out", str(tmp_path)])
    browser = _chromium()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", (tmp_path / "coverage.html").as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "1 gap(s)" in dom and "crm.contacts.job_title" in dom
    assert dom.index('id="gaps"') < dom.index('id="matrix"')  # gaps first
    shot = tmp_path / "coverage.png"
    subprocess.run(
        [
            browser,
            *flags,
            "--window-size=1200,1600",
            f"--screenshot={shot}",
            (tmp_path / "coverage.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10_000

"""`ccpa request run` killed (SIGKILL) at a named point leaves the request retryable; the retry
answers it exactly once: one package or report, one completion notice, one outcome."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from connectors._faults import FAULT_ENV
from tests.rights.requests.conftest import ccpa, customer, new

PROJECT = Path(__file__).resolve().parents[3]
CASES = [
    ("know", "request-run:claimed", "access-*.zip"),
    ("know", "request-run:answered", "access-*.zip"),
    ("delete", "applied-store:billing", "deletion-*.json"),
    ("delete", "request-run:answered", "deletion-*.json"),
]


def killed_run(estate_file: Path, request: str, point: str) -> int:
    command = [sys.executable, "-m", "pipelines.cli", "request", "run", "--estate", str(estate_file), request]
    env = {**os.environ, FAULT_ENV: point}
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, check=False).returncode


@pytest.mark.parametrize(("request_type", "point", "answer"), CASES, ids=[f"{t}-{p}" for t, p, _ in CASES])
def test_a_killed_run_is_retried_and_answered_once(
    request_type: str, point: str, answer: str, estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person, estate = customer(estate_file, 2), str(estate_file)
    request = new(capsys, estate_file, "--type", request_type, "--email", person.email)
    points = ["--point", f"name={person.name}", "--point", f"phone={person.phone}"]
    points += ["--point", f"date_of_birth={person.date_of_birth}", "--signed-declaration"]
    ccpa(capsys, "verify", "--estate", estate, request, *points)

    assert killed_run(estate_file, request, point) == -signal.SIGKILL
    assert json.loads(ccpa(capsys, "show", "--estate", estate, request))["status"] == "processing"
    assert request in ccpa(capsys, "list", "--estate", estate, "--open", "--format", "json")

    ccpa(capsys, "run", "--estate", estate, "--ready")
    shown = json.loads(ccpa(capsys, "show", "--estate", estate, request))
    assert shown["status"] == "complied"
    answers = list((estate_file.parent / "answers" / request).glob(answer))
    assert [str(a) for a in answers] == [shown["package"]]
    outcomes = [e["what"] for e in shown["events"] if e["what"].startswith("complied")]
    assert len(outcomes) == 1
    assert len(list((estate_file.parent / "outbox").glob(f"{request}-completion.eml"))) == 1

    ccpa(capsys, "run", "--estate", estate, "--ready")  # nothing left to do
    assert json.loads(ccpa(capsys, "show", "--estate", estate, request))["events"] == shown["events"]
    assert "closed" in ccpa(capsys, "cancel", "--estate", estate, request, status=2)

"""`ccpa request run`: answer ready requests through the access, deletion and correction code.

A run claims the request (`processing`), answers it into `<out>/<request id>/`, then records the
outcome and package and closes it. Killed at any point, the request stays `processing` and a new
run picks it up: an answer already written in its folder is reused (a deletion resumes from its
journal), and the outcome is recorded once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from connectors._faults import checkpoint
from pipelines.errors import InputError
from pipelines.rights.changes.correction import answer_correction, answer_preference
from pipelines.rights.changes.deletion import answer_deletion
from pipelines.rights.model import Identity
from pipelines.rights.packages.access import answer_access, answer_categories
from pipelines.rights.requests import notices
from pipelines.rights.requests.desk import Desk
from pipelines.rights.requests.lifecycle import close, deny_unverifiable
from pipelines.rights.requests.model import Case
from pipelines.rights.requests.schema import requests

REASONABLE_ONLY = (
    "Your identity was verified to a reasonable degree only (two matching data points); specific pieces "
    "of information need three and a signed declaration (11 CCR 7062), so we list the categories we hold."
)


@dataclass(frozen=True)
class Answer:
    outcome: str  # complied | complied_in_part
    answer: str | None  # specific_pieces | categories_only | None
    package: Path
    detail: str


def ready_cases(desk: Desk) -> list[Case]:
    """Requests that can be answered now, and those a killed run left `processing`."""
    cases = desk.ledger.cases(requests.c.status.in_(("received", "verified", "processing")))
    return [c for c in cases if c.ready or c.status == "processing"]


def run_ready(desk: Desk, out: Path | None = None, by: str = "cli") -> list[Case]:
    deny_unverifiable(desk, by)
    return [run_case(desk, case, out, by) for case in ready_cases(desk)]


def run_case(desk: Desk, case: Case, out: Path | None = None, by: str = "cli") -> Case:
    if case.status != "processing":
        if not case.ready:
            raise InputError(f"request {case.id} is not ready ({case.status}, verification {case.level})")
        if not desk.ledger.claim(case, by):
            return desk.ledger.get(case.id)
    checkpoint("request-run:claimed")
    folder = (out or desk.home / "answers") / case.id
    answer = _answer(desk, case, folder)
    checkpoint("request-run:answered")
    case.answer, case.package = answer.answer, str(answer.package)
    desk.outbox.send(case, "completion", *notices.completion(case, answer.detail))
    return close(desk, case, answer.outcome, f"{answer.outcome}: {answer.package.name}", by)


def _answer(desk: Desk, case: Case, folder: Path) -> Answer:
    if case.identity_value is None:
        raise InputError(f"request {case.id} has no identity left to answer")
    identity = Identity(case.identity_kind, case.identity_value)
    estate_file, today = desk.estate.path, desk.today()
    if case.type in ("know", "know-categories"):
        if case.type == "know" and case.level == "reasonably_high":
            package = _existing(folder, "access-*.zip") or _package(estate_file, identity, folder, today)
            return Answer("complied", "specific_pieces", package, "")
        partial = case.type == "know"
        reason = REASONABLE_ONLY if partial else "You asked for the categories of information we hold."
        package = _existing(folder, "categories-*.json") or answer_categories(
            estate_file, identity, folder, reason, today=today
        )
        return Answer("complied_in_part" if partial else "complied", "categories_only", package, reason)
    if case.type == "delete":
        report = _existing(folder, "deletion-*.json")
        if report is None:
            deletion = answer_deletion(estate_file, identity, folder)
            outcome = "complied" if deletion.complied else "complied_in_part"
            return Answer(outcome, None, deletion.report, "Your personal information was deleted.")
        return Answer("complied", None, report, "Your personal information was deleted.")
    if case.type == "correct":
        report = (
            _existing(folder, "correction-*.json")
            or answer_correction(estate_file, identity, case.assignments, folder).report
        )
        return Answer("complied", None, report, "Your information was corrected.")
    columns = desk.estate.preferences.opt_out if case.type == "opt-out" else desk.estate.preferences.limit
    report = (
        _existing(folder, f"{case.type}-*.json")
        or answer_preference(estate_file, identity, case.type, columns, folder).report
    )
    return Answer("complied", None, report, "Your choice is recorded and passed on to our recipients.")


def _package(estate_file: Path, identity: Identity, folder: Path, today: dt.date) -> Path:
    (answer,) = answer_access(estate_file, [identity], folder, today=today)
    return answer.package


def _existing(folder: Path, pattern: str) -> Path | None:
    found = sorted(folder.glob(pattern))
    return found[-1] if found else None

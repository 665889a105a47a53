"""Notices to the consumer: receipt, extension, denial, completion (RFC 5322 messages).

Each is written to the outbox folder beside the ledger, owner-only: a message to the consumer
necessarily carries their address. With an SMTP relay (`smtp:` in the estate) it is also sent,
and the copy kept in `outbox/sent/` has the address masked. Bodies never hold an identifier.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from connectors.estate import SmtpConfig
from pipelines.rights.requests.model import Case

BUSINESS = "the privacy team"


class Outbox:
    def __init__(self, folder: Path, smtp: SmtpConfig | None) -> None:
        self.folder = folder
        self.smtp = smtp

    def send(self, case: Case, kind: str, subject: str, body: str) -> Path:
        """Write `<request id>-<kind>.eml` (the same name on a retry: never two) and send it."""
        message = EmailMessage()
        message["From"] = self.smtp.sender if self.smtp else "privacy@localhost"
        address = case.identity_value if case.identity_kind == "email" else None
        if address:
            message["To"] = address
        message["Subject"] = f"{subject} (request {case.id})"
        message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        message["Message-ID"] = make_msgid(idstring=case.id)
        message.set_content(f"{body}\n\nRequest {case.id}, received {case.received}. {BUSINESS}\n")
        path = self._write(self.folder, f"{case.id}-{kind}.eml", message)
        if self.smtp and address:
            self._deliver(message)
            path.unlink()
            message.replace_header("To", _masked(address))
            path = self._write(self.folder / "sent", f"{case.id}-{kind}.eml", message)
        return path

    def _deliver(self, message: EmailMessage) -> None:
        assert self.smtp is not None
        with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=10) as relay:
            if self.smtp.username:
                relay.login(self.smtp.username, os.environ.get(self.smtp.password_env or "", ""))
            relay.send_message(message)

    @staticmethod
    def _write(folder: Path, name: str, message: EmailMessage) -> Path:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)
        path = folder / name
        descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(message.as_bytes())
        return path


def _masked(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def receipt(case: Case) -> tuple[str, str]:
    if case.confirm_by is None:
        return "We received your request", f"We will act on your {case.type} request by {case.due}."
    steps = (
        "We will now verify your identity against the information we hold; we may ask you for more details. "
        if case.needs_verification
        else ""
    )
    return (
        "We received your request",
        f"We received your {case.type} request on {case.received}. {steps}We will answer by {case.due}.",
    )


def extension(case: Case) -> tuple[str, str]:
    return (
        "We need more time for your request",
        f"We are extending the time to answer your request by 45 days, to {case.due}, because: "
        f"{case.extension_reason}",
    )


def denial(case: Case, reason: str) -> tuple[str, str]:
    return (
        "We cannot comply with your request",
        f"We are denying your {case.type} request (basis: {case.denial_basis}). {reason}",
    )


def completion(case: Case, detail: str) -> tuple[str, str]:
    where = f" Your answer is at {case.package}." if case.package else ""
    return "Your request is complete", f"We have completed your {case.type} request. {detail}{where}"

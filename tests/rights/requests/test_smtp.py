"""Notices go through a real SMTP server (aiosmtpd on 127.0.0.1); the kept copy has the address masked."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.rights.requests.conftest import ccpa, customer, new


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def relay() -> Iterator[tuple[int, Inbox]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def test_notices_are_sent_through_the_relay(
    relay: tuple[int, Inbox], estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port, inbox = relay
    with open(estate_file, "a", encoding="utf-8") as file:
        file.write(f"smtp: {{host: 127.0.0.1, port: {port}, from: privacy@example.com}}\n")
    person = customer(estate_file)
    request = new(
        capsys, estate_file, "--type", "delete", "--email", person.email, "--received", "2026-11-02"
    )
    ccpa(capsys, "extend", "--estate", str(estate_file), request, "--reason", "a large archive to search")
    ccpa(
        capsys,
        "deny",
        "--estate",
        str(estate_file),
        request,
        "--basis",
        "exemption",
        "--reason",
        "legal hold",
    )
    subjects = [m["Subject"] for _, m in inbox.messages]
    assert subjects == [
        f"We received your request (request {request})",
        f"We need more time for your request (request {request})",
        f"We cannot comply with your request (request {request})",
    ]
    assert all(to == [person.email.lower()] for to, _ in inbox.messages)
    assert inbox.messages[0][1]["From"] == "privacy@example.com"
    body = str(inbox.messages[1][1].get_payload(decode=True), "utf-8")
    assert "a large archive to search" in body and "2027-01-31" in body
    outbox = estate_file.parent / "outbox"
    assert not list(outbox.glob("*.eml"))  # sent: nothing waits
    kept = sorted((outbox / "sent").glob("*.eml"))
    assert len(kept) == 3
    for path in kept:
        assert person.email.lower().encode() not in path.read_bytes()
        assert path.stat().st_mode & 0o077 == 0

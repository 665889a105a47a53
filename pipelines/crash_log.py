"""Where an unexpected failure (a bug) goes: a traceback in an owner-only log file, never on screen.

The log is `$CCPA_LOG_DIR`, else `~/.ccpa/logs`, else `<temp dir>/ccpa-<uid>/logs` when the home
folder cannot be written; folders 0700, files 0600. It holds the command's name, the time and the
traceback (file, line, function, source line), never local variables or the command's arguments;
every other line of it (the exception messages, the source lines) is scrubbed of quoted values, email addresses, long digit runs and
secrets, since a message can repeat the data it failed on.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import traceback
import uuid
from pathlib import Path

from connectors.masking import mask_secrets

LOG_DIR_ENV = "CCPA_LOG_DIR"
_QUOTED = re.compile(r"""(['"])(?:(?!\1).){1,200}\1""")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_FRAME = re.compile(r'\s*File "[^"]*", line \d+, in \S+$')
_DIGITS = re.compile(r"\+?\d[\d \-]{4,}\d")


def scrubbed(message: str) -> str:
    """An exception message without the values it may quote (which can be personal data)."""
    message = mask_secrets(message)
    message = _QUOTED.sub(lambda m: f"{m.group(1)}<{len(m.group(0)) - 2} chars>{m.group(1)}", message)
    message = _EMAIL.sub("<email>", message)
    return _DIGITS.sub("<digits>", message)


def write_crash_log(command: str, err: BaseException) -> Path:
    """Write the traceback of `err` to a new owner-only file and return its path."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    text = f"ccpa {command}: unexpected error at {stamp} UTC\n" + "".join(_frames(err))
    last: OSError | None = None
    for folder in _folders():
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = folder / f"crash-{stamp}-{os.getpid()}-{uuid.uuid4().hex[:6]}.log"
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            last = error
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as log:
            log.write(text)
        return path
    assert last is not None
    raise last


def _frames(err: BaseException) -> list[str]:
    """The traceback (chained causes included), every line but the `File ..., line N` ones scrubbed."""
    lines: list[str] = []
    for part in traceback.TracebackException.from_exception(err, capture_locals=False).format():
        for line in part.splitlines():
            lines.append((line if _FRAME.match(line) else scrubbed(line)) + "\n")
    return lines


def _folders() -> list[Path]:
    configured = os.environ.get(LOG_DIR_ENV)
    folders = [Path(configured)] if configured else []
    folders.append(Path.home() / ".ccpa" / "logs")
    folders.append(Path(tempfile.gettempdir()) / f"ccpa-{os.getuid()}" / "logs")
    return folders

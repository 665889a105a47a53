"""A database's error as one line a person can read: no password, no quoted value."""

from __future__ import annotations

from connectors.base import one_line


def reason(err: BaseException, secret: object = None) -> str:
    """The first line of the driver's message, without the password or quoted values."""
    cause = getattr(err, "orig", None) or err
    args = cause.args
    message = args[1] if len(args) == 2 and isinstance(args[0], int) else str(cause)  # pymysql: (code, text)
    text = str(message)
    if secret:
        text = text.replace(str(secret), "***")
    return one_line(text, type(cause).__name__)

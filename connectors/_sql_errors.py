"""A database's error as one line a person can read: no password, no quoted value."""

from __future__ import annotations

import re

# A value quoted in a database's message ("Duplicate entry 'x@y.com'") is personal data: never shown.
_QUOTED_VALUE = re.compile(r"""((?:entry|value:?|:)\s*)(['"])(?:(?!\2).)*\2""")


def reason(err: BaseException, secret: object = None) -> str:
    """The first line of the driver's message, without the password or quoted values."""
    cause = getattr(err, "orig", None) or err
    args = cause.args
    message = args[1] if len(args) == 2 and isinstance(args[0], int) else str(cause)  # pymysql: (code, text)
    lines = str(message).strip().splitlines()
    text = lines[0].strip() if lines else type(cause).__name__
    if secret:
        text = text.replace(str(secret), "***")
    return _QUOTED_VALUE.sub(r"\1\2…\2", text)

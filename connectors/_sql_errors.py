"""A database's error as one line a person can read: no password, token or quoted value."""

from __future__ import annotations

from sqlalchemy.engine import URL

from connectors.base import one_line
from connectors.masking import mask_secrets, url_secrets


def reason(err: BaseException, url: URL | None = None) -> str:
    """The first line of the driver's message, without the URL's secrets or quoted values."""
    cause = getattr(err, "orig", None) or err
    args = cause.args
    message = args[1] if len(args) == 2 and isinstance(args[0], int) else str(cause)  # pymysql: (code, text)
    secrets = [url.password, *url_secrets(url.render_as_string(hide_password=False))] if url else []
    return one_line(mask_secrets(str(message), secrets), type(cause).__name__)

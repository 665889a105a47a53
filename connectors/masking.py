"""Secrets never printed: passwords, tokens and keys inside URLs and configuration values.

`mask_secrets` is the one rule, applied to any line before it is shown or logged: a URL's
`user:password@` part, and the value of every query parameter or `key=value` pair whose key
names a secret (password, pwd, pass, token, secret, key, sslpassword, api_key, ..., in any case)
become `***`, wherever in the text they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

MASK = "***"
# A key names a secret when one of these words is in it (sslpassword, X-Api-Key, access_token, ...).
_SECRET_WORDS = r"pass(?:word|wd|phrase)?|pwd|token|secret|key|credential|auth|signature|sig"
_SECRET_KEY = re.compile(rf"(?i)(?:{_SECRET_WORDS})")
# user:password@ after a scheme (postgresql+psycopg://user:pw@host), the password up to the last @.
_USERINFO = re.compile(r"(?i)([a-z][a-z0-9+.\-]*://[^/\s:@]*:)([^\s/]*)@")
_VALUE = r"(\"[^\"]*\"|'[^']*'|[^\s&;,)'\"]+)"
# key=value where the key names a secret (a query string, a DSN, a message), and `password: x`
# (YAML, JSON) where the key ends in a word that only ever names a secret.
_PAIR = re.compile(rf"(?i)([\w.\-]*(?:{_SECRET_WORDS})[\w.\-]*\s*=\s*){_VALUE}")
_COLON_PAIR = re.compile(
    rf"(?i)([\"']?[\w.\-]*(?:password|passwd|pwd|passphrase|token|secret|api_?key)[\"']?\s*:\s*){_VALUE}"
)


def mask_secrets(text: str, secrets: Iterable[object] = ()) -> str:
    """`text` with every password, token or key masked; `secrets` are known values masked anywhere."""
    for secret in secrets:
        if secret:
            text = text.replace(str(secret), MASK)
    text = _USERINFO.sub(rf"\1{MASK}@", text)
    text = _PAIR.sub(_masked_pair, text)
    return _COLON_PAIR.sub(_masked_pair, text)


def url_secrets(url: str) -> list[str]:
    """The secret values a URL holds (its password, secret query parameters), to mask in messages."""
    try:
        parts = urlsplit(url)
        found = [parts.password] if parts.password else []
    except ValueError:
        return []
    found += [value for key, value in parse_qsl(parts.query) if value and _SECRET_KEY.search(key)]
    return found


def _masked_pair(match: re.Match[str]) -> str:
    value = match.group(2)
    if value.rstrip(":") == MASK or value.startswith(("//", "\\")):  # masked already, or `scheme://`
        return match.group(0)
    return (
        f"{match.group(1)}{MASK}{':' if value.endswith(':') else ''}"  # `password=x: reason` keeps its colon
    )

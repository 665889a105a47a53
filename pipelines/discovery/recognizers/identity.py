"""Who a consumer is online and on paper: date of birth, social handle, login name, password hash.

Accepted forms
- DATE_OF_BIRTH: ``YYYY-MM-DD``, ``M/D/YYYY`` (or ``D/M/YYYY``), ``D.M.YYYY``; a real date in
  1900..today, not the date part of a timestamp. Low base score: ``dob``, ``birth``, ``born`` lift it.
- SNS_HANDLE: ``@name`` (1-30 of letters, digits, ``_`` and inner dots), never an email's ``@``.
- LOGIN_NAME: a lower-case whole value such as ``jroe42`` or ``jane.roe``: only a candidate (score 0.05) until
  context (``user``, ``login``, ``account``) says so.
- PASSWORD_HASH: bcrypt, argon2, sha-crypt (``$5$``/``$6$``), md5-crypt, pbkdf2 (Django and passlib),
  Django scrypt: certain by format. A bare hex digest of 32/40/64/128 characters is only a candidate
  (score 0.05): the checksum of a payload looks the same, so context (``password``) decides.
"""

from __future__ import annotations

from datetime import date

from presidio_analyzer import Pattern

from pipelines.discovery.recognizers.base import ValueRecognizer

_EARLIEST_BIRTH = date(1900, 1, 1)
_NOT_A_TIME = r"(?![\w/-]|\.\d|\s\d{1,2}:)"


def _date_candidates(pattern_text: str) -> list[tuple[int, int, int]]:
    """(year, month, day) readings of a matched date: a slash date may be US or European."""
    if "-" in pattern_text:
        year, month, day = (int(part) for part in pattern_text.split("-"))
        return [(year, month, day)]
    separator = "/" if "/" in pattern_text else "."
    first, second, year = (int(part) for part in pattern_text.split(separator))
    return [(year, first, second), (year, second, first)] if separator == "/" else [(year, second, first)]


def _is_birth_date(year: int, month: int, day: int) -> bool:
    try:
        return _EARLIEST_BIRTH <= date(year, month, day) <= date.today()
    except ValueError:
        return False


class DateOfBirthRecognizer(ValueRecognizer):
    """A calendar date that could be someone's birth date."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = (
        Pattern("ISO date", r"(?<![\w.-])(?:19|20)\d{2}-\d{1,2}-\d{1,2}" + _NOT_A_TIME, 0.1),
        Pattern("slash date", r"(?<![\w/.-])\d{1,2}/\d{1,2}/(?:19|20)\d{2}" + _NOT_A_TIME, 0.1),
        Pattern("dotted date", r"(?<![\w.])\d{1,2}\.\d{1,2}\.(?:19|20)\d{2}" + _NOT_A_TIME, 0.1),
    )
    CONTEXT = ("dob", "birth", "born", "bday")

    def invalidate_result(self, pattern_text: str) -> bool:
        return not any(_is_birth_date(*reading) for reading in _date_candidates(pattern_text))


class SnsHandleRecognizer(ValueRecognizer):
    """A social-network account handle."""

    ENTITY = "SNS_HANDLE"
    PATTERNS = (
        Pattern(
            "@handle",
            r"(?<![\w@.+-])@[a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_])?(?![\w@]|\.\w)",
            0.4,
        ),
    )
    CONTEXT = ("twitter", "instagram", "tiktok", "mastodon", "telegram", "handle", "social", "sns")


class LoginNameRecognizer(ValueRecognizer):
    """An account user name, held as a whole value."""

    ENTITY = "LOGIN_NAME"
    PATTERNS = (Pattern("user name (whole value)", r"(?-i:^[a-z][a-z0-9]*(?:[._-][a-z0-9]+){0,2}$)", 0.05),)
    CONTEXT = ("user", "login", "account", "signin", "uid")

    def invalidate_result(self, pattern_text: str) -> bool:
        return not 3 <= len(pattern_text) <= 32


_CRYPT_CHARS = r"[./a-z0-9]"
_CRYPT_END = rf"(?!{_CRYPT_CHARS})"
_BASE64_CHARS = r"[a-z0-9+/=]"
_AB64 = r"[./a-z0-9+=]+"


class PasswordHashRecognizer(ValueRecognizer):
    """A stored password hash (the credential half of an account login)."""

    ENTITY = "PASSWORD_HASH"
    PATTERNS = (
        Pattern("bcrypt", rf"\$2[abxy]?\$(?:0[4-9]|[12]\d|3[01])\${_CRYPT_CHARS}{{53}}{_CRYPT_END}", 0.95),
        Pattern(
            "argon2",
            rf"\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\${_BASE64_CHARS}+\${_BASE64_CHARS}+",
            0.95,
        ),
        Pattern(
            "sha-crypt",
            rf"\$[56]\$(?:rounds=\d+\$)?{_CRYPT_CHARS}{{1,16}}\${_CRYPT_CHARS}{{43,86}}{_CRYPT_END}",
            0.9,
        ),
        Pattern("md5-crypt", rf"\$1\${_CRYPT_CHARS}{{1,8}}\${_CRYPT_CHARS}{{22}}{_CRYPT_END}", 0.85),
        Pattern("pbkdf2 (Django)", rf"\bpbkdf2_sha(?:1|256|512)\$\d+\$[^$\s]+\${_BASE64_CHARS}+", 0.95),
        Pattern("pbkdf2 (passlib)", rf"\$pbkdf2(?:-sha(?:1|256|512))?\$\d+\${_AB64}\${_AB64}", 0.9),
        Pattern("scrypt (Django)", rf"\bscrypt\$\d+\$[^$\s]+\$\d+\$\d+\${_BASE64_CHARS}+", 0.9),
        Pattern(
            "bare hex digest",
            r"(?<![\w$-])(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})(?![\w$-])",
            0.05,
        ),
    )
    CONTEXT = ("password", "passwd", "pwd", "passphrase", "credential")
    DECISIVE = 0.85  # every format but the bare hex digest

    def invalidate_result(self, pattern_text: str) -> bool:
        if "$" in pattern_text:
            return False
        return pattern_text.isdigit() or pattern_text.isalpha()

"""The identifier a request starts from: validated, normalised, and which columns hold it.

A malformed identity is bad input (one line, exit status 2), not an empty answer.
"""

from __future__ import annotations

import hashlib
import re

from pipelines.errors import InputError
from pipelines.rights.model import Identity

# identity kind -> the entities of the inventory whose columns hold it
ENTITIES: dict[str, tuple[str, ...]] = {
    "email": ("EMAIL_ADDRESS",),
    "phone": ("PHONE_NUMBER", "MSISDN"),
    "msisdn": ("MSISDN", "PHONE_NUMBER"),
    "imsi": ("IMSI",),
    "iccid": ("ICCID",),
    "imei": ("IMEI",),
    "login_name": ("LOGIN_NAME",),
    "customer_id": (),  # columns named in the estate's `identity: {customer_id: [...]}`
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_DIGITS = {"imsi": (14, 15), "iccid": (18, 22), "imei": (14, 16), "msisdn": (8, 15), "phone": (7, 15)}


class IdentityError(InputError):
    """The identifier given is not a well-formed value of its kind."""


def parse_identity(kind: str, raw: str) -> Identity:
    value = raw.strip()
    if kind not in ENTITIES:
        raise IdentityError(f"unknown identity kind {kind!r} (expected one of {', '.join(ENTITIES)})")
    if kind == "email":
        if not _EMAIL.match(value):
            raise IdentityError(f"malformed email address ({_shape(value)})")
        return Identity("email", value.lower())
    if kind in _DIGITS:
        digits = re.sub(r"[\s().\-/]", "", value).removeprefix("+")
        low, high = _DIGITS[kind]
        if not digits.isdigit() or not low <= len(digits) <= high:
            raise IdentityError(f"malformed {kind}: expected {low}-{high} digits ({_shape(value)})")
        return Identity(kind, digits)
    if not value:
        raise IdentityError(f"empty {kind}")
    return Identity(kind, value)


def identity_hash(identity: Identity, salt: str = "") -> str:
    """What the request log keeps instead of the identifier."""
    return hashlib.sha256(f"{salt}{identity.kind}:{identity.value}".encode()).hexdigest()


def _shape(value: str) -> str:
    """Describe a bad value without repeating it: logs and errors never hold raw identifiers."""
    return f"{len(value)} characters"

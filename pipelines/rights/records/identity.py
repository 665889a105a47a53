"""The identifier a request starts from: validated, normalised, and which columns hold it.

A malformed identity is bad input (one line, exit status 2), not an empty answer.
"""

from __future__ import annotations

import hashlib
import re

from pipelines.errors import InputError
from pipelines.rights.model import Identity

# identity kind -> the entities of the inventory whose columns hold it. The one list of the kinds a
# request may start from: the CLI's options, the estate's `identity:`, the ledger, the Dagster jobs.
ENTITIES: dict[str, tuple[str, ...]] = {
    "email": ("EMAIL_ADDRESS",),
    "phone": ("PHONE_NUMBER", "MSISDN"),
    "imsi": ("IMSI",),
    "iccid": ("ICCID",),
    "msisdn": ("MSISDN", "PHONE_NUMBER"),
    "customer_id": (),  # the estate's `identity: {customer_id: [...]}`, else the customer number key
    "imei": ("IMEI",),
    "login_name": ("LOGIN_NAME",),
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


def written_forms(identity: Identity) -> list[str]:
    """The ways a store may have written the identifier: a phone number as entered (+14155550100,
    (415) 555-0100, 415-555-0100...), every other kind as normalised."""
    if identity.kind not in ("phone", "msisdn"):
        return [identity.value]
    digits = identity.value
    forms = [digits, f"+{digits}"]
    national = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if len(national) == 10:  # North American numbering: +1 and the national forms people type
        area, exchange, line = national[:3], national[3:6], national[6:]
        forms += [national, f"+1{national}", f"1{national}"]
        for local in (
            f"{area}-{exchange}-{line}",
            f"({area}) {exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"{area} {exchange} {line}",
        ):
            forms += [local, f"+1 {local}", f"1 {local}", f"+1-{local}", f"1-{local}"]
    return list(dict.fromkeys(forms))


def identity_hash(identity: Identity, salt: str = "") -> str:
    """What the request log keeps instead of the identifier."""
    return hashlib.sha256(f"{salt}{identity.kind}:{identity.value}".encode()).hexdigest()


def _shape(value: str) -> str:
    """Describe a bad value without repeating it: logs and errors never hold raw identifiers."""
    return f"{len(value)} characters"

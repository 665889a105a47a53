"""Finding a consumer's identifiers inside text: whole tokens only.

`ann.blackburn@gmail.com` must not match inside `joann.blackburn@gmail.com`, nor the login `tadams`
inside `tadams@outlook.com`, nor an IMSI inside a longer number. A match may not touch a letter,
digit, `_`, `.`, `@`, `+` or `-` on its left, nor such a character (or a dot followed by one) on
its right: a sentence's full stop after an email still counts.

Arrow's RE2 has no look-around, so vectorised searches use `rough_pattern` (a superset) to pick the
candidate rows and `identifier_pattern` to decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_BEFORE = r"(?<![\w.@+\-])"
_AFTER = r"(?![\w@+\-]|\.\w)"


def _alternatives(values: Iterable[str]) -> str:
    return "|".join(re.escape(v) for v in sorted(set(values), key=len, reverse=True))


def identifier_pattern(values: Iterable[str]) -> re.Pattern[str]:
    return re.compile(f"{_BEFORE}(?:{_alternatives(values)}){_AFTER}", re.IGNORECASE)


def rough_pattern(values: Iterable[str]) -> str:
    """The same values as plain substrings, for Arrow's match_substring_regex (no look-around)."""
    return _alternatives(values)

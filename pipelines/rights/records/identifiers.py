"""Finding a consumer's identifiers inside text: whole tokens only.

`ann.blackburn@gmail.com` must not match inside `joann.blackburn@gmail.com`, nor the login `tadams`
inside `tadams@outlook.com`, nor an IMSI inside a longer number. A match may not touch a letter,
digit, `_`, `.`, `@`, `+` or `-` on its left, nor such a character (or a dot followed by one) on
its right: a sentence's full stop after an email still counts.

Arrow's RE2 has no look-around, so vectorised searches use `rough_pattern` (a superset, the plain
substrings: `connectors.text_match`) to pick the candidate rows and `identifier_pattern` to decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from connectors.text_match import rough_pattern

_BEFORE = r"(?<![\w.@+\-])"
_AFTER = r"(?![\w@+\-]|\.\w)"


def identifier_pattern(values: Iterable[str]) -> re.Pattern[str]:
    return re.compile(f"{_BEFORE}(?:{rough_pattern(values)}){_AFTER}", re.IGNORECASE)

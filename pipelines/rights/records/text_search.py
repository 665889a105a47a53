"""Finding a consumer's identifiers in text-like columns, vectorised: one Arrow RE2 pass per column
picks the candidate values (a superset, `connectors.text_match`), `re` keeps the whole-token
matches. Nested values (structs, lists, dictionary-encoded text) are searched leaf by leaf, each
value knowing its row."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from connectors.text_match import rough_candidates


@dataclass(frozen=True)
class TextSearch:
    rough: tuple[str, ...]  # RE2 patterns (`rough_patterns`), no look-around: a superset
    exact: re.Pattern[str]  # whole tokens

    def rows(self, texts: pa.Array) -> pa.Array:
        """Indices of the texts holding an identifier as a whole token."""
        candidates = pc.indices_nonzero(rough_candidates(texts, self.rough))
        if not len(candidates):
            return candidates
        values = pc.take(texts, candidates).to_pylist()
        chosen = [i for i, v in zip(candidates.to_pylist(), values, strict=True) if self.exact.search(v)]
        return pa.array(chosen, pa.uint64())


def scrubbed(value: object, exact: re.Pattern[str], redacted: str) -> object:
    """A document (dicts, lists, text) with the consumer's identifiers removed inside it: a value
    that is an identifier becomes null, text that mentions one has it replaced; the shape stays."""
    if isinstance(value, dict):
        return {k: scrubbed(v, exact, redacted) for k, v in value.items()}
    if isinstance(value, list):
        return [scrubbed(v, exact, redacted) for v in value]
    if isinstance(value, str) and exact.search(value):
        return None if exact.fullmatch(value) else exact.sub(redacted, value)
    return value

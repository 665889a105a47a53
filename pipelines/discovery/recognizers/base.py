"""The shape every value recognizer of this package shares: a Presidio ``PatternRecognizer``
declared by class attributes, constructed like Presidio's own predefined recognizers.

Scores follow one convention across the package:
- ``validate_result`` returns True only when a check makes the match certain (score 1.0);
- ``invalidate_result`` drops a match whose checksum, range or structure check fails, and
  otherwise leaves the pattern's calibrated score alone;
- a recognizer whose patterns are self-describing formats sets ``DECISIVE`` (the lowest score of
  those patterns): its matches beat a column name's veto;
- entities a value alone cannot decide (DATE_OF_BIRTH, LOGIN_NAME, TIMESTAMP, ...) get a low base
  score and context words: the analyzer's context enhancer lifts them when the surrounding text,
  or the ``context`` passed to ``analyze`` (a column name), mentions one of the words.
"""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer


class ValueRecognizer(PatternRecognizer):
    """A pattern (and/or deny-list) recognizer whose entity, patterns and context are class data."""

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[Pattern, ...]] = ()
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    DENY_LIST: ClassVar[tuple[str, ...]] = ()
    DENY_LIST_SCORE: ClassVar[float] = 0.5
    # Formats that say what they are (``$2b$12$...``): a match scoring DECISIVE or more decides the
    # column whatever its name says (a name's veto cannot overrule it).
    DECISIVE: ClassVar[float | None] = None

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "en",
        supported_entity: str | None = None,
        name: str | None = None,
    ) -> None:
        own_patterns = [Pattern(p.name, p.regex, p.score) for p in self.PATTERNS]
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            name=name or type(self).__name__,
            supported_language=supported_language,
            patterns=patterns if patterns is not None else own_patterns,
            deny_list=list(self.DENY_LIST),
            deny_list_score=self.DENY_LIST_SCORE,
            context=context if context is not None else list(self.CONTEXT),
        )

"""Other countries' government ids (Presidio's UK NHS and NINO), held to their context.

A US business's data is full of ten-digit numbers grouped 3-3-4: that is how US phone numbers are
written, and one in eleven of them passes the NHS checksum (``+1 415 555 3007`` does). So a
country-specific id counts only where the text says what it is: one of the recognizer's context
words (``nhs``, ``national insurance`` ...) within 40 characters of the match; and never where the
digits are part of a phone number (a ``+`` country code, brackets, or phone words before them).
Checksums still apply (Presidio's own validation). A column of bare numbers is therefore not
taken for NHS numbers by its values alone.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import NhsRecognizer, UkNinoRecognizer

CONTEXT_WINDOW = 40  # characters either side of a match searched for a context word
_PHONE_BEFORE = re.compile(
    r"(?:\+\d{1,3}[\s.-]*\(?|\(|(?:phone|tel|mobile|cell|call|fax|sms|text|whatsapp)\W{0,12}(?:\+?\d{1,3}[\s.-]*)?)$",
    re.IGNORECASE,
)


class ContextBoundId:
    """Mixin: keep a result only with a context word near it, and never inside a phone number."""

    context: list[str]

    def corroborated(self, text: str, result: RecognizerResult) -> bool:
        before = text[max(0, result.start - CONTEXT_WINDOW) : result.start]
        if _PHONE_BEFORE.search(before):
            return False
        around = (before + " " + text[result.end : result.end + CONTEXT_WINDOW]).lower()
        return any(re.search(rf"\b{re.escape(word)}\b", around) for word in self.context)

    def kept(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        return [r for r in results if self.corroborated(text, r)]


class NhsNumberRecognizer(ContextBoundId, NhsRecognizer):
    """Presidio's UK NHS number recognizer, counting only where the text says it is an NHS number."""

    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[RecognizerResult]:
        return self.kept(text, super().analyze(text, entities, *args, **kwargs))


class NinoRecognizer(ContextBoundId, UkNinoRecognizer):
    """Presidio's UK National Insurance number recognizer, held to its context words."""

    def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[RecognizerResult]:
        return self.kept(text, super().analyze(text, entities, *args, **kwargs))


def country_id_recognizers(language: str = "en") -> list[EntityRecognizer]:
    return [NhsNumberRecognizer(supported_language=language), NinoRecognizer(supported_language=language)]

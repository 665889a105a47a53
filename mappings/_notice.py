"""notice.yaml: the privacy notice, as the pipeline checks against it.

Text fields (heading, examples, term, text, quote(s), summary, page, cites) quote the notice verbatim;
typed fields restate what those quotes say.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Literal

from pydantic import ValidationInfo, model_validator

from connectors.estate import RecipientKind
from mappings._categories import CategoryMap
from mappings._document import Strict, expect_known, read_document, validated

RightKey = Literal[
    "know", "delete", "rectify", "limit_sensitive", "opt_out_sale", "opt_out_sharing", "non_discrimination"
]
Disclosed = Literal["categories", "specific_pieces", "sources", "purposes", "third_party_categories"]


class DisclosedCategory(Strict):
    """One row of the notice's table."""

    heading: str
    examples: list[str]
    recipients: list[RecipientKind]


class Definition(Strict):
    term: str
    text: str


class Sale(Strict):
    sells: bool
    sells_under_16: bool
    quote: str
    if_anticipated: str
    definition: str


class Sharing(Strict):
    recipients: list[RecipientKind]
    quote: str
    third_parties: list[str]
    shares_for_cross_context_behavioral_advertising: bool | None  # None: the notice does not say
    opt_out_page: str


class NamedSensitive(Strict):
    text: str
    kind: str  # a sensitive kind of categories.yaml


class SensitivePI(Strict):
    quote: str
    named: list[NamedSensitive]
    cites: str  # as the notice writes it
    cites_meant: str  # what it means to cite, where the notice's cite is wrong


class Right(Strict):
    heading: str
    summary: str  # the notice's bullet for it
    quotes: list[str]
    verification_required: bool | None = None


class RightToKnow(Right):
    lookback_months: int
    requests_per_year: int
    free_of_charge: bool
    portable_format: bool
    discloses: list[Disclosed]


class RightToDelete(Right):
    exemptions_cite: str
    directs_deletion_by: list[RecipientKind]


class RightToLimit(Right):
    exemptions_cite: str


class Rights(Strict):
    know: RightToKnow | None = None
    delete: RightToDelete | None = None
    rectify: Right | None = None
    limit_sensitive: RightToLimit | None = None
    opt_out_sale: Right | None = None
    opt_out_sharing: Right | None = None
    non_discrimination: Right | None = None


class RequestChannel(Strict):
    page: str
    email: str | None = None
    quote: str


class Requests(Strict):
    opt_out: RequestChannel
    other: RequestChannel
    refusal: str
    verification: str


class Notice(Strict):
    business: str
    business_short_name: str
    title: str
    last_updated: datetime.date
    audience: str
    supplements: str
    lookback_months: int
    table_heading: str
    categories: dict[str, DisclosedCategory]
    definitions: dict[RecipientKind, Definition]
    sale: Sale
    sharing: Sharing
    sensitive_pi: SensitivePI
    rights: Rights
    requests: Requests
    changes: str

    @model_validator(mode="after")
    def _names_are_known(self, info: ValidationInfo) -> Notice:
        # The category map to check against comes as the validation context (read_notice passes it).
        if isinstance(info.context, CategoryMap):
            for key in self.categories:
                expect_known(key, info.context.categories, f"categories.{key}", "category")
            for index, named in enumerate(self.sensitive_pi.named):
                where = f"sensitive_pi.named[{index}].kind"
                expect_known(named.kind, info.context.sensitive_kinds, where, "sensitive kind")
        return self

    def disclosed_categories(self) -> set[str]:
        """The category keys the notice's table discloses."""
        return set(self.categories)

    def recipients_of(self, category: str) -> set[str]:
        """The kinds of recipient the notice says `category` is shared with (empty: not disclosed)."""
        row = self.categories.get(category)
        return set(row.recipients) if row else set()

    def names_sensitive_kind(self, kind: str) -> bool:
        """Whether the notice names `kind` among the sensitive personal information it holds."""
        return any(named.kind == kind for named in self.sensitive_pi.named)

    def rights_listed(self) -> set[str]:
        """The rights the notice describes (keys of RightKey)."""
        return {key for key, right in self.rights if right is not None}


def read_notice(path: Path, categories: CategoryMap) -> Notice:
    """Read and validate a notice file; its category keys and sensitive kinds must be in `categories`."""
    return validated(Notice, read_document(path), path, context=categories)

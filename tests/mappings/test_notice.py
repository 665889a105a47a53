"""notice.yaml against the notice it encodes (shared/notice.txt): nothing left out, nothing invented."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mappings import DEFAULT_CATEGORIES, DEFAULT_NOTICE, MappingError, Notice, load_categories, load_notice
from tests.mappings import edited_copy

NOTICE_TXT = Path(__file__).resolve().parents[2].parent / "shared" / "notice.txt"
RECIPIENTS = {
    "Group Entities": "group_entities",
    "Contractors": "contractors",
    "Service Providers": "service_providers",
    "Third Parties": "third_parties",
}
_NAMES = "|".join(RECIPIENTS)
_RECIPIENT_CELL = re.compile(rf"(?:(?:{_NAMES})(?:,?\s+and\s+|,\s*)?)+\.$")
# The fields of notice.yaml that quote the notice (the others restate it as typed values).
VERBATIM = {
    "business",
    "business_short_name",
    "title",
    "audience",
    "supplements",
    "table_heading",
    "heading",
    "examples",
    "term",
    "text",
    "quote",
    "quotes",
    "summary",
    "page",
    "opt_out_page",
    "cites",
    "exemptions_cite",
    "if_anticipated",
    "definition",
    "refusal",
    "verification",
    "changes",
}


@pytest.fixture(scope="module")
def text() -> str:
    if not NOTICE_TXT.is_file():
        pytest.skip(f"the notice text is not at {NOTICE_TXT}")
    return NOTICE_TXT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def notice() -> Notice:
    return load_notice()


def table_rows(text: str) -> list[str]:
    """The rows of the notice's table: the lines after its header line, up to the first blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Categories of Personal Information"))
    rows: list[str] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            return rows
        rows.append(line.strip())
    return rows


def row_cells(row: str, notice: Notice) -> tuple[str, str, set[str]]:
    """(category key, examples text, recipient kinds) of one row; its heading is a notice.yaml heading."""
    match = _RECIPIENT_CELL.search(row)
    assert match, f"no recipients at the end of row {row[:40]!r}"
    recipients = {RECIPIENTS[name] for name in re.findall(_NAMES, match.group())}
    body = row[: match.start()]
    keys = [key for key, category in notice.categories.items() if body.startswith(category.heading)]
    assert keys, f"row {row[:40]!r} has no category in notice.yaml"
    key = max(keys, key=lambda k: len(notice.categories[k].heading))
    return key, body[len(notice.categories[key].heading) :], recipients


def quotations(node: object, field: str = "") -> Iterator[str]:
    """Every string of the model dump held in a VERBATIM field."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from quotations(value, str(key))
    elif isinstance(node, list):
        for value in node:
            yield from quotations(value, field)
    elif isinstance(node, str) and field in VERBATIM:
        yield node


def test_every_row_of_the_table_is_encoded_with_exactly_its_recipients(text: str, notice: Notice) -> None:
    rows = [row_cells(row, notice) for row in table_rows(text)]
    assert len(rows) == 6
    assert [key for key, _, _ in rows] == list(notice.categories)
    for key, _, recipients in rows:
        assert notice.recipients_of(key) == recipients, key


def test_each_rows_examples_are_all_its_examples_verbatim(text: str, notice: Notice) -> None:
    for key, examples_text, _ in (row_cells(row, notice) for row in table_rows(text)):
        left = examples_text
        for example in sorted(notice.categories[key].examples, key=len, reverse=True):
            assert example in left, f"{key}: {example!r} is not in the notice's row"
            left = left.replace(example, "", 1)
        assert re.fullmatch(r"[\s,.]*(?:and[\s,.]*)?", left), f"{key}: the notice also says {left!r}"


def test_every_quoted_text_occurs_verbatim_in_the_notice(text: str, notice: Notice) -> None:
    quoted = list(quotations(notice.model_dump()))
    assert len(quoted) > 60
    assert [q for q in quoted if q not in text] == []


def test_the_last_updated_date_matches(text: str, notice: Notice) -> None:
    match = re.search(r"Last Updated: (\w+ \d+)(?:st|nd|rd|th), (\d{4})", text)
    assert match
    stated = datetime.datetime.strptime(f"{match[1]} {match[2]}", "%B %d %Y").date()
    assert notice.last_updated == stated == datetime.date(2023, 5, 23)
    assert f"preceding twelve ({notice.lookback_months}) months" in text


def test_every_right_the_notice_lists_is_encoded(text: str, notice: Notice) -> None:
    lines = [line.strip() for line in text.splitlines()]
    bullets = {re.sub(r"(; and|;|\.)$", "", line.lstrip("• ")) for line in lines if line.startswith("•")}
    headings = {line for line in lines if line.startswith("Right to ")}
    rights = [right for _, right in notice.rights if right is not None]
    assert {right.summary for right in rights} == bullets
    assert {right.heading for right in rights} == headings
    assert notice.rights_listed() == {
        "know",
        "delete",
        "rectify",
        "limit_sensitive",
        "opt_out_sale",
        "opt_out_sharing",
        "non_discrimination",
    }


@pytest.mark.parametrize(
    ("right", "field", "value", "words"),
    [
        ("know", "lookback_months", 12, "in the preceding twelve (12) months"),
        ("know", "requests_per_year", 2, "twice per year"),
        ("know", "free_of_charge", True, "free of charge"),
        ("know", "portable_format", True, "will be in a portable"),
        (
            "know",
            "discloses",
            ["categories", "specific_pieces", "sources", "purposes", "third_party_categories"],
            "categories of sources",
        ),
        ("delete", "exemptions_cite", "CCPA §1798.105", "subject to the exemptions in CCPA §1798.105"),
        (
            "delete",
            "directs_deletion_by",
            ["group_entities", "contractors", "service_providers"],
            "direct our Group Entities, Contractors, and Service Providers to delete",
        ),
        ("delete", "verification_required", True, "Once we confirm your verifiable request"),
        ("rectify", "verification_required", True, "Upon verifying your request"),
        (
            "limit_sensitive",
            "exemptions_cite",
            "CPRA §1798.121",
            "subject to the exemptions in CPRA §1798.121",
        ),
    ],
)
def test_a_rights_conditions_restate_its_quotes(
    notice: Notice, right: str, field: str, value: object, words: str
) -> None:
    encoded = getattr(notice.rights, right)
    assert getattr(encoded, field) == value
    assert any(words in quote for quote in encoded.quotes)


def test_sale_and_sharing(text: str, notice: Notice) -> None:
    assert (notice.sale.sells, notice.sale.sells_under_16) == (False, False)
    assert "does not sell Personal Information, including Personal Information of anyone under" in text
    assert notice.sharing.third_parties == []
    assert notice.sharing.shares_for_cross_context_behavioral_advertising is None
    assert f"go to our {notice.sharing.opt_out_page} page" in notice.requests.opt_out.quote
    assert notice.requests.other.page == "Contact Soracom"
    assert notice.requests.other.email is None  # the notice gives a placeholder, not an address


def test_the_sensitive_pi_the_notice_names(text: str, notice: Notice) -> None:
    named = {item.text: item.kind for item in notice.sensitive_pi.named}
    assert named == {
        "account login": "account_login",
        "credit card or debit card number": "financial_account",
        "precise geo-location": "precise_geolocation",
    }
    assert all(item in notice.sensitive_pi.quote for item in named)
    assert notice.names_sensitive_kind("financial_account")
    assert not notice.names_sensitive_kind("health")
    assert notice.sensitive_pi.cites == "CPRA §1798.40(ae)"  # sic
    assert "1798.140(ae)" in notice.sensitive_pi.cites_meant


def test_every_recipient_kind_of_the_table_is_defined(notice: Notice) -> None:
    used = set().union(*(notice.recipients_of(key) for key in notice.disclosed_categories()))
    assert used <= set(notice.definitions)
    assert set(notice.definitions) == set(RECIPIENTS.values())


def test_disclosed_categories_and_their_recipients(notice: Notice) -> None:
    assert notice.disclosed_categories() == {
        "identifiers",
        "customer_records",
        "network_activity",
        "commercial",
        "geolocation",
        "inferences",
    }
    assert notice.recipients_of("geolocation") == {"group_entities", "contractors", "service_providers"}
    assert notice.recipients_of("professional") == set()


def test_the_default_notice_is_read_once() -> None:
    assert load_notice() is load_notice()
    again = load_notice(DEFAULT_NOTICE, categories=load_categories(DEFAULT_CATEGORIES))
    assert again == load_notice() and again is not load_notice()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "categories.identifiers.heading",
            None,
            "categories.identifiers.heading: Input should be a valid string",
        ),
        (
            "categories.professionals",
            {"heading": "Jobs", "examples": [], "recipients": []},
            "categories.professionals: unknown category 'professionals' (expected one of: identifiers,",
        ),
        (
            "categories.identifiers.recipients",
            ["partners"],
            "categories.identifiers.recipients[0]: Input should be 'group_entities', 'contractors',",
        ),
        (
            "sensitive_pi.named.0.kind",
            "login",
            "sensitive_pi.named[0].kind: unknown sensitive kind 'login' (expected one of: government_id,",
        ),
        ("rights.access", {}, "rights.access: unknown key (expected one of: know, delete, rectify,"),
        ("rights.know.requests_per_year", "twice", "rights.know.requests_per_year: Input should be"),
        ("last_updated", "May 23rd", "last_updated: Input should be a valid date"),
        ("sale", {"sells": False}, "sale.sells_under_16: required key is missing"),
    ],
)
def test_a_wrong_notice_names_the_file_and_the_key(
    tmp_path: Path, key: str, value: object, message: str
) -> None:
    wrong = edited_copy(DEFAULT_NOTICE, tmp_path, key, value)
    with pytest.raises(MappingError) as raised:
        load_notice(wrong)
    assert str(raised.value).startswith(f"{wrong}: {message}")

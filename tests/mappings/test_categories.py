"""categories.yaml: the statute's categories, the sensitive kinds, and every entity's placement."""

from __future__ import annotations

from pathlib import Path

import pytest

from mappings import DEFAULT_CATEGORIES, CategoryMap, MappingError, load_categories, load_notice
from tests.mappings import REMOVE, edited_copy

# Cal. Civ. Code 1798.140(v)(1)(A)-(K), in the statute's order.
STATUTORY = [
    "identifiers",
    "customer_records",
    "protected_classifications",
    "commercial",
    "biometric",
    "network_activity",
    "geolocation",
    "sensory",
    "professional",
    "education",
    "inferences",
]
# 1798.140(ae), as amended by AB 947 (2023) and SB 1223 (2024).
SENSITIVE_KINDS = {
    "government_id",
    "account_login",
    "financial_account",
    "precise_geolocation",
    "racial_ethnic_origin",
    "citizenship_immigration_status",
    "religious_beliefs",
    "union_membership",
    "contents_of_communications",
    "genetic",
    "neural_data",
    "biometric",
    "health",
    "sex_life_orientation",
}
# Every entity the recognizers and the column classifier emit.
EMITTED = {
    "EMAIL_ADDRESS",
    "PERSON",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "POSTAL_CODE",
    "LOCATION",
    "DATE_OF_BIRTH",
    "IMSI",
    "ICCID",
    "IMEI",
    "MSISDN",
    "MAC_ADDRESS",
    "DEVICE_SERIAL",
    "LOGIN_NAME",
    "PASSWORD_HASH",
    "SNS_HANDLE",
    "COOKIE_ID",
    "CUSTOMER_ID",
    "US_SSN",
    "US_DRIVER_LICENSE",
    "US_PASSPORT",
    "US_ITIN",
    "CREDIT_CARD",
    "MASKED_CARD_NUMBER",
    "IBAN_CODE",
    "BANK_ACCOUNT",
    "CARD_EXPIRY",
    "MONEY_AMOUNT",
    "PAYMENT_METHOD",
    "TRANSACTION_DATE",
    "SUBSCRIPTION",
    "IP_ADDRESS",
    "CELL_ID",
    "LATITUDE",
    "LONGITUDE",
    "GEO_COORDINATES",
    "APN",
    "TIMESTAMP",
    "DATA_VOLUME",
    "URL",
    "URL_PATH",
    "USER_AGENT",
    "BROWSING_EVENT",
    "GENDER",
    "AGE",
    "ETHNIC_GROUP",
    "MARITAL_STATUS",
    "SPOKEN_LANGUAGE",
    "NATIONALITY",
    "RELIGION",
    "JOB_TITLE",
    "OCCUPATION",
    "ORGANIZATION",
    "EDUCATION",
    "VOICE_RECORDING",
    "PHOTO",
    "BIOMETRIC",
    "HEALTH",
    "SEGMENT",
    "SCORE",
    "FREE_TEXT",
}


@pytest.fixture(scope="module")
def categories() -> CategoryMap:
    return load_categories()


def test_every_statutory_category_is_listed_in_the_statutes_order(categories: CategoryMap) -> None:
    assert list(categories.categories) == STATUTORY
    letters = [category.statute for category in categories.categories.values()]
    assert letters == [f"1798.140(v)(1)({letter})" for letter in "ABCDEFGHIJK"]
    assert all(category.description for category in categories.categories.values())


def test_sensitive_pi_is_a_flag_not_a_category(categories: CategoryMap) -> None:
    assert "sensitive_pi" not in categories.categories
    assert categories.sensitive_pi.statute == "1798.140(ae)"
    assert set(categories.sensitive_kinds) == SENSITIVE_KINDS
    assert all(kind.statute.startswith("1798.140(ae)") for kind in categories.sensitive_kinds.values())


def test_every_emitted_entity_is_mapped(categories: CategoryMap) -> None:
    """Whatever the analyzer or the column-name vocabulary can say, the map has a place for."""
    from pipelines.discovery.analyzer import build_analyzer
    from pipelines.discovery.column_names import vocabulary

    analyzer = set(build_analyzer("none").engine.get_supported_entities("en"))
    named = {entity for _, entity, _ in vocabulary().patterns}
    assert EMITTED | analyzer | named <= set(categories.entities)


@pytest.mark.parametrize(
    ("entity", "category", "kind"),
    [
        ("IP_ADDRESS", "geolocation", None),  # the notice: "IP address" under Geolocation data
        ("IMSI", "identifiers", None),
        ("MAC_ADDRESS", "identifiers", None),
        ("CREDIT_CARD", "customer_records", "financial_account"),
        ("MASKED_CARD_NUMBER", "customer_records", None),
        ("BANK_ACCOUNT", "customer_records", "financial_account"),
        ("JOB_TITLE", "professional", None),
        ("LATITUDE", "geolocation", "precise_geolocation"),
        ("CELL_ID", "geolocation", "precise_geolocation"),
        ("LOCATION", None, None),
        ("COOKIE_ID", "network_activity", None),
        ("USER_AGENT", "network_activity", None),
        ("TIMESTAMP", "network_activity", None),
        ("MONEY_AMOUNT", "commercial", None),
        ("PAYMENT_METHOD", "commercial", None),
        ("US_PASSPORT", "identifiers", "government_id"),
        ("ETHNIC_GROUP", "protected_classifications", "racial_ethnic_origin"),
        ("RELIGION", "protected_classifications", "religious_beliefs"),
        ("VOICE_RECORDING", "sensory", None),
        ("BIOMETRIC", "biometric", "biometric"),
        ("SCORE", "inferences", None),
        ("FREE_TEXT", None, None),
    ],
)
def test_entity_placement(
    categories: CategoryMap, entity: str, category: str | None, kind: str | None
) -> None:
    assert categories.category_of(entity) == category
    assert categories.sensitive_kind_of(entity, {entity}) == kind


@pytest.mark.parametrize(
    ("entity", "table_entities", "kind"),
    [
        ("LOGIN_NAME", {"LOGIN_NAME", "PERSON"}, None),
        ("LOGIN_NAME", {"LOGIN_NAME", "PASSWORD_HASH"}, "account_login"),
        ("EMAIL_ADDRESS", {"EMAIL_ADDRESS", "PHONE_NUMBER"}, None),
        ("EMAIL_ADDRESS", {"EMAIL_ADDRESS", "PASSWORD_HASH"}, "account_login"),
        ("PASSWORD_HASH", {"PASSWORD_HASH", "CUSTOMER_ID"}, None),
        ("PASSWORD_HASH", {"PASSWORD_HASH", "LOGIN_NAME"}, "account_login"),
        ("PASSWORD_HASH", {"PASSWORD_HASH", "EMAIL_ADDRESS"}, "account_login"),
    ],
)
def test_account_login_is_sensitive_only_with_its_password(
    categories: CategoryMap, entity: str, table_entities: set[str], kind: str | None
) -> None:
    assert categories.sensitive_kind_of(entity, table_entities) == kind


@pytest.mark.parametrize(
    ("entity", "disclosure"),
    [
        ("US_SSN", "withhold"),
        ("US_DRIVER_LICENSE", "withhold"),
        ("US_ITIN", "withhold"),
        ("IBAN_CODE", "withhold"),
        ("BANK_ACCOUNT", "withhold"),
        ("PASSWORD_HASH", "withhold"),
        ("BIOMETRIC", "withhold"),
        ("CREDIT_CARD", "last4"),
        ("MASKED_CARD_NUMBER", None),
        ("EMAIL_ADDRESS", None),
        ("IMSI", None),
    ],
)
def test_never_disclose(categories: CategoryMap, entity: str, disclosure: str | None) -> None:
    assert categories.never_disclose(entity) == disclosure


@pytest.mark.parametrize("kind", ["government_id", "financial_account", "biometric"])
def test_values_of_these_kinds_never_appear_in_full(categories: CategoryMap, kind: str) -> None:
    holders = [name for name, entity in categories.entities.items() if entity.sensitive_kind == kind]
    assert holders
    assert all(categories.never_disclose(name) in ("withhold", "last4") for name in holders)


def test_notice_examples_place_entities_in_the_notices_own_rows(categories: CategoryMap) -> None:
    notice = load_notice()
    placed = {name: e for name, e in categories.entities.items() if e.notice_example is not None}
    assert len(placed) > 30
    for name, entity in placed.items():
        phrase, category = entity.notice_example, entity.category
        assert phrase is not None and category is not None
        assert any(phrase in example for example in notice.categories[category].examples), name


def test_an_unknown_entity_is_an_error_naming_the_file(categories: CategoryMap) -> None:
    with pytest.raises(MappingError, match=r"categories\.yaml: entities: no entry for entity 'SHOE_SIZE'"):
        categories.category_of("SHOE_SIZE")


def test_the_default_map_is_read_once() -> None:
    assert load_categories() is load_categories()
    assert load_categories(DEFAULT_CATEGORIES) is not load_categories()
    assert load_categories(DEFAULT_CATEGORIES) == load_categories()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "entities.IMSI.colour",
            "red",
            "entities.IMSI.colour: unknown key (expected one of: description, category, notice_example,",
        ),
        (
            "entities.IMSI.category",
            "identifier",
            "entities.IMSI.category: unknown category 'identifier' (expected one of: identifiers,",
        ),
        (
            "entities.IMSI.sensitive_kind",
            "secret",
            "entities.IMSI.sensitive_kind: unknown kind 'secret' (expected one of: government_id,",
        ),
        (
            "entities.LOGIN_NAME.sensitive_when_table_has_any_of",
            ["PASSWORD"],
            "entities.LOGIN_NAME.sensitive_when_table_has_any_of: unknown entity 'PASSWORD'",
        ),
        (
            "entities.PERSON.sensitive_when_table_has_any_of",
            ["PHONE_NUMBER"],
            "entities.PERSON.sensitive_when_table_has_any_of: needs a sensitive_kind",
        ),
        ("entities.CREDIT_CARD.disclosure", "first6", "entities.CREDIT_CARD.disclosure: Input should be"),
        ("entities.IMSI.description", REMOVE, "entities.IMSI.description: required key is missing"),
        ("categories.sensitive_pi", {"statute": "x"}, "categories.sensitive_pi.title: required key"),
        ("entities.imsi", {"description": "x", "category": None}, r"entities.imsi: String should match"),
    ],
)
def test_a_wrong_file_names_the_file_and_the_key(
    tmp_path: Path, key: str, value: object, message: str
) -> None:
    wrong = edited_copy(DEFAULT_CATEGORIES, tmp_path, key, value)
    with pytest.raises(MappingError) as raised:
        load_categories(wrong)
    assert str(raised.value).startswith(f"{wrong}: {message}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("categories: [identifiers\n", "not valid YAML at line 2"),
        ("entities:\n  IMSI: {}\n  IMSI: {}\n", "not valid YAML at line 3: duplicate key 'IMSI'"),
        ("- identifiers\n", "expected a mapping of keys at the top level"),
        ("", "expected a mapping of keys at the top level"),
    ],
)
def test_a_file_that_is_not_a_yaml_mapping_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    wrong = tmp_path / "categories.yaml"
    wrong.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=f"^{wrong}: {message}"):
        load_categories(wrong)


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="mapping file not found"):
        load_categories(tmp_path / "nowhere.yaml")

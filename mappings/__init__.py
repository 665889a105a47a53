"""What the law and the notice say, as data: categories.yaml and notice.yaml, validated once.

    categories = load_categories()
    categories.category_of("IMSI")                                   # 'identifiers'
    categories.sensitive_kind_of("LOGIN_NAME", {"PASSWORD_HASH"})    # 'account_login'
    notice = load_notice()
    notice.recipients_of("geolocation")                              # {'group_entities', ...}

A wrong file raises MappingError with one line: the file, the key and what was expected.
"""

from __future__ import annotations

import functools
from pathlib import Path

from mappings._categories import FREE_TEXT, CategoryMap, Disclosure, EntityMapping, read_categories
from mappings._document import MappingError
from mappings._notice import Notice, RightKey, read_notice

__all__ = [
    "DEFAULT_CATEGORIES",
    "DEFAULT_NOTICE",
    "FREE_TEXT",
    "CategoryMap",
    "Disclosure",
    "EntityMapping",
    "MappingError",
    "Notice",
    "RightKey",
    "load_categories",
    "load_notice",
]

DEFAULT_CATEGORIES = Path(__file__).with_name("categories.yaml")
DEFAULT_NOTICE = Path(__file__).with_name("notice.yaml")


def load_categories(path: str | Path | None = None) -> CategoryMap:
    """The category map in `path`, by default the packaged categories.yaml (read once)."""
    return _default_categories() if path is None else read_categories(Path(path))


def load_notice(path: str | Path | None = None, *, categories: CategoryMap | None = None) -> Notice:
    """The notice in `path`, by default the packaged notice.yaml (read once).

    Its category keys and sensitive kinds are checked against `categories` (default: load_categories()).
    """
    if path is None and categories is None:
        return _default_notice()
    return read_notice(Path(path or DEFAULT_NOTICE), categories or load_categories())


@functools.cache
def _default_categories() -> CategoryMap:
    return read_categories(DEFAULT_CATEGORIES)


@functools.cache
def _default_notice() -> Notice:
    return read_notice(DEFAULT_NOTICE, _default_categories())

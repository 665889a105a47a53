"""categories.yaml: the statute's categories, the CPRA's sensitive kinds, and each entity's place in them."""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, StringConstraints, model_validator

from mappings._document import MappingError, Strict, expect_known, read_document, validated

# The entity of a column of free text (notes, messages): it mentions PI, it is no one value.
FREE_TEXT = "FREE_TEXT"

Disclosure = Literal["withhold", "last4"]
MappingKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]*$")]
EntityName = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")]


class Category(Strict):
    statute: str
    title: str
    description: str


class SensitiveKind(Strict):
    statute: str
    description: str


class EntityMapping(Strict):
    """Where one entity (what a recognizer or the column classifier emits) belongs."""

    description: str
    category: MappingKey | None  # null: reported with the kinds of data it contains
    notice_example: str | None = None  # the notice's example that places it (the notice wins)
    sensitive_kind: str | None = None
    sensitive_when_table_has_any_of: list[EntityName] = Field(default_factory=list)
    disclosure: Disclosure | None = None  # None: the value itself may be given in an access package


class CategoryMap(Strict):
    statute: str
    categories: dict[MappingKey, Category]
    sensitive_pi: SensitiveKind
    sensitive_kinds: dict[MappingKey, SensitiveKind]
    entities: dict[EntityName, EntityMapping]
    _path: Path = PrivateAttr(default=Path("categories.yaml"))

    @model_validator(mode="after")
    def _names_are_known(self) -> CategoryMap:
        for name, entity in self.entities.items():
            where = f"entities.{name}"
            expect_known(entity.category, self.categories, f"{where}.category", "category")
            expect_known(entity.sensitive_kind, self.sensitive_kinds, f"{where}.sensitive_kind", "kind")
            if entity.sensitive_when_table_has_any_of and entity.sensitive_kind is None:
                raise ValueError(f"{where}.sensitive_when_table_has_any_of: needs a sensitive_kind")
            for other in entity.sensitive_when_table_has_any_of:
                expect_known(other, self.entities, f"{where}.sensitive_when_table_has_any_of", "entity")
        return self

    def entity(self, name: str) -> EntityMapping:
        """The mapping of entity `name`; an entity the file does not list is an error."""
        try:
            return self.entities[name]
        except KeyError:
            raise MappingError(f"{self._path}: entities: no entry for entity {name!r}") from None

    def category_of(self, entity: str) -> str | None:
        """The category key of `entity`, or None for data with no category of its own (free text)."""
        return self.entity(entity).category

    def sensitive_kind_of(self, entity: str, table_entities: Set[str]) -> str | None:
        """The CPRA sensitive kind of `entity` held in a table whose columns hold `table_entities`."""
        mapping = self.entity(entity)
        required = mapping.sensitive_when_table_has_any_of
        if required and table_entities.isdisjoint(required):
            return None
        return mapping.sensitive_kind

    def never_disclose(self, entity: str) -> Disclosure | None:
        """How an access package must hide the value ('withhold' or 'last4'), or None to give it."""
        return self.entity(entity).disclosure


def read_categories(path: Path) -> CategoryMap:
    """Read and validate a categories file."""
    categories = validated(CategoryMap, read_document(path), path)
    categories._path = path
    return categories

"""Reading a mapping file: strict YAML in, a validated model out, or one line saying what is wrong."""

from __future__ import annotations

import types
import typing
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class MappingError(Exception):
    """A mapping file is wrong. The message is one line: file, key, what was expected."""


class Strict(BaseModel):
    """Base of every mapping model: unknown keys are errors, values do not change once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def read_document(path: Path) -> dict[str, Any]:
    """The YAML mapping in `path`; a duplicated key is an error (YAML would keep the last silently)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise MappingError(f"{path}: cannot read mapping file ({err})") from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        _refuse_duplicate_keys(node)
        raw = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "syntax error"
        raise MappingError(f"{path}: not valid YAML{where}: {problem}") from None
    finally:
        loader.dispose()
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: expected a mapping of keys at the top level")
    return raw


def _refuse_duplicate_keys(node: Any) -> None:
    seen: set[int] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if id(current) in seen or not isinstance(current, yaml.CollectionNode):
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in keys:
                        problem = f"duplicate key {key_node.value!r}"
                        raise yaml.MarkedYAMLError(problem=problem, problem_mark=key_node.start_mark)
                    keys.add(key_node.value)
                pending.append(value_node)
        else:
            pending.extend(current.value)


def validated(model: type[Model], raw: dict[str, Any], path: Path, context: object = None) -> Model:
    """`raw` checked against `model`; the first problem becomes a MappingError naming file and key."""
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as err:
        first = err.errors()[0]
        loc = first["loc"]
        if first["type"] == "extra_forbidden":
            expected = ", ".join(_keys_at(model, loc[:-1]))
            message = f"unknown key (expected one of: {expected})"
        elif first["type"] == "missing":
            message = "required key is missing"
        else:
            message = first["msg"].removeprefix("Value error, ")
        key = key_path(loc)
        raise MappingError(f"{path}: {key}: {message}" if key else f"{path}: {message}") from None


def expect_known(name: str | None, known: Collection[str], key: str, what: str) -> None:
    """Raise (inside a validator) unless `name` is None or one of `known`."""
    if name is not None and name not in known:
        raise ValueError(f"{key}: unknown {what} {name!r} (expected one of: {', '.join(known)})")


def key_path(loc: tuple[int | str, ...]) -> str:
    """('categories', 'identifiers', 'examples', 2) -> 'categories.identifiers.examples[2]'."""
    text = ""
    for part in loc:
        if part == "[key]":
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _keys_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The keys the model allows at `loc` (found by walking its annotations)."""
    annotation: Any = model
    for part in loc:
        annotation = _step(annotation, part)
    for candidate in _members(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return list(candidate.model_fields)
    return []


def _step(annotation: Any, part: int | str) -> Any:
    for candidate in _members(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            field = candidate.model_fields.get(str(part))
            if field is not None:
                return field.annotation
        args = typing.get_args(candidate)
        if typing.get_origin(candidate) is dict:
            return args[1]
        if typing.get_origin(candidate) is list and isinstance(part, int):
            return args[0]
    return None


def _members(annotation: Any) -> Iterator[Any]:
    """The types a field may hold: the members of a union (X | None), else the annotation itself."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        yield from typing.get_args(annotation)
    else:
        yield annotation

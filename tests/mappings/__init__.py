"""Tests of the mappings package. `edited_copy` writes a variant of a packaged mapping file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REMOVE = object()  # as a value for edited_copy: delete the key


def edited_copy(source: Path, folder: Path, key: str, value: object) -> Path:
    """A copy of YAML file `source` in `folder` with the value at dotted `key` set to `value`."""
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    *parents, last = key.split(".")
    node: Any = raw
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    index: int | str = int(last) if isinstance(node, list) else last
    if value is REMOVE:
        del node[index]
    else:
        node[index] = value
    copy = folder / source.name
    copy.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return copy

"""People's given and family names from Faker's locale data: NER's fallback for a column of names.

Faker ships tens of thousands of names from some eighty locales; they let a column called 'name'
holding 'Aadya', 'Garrett' be told from one holding 'CTGPWS26' or 'Bank of China' without a model.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

_LISTS = ("first_names", "last_names", "first_names_male", "first_names_female")


@cache
def person_names() -> frozenset[str]:
    import faker.providers.person as people

    names: set[str] = set()
    for module in pkgutil.iter_modules(people.__path__):
        provider = getattr(importlib.import_module(f"{people.__name__}.{module.name}"), "Provider", None)
        if provider is None:
            continue
        for attribute in _LISTS:
            listed = next((vars(k)[attribute] for k in provider.__mro__ if attribute in vars(k)), None)
            if isinstance(listed, (dict, list, tuple, set, frozenset)):
                names.update(str(n).lower() for n in listed)
    return frozenset(n for n in names if len(n) > 1)


def person_name_share(values: pa.Array) -> float:
    """Share of the values with a word that is a known given or family name."""
    if len(values) == 0:
        return 0.0
    known = pa.array(sorted(person_names()))
    words = pc.utf8_split_whitespace(pc.utf8_lower(pc.cast(values, pa.string())))
    flat = pc.list_flatten(words)
    parents = pc.list_parent_indices(words)
    hit_rows = pc.unique(pc.filter(parents, pc.is_in(pc.utf8_trim(flat, ".,'"), value_set=known)))
    return len(hit_rows) / len(values)

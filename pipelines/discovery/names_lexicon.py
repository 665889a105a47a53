"""People's given and family names (and lorem ipsum's Latin) from Faker's locale data: NER's fallback.

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


# The Latin of the common lorem ipsum generator (lipsum.com's), besides Faker's Cicero-based list.
_LIPSUM = """accumsan adipiscing aenean aliquam aliquet amet ante arcu auctor augue bibendum blandit commodo
condimentum congue consectetur consequat convallis cras curabitur cursus dapibus diam dictum dictumst
dignissim dolor donec dui duis egestas eget eleifend elementum elit enim erat eros est etiam euismod
facilisi facilisis fames faucibus felis fermentum feugiat fringilla fusce gravida habitant habitasse hac
hendrerit iaculis imperdiet integer interdum ipsum justo lacinia lacus laoreet lectus leo libero ligula
lobortis lorem luctus maecenas magna magnis malesuada massa mattis mauris metus molestie mollis montes
morbi mus nam nascetur natoque nec neque netus nibh nisi nisl non nulla nullam nunc odio orci ornare
parturient pellentesque penatibus pharetra phasellus placerat platea porta porttitor posuere potenti
praesent pretium proin pulvinar purus quam quis quisque rhoncus ridiculus risus rutrum sagittis sapien
scelerisque sed sem semper senectus sit sociis sodales sollicitudin suscipit suspendisse tellus tempor
tempus tincidunt tortor tristique turpis ullamcorper ultrices ultricies urna varius vehicula vel velit
venenatis vestibulum vitae vivamus viverra volutpat vulputate nonummy pede"""


@cache
def placeholder_words() -> frozenset[str]:
    """The Latin of lorem ipsum (Faker's word list and lipsum's): filler text, never anyone's data."""
    from faker.providers.lorem.la import Provider

    words = {str(w).lower() for w in Provider.word_list} | set(_LIPSUM.split())
    return frozenset(w for w in words if len(w) > 2)


def placeholder_share(values: pa.Array) -> float:
    """Share of the values most of whose words (of three letters or more) are lorem ipsum Latin."""
    if len(values) == 0:
        return 0.0
    known = pa.array(sorted(placeholder_words()))
    words = pc.utf8_split_whitespace(pc.utf8_lower(pc.cast(values, pa.string())))
    flat = pc.utf8_trim(pc.list_flatten(words), ".,;:!?'\"()")
    parents = pc.list_parent_indices(words)
    long_words = pc.greater(pc.utf8_length(flat), 2)
    latin = pc.and_(long_words, pc.is_in(flat, value_set=known))
    counted = pa.table(
        {"row": parents, "long": pc.cast(long_words, pa.int64()), "latin": pc.cast(latin, pa.int64())}
    )
    sums = counted.group_by("row").aggregate([("long", "sum"), ("latin", "sum")])
    mostly = pc.and_(
        pc.greater(sums["long_sum"], 0), pc.greater_equal(pc.multiply(sums["latin_sum"], 2), sums["long_sum"])
    )
    return float(pc.sum(pc.cast(mostly, pa.int64())).as_py() or 0) / len(values)

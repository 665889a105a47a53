"""The two whole-store text searches of a request, timed alone: an access request's search of the
free text that mentions the consumer (support tickets' bodies), and a deletion's residue search
(every text-like column of every table, after the deletion, for every identifier of the consumer).

    .venv/bin/python benchmarks/text_search_speed.py --estate DIR [--consumers 5] [--batch 100]

The estate is a demo estate with its inventory in DIR/reports (`ccpa scan`); nothing is changed
(the residue search runs before any deletion: it reads the same columns, and finds the consumer).
`--batch N` also times one mention search for N consumers at once (over 200 identifiers: the full read).
Run by path, it also times another checkout's code: `PYTHONPATH=/path/to/checkout`.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Mapping
from pathlib import Path

import pipelines
from connectors import Estate, Store, load_estate, opened_stores
from pipelines.rights.changes.verification import find_residue
from pipelines.rights.records.graph import Catalog
from pipelines.rights.records.identity import parse_identity
from pipelines.rights.records.lookback import event_time
from pipelines.rights.records.mentions import consumer_identifiers, find_mentions
from pipelines.rights.records.traversal import Traversal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--estate", type=Path, required=True, help="a demo estate with reports/inventory.json"
    )
    parser.add_argument("--consumers", type=int, default=5)
    parser.add_argument("--batch", type=int, default=0)
    args = parser.parse_args()
    estate = load_estate(args.estate / "estate.yaml")
    catalog = Catalog.read(args.estate / "reports" / "inventory.json", estate)
    with sqlite3.connect(args.estate / "billing.db") as conn:
        query = "SELECT email FROM customers ORDER BY (id * 7919) % 10007 LIMIT ?"
        everyone = [r[0] for r in conn.execute(query, (max(args.consumers, args.batch),))]
    emails = everyone[: args.consumers]
    mentions, residue, found = [], [], 0
    with opened_stores(estate) as stores:
        declared = {str(kind): columns for kind, columns in estate.identity.items()}
        times = {table: event_time(table, estate, catalog) for table in catalog.meanings}
        for email in emails:
            identity = parse_identity("email", email)
            records = Traversal(catalog, stores, declared).run([identity])
            identifiers = consumer_identifiers(identity, records[0], catalog)
            started = time.perf_counter()
            mentioned = find_mentions(estate, catalog, stores, [identifiers], records, times)
            mentions.append(time.perf_counter() - started)
            started = time.perf_counter()
            left = find_residue(estate, catalog, stores, identifiers, identity)
            residue.append(time.perf_counter() - started)
            found += sum(r.rows.num_rows for r in mentioned[0]) + sum(r.rows for r in left)
        batch = _batch_seconds(estate, catalog, stores, everyone[: args.batch], declared, times)
    print(f"code: {Path(pipelines.__file__).parent.parent}")
    print(
        f"mention search (one access request): p50 {statistics.median(mentions):.3f} s, "
        f"max {max(mentions):.3f} s; residue search (one deletion): p50 {statistics.median(residue):.3f} s, "
        f"max {max(residue):.3f} s; over {len(emails)} consumers ({found} rows found)"
    )
    if batch:
        print(
            f"mention search for a batch of {args.batch} consumers ({batch[1]} identifiers): {batch[0]:.3f} s"
        )


def _batch_seconds(
    estate: Estate,
    catalog: Catalog,
    stores: Mapping[str, Store],
    emails: list[str],
    declared: dict[str, list[str]],
    times: Mapping[tuple[str, str], str | None],
) -> tuple[float, int] | None:
    if not emails:
        return None
    identities = [parse_identity("email", email) for email in emails]
    records = Traversal(catalog, stores, declared).run(identities)
    identifiers = [consumer_identifiers(i, r, catalog) for i, r in zip(identities, records, strict=True)]
    started = time.perf_counter()
    find_mentions(estate, catalog, stores, identifiers, records, times)
    return time.perf_counter() - started, len(set().union(*identifiers))


if __name__ == "__main__":
    main()

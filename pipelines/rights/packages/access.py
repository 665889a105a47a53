"""Right to know: every consumer of the request gets a package of what is held about them.

Domain steps, no Dagster: find the records (traversal + free-text mentions), keep the request's
period, write the package, log the request (with a hash of the identity, never the identity).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from connectors import Estate, load_estate
from mappings import load_categories, load_notice
from pipelines.engine import cluster_for
from pipelines.errors import InputError
from pipelines.output import staged_files
from pipelines.rights.ledger import log_request, new_request_id
from pipelines.rights.model import AccessRequest, Identity, Period
from pipelines.rights.packages.package import categories_of, facts_of, write_package
from pipelines.rights.records.finding import find_records
from pipelines.rights.records.graph import Catalog
from pipelines.rights.records.identity import parse_identity
from pipelines.rights.records.lookback import request_period, within
from pipelines.rights.records.sources import load_catalog

GROUP = 500  # requests found in one pass: on the 100M-session estate 1,000 took 3.9 GB, 500 2.5 GB


@dataclass(frozen=True)
class AccessAnswer:
    request_id: str
    package: Path
    period: Period
    counts: dict[str, int]
    unreadable: tuple[str, ...] = ()  # tables the inventory could not read: the package may miss rows


def answer_access(
    estate_file: Path,
    identities: Sequence[Identity],
    out: Path,
    inventory: Path | None = None,
    lookback_days: int | None = None,
    all_time: bool = False,
    passphrase: str | None = None,
    today: dt.date | None = None,
    cluster: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[AccessAnswer]:
    """Answer one or many access requests: one pass over the estate per group of GROUP requests.

    The whole-store read (free text searched for every consumer's identifiers) runs on `cluster`
    (`pipelines.engine.cluster_for`: asked, else the estate's `compute.cluster`, else this process);
    the packages are built here, each group's written before the next group is read, so memory
    is bounded by the group, not by the batch. `progress(answered, total)` after each group.
    """
    period = request_period(today or dt.date.today(), lookback_days, all_time)  # checked before any work
    estate = load_estate(estate_file)
    cluster = cluster_for(cluster, estate.compute.cluster)
    catalog = load_catalog(estate, inventory, out)
    notice, categories = load_notice(), load_categories()
    meanings = {f"{s}.{t}": columns for (s, t), columns in catalog.meanings.items()}
    facts = facts_of(estate)
    answers = []
    for start in range(0, len(identities), GROUP):
        for request in _requests(estate, catalog, identities[start : start + GROUP], period, cluster):
            package = write_package(request, meanings, facts, notice, categories, out, passphrase)
            counts = {r.key: r.rows.num_rows for r in request.tables}
            log_request(out, request, "access", outcome="complied", detail={"rows": sum(counts.values())})
            answers.append(
                AccessAnswer(request.request_id, package, period, counts, tuple(catalog.unreadable))
            )
        if progress is not None:
            progress(len(answers), len(identities))
    return answers


def answer_categories(
    estate_file: Path,
    identity: Identity,
    out: Path,
    reason: str,
    inventory: Path | None = None,
    today: dt.date | None = None,
) -> Path:
    """A request to know answered with the categories only: `out/categories-<id>.json`, and why."""
    estate = load_estate(estate_file)
    catalog = load_catalog(estate, inventory, out)
    period = request_period(today or dt.date.today(), None, False)
    meanings = {f"{s}.{t}": columns for (s, t), columns in catalog.meanings.items()}
    (request,) = _requests(estate, catalog, [identity], period)
    document = {
        "request_id": request.request_id,
        "answer": "categories_only",
        "reason": reason,
        "period": {"start": str(period.start) if period.start else None, "end": str(period.end)},
        "categories": categories_of(request, meanings, facts_of(estate), load_notice(), load_categories()),
    }
    name = f"categories-{request.request_id}.json"
    with staged_files(out) as stage:
        stage.path(name).write_text(json.dumps(document, indent=1), encoding="utf-8")
    log_request(out, request, "know-categories", outcome="complied")
    return out / name


def _requests(
    estate: Estate,
    catalog: Catalog,
    identities: Sequence[Identity],
    period: Period,
    cluster: str | None = None,
) -> list[AccessRequest]:
    """One request per identity, holding the records found for it within the period."""
    requests = []
    left_out: list[list[dict[str, object]]] = []
    found = find_records(estate, catalog, identities, left_out=left_out, cluster=cluster)
    for identity, records, others in zip(identities, found, left_out, strict=True):
        request = AccessRequest(new_request_id(), identity, dt.datetime.now(dt.UTC), period)
        request.tables = [within(r, period) for r in records]
        request.left_out = others
        requests.append(request)
    return requests


def read_identities(path: Path, kind: str) -> list[Identity]:
    """One identifier per line (blank lines and # comments skipped), for batch requests.

    A malformed one is an InputError naming its line (never its value).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or type(err).__name__})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    identities = []
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                identities.append(parse_identity(kind, line))
            except InputError as err:
                raise InputError(f"{path}, line {number}: {err}") from None
    if not identities:
        raise InputError(f"{path}: no {kind} in the file")
    return identities

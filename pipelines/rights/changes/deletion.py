"""Right to delete, end to end: plan, journal, carry out, verify, notify recipients, suppress.

A dry run writes the plan and changes nothing. A run that was killed resumes from its journal.
A finished deletion run again finds nothing left and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from connectors import Estate, Store, load_estate, opened_stores
from pipelines.engine import cluster_for
from pipelines.rights.changes.deletion_plan import DeletionPlan, plan_deletion
from pipelines.rights.changes.deletion_report import deletion_report, write_notices, write_report
from pipelines.rights.changes.journal import carry_out, close_journal, open_journal, start_journal
from pipelines.rights.changes.referrers import STILL_REFERRED
from pipelines.rights.changes.suppression import suppress
from pipelines.rights.changes.verification import Residue, find_residue
from pipelines.rights.ledger import log_change, new_request_id
from pipelines.rights.model import Identity, TableRecords
from pipelines.rights.records.finding import find_records
from pipelines.rights.records.graph import Catalog
from pipelines.rights.records.identity import identity_hash
from pipelines.rights.records.mentions import consumer_identifiers
from pipelines.rights.records.sources import InventoryError, load_catalog


@dataclass(frozen=True)
class DeletionAnswer:
    request_id: str
    report: Path
    dry_run: bool
    residue: list[Residue]
    resumed: bool
    unreadable: tuple[str, ...] = ()  # tables the inventory could not read: residue there is unknown
    partial: tuple[str, ...] = ()  # rows deidentified, not deleted, because another row refers to them

    @property
    def verified(self) -> bool:
        return self.dry_run or not [r for r in self.residue if not r.exempt]

    @property
    def complied(self) -> bool:
        """Everything went: no residue, and no row kept because another row refers to it."""
        return self.verified and not self.partial


def answer_deletion(
    estate_file: Path,
    identity: Identity,
    out: Path,
    inventory: Path | None = None,
    dry_run: bool = False,
    cluster: str | None = None,
) -> DeletionAnswer:
    """`cluster`: where the whole-store reads run (free text searched for the consumer, the residue
    search): `pipelines.engine.cluster_for`, asked, else the estate's `compute.cluster`, else here."""
    estate = load_estate(estate_file)
    cluster = cluster_for(cluster, estate.compute.cluster)
    catalog = load_catalog(estate, inventory, out)
    if not any(m.category for columns in catalog.meanings.values() for m in columns.values()):
        raise InventoryError(
            "the inventory classified no column as personal information, so no deletion could be "
            "verified: scan the estate again (`ccpa scan`) before deleting"
        )
    digest = identity_hash(identity)
    journal = None if dry_run else open_journal(out, digest)
    with opened_stores(estate) as stores:
        if journal is None:
            request_id = new_request_id()
            plan, identifiers = _plan(estate, catalog, stores, identity, cluster)
            if dry_run:
                document = deletion_report(request_id, digest, plan, dry_run=True, partial=partial(plan))
                report = write_report(document, out)
                return DeletionAnswer(
                    request_id, report, True, [], False, tuple(catalog.unreadable), partial(plan)
                )
            journal = start_journal(out, digest, request_id, plan, identifiers)
            resumed = False
        else:
            resumed = True
        carry_out(journal, stores)
        residue = find_residue(estate, catalog, stores, journal.every_identifier, identity, cluster)
        plan = DeletionPlan(journal.steps, journal.kept, journal.left_out)
        notices = write_notices(estate, journal.request_id, plan, journal.identifiers, out)
        suppressed = suppress(out, journal.every_identifier, journal.request_id)
        document = deletion_report(
            journal.request_id,
            digest,
            plan,
            dry_run=False,
            done=journal.done,
            residue=residue,
            notices=notices,
            suppressed=suppressed,
            resumed=resumed,
            partial=partial(plan),
        )
        report = write_report(document, out)
        _log(out, journal.request_id, identity, residue, partial(plan))
        close_journal(journal)
        return DeletionAnswer(
            journal.request_id,
            report,
            False,
            residue,
            resumed,
            tuple(catalog.unreadable),
            partial(plan),
        )


def _plan(
    estate: Estate, catalog: Catalog, stores: dict[str, Store], identity: Identity, cluster: str | None
) -> tuple[DeletionPlan, dict[str, list[str]]]:
    """The plan, and per store the consumer's identifiers found there (a recipient learns only those)."""
    # all time: deletion has no look-back
    left_out: list[list[dict[str, object]]] = []
    (records,) = find_records(estate, catalog, [identity], stores, left_out, cluster)
    identifiers = consumer_identifiers(identity, records, catalog)
    by_store = identifiers_by_store(estate, identity, records, catalog)
    plan = plan_deletion(records, catalog, estate, stores, identifiers)
    plan.left_out = left_out[0]
    return plan, by_store


def identifiers_by_store(
    estate: Estate, identity: Identity, records: list[TableRecords], catalog: Catalog
) -> dict[str, list[str]]:
    """Per store, the consumer's identifiers found there: all a recipient of that store learns."""
    return {
        store: sorted(consumer_identifiers(identity, [r for r in records if r.store == store], catalog))
        for store in estate.stores
    }


def partial(plan: DeletionPlan) -> tuple[str, ...]:
    """Why the deletion is only in part: rows kept (deidentified) because another row refers to them."""
    return tuple(
        f"{s.store}.{s.table}: {s.rows.num_rows} row(s), {s.reason}"
        for s in plan.steps
        if s.reason.startswith(STILL_REFERRED)
    )


def _log(
    out: Path, request_id: str, identity: Identity, residue: list[Residue], kept: tuple[str, ...]
) -> None:
    left = [r for r in residue if not r.exempt]
    outcome = "complied_in_part" if left or kept else "complied"
    detail = {"residue_tables": len(left), "kept_referred": list(kept)}
    log_change(out, request_id, identity, "delete", outcome, detail)

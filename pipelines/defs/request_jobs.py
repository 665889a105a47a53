"""Dagster jobs for consumers' requests: typed run config in, the package and its counts as metadata."""

import json
from pathlib import Path

import dagster as dg

from pipelines.defs.resources import DaskClusterResource, EstateResource
from pipelines.rights.changes.deletion import answer_deletion
from pipelines.rights.packages.access import answer_access
from pipelines.rights.records.identity import parse_identity


class ConsumerConfig(dg.Config):
    """Who the request is about."""

    identity_kind: str = (
        "email"  # a key of pipelines.rights.records.identity.ENTITIES (parse_identity checks it)
    )
    identity: str
    out: str = "requests"


class AccessRequestConfig(ConsumerConfig):
    lookback_days: int | None = None  # default 365
    all_time: bool = False


@dg.op(description="Find the consumer's records everywhere and write their access package.")
def build_access_package(
    context: dg.OpExecutionContext,
    config: AccessRequestConfig,
    estate: EstateResource,
    dask_cluster: DaskClusterResource,
) -> str:
    identity = parse_identity(config.identity_kind, config.identity)
    (answer,) = answer_access(
        Path(estate.estate),
        [identity],
        Path(config.out),
        inventory=_inventory(estate),
        lookback_days=config.lookback_days,
        all_time=config.all_time,
        cluster=dask_cluster.address,  # the free-text search: where the full-value read runs, else here
    )
    per_category = _per_category(answer.counts, estate)
    context.add_output_metadata(
        {
            "request id": answer.request_id,
            "package": dg.MetadataValue.path(str(answer.package)),
            "period": f"{answer.period.start or 'all time'} .. {answer.period.end}",
            "rows": sum(answer.counts.values()),
            "rows per table": dg.MetadataValue.json({k: v for k, v in answer.counts.items() if v}),
            "tables per category": dg.MetadataValue.json(per_category),
        }
    )
    return str(answer.package)


def _inventory(estate: EstateResource) -> Path | None:
    path = estate.reports_dir() / "inventory.json"
    return path if path.exists() else None


def _per_category(counts: dict[str, int], estate: EstateResource) -> dict[str, list[str]]:
    path = estate.reports_dir() / "inventory.json"
    if not path.exists():
        return {}
    columns = json.loads(path.read_text(encoding="utf-8"))["columns"]
    held = {k for k, v in counts.items() if v}
    result: dict[str, set[str]] = {}
    for column in columns:
        key = f"{column['store']}.{column['table']}"
        if column["category"] and key in held:
            result.setdefault(column["category"], set()).add(key)
    return {category: sorted(tables) for category, tables in sorted(result.items())}


@dg.job(description="Right to know: one consumer's access package, from the identity in the run config.")
def access_request() -> None:
    build_access_package()


class DeleteRequestConfig(ConsumerConfig):
    dry_run: bool = True  # a real deletion must be asked for


@dg.op(description="Plan, carry out and verify the deletion of one consumer's records.")
def delete_consumer(
    context: dg.OpExecutionContext,
    config: DeleteRequestConfig,
    estate: EstateResource,
    dask_cluster: DaskClusterResource,
) -> str:
    identity = parse_identity(config.identity_kind, config.identity)
    answer = answer_deletion(
        Path(estate.estate),
        identity,
        Path(config.out),
        _inventory(estate),
        config.dry_run,
        cluster=dask_cluster.address,  # the residue search: where the full-value read runs, else here
    )
    report = json.loads(answer.report.read_text(encoding="utf-8"))
    plan = "| table | action | rows | exemption / reason |\n|---|---|---|---|\n" + "\n".join(
        f"| {t['store']}.{t['table']} | {t['action']} | {t['rows']} | {t['exemption'] or t['reason']} |"
        for t in report["tables"]
    )
    metadata: dict[str, dg.MetadataValue] = {
        "request id": dg.MetadataValue.text(answer.request_id),
        "dry run": dg.MetadataValue.bool(answer.dry_run),
        "plan": dg.MetadataValue.md(plan),
        "report": dg.MetadataValue.path(str(answer.report)),
        "verification": dg.MetadataValue.json(report["verification"] or {"dry_run": True}),
        "complied in part": dg.MetadataValue.json(list(answer.partial)),  # rows others still refer to
    }
    if not answer.verified:
        raise dg.Failure(
            description=f"deletion left residue in {len(answer.residue)} column(s)", metadata=metadata
        )
    context.add_output_metadata(metadata)
    return str(answer.report)


@dg.job(description="Right to delete: one consumer, dry run by default; a failed verification fails the run.")
def delete_request() -> None:
    delete_consumer()

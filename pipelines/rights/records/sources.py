"""Where a request finds the inventory it needs: given, beside the output, in the estate's reports,
or (first run) made now by a scan."""

from __future__ import annotations

from pathlib import Path

from connectors import Estate
from pipelines.discovery.inventory import scan_estate
from pipelines.discovery.scan_cache import ScanCache
from pipelines.errors import InputError
from pipelines.rights.records.graph import Catalog

INVENTORY = "inventory.json"


class InventoryError(InputError):
    """The inventory named for a request cannot be used."""


def load_catalog(estate: Estate, inventory: Path | None, out: Path) -> Catalog:
    if inventory is not None:
        path = inventory / INVENTORY if inventory.is_dir() else inventory
        if not path.is_file():
            raise InventoryError(f"{path}: no inventory here; run `ccpa scan` first or omit --inventory")
        return _read(path, estate)
    for path in (out / INVENTORY, estate.path.parent / "reports" / INVENTORY):
        if path.is_file():
            return _read(path, estate)
    scanned = scan_estate(estate, cache=ScanCache(out / ".ccpa-cache"))
    document = {
        "columns": [c.as_dict() for c in scanned.columns],
        "links": [x.as_record() for x in scanned.links],
        "unreadable": [t.qualified for t in scanned.unreadable],
    }
    return Catalog.from_inventory(document, estate)


def _read(path: Path, estate: Estate) -> Catalog:
    try:
        return Catalog.read(path, estate)
    except (ValueError, KeyError, TypeError) as err:
        raise InventoryError(f"{path}: not an inventory written by `ccpa scan` ({err})") from None

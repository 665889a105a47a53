"""IPv4 addresses as the network sees them: carrier-grade NAT and private addresses handed to
devices, and public addresses of the consumers' own connections (console and API use)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from pipelines.demo_estate import draws

# First octets of public address blocks held by US access networks (none reserved or private).
PUBLIC_FIRST_OCTETS = (24, 47, 50, 67, 68, 69, 71, 73, 75, 76, 96, 97, 98, 99, 104, 107, 108, 162, 173, 174)
_OCTETS = draws.numbers_as_strings(np.arange(256, dtype=np.int64))


def _dotted(octets: NDArray[np.int64]) -> pa.Array:
    """(rows, 4) octets as dotted quads."""
    parts = [_OCTETS.take(pa.array(octets[:, i])) for i in range(4)]
    return draws.join(parts[0], ".", parts[1], ".", parts[2], ".", parts[3])


def public_addresses(rng: np.random.Generator, n: int) -> pa.Array:
    first = np.array(PUBLIC_FIRST_OCTETS)[rng.integers(0, len(PUBLIC_FIRST_OCTETS), n)]
    rest = rng.integers(0, 256, (n, 3))
    rest[:, 2] = rng.integers(1, 255, n)
    return _dotted(np.column_stack([first, rest]))


def device_addresses(rng: np.random.Generator, n: int) -> pa.Array:
    """Addresses devices get on a data session: 100.64.0.0/10 (CGNAT) mostly, 10/8, some public."""
    kind = draws.weighted_index(rng, (60, 25, 15), n)
    octets = rng.integers(0, 256, (n, 4))
    octets[:, 3] = rng.integers(1, 255, n)
    cgnat, private = kind == 0, kind == 1
    octets[cgnat, 0] = 100
    octets[cgnat, 1] = rng.integers(64, 128, int(cgnat.sum()))
    octets[private, 0] = 10
    public = _dotted(octets)
    public_rows = np.flatnonzero(kind == 2)
    groups = [(np.flatnonzero(kind != 2), public.filter(pa.array(kind != 2)))]
    groups.append((public_rows, public_addresses(rng, len(public_rows))))
    return draws.scatter(groups, n)

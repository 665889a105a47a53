"""The consumers' SIM cards: ICCID (Luhn), IMSI (real MCC+MNC), MSISDN, status, APN and activation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.checksums import luhn_numbers
from pipelines.demo_estate.places import city_column

if TYPE_CHECKING:
    from pipelines.demo_estate.identities import People


@dataclass(frozen=True)
class Carrier:
    imsi_prefix: str  # MCC + MNC (+ first MSIN digit): six digits, then a 9-digit MSIN
    iccid_prefix: str  # 89 (telecom) + country code + issuer
    iccid_width: int  # 19 or 20 digits, the last one a Luhn check digit
    msisdn_prefix: str  # "1": a US number in the consumer's area code; else country + range, 12 digits
    weight: float


CARRIERS = (
    Carrier("295050", "8942305", 19, "42366", 40),  # global IoT SIMs on a Liechtenstein network
    Carrier("310260", "8901260", 20, "1", 20),  # US, T-Mobile
    Carrier("310410", "8901410", 20, "1", 20),  # US, AT&T
    Carrier("440103", "8981100", 19, "8170", 20),  # Japan, NTT docomo
)
STATUSES = ("active", "suspended", "terminated")
STATUS_WEIGHTS = (85, 7, 8)
APNS = ("soracom.io", "du.soracom.io", "vpg.soracom.io", "beam.soracom.io")
APN_WEIGHTS = (70, 10, 12, 8)


@dataclass(frozen=True)
class Sims:
    customer_index: NDArray[np.int64]  # row of the owning consumer
    iccid: pa.Array
    imsi: pa.Array
    msisdn: pa.Array  # E.164 digits, no '+'
    status: pa.Array
    apn: pa.Array
    activated_at: NDArray[np.datetime64]
    activity: NDArray[np.float64]  # relative share of the traffic

    def __len__(self) -> int:
        return len(self.customer_index)

    @property
    def id(self) -> NDArray[np.int64]:
        return np.arange(1, len(self) + 1, dtype=np.int64)

    @property
    def in_use(self) -> NDArray[np.bool_]:
        return np.asarray(self.status.to_numpy(zero_copy_only=False) != "terminated")


def _numbers(
    rng: np.random.Generator, carrier: NDArray[np.int64], area_code: pa.Array, local: NDArray[np.int64]
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """IMSI, ICCID and MSISDN of each SIM, per its carrier."""
    n = len(carrier)
    msin = draws.unique_integers(rng, 10**9, n)
    serial = draws.unique_integers(rng, 10**11, n)
    imsi, iccid, msisdn = [], [], []
    for c, spec in enumerate(CARRIERS):
        rows = np.flatnonzero(carrier == c)
        imsi.append(
            (rows, draws.join(spec.imsi_prefix, draws.digits_to_strings(draws.to_digits(msin[rows], 9))))
        )
        digits = luhn_numbers(spec.iccid_prefix, serial[rows], spec.iccid_width)
        iccid.append((rows, draws.digits_to_strings(digits)))
        if spec.msisdn_prefix == "1":
            number = draws.join("1", area_code.take(pa.array(rows)), draws.numbers_as_strings(local[rows]))
        else:
            width = 12 - len(spec.msisdn_prefix)
            number = draws.join(
                spec.msisdn_prefix, draws.digits_to_strings(draws.to_digits(local[rows], width))
            )
        msisdn.append((rows, number))
    return draws.scatter(imsi, n), draws.scatter(iccid, n), draws.scatter(msisdn, n)


def draw_sims(
    rng: np.random.Generator,
    consumers: People,
    extra_per_consumer: float,
    local_numbers: NDArray[np.int64],
    as_of: dt.date,
) -> Sims:
    """One SIM per consumer plus a few more for some (at most four each), activated after sign-up."""
    extra = np.minimum(rng.poisson(extra_per_consumer, len(consumers)), 3)
    owner = np.repeat(np.arange(len(consumers), dtype=np.int64), 1 + extra)
    n = len(owner)
    carrier = draws.weighted_index(rng, [c.weight for c in CARRIERS], n)
    area_code = city_column("area_code", consumers.city_index[owner])
    imsi, iccid, msisdn = _numbers(rng, carrier, area_code, local_numbers[:n])
    created = consumers.created_at[owner]
    remaining = (np.datetime64(as_of, "s") - created).astype(np.int64)
    delay = np.minimum(rng.exponential(20 * 86_400, n).astype(np.int64), remaining - 1)
    return Sims(
        customer_index=owner,
        iccid=iccid,
        imsi=imsi,
        msisdn=msisdn,
        status=pa.array(STATUSES).take(draws.weighted_index(rng, STATUS_WEIGHTS, n)),
        apn=pa.array(APNS).take(draws.weighted_index(rng, APN_WEIGHTS, n)),
        activated_at=created + delay.astype("timedelta64[s]"),
        activity=rng.lognormal(0.0, 1.0, n),
    )

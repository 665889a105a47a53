"""The radio cells around the consumers' cities: a catalogue (`cell_towers`, not personal) whose ids
and coordinates also appear, attached to a SIM, in the data sessions (personal: where a device was).

A cell id is written as an ECGI: 'MCC-MNC-TAC-ECI' (ECI = eNodeB id * 256 + cell), e.g.
'310-410-10245-26214913'.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.places import CITIES, city_centres

TOWERS_PER_CITY = 24
NETWORKS = (("310", "260"), ("310", "410"), ("311", "480"))  # T-Mobile, AT&T, Verizon
RADIOS = ("LTE", "LTE", "LTE", "LTE-M", "NR")


@dataclass(frozen=True)
class Cells:
    cell_id: pa.Array
    radio: pa.Array
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    mcc: pa.Array
    mnc: pa.Array

    def table(self) -> pa.Table:
        return pa.table(
            {
                "cell_id": self.cell_id,
                "radio": self.radio,
                "lat": self.lat,
                "lon": self.lon,
                "mcc": self.mcc,
                "mnc": self.mnc,
            }
        )

    def near(self, rng: np.random.Generator, city_index: NDArray[np.int64]) -> NDArray[np.int64]:
        """A cell of each row's city."""
        return city_index * TOWERS_PER_CITY + rng.integers(0, TOWERS_PER_CITY, len(city_index))


def build_cells(rng: np.random.Generator) -> Cells:
    n = len(CITIES) * TOWERS_PER_CITY
    city = np.repeat(np.arange(len(CITIES), dtype=np.int64), TOWERS_PER_CITY)
    lat, lon = city_centres(city)
    network = rng.integers(0, len(NETWORKS), n)
    mcc = pa.array([m for m, _ in NETWORKS]).take(pa.array(network))
    mnc = pa.array([m for _, m in NETWORKS]).take(pa.array(network))
    tac = draws.numbers_as_strings(1000 + city * 37 + rng.integers(0, 3, n))
    eci = draws.numbers_as_strings(draws.unique_integers(rng, 2**20, n) * 256 + rng.integers(1, 4, n))
    return Cells(
        cell_id=draws.join(mcc, "-", mnc, "-", tac, "-", eci),
        radio=draws.pick(rng, RADIOS, n),
        lat=np.round(lat + rng.normal(0, 0.05, n), 6),
        lon=np.round(lon + rng.normal(0, 0.06, n), 6),
        mcc=mcc,
        mnc=mnc,
    )

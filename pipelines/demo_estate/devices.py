"""The devices the SIMs sit in: IMEI (real-looking TAC + serial + Luhn), model, firmware version.

Children's SIMs sit in family GPS watches. Firmware versions are four dotted numbers below 256:
a decoy that looks like an IPv4 address but is not one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.checksums import luhn_numbers


@dataclass(frozen=True)
class DeviceModel:
    tac: str  # type allocation code: the first 8 IMEI digits
    name: str
    weight: float
    wearable: bool = False


MODELS = (
    DeviceModel("86425004", "Quectel BG96", 20),
    DeviceModel("86758004", "Quectel BG95-M3", 15),
    DeviceModel("35290611", "Sierra Wireless HL7800", 10),
    DeviceModel("35473510", "u-blox SARA-R410M", 10),
    DeviceModel("35745510", "Telit ME910C1", 8),
    DeviceModel("35234911", "Nordic nRF9160 DK", 6),
    DeviceModel("86888103", "SIMCom SIM7600G-H", 12),
    DeviceModel("35868311", "Teltonika FMB920", 10),
    DeviceModel("35925406", "Raspberry Pi 4 + Quectel EC25", 7),
    DeviceModel("35391115", "Family GPS Watch K3", 1, wearable=True),
    DeviceModel("86722004", "KidsTrack 4G Watch", 1, wearable=True),
)
FIRMWARE_RELEASES = 48


@dataclass(frozen=True)
class Devices:
    imei: pa.Array
    model: pa.Array
    firmware_version: pa.Array

    def __len__(self) -> int:
        return len(self.imei)


def _firmware_pool(rng: np.random.Generator) -> pa.Array:
    parts = [rng.integers(1, 12, FIRMWARE_RELEASES), rng.integers(0, 40, FIRMWARE_RELEASES)]
    parts += [rng.integers(0, 256, FIRMWARE_RELEASES), rng.integers(1, 255, FIRMWARE_RELEASES)]
    text = [draws.numbers_as_strings(p.astype(np.int64)) for p in parts]
    return draws.join(text[0], ".", text[1], ".", text[2], ".", text[3])


def _model_per_device(rng: np.random.Generator, wearer_is_child: NDArray[np.bool_]) -> NDArray[np.int64]:
    kinds = np.array([m.wearable for m in MODELS])
    weights = np.array([m.weight for m in MODELS], dtype=np.float64)
    model = np.empty(len(wearer_is_child), dtype=np.int64)
    for wearable, rows in (
        (True, np.flatnonzero(wearer_is_child)),
        (False, np.flatnonzero(~wearer_is_child)),
    ):
        allowed = np.flatnonzero(kinds == wearable)
        p = weights[allowed] / weights[allowed].sum()
        model[rows] = allowed[rng.choice(len(allowed), size=len(rows), p=p)]
    return model


def draw_devices(rng: np.random.Generator, wearer_is_child: NDArray[np.bool_]) -> Devices:
    """One device per SIM; `wearer_is_child` marks the SIMs of consumers under 16."""
    n = len(wearer_is_child)
    model = _model_per_device(rng, wearer_is_child)
    groups = []
    for m, spec in enumerate(MODELS):
        rows = np.flatnonzero(model == m)
        serial = draws.unique_integers(rng, 10**6, len(rows))
        groups.append((rows, draws.digits_to_strings(luhn_numbers(spec.tac, serial, 15))))
    return Devices(
        imei=draws.scatter(groups, n),
        model=pa.array([m.name for m in MODELS]).take(pa.array(model)),
        firmware_version=draws.pick(rng, _firmware_pool(rng), n),
    )

"""Where the demo consumers live: real US cities (most in California) with their centre, ZIP prefix
and telephone area code, so addresses, phone numbers and device locations agree with each other."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray


@dataclass(frozen=True)
class City:
    name: str
    state: str
    lat: float
    lon: float
    zip3: str  # first three digits of its ZIP codes
    area_code: str
    weight: float  # share of consumers


CITIES: tuple[City, ...] = (
    City("Los Angeles", "CA", 34.0522, -118.2437, "900", "213", 14),
    City("San Diego", "CA", 32.7157, -117.1611, "921", "619", 7),
    City("San Jose", "CA", 37.3382, -121.8863, "951", "408", 6),
    City("San Francisco", "CA", 37.7749, -122.4194, "941", "415", 6),
    City("Fresno", "CA", 36.7378, -119.7871, "937", "559", 3),
    City("Sacramento", "CA", 38.5816, -121.4944, "958", "916", 3),
    City("Long Beach", "CA", 33.7701, -118.1937, "908", "562", 3),
    City("Oakland", "CA", 37.8044, -122.2712, "946", "510", 3),
    City("Bakersfield", "CA", 35.3733, -119.0187, "933", "661", 2),
    City("Anaheim", "CA", 33.8366, -117.9143, "928", "714", 2),
    City("Riverside", "CA", 33.9806, -117.3755, "925", "951", 2),
    City("Irvine", "CA", 33.6846, -117.8265, "926", "949", 2),
    City("Santa Clara", "CA", 37.3541, -121.9552, "950", "408", 2),
    City("Pasadena", "CA", 34.1478, -118.1445, "911", "626", 1.5),
    City("Berkeley", "CA", 37.8715, -122.2730, "947", "510", 1.5),
    City("Santa Barbara", "CA", 34.4208, -119.6982, "931", "805", 1),
    City("Eureka", "CA", 40.8021, -124.1637, "955", "707", 0.5),
    City("Portland", "OR", 45.5152, -122.6784, "972", "503", 3),
    City("Seattle", "WA", 47.6062, -122.3321, "981", "206", 4),
    City("Phoenix", "AZ", 33.4484, -112.0740, "850", "602", 3),
    City("Las Vegas", "NV", 36.1699, -115.1398, "891", "702", 2),
    City("Denver", "CO", 39.7392, -104.9903, "802", "303", 2),
    City("Austin", "TX", 30.2672, -97.7431, "787", "512", 3),
    City("Dallas", "TX", 32.7767, -96.7970, "752", "214", 2),
    City("Chicago", "IL", 41.8781, -87.6298, "606", "312", 3),
    City("New York", "NY", 40.7128, -74.0060, "100", "212", 5),
    City("Boston", "MA", 42.3601, -71.0589, "021", "617", 2),
    City("Atlanta", "GA", 33.7490, -84.3880, "303", "404", 2),
    City("Miami", "FL", 25.7617, -80.1918, "331", "305", 2),
)


def city_weights() -> NDArray[np.float64]:
    weights = np.array([c.weight for c in CITIES], dtype=np.float64)
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def city_column(attribute: str, index: NDArray[np.int64]) -> pa.Array:
    """One attribute (name, state, zip3, area_code) of the city of each row."""
    return pa.array([getattr(c, attribute) for c in CITIES], pa.string()).take(pa.array(index))


def city_centres(index: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lat = np.array([c.lat for c in CITIES])
    lon = np.array([c.lon for c in CITIES])
    return lat[index], lon[index]

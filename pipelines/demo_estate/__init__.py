"""A realistic, synthetic estate of an IoT connectivity provider (SIMs, devices, data sessions,
billing, CRM), with the truth about every column, for demos, tests and accuracy benchmarks."""

from pipelines.demo_estate.build import DemoEstate, build_demo_estate

__all__ = ["DemoEstate", "build_demo_estate"]

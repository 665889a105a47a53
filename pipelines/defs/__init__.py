"""Dagster wiring only: assets, checks, jobs, schedules, resources, IO managers; the domain lives elsewhere."""

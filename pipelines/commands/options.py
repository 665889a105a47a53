"""Argument types shared by the commands: checked while parsing, so bad input fails before any work."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from pipelines.output import OutputError, check_output_folder


def positive(limit: int) -> Callable[[str], int]:
    """A whole number from 1 to `limit`."""
    return whole(1, limit)


def whole(low: int, high: int) -> Callable[[str], int]:
    """A whole number from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low:,} to {high:,}, got {value:,}"
            )
        return value

    return parse


def iso_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD, between 1900 and 2999."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None
    if not 1900 <= day.year <= 2999:
        raise argparse.ArgumentTypeError(f"expected a date between 1900 and 2999, got {text}")
    return day


def output_folder(text: str) -> Path:
    """A folder that is, or can be made, writable; nothing is created while checking."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder, got an empty path")
    path = Path(text)
    try:
        check_output_folder(path)
    except OutputError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return path


def add_out(parser: argparse.ArgumentParser, help: str, default: Path | None = None) -> None:
    """--out FOLDER, checked at once; required unless there is a default."""
    parser.add_argument("--out", required=default is None, default=default, type=output_folder, help=help)


def cluster_address(text: str) -> str:
    """`tcp://HOST:PORT` of a dask scheduler, or `none` (`pipelines.engine.check_address`)."""
    from pipelines.engine import ClusterError, check_address

    try:
        return check_address(text)
    except ClusterError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_cluster(parser: argparse.ArgumentParser, reads: str) -> None:
    """--cluster ADDRESS: where the command's whole-store `reads` run (checked while parsing)."""
    parser.add_argument(
        "--cluster",
        default=None,
        type=cluster_address,
        metavar="ADDRESS",
        help=f"where {reads}: tcp://HOST:PORT of a dask scheduler, or none (in this process); "
        "default: the estate's compute.cluster, else in this process",
    )

"""What the `ccpa` command shows a person: progress while working, tables when done."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.masking import mask_secrets

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def fail(message: str) -> None:
    """One line on standard error, secrets masked (the caller exits with status 2)."""
    line = " ".join(mask_secrets(message).split())
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    shown = line.encode(encoding, "backslashreplace").decode(encoding)  # a path in any bytes prints
    print(f"ccpa: error: {shown}", file=sys.stderr)


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table; columns holding numbers are right-aligned."""
    grid = Table(title=title, title_justify="left")
    for index, header in enumerate(headers):
        numeric = bool(rows) and all(isinstance(row[index], int | None) for row in rows)
        grid.add_column(header, justify="right" if numeric else "left")
    for row in rows:
        grid.add_row(
            *("" if cell is None else f"{cell:,}" if isinstance(cell, int) else str(cell) for cell in row)
        )
    out.print(grid)


@contextmanager
def steps(title: str) -> Iterator[Progress]:
    """A progress display for work done in named steps (transient on a terminal, silent otherwise)."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with progress:
        progress.add_task(title, total=None, detail="")
        yield progress


def step_reporter(progress: Progress) -> Callable[[str, int], None]:
    """A `progress(step, rows)` callback that shows the latest step and its row count."""
    task = progress.task_ids[0]

    def report(step: str, rows: int) -> None:
        progress.update(task, detail=f"{step}: {rows:,} rows")

    return report

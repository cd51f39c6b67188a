"""The one progress bar of every long command: drawn on standard error when it is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable

# progress(done, total): items finished so far, and how many there are when that is known.
Progress = Callable[[int, "int | None"], None]


class progress_bar:
    """A context manager giving a progress(done, total) callback, or None when stderr is not a terminal.

    The bar shows the count, the rate and, once the total is known, the time left; it is
    drawn on standard error and removed at the end, so piped output never contains it.
    """

    def __init__(self, label: str, total: int | None = None, unit: str = "items"):
        self.label, self.total, self.unit = label, total, unit
        self.bar = None

    def __enter__(self) -> Progress | None:
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                            TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self.task = self.bar.add_task(self.label, total=self.total, rate="")
        self.bar.start()
        return self._update

    def _update(self, done: int, total: int | None = None) -> None:
        speed = self.bar.tasks[0].speed
        self.bar.update(self.task, completed=done, total=total if total is not None else self.total,
                        rate=f"{speed:.1f} {self.unit}/s" if speed else "")

    def __exit__(self, *exc) -> bool:
        if self.bar is not None:
            self.bar.stop()
        return False

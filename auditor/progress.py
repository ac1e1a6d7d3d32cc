"""Progress on a terminal: inputs done, pages, pages per second, input errors, and the time left.

Why: an audit of a large crawl runs for minutes to hours, and a silent terminal looks like a hang.
tqdm draws the bar (well kept, no dependencies of its own, handles terminal width and rate
smoothing); nothing is drawn when stderr is not a terminal (CI logs, pipes) or with --quiet, so
logs and captured output stay clean.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO


class Progress:
    def __init__(self, total: int, unit: str = "input", stream: TextIO | None = None, enabled: bool | None = None,
                 min_interval: float = 0.25):
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = self.stream.isatty()
        self.pages = 0
        self.errors = 0
        self._bar: Any = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total or None, unit=unit, file=self.stream, dynamic_ncols=True, leave=False,
                             smoothing=0.1, mininterval=min_interval, miniters=1)

    @property
    def enabled(self) -> bool:
        return self._bar is not None

    def advance(self, inputs: int = 0, pages: int = 0, errors: int = 0) -> None:
        self.pages += pages
        self.errors += errors
        if self._bar is not None:
            elapsed = self._bar.format_dict.get("elapsed") or 0.0
            rate = self.pages / elapsed if elapsed > 0 else 0.0
            self._bar.set_postfix_str(f"{self.pages} pages, {rate:.1f} pages/s, {self.errors} errors", refresh=False)
            self._bar.update(inputs)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Progress of an audit on a terminal: share done, pages, pages per second, input errors, inputs done,
and the time left.

Why: an audit of a large crawl runs for minutes to hours, and a silent terminal looks like a hang.
The bar is drawn by tqdm: well kept, small, no dependencies of its own, and it already does what
matters here (redraws at most every half second, fits the terminal's width, a smoothed rate and the
time left). rich draws finer bars but brings a console and markup layer (and pygments) for one line
of output. Nothing at all is drawn when the stream is not a terminal (CI logs, pipes, tests) or
with --quiet, so logs and captured output stay clean.

The share done is counted in bytes of input: a page file counts its size when it is done, a web
archive counts up as its records are read (a record's offset is in its path, `crawl.warc.gz#12345`),
so the time left means something for ten files of a gigabyte as for a million small ones.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

# tqdm writes the postfix as ", <text>": it goes after the times, as tqdm's own rate does.
_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}{postfix}]"
_FORMAT_NO_TOTAL = "{desc}: [{elapsed}{postfix}]"


class Progress:
    """A progress line on `stream` (default stderr), drawn only when it is a terminal and `enabled`
    is not False. All methods are cheap no-ops when nothing is drawn."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None, min_interval: float = 0.5) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(enabled is not False and callable(isatty) and isatty())
        self.min_interval = min_interval
        self.pages = 0
        self.errors = 0
        self.crashes = 0
        self.units = 0
        self.total_units = 0
        self._bar: Any = None
        self._started = time.monotonic()

    def start(self, total_bytes: int, total_units: int) -> None:
        """Begin drawing: the input's size in bytes (0: unknown) and number of inputs."""
        self.total_units = total_units
        self._started = time.monotonic()
        if not self.enabled or self._bar is not None:
            return
        from tqdm import tqdm

        self._bar = tqdm(total=total_bytes or None, file=self.stream, desc="auditing", leave=False,
                         dynamic_ncols=True, mininterval=self.min_interval, miniters=1, smoothing=0.1,
                         bar_format=_FORMAT if total_bytes else _FORMAT_NO_TOTAL, unit="B", unit_scale=True,
                         postfix=self.text())
        self._refresh(force=True)

    def advance(self, *, pages: int = 0, errors: int = 0, nbytes: int = 0, units: int = 0) -> None:
        """Pages and input errors done, bytes of input read, inputs finished."""
        self.pages += pages
        self.errors += errors
        self.units += units
        if self._bar is not None:
            self._refresh(force=False, nbytes=nbytes)

    def crash(self) -> None:
        """A worker process died (its page is counted as an error when its input is done)."""
        self.crashes += 1

    def text(self) -> str:
        """What the line says besides the bar: pages, pages/s, errors, inputs."""
        elapsed = max(time.monotonic() - self._started, 1e-9)
        parts = [f"{self.pages:,} pages", f"{self.pages / elapsed:.1f} pages/s", f"{self.errors:,} errors"]
        if self.crashes:
            parts.append(f"{self.crashes} worker crash(es)")
        parts.append(f"{self.units:,}/{self.total_units:,} inputs")
        return ", ".join(parts)

    def _refresh(self, force: bool, nbytes: int = 0) -> None:
        bar = self._bar
        bar.set_postfix_str(self.text(), refresh=False)
        if nbytes:
            bar.update(nbytes)  # redraws when min_interval has passed
        elif force or time.time() - bar.last_print_t >= self.min_interval:  # tqdm's clock is time.time
            bar.refresh()

    def close(self) -> None:
        """Remove the line (the run's summary follows it)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Progress"]

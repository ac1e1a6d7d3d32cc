"""The limits that keep one hostile input from taking a run down, all configurable.

Why: a crawl of the open web holds gzip bombs, pages of a million nested divs, 2 GB "images" and
XMP packets built to exhaust memory. Each input is cut off at these limits with a message that
names the limit (an input error, or a note on the page report when the rest of the page can still
be audited). The values are set once per process (`configure`), from `[tool.auditor.limits]` or the
defaults here; worker processes receive the same values.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    page_bytes: int = 32 * MiB  # a page file, or an archive record's body, after decompression
    dom_depth: int = 256  # elements nested deeper are not audited (libxml2's HTML parser also stops at 256)
    elements: int = 250_000  # a page with more elements is refused (an input error)
    image_bytes: int = 50 * MiB  # an image file or record read for its marks
    xmp_bytes: int = 2 * MiB  # one XMP packet or inflated PNG text chunk
    page_seconds: float = 60.0  # time budget of one page in a worker process

    def with_values(self, values: dict[str, float]) -> Limits:
        """These limits with some replaced (keys as in the configuration: page-bytes ...)."""
        names = {f.name for f in fields(self)}
        changes: dict[str, float] = {}
        for key, value in values.items():
            name = key.replace("-", "_")
            if name not in names:
                raise KeyError(key)
            if value <= 0:
                raise ValueError(f"{key} must be positive")
            changes[name] = value if name == "page_seconds" else int(value)
        return replace(self, **changes)  # type: ignore[arg-type]


_current = Limits()


def configure(limits: Limits) -> None:
    global _current
    _current = limits


def limits() -> Limits:
    return _current


def describe(size: int) -> str:
    return f"{size // MiB} MiB" if size >= MiB and size % MiB == 0 else f"{size} bytes"

"""Files and folders as input: discovery (recursive, include/exclude globs) and reading (gzip too).

Discovery is a generator in a stable order (sorted paths), so runs are reproducible and memory stays
flat however large the crawl. Reading never raises for one bad file: it returns an error record
that names the file and the cause, and the run goes on. Web archives (`.warc`, `.warc.gz`,
`.wacz`) are found here too; `archive.py` reads them, one page per HTML response record.
"""

from __future__ import annotations

import fnmatch
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from auditor.inputs.markdown import MARKDOWN_SUFFIXES, has_front_matter
from auditor.limits import describe, limits

if TYPE_CHECKING:
    from auditor.media.resolve import ImageStore

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
TEXT_SUFFIXES = (".txt",)
WARC_SUFFIXES = (".warc", ".warc.gz")
WACZ_SUFFIXES = (".wacz",)
# A page bigger than this is refused with an error rather than risking memory (uncompressed bytes).
MAX_PAGE_BYTES = 32 * 1024 * 1024  # the default of limits().page_bytes, which is what counts


@dataclass(frozen=True, slots=True)
class PageSource:
    """A page file found in the input: where it is and how to show its path in reports."""

    file: Path
    display_path: str  # as the user named it: input argument joined with the relative path
    relative_path: str  # relative to the input root (wget mirrors: host/path/file.html)
    input_format: str  # html | text | markdown | warc | wacz (the last two: archives, read by archive.py)
    # A page read from an archive: the URL it was fetched from (WARC-Target-URI) and the byte
    # offset of its record (display_path ends in "#<record>"). None for page files.
    url: str | None = None
    record: int | None = None


@dataclass(frozen=True, slots=True)
class RawPage:
    source: PageSource
    data: bytes
    # When the page was fetched (ISO 8601, UTC), where the input says so (a WARC record's date);
    # None for plain files, whose saved Date header or modification time stand in.
    crawled_at: str | None = None
    # The HTTP response headers kept apart from the body (an archive record), in the shape
    # `headers.split_headers` gives: (lower-cased name, value, line in the HTTP header block).
    # None: the data may start with saved headers itself (`wget --save-headers`).
    http_headers: tuple[tuple[str, str, int], ...] | None = None
    # The images of the archive the page came from, read on demand (None for page files).
    archive: ImageStore | None = None


class PageReadError(Exception):
    def __init__(self, source: PageSource, cause: str) -> None:
        super().__init__(f"{source.display_path}: {cause}")
        self.source = source
        self.cause = cause


def page_format(name: str) -> str | None:
    """The page format a file name stands for (gzip suffix allowed), or None for other files."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    if lower.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    return None


def archive_format(name: str) -> str | None:
    """"warc" or "wacz" for a web archive's file name, None for other files."""
    lower = name.lower()
    if lower.endswith(WARC_SUFFIXES):
        return "warc"
    if lower.endswith(WACZ_SUFFIXES):
        return "wacz"
    return None


def _matches(rel: str, patterns: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


def discover(
    inputs: list[str],
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    skip_dir: Path | None = None,
) -> Iterator[PageSource]:
    """Yield page files under the given files and folders, sorted, filtered by the globs.

    A file named explicitly is taken whatever its suffix is not (a page format is still needed);
    in folders only page and archive suffixes count, and Markdown files only with front matter (a README
    is no article). Globs match the path relative to the input root or the
    file name. `skip_dir` (the report folder) is never read, so a second run does not audit the
    reports of the first.
    """
    skip = skip_dir.resolve() if skip_dir is not None else None
    for arg in inputs:
        root = Path(arg)
        if root.is_file():
            named_fmt = archive_format(root.name) or page_format(root.name) or "html"
            rel = root.name
            if include and not _matches(rel, include):
                continue
            if exclude and _matches(rel, exclude):
                continue
            yield PageSource(root, shown(arg), shown(rel), named_fmt)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            if skip is not None and Path(dirpath).resolve() == skip:
                dirnames.clear()
                continue
            dirnames.sort()
            for name in sorted(filenames):
                fmt = page_format(name) or archive_format(name)
                if fmt is None:
                    continue
                full = Path(dirpath) / name
                rel = full.relative_to(root).as_posix()
                if include and not _matches(rel, include):
                    continue
                if exclude and _matches(rel, exclude):
                    continue
                if fmt == "markdown" and not has_front_matter(full):
                    continue
                display = (Path(arg) / rel).as_posix()
                yield PageSource(full, shown(display), shown(rel), fmt)


def shown(path: str) -> str:
    """A path as reports show it: a file name that is not UTF-8 (b"caf\\xe9.html" from a Latin-1
    file system) gets U+FFFD where Python kept surrogate escapes, which no UTF-8 report can hold. The
    file itself is still opened by its real name."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        try:
            return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return path.encode("utf-8", "replace").decode("utf-8")


def read_page(source: PageSource) -> RawPage:
    """Read a page's bytes, un-gzipping where needed. Raises PageReadError with the cause."""
    try:
        with open(source.file, "rb") as fh:
            head = fh.read(2)
            fh.seek(0)
            data = _gunzip(fh) if head == b"\x1f\x8b" else fh.read(limits().page_bytes + 1)
    except PageReadError as exc:
        raise PageReadError(source, exc.cause) from None
    except OSError as exc:
        raise PageReadError(source, f"cannot read file ({exc.strerror or exc})") from None
    if len(data) > limits().page_bytes:
        raise PageReadError(source, f"page larger than {describe(limits().page_bytes)} (limit page-bytes)")
    if not data.strip():
        raise PageReadError(source, "empty file")
    return RawPage(source, data)


def _gunzip(fh: BinaryIO) -> bytes:
    """Decompress every gzip member (as `cat a.gz b.gz` makes), streaming in bounded steps so a
    gzip bomb stops at the size limit instead of taking all memory."""
    out = bytearray()
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        pending = chunk
        while pending:
            try:
                out += decomp.decompress(pending, limits().page_bytes + 1 - len(out))
            except zlib.error as exc:
                raise PageReadError(_NO_SOURCE, f"corrupt gzip data ({exc})") from None
            if len(out) > limits().page_bytes:
                return bytes(out)  # the caller reports the size
            if decomp.unconsumed_tail:
                pending = decomp.unconsumed_tail
            elif decomp.eof:
                pending = decomp.unused_data
                if not pending.startswith(b"\x1f\x8b"):
                    return bytes(out)  # trailing padding after the last member, as gzip(1) allows
                decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                pending = b""
    if not decomp.eof:
        raise PageReadError(_NO_SOURCE, "truncated gzip file (unexpected end of compressed data)")
    return bytes(out)


_CHUNK = 256 * 1024
_NO_SOURCE = PageSource(Path(), "", "", "html")

__all__ = ["PageReadError", "PageSource", "RawPage", "archive_format", "discover", "read_page"]

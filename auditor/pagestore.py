"""Page reports on disk while a run collects them, so that memory stays flat however big the crawl.

Why: the site phase and the reports need every page of a site, but never all of them at once. A
page's report is tens of kilobytes of JSON and several times that as Python objects; a crawl of
100,000 pages held in memory needed 16 GB. So `Engine.add` writes each page (and its summary for the
site phase) to a spill file as compressed JSON and keeps only its place; `Engine.finish` settles the
pages one at a time (site findings added, results sorted) into a second file in report order, and
the site reports read their pages from there (`StoredPages`, a lazy sequence), one page at a time.

The files live in a private temporary folder (never in the output folder), removed by `close()`,
when the store is garbage-collected, or at interpreter exit (also after Ctrl-C); a process forked
from this one never removes them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import weakref
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, overload

from auditor.analysis.summary import AuthorNote, PageSummary, TeaserLink
from auditor.facts.model import SourceLocation
from auditor.models import ItemRef, PageReport
from auditor.sequences import sequence_equal
from auditor.shards import SummaryModel, summary_from_model, summary_model

_LEVEL = 1  # compression level: the files are written once and read a few times; speed over size


def stored_form(data: bytes) -> bytes:
    """A record as the store keeps it (compressed), for `RecordFile.append_stored`: made where a
    page is audited (a worker process), so that the process that keeps it only writes it."""
    return zlib.compress(data, _LEVEL)


def summary_record(summary: SummaryModel, url: str, tally: bytes) -> bytes:
    """A page's summary with its URL (the report's sort key) and its tally (what it adds to its site:
    `auditor.tally`), as one `SummaryFile` record: each of the first two behind its length."""
    key = url.encode("utf-8", "surrogatepass")
    return (len(key).to_bytes(4, "little") + key + len(tally).to_bytes(4, "little") + tally
            + summary.model_dump_json().encode("utf-8"))


def _remove(folder: str, owner: int) -> None:
    if os.getpid() == owner:  # never from a forked child: the folder is its parent's
        shutil.rmtree(folder, ignore_errors=True)


def sweep_abandoned(prefix: str, folder: str | None = None) -> list[str]:
    """Remove the spill folders (`PREFIX<pid>-*`) of runs whose process no longer exists: a run killed
    with SIGKILL (or by the OOM killer) cannot remove its own, and a big crawl leaves gigabytes. A
    folder whose process is alive, or whose name has no process id, is left alone; so is one made in
    the last minute (its process may be starting). The removed folders."""
    removed: list[str] = []
    base = folder or tempfile.gettempdir()
    try:
        names = os.listdir(base)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if not name.startswith(prefix):
            continue
        pid_text = name[len(prefix):].partition("-")[0]
        if not pid_text.isdigit():
            continue
        path = os.path.join(base, name)
        try:
            if now - os.stat(path).st_mtime < 60 or _alive(int(pid_text)):
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or not a pid we can ask about: keep its folder
    return True


class SpillFolder:
    """A private temporary folder (in TMPDIR), created on first use and removed on `close()`, garbage
    collection or interpreter exit. Its name holds the process id, so that a later run removes it
    if this process was killed before it could (`sweep_abandoned`)."""

    def __init__(self, prefix: str = "auditor-store-") -> None:
        self._prefix = prefix
        self._path: Path | None = None
        self._finalizer: weakref.finalize | None = None  # type: ignore[type-arg]

    @property
    def path(self) -> Path:
        if self._path is None:
            sweep_abandoned(self._prefix)
            folder = tempfile.mkdtemp(prefix=f"{self._prefix}{os.getpid()}-")
            self._path = Path(folder)
            self._finalizer = weakref.finalize(self, _remove, folder, os.getpid())
        return self._path

    @property
    def exists(self) -> bool:
        return self._path is not None and self._path.exists()

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()


class RecordFile:
    """Append-only records (bytes, zlib-compressed) in one file; in memory only their offsets (8 bytes
    a record): records are contiguous, so a record's length is where the next one starts (or the
    file's size) less its own offset. Read back one by one, by number or as a stream.

    Safe to read from a forked process (the report writers): before a fork every file's written
    records are flushed, and the child reads through a handle of its own and may not write."""

    def __init__(self, path: Path, written: tuple[array[int], int] | None = None) -> None:
        """A new file; or, given `written` (its offsets and size, see `written`), one that another
        process wrote and finished, to read."""
        self.path = path
        self._out: BinaryIO | None = None if written else open(path, "wb")  # noqa: SIM115 - closed by finish_writing/close
        self._offsets, self._size = written if written else (array("q"), 0)  # size: the end of the last record
        self._reader: BinaryIO | None = None
        _OPEN_FILES.add(self)

    def written(self) -> tuple[array[int], int]:
        """Where its records are (offsets, size), once it is finished: how the process that wrote it
        hands it to another (`RecordFile(path, written)`)."""
        self.finish_writing()
        return self._offsets, self._size

    def _before_fork(self) -> None:
        self._flush()

    def _in_forked_child(self) -> None:
        # A handle shared with the parent shares its file position: never seek through it here.
        self._reader = None
        self._out = None

    def __len__(self) -> int:
        return len(self._offsets)

    def append(self, data: bytes) -> int:
        """Write one record; its number."""
        return self.append_stored(zlib.compress(data, _LEVEL))

    def append_stored(self, blob: bytes) -> int:
        """Write one record as `get_stored` gave it (still compressed): a copy without the work; its number."""
        if self._out is None:
            raise ValueError(f"{self.path} is closed for writing")
        self._out.write(blob)
        self._offsets.append(self._size)
        self._size += len(blob)
        return len(self._offsets) - 1

    def get_stored(self, number: int) -> bytes:
        """One record as it is on disk (compressed), for `append_stored`."""
        self._flush()
        if self._reader is None:
            self._reader = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        offset, end = self._span(number)
        self._reader.seek(offset)
        return self._reader.read(end - offset)

    def _span(self, number: int) -> tuple[int, int]:
        """Where a record starts and ends in the file."""
        offsets = self._offsets
        offset = offsets[number]  # raises IndexError for a number never written, as a list would
        following = number + 1 if number >= 0 else len(offsets) + number + 1
        return offset, offsets[following] if following < len(offsets) else self._size

    def _flush(self) -> None:
        if self._out is not None:
            self._out.flush()

    def finish_writing(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def get(self, number: int) -> bytes:
        return zlib.decompress(self.get_stored(number))

    def stream(self, numbers: Iterable[int]) -> Iterator[bytes]:
        """Records in the given order, through a handle of their own (so that two streams of the same
        file can be read at once); sequential numbers read sequentially."""
        self._flush()
        with open(self.path, "rb") as fh:
            at = 0
            for number in numbers:
                offset, end = self._span(number)
                if offset != at:
                    fh.seek(offset)
                yield zlib.decompress(fh.read(end - offset))
                at = end

    def close(self) -> None:
        self.finish_writing()
        if self._reader is not None:
            self._reader.close()
            self._reader = None


class StoredRecord:
    """One record of a record file, read when asked for: what a report keeps in memory of a value
    as long as its site (`ConsentSummary.trackers_by_page`); readable in a forked report writer too."""

    __slots__ = ("file", "number")

    def __init__(self, file: RecordFile, number: int) -> None:
        self.file = file
        self.number = number

    def read(self) -> bytes:
        return self.file.get(self.number)

    def __deepcopy__(self, memo: dict[int, object]) -> StoredRecord:
        return self  # a reference to the same record on disk (a file handle cannot be copied)

    def __repr__(self) -> str:
        return f"StoredRecord({self.number} in {self.file.path})"


_OPEN_FILES: weakref.WeakSet[RecordFile] = weakref.WeakSet()


def _flush_before_fork() -> None:
    for f in list(_OPEN_FILES):
        f._before_fork()


def _reopen_in_child() -> None:
    for f in list(_OPEN_FILES):
        f._in_forked_child()


if hasattr(os, "register_at_fork"):  # not on Windows, which cannot fork
    os.register_at_fork(before=_flush_before_fork, after_in_child=_reopen_in_child)


class StoredPages(Sequence[PageReport]):
    """A site's pages, read from a record file when they are asked for: `len()`, indexing and
    iteration (each page parsed anew, none kept), in the order of `numbers`."""

    __slots__ = ("_file", "_numbers")

    def __init__(self, file: RecordFile, numbers: range | Sequence[int]) -> None:
        self._file = file
        self._numbers = numbers

    @property
    def numbers(self) -> Sequence[int]:
        """The pages' record numbers in their file."""
        return self._numbers

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, index: int) -> PageReport: ...

    @overload
    def __getitem__(self, index: slice) -> StoredPages: ...

    def __getitem__(self, index: int | slice) -> PageReport | StoredPages:
        if isinstance(index, slice):
            return StoredPages(self._file, self._numbers[index])
        return PageReport.model_validate_json(self._file.get(self._numbers[index]))

    def __iter__(self) -> Iterator[PageReport]:
        for data in self._file.stream(self._numbers):
            yield PageReport.model_validate_json(data)

    def json_dicts(self) -> Iterator[dict[str, Any]]:
        """The pages as `page.model_dump(mode="json")` gives them, read without building the models:
        they were stored with `model_dump_json`, so the parsed JSON is that dump. The JSON report
        writes them as they are (a third of the time of validating and dumping each page again)."""
        for data in self._file.stream(self._numbers):
            yield json.loads(data)

    def __eq__(self, other: object) -> bool:
        return sequence_equal(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredPages({len(self)} pages in {self._file.path})"


class SummaryFile:
    """The pages' summaries for the site phase: on disk, each behind a `StoredSummary` that keeps in
    memory only what the site checks read of every page. The last few read back are cached, since a
    check reads several fields of one page in a row."""

    def __init__(self, store: PageStore, name: str = "summaries", cached: int = 256) -> None:
        self._store = store
        self._name = name
        self._cache: OrderedDict[int, PageSummary] = OrderedDict()
        self._cached = cached

    @property
    def file(self) -> RecordFile:
        return self._store.file(self._name)  # created on first use: a worker process makes none

    def add(self, summary: PageSummary, url: str, tally: bytes) -> int:
        """Write a page's summary with its URL (the report's sort key) and tally in one record; its number."""
        return self.file.append(summary_record(summary_model(summary), url, tally))

    def read(self, numbers: Iterable[int]) -> Iterator[tuple[StoredSummary, str, PageSummary, bytes]]:
        """Each page's summary as the site checks see it, its URL, its whole summary and its tally,
        in the given order: one pass over the file for all that the site phase reads of every page."""
        chosen = numbers if isinstance(numbers, (list, array)) else list(numbers)
        for number, data in zip(chosen, self.file.stream(chosen), strict=True):
            url, tally, summary = _parts(data)
            if url == summary.url:  # one string for both (the site phase keeps both for every page)
                url = summary.url
            yield StoredSummary(self, number, summary), url, summary, tally

    def full(self, number: int) -> PageSummary:
        found = self._cache.get(number)
        if found is not None:
            self._cache.move_to_end(number)
            return found
        found = _parts(self.file.get(number))[2]
        self._cache[number] = found
        if len(self._cache) > self._cached:
            self._cache.popitem(last=False)
        return found

    def forget(self) -> None:
        self._cache.clear()


def _parts(data: bytes) -> tuple[str, bytes, PageSummary]:
    """A `summary_record`'s URL, tally and summary."""
    size = int.from_bytes(data[:4], "little")
    url = data[4:4 + size].decode("utf-8", "surrogatepass")
    at = 4 + size
    size = int.from_bytes(data[at:at + 4], "little")
    tally = data[at + 4:at + 4 + size]
    return url, tally, summary_from_model(SummaryModel.model_validate_json(data[at + 4 + size:]))


class StoredSummary:
    """A `PageSummary` as the site checks see it (same attributes): the fields they read on every
    page in memory, the rest (teasers, bylines, locations, counts) read from disk when asked for."""

    __slots__ = ("_has_main", "_number", "_store", "ai_labels", "main_ai_label", "main_disclosed", "path", "url")

    def __init__(self, store: SummaryFile, number: int, summary: PageSummary) -> None:
        self._store = store
        self._number = number
        self.path = summary.path
        self.url = summary.url
        self.main_disclosed = summary.main_disclosed
        self.main_ai_label = summary.main_ai_label
        self.ai_labels = summary.ai_labels
        self._has_main = summary.main is not None

    @property
    def number(self) -> int:
        return self._number

    def full(self) -> PageSummary:
        return self._store.full(self._number)

    @property
    def main(self) -> ItemRef | None:
        return self.full().main if self._has_main else None

    @property
    def main_location(self) -> SourceLocation | None:
        return self.full().main_location

    @property
    def teasers(self) -> list[TeaserLink]:
        return self.full().teasers

    @property
    def authors(self) -> list[AuthorNote]:
        return self.full().authors if self._has_main else []

    @property
    def items_by_kind(self) -> dict[str, int]:
        return self.full().items_by_kind

    @property
    def labelled_by_kind(self) -> dict[str, int]:
        return self.full().labelled_by_kind

    @property
    def wordings(self) -> dict[str, int]:
        return self.full().wordings

    @property
    def classes(self) -> dict[str, int]:
        return self.full().classes

    @property
    def notice(self) -> bool:
        return self.full().notice

    @property
    def cmp(self) -> str | None:
        return self.full().cmp

    @property
    def trackers(self) -> list[str]:
        return self.full().trackers

    @property
    def trackers_before_consent(self) -> bool:
        return self.full().trackers_before_consent


class PageStore:
    """The spill files of one run: pages as they arrive, their summaries, site findings, and the
    settled pages in report order."""

    def __init__(self) -> None:
        self.folder = SpillFolder()
        self._files: dict[str, RecordFile] = {}

    def file(self, name: str) -> RecordFile:
        """The record file of that name, created on first use."""
        found = self._files.get(name)
        if found is None:
            found = self._files[name] = RecordFile(self.folder.path / f"{name}.records")
        return found

    def adopt(self, name: str, written: tuple[array[int], int]) -> RecordFile:
        """The record file of that name, which a forked process of this run wrote (`RecordFile.written`)."""
        found = self._files[name] = RecordFile(self.folder.path / f"{name}.records", written)
        return found

    def keep_json(self, name: str, value: Any) -> StoredRecord:
        """Write `value` as JSON in a record of the file `name`; the reference to read it back by."""
        file = self.file(name)
        # ASCII JSON: a lone surrogate in a page's name is written escaped and read back as it was.
        return StoredRecord(file, file.append(json.dumps(value).encode("ascii")))

    def close(self) -> None:
        """Close every file and remove the folder (the pages are gone: call after the reports)."""
        for f in self._files.values():
            f.close()
        self._files.clear()
        self.folder.close()

    def __enter__(self) -> PageStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["PageStore", "RecordFile", "SpillFolder", "StoredPages", "StoredRecord", "StoredSummary", "SummaryFile"]

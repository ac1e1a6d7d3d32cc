"""Web archives as input: WARC (`.warc`, `.warc.gz`) and WACZ (`.wacz`), streamed record by record.

What becomes what:
- a `response` record with HTTP status 200 and an HTML type (text/html, application/xhtml+xml; no
  type at all and a body that starts like HTML counts too) is a page: its URL is the record's
  WARC-Target-URI, its HTTP headers are kept as the page's headers (charset, `Link`,
  `AI-Disclosure`), its crawl date is the WARC-Date, and its body is decoded (chunked transfer,
  gzip, deflate, br, zstd: `httpbody.py`). A `resource` record of HTML (warcit, wget's
  `--warc-file` of local files) is a page too, without HTTP headers;
- an image response (image/*, status 200) is not a page: an index of them (URL to record offset)
  lets `media/resolve.py` find an `<img>`'s bytes in the same archive, wherever the record is in it
  (before or after the page). The index is built on the first image looked up, by one pass over the
  record headers; the bytes of one record are read when asked, so memory holds an offset per image
  and never the images;
- `warcinfo`, `request` and `metadata` records are passed over silently; `revisit` records,
  responses other than 200, other media types and other record types are counted by reason
  (`SkippedRecord`: "revisit", "status:404", "type:application/pdf", "record:conversion",
  "empty") so that the report can say what the crawl held besides pages.

Reader: FastWARC (resiliparse project, Apache-2.0; Rust core since 2.0), chosen over warcio after
measuring both on this machine (Python 3.11, best of 3 runs, FastWARC 2.0.1, warcio 1.8.1, every
record's headers parsed and its body read):
- 5,000 real crawl records (resiliparse's test WARC, 50 records, repeated 100 times), gzip per
  record, 13 MB: FastWARC 48,500 records/s, warcio 14,100 records/s (3.4 times);
- the same uncompressed, 66 MB: FastWARC 278,000 records/s, warcio 29,300 records/s (9.5 times);
- the shared corpus WARC (447 records, 16 MB gzip, 59 MB of payloads): FastWARC 5,580 records/s,
  warcio 2,830 records/s (2 times).
FastWARC also reads whole-file gzip archives, which warcio refuses, and exposes each record's byte
offset. Neither library goes on after damage (a bad gzip member or garbage between records ends
their iteration), so this module does: it finds where the damage starts, reports it as an input
error naming the archive and the byte offset, looks for the next record (the next gzip member that
starts a WARC record, or the next `WARC/1.x` line in an uncompressed archive) and goes on there.
Data that stops in the middle of a record (a truncated archive) is reported the same way; the
records before it are kept.

Layouts:
- `.warc`: uncompressed; `.warc.gz` gzipped per record (each record its own gzip member, as
  Heritrix, wget, warcio, Browsertrix and Common Crawl write them): records are read in place, and a
  record's offset is where its gzip member starts (the offset CDX indexes give);
- `.warc.gz` as one gzip stream (whole-file gzip): no record can be reached without decompressing
  from the start, so the file is first decompressed to a temporary file (removed afterwards) and
  offsets count uncompressed bytes;
- `.wacz` (a zip, WACZ 1.1): every `archive/*.warc.gz` (or `.warc`) member, in name order; stored
  members (the norm: the WARCs are compressed already) are read in place inside the zip, compressed
  ones are first extracted to a temporary file;
- WARC 0.17/0.18 (ClueWeb09) is read with FastWARC's quirks mode, which counts their lengths right;
  other archives strictly, so that garbage between records is seen and reported.

Reading the shared corpus WARC ten times over (1,880 pages, 160 MB gzip) this way gives about 950
pages/s with 24 MB of peak memory, the same as for one copy: memory does not grow with the archive.

Chunks (`auditor.chunks`, for `--jobs`): `scan_archive` walks the record headers once and lists the
records a chunk may start at, each with the position its first item has in the stream (a record
gives one item, but warcinfo, request and metadata records give none), and the image index. A
`ChunkSource` reads from such a record up to the next chunk's, with the index loaded from the file
the pre-scan wrote, and yields exactly the slice of the whole archive's stream. Only archives read
in place (gzip per record, uncompressed, stored WACZ members) are cut; after damage the pre-scan reads
bodies too, so that its positions are the audit's.

A page's path in reports is the archive's path, then `#` and the record's byte offset
(`crawl.warc.gz#12345`; in a WACZ, `site.wacz/archive/data.warc.gz#12345`): unique, stable for the
same file, and enough to extract the record again (`dd`, `warcio extract`). The URL is shown beside
it. A gzip member that holds several records (rare) names the later ones `#12345.2`, `#12345.3`.
Errors use the same form, with the offset where the damage starts.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from auditor.forking import fork_map
from auditor.inputs.files import PageReadError, PageSource, RawPage
from auditor.inputs.httpbody import BodyError, decode_body
from auditor.limits import describe, limits
from auditor.media.resolve import StoredImage
from auditor.timestamps import parse_utc

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SILENT = WarcRecordType.warcinfo | WarcRecordType.request | WarcRecordType.metadata
_CHUNK = 1024 * 1024
_MAX_WARC_HEADER = 64 * 1024
_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"WARC/(?:1\.[01]|0\.1[78])\r?\n")
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$")
_LOOKS_HTML = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_ZIP_LOCAL_HEADER = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A record that holds no page and is not needed for one, counted by reason."""

    source: PageSource  # the record: display_path is `archive#offset`, url its target URI
    reason: str  # revisit | status:<code> | type:<media type> | record:<WARC-Type> | empty


# -- where the records are ------------------------------------------------------------------------


class _Window(io.RawIOBase):
    """A byte range of a file, read as a file of its own (a WACZ member stored inside the zip)."""

    def __init__(self, path: str, start: int, size: int) -> None:
        super().__init__()
        self._fh = open(path, "rb")  # noqa: SIM115 (closed with the window)
        self._start = start
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self._size - self._pos)
        if wanted <= 0:
            return 0
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(wanted)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
        super().close()


@dataclass(frozen=True, slots=True)
class _Part:
    """One WARC of the input: the whole file, a WACZ member, or a temporary decompressed copy."""

    path: str  # the file that holds the bytes
    start: int
    size: int
    shown: str  # how its records are named: crawl.warc.gz, site.wacz/archive/data.warc.gz
    relative: str  # the same, relative to the input root
    gzip: bool  # gzip members (one per record, or a few); False: an uncompressed WARC
    quirks: bool = False  # WARC 0.17/0.18 (ClueWeb09): FastWARC's quirks mode reads its lengths right

    def open(self) -> _Window:
        return _Window(self.path, self.start, self.size)


@dataclass(slots=True)
class _Record:
    offset: int
    kind: str  # page | image | skip | silent | bad
    reason: str = ""  # skip: the reason counted; bad: what is wrong with the record
    url: str | None = None
    date: str | None = None
    headers: tuple[tuple[str, str, int], ...] = ()
    body: bytes | None = None  # decoded, when the walk was asked for bodies
    nth: int = 1  # the first, second ... record of a gzip member that holds more than one


@dataclass(slots=True)
class _Damage:
    offset: int  # where unreadable data starts
    cause: str


# -- reading records, going on after damage ---------------------------------------------------------


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _target(value: str | None) -> str | None:
    """The WARC-Target-URI, without the angle brackets WARC 1.0 examples (and wget) put around it."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return value or None


def _warc_date(value: str | None) -> str | None:
    # parse_utc gives None for a date that leaves datetime's range in UTC (found by fuzzing).
    return parse_utc(value) if value else None


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _read_payload(record: WarcRecord, limit: int) -> bytes:
    """The record's payload as stored, at most limit + 1 bytes (FastWARC skips the rest itself)."""
    reader = record.reader
    out = bytearray()
    while len(out) <= limit:
        chunk = reader.read(min(_CHUNK, limit + 1 - len(out)))
        if not chunk:
            break
        out += chunk
    return bytes(out)


def _classify(record: WarcRecord, offset: int) -> _Record:
    """What a record is, from its headers alone."""
    rtype = record.record_type
    named_type = (record.headers.get("WARC-Type") or "").strip().lower()
    if not named_type:
        return _Record(offset, "bad", "not a WARC record (no WARC-Type)")
    if record.headers.get("Content-Length") is None:
        return _Record(offset, "bad", "incomplete WARC header (no Content-Length)")
    url = _target(record.headers.get("WARC-Target-URI"))
    if rtype & _SILENT:
        return _Record(offset, "silent", url=url)
    if rtype == WarcRecordType.revisit:
        return _Record(offset, "skip", "revisit", url=url)
    if rtype not in (WarcRecordType.response, WarcRecordType.resource):
        return _Record(offset, "skip", f"record:{named_type[:40]}", url=url)
    headers: tuple[tuple[str, str, int], ...] = ()
    if rtype == WarcRecordType.response:
        if not record.is_http:
            return _Record(offset, "skip", f"type:{_media_type(record.headers.get('Content-Type')) or 'unknown'}",
                           url=url)
        status = record.http_headers.status_code
        if status is None:
            return _Record(offset, "bad", "unreadable HTTP response header", url=url)
        if status != 200:
            return _Record(offset, "skip", f"status:{status}", url=url)
        headers = tuple((name.strip().lower(), value.strip(), line)
                        for line, (name, value) in enumerate(record.http_headers.items(), start=2))
        media = _media_type(record.http_content_type) or _media_type(
            record.headers.get("WARC-Identified-Payload-Type"))
    else:
        media = _media_type(record.headers.get("Content-Type"))
    date = _warc_date(record.headers.get("WARC-Date"))
    if media in HTML_TYPES or not media:
        return _Record(offset, "page", "" if media else "sniff", url, date, headers)
    if media.startswith("image/"):
        return _Record(offset, "image", url=url, date=date, headers=headers)
    return _Record(offset, "skip", f"type:{media}", url=url)


def _cut_on_purpose(record: WarcRecord) -> bool:
    """WARC-Truncated: the crawler kept only the start of the payload (length, time limits)."""
    return bool((record.headers.get("WARC-Truncated") or "").strip())


def _with_body(record: WarcRecord, entry: _Record, limit: int) -> _Record:
    """Read and decode a page's body; a body that cannot be used turns the entry into a bad one.
    OSError from the archive itself (damaged data) is left to the caller."""
    raw = _read_payload(record, limit)
    if len(raw) > limit:
        return _Record(entry.offset, "bad", f"page larger than {limit // (1024 * 1024)} MiB", entry.url)
    if len(raw) < record.content_length:
        return _Record(entry.offset, "bad", f"truncated record ({len(raw)} of {record.content_length} "
                       "payload bytes)", entry.url)
    try:
        body = decode_body(raw, entry.headers, limit, _cut_on_purpose(record))
    except BodyError as exc:
        return _Record(entry.offset, "bad", str(exc), entry.url)
    if len(body) > limit:
        return _Record(entry.offset, "bad", f"page larger than {limit // (1024 * 1024)} MiB once decoded", entry.url)
    if entry.reason == "sniff":  # no media type: a page only if it starts like one
        if not _LOOKS_HTML.match(body[:4096]):
            return _Record(entry.offset, "skip", "type:unknown", entry.url)
        entry.reason = ""
    if not body.strip():
        return _Record(entry.offset, "skip", "empty", entry.url)
    entry.body = body
    return entry


def _member_end(win: _Window, offset: int) -> int | None:
    """Where the gzip member starting at offset ends; None when it is broken or cut off."""
    win.seek(offset)
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    fed = 0
    while not decomp.eof:
        chunk = win.read(_CHUNK)
        if not chunk:
            return None
        fed += len(chunk)
        data = chunk
        try:
            while data and not decomp.eof:
                decomp.decompress(data, _CHUNK)  # output unused: bounded steps, flat memory
                data = decomp.unconsumed_tail
        except zlib.error:
            return None
    return offset + fed - len(decomp.unused_data)


def _plain_end(win: _Window, offset: int, size: int) -> int | None:
    """Where the uncompressed record starting at offset ends (with its closing CRLFs)."""
    win.seek(offset)
    head = win.read(_MAX_WARC_HEADER)
    if not head.startswith(b"WARC/"):
        return None
    ends = [(p, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (p := head.find(sep)) != -1]
    if not ends:
        return None
    head_end, sep_len = min(ends)
    match = _CONTENT_LENGTH.search(head[:head_end + 2])
    if not match:
        return None
    end = offset + head_end + sep_len + int(match.group(1))
    if end > size:
        return None
    win.seek(end)
    tail = win.read(4)
    return end + len(tail) - len(tail.lstrip(b"\r\n"))


def _record_end(part: _Part, win: _Window, offset: int) -> int | None:
    return _member_end(win, offset) if part.gzip else _plain_end(win, offset, part.size)


def _starts_record(part: _Part, win: _Window, at: int) -> bool:
    win.seek(at)
    if not part.gzip:
        return bool(_WARC_LINE.match(win.read(16)))
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = b""
    try:
        for _ in range(16):
            chunk = win.read(4096)
            if not chunk:
                break
            out += decomp.decompress(chunk, 64)
            if len(out) >= 16 or decomp.eof:
                break
    except zlib.error:
        return False
    return bool(_WARC_LINE.match(out))


def _next_record(part: _Part, win: _Window, after: int) -> int | None:
    """The first offset at or after `after` where a readable record starts."""
    pattern = re.compile(re.escape(_GZIP_MEMBER)) if part.gzip else _WARC_LINE
    pos = after
    while pos < part.size:
        win.seek(pos)
        block = win.read(_CHUNK + 16)
        if not block:
            return None
        for match in pattern.finditer(block):
            at = pos + match.start()
            if _starts_record(part, win, at):
                return at
        pos += _CHUNK
    return None


def _blank_from(win: _Window, at: int, size: int) -> int | None:
    """The first byte at or after `at` that is not padding (whitespace, NUL); None if all is."""
    pos = at
    while pos < size:
        win.seek(pos)
        block = win.read(_CHUNK)
        if not block:
            return None
        stripped = block.lstrip(b"\r\n\t \0")
        if stripped:
            return pos + len(block) - len(stripped)
        pos += len(block)
    return None


def _walk(part: _Part, bodies: bool, begin: int = 0, stop: int | None = None) -> Iterator[_Record | _Damage]:
    """Every record of a part in order, and the damage between them, with where it starts.

    `bodies`: read and decode the body of each page record (the page stream); without it only the
    headers are read (the image index). `begin`, `stop`: only the records from the one at offset
    `begin` (a record's first byte, as a pre-scan found it) to the first one at or after `stop` (not
    included): one chunk of the archive (`ArchiveChunk`). The walk carries nothing from one record to
    the next that a walk started at a clean record boundary would not have, so a chunk gives exactly
    what the walk of the whole part gives from there on."""
    reported: set[int] = set()
    read_any = False
    with part.open() as win:
        pos: int | None = begin
        while pos is not None and pos < part.size:
            win.seek(pos)
            records = iter(ArchiveIterator(win, parse_http=True, auto_decode="none", quirks_mode=part.quirks))
            last: int | None = None  # the last record read whole in this run
            nth = 1
            broken_at: int | None = None  # a record whose body broke off
            cause: str | None = None
            while True:
                try:
                    record = next(records)
                except StopIteration:
                    break
                except (OSError, ValueError) as exc:
                    cause = _short(exc)
                    break
                entry = _classify(record, record.stream_pos)
                if stop is not None and entry.offset >= stop:
                    return  # the next chunk's first record
                nth = nth + 1 if entry.offset == last else 1
                if bodies and entry.kind == "page":
                    try:
                        entry = _with_body(record, entry, limits().page_bytes)
                    except (OSError, ValueError) as exc:
                        broken_at, cause = entry.offset, _short(exc)
                        break
                entry.nth = nth
                if entry.kind == "bad":
                    reported.add(entry.offset)
                yield entry
                last = entry.offset
                read_any = True
            # Where did reading stop, and is there more to read?
            end: int | None = pos if last is None else _record_end(part, win, last)
            if broken_at is not None:
                start: int | None = broken_at
            elif end is None:
                start = last  # the last record itself breaks off
            else:
                start = _blank_from(win, end, part.size)
                if start is None:
                    if cause is None:
                        return  # the archive ends cleanly
                    start = end
            assert start is not None
            resume = _next_record(part, win, start + 1)
            if stop is not None and start >= stop:
                return
            if start not in reported:
                reported.add(start)
                yield _Damage(start, _damage_text(cause, start, resume, part.size, read_any))
            pos = resume


def _damage_text(cause: str | None, start: int, resume: int | None, size: int, read_any: bool) -> str:
    why = f" ({cause})" if cause else ""
    if resume is None and not read_any and start == 0:
        return f"not a WARC archive: no readable record in it{why}"
    if resume is None:
        return (f"unreadable data at byte {start}{why}; nothing readable after it: the last "
                f"{size - start} byte(s) are lost (a truncated or damaged archive)")
    return f"unreadable data at byte {start}{why}; reading went on with the record at byte {resume}"


# -- the parts of an archive -------------------------------------------------------------------------


def _old_warc(head: bytes) -> bool:
    return head.lstrip(b"\r\n").startswith((b"WARC/0.17", b"WARC/0.18"))


def _gzip_layout(win: _Window) -> tuple[str, bytes]:
    """"records" when the first gzip member holds one record (gzip per record), else "whole"; and
    the start of the first record."""
    win.seek(0)
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head = b""
    total = 0
    record_end: int | None = None
    while not decomp.eof:
        chunk = win.read(64 * 1024)
        if not chunk:
            break
        data = chunk
        try:
            while data and not decomp.eof:
                out = decomp.decompress(data, _CHUNK)
                data = decomp.unconsumed_tail
                total += len(out)
                if len(head) < _MAX_WARC_HEADER:
                    head += out[: _MAX_WARC_HEADER - len(head)]
                if record_end is None:
                    record_end = _first_record_end(head)
                if record_end is not None and total > record_end + 4:
                    return "whole", head
        except zlib.error:
            return "records", head  # a broken first member: the damage is reported when it is read
    return "records", head


def _first_record_end(head: bytes) -> int | None:
    ends = [(p, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (p := head.find(sep)) != -1]
    if not ends:
        return None
    head_end, sep_len = min(ends)
    match = _CONTENT_LENGTH.search(head[:head_end + 2])
    return head_end + sep_len + int(match.group(1)) if match else None


class _Archive:
    """The parts of one input archive, and the temporary files made for them."""

    def __init__(self, source: PageSource) -> None:
        self.source = source
        self.temps: list[str] = []

    def close(self) -> None:
        for path in self.temps:
            with contextlib.suppress(OSError):
                os.unlink(path)
        self.temps.clear()

    def _temp(self) -> tuple[int, str]:
        fd, path = tempfile.mkstemp(prefix="auditor-", suffix=".warc")
        self.temps.append(path)
        return fd, path

    def parts(self) -> Iterator[_Part | PageReadError]:
        source = self.source
        path = str(source.file)
        try:
            size = os.path.getsize(path)
        except OSError as exc:
            yield PageReadError(source, f"cannot read file ({exc.strerror or exc})")
            return
        if size == 0:
            yield PageReadError(source, "empty file")
            return
        if source.input_format == "wacz":
            yield from self._wacz(path)
        else:
            yield from self._warc(path, 0, size, source.display_path, source.relative_path)

    def _warc(self, path: str, start: int, size: int, shown: str, relative: str) -> Iterator[_Part | PageReadError]:
        try:
            with _Window(path, start, size) as win:
                magic = win.read(2)
                if magic != b"\x1f\x8b":
                    win.seek(0)
                    yield _Part(path, start, size, shown, relative, gzip=False, quirks=_old_warc(win.read(16)))
                    return
                layout, head = _gzip_layout(win)
                if layout == "records":
                    yield _Part(path, start, size, shown, relative, gzip=True, quirks=_old_warc(head))
                    return
                fd, temp = self._temp()
                with os.fdopen(fd, "wb") as out:
                    problem = _gunzip_whole(win, out)
                temp_size = os.path.getsize(temp)
        except OSError as exc:
            yield PageReadError(self.source, f"{shown}: cannot read ({exc.strerror or exc})")
            return
        if problem:
            yield PageReadError(_at(self.source, shown, relative, temp_size), problem)
        if temp_size:
            with open(temp, "rb") as fh:
                quirks = _old_warc(fh.read(16))
            yield _Part(temp, 0, temp_size, shown, relative, gzip=False, quirks=quirks)

    def _wacz(self, path: str) -> Iterator[_Part | PageReadError]:
        source = self.source
        try:
            with zipfile.ZipFile(path) as zf:
                members = sorted((i for i in zf.infolist() if not i.is_dir() and i.filename.startswith("archive/")
                                  and i.filename.lower().endswith((".warc", ".warc.gz"))), key=lambda i: i.filename)
                if not members:
                    yield PageReadError(source, "no WARC in this WACZ (looked for archive/*.warc.gz, archive/*.warc)")
                    return
                places: list[tuple[zipfile.ZipInfo, str, int, int]] = []
                with open(path, "rb") as fh:
                    for info in members:
                        start = _stored_data_offset(fh, info)
                        if start is not None:
                            places.append((info, path, start, info.file_size))
                            continue
                        fd, temp = self._temp()
                        try:
                            with os.fdopen(fd, "wb") as out, zf.open(info) as member:
                                shutil.copyfileobj(member, out, _CHUNK)
                        except (OSError, zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as exc:
                            yield PageReadError(source, f"{info.filename}: cannot extract it ({_short(exc)})")
                            continue
                        places.append((info, temp, 0, os.path.getsize(temp)))
        except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            yield PageReadError(source, f"not a readable WACZ (zip) file ({_short(exc)})")
            return
        for info, where, start, size in places:
            if size:
                yield from self._warc(where, start, size, f"{source.display_path}/{info.filename}",
                                      f"{source.relative_path}/{info.filename}")


def _stored_data_offset(fh: io.BufferedReader, info: zipfile.ZipInfo) -> int | None:
    """Where a stored (uncompressed, unencrypted) member's bytes start in the zip; None otherwise."""
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
        return None
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or not local.startswith(_ZIP_LOCAL_HEADER):
        return None
    name_len = int.from_bytes(local[26:28], "little")
    extra_len = int.from_bytes(local[28:30], "little")
    return info.header_offset + 30 + name_len + extra_len


def _gunzip_whole(win: _Window, out: io.BufferedWriter) -> str | None:
    """Decompress a whole-file gzip (all its members) into out; what went wrong, if anything."""
    win.seek(0)
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    fed = written = 0
    started = False
    while True:
        chunk = win.read(_CHUNK)
        if not chunk:
            break
        data = chunk
        while data:
            try:
                piece = decomp.decompress(data, 16 * _CHUNK)
            except zlib.error as exc:
                return (f"corrupt gzip data in the compressed bytes from {fed} ({exc}); "
                        f"the first {written} uncompressed bytes are read")
            out.write(piece)
            written += len(piece)
            started = True
            if decomp.eof:
                rest = decomp.unused_data
                if not rest.lstrip(b"\0"):
                    data = b""
                    started = False
                    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    continue
                if not rest.startswith(b"\x1f\x8b"):
                    return f"data after the end of the gzip stream (compressed byte {fed + len(chunk) - len(rest)})"
                decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
                data = rest
            else:
                data = decomp.unconsumed_tail
        fed += len(chunk)
    if started and not decomp.eof:
        return f"truncated gzip stream ({fed} compressed bytes); the first {written} uncompressed bytes are read"
    return None


def _at(source: PageSource, shown: str, relative: str, offset: int, url: str | None = None, nth: int = 1) -> PageSource:
    """The source of one record: the archive's path with `#offset` (`#offset.2` for the second
    record of a gzip member that holds several)."""
    at = f"{offset}" if nth == 1 else f"{offset}.{nth}"
    return PageSource(source.file, f"{shown}#{at}", f"{relative}#{at}", "html", url=url, record=offset)


# -- images of an archive ------------------------------------------------------------------------------


def url_key(url: str) -> str:
    """An image URL as the index keys it: no scheme (a page on https may name an image crawled over
    http), host lower-cased, default port and fragment dropped, the path's raw characters escaped."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~-._")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=~-._?")
    return f"{netloc}{path}?{query}" if query else f"{netloc}{path}"


class ArchiveImages:
    """The image records of one archive: URL to (part, offset), built on first use by one pass over
    the record headers; a record's bytes are read when asked for, one record at a time. A chunk of
    the archive (`ArchiveChunk`) reads the index the pre-scan wrote (`index_file`) instead: its pages
    may show images of any other chunk, and one pass per chunk would cost a pass over the whole
    archive each time."""

    def __init__(self, name: str, parts: list[_Part], index_file: str | None = None) -> None:
        self._name = name
        self._parts = parts
        self._index_file = index_file
        self._index: dict[str, tuple[int, int]] | None = None

    @property
    def name(self) -> str:
        return self._name

    def __len__(self) -> int:
        return len(self._built())

    def _built(self) -> dict[str, tuple[int, int]]:
        if self._index is None:
            loaded = load_image_index(self._index_file) if self._index_file is not None else None
            self._index = loaded if loaded is not None else image_index(self._parts)
        return self._index

    def find_image(self, url: str) -> StoredImage | None:
        key = url_key(url)
        hit = self._built().get(key)
        if hit is None:
            return None
        part = self._parts[hit[0]]
        offset = hit[1]
        where = f"{part.shown}#{offset}"
        try:
            with part.open() as win:
                win.seek(offset)
                # A gzip member may hold more than one record: look a few records on for the URL.
                records = ArchiveIterator(win, parse_http=True, auto_decode="none", quirks_mode=part.quirks)
                for count, record in enumerate(records):
                    if count >= 8:
                        break
                    entry = _classify(record, offset)
                    if entry.kind != "image" or not entry.url or url_key(entry.url) != key:
                        continue
                    raw = _read_payload(record, limits().image_bytes)
                    if len(raw) < record.content_length:
                        return StoredImage(where, None, f"truncated record ({len(raw)} of "
                                           f"{record.content_length} payload bytes)")
                    data = decode_body(raw, entry.headers, limits().image_bytes, _cut_on_purpose(record))
                    if len(data) > limits().image_bytes:
                        return StoredImage(where, None, f"image larger than {describe(limits().image_bytes)} "
                                           "(limit image-bytes)")
                    return StoredImage(where, data)
        except (OSError, ValueError, BodyError) as exc:
            return StoredImage(where, None, f"cannot read the record ({_short(exc)})")
        return StoredImage(where, None, "the record cannot be read again")


# -- the stream of pages ---------------------------------------------------------------------------------


def read_archive(source: PageSource) -> Iterator[RawPage | PageReadError | SkippedRecord]:
    """The pages of one archive in record order, with an error for each damaged place and a
    SkippedRecord for each record counted out. Never raises for bad data. A `ChunkSource` gives
    only its chunk's records: what the whole archive's stream holds from its first item on, up to
    the next chunk's."""
    chunk = source.chunk if isinstance(source, ChunkSource) else None
    archive = _Archive(source)
    try:
        parts: list[_Part] = []
        for item in archive.parts():
            if isinstance(item, PageReadError):
                yield item
            else:
                parts.append(item)
        images = ArchiveImages(source.display_path, parts, chunk.index if chunk is not None else None)
        for number, part in enumerate(parts):
            span = (0, None) if chunk is None else chunk.span(number)
            if span is None:
                continue
            try:
                for entry in _walk(part, bodies=True, begin=span[0], stop=span[1]):
                    found = _item(source, part, entry, images)
                    if found is not None:
                        yield found
            except OSError as exc:  # the file itself went away or cannot be read
                yield PageReadError(source, f"{part.shown}: cannot read ({exc.strerror or exc})")
            except Exception as exc:  # a fault of the reader on strange data must not stop the run
                yield PageReadError(source, f"{part.shown}: reading stopped ({type(exc).__name__}: {_short(exc)})")
    finally:
        archive.close()


def _item(source: PageSource, part: _Part, entry: _Record | _Damage,
          images: ArchiveImages) -> RawPage | PageReadError | SkippedRecord | None:
    """What one record (or damaged place) of the walk is in the page stream: exactly one item, but
    for the records passed over silently (None: see `_items_of`)."""
    if isinstance(entry, _Damage):
        return PageReadError(_at(source, part.shown, part.relative, entry.offset), entry.cause)
    where = _at(source, part.shown, part.relative, entry.offset, entry.url, entry.nth)
    if entry.kind == "page" and entry.body is not None:
        return RawPage(where, entry.body, crawled_at=entry.date, http_headers=entry.headers, archive=images)
    if entry.kind == "skip":
        return SkippedRecord(where, entry.reason)
    if entry.kind == "image":
        # Not a page, but read by the pages that show it: counted, so that every record that could
        # hold a page is accounted for in the report.
        return SkippedRecord(where, "image")
    if entry.kind == "bad":
        return PageReadError(where, entry.reason)
    return None  # silent


def _items_of(entry: _Record) -> int:
    """How many items of the page stream a record read without damage gives: none for the records
    passed over silently (warcinfo, request, metadata), one for any other (a page, a record counted
    out, an image, or the error of a bad record: reading the body can change which, never how many)."""
    return 0 if entry.kind == "silent" else 1


# -- chunks: one archive audited in pieces ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchiveChunk:
    """A stretch of one archive's records, from a record's start to the next chunk's first record:
    a unit of work of its own (`auditor.parallel`), so that one big archive keeps several cores busy.

    `first` is the position (in the whole archive's stream of pages, errors and skipped records) of
    the chunk's first item, so that its items get the places an unsplit read gives them. `index` is
    the file the pre-scan wrote the archive's image index to (`write_image_index`)."""

    part: int  # the WARC (of a WACZ: the member, in name order; 0 for a WARC file) where it starts
    start: int  # the offset of its first record in that part
    stop_part: int  # where the next chunk starts: part and offset; (-1, -1) for the last chunk
    stop: int
    first: int
    index: str | None = None

    def span(self, part: int) -> tuple[int, int | None] | None:
        """The offsets of `part` this chunk reads (from, up to: None for the part's end), or None."""
        if part < self.part or (self.stop_part >= 0 and part > self.stop_part):
            return None
        begin = self.start if part == self.part else 0
        stop = self.stop if part == self.stop_part else None
        if stop is not None and begin >= stop:
            return None
        return begin, stop


@dataclass(frozen=True, slots=True)
class ChunkSource(PageSource):
    """An archive input limited to one of its chunks (`read_archive` reads only that)."""

    chunk: ArchiveChunk | None = None


@dataclass(slots=True)
class ArchiveScan:
    """What a pre-scan of an archive's records found: where a chunk may start, and its images.

    `starts`: (part, offset, position of its first item) of records a chunk may start at (the first
    record of a gzip member), a few thousand at most per stretch scanned, evenly spread over the
    items (`_StretchScan.keep`), so that memory does not grow with the archive. Up to the first
    damage the scan reads record headers only; from there on it reads what the audit reads, bodies
    too (see `scan_archive`), so the positions after damage are as certain as those before it."""

    starts: list[tuple[int, int, int]]
    items: int  # items of the whole stream: pages, errors (damage included) and records counted out
    images: dict[str, tuple[int, int]]


# A stretch of an archive scanned on its own (in a process of its own) is at least this big: the
# corpus pages as one WARC (58 MB) took 0.33 s in one pass, 0.19 s in two stretches of 29 MB.
SCAN_STRETCH_MIN = 16 * 1024 * 1024


def scan_archive(source: PageSource, processes: int = 1) -> ArchiveScan | None:
    """One pass over the records: the places a chunk may start and the image index. None when the
    archive cannot be entered in the middle: a whole-file gzip, a WACZ member stored compressed
    (both need decompressing from the start), or an archive with errors before its first record.

    Headers only, as long as there is no damage: which records follow each other, and what each
    gives, is the same whether bodies are read or not. Damage can change that (a body that breaks
    off is one error when the audit reads it, but a record and an error when only its headers are
    read), so at a damaged place the scan goes back to the last chunk start before it and reads on
    from there as the audit does, bodies and all. A damaged archive is cut after its damage too: each
    chunk keeps a core busy, and a killed run loses only the chunks it was on.

    With `processes` over 1 (on Linux), a big archive is scanned in stretches at once, one process
    each (the pass inflates every gzip member, and FastWARC holds the GIL while it does): each
    stretch from the first record at or after an even cut of the bytes (found as damage is skipped:
    the next gzip member that starts a WARC record). A stretch counts its items from zero; the counts
    are added up in order. The cut is checked: the stretch before must come to that very record as
    it reads on; where it does not (damage across the cut, or bytes that only looked like a record's
    start), the archive is scanned again in one pass."""
    parts = _splittable_parts(source)
    if parts is None:
        return None
    stretches = _stretches(parts, processes)
    try:
        if len(stretches) > 1:
            scanned = fork_map(_scan_stretch_of, [(parts, *stretch) for stretch in stretches], processes)
            joined = _join(stretches, scanned)
            if joined is not None:
                return joined
        return _join([(n, 0, None) for n in range(len(parts))],
                     [_scan_stretch(n, part, 0, None) for n, part in enumerate(parts)])
    except OSError:
        return None


# A stretch keeps at most this many chunk starts (about 250 chunks are cut in all): memory holds a
# few thousand, not one per record of the archive.
STARTS_KEPT = 4096


@dataclass(slots=True)
class _StretchScan:
    """What one stretch of a part gave: chunk starts as (offset, items before it in the stretch), every
    one until there are more than STARTS_KEPT, then `spacing` items apart at least (doubled as often
    as there are too many)."""

    starts: list[tuple[int, int]] = field(default_factory=list)
    items: int = 0
    images: dict[str, tuple[int, int]] = field(default_factory=dict)
    damaged: bool = False  # damage seen: from the last start before it on, bodies are read
    # Where the walk came to at the stretch's end: a record's offset, -1 for damage, None: the part's end.
    reached: int | None = None
    spacing: int = 0  # 0: every start is kept (until there are too many)

    def keep(self, offset: int) -> None:
        if self.starts and self.items - self.starts[-1][1] < self.spacing:
            return
        self.starts.append((offset, self.items))
        while len(self.starts) > STARTS_KEPT:
            self.spacing = max(1, 2 * self.spacing)
            thinned = self.starts[:1]
            for start in self.starts[1:]:
                if start[1] - thinned[-1][1] >= self.spacing:
                    thinned.append(start)
            self.starts = thinned


def _stretches(parts: list[_Part], processes: int) -> list[tuple[int, int, int | None]]:
    """(part, first record, next stretch's first record or None) for each stretch, in order."""
    out: list[tuple[int, int, int | None]] = []
    for number, part in enumerate(parts):
        cuts = [0]
        pieces = min(processes, part.size // SCAN_STRETCH_MIN) if processes > 1 else 1
        if pieces > 1:
            with part.open() as win:
                for k in range(1, pieces):
                    at = _next_record(part, win, part.size * k // pieces)
                    if at is None:
                        break
                    if at > cuts[-1]:
                        cuts.append(at)
        out.extend((number, begin, cuts[i + 1] if i + 1 < len(cuts) else None) for i, begin in enumerate(cuts))
    return out


def _scan_stretch_of(args: tuple[list[_Part], int, int, int | None]) -> _StretchScan:
    parts, number, begin, stop = args
    return _scan_stretch(number, parts[number], begin, stop)


def _scan_stretch(number: int, part: _Part, begin: int, stop: int | None) -> _StretchScan:
    """Scan one part from the record at `begin` up to the first entry at or after `stop`."""
    scan = _StretchScan()
    walk_from = begin
    while True:
        bodies, restart = scan.damaged, False
        previous: int | None = None  # the offset of the last record read
        for entry in _walk(part, bodies=bodies, begin=walk_from):
            if stop is not None and entry.offset >= stop:
                scan.reached = entry.offset if isinstance(entry, _Record) and entry.nth == 1 else -1
                return scan
            if isinstance(entry, _Damage):
                if not bodies:
                    # The first damage, seen from the headers: the record read last may give something
                    # else with its body read; go back to the chunk start before it and read as the audit.
                    if scan.starts and scan.starts[-1][0] == previous:
                        scan.starts.pop()
                    scan.damaged = restart = True
                    break
                scan.items += 1  # the error that reports it
                continue
            if entry.kind == "image" and entry.url:
                scan.images.setdefault(url_key(entry.url), (number, entry.offset))  # as image_index does
            if entry.nth == 1 and entry.offset != previous:
                scan.keep(entry.offset)
            scan.items += _items_of(entry)
            previous = entry.offset
        if not restart:
            return scan
        if scan.starts:  # read again from there (it is found again)
            walk_from, scan.items = scan.starts.pop()
        else:
            walk_from, scan.items = begin, 0


def _join(stretches: list[tuple[int, int, int | None]], scanned: list[_StretchScan]) -> ArchiveScan | None:
    """The stretches' scans as one (None: a stretch did not come to the next one's first record)."""
    scan = ArchiveScan([], 0, {})
    for (number, _, stop), part in zip(stretches, scanned, strict=True):
        if stop is not None and part.reached != stop:
            return None
        scan.starts.extend((number, offset, scan.items + before) for offset, before in part.starts)
        scan.items += part.items
        for key, at in part.images.items():
            scan.images.setdefault(key, at)  # the first capture wins
    return scan


def _splittable_parts(source: PageSource) -> list[_Part] | None:
    """The parts of an archive when every one is read in place (gzip per record or uncompressed), and
    nothing is wrong before the records; else None."""
    archive = _Archive(source)
    try:
        if source.input_format == "warc":
            try:
                with _Window(str(source.file), 0, os.path.getsize(source.file)) as win:
                    if win.read(2) == b"\x1f\x8b" and _gzip_layout(win)[0] != "records":
                        return None
            except OSError:
                return None
        parts: list[_Part] = []
        for item in archive.parts():
            if isinstance(item, PageReadError) or archive.temps:
                return None
            parts.append(item)
        return parts or None
    finally:
        archive.close()


def image_index(parts: list[_Part]) -> dict[str, tuple[int, int]]:
    """URL key to (part, offset) of every image record, the first capture of a URL winning."""
    index: dict[str, tuple[int, int]] = {}
    for number, part in enumerate(parts):
        try:
            for entry in _walk(part, bodies=False):
                if isinstance(entry, _Record) and entry.kind == "image" and entry.url:
                    index.setdefault(url_key(entry.url), (number, entry.offset))  # the first capture wins
        except OSError:
            continue  # a part that cannot be opened (any more): its images are missing, not an error here
    return index


def write_image_index(path: str, images: dict[str, tuple[int, int]]) -> None:
    """The image index as a file (gzip JSON, written under a temporary name and renamed)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
        json.dump({key: list(at) for key, at in images.items()}, fh, separators=(",", ":"))
    os.replace(tmp, path)


_LOADED: dict[str, tuple[int, dict[str, tuple[int, int]]]] = {}


def load_image_index(path: str) -> dict[str, tuple[int, int]] | None:
    """The index `write_image_index` wrote, kept for the next chunk of the same archive (a worker
    audits many); None when the file cannot be read (the index is then built again)."""
    try:
        stamp = os.stat(path).st_mtime_ns
        cached = _LOADED.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        index = {str(k): (int(v[0]), int(v[1])) for k, v in raw.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        return None
    _LOADED.clear()
    _LOADED[path] = (stamp, index)
    return index


__all__ = [
    "HTML_TYPES", "ArchiveChunk", "ArchiveImages", "ArchiveScan", "ChunkSource", "SkippedRecord", "image_index",
    "load_image_index", "read_archive", "scan_archive", "url_key", "write_image_index",
]

"""One web archive cut into chunks audited by several workers (`auditor/chunks.py`): every chunk's
reader yields exactly the slice of the whole archive's stream it stands for, the reports are the
bytes of `--jobs 1`, the cut really happens, `report merge` of the chunk shards gives the same
reports (and refuses a missing chunk), and a run killed half-way resumes from its chunk shards.

The archive: about 300 small records, gzip per record: pages whose images are stored both before and
after them (in other chunks), requests and metadata (passed over silently), revisits, a 404, a PDF,
a gzip member that holds two records, and three damaged places: a page whose body breaks off a
quarter in (its headers read, its body not: the pre-scan must read bodies from there on to count
as the audit does), a gzip member cut in half at the middle, and bytes that are no WARC two thirds
in. AUDITOR_CHUNK_RECORDS=40 and AUDITOR_CHUNK_MIN_BYTES=0 make it split into several chunks, after
the damage too.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastwarc.warc import WarcRecordType
from PIL import Image

from auditor.chunks import ChunkRule, choose_starts
from auditor.cli import main
from auditor.inputs import archive
from auditor.inputs.archive import ArchiveChunk, ChunkSource, scan_archive
from auditor.inputs.files import PageReadError, RawPage, discover
from auditor.inputs.stream import read_source
from auditor.shards import SHARD_SUFFIX, read_header
from tests.test_parallel import assert_same, audit, response, warc_record

CHUNK_ENV = {"AUDITOR_CHUNK_RECORDS": "40", "AUDITOR_CHUNK_MIN_BYTES": "0"}
PAGES = 150


def png(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (shade, 80, 160)).save(out, "PNG")
    return out.getvalue()


def page(n: int) -> bytes:
    label = "<p class='ai-label'>This image was generated with AI.</p>" if n % 7 == 0 else ""
    return (f"<!doctype html><html lang='en'><head><title>Story {n}</title></head><body><article>"
            f"<h1>Story number {n}</h1><p class='byline'>By Jo Lee</p><figure>"
            f"<img src='https://img.example.com/i{n % 20}.png' alt='picture {n}'>{label}</figure>"
            f"<p>{'Words of the story. ' * 20}</p></article></body></html>").encode()


def image(k: int, number: int) -> bytes:
    body = png(k * 10)
    head = f"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {len(body)}\r\n\r\n"
    return warc_record(WarcRecordType.response, f"https://img.example.com/i{k}.png", head.encode() + body, number)


def broken_body(url: str, number: int) -> bytes:
    """A page record whose gzip member breaks off in the body: a reader gets its headers, and then
    an error when it reads (or skips) the body."""
    rng = random.Random(number)
    noise = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(300_000))
    member = bytearray(response(url, page(number) + b"<!-- " + noise + b" -->", number))
    for i in range(len(member) - 4000, len(member) - 3900):
        member[i] ^= 0x55
    return bytes(member)


def build_records() -> list[bytes]:
    """The archive's gzip members, in order (see the module's docstring)."""
    members = [warc_record(WarcRecordType.warcinfo, None, b"software: auditor tests\r\n", 1, "application/warc-fields")]
    number = 2
    for n in range(PAGES):
        url = f"https://news.example.com/s/{n}"
        if n % 15 == 0:  # half of the images early, the other half after the pages that show them
            members.append(image(n // 15, number))
        if n == 120:
            for k in range(10, 20):
                members.append(image(k, number + k))
        members.append(warc_record(WarcRecordType.request, url, f"GET /s/{n} HTTP/1.1\r\n\r\n".encode(), number + 30))
        members.append(response(url, page(n), number + 31))
        if n % 10 == 3:
            members.append(warc_record(WarcRecordType.revisit, url, b"", number + 32))
        if n % 25 == 4:
            members.append(response(f"https://news.example.com/gone/{n}", b"<html>gone</html>", number + 33,
                                    "404 Not Found"))
        if n == 50:
            members.append(response("https://news.example.com/a.pdf", b"%PDF-1.4", number + 34,
                                    ctype="application/pdf"))
        if n == 60:  # one gzip member holding two records
            two = [gzip.decompress(response(f"https://news.example.com/pair/{k}", page(1000 + k), number + 35 + k))
                   for k in range(2)]
            members.append(gzip.compress(b"".join(two), mtime=0))
        if n == 40:
            members.append(broken_body("https://news.example.com/broken-body", number + 37))
        if n == 75:
            cut = response("https://news.example.com/cut", page(2000), number + 38)
            members.append(cut[:len(cut) // 2])
        if n == 100:
            members.append(b"this is not a WARC record, nor gzip data\r\n" * 3)
        members.append(warc_record(WarcRecordType.metadata, url, b"via: test\r\n", number + 36,
                                   "application/warc-fields"))
        number += 40
    return members


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("chunks") / "crawl"
    folder.mkdir()
    (folder / "big.warc.gz").write_bytes(b"".join(build_records()))
    return folder


@pytest.fixture(scope="module")
def reference(crawl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("chunks-ref") / "out"
    assert audit(crawl, out, "--jobs", "1", "--format", "json,html") == 2  # the damaged place
    return out


def _items(source: ChunkSource | object) -> list[tuple[str, str, str]]:
    got = []
    for item in read_source(source):  # type: ignore[arg-type]
        if isinstance(item, RawPage):
            got.append(("page", item.source.display_path, hashlib.sha256(item.data).hexdigest()))
        elif isinstance(item, PageReadError):
            got.append(("error", item.source.display_path, item.cause))
        else:
            got.append(("skipped", item.source.display_path, item.reason))
    return got


def _chunk_sources(path: Path, records: int, processes: int = 1) -> list[ChunkSource]:
    source = next(iter(discover([str(path)])))
    scan = scan_archive(source, processes)
    assert scan is not None
    starts = choose_starts(scan, ChunkRule(min_records=records, min_bytes=0))
    out = []
    for i, (part, start, first) in enumerate(starts):
        stop_part, stop = starts[i + 1][:2] if i + 1 < len(starts) else (-1, -1)
        out.append(ChunkSource(source.file, source.display_path, source.relative_path, source.input_format,
                               chunk=ArchiveChunk(part, start, stop_part, stop, first)))
    return out


def _plain(member: bytes) -> bytes:
    """A gzip member as the record it holds; a damaged one stays as it is (garbage in a .warc)."""
    try:
        return gzip.decompress(member) if member.startswith(b"\x1f\x8b") else member
    except (OSError, EOFError, zlib.error):
        return member


def _wacz(path: Path, members: list[bytes]) -> None:
    half = len(members) // 2
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/a.warc.gz", b"".join(members[:half]))
        zf.writestr("archive/b.warc.gz", b"".join(members[half:]))
        zf.writestr("datapackage.json", "{}")


def _archive(layout: str, members: list[bytes], folder: Path) -> Path:
    if layout == "plain":
        members = [_plain(m) for m in members]
    path = folder / {"gzip": "a.warc.gz", "plain": "a.warc", "wacz": "a.wacz"}[layout]
    if layout == "wacz":
        _wacz(path, members)
    else:
        path.write_bytes(b"".join(members))
    return path


def _read_in_chunks(path: Path, chunks: list[ChunkSource]) -> list[list[tuple[str, str, str]]]:
    """What each chunk reads, checked to be its slice of the whole archive's stream (the slices
    making up all of it, in order)."""
    whole = _items(next(iter(discover([str(path)]))))
    assert len(chunks) >= 4
    pieces = [_items(c) for c in chunks]
    for chunk, piece in zip(chunks, pieces, strict=True):
        assert chunk.chunk is not None
        assert piece == whole[chunk.chunk.first:chunk.chunk.first + len(piece)]
    assert [i for p in pieces for i in p] == whole
    return pieces


@pytest.mark.parametrize("layout", ["gzip", "plain", "wacz"])
def test_each_chunk_reads_its_slice_of_the_whole_stream(layout: str, tmp_path: Path) -> None:
    path = _archive(layout, build_records(), tmp_path)
    pieces = _read_in_chunks(path, _chunk_sources(path, 30))
    damaged = [n for n, piece in enumerate(pieces) if any(kind == "error" for kind, _, _ in piece)]
    assert len(damaged) >= 2 and damaged[0] < len(pieces) - 3, "the archive was not cut after its damage"


def _joins(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each scan in stretches was taken (True) or redone in one pass (False)."""
    seen: list[bool] = []
    join = archive._join

    def spy(stretches: list[tuple[int, int, int | None]], scanned: list[object]) -> object:
        joined = join(stretches, scanned)  # type: ignore[arg-type]
        if len(stretches) > 1:
            seen.append(joined is not None)
        return joined

    monkeypatch.setattr(archive, "_join", spy)
    return seen


@pytest.mark.parametrize("layout", ["gzip", "plain", "wacz"])
def test_a_scan_in_stretches_is_the_scan_in_one_pass(layout: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut anywhere (inside damage too, for some of these counts), several processes scanning
    stretches of the archive find what one pass finds: the same starts, positions and images."""
    source = next(iter(discover([str(_archive(layout, build_records(), tmp_path))])))
    one = scan_archive(source)
    assert one is not None and any(kind == "error" for kind, _, _ in _items(source)), "no damage"
    monkeypatch.setattr(archive, "SCAN_STRETCH_MIN", 1)
    joins = _joins(monkeypatch)
    for processes in (2, 3, 5, 8, 13, 21):
        assert scan_archive(source, processes) == one, processes
    assert len(joins) == 6 and sum(joins) >= 4, joins


@pytest.mark.parametrize("processes", [1, 3])
def test_few_starts_are_kept_and_the_chunks_stay_exact(processes: int, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory does not grow with the archive: a stretch keeps at most STARTS_KEPT chunk starts, thinned
    evenly as it reads on (here 12 for some 600 records); the chunks cut from them still read exactly
    their slices of the stream."""
    monkeypatch.setattr(archive, "STARTS_KEPT", 12)
    monkeypatch.setattr(archive, "SCAN_STRETCH_MIN", 1)
    path = _archive("gzip", build_records(), tmp_path)
    source = next(iter(discover([str(path)])))
    scan = scan_archive(source, processes)
    assert scan is not None and 4 <= len(scan.starts) <= 12 * processes
    pieces = _read_in_chunks(path, _chunk_sources(path, 5, processes))
    assert scan.items == sum(map(len, pieces))


def test_a_cut_at_bytes_that_only_look_like_a_record_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An uncompressed archive whose middle record holds WARC lines in its payload: the cut lands on
    one of them, the stretch before reads past it to the real next record, and the scan is redone in
    one pass."""
    members = [_plain(m) for m in build_records()[:60]]
    fake = b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n" * 4000
    middle = gzip.decompress(response("https://news.example.com/about-warc", b"<html><pre>" + fake, 7777))
    before = sum(len(m) for m in members)
    path = tmp_path / "a.warc"
    path.write_bytes(b"".join(members) + middle + b"".join(members[1:]))
    source = next(iter(discover([str(path)])))
    one = scan_archive(source)
    monkeypatch.setattr(archive, "SCAN_STRETCH_MIN", 1)
    parts = archive._splittable_parts(source)
    assert parts is not None
    cut = archive._stretches(parts, 2)[1][1]
    assert before < cut < before + len(middle), "the cut is not inside the record"
    joins = _joins(monkeypatch)
    assert scan_archive(source, 2) == one
    assert joins == [False]


def test_a_whole_file_gzip_is_not_cut(tmp_path: Path) -> None:
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(b"".join(gzip.decompress(m) for m in build_records()[:40] if m[:2] == b"\x1f\x8b")))
    assert scan_archive(next(iter(discover([str(path)])))) is None


def test_chunks_give_the_bytes_of_one_process(crawl: Path, reference: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CHUNK_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(archive, "SCAN_STRETCH_MIN", 1)  # pre-scanned in two stretches at once
    joins = _joins(monkeypatch)
    out = tmp_path / "out"
    assert audit(crawl, out, "--jobs", "2", "--keep-shards", "--format", "json,html") == 2
    assert joins == [True]
    assert_same(out, reference)
    shards = sorted((out / ".shards").glob(f"*{SHARD_SUFFIX}"))
    assert len(shards) >= 4, "the archive was not cut"
    chunks = [read_header(p).units[0].chunk for p in shards]
    assert all(c is not None for c in chunks) and {c.number for c in chunks if c} == set(range(len(shards)))
    # The chunk shards merge into the same reports; without one of them the merge is refused.
    merged = tmp_path / "merged"
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = CliRunner().invoke(main, ["report", "merge", str(out / ".shards"), "--out", str(merged), "-q",
                                       "--format", "json,html"])
    assert result.exit_code == 2, result.output
    assert_same(merged, reference)
    missing = CliRunner().invoke(main, ["report", "merge", *map(str, shards[1:]), "--out", str(tmp_path / "x")])
    assert missing.exit_code == 2 and "are missing" in missing.output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL of a process group")
def test_a_killed_chunked_run_resumes_to_the_same_bytes(crawl: Path, reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shards = out / ".shards"
    cmd = [sys.executable, "-m", "auditor", "audit", str(crawl), "--out", str(out), "--jobs", "2", "--isolated",
           "-q", "--format", "json,html"]
    env = {**{k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}, **CHUNK_ENV}
    proc = subprocess.Popen(cmd, env={**env, "AUDITOR_TEST_PAGE_DELAY": "0.03"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(shards.glob(f"*{SHARD_SUFFIX}"))) < 2:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = {p.name: p.stat().st_mtime_ns for p in shards.glob(f"*{SHARD_SUFFIX}")}
    plans = list(shards.glob("*.chunks.json"))
    assert len(done) >= 2 and len(plans) == 1 and not (out / "index.json").exists()
    resumed = subprocess.run([*cmd, "--resume", "--keep-shards"], env=env, capture_output=True, text=True,
                             check=False)
    assert resumed.returncode == 2, resumed.stderr
    assert_same(out, reference)
    after = {p.name: p.stat().st_mtime_ns for p in shards.glob(f"*{SHARD_SUFFIX}")}
    assert len(after) > len(done), "the run was not killed half-way"
    assert all(after[name] == mtime for name, mtime in done.items()), "complete chunk shards were audited again"
    # Another cut (another rule) redoes the chunks rather than mixing two cuts.
    again = subprocess.run([*cmd, "--resume", "--keep-shards"], env={**env, "AUDITOR_CHUNK_RECORDS": "60"},
                           capture_output=True, text=True, check=False)
    assert again.returncode == 2, again.stderr
    assert_same(out, reference)
    assert set(p.name for p in shards.glob(f"*{SHARD_SUFFIX}")) != set(after)

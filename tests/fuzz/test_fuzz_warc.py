"""Web archives (`auditor/inputs/archive.py`, through `auditor.inputs.stream.read_source` and the
engine): small WARC files written by hand from random records, so that every header can be wrong.

A record: any WARC-Type (response, resource, revisit, request, warcinfo, metadata, conversion,
made up), target URIs, dates (valid, garbage, out of datetime's range once shifted to UTC),
Content-Type, a Content-Length that is right, off by some bytes, negative, huge or not a number,
an HTTP status line and headers (charset, Content-Encoding gzip/deflate/br/zstd with a good or
broken body, chunked transfer good or broken, WARC-Truncated), bodies that are HTML pages (with
images that point at image records of the same archive) or images. Between records: garbage. The
file: uncompressed, gzip per record, one gzip stream, truncated at a random byte, or a WACZ (zip)
around it.

The property: reading yields only pages, input errors and skipped-record counts, ends within the
time guard, never raises; no error says that reading stopped on an exception (the reader's last
line of defence); the engine audits every page it yields and its reports keep the contract.
"""

from __future__ import annotations

import gzip
import io
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.engine import RunResult
from auditor.inputs.archive import SkippedRecord
from auditor.inputs.files import PageReadError, PageSource, RawPage
from auditor.inputs.stream import read_source

from ._support import (
    BUG_WORDS,
    Hang,
    any_text,
    check_reports,
    known_bug,
    known_internal_error,
    labels,
    new_engine,
    sample_images,
    time_limit,
)

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

HOST = "https://news.example.com"
PAGE = ('<!doctype html><html lang="en"><head><title>{title}</title></head><body><main><article><h1>{title}</h1>'
        '<p>{text}</p><figure><img src="{img}" alt="x"><figcaption>{label}</figcaption></figure></article></main>'
        "</body></html>")
RECORD_TYPES = ["response", "response", "response", "resource", "revisit", "request", "warcinfo", "metadata",
                "conversion", "continuation", "bogus", ""]
DATES = ["2024-05-05T10:00:00Z", "2024-05-06T07:09:10.123456Z", "2024-05-05", "yesterday", "",
         "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2024-02-30T00:00:00Z", "20240505100000",
         "2024-05-05T10:00:00+25:00"]
URIS = [f"{HOST}/a", f"{HOST}/b", f"<{HOST}/c>", f"{HOST}/media/ai.jpg", f"{HOST}/media/plain.png", "file:///tmp/x.html",
        "", "not a uri", "https://[::1", "https://xn--.example/", "http://ünïcode.example/ä", f"{HOST}/" + "a" * 3000]
ENCODINGS = ["", "", "gzip", "deflate", "br", "zstd", "identity", "x-bogus", "gzip, gzip"]


def _encoded(body: bytes, encoding: str, broken: bool) -> bytes:
    if broken:
        return body[: len(body) // 2] + b"\x00\xff"
    if encoding == "gzip":
        return gzip.compress(body, mtime=0)
    if encoding == "gzip, gzip":
        return gzip.compress(gzip.compress(body, mtime=0), mtime=0)
    if encoding == "deflate":
        return zlib.compress(body)
    return body  # br and zstd: the header lies (no encoder here), which is a case of its own


def _chunked(body: bytes, size: int, broken: bool) -> bytes:
    parts = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
    out = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts)
    return out[:-3] + b"zz\r\n" if broken else out + b"0\r\n\r\n"


@st.composite
def http_block(draw: st.DrawFn, body: bytes, image: bool) -> bytes:
    status = draw(st.sampled_from(["200 OK", "200 OK", "200 OK", "404 Not Found", "304 Not Modified", "abc",
                                   "200", "999 Odd", ""]))
    ctype = draw(st.sampled_from(["image/jpeg", "image/png"] if image else
                                 ["text/html; charset=utf-8", "text/html", "application/xhtml+xml", "",
                                  "text/html; charset=base64", "application/pdf", "text/html; charset=\"koi8-r\""]))
    encoding = draw(st.sampled_from(ENCODINGS))
    broken = draw(st.integers(0, 9)) == 0
    payload = _encoded(body, encoding, broken)
    headers = [("Content-Type", ctype)] if ctype else []
    if encoding:
        headers.append(("Content-Encoding", encoding))
    if draw(st.booleans()):
        payload = _chunked(payload, draw(st.integers(1, 200)), draw(st.integers(0, 9)) == 0)
        headers.append(("Transfer-Encoding", "chunked"))
    if draw(st.booleans()):
        headers.append(("Content-Length", str(len(payload) + draw(st.sampled_from([0, 0, -1, 5, -10**6])))))
    for _ in range(draw(st.integers(0, 2))):
        headers.append((draw(st.sampled_from(["Date", "Link", "AI-Disclosure", "X-Junk", "Set-Cookie", ""])),
                        draw(st.one_of(any_text, st.just('<m.c2pa>; rel="c2pa-manifest"')))))
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode("utf-8", "surrogatepass") + payload


@st.composite
def record(draw: st.DrawFn, number: int) -> bytes:
    rtype = draw(st.sampled_from(RECORD_TYPES))
    image = draw(st.integers(0, 3)) == 0
    if image:
        body = sample_images()[draw(st.sampled_from(["ai.jpg", "plain.png", "plain.jpg"]))]
        uri = draw(st.sampled_from([f"{HOST}/media/ai.jpg", f"{HOST}/media/plain.png"]))
    else:
        page = PAGE.format(title=draw(any_text), text=draw(any_text), label=draw(labels),
                           img=draw(st.sampled_from(["/media/ai.jpg", "media/plain.png", f"{HOST}/media/ai.jpg",
                                                     "https://other.example/x.jpg", "data:,"])))
        body = page.encode("utf-8", "surrogatepass")
        uri = draw(st.sampled_from(URIS))
    if rtype in ("response", "revisit"):
        block = draw(http_block(body, image))
        ctype = draw(st.sampled_from(["application/http; msgtype=response", "application/http", "text/html", ""]))
    elif rtype == "resource":
        block = body
        ctype = draw(st.sampled_from(["text/html", "image/jpeg", "", "application/octet-stream"]))
    else:
        block = draw(st.binary(max_size=100))
        ctype = draw(st.sampled_from(["application/warc-fields", "application/http; msgtype=request", ""]))
    length = draw(st.sampled_from(["right", "right", "right", "short", "long", "negative", "huge", "nan", "missing"]))
    length_value = {"right": str(len(block)), "short": str(max(len(block) - 7, 0)), "long": str(len(block) + 11),
                    "negative": "-5", "huge": str(2**63), "nan": "12abc", "missing": None}[length]
    version = draw(st.sampled_from(["WARC/1.1", "WARC/1.1", "WARC/1.0", "WARC/0.18", "WARC/2.0", "warc/1.1"]))
    headers = [("WARC-Type", rtype), ("WARC-Record-ID", f"<urn:uuid:00000000-0000-0000-0000-{number:012d}>"),
               ("WARC-Date", draw(st.sampled_from(DATES))), ("WARC-Target-URI", uri)]
    if ctype:
        headers.append(("Content-Type", ctype))
    if length_value is not None:
        headers.append(("Content-Length", length_value))
    if draw(st.integers(0, 5)) == 0:
        headers.append(("WARC-Truncated", draw(st.sampled_from(["length", "time", ""]))))
    if draw(st.integers(0, 5)) == 0:
        headers.append(("WARC-Identified-Payload-Type", draw(st.sampled_from(["text/html", "image/png", "x"]))))
    draw(st.randoms(use_true_random=False)).shuffle(headers)
    head = version + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers if k) + "\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


GARBAGE = [b"this is not a WARC record\r\n", b"\x00" * 64, b"WARC/1.1\r\n\r\n", b"\x1f\x8b\x08\x00broken",
           b"WARC/1.1\r\nContent-Length: 5\r\n\r\n", b"\r\n"]


@st.composite
def warc_file(draw: st.DrawFn) -> tuple[bytes, str]:
    """(file bytes, file name): records, garbage, compression and truncation drawn at random."""
    members: list[bytes] = []
    for number in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 6)) == 0:
            members.append(draw(st.sampled_from(GARBAGE)))
        members.append(draw(record(number)))
    layout = draw(st.sampled_from(["plain", "records", "records", "whole", "wacz", "wacz-deflated"]))
    if layout == "plain":
        data, name = b"".join(members), "crawl.warc"
    elif layout == "records":
        data = b"".join(m if m in GARBAGE else gzip.compress(m, mtime=0) for m in members)
        name = "crawl.warc.gz"
    elif layout == "whole":
        data, name = gzip.compress(b"".join(members), mtime=0), "crawl.warc.gz"
    else:
        inner = b"".join(gzip.compress(m, mtime=0) for m in members)
        buffer = io.BytesIO()
        method = zipfile.ZIP_DEFLATED if layout == "wacz-deflated" else zipfile.ZIP_STORED
        with zipfile.ZipFile(buffer, "w", method) as zf:
            zf.writestr("archive/data.warc.gz", inner)
            if draw(st.booleans()):
                zf.writestr("archive/more.warc", b"".join(members[:1]))
            zf.writestr("datapackage.json", "{}")
        data, name = buffer.getvalue(), "site.wacz"
    if data and draw(st.integers(0, 3)) == 0:  # truncated or damaged on disk
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] if draw(st.booleans()) else data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
    return data, name


def check_archive(data: bytes, name: str, tolerate: bool = True) -> RunResult | None:
    """Read the archive to the end, then audit it with the engine; the contract on both. None when
    a known bug stopped it (and `tolerate`)."""
    fmt = "wacz" if name.endswith(".wacz") else "warc"
    with tempfile.TemporaryDirectory(prefix="fuzz-warc-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        source = PageSource(path, name, name, fmt)
        pages = errors = 0
        try:
            with time_limit(30, f"reading {name}"):
                for item in read_source(source):
                    assert isinstance(item, (RawPage, PageReadError, SkippedRecord)), type(item)
                    if isinstance(item, PageReadError):
                        errors += 1
                        if any(w in item.cause for w in BUG_WORDS):
                            assert known_internal_error(item.cause, tolerate), item.cause
                    elif isinstance(item, RawPage):
                        pages += 1
                        assert item.source.display_path.startswith(name)
                engine = new_engine("fuzz.example")
                engine.audit_source(source)
                result = engine.finish()
        except Hang:
            raise
        except Exception as exc:
            if known_bug(exc, tolerate) is not None:
                return None
            raise
        check_reports(result, expected_inputs=pages + errors, tolerate=tolerate)
        return result


@given(warc_file())
def test_random_archives(archive: tuple[bytes, str]) -> None:
    check_archive(*archive)


@given(st.binary(max_size=2000), st.sampled_from(["crawl.warc", "crawl.warc.gz", "site.wacz"]))
def test_random_bytes_as_archive(data: bytes, name: str) -> None:
    check_archive(data, name)


@given(st.lists(st.sampled_from(DATES), min_size=1, max_size=3))
def test_record_dates(dates: list[str]) -> None:
    """Every WARC-Date form in one archive of good records: a date must not stop the reading."""
    members = []
    for number, date in enumerate(dates):
        body = PAGE.format(title="T", text="x", label="", img="a.jpg").encode()
        block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{number}>\r\nWARC-Date: {date}\r\n"
                f"WARC-Target-URI: {HOST}/{number}\r\nContent-Type: application/http; msgtype=response\r\n"
                f"Content-Length: {len(block)}\r\n\r\n")
        members.append(head.encode() + block + b"\r\n\r\n")
    check_archive(b"".join(members), "crawl.warc")

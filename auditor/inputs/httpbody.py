"""An HTTP response body as the browser saw it: chunked transfer coding and content codings undone.

Archives keep the bytes as they came over the wire (WARC 1.1, 6.3.2): a body may be chunked and
compressed (gzip, deflate, br, zstd). Chunked transfer, br and zstd are undone by FastWARC's stream
readers (the library that reads the archive; it depends on brotli), gzip and deflate by the
standard library's zlib, which tells a body cut short from a whole one (FastWARC's gzip reader
does not). Every read is bounded, so a small record that inflates to gigabytes (a "zip bomb")
stops at the size limit instead of filling memory.

Crawlers do not all agree on what they store: some keep `Transfer-Encoding: chunked` or
`Content-Encoding: gzip` in the headers of a body they already decoded. Like warcio and pywb, a
body that does not start as the declared coding says is taken as it is; a body that starts right
and then breaks is an error.
"""

from __future__ import annotations

import io
import re
import zlib

from fastwarc.stream_io import BrotliReader, ChunkedReader, ZstdReader

_CHUNK_START = re.compile(rb"[0-9a-fA-F]{1,16}[ \t]*(?:;[^\r\n]*)?\r?\n")
_READ = 64 * 1024


class BodyError(Exception):
    """The body cannot be decoded; the message says why (for the reader, short)."""


def _tokens(headers: list[tuple[str, str, int]] | tuple[tuple[str, str, int], ...], name: str) -> list[str]:
    return [token.strip().lower() for key, value, _ in headers if key == name
            for token in value.split(",") if token.strip()]


def _read_bounded(reader: BrotliReader | ZstdReader | ChunkedReader, limit: int, partial: bool = False) -> bytes:
    """Everything the reader gives, up to limit + 1 bytes (the caller tells "too large" by the size).
    A reader that fails raises OSError, unless `partial` asks for what came before the failure."""
    out = bytearray()
    while len(out) <= limit:
        try:
            chunk = reader.read(min(_READ, limit + 1 - len(out)))
        except OSError:
            if partial:
                break
            raise
        if not chunk:
            break
        out += chunk
    return bytes(out)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def decode_body(payload: bytes, headers: list[tuple[str, str, int]] | tuple[tuple[str, str, int], ...],
                limit: int, partial: bool = False) -> bytes:
    """The body with its transfer and content codings undone, at most limit + 1 bytes.

    `partial`: the archive says the payload was cut short on purpose (WARC-Truncated, as Common
    Crawl does past 1 MiB); what decodes is kept. Otherwise a compressed body that stops early is
    an error. Raises BodyError when a declared coding is unknown or its data is broken."""
    if "chunked" in _tokens(headers, "transfer-encoding") and _CHUNK_START.match(payload):
        try:
            payload = _read_bounded(ChunkedReader(io.BytesIO(payload)), limit, partial)
        except OSError as exc:
            raise BodyError(f"broken chunked transfer encoding ({_short(exc)})") from None
    for coding in reversed(_tokens(headers, "content-encoding")):
        if coding in ("identity", "none"):
            continue
        payload = _undo(coding, payload, limit, partial)
    return payload


def _undo(coding: str, payload: bytes, limit: int, partial: bool) -> bytes:
    if not payload:
        return payload
    if coding in ("gzip", "x-gzip"):
        if not payload.startswith(b"\x1f\x8b"):
            return payload  # stored decoded, header kept
        return _inflate(payload, 16 + zlib.MAX_WBITS, limit, partial, coding)
    if coding == "deflate":
        # RFC 9110 deflate is the zlib format (RFC 1950); some servers send raw deflate (RFC 1951).
        zlib_header = len(payload) >= 2 and (payload[0] & 0x0F) == 8 and ((payload[0] << 8) | payload[1]) % 31 == 0
        return _inflate(payload, zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS, limit, partial, coding)
    reader: BrotliReader | ZstdReader
    if coding == "br":
        reader = BrotliReader(io.BytesIO(payload))
    elif coding == "zstd":
        if not payload.startswith(b"\x28\xb5\x2f\xfd"):
            return payload
        reader = ZstdReader(io.BytesIO(payload))
    else:
        raise BodyError(f"unsupported Content-Encoding {coding!r}")
    try:
        return _read_bounded(reader, limit, partial)
    except OSError as exc:
        if coding == "br" and payload.lstrip()[:1] == b"<":
            return payload  # brotli has no magic number: a body that starts like markup was stored decoded
        raise BodyError(f"broken {coding} content encoding ({_short(exc)})") from None


def _inflate(payload: bytes, wbits: int, limit: int, partial: bool, coding: str) -> bytes:
    """zlib (stdlib) rather than a stream reader: it tells a body cut short from a whole one.
    Several gzip members one after the other are one body, as gzip(1) reads them."""
    out = bytearray()
    data = payload
    decomp = zlib.decompressobj(wbits)
    try:
        while data and len(out) <= limit:
            out += decomp.decompress(data, limit + 1 - len(out))
            data = decomp.unconsumed_tail
            if decomp.eof:
                data = decomp.unused_data
                if wbits != 16 + zlib.MAX_WBITS or not data.startswith(b"\x1f\x8b"):
                    break  # one zlib stream; or what follows the last gzip member is no member
                decomp = zlib.decompressobj(wbits)
    except zlib.error as exc:
        raise BodyError(f"broken {coding} content encoding ({_short(exc)})") from None
    if not decomp.eof and len(out) <= limit and not partial:
        raise BodyError(f"broken {coding} content encoding (the compressed body is cut short)")
    return bytes(out[: limit + 1])

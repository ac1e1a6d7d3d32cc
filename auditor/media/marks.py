"""The machine-readable provenance marks inside one image file's bytes, read without trusting the file.

`read_marks(data, name) -> FileMarks` is called for every image a crawl finds, so it is built to be
cheap on ordinary images and safe on hostile ones:
- Format and metadata come from Pillow's lazy header read (`Image.open` on the bytes, restricted
  to web image formats, pixels never decoded); SVG, which Pillow does not read, is sniffed (its
  root element) and parsed with defusedxml. A format Pillow cannot open (HEIF, JPEG XL, a broken
  header) is sniffed from its magic bytes and still searched for marks.
- Each carrier family has its module: `xmp.py` (IPTC DigitalSourceType, the IPTC 2025.1 AI fields,
  TC260:AIGC, dcterms:provenance), `aigc.py` (PNG text chunks and the EXIF UserComment),
  `c2pa_reader.py` (C2PA through c2pa-python, offline). This module finds the carriers in each
  container and hands them over: XMP from Pillow (JPEG APP1, PNG iTXt, WebP, GIF, TIFF tag 700)
  or a bounded byte search; PNG chunks and WebP/ISOBMFF boxes by a small walk over their headers
  (Pillow's PNG text after the pixel data is only reachable by decoding the pixels); C2PA only
  when the container has a C2PA carrier (JPEG APP11 "JP" segment, PNG caBX, WebP C2PA chunk, TIFF
  tag 52545, ISOBMFF uuid box, SVG <c2pa:manifest>, or the manifest-store UUID in the bytes).
- Nothing raises: every problem is an entry in `FileMarks.errors` (the file or a whole carrier
  could not be read) or a mark's `problem` (the mark is there but malformed). Files over
  `MAX_FILE_BYTES` are refused unparsed; truncated files report what was read and say they are
  truncated. Nothing is fetched: a remote C2PA manifest is reported, never followed.

The models are the report's (`auditor.models.Mark`, `auditor.models.FileMarks`), re-exported here.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET
from PIL import Image, UnidentifiedImageError

from auditor.limits import describe, limits
from auditor.media import aigc, c2pa_reader, xmp
from auditor.models import FileMarks, Mark

__all__ = ["MAX_FILE_BYTES", "MAX_SVG_BYTES", "FileMarks", "Mark", "read_marks"]

MAX_FILE_BYTES = 50 * 1024 * 1024  # the default of limits().image_bytes, which is what counts
MAX_SVG_BYTES = 16 * 1024 * 1024
MAX_CHUNKS = 100_000  # PNG chunks, RIFF chunks or ISOBMFF boxes walked per file
# Web image formats only: a restricted list keeps Pillow's rarer parsers away from hostile bytes and
# stops random bytes from "opening" as a format without a signature (TGA, ...).
_WANTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "AVIF", "BMP", "ICO", "JPEG2000")
_pil_formats: tuple[str, ...] | None = None

_MIME = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp",
         "TIFF": "image/tiff", "SVG": "image/svg+xml", "HEIF": "image/heic", "AVIF": "image/avif", "JXL": "image/jxl",
         "BMP": "image/bmp", "ICO": "image/x-icon", "JPEG2000": "image/jp2"}
_XMP_CARRIER = {"JPEG": "XMP in JPEG APP1", "MPO": "XMP in JPEG APP1", "PNG": "XMP in PNG iTXt",
                "WEBP": "XMP in WebP", "GIF": "XMP in GIF", "TIFF": "TIFF XMP tag", "AVIF": "XMP in AVIF"}
_C2PA_CARRIER = {"JPEG": "JPEG APP11 (JUMBF)", "MPO": "JPEG APP11 (JUMBF)", "PNG": "PNG caBX",
                 "WEBP": "WebP C2PA chunk", "GIF": "GIF C2PA_GIF extension", "TIFF": "TIFF tag 52545 (JUMBF)",
                 "SVG": "SVG c2pa:manifest", "HEIF": "ISOBMFF uuid box", "AVIF": "ISOBMFF uuid box",
                 "JXL": "JPEG XL jumb box"}
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"mif2")
_SVG_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")
C2PA_TIFF_TAG = 52545
_GIF_XMP = b"\x21\xff\x0bXMP DataXMP"  # the GIF application extension that carries XMP


@dataclass(slots=True)
class _Found:
    """The carriers found in one file, before they are read."""

    xmp: list[tuple[bytes | str, str]] = field(default_factory=list)  # (packet, carrier)
    exif: list[bytes] = field(default_factory=list)  # raw EXIF blocks that may hold an AIGC label
    png_texts: list[tuple[str, str]] = field(default_factory=list)  # (text, carrier) of AIGC chunks
    xmp_marks: list[Mark] = field(default_factory=list)  # XMP marks read while parsing the container (SVG)
    aigc_marks: list[Mark] = field(default_factory=list)  # AIGC marks read while the file was open (TIFF)
    provenance: list[tuple[str, str]] = field(default_factory=list)  # (dcterms:provenance, carrier)
    c2pa: bool = False  # the container has a C2PA carrier
    c2pa_checked: bool = False  # the container's C2PA carrier was looked for structurally


def read_marks(data: bytes, name: str = "") -> FileMarks:
    """The provenance marks in one file's bytes. Never raises; never touches the network.

    `name` (the file or URL name) does not steer the reading: the bytes decide the format, never an
    extension a hostile server chose.
    """
    data = bytes(data)
    out = FileMarks(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    if not data:
        out.errors.append("empty file")
        return out
    if len(data) > limits().image_bytes:
        out.errors.append(f"file larger than {describe(limits().image_bytes)} ({len(data)} bytes, limit image-bytes): "
                          "not parsed")
        return out
    try:
        _read(data, out)
    except Exception as exc:  # last line of defence: a hostile file must never stop a crawl
        out.errors.append(f"internal error while reading marks: {type(exc).__name__}: {exc}"[:300])
    return out


def _read(data: bytes, out: FileMarks) -> None:
    found = _Found()
    if _looks_like_svg(data):
        fmt: str | None = "SVG"
        _read_svg(data, out, found)
    else:
        fmt = _read_container(data, out, found)
    # XMP first: a remote-manifest reference (dcterms:provenance) decides how C2PA is reported.
    xmp_marks: list[Mark] = list(found.xmp_marks)
    for packet, carrier in found.xmp:
        result = xmp.read_xmp(packet, carrier)
        xmp_marks.extend(result.marks)
        out.errors.extend(result.errors)
        found.provenance.extend((value, carrier) for value in result.provenance)
    aigc_marks = [aigc.aigc_mark(text, carrier) for text, carrier in found.png_texts] + found.aigc_marks
    for raw in found.exif:
        marks, errors = aigc.exif_aigc_marks(raw)
        aigc_marks.extend(marks)
        out.errors.extend(errors)
    remote = next(((url, carrier) for url, carrier in found.provenance if url.lower().startswith(("http://", "https://"))),
                  None)
    remote_carrier = f"{remote[1]} dcterms:provenance" if remote else "remote manifest reference"
    c2pa_marks: list[Mark] = []
    if found.c2pa or (not found.c2pa_checked and c2pa_reader.may_hold_manifest(data)):
        marks, errors = c2pa_reader.read_c2pa(data, _MIME.get(fmt or ""), _C2PA_CARRIER.get(fmt or "", "JUMBF"),
                                              remote_carrier)
        c2pa_marks.extend(marks)
        out.errors.extend(errors)
    if remote and not c2pa_marks:
        c2pa_marks.append(c2pa_reader.remote_mark(remote[0], remote_carrier))
    out.marks.extend(c2pa_marks + xmp_marks + aigc_marks)


# --- containers -----------------------------------------------------------------------------------


def _formats() -> tuple[str, ...]:
    global _pil_formats
    if _pil_formats is None:
        Image.init()
        _pil_formats = tuple(f for f in _WANTED_FORMATS if f in Image.OPEN)
    return _pil_formats


def _sniff(data: bytes) -> str | None:
    """The format from magic bytes, for files Pillow does not (or cannot) open."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    if data[4:8] == b"ftyp":
        brands = data[8:12] + data[16:min(len(data), 64)]
        if b"avif" in brands or b"avis" in brands:
            return "AVIF"
        if any(b in brands for b in _HEIF_BRANDS):
            return "HEIF"
        return None
    if data.startswith(b"\xff\x0a") or data.startswith(b"\x00\x00\x00\x0cJXL \r\n\x87\n"):
        return "JXL"
    return None


def _read_container(data: bytes, out: FileMarks, found: _Found) -> str | None:
    fmt: str | None = None
    opened = False
    try:
        with Image.open(io.BytesIO(data), formats=_formats()) as im:
            fmt = im.format
            out.format = fmt
            out.media_type = _MIME.get(fmt or "") or im.get_format_mimetype()
            out.width, out.height = im.size
            _from_pillow(im, data, fmt or "", found, out.errors)
            opened = True
    except Image.DecompressionBombError as exc:
        out.errors.append(f"image dimensions exceed Pillow's decompression-bomb limit ({exc}); "
                          "metadata read from the raw bytes only"[:300])
    except UnidentifiedImageError:
        pass
    except Exception as exc:  # OSError, SyntaxError, ValueError, EOFError, struct.error ... from a broken header
        out.errors.append(f"image header unreadable ({type(exc).__name__}: {exc})"[:300])
    if not opened:
        fmt = _sniff(data)
        out.format = fmt
        out.media_type = _MIME.get(fmt) if fmt else None
        if fmt is None and not out.errors:
            out.errors.append("unrecognised file format: not a web image format or SVG")
    if fmt in ("JPEG", "MPO"):
        if _jpeg_truncated(data):
            out.errors.append("truncated JPEG: no end-of-image marker after the last scan")
    elif fmt == "PNG":
        found.c2pa_checked = _walk_png(data, found, out.errors, opened)
    elif fmt == "WEBP":
        found.c2pa_checked = _walk_riff(data, found, out.errors, opened)
    elif fmt in ("HEIF", "AVIF", "JXL") and data[4:8] in (b"ftyp", b"JXL "):
        found.c2pa_checked = _walk_bmff(data, found, out.errors)
    elif fmt == "GIF":
        found.c2pa = c2pa_reader.GIF_C2PA_EXTENSION in data
        found.c2pa_checked = True
        if data.rstrip(b"\x00")[-1:] != b";":
            out.errors.append("truncated GIF: no trailer")
    # Byte search only where no parser has seen every place XMP can be: Pillow reads JPEG APP1,
    # WebP chunks and TIFF tag 700, the PNG walk sees every iTXt chunk; a GIF's XMP after the
    # first frame, HEIF items and unknown formats are searched.
    searched_by_parser = opened and fmt in ("JPEG", "MPO", "PNG", "WEBP", "TIFF")
    if not found.xmp and not searched_by_parser and (fmt != "GIF" or _GIF_XMP in data):
        packet, error = xmp.find_packet(data)
        if packet is not None:
            found.xmp.append((packet, f"XMP in {_format_name(fmt)} (byte search)"))
        elif error:
            out.errors.append(error)
    return fmt


def _format_name(fmt: str | None) -> str:
    return {"WEBP": "WebP", "JXL": "JPEG XL", None: "file"}.get(fmt, fmt or "file")


def _from_pillow(im: Any, data: bytes, fmt: str, found: _Found, errors: list[str]) -> None:
    info = im.info
    packet = info.get("xmp") or info.get("XML:com.adobe.xmp")
    if fmt == "TIFF" and not packet:
        packet = im.tag_v2.get(700)
    if isinstance(packet, (bytes, str)) and packet:
        found.xmp.append((packet, _XMP_CARRIER.get(fmt, f"XMP in {_format_name(fmt)}")))
    raw_exif = info.get("exif")
    if isinstance(raw_exif, bytes) and any(n in raw_exif for n in aigc.NEEDLES):
        found.exif.append(raw_exif)
    if fmt in ("JPEG", "MPO"):
        # C2PA in JPEG is JUMBF in APP11 segments with the JPEG XT common identifier "JP".
        found.c2pa = any(marker == "APP11" and segment[:2] == b"JP" for marker, segment in getattr(im, "applist", []))
        found.c2pa_checked = True
    elif fmt == "TIFF":
        found.c2pa = C2PA_TIFF_TAG in im.tag_v2
        found.c2pa_checked = True
        if aigc.EXIF_IFD in im.tag_v2 and any(n in data for n in aigc.NEEDLES):
            # The Exif IFD of a TIFF is read from the open file, so here, while it is open.
            marks, exif_errors = aigc.exif_aigc_marks(im.getexif())
            found.aigc_marks.extend(marks)
            errors.extend(exif_errors)


def _jpeg_truncated(data: bytes) -> bool:
    if data.endswith(b"\xff\xd9"):
        return False
    # Trailers after the image (padding, vendor data) are common: the last end-of-image marker must
    # simply come after the last start-of-scan.
    end = data.rfind(b"\xff\xd9")
    return end < 0 or end < data.rfind(b"\xff\xda")


def _walk_png(data: bytes, found: _Found, errors: list[str], opened: bool) -> bool:
    """PNG chunks by their headers: AIGC text chunks (anywhere), caBX, and what Pillow left unread.

    True when every chunk was seen (so a missing caBX means no C2PA)."""
    pos, count, after_idat = 8, 0, False
    size = len(data)
    while pos + 8 <= size:
        length = int.from_bytes(data[pos:pos + 4], "big")
        ctype = data[pos + 4:pos + 8]
        start, end = pos + 8, pos + 8 + length
        if not ctype.isalpha():
            errors.append(f"corrupt PNG: invalid chunk type at byte {pos + 4}")
            return False
        if end + 4 > size:
            errors.append(f"truncated PNG: chunk {ctype.decode('latin-1')} runs past the end of the file")
            return False
        if ctype == b"IEND":
            return True
        if ctype == b"IDAT":
            after_idat = True
        elif ctype == b"caBX":
            found.c2pa = True
        elif ctype in (b"tEXt", b"zTXt", b"iTXt"):
            keyword = data[start:min(end, start + 80)].split(b"\x00", 1)[0]
            is_xmp = keyword == b"XML:com.adobe.xmp" and (after_idat or not opened) and ctype == b"iTXt"
            if b"AIGC" in keyword.upper() or is_xmp:
                key, text, problem = aigc.decode_png_text(ctype, data[start:end])
                if problem:
                    errors.append(problem)
                elif text is not None and is_xmp:
                    found.xmp.append((text, "XMP in PNG iTXt"))
                elif text is not None:
                    found.png_texts.append((text, f"PNG {ctype.decode('latin-1')} {key}"))
        elif ctype == b"eXIf" and (after_idat or not opened):
            body = data[start:end]
            if any(n in body for n in aigc.NEEDLES):
                found.exif.append(body)
        pos = end + 4
        count += 1
        if count >= MAX_CHUNKS:
            errors.append(f"PNG with more than {MAX_CHUNKS} chunks: the rest was not read")
            return False
    errors.append("truncated PNG: no IEND chunk")
    return False


def _walk_riff(data: bytes, found: _Found, errors: list[str], opened: bool) -> bool:
    """WebP chunks: the C2PA chunk, and XMP / EXIF when Pillow could not open the file."""
    declared = int.from_bytes(data[4:8], "little") + 8
    complete = declared <= len(data)
    if not complete:
        errors.append("truncated WebP: the RIFF header declares more bytes than the file has")
    limit = min(declared, len(data))
    pos, count = 12, 0
    while pos + 8 <= limit and count < MAX_CHUNKS:
        fourcc = data[pos:pos + 4]
        length = int.from_bytes(data[pos + 4:pos + 8], "little")
        body = data[pos + 8:pos + 8 + length]
        if fourcc == b"C2PA":
            found.c2pa = True
        elif fourcc == b"XMP " and not opened and not found.xmp:
            found.xmp.append((body, "XMP in WebP"))
        elif fourcc == b"EXIF" and not opened and any(n in body for n in aigc.NEEDLES):
            found.exif.append(body)
        pos += 8 + length + (length & 1)
        count += 1
    return complete and count < MAX_CHUNKS


def _walk_bmff(data: bytes, found: _Found, errors: list[str]) -> bool:
    """Top-level ISOBMFF boxes (HEIF, AVIF, JPEG XL container): the C2PA uuid or jumb box."""
    pos, count, size = 0, 0, len(data)
    while pos + 8 <= size and count < MAX_CHUNKS:
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        header = 8
        if length == 1:
            length = int.from_bytes(data[pos + 8:pos + 16], "big")
            header = 16
        elif length == 0:
            length = size - pos
        if length < header:
            errors.append(f"corrupt ISOBMFF box {kind!r} at byte {pos}")
            return False
        uuid_box = kind == b"uuid" and data[pos + header:pos + header + 16] == c2pa_reader.BMFF_C2PA_UUID
        jumb_box = kind == b"jumb" and c2pa_reader.JUMBF_C2PA_UUID in data[pos:pos + 64]
        found.c2pa = found.c2pa or uuid_box or jumb_box
        if pos + length > size:
            errors.append(f"truncated file: box {kind.decode('latin-1')} runs past the end")
            return False
        pos += length
        count += 1
    return count < MAX_CHUNKS


# --- SVG ------------------------------------------------------------------------------------------


def _looks_like_svg(data: bytes) -> bool:
    """True when the first element (after the XML prolog) is <svg>; no regex, so no backtracking."""
    head = data[:65536]
    i, n = (3 if head.startswith(b"\xef\xbb\xbf") else 0), len(head)
    while i < n:
        if head[i] in b" \t\r\n":
            i += 1
            continue
        if head.startswith(b"<?", i):
            end = head.find(b"?>", i)
            i = end + 2 if end >= 0 else n
        elif head.startswith(b"<!--", i):
            end = head.find(b"-->", i)
            i = end + 3 if end >= 0 else n
        elif head[i:i + 9].upper() == b"<!DOCTYPE":
            i = _doctype_end(head, i)
        elif head.startswith(b"<", i):
            name = re.split(rb"[\s/>]", head[i + 1:i + 80], maxsplit=1)[0]
            return name.rsplit(b":", 1)[-1].lower() == b"svg"
        else:
            return False
    return False


def _doctype_end(head: bytes, i: int) -> int:
    """The index after a <!DOCTYPE ...> declaration (with or without an internal subset)."""
    close = head.find(b">", i)
    bracket = head.find(b"[", i, close if close >= 0 else len(head))
    if bracket < 0:
        return close + 1 if close >= 0 else len(head)
    j = head.find(b"]", bracket)
    while j >= 0:
        k = j + 1
        while k < len(head) and head[k] in b" \t\r\n":
            k += 1
        if head[k:k + 1] == b">":
            return k + 1
        j = head.find(b"]", j + 1)
    return len(head)


def _svg_length(value: str | None) -> int | None:
    match = _SVG_LENGTH.match(value or "")
    return round(float(match.group(1))) if match else None


def _read_svg(data: bytes, out: FileMarks, found: _Found) -> None:
    out.format, out.media_type = "SVG", "image/svg+xml"
    root: Element | None = None
    if len(data) > MAX_SVG_BYTES:
        out.errors.append(f"SVG larger than {MAX_SVG_BYTES // (1024 * 1024)} MiB: not parsed, "
                          "metadata found by byte search only")
    else:
        try:
            root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        except defusedxml.EntitiesForbidden:
            out.errors.append("SVG refused: entity declarations are not allowed")
        except defusedxml.ExternalReferenceForbidden:
            out.errors.append("SVG refused: external references are not allowed")
        except ParseError as exc:
            out.errors.append(f"SVG not well-formed: {exc}"[:300])
        except Exception as exc:
            out.errors.append(f"SVG unreadable: {type(exc).__name__}: {exc}"[:300])
    if root is None:
        packet, error = xmp.find_packet(data)
        if packet is not None:
            found.xmp.append((packet, "XMP in SVG (byte search)"))
        elif error:
            out.errors.append(error)
        found.c2pa = c2pa_reader.SVG_C2PA_NAMESPACE in data
        found.c2pa_checked = True
        return
    width, height = _svg_length(root.get("width")), _svg_length(root.get("height"))
    if width is None or height is None:
        box = (root.get("viewBox") or "").replace(",", " ").split()
        if len(box) == 4:
            width, height = _svg_length(box[2]), _svg_length(box[3])
    out.width, out.height = width, height
    result = xmp.read_tree(root, "XMP in SVG metadata")
    found.xmp_marks.extend(result.marks)
    out.errors.extend(result.errors)
    found.provenance.extend((value, "XMP in SVG metadata") for value in result.provenance)
    manifest_tag = f"{{{c2pa_reader.SVG_C2PA_NAMESPACE.decode()}}}manifest"
    found.c2pa = any(el.tag == manifest_tag for el in root.iter())
    found.c2pa_checked = True

"""Image files for `auditor.media.marks.read_marks`: random bytes, real small images (made here with
Pillow) with random mutations, PNG text chunks (tEXt, zTXt, iTXt, with zlib bombs), JPEG APP1 XMP
and APP11 C2PA segments, EXIF UserComments, SVG, and XMP packets from a grammar (entity
declarations, external entities, huge attribute counts, deep nesting, near-miss namespaces).

The property: `read_marks` returns a FileMarks (never raises) within 10 s, its last line of defence
("internal error while reading marks") never fires, its size and hash are the input's, and it
serialises to JSON.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from auditor.media.marks import FileMarks, read_marks

from ._support import IPTC, any_text, json_objects, known_bug, sample_images, time_limit, xmp_packet

pytestmark = [pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning"),
              pytest.mark.filterwarnings("ignore::UserWarning")]


def check_marks(data: bytes, name: str = "image", tolerate: bool = True) -> FileMarks | None:
    """The contract of read_marks on one file. None when a known bug stopped it (and `tolerate`)."""
    try:
        with time_limit(10, f"read_marks({name!r})"):
            marks = read_marks(data, name)
    except Exception as exc:
        if known_bug(exc, tolerate) is not None:
            return None
        raise
    assert isinstance(marks, FileMarks)
    assert marks.size == len(data)
    assert marks.sha256 == hashlib.sha256(data).hexdigest()
    for error in marks.errors:
        assert "internal error" not in error, error
    text = marks.model_dump_json()
    text.encode("utf-8")
    assert FileMarks.model_validate(json.loads(text)) == marks
    return marks


# -- XMP from a grammar -----------------------------------------------------------------------------

NAMESPACES = {
    "Iptc4xmpExt": ["http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "http://iptc.org/std/Iptc4xmpExt/2008-02-29",
                    "http://iptc.org/std/Iptc4xmpExt/2009-02-29/", "x"],
    "TC260": ["http://www.tc260.org.cn/ns/AIGC/1.0/", "http://www.tc260.org.cn/ns/AIGC/1.1/", ""],
    "dcterms": ["http://purl.org/dc/terms/", "http://purl.org/dc/elements/1.1/"],
}
PROPERTIES = ["DigitalSourceType", "AISystemUsed", "AISystemVersionUsed", "AIPromptInformation",
              "AIPromptWriterName", "AIGC", "provenance", "Other"]
VALUES = [IPTC + "trainedAlgorithmicMedia", IPTC + "digitalCapture", IPTC + "composite", "trainedAlgorithmicMedia",
          "https://schema.org/TrainedAlgorithmicMediaDigitalSource", "self#jumbf=/c2pa/urn:uuid:1",
          "https://manifests.example/m.c2pa", '{"AIGC":{"Label":"1","ContentProducer":"x"}}',
          "&quot;Label&quot;", "", " "]
DOCTYPES = [
    "", '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
    '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '<!DOCTYPE x SYSTEM "http://evil.example/x.dtd">',
    '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil.example/p">%p;]>', "<!DOCTYPE x>",
]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@st.composite
def xmp_xml(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(sorted(NAMESPACES)))
    uri = draw(st.sampled_from(NAMESPACES[prefix]))
    props: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        prop = draw(st.sampled_from(PROPERTIES))
        value = draw(st.one_of(st.sampled_from(VALUES), any_text, st.builds(json.dumps, json_objects)))
        form = draw(st.sampled_from(["element", "attribute", "resource", "bag", "value"]))
        if form == "attribute":
            props.append(f'<rdf:Description {prefix}:{prop}="{_escape(value)}"/>')
        elif form == "resource":
            props.append(f'<{prefix}:{prop} rdf:resource="{_escape(value)}"/>')
        elif form == "bag":
            props.append(f"<{prefix}:{prop}><rdf:Bag><rdf:li>{_escape(value)}</rdf:li></rdf:Bag></{prefix}:{prop}>")
        elif form == "value":
            props.append(f'<{prefix}:{prop} rdf:value="{_escape(value)}"/>')
        else:
            props.append(f"<{prefix}:{prop}>{_escape(value)}</{prefix}:{prop}>")
    many = draw(st.sampled_from([0, 0, 0, 10, 1000, 60_000]))
    attrs = "".join(f' {prefix}:a{i}="v"' for i in range(many))
    depth = draw(st.sampled_from([0, 0, 50, 5000]))
    body = "<x>" * depth + "".join(props) + "</x>" * depth
    doctype = draw(st.sampled_from(DOCTYPES))
    entity = draw(st.sampled_from(["", "", "&a;", "&c;", "&e;", "&undefined;", "&#0;", "&#x1F916;"]))
    xml = (f'{doctype}<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
           f' xmlns:{prefix}="{uri}"><rdf:Description{attrs}>{entity}{body}</rdf:Description></rdf:RDF></x:xmpmeta>')
    if draw(st.booleans()):
        xml = f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>{xml}<?xpacket end="w"?>'
    cut = draw(st.sampled_from([None, None, None, 0.5, 0.9]))
    return xml[: int(len(xml) * cut)] if cut else xml


def _xmp_bytes(xml: str, how: str) -> bytes:
    if how == "utf-16":
        return xml.encode("utf-16", "surrogatepass")
    if how == "utf-32":
        return xml.encode("utf-32", "surrogatepass")
    return xml.encode("utf-8", "surrogatepass")


xmp_bytes = st.builds(_xmp_bytes, xmp_xml(), st.sampled_from(["utf-8", "utf-8", "utf-16", "utf-32"]))


# -- containers built by hand -----------------------------------------------------------------------


def png_chunk(ctype: bytes, body: bytes, good_crc: bool = True) -> bytes:
    crc = zlib.crc32(ctype + body) if good_crc else 0xDEADBEEF
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", crc & 0xFFFFFFFF)


@functools.cache
def zlib_bomb(size: int) -> bytes:
    """A few KB that inflate to `size` bytes."""
    packer = zlib.compressobj(9)
    block = b"\x00" * (1 << 20)
    out = [packer.compress(block) for _ in range(size >> 20)]
    out.append(packer.compress(b"\x00" * (size & ((1 << 20) - 1))))
    out.append(packer.flush())
    return b"".join(out)


def aigc_label(draw: st.DrawFn) -> str:
    return draw(st.one_of(
        st.builds(json.dumps, json_objects),
        st.builds(lambda o: json.dumps({"AIGC": o}), json_objects),
        st.just('{"Label":"1","ContentProducer":"p","ProduceID":"i","ReservedCode1":"","ContentPropagator":"",'
                '"PropagateID":"","ReservedCode2":""}'),
        any_text,
        st.builds(lambda n: "[" * n + "]" * n, st.integers(1, 100_000)),
    ))


@st.composite
def text_chunk(draw: st.DrawFn) -> bytes:
    ctype = draw(st.sampled_from([b"tEXt", b"zTXt", b"iTXt"]))
    keyword = draw(st.sampled_from([b"AIGC", b"aigc", b"AIGC label", b"XML:com.adobe.xmp", b"Comment", b"",
                                    b"A" * 200]))
    what = draw(st.sampled_from(["label", "xmp", "bomb", "corrupt", "random"]))
    if what == "label":
        text = aigc_label(draw).encode("utf-8", "surrogatepass")
    elif what == "xmp":
        text = draw(xmp_bytes)
    elif what == "random":
        text = draw(st.binary(max_size=200))
    else:
        text = b""
    if ctype == b"tEXt":
        body = keyword + b"\x00" + text
    elif ctype == b"zTXt":
        packed = zlib_bomb(draw(st.sampled_from([3 << 20, 64 << 20]))) if what == "bomb" else zlib.compress(text)
        if what == "corrupt":
            packed = b"x\x9c\xff\xff" + draw(st.binary(max_size=20))
        body = keyword + b"\x00\x00" + packed
    else:
        compressed = what in ("bomb", "corrupt") or draw(st.booleans())
        if what == "bomb":
            packed = zlib_bomb(draw(st.sampled_from([3 << 20, 64 << 20])))
        elif what == "corrupt":
            packed = draw(st.binary(max_size=30))
        else:
            packed = zlib.compress(text) if compressed else text
        body = keyword + b"\x00" + bytes([int(compressed), 0]) + b"en\x00" + b"\x00" + packed
    if draw(st.booleans()) and len(body) > 2:
        body = body[: draw(st.integers(0, len(body)))]
    return png_chunk(ctype, body, draw(st.booleans()))


@st.composite
def png_file(draw: st.DrawFn) -> bytes:
    base = sample_images()["plain.png"]
    # Take the real IHDR and IDAT, put random chunks before and after the pixel data.
    chunks: list[bytes] = []
    pos = 8
    while pos + 8 <= len(base):
        length = int.from_bytes(base[pos:pos + 4], "big")
        chunks.append(base[pos:pos + 12 + length])
        pos += 12 + length
    ihdr, idat = chunks[0], [c for c in chunks if c[4:8] == b"IDAT"]
    extra = draw(st.lists(st.one_of(text_chunk(), st.builds(lambda b: png_chunk(b"caBX", b), st.binary(max_size=64)),
                                    st.builds(lambda b: png_chunk(b"eXIf", b"AIGC" + b), st.binary(max_size=64)),
                                    st.builds(png_chunk, st.sampled_from([b"IEND", b"zzzz", b"\x00\x01\x02\x03"]),
                                              st.binary(max_size=16))),
                          max_size=5))
    split = draw(st.integers(0, len(extra)))
    end = png_chunk(b"IEND", b"") if draw(st.booleans()) else b""
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(extra[:split]) + b"".join(idat) + b"".join(extra[split:]) + end


def jpeg_segment(marker: int, body: bytes) -> bytes:
    length = min(len(body) + 2, 0xFFFF)
    return bytes([0xFF, marker]) + struct.pack(">H", length) + body


@st.composite
def jpeg_file(draw: st.DrawFn) -> bytes:
    base = sample_images()["plain.jpg"]
    segments: list[bytes] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["xmp", "xmp", "exif", "c2pa", "random"]))
        if kind == "xmp":
            body = b"http://ns.adobe.com/xap/1.0/\x00" + draw(xmp_bytes)
            segments.append(jpeg_segment(0xE1, body))
        elif kind == "exif":
            segments.append(jpeg_segment(0xE1, b"Exif\x00\x00" + draw(exif_block())))
        elif kind == "c2pa":
            box = b"jumb" + b"\x00\x00\x00\x00jumd" + bytes.fromhex("6332706100110010800000aa00389b71")
            segments.append(jpeg_segment(0xEB, b"JP\x00\x01\x00\x00\x00\x01" + box + draw(st.binary(max_size=200))))
        else:
            segments.append(jpeg_segment(draw(st.integers(0xE0, 0xEF)), draw(st.binary(max_size=100))))
    return base[:2] + b"".join(segments) + base[2:]


@st.composite
def exif_block(draw: st.DrawFn) -> bytes:
    exif = Image.Exif()
    prefix = draw(st.sampled_from([b"ASCII\x00\x00\x00", b"UNICODE\x00", b"JIS\x00\x00\x00\x00\x00", b"\x00" * 8,
                                   b"junk"]))
    label = aigc_label(draw)
    if prefix == b"UNICODE\x00":
        payload = label.encode(draw(st.sampled_from(["utf-16-le", "utf-16-be", "utf-16"])), "surrogatepass")
    else:
        payload = label.encode("utf-8", "surrogatepass")
    exif.get_ifd(0x8769)[0x9286] = prefix + payload
    data = exif.tobytes()
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


def _svg(xmp: bytes, root: str, dims: str) -> bytes:
    return (f'<?xml version="1.0"?><{root} xmlns="http://www.w3.org/2000/svg" {dims}><metadata>'.encode()
            + xmp + f"</metadata></{root.split()[0]}>".encode())


svg_file = st.builds(_svg, xmp_bytes, st.sampled_from(["svg", "svg:svg xmlns:svg='http://www.w3.org/2000/svg'", "SVG"]),
                     st.sampled_from(['width="10" height="10"', 'viewBox="0 0 1e308 1e308"', 'width="-1px"',
                                      'width="1e999"', 'viewBox="a,b,c,d"', ""]))


# -- mutations --------------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[bytes]) -> bytes:
    data = bytearray(draw(base))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        op = draw(st.sampled_from(["flip", "flip", "truncate", "insert", "overwrite", "duplicate"]))
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.one_of(st.binary(max_size=40), xmp_bytes,
                                         st.sampled_from([b"<x:xmpmeta", b"</x:xmpmeta>", b"<?xpacket begin", b"AIGC",
                                                          b"\xff\xd9", b"\xff\xda", b"IEND", b"c2pa"])))
        elif op == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=8))
            data[at:at + len(chunk)] = chunk
        else:
            data[at:at] = data[at:at + draw(st.integers(1, 64))]
    return bytes(data)


real_images = st.sampled_from(sorted(sample_images())).map(lambda name: sample_images()[name])
MAGIC = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP", b"II*\x00", b"MM\x00*",
         b"\x00\x00\x00\x18ftypavif", b"\x00\x00\x00\x18ftypheic", b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n",
         b"<svg", b"\xef\xbb\xbf<?xml?><svg", b"BM", b"\x00\x00\x01\x00", b"\x00\x00\x00\x0cjP  \r\n\x87\n"]


@given(st.one_of(st.binary(max_size=5000),
                 st.builds(lambda m, b: m + b, st.sampled_from(MAGIC), st.binary(max_size=3000))),
       st.sampled_from(["x.jpg", "x.png", "x.svg", "", "x"]))
def test_random_bytes(data: bytes, name: str) -> None:
    check_marks(data, name)


@given(mutated(real_images))
def test_mutated_real_images(data: bytes) -> None:
    check_marks(data)


@given(st.one_of(png_file(), mutated(png_file())))
def test_png_text_chunks(data: bytes) -> None:
    check_marks(data, "x.png")


@given(st.one_of(jpeg_file(), mutated(jpeg_file())))
def test_jpeg_app_segments(data: bytes) -> None:
    check_marks(data, "x.jpg")


@given(st.one_of(svg_file, mutated(svg_file)))
def test_svg(data: bytes) -> None:
    check_marks(data, "x.svg")


@given(xmp_bytes, st.sampled_from(["JPEG", "PNG", "WEBP", "TIFF", "GIF"]))
def test_xmp_through_pillow(packet: bytes, fmt: str) -> None:
    """XMP written by Pillow itself into each container that carries it."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (4, 4), (1, 2, 3))
    try:
        if fmt == "GIF":
            image.save(buffer, fmt)
            data = buffer.getvalue()
            data = data[:-1] + b"\x21\xff\x0bXMP DataXMP" + packet + bytes(range(255, -1, -1)) + b"\x00;"
        elif fmt == "TIFF":
            image.save(buffer, fmt, tiffinfo={700: packet})
            data = buffer.getvalue()
        else:
            image.save(buffer, fmt, xmp=packet)
            data = buffer.getvalue()
    except (ValueError, OSError, struct.error):
        return  # Pillow would not write it: not an input anyone can make this way
    check_marks(data)


@given(st.sampled_from([0, 1, 2**16 - 1, 2**16, 2**31 - 1, 2**32 - 1]), st.sampled_from([0, 1, 2**16, 2**31 - 1]),
       st.sampled_from(["PNG", "GIF", "BMP", "WEBP"]))
def test_huge_and_zero_dimension_headers(width: int, height: int, fmt: str) -> None:
    """Headers that claim enormous (or no) sizes: Pillow's decompression-bomb guard and its header
    checks must become errors, never an exception or a decode of 2**62 pixels."""
    if fmt == "PNG":
        data = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + png_chunk(b"IEND", b""))
    elif fmt == "GIF":
        data = b"GIF89a" + struct.pack("<HH", width & 0xFFFF, height & 0xFFFF) + b"\x00\x00\x00;"
    elif fmt == "BMP":
        data = (b"BM" + struct.pack("<IHHI", 54, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, width & 0x7FFFFFFF,
                                                                          height & 0x7FFFFFFF, 1, 24, 0, 0, 0, 0, 0, 0))
    else:
        data = (b"RIFF" + struct.pack("<I", 22) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
                + ((width - 1) & 0xFFFFFF).to_bytes(3, "little") + ((height - 1) & 0xFFFFFF).to_bytes(3, "little"))
    check_marks(data)


def test_xmp_packet_helper_is_read() -> None:
    """The helper packet says AI: a sanity check that these tests reach the XMP reader at all."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "JPEG", xmp=xmp_packet())
    marks = check_marks(buffer.getvalue())
    assert marks is not None and any(m.says_ai for m in marks.marks)

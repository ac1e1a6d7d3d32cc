"""auditor.media: provenance marks inside image bytes (C2PA, IPTC XMP, China's AIGC label).

Real files (tests/fixtures/images, see SOURCES.md) are checked against the shared corpus ground
truth (what c2pa-python 0.38.1 and ExifTool read from them), copied below so that the tests run
without the corpus; everything else (AIGC labels, XMP variants, hostile and truncated files) is
generated with Pillow in tmp memory.
"""

from __future__ import annotations

import io
import json
import random
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from auditor.media import c2pa_reader, marks, xmp
from auditor.media.aigc import user_comment_text
from auditor.media.marks import MAX_FILE_BYTES, FileMarks, Mark, read_marks

FIXTURES = Path(__file__).parent / "fixtures" / "images"
# The shared corpus sits beside the repository (../shared), when it is there at all.
CORPUS_TRUTH = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ground_truth" / "images.json"
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
NS_IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
NS_TC260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"
LABEL = {"Label": "1", "ContentProducer": "001191110102MACQD9K64010000", "ProduceID": "doubao-2025-0001",
         "ReservedCode1": "", "ContentPropagator": "", "PropagateID": "", "ReservedCode2": ""}

# From corpus/ground_truth/images.json (c2pa_reader = c2pa-python 0.38.1, exiftool_xmp = ExifTool).
GROUND_TRUTH: dict[str, dict[str, Any]] = {
    "c2pa-rs_C.jpg": {
        "sha256": "a2d14755db55de67a47c04090340d8266e892367be4104a45626d7a6fa6e9ffd", "bytes": 132518,
        "c2pa_reader": {"manifests": 1, "active_claim_generator": "make_test_images/0.33.1 c2pa-rs/0.33.1",
                        "signer": "C2PA Test Signing Cert", "validation_state": "Valid",
                        "validation_codes": ["signingCredential.untrusted"],
                        "digital_source_types": ["active:algorithmicMedia"], "actions_active": ["c2pa.created"]},
        "exiftool_xmp": {}},
    "c2pa-rs_XCA.jpg": {
        "sha256": "81f20702a2e81611b29aa773f811b59ade6095acd3d089d6ffdae6b591d6d5a5", "bytes": 142765,
        "c2pa_reader": {"manifests": 1, "active_claim_generator": "make_test_images/0.33.1 c2pa-rs/0.33.1",
                        "signer": "C2PA Test Signing Cert", "validation_state": "Invalid",
                        "validation_codes": ["assertion.dataHash.mismatch", "signingCredential.untrusted"],
                        "digital_source_types": [], "actions_active": ["c2pa.opened", "c2pa.color_adjustments"]},
        "exiftool_xmp": {}},
    "c2pa-rs_no_alg.jpg": {
        "sha256": "7c91641416c18319b823c292ae603c5354892ac365c05543519154c48c6a1f8a", "bytes": 86499,
        "c2pa_reader": {"error": "_C2paOther: Other: unknown algorithm"}, "exiftool_xmp": {}},
    "c2pa-rs_no_manifest.jpg": {
        "sha256": "9ac395ca04fc9d348acf6f81920f5e894d336341c3f764ca86c354eec6f7c2d6", "bytes": 97591,
        "c2pa_reader": {"error": "_C2paManifestNotFound: ManifestNotFound: no JUMBF data found"},
        "exiftool_xmp": {"XMP-dcterms:Provenance":
                         "self#jumbf=/c2pa/adobe:urn:uuid:5f5bba8c-9184-44c6-b9a7-62cfda37b343/c2pa.claim"}},
    "c2pa-rs_libpng-test_with_url.png": {
        "sha256": "8ffdf61c6497696b4a18f8e04b416c749f7ad67f4a1529862f50231db86d1411", "bytes": 4104,
        "c2pa_reader": {"error": "C2paError: Remote: could not fetch the remote manifest an error occurred from the "
                                 "underlying http resolver: error sending request for url "
                                 "(http://localhost:5000/libpng-test.c2pa)"},
        "exiftool_xmp": {"XMP-dcterms:Provenance": "http://localhost:5000/libpng-test.c2pa"}},
    "IPTC-PhotometadataRef-Std2021.1.jpg": {
        "sha256": "c578389d83d513de2afbd5834bf96590c6fa0bbf894c318b2f89d9a4946cfe99", "bytes": 134078,
        "c2pa_reader": None,
        "exiftool_xmp": {"XMP-iptcExt:DigitalSourceType": f"{IPTC}softwareImage",
                         "XMP-dc:Creator": "Creator1 (ref2021.1)", "XMP-photoshop:Credit": "Credit Line (ref2021.1)",
                         "IPTC:Credit": "Credit Line (ref2021.1)"}},
    "c2pa-rs_libpng-test.png": {
        "sha256": "c5c635a1dbbec9a768c3bb4527dbaea62a1be05efcee17d66799cc07b673b29b", "bytes": 3700,
        "c2pa_reader": {"error": "_C2paManifestNotFound: ManifestNotFound: no JUMBF data found"}, "exiftool_xmp": {}},
    "c2pa-rs_test_xmp.webp": {
        "sha256": "769bf38d77496cc610ad0a0a5515f77e5c0ac185b64f99e4fa1ac4ede6dc290b", "bytes": 25020,
        "c2pa_reader": {"error": "_C2paManifestNotFound: ManifestNotFound: no JUMBF data found"},
        "exiftool_xmp": {"XMP-dc:Creator": "MDF"}},
}
# c2pa-python's validation_state (+ codes) -> Mark.validation
EXPECTED_VALIDATION = {"c2pa-rs_C.jpg": "untrusted", "c2pa-rs_XCA.jpg": "tampered"}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def only(card: FileMarks, kind: str) -> Mark:
    found = [m for m in card.marks if m.kind == kind]
    assert len(found) == 1, card.model_dump()
    return found[0]


def xmp_packet(description: str, namespaces: str = "") -> str:
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f'<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="{NS_IPTC_EXT}" xmlns:TC260="{NS_TC260}" '
            f'xmlns:dcterms="http://purl.org/dc/terms/" {namespaces}{description}</rdf:Description>'
            '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def dst_element(value: str) -> str:
    return f'><Iptc4xmpExt:DigitalSourceType>{value}</Iptc4xmpExt:DigitalSourceType>'


def image(fmt: str = "JPEG", size: tuple[int, int] = (32, 24), **params: Any) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buf, fmt, **params)
    return buf.getvalue()


def png_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def png_insert(png: bytes, chunk: bytes, before: bytes = b"IEND") -> bytes:
    at = png.index(before) - 4
    return png[:at] + chunk + png[at:]


# --- the real files, against the corpus ground truth -----------------------------------------------


def test_fixtures_are_the_corpus_files() -> None:
    for name, truth in GROUND_TRUTH.items():
        card = read_marks(fixture(name), name)
        assert (card.size, card.sha256) == (truth["bytes"], truth["sha256"]), name


def test_ground_truth_copy_matches_corpus() -> None:
    if not CORPUS_TRUTH.exists():
        pytest.skip("shared corpus not available")
    corpus = {Path(e["dest"]).name: e for e in json.loads(CORPUS_TRUTH.read_text(encoding="utf-8"))}
    for name, truth in GROUND_TRUTH.items():
        entry = corpus[name]
        assert (entry["sha256"], entry["bytes"], entry["exiftool_xmp"]) == (
            truth["sha256"], truth["bytes"], truth["exiftool_xmp"]), name
        reader = entry["c2pa_reader"]
        assert (reader is None) == (truth["c2pa_reader"] is None)
        for key, value in (truth["c2pa_reader"] or {}).items():
            assert reader[key] == value, (name, key)


@pytest.mark.parametrize("name", sorted(EXPECTED_VALIDATION))
def test_c2pa_manifest_as_ground_truth(name: str) -> None:
    truth = GROUND_TRUTH[name]["c2pa_reader"]
    card = read_marks(fixture(name), name)
    assert card.errors == []
    mark = only(card, "c2pa")
    assert mark.carrier == "JPEG APP11 (JUMBF)"
    assert mark.validation == EXPECTED_VALIDATION[name]
    assert set(truth["validation_codes"]) <= set(mark.validation_codes)
    assert mark.signer == truth["signer"]
    assert mark.claim_generator == truth["active_claim_generator"]
    assert mark.actions == truth["actions_active"]
    assert not mark.remote_manifest
    types = [t.split(":", 1)[1] for t in truth["digital_source_types"] if t.startswith("active:")]
    if types:
        assert mark.digital_source_type == IPTC + types[0]
        assert mark.says_ai is False  # algorithmicMedia: made by an algorithm, not a trained model
    else:
        assert mark.digital_source_type is None
        assert mark.says_ai is None
    assert card.format == "JPEG" and card.media_type == "image/jpeg" and card.width and card.height


def test_untrusted_signer_is_not_trusted_and_not_broken() -> None:
    mark = only(read_marks(fixture("c2pa-rs_C.jpg")), "c2pa")
    assert mark.validation == "untrusted"
    assert "signingCredential.untrusted" in mark.validation_codes
    assert not any("mismatch" in code for code in mark.validation_codes)


def test_tampered_manifest_names_the_failing_hash() -> None:
    mark = only(read_marks(fixture("c2pa-rs_XCA.jpg")), "c2pa")
    assert mark.validation == "tampered"
    assert mark.validation_codes[:2] == ["signingCredential.untrusted", "assertion.dataHash.mismatch"]


def test_unreadable_manifest_keeps_the_readers_message() -> None:
    card = read_marks(fixture("c2pa-rs_no_alg.jpg"))
    mark = only(card, "c2pa")
    assert mark.validation == "unreadable" and mark.says_ai is None
    assert mark.problem is not None and "unknown algorithm" in mark.problem  # as in the ground truth
    assert card.errors == []


def test_trap_c2pa_bytes_without_manifest_gives_nothing() -> None:
    data = fixture("c2pa-rs_no_manifest.jpg")
    assert b"jumb" in data and b"c2pa" in data  # what a naive byte grep would call a manifest
    card = read_marks(data)
    assert card.marks == [] and card.errors == []
    assert card.says_ai is None


def test_remote_manifest_is_reported_not_fetched() -> None:
    card = read_marks(fixture("c2pa-rs_libpng-test_with_url.png"))
    mark = only(card, "c2pa")
    assert mark.remote_manifest is True
    assert mark.validation is None and mark.says_ai is None
    assert "http://localhost:5000/libpng-test.c2pa" in mark.value and "not fetched" in mark.value
    assert mark.carrier == "XMP in PNG iTXt dcterms:provenance"
    assert card.errors == []


def test_iptc_reference_image() -> None:
    truth = GROUND_TRUTH["IPTC-PhotometadataRef-Std2021.1.jpg"]["exiftool_xmp"]
    card = read_marks(fixture("IPTC-PhotometadataRef-Std2021.1.jpg"))
    mark = only(card, "iptc")
    assert mark.digital_source_type == truth["XMP-iptcExt:DigitalSourceType"]
    assert mark.carrier == "XMP in JPEG APP1"
    assert mark.says_ai is False and mark.problem is None  # softwareImage: not generative AI
    assert [m.kind for m in card.marks] == ["iptc"] and card.errors == []
    assert (card.width, card.height) == (2000, 1000)


@pytest.mark.parametrize(("name", "fmt", "size"), [("c2pa-rs_libpng-test.png", "PNG", (91, 69)),
                                                   ("c2pa-rs_test_xmp.webp", "WEBP", (128, 128))])
def test_plain_images_have_no_marks(name: str, fmt: str, size: tuple[int, int]) -> None:
    card = read_marks(fixture(name))
    assert card.marks == [] and card.errors == []
    assert card.format == fmt and (card.width, card.height) == size
    assert card.says_ai is None


# --- China's AIGC label --------------------------------------------------------------------------


def png_with_text(key: str, value: str, kind: str = "tEXt") -> bytes:
    info = PngInfo()
    if kind == "iTXt":
        info.add_itxt(key, value)
    else:
        info.add_text(key, value, zip=kind == "zTXt")
    return image("PNG", pnginfo=info)


@pytest.mark.parametrize("kind", ["tEXt", "zTXt", "iTXt"])
def test_png_aigc_chunk(kind: str) -> None:
    card = read_marks(png_with_text("AIGC", json.dumps(LABEL), kind))
    mark = only(card, "aigc")
    assert mark.carrier == f"PNG {kind} AIGC"
    assert mark.says_ai is True and mark.problem is None
    assert '"001191110102MACQD9K64010000"' in mark.value and "AI-generated" in mark.value
    assert card.says_ai is True and card.errors == []


def test_png_aigc_chunk_after_the_pixels() -> None:
    # Text chunks may follow IDAT; Pillow only reads those by decoding the pixels, the walker does not.
    png = png_insert(image("PNG"), png_chunk(b"tEXt", b"AIGC\x00" + json.dumps(LABEL).encode()))
    assert png.index(b"tEXtAIGC") > png.index(b"IDAT")
    assert only(read_marks(png), "aigc").says_ai is True


def test_png_malformed_aigc_json() -> None:
    mark = only(read_marks(png_with_text("AIGC", '{"Label": "1", "ContentProducer": ')), "aigc")
    assert mark.says_ai is None
    assert mark.problem == "the AIGC label is not valid JSON"


def test_png_aigc_with_numeric_label_and_missing_fields() -> None:
    label = {k: v for k, v in LABEL.items() if k != "ReservedCode2"} | {"Label": 1}
    mark = only(read_marks(png_with_text("AIGC", json.dumps(label))), "aigc")
    assert mark.problem == "missing field(s) ReservedCode2; field(s) Label must be strings"
    assert mark.says_ai is True  # Label 1 still says AI; the number is the problem


def test_png_aigc_possible_label_makes_no_claim() -> None:
    mark = only(read_marks(png_with_text("AIGC", json.dumps(LABEL | {"Label": "2"}))), "aigc")
    assert mark.says_ai is None and mark.problem is None and "possibly" in mark.value


def test_png_other_text_chunks_are_ignored() -> None:
    card = read_marks(png_with_text("Comment", '{"AIGC": "not under an AIGC keyword"}'))
    assert card.marks == [] and card.errors == []


@pytest.mark.parametrize("prefix,encoding", [(b"ASCII\x00\x00\x00", "utf-8"), (b"UNICODE\x00", "utf-16-le"),
                                             (b"UNICODE\x00", "utf-16-be"), (b"\x00" * 8, "utf-8")])
def test_exif_user_comment_aigc(prefix: bytes, encoding: str) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = prefix + json.dumps({"AIGC": LABEL}).encode(encoding)
    card = read_marks(image("JPEG", exif=exif))
    mark = only(card, "aigc")
    assert mark.carrier == "EXIF UserComment"
    assert mark.says_ai is True and mark.problem is None
    assert card.errors == []


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF"])
def test_exif_user_comment_aigc_in_other_formats(fmt: str) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\x00\x00\x00" + json.dumps({"AIGC": LABEL}).encode()
    assert only(read_marks(image(fmt, exif=exif.tobytes())), "aigc").says_ai is True


def test_exif_user_comment_prose_is_not_a_label() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\x00\x00\x00An essay about AIGC policy"
    assert read_marks(image("JPEG", exif=exif)).marks == []


def test_user_comment_prefixes() -> None:
    assert user_comment_text(b"ASCII\x00\x00\x00hello\x00") == "hello"
    assert user_comment_text(b"UNICODE\x00" + "héllo".encode("utf-16-le")) == "héllo"
    assert user_comment_text(b"UNICODE\x00" + "héllo".encode("utf-16-be")) == "héllo"
    assert user_comment_text(b"JIS\x00\x00\x00\x00\x00" + "日本".encode("shift_jis")) == "日本"
    assert user_comment_text(b"\x00" * 8 + b"plain") == "plain"


# --- XMP --------------------------------------------------------------------------------------------


def test_xmp_full_uri_trained_algorithmic_media() -> None:
    card = read_marks(image("JPEG", xmp=xmp_packet(dst_element(IPTC + "trainedAlgorithmicMedia")).encode()))
    mark = only(card, "iptc")
    assert mark.carrier == "XMP in JPEG APP1"
    assert mark.says_ai is True and mark.problem is None
    assert mark.digital_source_type == IPTC + "trainedAlgorithmicMedia"
    assert card.says_ai is True and card.errors == []


def test_xmp_bare_code_is_a_problem() -> None:
    mark = only(read_marks(image("JPEG", xmp=xmp_packet(dst_element("trainedAlgorithmicMedia")).encode())), "iptc")
    assert mark.problem is not None and "bare code" in mark.problem and "'trainedAlgorithmicMedia'" in mark.problem
    assert mark.says_ai is True  # the intent is clear, the form is wrong


@pytest.mark.parametrize("description", [
    f' Iptc4xmpExt:DigitalSourceType="{IPTC}compositeWithTrainedAlgorithmicMedia">',
    f'><Iptc4xmpExt:DigitalSourceType rdf:resource="{IPTC}compositeWithTrainedAlgorithmicMedia"/>',
    dst_element("https://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"),
])
def test_xmp_source_type_forms(description: str) -> None:
    mark = only(read_marks(image("JPEG", xmp=xmp_packet(description).encode())), "iptc")
    assert mark.says_ai is True and mark.problem is None


def test_xmp_digital_capture_says_not_ai() -> None:
    mark = only(read_marks(image("JPEG", xmp=xmp_packet(dst_element(IPTC + "digitalCapture")).encode())), "iptc")
    assert mark.says_ai is False


def test_xmp_lookalike_namespace_is_a_problem() -> None:
    packet = xmp_packet('><bad:DigitalSourceType>' + IPTC + 'trainedAlgorithmicMedia</bad:DigitalSourceType>',
                        'xmlns:bad="http://iptc.org/std/Iptc4xmpExt/2008-02-29" ')
    mark = only(read_marks(image("JPEG", xmp=packet.encode())), "iptc")
    assert mark.problem is not None and "namespace" in mark.problem


def test_xmp_tc260_aigc_attribute() -> None:
    packet = xmp_packet(f' TC260:AIGC="{escape(json.dumps(LABEL))}">')
    assert "&quot;Label&quot;" in packet  # entity-escaped JSON, as the TC260 guide writes it
    card = read_marks(image("JPEG", xmp=packet.encode()))
    mark = only(card, "aigc")
    assert mark.carrier == "XMP in JPEG APP1"
    assert mark.says_ai is True and mark.problem is None
    assert card.errors == []


def test_xmp_tc260_aigc_element_in_png() -> None:
    packet = xmp_packet(f"><TC260:AIGC>{escape(json.dumps(LABEL))}</TC260:AIGC>")
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", packet)
    mark = only(read_marks(image("PNG", pnginfo=info)), "aigc")
    assert mark.carrier == "XMP in PNG iTXt" and mark.says_ai is True


def test_xmp_iptc_ai_fields() -> None:
    packet = xmp_packet("><Iptc4xmpExt:AISystemUsed>Firefly Image 3</Iptc4xmpExt:AISystemUsed>"
                        "<Iptc4xmpExt:AISystemVersionUsed>3.1</Iptc4xmpExt:AISystemVersionUsed>"
                        "<Iptc4xmpExt:AIPromptInformation><rdf:Alt><rdf:li xml:lang=\"x-default\">a red fox"
                        "</rdf:li></rdf:Alt></Iptc4xmpExt:AIPromptInformation>")
    mark = only(read_marks(image("JPEG", xmp=packet.encode())), "iptc-ai-fields")
    assert mark.says_ai is True
    assert mark.value == "AISystemUsed=Firefly Image 3; AISystemVersionUsed=3.1; AIPromptInformation=a red fox"


def test_webp_with_xmp() -> None:
    card = read_marks(image("WEBP", xmp=xmp_packet(dst_element(IPTC + "compositeSynthetic")).encode()))
    mark = only(card, "iptc")
    assert mark.carrier == "XMP in WebP" and mark.says_ai is True
    assert card.format == "WEBP" and card.media_type == "image/webp"


def test_tiff_xmp_tag() -> None:
    data = image("TIFF", tiffinfo={700: xmp_packet(dst_element(IPTC + "trainedAlgorithmicMedia")).encode()})
    assert only(read_marks(data), "iptc").carrier == "TIFF XMP tag"


def test_gif_xmp_found_by_byte_search() -> None:
    # The XMP-in-GIF convention: the raw packet, then a 258-byte "magic trailer" that makes the
    # packet's own bytes parse as sub-blocks. After the first frame, Pillow does not read it.
    packet = xmp_packet(dst_element(IPTC + "trainedAlgorithmicMedia")).encode()
    gif = image("GIF")
    trailer = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"
    card = read_marks(gif[:-1] + b"\x21\xff\x0bXMP DataXMP" + packet + trailer + b";")
    assert card.format == "GIF" and card.errors == []
    mark = only(card, "iptc")
    assert mark.says_ai is True and mark.carrier == "XMP in GIF (byte search)"


def test_xmp_entity_bomb_is_refused() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "AIAIAIAIAIAIAIAIAIAI">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
            + ']>' + xmp_packet(dst_element(IPTC + "trainedAlgorithmicMedia&i;")).split("?>", 1)[1])
    card = read_marks(image("JPEG", xmp=bomb.encode()))
    assert card.marks == []
    assert len(card.errors) == 1
    assert card.errors[0].startswith("XMP refused (XMP in JPEG APP1)")
    assert "entity declarations are not allowed" in card.errors[0]


def test_xmp_external_entity_is_refused() -> None:
    packet = ('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
              + xmp_packet(dst_element("&e;")).split("?>", 1)[1])
    card = read_marks(image("JPEG", xmp=packet.encode()))
    assert card.marks == [] and "XMP refused" in card.errors[0]


def test_xmp_not_well_formed() -> None:
    packet = xmp_packet(dst_element(IPTC + "trainedAlgorithmicMedia")).replace("</rdf:RDF>", "")
    card = read_marks(image("JPEG", xmp=packet.encode()))
    assert card.marks == [] and card.errors[0].startswith("XMP not well-formed")


def test_xmp_without_wanted_properties_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("parsed an XMP packet that names nothing we read")

    monkeypatch.setattr("defusedxml.ElementTree.fromstring", fail)
    packet = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
              '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="image/jpeg"/>'
              '</rdf:RDF></x:xmpmeta>')
    card = read_marks(image("JPEG", xmp=packet.encode()))
    assert card.marks == [] and card.errors == []


def test_xmp_packet_limit() -> None:
    result = xmp.read_xmp(b" " * (xmp.MAX_XMP + 1), "XMP in test")
    assert result.marks == [] and "larger than 2 MiB" in result.errors[0]
    packet, error = xmp.find_packet(b"<x:xmpmeta " + b"a" * (xmp.MAX_XMP + 10))
    assert packet is None and error is not None and "2 MiB" in error


def test_utf16_xmp_packet() -> None:
    packet = xmp_packet(dst_element(IPTC + "trainedAlgorithmicMedia"))
    result = xmp.read_xmp(packet.encode("utf-16"), "XMP in test")
    assert [m.says_ai for m in result.marks] == [True] and result.errors == []


# --- SVG --------------------------------------------------------------------------------------------


def svg(metadata: str, prolog: str = '<?xml version="1.0"?>\n') -> bytes:
    return (f'{prolog}<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80px">'
            f"<metadata>{metadata}</metadata><rect width=\"10\" height=\"10\"/></svg>").encode()


def test_svg_xmp_metadata() -> None:
    packet = xmp_packet(dst_element(IPTC + "trainedAlgorithmicMedia")).split("?>", 1)[1].rsplit("<?xpacket", 1)[0]
    card = read_marks(svg(packet, '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                                  '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'))
    assert (card.format, card.media_type, card.width, card.height) == ("SVG", "image/svg+xml", 120, 80)
    mark = only(card, "iptc")
    assert mark.carrier == "XMP in SVG metadata" and mark.says_ai is True
    assert card.errors == []


def test_svg_c2pa_manifest_goes_to_the_reader() -> None:
    card = read_marks(svg('<c2pa:manifest xmlns:c2pa="http://c2pa.org/manifest">c29tZSBkYXRh</c2pa:manifest>'))
    mark = only(card, "c2pa")
    assert mark.carrier == "SVG c2pa:manifest" and mark.validation == "unreadable"


def test_svg_entity_bomb_is_refused() -> None:
    bomb = '<!DOCTYPE svg [<!ENTITY a "xxxxxxxxxx"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
    card = read_marks(svg("&b;", bomb))
    assert card.format == "SVG" and card.marks == []
    assert card.errors == ["SVG refused: entity declarations are not allowed"]


def test_html_with_inline_svg_is_not_svg() -> None:
    card = read_marks(b"<!DOCTYPE html><html><body><svg></svg></body></html>")
    assert card.format is None and card.errors == ["unrecognised file format: not a web image format or SVG"]


# --- limits, broken and hostile files ----------------------------------------------------------------


def test_empty_file() -> None:
    card = read_marks(b"")
    assert card.errors == ["empty file"] and card.marks == [] and card.size == 0
    assert card.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_random_bytes() -> None:
    card = read_marks(random.Random(7).randbytes(4096))
    assert card.marks == [] and card.format is None
    assert card.errors == ["unrecognised file format: not a web image format or SVG"]


def test_file_over_the_limit_is_refused_unparsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("parsed a file over the size limit")

    monkeypatch.setattr(marks, "_read", fail)
    card = read_marks(b"\xff\xd8\xff" + b"\x00" * MAX_FILE_BYTES)
    assert card.errors == [f"file larger than 50 MiB ({MAX_FILE_BYTES + 3} bytes, limit image-bytes): not parsed"]
    assert card.size == MAX_FILE_BYTES + 3 and len(card.sha256) == 64


def test_truncated_jpeg_keeps_what_was_read() -> None:
    data = fixture("IPTC-PhotometadataRef-Std2021.1.jpg")
    card = read_marks(data[: len(data) // 2])
    assert "truncated JPEG: no end-of-image marker after the last scan" in card.errors
    assert only(card, "iptc").digital_source_type == IPTC + "softwareImage"


def test_truncated_c2pa_jpeg_no_longer_matches_its_hash() -> None:
    data = fixture("c2pa-rs_C.jpg")
    card = read_marks(data[: len(data) // 2])
    assert "truncated JPEG: no end-of-image marker after the last scan" in card.errors
    mark = only(card, "c2pa")
    assert mark.validation == "tampered" and "assertion.dataHash.mismatch" in mark.validation_codes


def test_jpeg_header_only() -> None:
    card = read_marks(fixture("c2pa-rs_C.jpg")[:40])
    assert card.format == "JPEG" and card.media_type == "image/jpeg" and card.marks == []
    assert card.errors == ["image header unreadable (OSError: Truncated File Read)",
                           "truncated JPEG: no end-of-image marker after the last scan"]


def test_truncated_png() -> None:
    png = png_with_text("AIGC", json.dumps(LABEL))
    card = read_marks(png[:-20])
    assert card.format == "PNG"
    assert any(e.startswith("truncated PNG") for e in card.errors)
    assert only(card, "aigc").says_ai is True  # the label came before the cut


def test_png_ztxt_bomb_is_not_inflated() -> None:
    body = b"AIGC\x00\x00" + zlib.compress(b"{" + b" " * (8 * 1024 * 1024), 9)
    card = read_marks(png_insert(image("PNG"), png_chunk(b"zTXt", body), before=b"IDAT"))
    assert card.marks == []
    assert any("inflates beyond 2 MiB" in e for e in card.errors)


def test_decompression_bomb_header_still_reads_marks() -> None:
    png = png_with_text("AIGC", json.dumps(LABEL))
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    bomb = png[:8] + png_chunk(b"IHDR", ihdr) + png[8 + 25:]
    card = read_marks(bomb)
    assert any("decompression-bomb" in e for e in card.errors)
    assert card.format == "PNG"
    assert only(card, "aigc").says_ai is True


def test_corrupt_png_chunk_type() -> None:
    png = image("PNG")
    card = read_marks(png[:33] + b"\x00\x00\x00\x04\x00\x01\x02\x03" + png[33:])
    assert any("corrupt PNG" in e or "header unreadable" in e for e in card.errors)


def test_truncated_webp_and_gif() -> None:
    webp = image("WEBP", size=(64, 64))
    assert any(e.startswith("truncated WebP") for e in read_marks(webp[:-10]).errors)
    gif = image("GIF")
    assert "truncated GIF: no trailer" in read_marks(gif[:-1]).errors


def mutations(data: bytes, seed: int, count: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    for _ in range(count):
        out = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            at = rng.randrange(len(out))
            out[at: at + rng.randint(1, 8)] = rng.randbytes(rng.randint(0, 8))
        yield bytes(out[: rng.randint(1, len(out))] if rng.random() < 0.3 else out)


@pytest.mark.parametrize("name", ["c2pa-rs_C.jpg", "c2pa-rs_libpng-test_with_url.png", "c2pa-rs_test_xmp.webp"])
def test_mangled_files_never_raise(name: str) -> None:
    for data in mutations(fixture(name), seed=len(name), count=60):
        card = read_marks(data)
        assert isinstance(card, FileMarks) and card.size == len(data)
        assert not any(e.startswith("internal error") for e in card.errors), card.errors
        for mark in card.marks:
            assert len(mark.value) <= 300


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_generated_hostile_inputs_never_raise() -> None:
    packet = xmp_packet(dst_element(IPTC + "trainedAlgorithmicMedia"))
    cases = [
        b"\x89PNG\r\n\x1a\n" + b"\xff" * 64,
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 0xFFFFFFF0) + b"tEXtAIGC",
        b"RIFF\xff\xff\xff\xffWEBPC2PA\xff\xff\xff\xff",
        b"\x00\x00\x00\x18ftypheic" + b"\x00" * 8 + b"\x00\x00\x00\x01uuid" + b"\xff" * 8,
        b"II*\x00" + b"\xff" * 200,
        b"GIF89a" + b"\x00" * 10,
        b"<?xml version='1.0'?><svg" + b"<" * 1000,
        b"<?" * 20000,
        b"<x:xmpmeta" + b"<!ENTITY " * 1000,
        ("<svg xmlns='http://www.w3.org/2000/svg'><metadata>" + packet + "</metadata>").encode(),
        b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\x08AIGC\xff\xd9",
        ("[" * 100_000).encode(),
    ]
    label = "[" * 50_000 + "]" * 50_000
    cases.append(png_with_text("AIGC", label))
    for data in cases:
        card = read_marks(data)
        assert not any(e.startswith("internal error") for e in card.errors), (data[:40], card.errors)
    deep = only(read_marks(png_with_text("AIGC", label)), "aigc")
    assert deep.problem is not None


# --- cost and network -------------------------------------------------------------------------------


def test_plain_images_never_call_c2pa(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("c2pa-python called for an image without a C2PA carrier")

    monkeypatch.setattr(c2pa_reader, "read_c2pa", fail)
    for data in (fixture("c2pa-rs_no_manifest.jpg"), fixture("c2pa-rs_libpng-test.png"),
                 fixture("c2pa-rs_test_xmp.webp"), fixture("IPTC-PhotometadataRef-Std2021.1.jpg"),
                 fixture("c2pa-rs_libpng-test_with_url.png"), image("GIF"), image("TIFF")):
        read_marks(data)


def test_reader_never_fetches_a_remote_manifest() -> None:
    """Force the Reader onto the remote-manifest PNG and listen where its URL points: nothing arrives."""
    server = socket.socket()
    try:
        server.bind(("127.0.0.1", 5000))
    except OSError:
        server.close()
        pytest.skip("port 5000 is busy")
    server.listen(4)
    server.settimeout(0.1)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            connections.append(conn.recv(256))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        found, errors = c2pa_reader.read_c2pa(fixture("c2pa-rs_libpng-test_with_url.png"), "image/png", "PNG caBX")
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
        server.close()
    assert connections == []
    assert errors == [] and [m.remote_manifest for m in found] == [True]
    assert "http://localhost:5000/libpng-test.c2pa" in found[0].value


def test_offline_settings() -> None:
    assert c2pa_reader.OFFLINE_SETTINGS == {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
                                            "core": {"allowed_network_hosts": []}}


# --- the validation mapping and the verdict ----------------------------------------------------------


@pytest.mark.parametrize(("state", "codes", "expected"), [
    ("Valid", ["signingCredential.untrusted"], "untrusted"),
    ("Trusted", [], "valid"),
    ("Valid", [], "valid"),
    ("Invalid", ["signingCredential.untrusted", "claimSignature.mismatch"], "tampered"),
    ("Invalid", ["assertion.bmffHash.mismatch"], "tampered"),
    ("Invalid", ["signingCredential.expired", "signingCredential.untrusted"], "invalid"),
    ("Invalid", ["cawg.ica.did_unavailable"], "invalid"),
    (None, ["signingCredential.revoked"], "invalid"),
    ("Weird", [], "invalid"),
])
def test_validation_mapping(state: str | None, codes: list[str], expected: str) -> None:
    assert c2pa_reader.validation_of(state, codes) == expected


def test_store_with_ai_ingredient() -> None:
    created = {"label": "c2pa.actions.v2", "data": {"actions": [
        {"action": "c2pa.created", "digitalSourceType": IPTC + "trainedAlgorithmicMedia"}]}}
    edited = {"label": "c2pa.actions", "data": {"actions": [{"action": "c2pa.opened"}, {"action": "c2pa.placed"}]}}
    store = {
        "active_manifest": "urn:c2pa:a",
        "manifests": {
            "urn:c2pa:a": {"claim_generator_info": [{"name": "Editor", "version": "2.0"}], "assertions": [edited],
                           "ingredients": [{"active_manifest": "urn:c2pa:b"}],
                           "signature_info": {"common_name": "Editor Signer"}},
            "urn:c2pa:b": {"assertions": [created], "ingredients": [{"active_manifest": "urn:c2pa:a"}]},
        },
        "validation_state": "Trusted",
    }
    mark = c2pa_reader._from_store(store, "JPEG APP11 (JUMBF)")
    assert (mark.says_ai, mark.validation, mark.signer, mark.claim_generator) == (True, "valid", "Editor Signer",
                                                                                  "Editor/2.0")
    assert mark.actions == ["c2pa.opened", "c2pa.placed"]
    assert mark.digital_source_type == IPTC + "trainedAlgorithmicMedia" and "(ingredient)" in mark.value


def test_file_verdict() -> None:
    def mark(says: bool | None) -> Mark:
        return Mark(kind="iptc", carrier="x", says_ai=says)

    def card(*says: bool | None) -> FileMarks:
        return FileMarks(size=1, sha256="0" * 64, marks=[mark(s) for s in says])

    assert card().says_ai is None
    assert card(None).says_ai is None
    assert card(False, None).says_ai is False
    assert card(False, True).says_ai is True
    with pytest.raises(ValueError):
        Mark(kind="iptc", carrier="x", says_ai=None, unknown=1)  # type: ignore[call-arg]

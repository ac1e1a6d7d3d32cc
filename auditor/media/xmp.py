"""XMP packets: IPTC digital source type, the IPTC 2025.1 AI fields, China's TC260:AIGC, dcterms:provenance.

Why a module of its own: XMP is the one carrier every image format shares (JPEG APP1, PNG iTXt
"XML:com.adobe.xmp", WebP "XMP " chunk, GIF application extension, TIFF tag 700, SVG
<metadata>), and it is XML from an untrusted file. So it is parsed only with defusedxml, with DTDs,
entity declarations and external references forbidden: an entity bomb becomes an error entry, never
an expansion. Packets are limited to `MAX_XMP` bytes, and a packet that names none of the
properties read here is not parsed at all (most photos carry XMP that says nothing about AI).

What is read, in element form (`<ns:Prop>value</ns:Prop>`, `<ns:Prop rdf:resource="..."/>`, or a
nested rdf:li / rdf:value) and attribute form (`<rdf:Description ns:Prop="..."/>`):
- `Iptc4xmpExt:DigitalSourceType` (http://iptc.org/std/Iptc4xmpExt/2008-02-29/), whose value must
  be a full IPTC URI; judged by `auditor.analysis.signals.classify_source_type`;
- `Iptc4xmpExt:AISystemUsed`, `AISystemVersionUsed`, `AIPromptInformation`, `AIPromptWriterName`
  (IPTC Photo Metadata 2025.1): one "iptc-ai-fields" mark; naming the AI system that made the image
  says it is AI-made;
- `TC260:AIGC` (http://www.tc260.org.cn/ns/AIGC/1.0/): entity-escaped JSON, plain JSON once parsed;
- `dcterms:provenance`: where a C2PA manifest is (`self#jumbf=...` or a remote URL); returned to
  the caller, which decides whether it is a remote manifest (never fetched).
A property in a near-miss namespace (an IPTC or TC260 lookalike) is still reported, with a problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from auditor.analysis.signals import classify_source_type
from auditor.limits import describe, limits
from auditor.media.aigc import aigc_mark, short
from auditor.models import Mark

MAX_XMP = 2 * 1024 * 1024  # the default of limits().xmp_bytes, which is what counts
MAX_VALUES = 10  # per property: a hostile packet cannot flood the report
NS_IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
NS_TC260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"
NS_DCTERMS = "http://purl.org/dc/terms/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
AI_FIELDS = ("AISystemUsed", "AISystemVersionUsed", "AIPromptInformation", "AIPromptWriterName")
_WANTED = {"DigitalSourceType": "dst", "AIGC": "aigc", "provenance": "provenance",
           **{name: "ai" for name in AI_FIELDS}}
# A packet is parsed only if it names one of these (or declares something, `<!`).
_NEEDLES = ("DigitalSourceType", "AISystem", "AIPrompt", "AIGC", "provenance", "<!")
_NEEDLES_B = tuple(n.encode() for n in _NEEDLES)
_PACKET_BOUNDS = ((b"<x:xmpmeta", b"</x:xmpmeta>"), (b"<?xpacket begin", b"<?xpacket end"),
                  (b"<x:xapmeta", b"</x:xapmeta>"))


@dataclass(slots=True)
class XmpResult:
    marks: list[Mark] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)  # dcterms:provenance values


def find_packet(data: bytes) -> tuple[bytes | None, str | None]:
    """An XMP packet found by a bounded byte search: for formats (or places) Pillow does not expose."""
    for start_tag, end_tag in _PACKET_BOUNDS:
        start = data.find(start_tag)
        if start < 0:
            continue
        end = data.find(end_tag, start, start + limits().xmp_bytes + len(end_tag))
        if end < 0:
            if len(data) - start > limits().xmp_bytes:
                return None, (f"XMP packet larger than {describe(limits().xmp_bytes)} (limit xmp-bytes) or "
                              "unterminated: not read")
            return None, "XMP packet unterminated (truncated file?): not read"
        close = data.find(b">", end) if end_tag.startswith(b"<?") else end + len(end_tag) - 1
        return data[start: (close + 1 if close >= 0 else end + len(end_tag))], None
    return None, None


def _as_text(packet: bytes | str) -> bytes | str:
    """Bytes for UTF-8 packets (expat reads the declaration), text for UTF-16/32 ones."""
    if isinstance(packet, str):
        return packet.strip("\ufeff\x00 \t\r\n")
    head = packet[:4]
    text: str | None = None
    if head in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        text = packet.decode("utf-32", "replace")
    elif head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = packet.decode("utf-16", "replace")
    elif head[:2] == b"<\x00":
        text = packet.decode("utf-16-le", "replace")
    elif head[:2] == b"\x00<":
        text = packet.decode("utf-16-be", "replace")
    if text is not None:
        return text.strip("\ufeff\x00 \t\r\n")
    return packet.strip(b"\x00 \t\r\n")


def _mentions_wanted(packet: bytes | str) -> bool:
    if isinstance(packet, str):
        return any(n in packet for n in _NEEDLES)
    return any(n in packet for n in _NEEDLES_B)


def read_xmp(packet: bytes | str, carrier: str) -> XmpResult:
    """Marks in one XMP packet. Never raises; problems become errors (whole packet) or mark problems."""
    result = XmpResult()
    if len(packet) > limits().xmp_bytes:
        result.errors.append(f"XMP packet in {carrier} larger than {describe(limits().xmp_bytes)} "
                             "(limit xmp-bytes): not read")
        return result
    text = _as_text(packet)
    if not text or not _mentions_wanted(text):
        return result
    try:
        root = SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        result.errors.append(f"XMP refused ({carrier}): DTD and entity declarations are not allowed")
        return result
    except defusedxml.EntitiesForbidden:
        result.errors.append(f"XMP refused ({carrier}): entity declarations are not allowed")
        return result
    except defusedxml.ExternalReferenceForbidden:
        result.errors.append(f"XMP refused ({carrier}): external references are not allowed")
        return result
    except ParseError as exc:
        result.errors.append(f"XMP not well-formed ({carrier}): {exc}"[:300])
        return result
    except Exception as exc:  # expat limits, MemoryError, odd encodings: never raise on hostile input
        result.errors.append(f"XMP unreadable ({carrier}): {type(exc).__name__}: {exc}"[:300])
        return result
    return read_tree(root, carrier, result)


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _element_value(el: Element) -> str:
    text = (el.text or "").strip()
    if text:
        return text
    resource = el.get(f"{{{NS_RDF}}}resource") or el.get(f"{{{NS_RDF}}}value")
    if resource:
        return resource.strip()
    for child in el.iter():
        if child is not el and (child.text or "").strip():
            return (child.text or "").strip()
        resource = child.get(f"{{{NS_RDF}}}resource")
        if child is not el and resource:
            return resource.strip()
    return ""


def _namespace_problem(kind: str, local: str, ns: str) -> tuple[bool, str | None]:
    """(accept, problem) for a wanted local name in namespace ns."""
    if kind in ("dst", "ai"):
        if ns == NS_IPTC_EXT:
            return True, None
        if "iptc" in ns.lower():
            return True, f"{local} is in namespace {ns!r}, not Iptc4xmpExt {NS_IPTC_EXT}"
        return False, None
    if kind == "aigc":
        if ns == NS_TC260:
            return True, None
        return True, f"AIGC property in namespace {ns or 'none'!r}, not TC260 {NS_TC260}"
    return ns == NS_DCTERMS, None


def read_tree(root: Element, carrier: str, result: XmpResult | None = None) -> XmpResult:
    """Marks in an already parsed (safely parsed) XML tree: an XMP packet or an SVG document."""
    result = result if result is not None else XmpResult()
    found: dict[str, list[tuple[str, str, str | None]]] = {"dst": [], "ai": [], "aigc": [], "provenance": []}

    def add(kind: str, local: str, ns: str, value: str) -> None:
        accept, problem = _namespace_problem(kind, local, ns)
        entries = found[kind]
        if accept and value and len(entries) < MAX_VALUES and (local, value, problem) not in entries:
            entries.append((local, value, problem))

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions
        ns, local = _split(el.tag)
        kind = _WANTED.get(local)
        if kind is not None:
            add(kind, local, ns, _element_value(el))
        for key, value in el.attrib.items():
            ns, local = _split(key)
            kind = _WANTED.get(local)
            if kind is not None and ns:  # unqualified attributes are not XMP properties
                add(kind, local, ns, value.strip())

    for _local, value, ns_problem in found["dst"]:
        says, _strength, problem = classify_source_type(value)
        problems = [p for p in (ns_problem, problem) if p]
        result.marks.append(Mark(kind="iptc", carrier=carrier, says_ai=says, digital_source_type=value[:300],
                                 value=short(value), problem=short("; ".join(problems), 500) or None))
    if found["ai"]:
        parts = [f"{local}={value}" for local, value, _ in found["ai"]]
        problems = sorted({p for _, _, p in found["ai"] if p})
        result.marks.append(Mark(kind="iptc-ai-fields", carrier=carrier, says_ai=True, value=short("; ".join(parts)),
                                 problem=short("; ".join(problems), 500) or None))
    for _local, value, ns_problem in found["aigc"]:
        result.marks.append(aigc_mark(value, carrier, ns_problem))
    result.provenance.extend(value for _, value, _ in found["provenance"])
    return result

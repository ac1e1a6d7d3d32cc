"""Machine-readable AI signals in the page itself, and whether each is well formed.

What a page can say to machines about AI (the files' own marks, C2PA and XMP, are read elsewhere):
- schema.org `digitalSourceType` (JSON-LD, microdata, RDFa) with a schema.org enumeration member or
  an IPTC digital source type URI (http://cv.iptc.org/newscodes/digitalsourcetype/<term>); a bare
  term such as "trainedAlgorithmicMedia" is not a valid value;
- China's implicit label as `<meta name="AIGC" content="{json}">` (GB 45438-2025 Appendix E
  fields: Label, ContentProducer, ProduceID, ReservedCode1, ContentPropagator, PropagateID,
  ReservedCode2, all strings; Label "1" AI, "2" possibly, "3" suspected);
- the W3C AI Content Disclosure community group draft: `<meta name="ai-disclosure">` (none,
  ai-assisted, ai-generated, ai-autonomous, mixed), `ai-model`, `ai-provider`, `ai-prompt-url`, and
  the `ai-disclosure` attribute on elements (the same values but mixed);
- C2PA in HTML: `<link rel="c2pa-manifest">` or an inline `<script type="application/c2pa">`; more
  than one counts as none (C2PA 2.x, `manifest.html.multipleManifests`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from auditor.facts.model import PageFacts, SourceLocation
from auditor.models import ItemRef, MachineSignalRecord

IPTC_BASE = "cv.iptc.org/newscodes/digitalsourcetype/"
IPTC_AI = frozenset({"trainedalgorithmicmedia", "compositewithtrainedalgorithmicmedia", "compositesynthetic"})
IPTC_AMBIGUOUS = frozenset({"virtualrecording", "composite"})
IPTC_NOT_AI = frozenset({
    "algorithmicmedia", "algorithmicallyenhanced", "computationalcapture", "digitalcapture", "negativefilm",
    "positivefilm", "print", "screencapture", "compositecapture", "humanedits", "digitalcreation",
    "datadrivenmedia", "minorhumanedits", "softwareimage", "digitalart",
})
IPTC_TERMS = IPTC_AI | IPTC_AMBIGUOUS | IPTC_NOT_AI
SCHEMA_SUFFIX = "digitalsource"  # schema.org members: TrainedAlgorithmicMediaDigitalSource ...
AI_DISCLOSURE_VALUES = {"none": False, "ai-assisted": True, "ai-generated": True, "ai-autonomous": True,
                        "mixed": None}
AIGC_FIELDS = ("Label", "ContentProducer", "ProduceID", "ReservedCode1", "ContentPropagator", "PropagateID",
               "ReservedCode2")
MAX_JSONLD_DEPTH = 8


@dataclass(slots=True)
class MachineSignal:
    kind: str  # digital-source-type | aigc-meta | ai-disclosure-meta | ai-disclosure-attr | ai-meta | c2pa
    source: str  # json-ld | microdata | rdfa | meta | attribute | link | script
    value: str
    says_ai: bool | None  # True: marks AI-made; False: marks not AI-made; None: no claim either way
    strength: str  # generated | assisted | possible | none
    problem: str | None
    item: ItemRef
    location: SourceLocation | None

    def to_model(self) -> MachineSignalRecord:
        return MachineSignalRecord(kind=self.kind, source=self.source, value=self.value, says_ai=self.says_ai,
                                   strength=self.strength, problem=self.problem, item=self.item,
                                   location=self.location.model() if self.location else None)


def _page_ref(facts: PageFacts) -> ItemRef:
    return ItemRef(id="page", kind="page", label=facts.title or "")


def _item_of_node(facts: PageFacts, node: int | None, by_node: dict[int, str]) -> ItemRef:
    from auditor.analysis.disclosures import image_ref, item_ref

    if node is not None and facts.nodes[node].tag == "img":
        for index, image in enumerate(facts.images):
            if image.node == node:
                return image_ref(index, image)
    for ancestor in facts.ancestors(node):
        if ancestor in by_node:
            return item_ref(facts, facts.items[by_node[ancestor]])
    return _page_ref(facts)


def classify_source_type(value: str) -> tuple[bool | None, str, str | None]:
    """(says_ai, strength, problem) for a digitalSourceType value."""
    v = value.strip()
    low = v.lower()
    term = ""
    if IPTC_BASE in low:
        if not low.startswith(("http://", "https://")):
            return None, "none", f"{v!r} is not a full URI"
        term = low.rsplit("/", 1)[-1]
        if term not in IPTC_TERMS:
            return None, "none", f"{v!r} is not an IPTC digital source type"
    elif "schema.org/" in low and low.endswith(SCHEMA_SUFFIX):
        term = low.rsplit("/", 1)[-1][: -len(SCHEMA_SUFFIX)]
        if term not in IPTC_TERMS:
            return None, "none", f"{v!r} is not a member of schema.org IPTCDigitalSourceEnumeration"
    elif low in IPTC_TERMS:
        ai = True if low in IPTC_AI else None if low in IPTC_AMBIGUOUS else False
        return ai, "generated" if ai else "none", (
            f"bare code {v!r}: use the full IPTC URI http://cv.iptc.org/newscodes/digitalsourcetype/{v}")
    else:
        return None, "none", f"{v!r} is neither an IPTC digital source type URI nor a schema.org member"
    if term in IPTC_AI:
        return True, "generated", None
    if term in IPTC_AMBIGUOUS:
        return None, "none", None
    return False, "none", None


def _jsonld_values(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict) and isinstance(v.get("@id"), str):
            out.append(v["@id"])
    return out


def _walk_jsonld(obj: Any, depth: int, found: list[tuple[dict[str, Any], str]]) -> None:
    if depth > MAX_JSONLD_DEPTH:
        return
    if isinstance(obj, list):
        for entry in obj:
            _walk_jsonld(entry, depth + 1, found)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            if key.rsplit(":", 1)[-1].rsplit("/", 1)[-1] == "digitalSourceType":
                for v in _jsonld_values(value):
                    found.append((obj, v))
            elif isinstance(value, (dict, list)):
                _walk_jsonld(value, depth + 1, found)


def _jsonld_item(facts: PageFacts, obj: dict[str, Any]) -> ItemRef:
    from auditor.analysis.disclosures import image_ref, item_ref

    kind = obj.get("@type")
    types = {t.lower() for t in (kind if isinstance(kind, list) else [kind]) if isinstance(t, str)}
    if types & {"imageobject", "videoobject", "mediaobject", "audioobject"}:
        urls = [u for key in ("contentUrl", "url") for u in _jsonld_values(obj.get(key))]
        for index, image in enumerate(facts.images):
            if image.src and any(u.endswith(image.src) or image.src.endswith(u) for u in urls if u):
                return image_ref(index, image)
        return ItemRef(id="media", kind="image" if "imageobject" in types else "media",
                       label=(urls[0] if urls else "")[:90])
    if facts.main_item and types & {"article", "newsarticle", "blogposting", "report", "reportagenewsarticle",
                                    "analysisnewsarticle", "opinionnewsarticle", "creativework", "webpage"}:
        return item_ref(facts, facts.items[facts.main_item])
    return _page_ref(facts)


def judge_aigc_json(value: str) -> tuple[bool | None, str, str | None]:
    """(says_ai, strength, problem) for an AIGC implicit label's JSON, wherever it is carried."""
    try:
        data = json.loads(value)
    except ValueError:
        return None, "none", "the AIGC meta content is not valid JSON"
    if isinstance(data, dict) and isinstance(data.get("AIGC"), dict):
        data = data["AIGC"]
    if not isinstance(data, dict):
        return None, "none", "the AIGC meta content is not a JSON object"
    problems = []
    if "ReserveCode1" in data or "ReserveCode2" in data:
        problems.append("misspelt field ReserveCode (ReservedCode1/ReservedCode2)")
    missing = [f for f in AIGC_FIELDS if f not in data]
    if missing:
        problems.append(f"missing field(s) {', '.join(missing)}")
    not_str = [f for f in AIGC_FIELDS if f in data and not isinstance(data[f], str)]
    if not_str:
        problems.append(f"field(s) {', '.join(not_str)} must be strings")
    label = data.get("Label")
    label_text = str(label) if label is not None else ""
    if label_text not in ("1", "2", "3"):
        problems.append(f"Label {label!r} is not \"1\", \"2\" or \"3\"")
    says: bool | None = True if label_text == "1" else None
    strength = "generated" if label_text == "1" else "possible" if label_text in ("2", "3") else "none"
    return says, strength, "; ".join(problems) or None


def find_signals(facts: PageFacts) -> list[MachineSignal]:
    signals: list[MachineSignal] = []
    by_node = {item.node: item.id for item in facts.items.values() if item.node is not None}
    page = _page_ref(facts)
    # JSON-LD
    found: list[tuple[dict[str, Any], str]] = []
    for obj in facts.jsonld:
        _walk_jsonld(obj, 0, found)
    for obj, value in found:
        says, strength, problem = classify_source_type(value)
        signals.append(MachineSignal("digital-source-type", "json-ld", value, says, strength, problem,
                                     _jsonld_item(facts, obj), None))
    # Microdata, RDFa and the ai-disclosure attribute
    for node in facts.nodes:
        attrs = node.attrs
        if not attrs or ("itemprop" not in attrs and "property" not in attrs and "ai-disclosure" not in attrs):
            continue  # most elements: none of the three attributes read below
        itemprop = attrs.get("itemprop", "")
        prop = attrs.get("property", "")
        if "digitalsourcetype" in itemprop.lower() or "digitalsourcetype" in prop.lower():
            value = attrs.get("content") or attrs.get("href") or attrs.get("resource") or attrs.get("src") or ""
            says, strength, problem = classify_source_type(value)
            source = "microdata" if "digitalsourcetype" in itemprop.lower() else "rdfa"
            target = _item_of_node(facts, node.parent if node.tag in ("meta", "link") else node.index, by_node)
            signals.append(MachineSignal("digital-source-type", source, value, says, strength, problem, target,
                                         node.location))
        if "ai-disclosure" in attrs and node.tag != "meta":
            value = attrs["ai-disclosure"].strip().lower()
            says = AI_DISCLOSURE_VALUES.get(value)
            problem = None
            if value not in AI_DISCLOSURE_VALUES or value == "mixed":
                problem = (f"ai-disclosure={value!r} on an element: use none, ai-assisted, ai-generated or "
                           "ai-autonomous")
                says = None
            strength = "assisted" if value == "ai-assisted" else "generated" if says else "none"
            signals.append(MachineSignal("ai-disclosure-attr", "attribute", value, says, strength, problem,
                                         _item_of_node(facts, node.index, by_node), node.location))
    # Meta tags
    for meta in facts.meta:
        key = meta.key
        if key == "aigc":
            says, strength, problem = judge_aigc_json(meta.value)
            signals.append(MachineSignal("aigc-meta", "meta", meta.value[:300], says, strength, problem, page,
                                         meta.location))
        elif key == "ai-disclosure":
            value = meta.value.strip().lower()
            says = AI_DISCLOSURE_VALUES.get(value)
            problem = None if value in AI_DISCLOSURE_VALUES else (
                f"<meta name=ai-disclosure> value {value!r}: use none, ai-assisted, ai-generated, ai-autonomous "
                "or mixed")
            strength = "assisted" if value == "ai-assisted" else "generated" if says else "none"
            signals.append(MachineSignal("ai-disclosure-meta", "meta", value, says, strength, problem, page,
                                         meta.location))
        elif key in ("ai-model", "ai-provider", "ai-prompt-url"):
            signals.append(MachineSignal("ai-meta", "meta", f"{key}={meta.value}"[:300], None, "none", None, page,
                                         meta.location))
    c2pa = [m for m in facts.meta if m.key.startswith("link:") and "c2pa-manifest" in m.key.split(":", 1)[1].split()]
    inline = [s for s in facts.scripts if s.type == "application/c2pa"]
    header_links = [(url, _header_location(name, value, line)) for name, value, line in facts.http_headers
                    if name == "link" for url, rels in _link_header(value) if "c2pa-manifest" in rels]
    total = len(c2pa) + len(inline) + len(header_links)
    for url, where in header_links:
        signals.append(MachineSignal("c2pa", "http-header", url, None, "none", _multiple(total), page, where))
    for name, value, line in facts.http_headers:
        if name == "ai-disclosure":
            signal = _ai_disclosure_header(value, page)
            signal.location = _header_location(name, value, line)
            signals.append(signal)
    for m in c2pa:
        signals.append(MachineSignal("c2pa", "link", m.value, None, "none",
                                     _multiple(total), page, m.location))
    for script in inline:
        signals.append(MachineSignal("c2pa", "script", f"inline manifest ({len(script.text)} chars)", None, "none",
                                     _multiple(total), page, script.location))
    return signals


def _multiple(total: int) -> str | None:
    if total > 1:
        return (f"{total} C2PA manifests are referenced in one page; more than one counts as none "
                "(manifest.html.multipleManifests)")
    return None



_SF_MEMBER = re.compile(r',(?=(?:[^"]*"[^"]*")*[^"]*$)')  # commas outside quoted strings
_LINK = re.compile(r'<([^>]*)>\s*((?:;\s*[^;,]+)*)')
_PARAM = re.compile(r';\s*([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;,\s]+)')
# AI-Disclosure header modes (draft-abaris-aicdh): what each says about the response. The draft is
# an individual Internet-Draft, so an unknown mode is reported as such, never as an error.
AICDH_MODES = {"none": (False, "none"), "ai-modified": (True, "assisted"), "ai-originated": (True, "generated"),
               "machine-generated": (True, "generated")}


def _header_location(name: str, value: str, line: int) -> SourceLocation:
    return SourceLocation(None, line, 1, f"{name}: {value}"[:160])


def _link_header(value: str) -> list[tuple[str, set[str]]]:
    """(target, rel values) of each link in an RFC 8288 Link header."""
    links = []
    for match in _LINK.finditer(value):
        rels: set[str] = set()
        for name, param in _PARAM.findall(match.group(2)):
            if name.lower() == "rel":
                rels.update(param.strip('"').lower().split())
        links.append((match.group(1).strip(), rels))
    return links


def _ai_disclosure_header(value: str, page: ItemRef) -> MachineSignal:
    """An AI-Disclosure structured-field dictionary (RFC 9651): `mode=ai-originated, model="..."`."""
    fields: dict[str, str] = {}
    for member in _SF_MEMBER.split(value):
        key, sep, item = member.strip().partition("=")
        item = item.split(";", 1)[0].strip()
        if key:
            fields[key.strip().lower()] = item.strip('"') if sep else "?1"
    mode = fields.get("mode", "")
    says, strength = AICDH_MODES.get(mode, (None, "none"))
    problem = None if "mode" in fields else "AI-Disclosure header without a mode"
    return MachineSignal("ai-disclosure-header", "http-header", value[:300], says, strength, problem, page, None)

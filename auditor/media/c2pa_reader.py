"""C2PA manifests, read only through the official c2pa-python library (c2pa-rs), offline.

Why a module of its own: a C2PA manifest store is a signed JUMBF structure whose validation
(hashes, signatures, certificates, ingredients) only the reference implementation gets right, so
nothing here parses JUMBF or COSE itself. What this module adds is the safety and cost around it:
- The library is called only when the bytes can hold an embedded manifest (the caller checks the
  format's carrier: JPEG APP11 "JP" segments, PNG caBX, WebP C2PA chunk, TIFF tag 52545, SVG
  <c2pa:manifest>, an ISOBMFF uuid box; `may_hold_manifest` is the byte scan for anything else).
  The JUMBF description box of every manifest store starts with the type UUID
  63327061-0011-0010-8000-00AA00389B71 ("c2pa" + ISO suffix), a 16-byte needle that is cheap to
  look for and that a stray "c2pa" string (an XMP `self#jumbf=/c2pa/...` reference) does not match.
- It never touches the network. c2pa-python 0.38.1 (c2pa-rs 0.91) fetches remote manifests by
  default (`verify.remote_manifest_fetch` is true) and may resolve `did:web` identities or OCSP.
  Every Reader gets a `Context` built from `OFFLINE_SETTINGS`: remote manifests and OCSP are not
  fetched and `core.allowed_network_hosts = []` blocks every request the SDK would make. Reader is
  never called without that context. A file that only references a remote manifest then fails with
  "Remote: must fetch remote manifests from url ...", which becomes a mark with
  `remote_manifest=True` and no validation.
- It never raises: every exception of the library (C2paError and its subclasses, or anything else)
  becomes either nothing (ManifestNotFound: the bytes only looked like a manifest), a remote mark,
  or a mark with validation "unreadable" and the library's message as its problem.

The mark: signer (certificate issuer), claim generator, the action names of the active manifest
(c2pa.actions and c2pa.actions.v2), and the digitalSourceType of its actions and of every
ingredient's manifest, judged by `classify_source_type`. Validation, from the store's
`validation_state` and its failure and informational codes: "tampered" when a failure code is an
integrity mismatch (claimSignature.mismatch, assertion.dataHash.mismatch, ...), "invalid" for any
other failure or state Invalid, "untrusted" when the state is Valid only because no trust anchor
is loaded (signingCredential.untrusted: intact, but anyone can self-sign), "valid" otherwise.
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
from typing import Any

from auditor.analysis.signals import classify_source_type
from auditor.media.aigc import short
from auditor.models import Mark

JUMBF_C2PA_UUID = bytes.fromhex("6332706100110010800000aa00389b71")
BMFF_C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
GIF_C2PA_EXTENSION = b"\x21\xff\x0bC2PA_GIF"
SVG_C2PA_NAMESPACE = b"http://c2pa.org/manifest"
OFFLINE_SETTINGS: dict[str, Any] = {
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
    "core": {"allowed_network_hosts": []},
}
UNTRUSTED = "signingCredential.untrusted"
ACTION_LABELS = ("c2pa.actions", "c2pa.actions.v2")
MAX_ACTIONS = 50
MAX_DEPTH = 16  # ingredient manifests followed at most this deep
_REMOTE_URL = re.compile(r"remote manifests? from url\s+(\S+)", re.I)
_C2PA_ONLY_TYPES = "c2pa.org/digitalsourcetype/"

_lock = threading.Lock()
_context: tuple[int, Any] | None = None


def may_hold_manifest(data: bytes) -> bool:
    """Byte scan for an embedded manifest, for formats whose carrier is not checked structurally."""
    if JUMBF_C2PA_UUID in data:
        return True
    if data[4:8] == b"ftyp" and BMFF_C2PA_UUID in data:
        return True
    return SVG_C2PA_NAMESPACE in data[:1 << 20]


def offline_context() -> Any:
    """The c2pa Context every Reader gets (one per process: a Context does not survive fork)."""
    global _context
    with _lock:
        if _context is None or _context[0] != os.getpid():
            from c2pa import Context  # the native library loads only when a manifest may be there

            _context = (os.getpid(), Context.from_dict(OFFLINE_SETTINGS))
        return _context[1]


def remote_mark(url: str, carrier: str) -> Mark:
    return Mark(kind="c2pa", carrier=carrier, says_ai=None, remote_manifest=True,
                value=short(f"remote C2PA manifest at {url} (not fetched: nothing is read over the network)"))


def read_c2pa(data: bytes, mime: str | None, carrier: str,
              remote_carrier: str = "remote manifest reference") -> tuple[list[Mark], list[str]]:
    """(marks, errors) of the manifest store embedded in data. Never raises, never fetches."""
    try:
        from c2pa import Reader

        context = offline_context()
    except Exception as exc:  # library missing or offline settings refused: do not read without them
        return [], [f"C2PA not checked: c2pa-python unavailable offline ({type(exc).__name__}: {exc})"[:300]]
    try:
        with Reader(mime, io.BytesIO(data), context=context) as reader:
            text = reader.json()
    except Exception as exc:
        return _from_error(exc, carrier, remote_carrier)
    try:
        store = json.loads(text)
        if not isinstance(store, dict):
            raise ValueError("the manifest store JSON is not an object")
        return [_from_store(store, carrier)], []
    except Exception as exc:
        return [Mark(kind="c2pa", carrier=carrier, says_ai=None, validation="unreadable",
                     value="C2PA manifest store that c2pa-python could not report",
                     problem=short(f"{type(exc).__name__}: {exc}"))], []


def _from_error(exc: Exception, carrier: str, remote_carrier: str) -> tuple[list[Mark], list[str]]:
    message = str(exc) or type(exc).__name__
    kind = message.split(":", 1)[0].strip()
    if kind == "ManifestNotFound" or type(exc).__name__ == "_C2paManifestNotFound":
        return [], []  # a marker-like byte string, but no manifest store
    remote = _REMOTE_URL.search(message)
    if kind in ("Remote", "RemoteManifest") or remote:
        return [remote_mark(remote.group(1) if remote else "an unknown URL", remote_carrier)], []
    if kind == "NotSupported":
        return [], [short(f"C2PA not checked: c2pa-python does not read this format ({message})")]
    return [Mark(kind="c2pa", carrier=carrier, says_ai=None, validation="unreadable",
                 value="C2PA manifest present but unreadable", problem=short(message))], []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _actions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for assertion in _list(manifest.get("assertions")):
        assertion = _dict(assertion)
        label = assertion.get("label")
        if isinstance(label, str) and label.split("__", 1)[0] in ACTION_LABELS:
            out.extend(a for a in _list(_dict(assertion.get("data")).get("actions")) if isinstance(a, dict))
    return out


def _source_types(manifest: dict[str, Any]) -> list[str]:
    out = []
    for action in _actions(manifest):
        for value in (action.get("digitalSourceType"), _dict(action.get("parameters")).get("digitalSourceType")):
            if isinstance(value, str) and value.strip() and value not in out:
                out.append(value.strip())
    return out


def _all_source_types(manifests: dict[str, Any], active: str) -> list[tuple[str, str]]:
    """(where, digitalSourceType) for the active manifest and, recursively, its ingredients' manifests."""
    found: list[tuple[str, str]] = [("active", t) for t in _source_types(_dict(manifests.get(active)))]
    seen = {active}
    frontier = [active]
    for _depth in range(MAX_DEPTH):
        following = []
        for label in frontier:
            for ingredient in _list(_dict(manifests.get(label)).get("ingredients")):
                child = _dict(ingredient).get("active_manifest")
                if isinstance(child, str) and child in manifests and child not in seen:
                    seen.add(child)
                    following.append(child)
                    found.extend(("ingredient", t) for t in _source_types(_dict(manifests[child])))
        if not following:
            break
        frontier = following
    return found


def _judge(value: str) -> tuple[bool | None, str | None]:
    if _C2PA_ONLY_TYPES in value.lower():  # C2PA's own terms: .../empty, .../trainedAlgorithmicData
        return (True if value.lower().endswith("/trainedalgorithmicdata") else None), None
    says, _strength, problem = classify_source_type(value)
    return says, problem


def _codes(store: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(failure codes, informational codes), each in order of appearance, without repeats."""
    failures: list[str] = []
    informational: list[str] = []

    def add(target: list[str], entries: Any) -> None:
        for entry in _list(entries):
            code = _dict(entry).get("code")
            if isinstance(code, str) and code not in target:
                target.append(code)

    add(failures, store.get("validation_status"))
    results = _dict(store.get("validation_results"))
    active = _dict(results.get("activeManifest"))
    add(failures, active.get("failure"))
    add(informational, active.get("informational"))
    for delta in _list(results.get("ingredientDeltas")):
        deltas = _dict(_dict(delta).get("validationDeltas"))
        add(failures, deltas.get("failure"))
        add(informational, deltas.get("informational"))
    return failures, [c for c in informational if c not in failures]


def validation_of(state: str | None, failures: list[str]) -> str:
    if any("mismatch" in code.lower() for code in failures):
        return "tampered"
    others = [code for code in failures if code != UNTRUSTED]
    if state == "Invalid" or (state is None and others) or state not in (None, "Valid", "Trusted"):
        return "invalid"
    if UNTRUSTED in failures and state != "Trusted":
        return "untrusted"
    return "valid"


def _generator(manifest: dict[str, Any]) -> str | None:
    generator = manifest.get("claim_generator")
    if isinstance(generator, str) and generator.strip():
        return short(generator, 200)
    names = []
    for info in _list(manifest.get("claim_generator_info")):
        info = _dict(info)
        name, version = info.get("name"), info.get("version")
        if isinstance(name, str):
            names.append(f"{name}/{version}" if isinstance(version, str) and version else name)
    return short(" ".join(names), 200) if names else None


def _from_store(store: dict[str, Any], carrier: str) -> Mark:
    manifests = _dict(store.get("manifests"))
    label = store.get("active_manifest")
    active_label = label if isinstance(label, str) and label in manifests else None
    active = _dict(manifests.get(active_label)) if active_label else {}
    state = store.get("validation_state") if isinstance(store.get("validation_state"), str) else None
    failures, informational = _codes(store)
    validation = validation_of(state, failures)
    signature = _dict(active.get("signature_info"))
    signer = next((s for s in (signature.get("issuer"), signature.get("common_name"))
                   if isinstance(s, str) and s.strip()), None)
    actions = [a["action"] for a in _actions(active) if isinstance(a.get("action"), str)][:MAX_ACTIONS]
    types = _all_source_types(manifests, active_label) if active_label else []
    judged = [(where, value, *_judge(value)) for where, value in types]
    deciding = next((j for j in judged if j[2] is True), None) or next((j for j in judged if j[2] is False), None) \
        or (judged[0] if judged else None)
    says = deciding[2] if deciding else None
    problems = sorted({f"digitalSourceType {p}" for _, _, _, p in judged if p})
    if active_label is None:
        problems.append("manifest store without an active manifest")
    term = deciding[1].rstrip("/").rsplit("/", 1)[-1] if deciding else None
    summary = [f"C2PA manifest store ({len(manifests)} manifest{'s' if len(manifests) != 1 else ''})",
               f"state {state or 'unknown'}"]
    if signer:
        summary.append(f"signed by {signer}")
    if term:
        summary.append(f"digitalSourceType {term} ({deciding[0] if deciding else ''})")
    if actions:
        summary.append("actions " + ", ".join(dict.fromkeys(actions)))
    return Mark(kind="c2pa", carrier=carrier, says_ai=says, digital_source_type=deciding[1][:300] if deciding else None,
                value=short("; ".join(summary)), problem=short("; ".join(problems), 500) or None, validation=validation,
                validation_codes=failures + informational, signer=short(signer, 200) if signer else None,
                claim_generator=_generator(active), actions=actions)

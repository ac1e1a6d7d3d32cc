"""What a page's scripts say about consent, read statically: consent APIs, Consent Mode defaults,
scripts held back until consent, and the trackers that load.

- IAB TCF v2: the `__tcfapi` stub and its `__tcfapiLocator` frame; GPP: `__gpp`, `__gppLocator`.
- Google Consent Mode: `gtag('consent', 'default', {...})` (or `dataLayer.push(['consent',
  'default', ...])`) and the values it sets; a 'granted' default for ad or analytics storage means
  those tags run before any choice.
- Held back: a script that cannot run before consent (`type="text/plain"` or another non-script
  type, with a consent category in `data-cookieconsent`, `data-category`, `data-cookiecategory`,
  `data-consent`, an `optanon-category-*` class, or a `data-src`/`data-name` instead of `src`).
- Trackers: executable scripts and pixels from the hosts listed in `rules/data/trackers.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from auditor.analysis.script_markers import markers_in, register_markers
from auditor.facts.model import PageFacts, Script, SourceLocation

EXECUTABLE_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript",
                              "application/ecmascript", "text/jscript"})
_CONSENT_DEFAULT = re.compile(
    r"""(?:gtag\s*\(|\.push\s*\(\s*\[)\s*['"]consent['"]\s*,\s*['"]default['"]\s*,\s*\{(?P<body>[^{}]{0,2000})\}""",
    re.S,
)
_CONSENT_PAIR = re.compile(r"""['"]?(?P<key>[a-z_]+)['"]?\s*:\s*['"](?P<value>granted|denied)['"]""")


class TrackerSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    company: str = ""
    category: str
    purpose: str
    hosts: list[str] = Field(default_factory=list)
    paths: list[str] = Field(default_factory=list)
    globals: list[str] = Field(default_factory=list)
    pixel_hosts: list[str] = Field(default_factory=list)
    cookieless: bool = False
    reference: str = ""


class TrackerData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tracker: list[TrackerSpec]


@dataclass(frozen=True, slots=True)
class TrackerHit:
    name: str
    category: str
    purpose: str
    how: str  # script src, inline call, pixel
    held_back: bool  # cannot run before consent
    cookieless: bool
    location: SourceLocation | None


@dataclass(slots=True)
class ConsentSignals:
    tcf: bool = False
    gpp: bool = False
    consent_mode: dict[str, str] = field(default_factory=dict)  # default values, e.g. ad_storage=denied
    consent_mode_location: SourceLocation | None = None
    held_back: int = 0  # scripts waiting for consent
    trackers: list[TrackerHit] = field(default_factory=list)


# Names of the IAB TCF and GPP stubs: a page that defines them speaks the frameworks.
TCF_GPP_MARKERS = ("__tcfapi", "__gpp")


class TrackerCatalogue:
    def __init__(self, data: TrackerData) -> None:
        self.by_host: dict[str, list[TrackerSpec]] = {}
        for spec in data.tracker:
            for host in spec.hosts:
                self.by_host.setdefault(host.lower(), []).append(spec)
        self.path_only = [spec for spec in data.tracker if spec.paths and not spec.hosts]
        self.pixels = [(p.lower(), spec) for spec in data.tracker for p in spec.pixel_hosts]
        self.globals = [(g, spec) for spec in data.tracker for g in spec.globals]
        register_markers([g for g, _ in self.globals] + list(TCF_GPP_MARKERS))

    def for_url(self, url: str) -> TrackerSpec | None:
        host, path = _host_and_path(url)
        while host:
            for spec in self.by_host.get(host, []):
                if not spec.paths or any(p.lower() in path for p in spec.paths):
                    return spec
            host = host.partition(".")[2]
        # Self-hosted tools (Matomo, Prebid.js) are known by their path on any host.
        return next((spec for spec in self.path_only if any(p.lower() in path for p in spec.paths)), None)


@lru_cache(maxsize=4096)
def _host_and_path(url: str) -> tuple[str, str]:
    """Lower-cased host and path of a script or pixel address (cached: they recur on a site's pages)."""
    parts = urlsplit(url if "//" in url else "//" + url)
    return (parts.hostname or "").lower(), parts.path.lower()


@lru_cache(maxsize=4)
def load_trackers(path: Path | None = None) -> TrackerCatalogue:
    from auditor.rulepacks import load_data_file, rules_dir

    file = path or rules_dir() / "data" / "trackers.toml"
    return TrackerCatalogue(load_data_file(file, TrackerData, "tracker list"))


def _held_back(script: Script) -> bool:
    if script.type not in EXECUTABLE_TYPES:
        return True  # text/plain and friends never run until a consent manager rewrites them
    # A script with its address only in data-src loads when a consent manager copies it to src.
    return script.src is None and ("data-src" in script.attrs or "data-cmp-src" in script.attrs)


def find_consent_signals(facts: PageFacts, trackers: TrackerCatalogue) -> ConsentSignals:
    signals = ConsentSignals()
    seen: set[str] = set()
    for script in facts.scripts:
        held = _held_back(script)
        if held and script.type not in ("application/ld+json", "application/json", "text/template",
                                        "text/x-template", "application/c2pa", "importmap", "speculationrules"):
            signals.held_back += 1
        text = script.text
        if text:
            found = markers_in(script)  # `m in found` is `m in text`, found in one pass
            if "__tcfapi" in found:  # "__tcfapiLocator" holds it
                signals.tcf = True
            if "__gpp" in found:
                signals.gpp = True
            # The regex is tried at every "g" and "." of the script; its match holds "consent", which
            # most scripts do not (a C scan).
            match = _CONSENT_DEFAULT.search(text) if "consent" in text else None
            if match and not signals.consent_mode:
                signals.consent_mode = {m.group("key"): m.group("value")
                                        for m in _CONSENT_PAIR.finditer(match.group("body"))}
                signals.consent_mode_location = script.location
            for marker, spec in trackers.globals:
                if marker in found and spec.name not in seen:
                    seen.add(spec.name)
                    signals.trackers.append(TrackerHit(spec.name, spec.category, spec.purpose,
                                                       f"inline script calling {marker!r}", held, spec.cookieless,
                                                       script.location))
        src = script.src or script.attrs.get("data-src") or ""
        if src:
            if "__tcfapi" in src or ("stub" in src and "tcf" in src):
                signals.tcf = True
            spec_hit = trackers.for_url(src)
            if spec_hit is not None and spec_hit.name not in seen:
                seen.add(spec_hit.name)
                host = urlsplit(src if "//" in src else "//" + src).hostname or src
                signals.trackers.append(TrackerHit(spec_hit.name, spec_hit.category, spec_hit.purpose,
                                                   f"script from {host}", held, spec_hit.cookieless,
                                                   script.location))
    for node in [n for n in facts.nodes if n.tag == "iframe" or n.tag == "img"]:
        if node.tag == "iframe" and node.attrs.get("name") in ("__tcfapiLocator", "__gppLocator"):
            signals.tcf = signals.tcf or node.attrs.get("name") == "__tcfapiLocator"
            signals.gpp = signals.gpp or node.attrs.get("name") == "__gppLocator"
        elif node.tag == "img" and trackers.pixels:
            src = (node.attrs.get("src") or "").lower()
            for pixel, spec in trackers.pixels:
                if pixel in src and spec.name not in seen:
                    seen.add(spec.name)
                    signals.trackers.append(TrackerHit(spec.name, spec.category, spec.purpose, "tracking pixel",
                                                       False, spec.cookieless, node.location))
    return signals

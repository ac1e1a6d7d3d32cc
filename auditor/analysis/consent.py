"""The cookie notice of a page: found or not, which choices it offers, its policy link, its purposes.

A notice is cookie or consent wording that reads as a notice ("we use cookies", "this website uses
cookies") and sits where banners sit: a container named like a banner (cookie, consent, gdpr, a
known platform's root), a dialog, or the footer. The same words in the main article (a privacy
policy page) are no banner. The notice's root is the nearest container around that wording that
holds its controls; the choices are read from those controls' text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import tomllib
from pydantic import BaseModel, ConfigDict, Field

from auditor.analysis.consent_signals import ConsentSignals
from auditor.analysis.script_markers import markers_in, register_markers
from auditor.analysis.selectors import matches_any
from auditor.facts.model import Control, Link, PageFacts, Script, SourceLocation, TextBlock
from auditor.models import CookieNotice, TrackerRecord
from auditor.wordlist import CaselessTexts, WordGate, literal_alternation

BANNER_NAME = re.compile(
    r"cookie|consent|gdpr|dsgvo|rgpd|(?:^|[-_])cmp(?:[-_]|$)|privacy[-_]?(?:banner|notice|bar)|cc[-_](?:banner|window)"
    r"|data[-_]?protection|datenschutz[-_]?(?:banner|hinweis)|pea_cook"
)
BANNER_REGIONS = frozenset({"footer", "dialog"})
MAX_CHOICE_WORDS = 6  # a text block this short after the notice can be a choice (text input)


class CmpEntry(BaseModel):
    """One consent platform's public fingerprint (see rules/data/consent.toml)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    root_ids: list[str] = Field(default_factory=list)
    root_id_prefixes: list[str] = Field(default_factory=list)
    root_classes: list[str] = Field(default_factory=list)
    script_hosts: list[str] = Field(default_factory=list)
    script_paths: list[str] = Field(default_factory=list)  # substrings of self-hosted script paths
    globals: list[str] = Field(default_factory=list)  # markers in inline scripts ("OneTrust.", "Cookiebot")
    accept: list[str] = Field(default_factory=list)  # simple selectors: #id, .class, tag.class, [attr=value]
    reject: list[str] = Field(default_factory=list)
    settings: list[str] = Field(default_factory=list)
    tcf_cmp_id: int | None = None
    reference: str = ""


class PolicyWords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    words: list[str]
    href_words: list[str]


class ConsentData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cookie_words: list[str]
    notice_words: list[str]
    choices: dict[str, list[str]]
    policy: PolicyWords
    purposes: dict[str, list[str]]
    cmp: list[CmpEntry] = Field(default_factory=list)


_ALPHA = r"[0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]"
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _words(words: list[str]) -> re.Pattern[str]:
    """Whole-word matching for spaced scripts; Chinese, Japanese and Korean words run into their
    neighbours ("クッキーを使用", "本网站使用Cookie来"), so theirs match anywhere."""
    items = sorted({w.lower() for w in words}, key=len, reverse=True)
    spaced = [w for w in items if not _UNSPACED.search(w)]
    unspaced = [w for w in items if _UNSPACED.search(w)]
    parts = []
    # Each list as a trie (wordlist.py): these run on every text block of every page.
    if spaced:
        # Boundaries against letters of alphabetic scripts only: "本网站使用Cookie来" still has "Cookie".
        parts.append(rf"(?<!{_ALPHA})(?:" + literal_alternation(spaced, ignorecase=True) + rf")(?!{_ALPHA})")
    if unspaced:
        parts.append("(?:" + literal_alternation(unspaced, ignorecase=True) + ")")
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


class ConsentVocabulary:
    def __init__(self, data: ConsentData) -> None:
        self.cookie = _words(data.cookie_words)
        self.notice = _words(data.notice_words)
        # Notice wording holds a cookie word and a notice word: the blocks with both, in one pass.
        self.cookie_gate = WordGate(w.lower() for w in data.cookie_words)
        self.notice_gate = WordGate(w.lower() for w in data.notice_words)
        # A choice is a control whose whole text is one of the words (punctuation aside).
        self.choices = {kind: {w.lower() for w in words} for kind, words in data.choices.items()}
        self.policy = _words(data.policy.words)
        self.policy_href = [w.lower() for w in data.policy.href_words]
        self.purposes = {name: _words(words) for name, words in data.purposes.items()}
        self.cmps = data.cmp
        self.cmp_by_id = {i: c.name for c in data.cmp for i in c.root_ids}
        self.cmp_by_prefix = [(p, c.name) for c in data.cmp for p in c.root_id_prefixes]
        self.cmp_id_prefixes = tuple(p for p, _ in self.cmp_by_prefix)
        self.cmp_by_class = {k.lower(): c.name for c in data.cmp for k in c.root_classes}
        self.cmp_by_host = {h: c.name for c in data.cmp for h in c.script_hosts}
        self.cmp_paths = [(p.lower(), c.name) for c in data.cmp for p in c.script_paths]
        self.cmp_globals = [(g, c.name) for c in data.cmp for g in c.globals]
        register_markers(g for g, _ in self.cmp_globals)
        self.cmp_named = {c.name: c for c in data.cmp}
        self.phrases = ConsentPhrases()

    def choice_of(self, text: str) -> str | None:
        key = re.sub(r"[^\w\s'’-]+", "", text.lower()).strip()
        key = re.sub(r"\s+", " ", key)
        for kind in ("reject", "accept", "settings"):
            if key in self.choices.get(kind, set()):
                return kind
        return None


class ConsentPhrases:
    """Phrases from rules/data/consent_phrases.toml: legitimate interest, implied consent, reject
    links ("continue without accepting") and cookie-wall words."""

    def __init__(self, data: dict[str, list[str]] | None = None) -> None:
        data = data or {}
        self.legitimate_interest = _words(data.get("legitimate_interest") or ["legitimate interest"])
        self.implied_consent = _words(data.get("implied_consent") or ["by continuing to use"])
        self.reject_links = {w.lower() for w in data.get("reject_link_words", [])}
        self.pay_or_subscribe = _words(data.get("pay_or_subscribe") or ["subscribe"])


@lru_cache(maxsize=4)
def load_vocabulary(path: Path | None = None) -> ConsentVocabulary:
    from auditor.rulepacks import RulePackError, load_data_file, rules_dir

    file = path or rules_dir() / "data" / "consent.toml"
    vocabulary = ConsentVocabulary(load_data_file(file, ConsentData, "consent data"))
    phrases = file.parent / "consent_phrases.toml"
    if phrases.is_file():
        try:
            raw = tomllib.loads(phrases.read_text(encoding="utf-8"))
            vocabulary.phrases = ConsentPhrases({k: v for k, v in raw.items() if isinstance(v, list)})
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise RulePackError(f"{phrases.name}: invalid consent phrases: {exc}") from None
    return vocabulary


@dataclass(slots=True)
class Notice:
    """What the page shows of a cookie notice; `model()` is what the JSON report carries."""

    found: bool
    blocks: list[TextBlock] = field(default_factory=list)
    controls: list[tuple[str, str, SourceLocation]] = field(default_factory=list)  # (choice, text, loc)
    links: list[Link] = field(default_factory=list)
    policy_link: Link | None = None
    policy_mentioned: bool = False
    purposes: list[str] = field(default_factory=list)
    cmp: str | None = None
    recognised_by: str | None = None
    location: SourceLocation | None = None
    markup: bool = True  # False for text input, where links and buttons cannot be told apart
    element_kinds: list[str] = field(default_factory=list)  # "button" or "link", one per control
    prechecked: list[SourceLocation] = field(default_factory=list)
    legitimate_interest: str | None = None
    implied_consent: str | None = None
    signals: ConsentSignals | None = None
    unread_controls: list[str] = field(default_factory=list)  # buttons whose words are no known choice

    @property
    def choices(self) -> set[str]:
        return {c for c, _, _ in self.controls}

    def model(self) -> CookieNotice:
        signals = self.signals or ConsentSignals()
        return CookieNotice(
            found=self.found,
            cmp=self.cmp,
            recognised_by=self.recognised_by,
            banner_in_html=bool(self.blocks) and self.markup,
            choices=sorted(self.choices),
            choice_texts=[t for _, t, _ in self.controls],
            policy_link=self.policy_link.href if self.policy_link else None,
            purposes=self.purposes,
            prechecked_boxes=len(self.prechecked),
            legitimate_interest=self.legitimate_interest is not None,
            implied_consent=self.implied_consent is not None,
            tcf=signals.tcf,
            gpp=signals.gpp,
            consent_mode=dict(sorted(signals.consent_mode.items())),
            held_back_scripts=signals.held_back,
            trackers=[TrackerRecord(name=t.name, category=t.category, purpose=t.purpose, how=t.how,
                                    held_back=t.held_back) for t in signals.trackers],
            location=self.location.model() if self.location else None,
        )


def _banner_node(facts: PageFacts, node: int | None) -> int | None:
    """The nearest ancestor named like a banner or acting as a dialog."""
    for index in facts.ancestors(node):
        n = facts.nodes[index]
        if n.role in ("dialog", "alertdialog") or n.attrs.get("aria-modal", "").lower() == "true":
            return index
        if BANNER_NAME.search(n.id.lower()) or any(BANNER_NAME.search(c) for c in n.classes):
            return index
    return None


def _cmp_of(facts: PageFacts, vocab: ConsentVocabulary) -> tuple[str | None, str | None, int | None]:
    """(platform, how it was recognised, its banner root node when the banner is in the HTML)."""
    by_id, prefixes, by_class = vocab.cmp_by_id, vocab.cmp_id_prefixes, vocab.cmp_by_class
    classes = by_class.keys()
    names = facts.names()  # most pages use none of these names: then no node is looked at
    named = not classes.isdisjoint(names.classes) or not by_id.keys().isdisjoint(names.ids) or \
        bool(prefixes and any(i.startswith(prefixes) for i in names.ids))
    # The nodes with a platform's id or class, in one pass (a generator: the first one settles it).
    for n in (n for n in (facts.nodes if named else ())
              if (n.id and (n.id in by_id or (prefixes and n.id.startswith(prefixes))))
              or (n.classes and not classes.isdisjoint(n.classes))):
        if n.id:
            name = by_id.get(n.id)
            if name is None and prefixes and n.id.startswith(prefixes):
                name = next(c for p, c in vocab.cmp_by_prefix if n.id.startswith(p))
            if name:
                return name, f"banner root #{n.id}", n.index
        if n.classes and not classes.isdisjoint(n.classes):
            c = next(c for c in n.classes if c in by_class)
            return by_class[c], f"banner root .{c}", n.index
    # A consent-delayed loader keeps its address in data-src.
    sources: list[tuple[str | None, Script | None]] = [(s.src or s.attrs.get("data-src"), s) for s in facts.scripts]
    # <link rel=preload as=script> loads a platform's script as surely as <script src> does.
    sources += [(m.value, None) for m in facts.meta if m.key.startswith("link:") and "preload" in m.key]
    for src, script in sources:
        if src:
            host = _hostname(src)
            shown = host
            while host:
                if host in vocab.cmp_by_host:
                    return vocab.cmp_by_host[host], f"script from {shown}", None
                host = host.partition(".")[2]
            path = src.lower()
            for marker, name in vocab.cmp_paths:
                if marker in path:
                    return name, f"script {marker}", None
        elif script is not None and script.text:
            found = markers_in(script)  # `marker in found` is `marker in script.text`, found in one pass
            for marker, name in vocab.cmp_globals:
                if marker in found:
                    return name, f"inline script naming {marker!r}", None
    return None, None, None


@lru_cache(maxsize=4096)
def _hostname(src: str) -> str:
    """A script's host (cached: the same scripts come back on a site's pages)."""
    return urlsplit(src).hostname or ""


def _root_for(facts: PageFacts, block: TextBlock) -> int | None:
    named = _banner_node(facts, block.node)
    if named is not None:
        return named
    # A hand-made notice: the nearest ancestor (a few levels up) that also holds a control.
    for depth, index in enumerate(facts.ancestors(block.node)):
        if depth > 4 or facts.nodes[index].tag in ("body", "html"):
            break
        if any(c.node is not None and facts.is_inside(c.node, index) for c in facts.controls):
            return index
    return block.node


def find_notice(facts: PageFacts, vocab: ConsentVocabulary, signals: ConsentSignals | None = None) -> Notice:
    if facts.input_format == "text":
        notice = _text_notice(facts, vocab)
        notice.signals = signals
        return notice
    cmp, recognised_by, cmp_root = _cmp_of(facts, vocab)
    notice = Notice(False)
    if cmp_root is not None and any(facts.is_inside(b.node, cmp_root) for b in facts.blocks):
        notice = _notice_at(facts, vocab, cmp_root, cmp)  # the platform's banner, rendered in the HTML
    if not notice.found:
        notice = _html_notice(facts, vocab)
    if cmp and not notice.found:
        notice = Notice(found=True, cmp=cmp, recognised_by=recognised_by)
    if cmp:
        notice.cmp, notice.recognised_by = cmp, recognised_by
    notice.signals = signals
    return notice


def _is_notice_text(block: TextBlock, vocab: ConsentVocabulary) -> bool:
    return bool(vocab.cookie.search(block.text)) and bool(vocab.notice.search(block.text))


def _maybe_notice(blocks: list[TextBlock], vocab: ConsentVocabulary) -> set[int] | None:
    """The indexes of the blocks that may be notice text (a superset: see `WordGate`); None: any."""
    texts = CaselessTexts([b.text for b in blocks])
    cookie = vocab.cookie_gate.candidates(texts)
    if cookie is None or not cookie:
        return cookie
    notice = vocab.notice_gate.candidates(texts)
    return cookie if notice is None else cookie & notice


def _html_notice(facts: PageFacts, vocab: ConsentVocabulary) -> Notice:
    blocks = facts.blocks
    maybe = _maybe_notice(blocks, vocab)
    for block in blocks if maybe is None else [blocks[i] for i in sorted(maybe)]:
        # Cookie words alone are a mention ("Cookie statement" in a footer menu); a notice says
        # what the site does with them ("we use cookies", "this website uses cookies").
        if not _is_notice_text(block, vocab):
            continue
        named = _banner_node(facts, block.node)
        if named is None and block.region not in BANNER_REGIONS:
            continue
        root = _root_for(facts, block)
        if root is None:
            continue
        notice = _notice_at(facts, vocab, root, None)
        # In a plain footer, cookie wording without any choice is a sentence ("we bake cookies"),
        # not a banner; a named banner container or a dialog needs no such proof.
        if named is None and block.region == "footer" and not notice.controls and not notice.policy_link:
            continue
        return notice
    return Notice(False)


def _notice_at(facts: PageFacts, vocab: ConsentVocabulary, root: int, cmp: str | None) -> Notice:
    """Read a banner from its root element: text, choices (by the platform's selectors, else by
    their words), links, pre-ticked boxes, and the wording that matters to the rules."""
    inside = [b for b in facts.blocks if facts.is_inside(b.node, root)]
    controls: list[Control] = [c for c in facts.controls if facts.is_inside(c.node, root)]
    links = [lk for lk in facts.links if facts.is_inside(lk.node, root)]
    notice = Notice(True, blocks=inside, links=links, recognised_by="cookie notice wording",
                    location=facts.nodes[root].location)
    spec = vocab.cmp_named.get(cmp) if cmp else None
    control_nodes = {c.node for c in controls}
    for control in controls:
        if control.kind == "checkbox":
            if control.checked and not control.disabled:
                notice.prechecked.append(control.location)
            continue
        choice = _choice_by_selector(facts, spec, control.node) or vocab.choice_of(control.text)
        if choice:
            notice.controls.append((choice, control.text, control.location))
            notice.element_kinds.append("link" if control.tag == "a" else "button")
        elif control.text.strip():
            notice.unread_controls.append(control.text.strip()[:60])
    for link in links:
        if link.node in control_nodes:
            continue  # an <a role=button> is already a control
        choice = _choice_by_selector(facts, spec, link.node) or vocab.choice_of(link.text)
        if choice is None and link.text.lower().strip(" .") in vocab.phrases.reject_links:
            choice = "reject"
        if choice:
            notice.controls.append((choice, link.text, link.location))
            notice.element_kinds.append("link")
        elif notice.policy_link is None and _is_policy_link(link, vocab):
            notice.policy_link = link
    _read_wording(notice, vocab, " ".join(b.text for b in inside))
    return notice


def _choice_by_selector(facts: PageFacts, spec: CmpEntry | None, node: int | None) -> str | None:
    if spec is None or node is None:
        return None
    element = facts.nodes[node]
    for choice, selectors in (("reject", spec.reject), ("accept", spec.accept), ("settings", spec.settings)):
        if selectors and matches_any(element, selectors):
            return choice
    return None


def _is_policy_link(link: Link, vocab: ConsentVocabulary) -> bool:
    href = link.href.lower()
    return bool(vocab.policy.search(link.text)) or any(w in href for w in vocab.policy_href)


def _text_notice(facts: PageFacts, vocab: ConsentVocabulary) -> Notice:
    blocks = facts.blocks
    maybe = _maybe_notice(blocks, vocab)
    for i, block in enumerate(blocks):
        if (maybe is not None and i not in maybe) or block.region not in BANNER_REGIONS \
                or not _is_notice_text(block, vocab):
            continue
        inside = [block]
        for nxt in blocks[i + 1 : i + 6]:
            if nxt.region != block.region:
                break
            inside.append(nxt)
        notice = Notice(True, blocks=inside, recognised_by="cookie notice wording", location=block.location,
                        markup=False)
        for b in inside[1:]:
            if len(b.text.split()) <= MAX_CHOICE_WORDS:
                choice = vocab.choice_of(b.text)
                if choice:
                    notice.controls.append((choice, b.text, b.location))
        _read_wording(notice, vocab, " ".join(b.text for b in inside))
        return notice
    return Notice(False)


def _read_wording(notice: Notice, vocab: ConsentVocabulary, text: str) -> None:
    """What the notice's words say: policy named, purposes, legitimate interest, implied consent."""
    notice.policy_mentioned = bool(vocab.policy.search(text))
    notice.purposes = [name for name, rx in vocab.purposes.items() if rx.search(text)]
    match = vocab.phrases.legitimate_interest.search(text)
    notice.legitimate_interest = match.group(0) if match else None
    match = vocab.phrases.implied_consent.search(text)
    notice.implied_consent = match.group(0) if match else None

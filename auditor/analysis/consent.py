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

from auditor.facts.model import Control, Link, PageFacts, SourceLocation, TextBlock
from auditor.models import CookieNotice

BANNER_NAME = re.compile(
    r"cookie|consent|gdpr|(?:^|[-_])cmp(?:[-_]|$)|privacy[-_]?(?:banner|notice|bar)|cc[-_](?:banner|window)"
)
BANNER_REGIONS = frozenset({"footer", "dialog"})
MAX_CHOICE_WORDS = 6  # a text block this short after the notice can be a choice (text input)


class CmpEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    root_ids: list[str] = Field(default_factory=list)
    root_id_prefixes: list[str] = Field(default_factory=list)
    root_classes: list[str] = Field(default_factory=list)
    script_hosts: list[str] = Field(default_factory=list)


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


def _words(words: list[str]) -> re.Pattern[str]:
    items = sorted({w.lower() for w in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in items) + r")(?!\w)", re.IGNORECASE)


class ConsentVocabulary:
    def __init__(self, data: ConsentData) -> None:
        self.cookie = _words(data.cookie_words)
        self.notice = _words(data.notice_words)
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

    def choice_of(self, text: str) -> str | None:
        key = re.sub(r"[^\w\s'’-]+", "", text.lower()).strip()
        key = re.sub(r"\s+", " ", key)
        for kind in ("reject", "accept", "settings"):
            if key in self.choices.get(kind, set()):
                return kind
        return None


@lru_cache(maxsize=4)
def load_vocabulary(path: Path | None = None) -> ConsentVocabulary:
    from auditor.rulepacks import RulePackError, rules_dir

    file = path or rules_dir() / "data" / "consent.toml"
    try:
        data = ConsentData.model_validate(tomllib.loads(file.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise RulePackError(f"{file.name}: invalid consent data: {exc}") from None
    return ConsentVocabulary(data)


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

    @property
    def choices(self) -> set[str]:
        return {c for c, _, _ in self.controls}

    def model(self) -> CookieNotice:
        return CookieNotice(
            found=self.found,
            cmp=self.cmp,
            choices=sorted(self.choices),
            choice_texts=[t for _, t, _ in self.controls],
            policy_link=self.policy_link.href if self.policy_link else None,
            purposes=self.purposes,
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


def _cmp_of(facts: PageFacts, vocab: ConsentVocabulary) -> tuple[str | None, str | None]:
    for n in facts.nodes:
        if n.id:
            name = vocab.cmp_by_id.get(n.id)
            if name is None and vocab.cmp_id_prefixes and n.id.startswith(vocab.cmp_id_prefixes):
                name = next(c for p, c in vocab.cmp_by_prefix if n.id.startswith(p))
            if name:
                return name, f"banner root #{n.id}"
        for c in n.classes:
            if c in vocab.cmp_by_class:
                return vocab.cmp_by_class[c], f"banner root .{c}"
    for script in facts.scripts:
        host = (urlsplit(script.src).hostname or "") if script.src else ""
        while host:
            if host in vocab.cmp_by_host:
                return vocab.cmp_by_host[host], f"script from {urlsplit(script.src or '').hostname}"
            host = host.partition(".")[2]
    return None, None


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


def find_notice(facts: PageFacts, vocab: ConsentVocabulary) -> Notice:
    cmp, recognised_by = _cmp_of(facts, vocab)
    notice = _text_notice(facts, vocab) if facts.input_format == "text" else _html_notice(facts, vocab)
    if cmp and not notice.found:
        notice = Notice(found=True, cmp=cmp, recognised_by=recognised_by)
    notice.cmp, notice.recognised_by = cmp, recognised_by or notice.recognised_by
    return notice


def _is_notice_text(block: TextBlock, vocab: ConsentVocabulary) -> bool:
    return bool(vocab.cookie.search(block.text)) and bool(vocab.notice.search(block.text))


def _html_notice(facts: PageFacts, vocab: ConsentVocabulary) -> Notice:
    for block in facts.blocks:
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
        inside = [b for b in facts.blocks if facts.is_inside(b.node, root)]
        controls: list[Control] = [c for c in facts.controls if facts.is_inside(c.node, root)]
        links = [lk for lk in facts.links if facts.is_inside(lk.node, root)]
        notice = Notice(True, blocks=inside, links=links, recognised_by="cookie notice wording",
                        location=facts.nodes[root].location)
        for control in controls:
            choice = vocab.choice_of(control.text)
            if choice:
                notice.controls.append((choice, control.text, control.location))
        for link in links:
            choice = vocab.choice_of(link.text)
            if choice:
                notice.controls.append((choice, link.text, link.location))
            elif notice.policy_link is None and _is_policy_link(link, vocab):
                notice.policy_link = link
        text = " ".join(b.text for b in inside)
        notice.policy_mentioned = bool(vocab.policy.search(text))
        notice.purposes = [name for name, rx in vocab.purposes.items() if rx.search(text)]
        return notice
    return Notice(False)


def _is_policy_link(link: Link, vocab: ConsentVocabulary) -> bool:
    href = link.href.lower()
    return bool(vocab.policy.search(link.text)) or any(w in href for w in vocab.policy_href)


def _text_notice(facts: PageFacts, vocab: ConsentVocabulary) -> Notice:
    blocks = facts.blocks
    for i, block in enumerate(blocks):
        if block.region not in BANNER_REGIONS or not _is_notice_text(block, vocab):
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
        text = " ".join(b.text for b in inside)
        notice.policy_mentioned = bool(vocab.policy.search(text))
        notice.purposes = [name for name, rx in vocab.purposes.items() if rx.search(text)]
        return notice
    return Notice(False)

"""Chat and assistant widgets on a page (EU AI Act Art. 50(1)), recognised from data.

A widget is known by its script host, an inline call of its global, or its container's id, class or
tag (`rules/data/chat_widgets.toml`). Its conversation runs in the browser, so what it says to
readers cannot be seen in the HTML; what can be seen is whether the page itself (the widget's
container, its launcher's text or label) tells readers they are talking to an AI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from auditor.analysis.script_markers import markers_in, register_markers
from auditor.facts.model import PageFacts, SourceLocation


class WidgetSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    ai: str = Field(pattern="^(always|maybe)$")
    script_hosts: list[str] = Field(default_factory=list)
    ids: list[str] = Field(default_factory=list)
    classes: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    globals: list[str] = Field(default_factory=list)


class ChatData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    disclosure_words: list[str]
    widget: list[WidgetSpec]


@dataclass(slots=True)
class ChatWidget:
    name: str
    ai: str
    recognised_by: str
    location: SourceLocation | None
    node: int | None
    disclosure: str | None = None  # the page's own words saying the assistant is AI
    disclosure_location: SourceLocation | None = None


class ChatCatalogue:
    def __init__(self, data: ChatData) -> None:
        self.widgets = data.widget
        self.by_id = {i: w for w in data.widget for i in w.ids}
        self.by_class = {c.lower(): w for w in data.widget for c in w.classes}
        self.by_tag = {t.lower(): w for w in data.widget for t in w.tags}
        register_markers(g for w in data.widget for g in w.globals)
        # Script hosts by name, so that a script's host and its parent domains are looked up rather
        # than every widget's hosts tried on every script; hosts given with a path are tried as before.
        self.by_host: dict[str, list[int]] = {}
        self.by_path: list[tuple[str, int]] = []
        for number, spec in enumerate(data.widget):
            for h in spec.script_hosts:
                if "/" in h:
                    self.by_path.append((h, number))
                else:
                    self.by_host.setdefault(h, []).append(number)
        words = sorted({w.lower() for w in data.disclosure_words}, key=len, reverse=True)
        self.disclosure = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.I)

    def script_widgets(self, where: str, host: str) -> list[WidgetSpec]:
        """The widgets whose script host serves `where` ("host/path"): `host` is one of theirs or a
        subdomain of one (in catalogue order)."""
        numbers = {n for h, n in self.by_path if where.startswith(h)}
        numbers.update(self.by_host.get(host, ()))
        suffix = host
        while "." in suffix:
            suffix = suffix.partition(".")[2]
            numbers.update(self.by_host.get(suffix, ()))
        return [self.widgets[n] for n in sorted(numbers)]


@lru_cache(maxsize=4)
def load_catalogue(path: Path | None = None) -> ChatCatalogue:
    from auditor.rulepacks import load_data_file, rules_dir

    file = path or rules_dir() / "data" / "chat_widgets.toml"
    return ChatCatalogue(load_data_file(file, ChatData, "chat widget data"))


@lru_cache(maxsize=4096)
def _host_path(src: str) -> str:
    """A script address as host and path (cached: the same scripts come back on a site's pages)."""
    parts = urlsplit(src if "//" in src else "//" + src)
    return (parts.hostname or "") + parts.path


def find_widgets(facts: PageFacts, catalogue: ChatCatalogue) -> list[ChatWidget]:
    found: dict[str, ChatWidget] = {}
    for script in facts.scripts:
        if script.src:
            where = _host_path(script.src)
            host = where.split("/", 1)[0]
            for spec in catalogue.script_widgets(where, host):
                if spec.name not in found:
                    found[spec.name] = ChatWidget(spec.name, spec.ai, f"script from {host}", script.location, None)
        elif script.text:
            hits = markers_in(script)  # `g in hits` is `g in script.text`, found in one pass
            for spec in catalogue.widgets:
                if spec.name not in found and any(g in hits for g in spec.globals):
                    g = next(g for g in spec.globals if g in hits)
                    found[spec.name] = ChatWidget(spec.name, spec.ai, f"inline script calling {g!r}",
                                                  script.location, None)
    by_id, by_tag, by_class = catalogue.by_id, catalogue.by_tag, catalogue.by_class
    classes = by_class.keys()
    # The few nodes with a widget's id, tag or class, in one pass; then each as before.
    names = facts.names()  # most pages use none of these names: then no node is looked at
    anywhere = not (classes.isdisjoint(names.classes) and by_id.keys().isdisjoint(names.ids)
                    and by_tag.keys().isdisjoint(names.tags))
    named = [node for node in (facts.nodes if anywhere else ()) if (node.id and node.id in by_id)
             or node.tag in by_tag or (node.classes and not classes.isdisjoint(node.classes))]
    for node in named:
        hit = by_id.get(node.id) if node.id else None
        hit = hit or by_tag.get(node.tag)
        if hit is None and node.classes and not classes.isdisjoint(node.classes):
            hit = next(by_class[c] for c in node.classes if c in by_class)
        if hit is not None:
            widget = found.get(hit.name)
            if widget is None:
                found[hit.name] = ChatWidget(hit.name, hit.ai, f"element <{node.tag}> {node.id or ''}".strip(),
                                             node.location, node.index)
            elif widget.node is None:
                widget.node = node.index
    for widget in found.values():
        _find_disclosure(facts, catalogue, widget)
    return sorted(found.values(), key=lambda w: w.name)


def _find_disclosure(facts: PageFacts, catalogue: ChatCatalogue, widget: ChatWidget) -> None:
    """Words telling readers the assistant is AI: inside the widget's container, or on a control
    (launcher button, its aria-label) that opens a chat."""
    for block in facts.blocks:
        inside = widget.node is not None and facts.is_inside(block.node, widget.node)
        if inside or "chat" in block.text.lower():
            match = catalogue.disclosure.search(block.text)
            if match and (inside or len(block.text.split()) <= 20):
                widget.disclosure, widget.disclosure_location = block.text[:160], block.location
                return
    for control in facts.controls:
        match = catalogue.disclosure.search(control.text)
        if match and ("chat" in control.text.lower() or match.group(0).lower() != "bot"):
            widget.disclosure, widget.disclosure_location = control.text[:160], control.location
            return

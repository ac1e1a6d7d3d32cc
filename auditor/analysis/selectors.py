"""Simple CSS selectors matched against the page skeleton (no DOM needed).

Data files name elements the way vendors' embed snippets do: `#id`, `.class`, `tag.class`,
`tag#id`, `[attr]`, `[attr=value]`, `[attr^=value]`, `tag[attr=value]`. No combinators or
pseudo-classes: one element is matched on its own tag, id, classes and attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from auditor.facts.model import Node

_SIMPLE = re.compile(
    r"^(?P<tag>[a-zA-Z][\w-]*)?(?:#(?P<id>[\w-]+))?(?P<classes>(?:\.[\w-]+)*)"
    r"(?:\[(?P<attr>[\w:-]+)(?:(?P<op>[\^*$]?=)\"?(?P<value>[^\]\"]*)\"?)?\])?$"
)


@dataclass(frozen=True, slots=True)
class SimpleSelector:
    tag: str | None
    id: str | None
    classes: tuple[str, ...]
    attr: str | None
    op: str | None
    value: str | None

    def matches(self, node: Node) -> bool:
        if self.tag and node.tag != self.tag:
            return False
        if self.id and node.id != self.id:
            return False
        if self.classes and not set(self.classes) <= set(node.classes):
            return False
        if self.attr:
            actual = node.attrs.get(self.attr)
            if actual is None:
                return False
            if self.op == "=":
                return actual == self.value
            if self.op == "^=":
                return actual.startswith(self.value or "")
            if self.op == "*=":
                return (self.value or "") in actual
            if self.op == "$=":
                return actual.endswith(self.value or "")
        return True


@lru_cache(maxsize=4096)
def parse_selector(text: str) -> SimpleSelector | None:
    """A simple selector, or None when the text uses more than this grammar."""
    match = _SIMPLE.match(text.strip())
    if not match or not text.strip():
        return None
    classes = tuple(c.lower() for c in match.group("classes").split(".") if c)
    tag = match.group("tag")
    return SimpleSelector(tag.lower() if tag else None, match.group("id"), classes, match.group("attr"),
                          match.group("op"), match.group("value"))


def matches_any(node: Node, selectors: list[str]) -> bool:
    for text in selectors:
        selector = parse_selector(text)
        if selector is not None and selector.matches(node):
            return True
    return False

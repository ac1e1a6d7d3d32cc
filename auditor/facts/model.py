"""Page facts: what one parse of a page yields, and all that checks may read.

Gather once, judge many times (as Lighthouse does): a page is parsed once into these records and the
DOM is dropped. Every fact keeps where it came from (CSS selector, line and column, a snippet), so
any result built on it can point at its evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from auditor.models import Location

if TYPE_CHECKING:
    from auditor.media.resolve import ImageStore


class SourceLocation:
    """Where a fact sits: CSS selector (HTML only), 1-based line and column, a short snippet.

    A plain object, not the pydantic Location: thousands are made per page and only the few that
    end up as evidence are converted (`model()`). Everything but the line may be found lazily: the
    column and snippet by `resolve` (finding a column costs a look into the source), and for an
    element of an HTML page the selector too, by the page's locator from the element's node index.
    """

    __slots__ = ("_column", "_index", "_line", "_locator", "_resolve", "_selector", "_snippet")

    def __init__(
        self,
        selector: str | None,
        line: int,
        column: int = 0,
        snippet: str = "",
        resolve: Callable[[], tuple[int, int, str]] | None = None,
        locator: NodeLocator | None = None,
        index: int = -1,
    ) -> None:
        self._selector = selector
        self._line = line
        self._column = column
        self._snippet = snippet
        self._resolve = resolve
        # Set when selector, column and snippet come from node `index` of the page. The locator, not
        # the node: it holds no node, so a page's facts have no reference cycle and are freed as soon
        # as they are dropped, without waiting for the cyclic garbage collector.
        self._locator = locator
        self._index = index

    def _settle(self) -> None:
        locator = self._locator
        if locator is not None:
            self._locator = None
            self._selector = locator.selector(self._index)
            line, column, snippet = locator.position(self._index)
            self._line, self._column = line, column
            self._snippet = self._snippet or snippet
        elif self._resolve is not None:
            resolve, self._resolve = self._resolve, None
            line, column, snippet = resolve()
            self._line, self._column = line, column
            self._snippet = self._snippet or snippet

    @property
    def selector(self) -> str | None:
        self._settle()
        return self._selector

    @property
    def line(self) -> int:
        self._settle()
        return self._line

    @property
    def column(self) -> int:
        self._settle()
        return self._column

    @property
    def snippet(self) -> str:
        self._settle()
        return self._snippet

    def with_snippet(self, snippet: str) -> SourceLocation:
        """The same place, shown with other text (a block's text instead of its start tag)."""
        return SourceLocation(self._selector, self._line, self._column, snippet, self._resolve, self._locator,
                              self._index)

    def model(self) -> Location:
        return Location(selector=self.selector, line=self.line, column=self.column, snippet=self.snippet)

    def __repr__(self) -> str:
        return f"SourceLocation({self.selector!r}, {self.line}:{self.column})"


class Node:
    """One element of the page skeleton: enough to reason about ancestry without the DOM.

    A plain slotted class: a page has a thousand or more and most are never shown, so the location
    (selector, column, snippet) is made on first use by the page's `locator`, from the line and the
    node's place among the others (its nth-of-type and its ordinal among same-named start tags on its
    line are counted then, not for every node).
    """

    __slots__ = ("_location", "attrs", "classes", "end", "id", "index", "line", "locator", "parent", "role", "tag")

    def __init__(
        self,
        index: int,
        tag: str,
        parent: int | None,
        id: str = "",
        classes: tuple[str, ...] = (),
        role: str = "",
        attrs: dict[str, str] | None = None,
        line: int = 0,
        locator: NodeLocator | None = None,
    ) -> None:
        self.index = index
        self.tag = tag
        self.parent = parent
        self.id = id
        self.classes = classes
        self.role = role
        self.attrs = attrs if attrs is not None else {}
        self._location: SourceLocation | None = None
        self.end = -1  # index of the last node in this node's subtree (document order), set by the walk
        self.line = line
        self.locator = locator

    @property
    def location(self) -> SourceLocation | None:
        if self._location is None and self.locator is not None:
            self._location = SourceLocation(None, self.line, 0, "", None, self.locator, self.index)
        return self._location

    @location.setter
    def location(self, value: SourceLocation | None) -> None:
        self._location = value

    def __repr__(self) -> str:
        return f"Node({self.index}, {self.tag!r}, parent={self.parent})"


class NodeLocator(Protocol):
    """Finds an element's selector and (line, column, start-tag snippet), by its node index, when a
    location is shown."""

    def selector(self, index: int) -> str: ...

    def position(self, index: int) -> tuple[int, int, str]: ...


@dataclass(slots=True)
class Item:
    """A unit of content a label can be about: the main article, a teaser card, a figure, a box."""

    id: str
    kind: str  # main | teaser | figure | media | box
    node: int | None
    parent: str | None
    location: SourceLocation
    heading: str = ""
    href: str | None = None


@dataclass(slots=True)
class TextBlock:
    index: int
    text: str
    tag: str
    # header | nav | main | article | aside | footer | dialog (role=dialog, aria-modal) | body
    region: str
    item: str | None
    node: int | None
    location: SourceLocation
    hidden: bool = False
    heading_level: int = 0  # 1-6 for headings, 0 otherwise


@dataclass(slots=True)
class Image:
    src: str
    alt: str | None
    title: str | None
    aria_label: str | None
    srcset: str | None
    region: str
    item: str | None
    node: int | None
    location: SourceLocation
    hidden: bool = False
    decorative: bool = False
    sources: list[str] = field(default_factory=list)  # <picture> srcsets, data-src and data-srcset
    caption: str | None = None  # the figcaption of the figure holding it
    credit: str | None = None  # a credit or source line ("Photo: Reuters", "© AFP", class "credit")


@dataclass(slots=True)
class Link:
    href: str
    text: str
    rel: tuple[str, ...]
    region: str
    item: str | None
    node: int | None
    location: SourceLocation
    hidden: bool = False


@dataclass(slots=True)
class Control:
    """A button, or a link or input that acts as one (the choices of a banner live here)."""

    text: str
    tag: str
    kind: str  # button | link | input | checkbox
    region: str
    item: str | None
    node: int | None
    location: SourceLocation
    href: str | None = None
    checked: bool = False
    disabled: bool = False
    hidden: bool = False


@dataclass(slots=True)
class Form:
    action: str
    method: str
    region: str
    node: int | None
    location: SourceLocation


@dataclass(slots=True)
class Script:
    src: str | None
    type: str
    text: str
    node: int | None
    location: SourceLocation
    attrs: dict[str, str] = field(default_factory=dict)
    markers: tuple[int, frozenset[str]] | None = None  # analysis.script_markers' finding, kept


@dataclass(slots=True)
class Meta:
    key: str  # lower-cased name, property, itemprop or http-equiv
    value: str
    location: SourceLocation


@dataclass(slots=True)
class Suppression:
    """An inline `<!-- auditor-disable CODE reason -->` comment (or -disable-next, -enable)."""

    kind: str  # disable | disable-next | enable
    codes: tuple[str, ...]  # empty: every rule
    line: int  # the comment's line
    target_line: int = 0  # disable-next: the line of the element that follows
    reason: str = ""


@dataclass(frozen=True, slots=True)
class NodeNames:
    """What names a page's elements use (`PageFacts.names`)."""

    ids: frozenset[str]
    classes: frozenset[str]
    tags: frozenset[str]


@dataclass(slots=True)
class PageFacts:
    path: str
    input_format: str  # html | text
    url: str | None = None
    source_file: str | None = None  # the page's file on disk, for files saved beside it
    input_root: str | None = None  # the folder the input was given as (a wget mirror's root)
    archive_index: ImageStore | None = None  # a page from a web archive: the archive's images, by URL
    site: str = ""
    encoding: str | None = None
    language: str | None = None
    title: str | None = None
    blocks: list[TextBlock] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    credit_lines: list[tuple[str | None, str, SourceLocation]] = field(default_factory=list)  # (item, text, loc)
    byline_parts: dict[int, list[str]] = field(default_factory=dict)  # byline node -> texts of its leaf elements
    scripts: list[Script] = field(default_factory=list)
    meta: list[Meta] = field(default_factory=list)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    jsonld_errors: list[SourceLocation] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    main_item: str | None = None
    http_headers: list[tuple[str, str, int]] = field(default_factory=list)  # (lower-cased name, value, line)
    suppressions: list[Suppression] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # limits hit while reading the page
    crawled_at: str | None = None  # when the page was fetched, ISO 8601 UTC
    crawled_at_source: str | None = None  # option | warc | http-date | file-mtime
    _names: NodeNames | None = None  # made on first use (`names`)

    def names(self) -> NodeNames:
        """The ids, class names and tags the page's elements use, each once: an analysis looking for
        a few known names asks these sets first, and walks the nodes only when one is there."""
        if self._names is None:
            nodes = self.nodes
            class_lists = {n.classes for n in nodes}
            self._names = NodeNames(frozenset(n.id for n in nodes if n.id),
                                    frozenset(c for classes in class_lists for c in classes),
                                    frozenset(n.tag for n in nodes))
        return self._names

    def meta_values(self, *keys: str) -> list[Meta]:
        wanted = {k.lower() for k in keys}
        return [m for m in self.meta if m.key in wanted]

    def ancestors(self, node: int | None) -> list[int]:
        """Node indexes from `node` up to the root, `node` included."""
        chain: list[int] = []
        while node is not None:
            chain.append(node)
            node = self.nodes[node].parent
        return chain

    def is_inside(self, node: int | None, container: int) -> bool:
        """True when `node` is `container` or one of its descendants."""
        if node is None:
            return False
        end = self.nodes[container].end
        if end >= 0:  # subtrees are contiguous in document order
            return container <= node <= end
        while node is not None:
            if node == container:
                return True
            node = self.nodes[node].parent
        return False

    def item_chain(self, item_id: str | None) -> list[Item]:
        chain: list[Item] = []
        while item_id is not None:
            item = self.items[item_id]
            chain.append(item)
            item_id = item.parent
        return chain

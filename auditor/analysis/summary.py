"""What a page leaves behind for the site phase, and the site's AI-label summary built from it.

The page phase keeps no DOM; site rules (teaser against article, site-wide label use) read only
these small records, which is also what lets shards from several runs be merged later.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

from auditor.analysis.context import PageContext
from auditor.analysis.disclosures import item_ref, item_texts
from auditor.facts.model import SourceLocation
from auditor.models import AILabelSummary, ConsentSummary, ItemRef, KindCount

LABELLED_KINDS = ("main", "teaser", "figure", "media", "box")


def normalise_url(url: str) -> str:
    """A URL in the form used to match teaser links with page URLs (no fragment, no trailing slash)."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


@dataclass(slots=True)
class TeaserLink:
    url: str  # normalised absolute URL of the article the teaser links to
    label: str | None  # the AI-made label on the teaser, if any
    item: ItemRef
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class AuthorNote:
    """A name in the main article's byline, for the site's author rules."""

    name: str
    kind: str  # person | agency | desk | bot | brand
    profile: bool  # the byline links to an author page
    location: SourceLocation | None


@dataclass(slots=True)
class PageSummary:
    path: str
    url: str | None
    main: ItemRef | None
    main_location: SourceLocation | None
    main_disclosed: bool  # a visible disclosure either way on the main article
    main_ai_label: str | None  # the visible AI-made label on the main article, if any
    ai_labels: int  # visible AI-made labels anywhere on the page
    teasers: list[TeaserLink] = field(default_factory=list)
    items_by_kind: dict[str, int] = field(default_factory=dict)
    labelled_by_kind: dict[str, int] = field(default_factory=dict)
    wordings: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    notice: bool = False
    cmp: str | None = None
    trackers: list[str] = field(default_factory=list)
    trackers_before_consent: bool = False
    authors: list[AuthorNote] = field(default_factory=list)


def summarise(path: str, ctx: PageContext) -> PageSummary:
    facts = ctx.facts
    main = ctx.main_ref
    visible = [d for d in ctx.disclosures if d.visible and d.is_label]
    ai = [d for d in visible if d.ai_made]
    main_ai = next((d.match.text for d in ai if d.item is not None and main and d.item.id == main.id), None)
    labelled_items: dict[str, str] = {}
    for d in ai:
        if d.item is not None and d.item.kind in LABELLED_KINDS:
            labelled_items.setdefault(d.item.id, d.match.text)
    teasers: list[TeaserLink] = []
    if facts.url:
        texts_of = None  # each item's texts, gathered once for the page's many teasers
        for item in facts.items.values():
            if item.kind == "teaser" and item.href and not item.href.startswith(("#", "javascript:", "mailto:")):
                target = normalise_url(urljoin(facts.url, item.href))
                if texts_of is None:
                    texts_of = item_texts(facts)
                teasers.append(TeaserLink(target, labelled_items.get(item.id), item_ref(facts, item, texts_of),
                                          item.location))
    items_by_kind = Counter(item.kind for item in facts.items.values() if item.kind in LABELLED_KINDS)
    labelled_by_kind = Counter(facts.items[i].kind for i in labelled_items if i in facts.items)
    return PageSummary(
        path=path,
        url=normalise_url(facts.url) if facts.url else None,
        main=main,
        main_location=facts.items[facts.main_item].location if facts.main_item else None,
        main_disclosed=any(d.item is not None and main is not None and d.item.id == main.id for d in visible),
        main_ai_label=main_ai,
        ai_labels=len(ai),
        teasers=teasers,
        items_by_kind=dict(items_by_kind),
        labelled_by_kind=dict(labelled_by_kind),
        wordings=dict(Counter(" ".join(d.match.text.split()) for d in ai)),
        classes=dict(Counter(d.match.disclosure_class for d in ai)),
        notice=ctx.notice.found,
        cmp=ctx.notice.cmp,
        trackers=sorted({t.name for t in ctx.consent_signals.trackers}),
        trackers_before_consent=any(not t.held_back and not t.cookieless for t in ctx.consent_signals.trackers),
        authors=_author_notes(ctx) if main is not None else [],
    )


def _author_notes(ctx: PageContext) -> list[AuthorNote]:
    """The chosen authors, each marked with a profile link if any source of the same name has one."""
    attribution = ctx.attribution
    linked = {a.name.casefold() for a in attribution.authors + attribution.other_authors if a.url}
    notes: dict[str, AuthorNote] = {}
    for a in attribution.authors:
        key = a.name.casefold()
        if key not in notes:
            notes[key] = AuthorNote(a.name, a.kind, key in linked, a.location)
    return list(notes.values())


def site_ai_summary(pages: Iterable[PageSummary]) -> AILabelSummary:
    return site_summaries(pages)[0]


def site_consent_summary(pages: Iterable[PageSummary]) -> ConsentSummary:
    return site_summaries(pages)[1]


def site_summaries(pages: Iterable[PageSummary]) -> tuple[AILabelSummary, ConsentSummary]:
    """The site's AI-label and consent summaries in one pass over its pages (in run order), which
    may be read from disk one at a time: nothing but the counts and the site's own lists is kept."""
    items: Counter[str] = Counter()
    labelled: Counter[str] = Counter()
    wordings: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    cmps: Counter[str] = Counter()
    trackers: Counter[str] = Counter()
    with_labels = count = with_notice = before_consent = 0
    without_notice: list[str] = []  # a heap (of _Desc) of the first names in name order, the last on top
    tracked: dict[str, tuple[str, ...]] = {}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per set of trackers, not one per page
    for page in pages:
        count += 1
        items.update(page.items_by_kind)
        labelled.update(page.labelled_by_kind)
        wordings.update(page.wordings)
        classes.update(page.classes)
        with_labels += 1 if page.ai_labels else 0
        name = page.url or page.path
        if page.notice:
            with_notice += 1
        else:
            _keep_first(without_notice, name, PAGES_WITHOUT_NOTICE)
        if page.cmp:
            cmps[page.cmp] += 1
        trackers.update(page.trackers)
        if page.trackers:
            key = tuple(page.trackers)
            tracked[name] = shared.setdefault(key, key)  # the last page of a name wins, as in a dict
        before_consent += 1 if page.trackers_before_consent else 0
    return (_ai_summary(items, labelled, wordings, classes, with_labels),
            ConsentSummary(
                pages=count,
                pages_with_notice=with_notice,
                pages_without_notice=sorted(str(x) for x in without_notice),
                cmps=dict(sorted(cmps.items())),
                trackers=dict(sorted(trackers.items())),
                trackers_by_page={name: list(tracked[name]) for name in sorted(tracked)},
                pages_with_trackers_before_consent=before_consent,
            ))


PAGES_WITHOUT_NOTICE = 50


class _Desc(str):
    """A string that sorts backwards, so that a heap keeps the first names in name order on top."""

    __slots__ = ()

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)


def _keep_first(heap: list[str], name: str, limit: int) -> None:
    """Keep in `heap` the `limit` smallest names seen (with repeats, as `sorted(...)[:limit]` does)."""
    if len(heap) < limit:
        heapq.heappush(heap, _Desc(name))
    elif str.__lt__(name, heap[0]):
        heapq.heapreplace(heap, _Desc(name))


def _ai_summary(items: Counter[str], labelled: Counter[str], wordings: Counter[str], classes: Counter[str],
                with_labels: int) -> AILabelSummary:
    total, total_labelled = sum(items.values()), sum(labelled.values())
    labels = sum(wordings.values())
    # Consistency: the share of labels that use the site's most common wording (case aside).
    folded: Counter[str] = Counter()
    for text, count in wordings.items():
        folded[text.casefold()] += count
    dominant, dominant_count = (min(folded.items(), key=lambda kv: (-kv[1], kv[0])) if folded else ("", 0))
    if dominant:  # show it as readers see it: the most used spelling of that wording
        dominant = min((t for t in wordings if t.casefold() == dominant), key=lambda t: (-wordings[t], t))
    return AILabelSummary(
        items=total,
        ai_labelled_items=total_labelled,
        share=round(total_labelled / total, 4) if total else 0.0,
        pages_with_ai_labels=with_labels,
        by_kind={k: KindCount(items=items[k], ai_labelled=labelled.get(k, 0)) for k in sorted(items)},
        wordings=dict(sorted(wordings.items())),
        classes=dict(sorted(classes.items())),
        dominant_wording=dominant or None,
        dominant_share=round(dominant_count / labels, 4) if labels else None,
    )

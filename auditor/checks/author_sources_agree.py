"""ATT003: the byline readers see and the author that metadata gives must name the same people.

Why: search engines, aggregators and archives credit the author in JSON-LD and meta tags; readers
credit the visible byline. When the two name different people (a template default, an account that
publishes for others, a persona in the markup), one of them misattributes the work, and the
accountability the byline promises is lost. Only person names are compared: a desk or agency beside
a reporter is not a contradiction.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.analysis.attribution import Author, name_like
from auditor.analysis.attribution_words import squash
from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, NoParams, check
from auditor.models import Outcome


def _tokens(name: str) -> frozenset[str]:
    return frozenset(squash(part) for part in name.replace("-", " ").split() if squash(part))


def same_person(a: str, b: str) -> bool:
    """"Jane Doe" ~ "Jane A. Doe" ~ "JANE DOE": the shorter name's words all in the longer one's."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    small, big = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return small <= big and (len(small) >= 2 or len(big) == 1)


def _people(authors: list[Author]) -> list[Author]:
    """Persons whose names read as names: class-name markup also catches buttons and teaser text."""
    return [a for a in authors if a.kind == "person" and name_like(a.name.split("@")[0])]


@check("author_sources_agree")
def author_sources_agree(page: PageContext, params: NoParams) -> Iterator[Finding]:
    main = page.main_ref
    if main is None:
        return
    attribution = page.attribution
    shown = _people(attribution.visible_authors)
    marked = _people([a for a in attribution.machine_authors if a.source != "json-ld-organization"])
    if not shown or not marked:
        return
    match = next(((s, m) for s in shown for m in marked if same_person(s.name, m.name)), None)
    if match is not None:
        s, m = match
        yield Finding(Outcome.passed, f"The byline ('{s.name[:60]}') and the {m.source} author ('{m.name[:60]}') "
                      "name the same person.", main, s.location)
        return
    shown_names = ", ".join(sorted({f"'{a.name[:60]}'" for a in shown})[:3])
    marked_names = ", ".join(sorted({f"'{a.name[:60]}' ({a.source})" for a in marked})[:3])
    evidence = [a.location for a in marked if a.location is not None][:3]
    yield Finding(Outcome.violation,
                  f"The visible byline names {shown_names}, but the page's metadata names {marked_names}: "
                  "readers and machines are told different authors.",
                  main, shown[0].location, evidence)

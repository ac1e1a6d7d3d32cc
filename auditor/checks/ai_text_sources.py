"""ATT011: AI-written text that informs the public should cite its sources.

Why: language models state things without saying where they come from, and readers cannot check an
AI-written news text that names no source. Journalism codes ask reporters to identify sources
clearly (SPJ Code of Ethics), the Paris Charter on AI and Journalism asks for traceable, verifiable
AI-assisted content, and the EU AI Act (Art. 50(4)) singles out AI text published to inform the
public on matters of public interest. Counted as sources: links from the article's text to other
sites, news agencies it names, and JSON-LD `citation`/`isBasedOn`. Short texts (below `min_words`)
are not held to it.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from auditor.analysis.context import PageContext
from auditor.checks.registry import Finding, check
from auditor.lexicon import word_units
from auditor.models import Outcome

WRITTEN_BY_AI = ("generated", "tool-credit")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_words: int = 150


@check("ai_text_sources", Params)
def ai_text_sources(page: PageContext, params: Params) -> Iterator[Finding]:
    main = page.main_ref
    labels = [d for d in page.main_ai_labels if d.match.disclosure_class in WRITTEN_BY_AI]
    if main is None or not labels:
        return
    facts = page.facts
    words = sum(word_units(b.text) for b in facts.blocks if b.item == facts.main_item and not b.heading_level)
    if words < params.min_words:
        return
    sources = page.attribution.sources
    if sources:
        named = ", ".join(s.value[:60] for s in sources[:3])
        yield Finding(Outcome.passed, f"The AI-written article cites {len(sources)} source(s): {named}.", main,
                      sources[0].location)
    else:
        yield Finding(Outcome.violation,
                      f"The article is labelled '{labels[0].match.text}' ({words} words) and cites no source: no link "
                      "to another site, no news agency named, no JSON-LD citation. Readers cannot check it.",
                      main, labels[0].location)

"""What a byline or an image credit names: a person, an agency, a desk, a bot, the brand; a photo,
a stock library, an illustration or an AI tool.

Why: "no byline" and "no credit" are only half the question. A byline that names "Staff" or "AI
Desk" on a site that labels AI content elsewhere, or an AI image credited "Photo: ...", is what a
reader is misled by (the CNET and Sports Illustrated cases in the research notes). The words are data
(`rules/data/attribution.toml`), compiled once per process.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from auditor.wordlist import WordGate, literal_alternation

AUTHOR_KINDS = ("person", "agency", "desk", "bot", "brand")
CREDIT_KINDS = ("ai-tool", "illustration", "stock", "agency", "photo", "other")


class _AuthorWords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agencies: list[str]
    desks: list[str]
    bots: list[str]


class _CreditWords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stock: list[str]
    photo_words: list[str]
    illustration_words: list[str]


class _DisclosureWords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    human_role: list[str]


class _AttributionData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    author: _AuthorWords
    credit: _CreditWords
    disclosure: _DisclosureWords


_LETTER = re.compile(r"[^\W\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _words_pattern(words: list[str]) -> re.Pattern[str]:
    """Whole words (a hyphen is a boundary: "KI-Redaktion", "dpa-Meldung"); short all-capital entries
    ("AI", "AP", "KI") match only in capitals, so that the given name "Ki" or the word "spa" are not
    taken for them; words in scripts written without spaces (新华社, 연합뉴스) match inside text."""
    unspaced = sorted({w for w in words if _UNSPACED.search(w)}, key=len, reverse=True)
    spaced = [w for w in words if w not in unspaced]
    exact = sorted({w for w in spaced if w.isupper() and len(w) <= 5}, key=len, reverse=True)
    folded = sorted({w.casefold() for w in spaced} - {w.casefold() for w in exact}, key=len, reverse=True)
    parts = []
    # Each list as a trie (wordlist.py): the agency list runs on every block of the article.
    if exact:
        parts.append("(?-i:" + literal_alternation(exact, ignorecase=False) + ")")
    if folded:
        parts.append(literal_alternation(folded, ignorecase=True))
    # A boundary is anything but a letter or digit of a spaced script ("AI编辑部": CJK ends a word).
    letter = _LETTER.pattern
    alternatives = [rf"(?<!{letter})(?:" + "|".join(parts) + rf")(?!{letter})"] if parts else []
    if unspaced:
        alternatives.append(literal_alternation(unspaced, ignorecase=True))
    return re.compile("|".join(alternatives) or r"(?!x)x", re.IGNORECASE)


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _gate(words: list[str]) -> WordGate:
    """A `WordGate` for `_words_pattern(words)`: its literal strings and boundaries."""
    unspaced = [w for w in words if _UNSPACED.search(w)]
    spaced = [w for w in words if not _UNSPACED.search(w)]
    exact = {w for w in spaced if w.isupper() and len(w) <= 5}
    return WordGate([w if w in exact else w.casefold() for w in spaced], _LETTER, unspaced)


# A human role said to be absent: "has not been reviewed", "nicht redaktionell geprüft", "sin revisar".
_NEGATION = re.compile(
    r"(?<!\w)(?:not|no|never|without|un|nicht|kein\w*|ohne|pas|sans|non|sin|senza|niet|zonder|nie|bez|не|без)"
    r"(?:\W+\w+){0,3}?\W*$|[未没無없]\w{0,2}$",
    re.IGNORECASE,
)


def human_role_stated(text: str, words: AttributionWords) -> bool:
    """Whether a label says what people did ("reviewed by our editors"), and not that they did not
    ("has not been reviewed", "ungeprüft")."""
    for match in words.human_role.finditer(text):
        before = text[max(0, match.start() - 40):match.start()]
        if not _NEGATION.search(before):
            return True
    return False


@dataclass(frozen=True, slots=True)
class AttributionWords:
    agency: re.Pattern[str]
    desk_names: frozenset[str]  # a desk byline is the desk word alone ("Redaktion", "Staff")
    desk: re.Pattern[str]
    bot: re.Pattern[str]
    stock: re.Pattern[str]
    photo: re.Pattern[str]
    illustration: re.Pattern[str]
    human_role: re.Pattern[str]
    agency_gate: WordGate  # the blocks that may name an agency, found in one pass (the article's blocks)


@lru_cache(maxsize=2)
def load_words(path: Path | None = None) -> AttributionWords:
    from auditor.rulepacks import load_data_file, rules_dir

    data = load_data_file(path or rules_dir() / "data" / "attribution.toml", _AttributionData, "attribution data")
    return AttributionWords(
        agency=_words_pattern(data.author.agencies),
        desk_names=frozenset(w.casefold() for w in data.author.desks),
        desk=_words_pattern([w for w in data.author.desks if len(w) > 3]),
        bot=_words_pattern(data.author.bots),
        stock=_words_pattern(data.credit.stock),
        photo=_words_pattern(data.credit.photo_words),
        illustration=_words_pattern(data.credit.illustration_words),
        # Word starts only ("unedited" and "ungeprüft" are not "edited" and "geprüft"); CJK anywhere.
        human_role=re.compile("|".join(
            re.escape(w) if _UNSPACED.search(w) else r"(?<!\w)" + re.escape(w)
            for w in sorted(data.disclosure.human_role, key=len, reverse=True)), re.IGNORECASE),
        agency_gate=_gate(data.author.agencies),
    )


def squash(text: str) -> str:
    """Letters and digits only, case-folded, accents dropped: "Die FURCHE" ~ "furche.at"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if ch.isalnum())
    for article in ("the", "die", "der", "das", "le", "la", "les", "el", "il", "de"):
        if text.startswith(article) and len(text) > len(article) + 3:
            text = text[len(article):]
            break
    return text


def brand_keys(names: list[str], site: str) -> set[str]:
    """Squashed names of the publication: og:site_name, JSON-LD publisher, the site's domain and its
    first label ("t-online.de" -> "tonlinede", "tonline")."""
    keys = {squash(n) for n in names if n.strip()}
    if site:
        keys.add(squash(site))
        keys.add(squash(site.split(".")[0]))
    return {k for k in keys if len(k) >= 3}


def author_kind(name: str, brands: set[str], words: AttributionWords, tools: re.Pattern[str] | None = None) -> str:
    """person | agency | desk | bot | brand for one name of a byline."""
    folded = name.strip().casefold()
    if words.bot.search(name) or (tools is not None and tools.search(folded)):
        return "bot"
    key = squash(name)
    if key and any(key == b or (len(b) >= 5 and b in key) or (len(key) >= 5 and key in b) for b in brands):
        return "brand"
    if words.agency.search(name):
        return "agency"
    if folded in words.desk_names or words.desk.search(name):
        return "desk"
    return "person"


def credit_kind(text: str, words: AttributionWords, tools: re.Pattern[str] | None = None) -> str:
    """ai-tool | illustration | stock | agency | photo | other for a credit or source line."""
    if tools is not None and tools.search(text.casefold()):
        return "ai-tool"
    if words.illustration.search(text):
        return "illustration"
    if words.stock.search(text):
        return "stock"
    if words.agency.search(text):
        return "agency"
    if words.photo.search(text):
        return "photo"
    return "other"

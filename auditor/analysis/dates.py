"""Publication dates read from meta values, JSON-LD, `<time datetime>` and visible datelines.

Checks compare a page's published and modified dates with each other and with the crawl date (a
"published" date after the crawl, a "modified" date before the "published" one). Those values come in
every shape news sites use: ISO 8601, RFC 2822, Unix timestamps, numeric dates in either order, month
names in nine languages and CJK dates. A general date library (dateparser) is slow and guesses; this
reader runs a few precompiled regexes, reads only what is written and says None rather than guess:
relative dates ("3 hours ago") and numeric dates whose day/month order the page's language cannot
settle are not read.

The words (month names, time-zone abbreviations, which locales write month first) are data, in
`rules/data/dates.toml`, loaded once per process.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

MIN_YEAR = 1990
MAX_YEAR = 2100
_UTC = datetime.timezone.utc
# Unix timestamps are only taken in this range (seconds).
_TS_MIN = int(datetime.datetime(1995, 1, 1, tzinfo=_UTC).timestamp())
_TS_MAX = int(datetime.datetime(2101, 1, 1, tzinfo=_UTC).timestamp())

_WHOLE_DIGITS = re.compile(r"\d{8}|\d{10}|\d{13}", re.A)
_DIGIT = re.compile(r"\d").search
_UN_REGION = re.compile(r"\d{3}", re.A).fullmatch  # region subtags like 419 (Latin America)
_AMBIGUOUS = (0, 0, 0)  # a numeric date whose day/month order the language does not settle
_AM_BEFORE = frozenset({"上午", "午前", "오전"})  # CJK morning markers stand before the time


@dataclass(frozen=True, slots=True)
class ParsedDate:
    day: datetime.date  # the calendar day as written (in the writer's own time zone)
    instant: datetime.datetime | None  # aware UTC instant when the text gives a time with an offset or Z; else None
    has_time: bool  # a time of day was given (with or without offset)


class NumericOrder(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    month_first: list[str]
    ambiguous: list[str]
    day_first: list[str]


class DateData(BaseModel):
    """rules/data/dates.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    months: dict[str, list[list[str]]]
    year_words: list[str]
    time_words: list[str]
    hour_words: list[str]
    zones: dict[str, str]
    numeric_order: NumericOrder

    @field_validator("months")
    @classmethod
    def _twelve(cls, value: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
        for lang, months in value.items():
            if len(months) != 12:
                raise ValueError(f"months.{lang}: needs 12 months, has {len(months)}")
            for i, forms in enumerate(months, 1):
                if not forms:
                    raise ValueError(f"months.{lang}: month {i} has no forms")
                for form in forms:
                    if not form or form != form.strip().lower() or form.endswith("."):
                        raise ValueError(f"months.{lang}: {form!r} must be lower case, trimmed, without a dot")
        return value

    @field_validator("zones")
    @classmethod
    def _offsets(cls, value: dict[str, str]) -> dict[str, str]:
        for name, offset in value.items():
            if not re.fullmatch(r"[A-Z]{1,5}", name):
                raise ValueError(f"zones.{name}: a zone abbreviation is 1-5 capital letters")
            if not re.fullmatch(r"[+-](?:0\d|1[0-4]):[0-5]\d", offset):
                raise ValueError(f"zones.{name}: {offset!r} is not an offset like +01:00")
        return value

    @model_validator(mode="after")
    def _one_month_per_form(self) -> DateData:
        seen: dict[str, tuple[int, str]] = {}
        for lang, months in self.months.items():
            for number, forms in enumerate(months, 1):
                for form in forms:
                    other = seen.setdefault(form, (number, lang))
                    if other[0] != number:
                        raise ValueError(f"months.{lang}: {form!r} is month {number} here, {other[0]} in {other[1]}")
        return self


_Node = dict[str, "_Node"]


def _trie(words: list[str]) -> str:
    """One regex alternation for many words, as a trie (re tries alternatives one by one)."""
    root: _Node = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Node) -> str:
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return (body if len(branches) > 1 else "(?:" + body + ")") + "?"
        return body

    return build(root)


# Letter boundaries: digits may touch a month name ("12March"), letters may not.
_LB = r"(?<![^\W\d_])"
_LA = r"(?![^\W\d_])"
_DAY_SUFFIX = r"(?:st|nd|rd|th|er|re|\.º|º|°|ª)?"


def _offset(sign: str, hours: str, minutes: str | None) -> datetime.timedelta | None:
    h, m = int(hours), int(minutes or 0)
    if h > 14 or m > 59:
        return None
    delta = datetime.timedelta(hours=h, minutes=m)
    return -delta if sign in "-−" else delta


def _zone_offset(offset: str) -> datetime.timedelta:
    """A validated "+01:00"."""
    delta = datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    return -delta if offset[0] == "-" else delta


class DateRules:
    """The compiled reader: built once from the data file."""

    def __init__(self, data: DateData) -> None:
        self.month = {form: n for months in data.months.values() for n, forms in enumerate(months, 1) for form in forms}
        self.zones = {name: _zone_offset(off) for name, off in data.zones.items()}
        self.month_first = frozenset(data.numeric_order.month_first)
        self.ambiguous = frozenset(data.numeric_order.ambiguous)
        self.day_first = frozenset(data.numeric_order.day_first)
        self._order_cache: dict[str | None, str | None] = {}
        months = _trie(sorted(self.month))
        month = rf"{_LB}(?:{months})(?:\.|{_LA})"
        self.date_rx = re.compile(
            # year first: 2026-03-12, 2026/03/12, 2026.03.12, 2026. 3. 12.
            r"(?<![\d.])(?P<ay>\d{4})(?P<as>[-/.])\s?(?P<am>\d{1,2})(?P=as)\s?(?P<ad>\d{1,2})(?!\d)"
            # CJK: 2026年3月12日, 2026년 3월 12일
            r"|(?P<by>\d{4})\s*[年년]\s*(?P<bm>\d{1,2})\s*[月월]\s*(?P<bd>\d{1,2})\s*[日일]"
            # numeric, day or month first: 12.03.2026, 12. 3. 26, 12/03/2026, 03-12-2026
            r"|(?<![\d.])(?P<c1>\d{1,2})(?P<cs>[./-])(?:(?<=\.)\s)?(?P<c2>\d{1,2})(?P=cs)(?:(?<=\.)\s)?"
            r"(?P<cy>\d{4}|\d{2}(?![.:/-]?\d))(?!\d)"
            # day, month name, year: 12 March 2026, 12. März 2026, 12 de marzo de 2026, 1er mars 2026, 12-Mar-26
            rf"|(?<!\d)(?P<dd>\d{{1,2}}){_DAY_SUFFIX}\.?(?:\s*(?:de|of|-|/)\s*|\s*)(?P<dm>{month})"
            r"(?:\s*(?:,|del|de|-|/)\s*|\s*)(?P<dy>\d{4}|(?<=-)\d{2})(?!\d)"
            # month name, day, year: March 12, 2026; Mar. 12 2026; asctime Thu Mar 12 09:30:00 2026
            rf"|(?P<em>{month})\s*(?P<ed>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:\s*,\s*|\s+)"
            r"(?:(?P<eh>\d{1,2}):(?P<emi>\d{2}):(?P<es>\d{2})\s+)?(?P<ey>\d{4})(?!\d)",
            re.I,
        )
        year_words = "|".join(re.escape(w) for w in sorted(data.year_words, key=len, reverse=True))
        time_words = "|".join(re.escape(w) for w in sorted(data.time_words, key=len, reverse=True))
        hour_words = "|".join(re.escape(w) for w in sorted(data.hour_words, key=len, reverse=True))
        zone_names = "|".join(sorted(data.zones, key=len, reverse=True))
        ampm = r"[ap]\.?\s?m\.?" + _LA
        self.time_rx = re.compile(
            # what joins the time to the date: T, "г.,", " - ", "um", "a las", "o godz."
            rf"(?:T|(?:\s*(?:{year_words}){_LA}\.?)?\s*[,|·•–—/-]?\s*(?P<tw>(?:(?:{time_words}){_LA}\.?\s*){{1,2}})?)"
            r"(?P<ap1>上午|下午|午前|午後|오전|오후)?\s*"
            r"(?:(?P<h>\d{1,2})(?:"
            r":(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
            # 9.30 only after a joining word or before Uhr/pm: "ore 9.30", "klo 9.30", "9.30 Uhr"
            rf"|\.(?P<mid>\d{{2}})(?(tw)|(?=\s?(?:{hour_words}|{ampm})))"
            r"|h(?P<mih>\d{2}))(?!\d)"  # 09h30
            rf"|(?P<h2>\d{{1,2}})\s?(?:{hour_words}|[時时시])(?:\s*(?P<mi2>\d{{1,2}})\s*[分분])?"  # 9 Uhr, 9時30分
            rf"|(?P<h3>\d{{1,2}})(?=\s?{ampm}))"  # 9 PM
            rf"(?:\s?(?P<ap>[ap])\.?\s?m\.?{_LA})?"
            rf"(?:\s*(?:{hour_words}))?"
            # zone: Z, +01:00, +0100, +01, UTC, GMT+1, CET
            r"(?:(?P<zs>[+\-−])(?P<zh>\d{2})(?::?(?P<zm>\d{2}))?(?![\d:])"
            r"|\s(?P<zs2>[+-])(?P<zh2>\d{2}):?(?P<zm2>\d{2})(?!\d)"
            rf"|\s*\(?(?-i:(?P<zn>{zone_names}))(?![^\W_])"
            r"(?:\s?(?P<zos>[+-])(?P<zoh>\d{1,2})(?::?(?P<zom>\d{2}))?(?!\d))?)?",
            re.I,
        )

    def numeric_order(self, language: str | None) -> str | None:
        """'dmy', 'mdy' or None (ambiguous) for numeric dates with both parts <= 12."""
        if language in self._order_cache:
            return self._order_cache[language]
        result: str | None = None
        if language:
            parts = language.replace("_", "-").split("-")
            primary = parts[0].lower()
            region = next((p.upper() for p in parts[1:] if (len(p) == 2 and p.isalpha()) or _UN_REGION(p)), None)
            tag = f"{primary}-{region}" if region else primary
            if tag in self.month_first:
                result = "mdy"
            elif tag in self.ambiguous:
                result = None
            elif tag in self.day_first:
                result = "dmy"
            elif region and primary in self.month_first:
                result = "mdy"
            elif region and primary in self.day_first:
                result = "dmy"
        if len(self._order_cache) > 4096:  # crawled lang attributes can be anything
            self._order_cache.clear()
        self._order_cache[language] = result
        return result

    def parse(self, text: str, language: str | None) -> ParsedDate | None:
        if _DIGIT(text) is None:  # no digits, no date: most non-dates stop here
            return None
        whole = text.strip()
        if _WHOLE_DIGITS.fullmatch(whole):
            return _whole_number(whole)
        pos = 0
        while (m := self.date_rx.search(text, pos)) is not None:
            pos = m.start() + 1
            ymd = self._ymd(m, language)
            if ymd is _AMBIGUOUS:
                return None  # the first date cannot be read; a later one is a different date
            if ymd is None:
                continue
            year, month, day = ymd
            if not MIN_YEAR <= year <= MAX_YEAR:
                continue
            try:
                date = datetime.date(year, month, day)
            except ValueError:
                continue  # 31.02.2026
            if m.group("eh") is not None:  # asctime: the time stands before the year
                clock = _clock(date, int(m.group("eh")), int(m.group("emi")), int(m.group("es")), 0)
                return ParsedDate(date, None, clock is not None)
            return self._with_time(date, text, m.end())
        return None

    def _ymd(self, m: re.Match[str], language: str | None) -> tuple[int, int, int] | None:
        g = m.group
        if g("ay") is not None:
            return int(g("ay")), int(g("am")), int(g("ad"))
        if g("by") is not None:
            return int(g("by")), int(g("bm")), int(g("bd"))
        if g("c1") is not None:
            a, b, year = int(g("c1")), int(g("c2")), _year(g("cy"))
            if g("cs") == "." or a > 12 or a == b:
                return year, b, a
            if b > 12:
                return year, a, b
            order = self.numeric_order(language)
            if order is None:
                return _AMBIGUOUS
            return (year, a, b) if order == "mdy" else (year, b, a)
        if g("dd") is not None:
            return _year(g("dy")), self.month[g("dm").rstrip(".").lower()], int(g("dd"))
        if g("em") is not None:
            return int(g("ey")), self.month[g("em").rstrip(".").lower()], int(g("ed"))
        return None

    def _with_time(self, date: datetime.date, text: str, end: int) -> ParsedDate:
        t = self.time_rx.match(text, end)
        if t is None:
            return ParsedDate(date, None, False)
        g = t.group
        hour = g("h") or g("h2") or g("h3")
        minute = g("mi") or g("mid") or g("mih") or g("mi2") or "0"
        fraction = (g("f") or "")[:6].ljust(6, "0")
        clock = _clock(date, int(hour), int(minute), int(g("s") or 0), int(fraction))
        if clock is not None:
            before = g("ap1")
            marker = (g("ap") or "").lower() or ("" if before is None else "a" if before in _AM_BEFORE else "p")
            if marker:
                if not 1 <= clock.hour <= 12:
                    clock = None
                else:
                    clock = clock.replace(hour=clock.hour % 12 + (12 if marker == "p" else 0))
        if clock is None:
            return ParsedDate(date, None, False)
        offset = self._zone(t)
        if offset is None:
            return ParsedDate(date, None, True)
        try:
            instant = clock.replace(tzinfo=datetime.timezone(offset)).astimezone(_UTC)
        except (ValueError, OverflowError):  # "AEDT+13": an offset of a day or more is no zone
            return ParsedDate(date, None, True)
        return ParsedDate(date, instant, True)

    def _zone(self, t: re.Match[str]) -> datetime.timedelta | None:
        g = t.group
        if g("zs"):
            return _offset(g("zs"), g("zh"), g("zm"))
        if g("zs2"):
            return _offset(g("zs2"), g("zh2"), g("zm2"))
        if g("zn"):
            base = self.zones[g("zn")]
            if g("zos"):
                extra = _offset(g("zos"), g("zoh"), g("zom"))
                return None if extra is None else base + extra
            return base
        return None


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    # Two digits: this century up to next year, else the last one.
    yy = int(text)
    return 2000 + yy if yy <= (datetime.date.today().year + 1) % 100 else 1900 + yy


def _clock(date: datetime.date, hour: int, minute: int, second: int, micro: int) -> datetime.datetime | None:
    if hour > 23 or minute > 59 or second > 60:
        return None
    return datetime.datetime(date.year, date.month, date.day, hour, minute, min(second, 59), micro)


def _whole_number(value: str) -> ParsedDate | None:
    """A value of digits only: YYYYMMDD (8), a Unix timestamp in seconds (10) or milliseconds (13)."""
    if len(value) == 8:
        year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        try:
            return ParsedDate(datetime.date(year, month, day), None, False)
        except ValueError:
            return None
    seconds = int(value) / (1000 if len(value) == 13 else 1)
    if not _TS_MIN <= seconds < _TS_MAX:
        return None
    instant = datetime.datetime.fromtimestamp(seconds, _UTC)
    return ParsedDate(instant.date(), instant, True)


@cache
def load_date_rules(path: Path | None = None) -> DateRules:
    """The reader built from `rules/data/dates.toml` (or `path`), once per process."""
    from auditor.rulepacks import load_data_file, rules_dir

    file = path or rules_dir() / "data" / "dates.toml"
    return DateRules(load_data_file(file, DateData, "date data"))


# The attribution record, ATT007 and ATT008 each read the same few values of a page: read once.
@lru_cache(maxsize=4096)
def parse_date(text: str, language: str | None = None) -> ParsedDate | None:
    """The first date in `text` (a meta/JSON-LD/<time datetime> value or a visible dateline), or None."""
    return load_date_rules().parse(text, language)


def _utc(now: datetime.datetime) -> datetime.datetime:
    return now.replace(tzinfo=_UTC) if now.tzinfo is None else now.astimezone(_UTC)


def is_future(d: ParsedDate, now: datetime.datetime, slack_hours: int = 24) -> bool:
    """True when `d` is after `now` (naive means UTC) by more than the slack. An instant is compared
    as such; a date without one counts as the end of its day in the earliest time zone, i.e. it is in
    the future when its day is after the (UTC) day of now + slack."""
    limit = _utc(now) + datetime.timedelta(hours=slack_hours)
    if d.instant is not None:
        return d.instant > limit
    return d.day > limit.date()


def days_apart(a: ParsedDate, b: ParsedDate) -> float:
    """Absolute difference in days: of the instants when both have one, else of the calendar days."""
    if a.instant is not None and b.instant is not None:
        return abs((a.instant - b.instant).total_seconds()) / 86400
    return float(abs((a.day - b.day).days))

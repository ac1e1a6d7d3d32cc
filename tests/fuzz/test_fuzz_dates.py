"""Date parsing (`auditor.analysis.dates.parse_date`) on random text and on date-like text built from
the pieces the reader knows (years with any digits, month names of every language in
rules/data/dates.toml, separators, times, am/pm and CJK markers, zone abbreviations with offsets,
Unix timestamps), with and without a page language.

The property: parse_date never raises and returns None or a ParsedDate whose day is a real date in
the accepted years, whose instant (if any) is an aware UTC datetime on the same day give or take
one, and which `is_future` and `days_apart` accept.
"""

from __future__ import annotations

import datetime
import functools

import pytest
import tomllib
from hypothesis import given
from hypothesis import strategies as st

from auditor.analysis.dates import MAX_YEAR, MIN_YEAR, ParsedDate, days_apart, is_future, parse_date

from ._support import ROOT, any_text, known_bug, time_limit

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

NOW = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)


def check_date(text: str, language: str | None = None, tolerate: bool = True) -> ParsedDate | None:
    try:
        with time_limit(10, "parse_date"):
            parsed = parse_date(text, language)
    except Exception as exc:
        if known_bug(exc, tolerate) is None:
            raise
        return None
    if parsed is None:
        return None
    assert isinstance(parsed, ParsedDate)
    assert type(parsed.day) is datetime.date
    assert MIN_YEAR - 1 <= parsed.day.year <= MAX_YEAR + 1
    if parsed.instant is not None:
        assert parsed.instant.utcoffset() == datetime.timedelta(0)
        assert parsed.has_time
        assert abs((parsed.instant.date() - parsed.day).days) <= 1
    is_future(parsed, NOW)
    days_apart(parsed, parsed)
    return parsed


@functools.cache
def date_words() -> dict[str, list[str]]:
    data = tomllib.loads((ROOT / "rules" / "data" / "dates.toml").read_text(encoding="utf-8"))
    months = sorted({form for lang in data["months"].values() for forms in lang for form in forms})
    return {"months": months, "zones": sorted(data["zones"]), "time_words": data["time_words"],
            "year_words": data["year_words"], "hour_words": data["hour_words"]}


def _from(key: str) -> st.SearchStrategy[str]:
    return st.sampled_from(date_words()[key])


digits = st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"])


def number(low: int, high: int, width: int = 0) -> st.SearchStrategy[str]:
    return st.builds(lambda n, d: "".join(d[int(c)] for c in str(n).zfill(width)), st.integers(low, high), digits)


piece = st.one_of(
    number(0, 99999, 4), number(0, 99, 2), number(0, 40), _from("months"), _from("months").map(str.title),
    _from("zones"), _from("time_words"), _from("year_words"), _from("hour_words"),
    st.sampled_from(["-", "/", ".", ". ", " ", ",", ", ", "T", ":", "Z", "+", "-", "−", "年", "月", "日", "년",
                     "월", "일", "時", "分", "上午", "下午", "午前", "午後", "오전", "오후", "am", "p.m.", "PM", "st",
                     "th", "er", "º", "de", "of", "del", "(", ")", "h", "GMT+", "UTC-"]),
    st.builds(lambda s, h, m: f"{s}{h:02d}:{m:02d}", st.sampled_from("+-−"), st.integers(0, 30), st.integers(0, 99)),
    st.builds(lambda z, s, h: f"{z}{s}{h}", _from("zones"), st.sampled_from("+-"), st.integers(0, 30)),
    st.integers(0, 10**14).map(str),
)
date_like = st.lists(piece, min_size=1, max_size=14).map("".join)
languages = st.one_of(st.none(), st.sampled_from(["en", "en-US", "en-GB", "de", "fr", "es-419", "zh", "ja", "ko", "pl",
                                                  "ru", "pt-BR", "x", "", "EN_us", "en-001", "fil-PH"]),
                      st.text(max_size=8))


@given(date_like, languages)
def test_date_like_text(text: str, language: str | None) -> None:
    check_date(text, language)


@given(st.one_of(any_text, st.text(max_size=80)), languages)
def test_any_text(text: str, language: str | None) -> None:
    check_date(text, language)


@given(st.builds(lambda y, mo, d, h, mi, z: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:00{z}",
                 st.integers(MIN_YEAR - 2, MAX_YEAR + 2), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25),
                 st.integers(0, 61),
                 st.one_of(st.sampled_from(["", "Z"]), st.builds(lambda s, h, m: f"{s}{h:02d}:{m:02d}",
                                                                  st.sampled_from("+-"), st.sampled_from(range(16)),
                                                                  st.integers(0, 60)),
                           # "CET+1", "AEDT+13": an abbreviation and an offset on top (sampled, not
                           # integers(): every hour as likely as the next, the large ones matter)
                           st.builds(lambda z, s, h: f" {z}{s}{h}", _from("zones"), st.sampled_from("+-"),
                                     st.sampled_from(range(16))))))
def test_iso_like_timestamps(text: str) -> None:
    check_date(text)

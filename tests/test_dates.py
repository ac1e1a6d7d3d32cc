"""The publication-date reader (auditor/analysis/dates.py) and its data, rules/data/dates.toml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.analysis.dates import ParsedDate, days_apart, is_future, load_date_rules, parse_date
from auditor.rulepacks import RulePackError

DATA = Path(__file__).resolve().parent.parent / "rules" / "data" / "dates.toml"
UTC = dt.timezone.utc
D = dt.date(2026, 3, 12)


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# (text, language, day, UTC instant or None, has_time)
CASES: list[tuple[str, str | None, dt.date, str | None, bool]] = [
    # ISO 8601 and machine values
    ("2026-03-12", None, D, None, False),
    ("2026-03-12T09:30:00+01:00", None, D, "2026-03-12 08:30:00", True),
    ("2026-03-12T09:30:00Z", None, D, "2026-03-12 09:30:00", True),
    ("2026-03-12T09:30:00.123+0100", None, D, "2026-03-12 08:30:00.123", True),
    ("2026-03-12T09:30:00.123456789Z", None, D, "2026-03-12 09:30:00.123456", True),
    ("2026-03-12T09:30+01", None, D, "2026-03-12 08:30:00", True),
    ("2026-03-12T22:30:00-05:00", None, D, "2026-03-13 03:30:00", True),
    ("2026-03-12 09:30:00", None, D, None, True),
    ("  2026-03-12T09:30:00  ", "de", D, None, True),
    ("20260312", None, D, None, False),
    ("Thu, 12 Mar 2026 09:30:00 GMT", None, D, "2026-03-12 09:30:00", True),
    ("Thu, 12 Mar 2026 09:30:00 +0100", None, D, "2026-03-12 08:30:00", True),
    ("Thu, 12 Mar 2026 09:30:00 -0000", None, D, "2026-03-12 09:30:00", True),
    ("Thursday, 12-Mar-26 09:30:00 GMT", None, D, "2026-03-12 09:30:00", True),
    ("Thu Mar 12 09:30:00 2026", None, D, None, True),
    ("1773307800", None, D, "2026-03-12 09:30:00", True),
    ("1773307800123", None, D, "2026-03-12 09:30:00.123", True),
    # numeric, day first with dots
    ("12.03.2026", "de", D, None, False),
    ("12.03.2026", None, D, None, False),
    ("12.3.26", "de", D, None, False),
    ("12. 3. 2026", "de", D, None, False),
    ("1.3.2026", "pl", dt.date(2026, 3, 1), None, False),
    # numeric with slashes or dashes
    ("12/03/2026", "fr", D, None, False),
    ("12/03/2026", "en-GB", D, None, False),
    ("03/12/2026", "en-US", D, None, False),
    ("3/12/2026", "en_us", D, None, False),
    ("12-03-2026", "nl-NL", D, None, False),
    ("12/03/2026", "pt-BR", D, None, False),
    ("12/03/2026", "es-419", D, None, False),
    ("25/03/2026", None, dt.date(2026, 3, 25), None, False),
    ("03/25/2026", None, dt.date(2026, 3, 25), None, False),
    ("03/25/2026", "de", dt.date(2026, 3, 25), None, False),
    ("03/03/2026", "en", dt.date(2026, 3, 3), None, False),
    ("12/03/2026 10:00 UTC+1", "it", D, "2026-03-12 09:00:00", True),
    # month names
    ("12 March 2026", "en", D, None, False),
    ("March 12, 2026", "en", D, None, False),
    ("Mar. 12 2026", "en", D, None, False),
    ("March 12th, 2026", "en", D, None, False),
    ("1st of May 2026", "en", dt.date(2026, 5, 1), None, False),
    ("Thursday, March 12, 2026", "en", D, None, False),
    ("Updated: March 12, 2026", "en", D, None, False),
    ("March 12, 2026 9:00PM", "en-US", D, None, True),
    ("March 12, 2026 9:00 a.m. EDT", "en-US", D, "2026-03-12 13:00:00", True),
    ("12 March 2026 at 12:15 p.m. GMT", "en-GB", D, "2026-03-12 12:15:00", True),
    ("12 March 2026 at 12 am GMT", "en-GB", D, "2026-03-12 00:00:00", True),
    ("12. März 2026", "de", D, None, False),
    ("Donnerstag, 12. März 2026", "de", D, None, False),
    ("12. Mrz. 2026", "de", D, None, False),
    ("12. Jänner 2026", "de-AT", dt.date(2026, 1, 12), None, False),
    ("Veröffentlicht am 12.03.2026 um 09:30 Uhr", "de", D, None, True),
    ("12.03.2026, 09:30 Uhr", "de", D, None, True),
    ("Stand: 08.07.2026 05:00 Uhr", "de", dt.date(2026, 7, 8), None, True),
    ("15.04.2026 - 15:48 UhrLesedauer: 2 Min.", "de", dt.date(2026, 4, 15), None, True),
    ("12.03.2026 9.30 Uhr", "de", D, None, True),
    ("12.03.2026 09:30 MEZ", "de", D, "2026-03-12 08:30:00", True),
    ("Aktualisiert am 08.07.2026 um 14:05 Uhr MESZ", "de", dt.date(2026, 7, 8), "2026-07-08 12:05:00", True),
    ("1er mars 2026", "fr", dt.date(2026, 3, 1), None, False),
    ("le 12 mars 2026", "fr", D, None, False),
    ("12 mars 2026 à 09h30", "fr", D, None, True),
    ("Publié le 12 févr. 2026 à 18h05", "fr", dt.date(2026, 2, 12), None, True),
    ("mar. 12 mars 2026", "fr", D, None, False),
    ("12 de marzo de 2026", "es", D, None, False),
    ("12 de marzo de 2026 a las 21:15 CET", "es", D, "2026-03-12 20:15:00", True),
    ("1.º de mayo de 2026", "es", dt.date(2026, 5, 1), None, False),
    ("12 marzo 2026", "it", D, None, False),
    ("12 marzo 2026 alle ore 9.30", "it", D, None, True),
    ("Pubblicato il 3 ago 2026", "it", dt.date(2026, 8, 3), None, False),
    ("12 de março de 2026", "pt", D, None, False),
    ("12 de março de 2026 às 09h30", "pt-BR", D, None, True),
    ("5 out 2026", "pt", dt.date(2026, 10, 5), None, False),
    ("12 maart 2026", "nl", D, None, False),
    ("12 mei 2026 om 09:30", "nl", dt.date(2026, 5, 12), None, True),
    ("12 marca 2026", "pl", D, None, False),
    ("12 marca 2026 r., godz. 09:30", "pl", D, None, True),
    ("3 października 2026", "pl", dt.date(2026, 10, 3), None, False),
    ("1 stycznia 2026", "pl", dt.date(2026, 1, 1), None, False),
    ("12 марта 2026 г.", "ru", D, None, False),
    ("12 марта 2026 года в 09:30", "ru", D, None, True),
    ("12 МАРТА 2026", "ru", D, None, False),
    ("12\u00a0März\u00a02026", "de", D, None, False),
    ("12 MARS 2026", "fr", D, None, False),
    # CJK
    ("2026年3月12日", "zh-CN", D, None, False),
    ("2026年03月12日 09:30", "zh-CN", D, None, True),
    ("2026年3月12日 下午3时30分", "zh-CN", D, None, True),
    ("２０２６年３月１２日", "ja", D, None, False),
    ("2026/03/12", "ja", D, None, False),
    ("2026.03.12", "zh-TW", D, None, False),
    ("2026년 3월 12일", "ko", D, None, False),
    ("2026. 3. 12.", "ko", D, None, False),
    ("2026년 3월 12일 오후 3:30 KST", "ko", D, "2026-03-12 06:30:00", True),
    # the first valid date wins
    ("31.02.2026 oder 01.03.2026", "de", dt.date(2026, 3, 1), None, False),
    ("Updated 2 hours ago · First published 12 March 2026", "en", D, None, False),
    ("https://example.com/2026/03/12/story", None, D, None, False),
]


@pytest.mark.parametrize(("text", "language", "day", "instant", "has_time"), CASES)
def test_parse(text: str, language: str | None, day: dt.date, instant: str | None, has_time: bool) -> None:
    parsed = parse_date(text, language)
    assert parsed == ParsedDate(day, _utc(instant) if instant else None, has_time)


def test_instants_are_utc() -> None:
    parsed = parse_date("2026-03-12T09:30:00+05:30")
    assert parsed is not None and parsed.instant is not None
    assert parsed.instant.utcoffset() == dt.timedelta(0)
    assert parsed.instant == dt.datetime(2026, 3, 12, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # both parts <= 12 and the language does not settle the order
        ("03/04/2026", None),
        ("03/04/2026", "en"),
        ("03/04/2026", "en-CA"),
        ("03/04/2026", "es-US"),
        ("03/04/2026", "zh-CN"),
        ("03/04/2026", "xx"),
        ("03-04-2026", None),
        # an unreadable first date is not replaced by a later one
        ("03/04/2026, updated 2026-04-05", "en"),
    ],
)
def test_ambiguous_is_none(text: str, language: str | None) -> None:
    assert parse_date(text, language) is None


@pytest.mark.parametrize(
    ("language", "day"),
    [
        ("en-US", dt.date(2026, 3, 4)),
        ("en-PH", dt.date(2026, 3, 4)),
        ("fil-PH", dt.date(2026, 3, 4)),
        ("en-GB", dt.date(2026, 4, 3)),
        ("en-AU", dt.date(2026, 4, 3)),
        ("EN-gb", dt.date(2026, 4, 3)),
        ("de", dt.date(2026, 4, 3)),
        ("de-CH", dt.date(2026, 4, 3)),
        ("fr", dt.date(2026, 4, 3)),
        ("ru-RU", dt.date(2026, 4, 3)),
        ("sr-Latn-RS", dt.date(2026, 4, 3)),
    ],
)
def test_language_settles_order(language: str, day: dt.date) -> None:
    assert parse_date("03/04/2026", language) == ParsedDate(day, None, False)


def test_dots_are_always_day_first() -> None:
    assert parse_date("03.04.2026", "en-US") == ParsedDate(dt.date(2026, 4, 3), None, False)


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2026",
        "2026-02-29",
        "30 February 2026",
        "2026-13-01",
        "13/13/2026",
        "31/04/2026",
        "12.03.1989",  # before 1990
        "12 March 2101",
        "20261332",
        "19890312",
        "12.03.89",  # 1989
    ],
)
def test_invalid_dates(text: str) -> None:
    assert parse_date(text, "de") is None


def test_leap_day() -> None:
    assert parse_date("29.02.2024") == ParsedDate(dt.date(2024, 2, 29), None, False)


@pytest.mark.parametrize(
    "text",
    [
        "Published 3 hours ago",
        "vor 3 Stunden",
        "il y a 2 jours",
        "hace 5 minutos",
        "Yesterday at 09:30",
        "Gestern, 09:30 Uhr",
        "2 дня назад",
        "3小时前",
        "March 2026",
        "12 March",
        "12.03.",
        "Lesedauer: 2 Min.",
        "",
        "no digits here",
        "1.5 million in 2026",
    ],
)
def test_no_date(text: str) -> None:
    assert parse_date(text, "en") is None


def test_two_digit_years() -> None:
    pivot = (dt.date.today().year + 1) % 100
    assert parse_date(f"12.03.{pivot:02d}") == ParsedDate(dt.date(2000 + pivot, 3, 12), None, False)
    assert parse_date("12.03.99") == ParsedDate(dt.date(1999, 3, 12), None, False)
    assert parse_date("12.03.90") == ParsedDate(dt.date(1990, 3, 12), None, False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1773307800", dt.datetime(2026, 3, 12, 9, 30, tzinfo=UTC)),
        ("1773307800500", dt.datetime(2026, 3, 12, 9, 30, 0, 500000, tzinfo=UTC)),
        ("788918400", None),  # 9 digits: not a timestamp
        ("0788918399", None),  # 1994-12-31: too early
        ("9999999999", None),  # 2286: too late
        ("4102444800", dt.datetime(2100, 1, 1, tzinfo=UTC)),
        ("177330780012", None),  # 12 digits
        ("id 1773307800", None),  # only a whole value is a timestamp
    ],
)
def test_timestamps(value: str, expected: dt.datetime | None) -> None:
    parsed = parse_date(value)
    if expected is None:
        assert parsed is None
    else:
        assert parsed == ParsedDate(expected.date(), expected, True)


@pytest.mark.parametrize(
    "text",
    [
        "12.03.2026 25:00",  # no such hour
        "12.03.2026 09:61",
        "12.03.2026 9.30",  # a bare 9.30 may be anything
        "12 mars 2026 - 2h Lesedauer",
        "12 March 2026, 3.50 euros",
        "12 March 2026 13 pm",
    ],
)
def test_not_a_time(text: str) -> None:
    parsed = parse_date(text, "de")
    assert parsed == ParsedDate(D, None, False)


def test_time_without_zone_has_no_instant() -> None:
    assert parse_date("12.03.2026 um 09:30 Uhr") == ParsedDate(D, None, True)
    assert parse_date("2026-03-12T09:30") == ParsedDate(D, None, True)


# is_future and days_apart

NOW = dt.datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
PLUS_2 = dt.timezone(dt.timedelta(hours=2))


def _day(day: dt.date) -> ParsedDate:
    return ParsedDate(day, None, False)


def _at(instant: dt.datetime) -> ParsedDate:
    return ParsedDate(instant.date(), instant, True)


@pytest.mark.parametrize(
    ("d", "now", "slack", "future"),
    [
        (_at(NOW + dt.timedelta(hours=25)), NOW, 24, True),
        (_at(NOW + dt.timedelta(hours=24)), NOW, 24, False),  # exactly the slack: not beyond it
        (_at(NOW + dt.timedelta(hours=2)), NOW, 0, True),
        (_at(NOW - dt.timedelta(days=400)), NOW, 24, False),
        (_day(dt.date(2026, 3, 13)), NOW, 24, False),  # tomorrow is within a day's slack
        (_day(dt.date(2026, 3, 14)), NOW, 24, True),
        (_day(dt.date(2026, 3, 13)), NOW, 0, True),
        (_day(dt.date(2026, 3, 12)), NOW, 0, False),  # today is never in the future
        (_day(dt.date(2026, 3, 13)), dt.datetime(2026, 3, 12, 23, 59), 0, True),  # naive now is UTC
        # an aware now in another zone is compared in UTC: 13 March 01:00+02:00 is 12 March 23:00Z
        (_day(dt.date(2026, 3, 13)), dt.datetime(2026, 3, 13, 1, 0, tzinfo=PLUS_2), 0, True),
        (ParsedDate(dt.date(2026, 3, 14), None, True), NOW, 24, True),  # a local time without zone counts as a day
    ],
)
def test_is_future(d: ParsedDate, now: dt.datetime, slack: int, future: bool) -> None:
    assert is_future(d, now, slack) is future


def test_is_future_default_slack() -> None:
    assert not is_future(_at(NOW + dt.timedelta(hours=23)), NOW)
    assert is_future(_at(NOW + dt.timedelta(hours=30)), NOW)


def test_days_apart() -> None:
    a = _at(dt.datetime(2026, 3, 12, 9, 30, tzinfo=UTC))
    b = _at(dt.datetime(2026, 3, 13, 21, 30, tzinfo=UTC))
    assert days_apart(a, b) == 1.5
    assert days_apart(b, a) == 1.5
    assert days_apart(a, a) == 0.0
    # one side without an instant: calendar days
    assert days_apart(a, _day(dt.date(2026, 3, 20))) == 8.0
    assert days_apart(_day(dt.date(2026, 3, 20)), _day(dt.date(2025, 3, 20))) == 365.0
    # instants across the date line: the written days differ by one, the instants by 2 hours
    east = parse_date("2026-03-13T01:00:00+10:00")
    west = parse_date("2026-03-12T11:00:00-02:00")
    assert east is not None and west is not None
    assert days_apart(east, west) == pytest.approx(2 / 24)
    assert isinstance(days_apart(_day(D), _day(D)), float)


# data file


def test_rules_are_loaded_once() -> None:
    assert load_date_rules() is load_date_rules()


def test_every_language_has_its_month_names() -> None:
    rules = load_date_rules(DATA)
    expected = {
        "march": 3, "märz": 3, "mars": 3, "marzo": 3, "março": 3, "maart": 3, "marca": 3, "марта": 3, "март": 3,
        "stycznia": 1, "października": 10, "août": 8, "dez": 12, "déc": 12, "gru": 12, "дек": 12,
    }  # fmt: skip
    for form, month in expected.items():
        assert rules.month[form] == month


def test_bad_data_names_file_and_cause(tmp_path: Path) -> None:
    text = DATA.read_text(encoding="utf-8")
    broken = tmp_path / "dates.toml"
    broken.write_text(text.replace('["april", "apr"], ["mai"]', '["april", "apr"], ["mar"]', 1), encoding="utf-8")
    with pytest.raises(RulePackError, match=r"(?s)dates\.toml: invalid date data: .*'mar' is month 5 here, 3 in"):
        load_date_rules(broken)
    short = tmp_path / "short.toml"
    short.write_text(text.replace('["november", "nov"], ["december", "dec"],', "", 1), encoding="utf-8")
    with pytest.raises(RulePackError, match=r"(?s)short\.toml: .*needs 12 months"):
        load_date_rules(short)
    zone = tmp_path / "zone.toml"
    zone.write_text(text.replace('CET = "+01:00"', 'CET = "+1"', 1), encoding="utf-8")
    with pytest.raises(RulePackError, match=r"(?s)zone\.toml: .*not an offset"):
        load_date_rules(zone)

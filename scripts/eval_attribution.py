"""Author and publication-date extraction measured on real pages, side by side with trafilatura.

    python scripts/eval_attribution.py                      # corpus at ../shared/corpus (next to the repo)
    python scripts/eval_attribution.py /path/to/corpus --details

Pages: `<corpus>/pages/{fundus,trafilatura,htmldate,readability}/*.html.gz`; ground truth:
`<corpus>/ground_truth/<source>.json`, keyed by the page's path relative to the corpus folder
(see the corpus MANIFEST.md, "Ground truth"). fundus gives `authors` and an ISO `date` with offset,
trafilatura `authors` and a `YYYY-MM-DD` date, htmldate only a `date`, readability a free-text `byline`
(kept whole, as one author) and an optional `date`. A page without an author (or date) in its ground
truth takes no part in the author (or date) figures.

The auditor runs in-process with rules ("ATT",); its predicted authors are all values of
`PageReport.attribution.authors`, its predicted date the first value of `attribution.published` that
parses to a day (ISO datetimes, "16 January 2026", "March 25, 2015", "21/06/2014", "2024年4月19日", ...).
trafilatura runs `extract_metadata` on the same HTML: `author` (split at ";") and `date`.

Matching. Names are normalised (NFKD without accents, case-folded, punctuation to spaces, whitespace
collapsed, a leading "by"/"von"/"written by"/... dropped). A predicted author matches a ground-truth author
when one equals the other or contains it as whole words ("nathan willis" in "nathan willis march 25 2015").
- author precision: pages whose predicted authors all match a ground-truth author / pages with a prediction;
- author recall: pages whose ground-truth authors are all matched / pages with ground-truth authors;
- author micro recall: ground-truth authors matched / ground-truth authors.
- date: the predicted day equals the ground-truth day. When both carry a time and an offset the predicted
  instant is converted to the ground truth's offset first; otherwise the calendar dates are compared.
  Precision over pages with a predicted date, recall over pages with a ground-truth date.

When the corpus folder is missing the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
SOURCES = ("fundus", "trafilatura", "htmldate", "readability")
TOOLS = ("auditor", "trafilatura")

# ---------------------------------------------------------------------------------------------- names

_BY = re.compile(r"^(?:by|written by|words by|von|text von|text|par|por|di|door|av|af|przez|from)\s+")


def strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalise_name(text: str) -> str:
    text = strip_accents(text).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _BY.sub("", text)


def name_matches(predicted: str, truth: str) -> bool:
    """Equal, or one contains the other as whole words (both normalised)."""
    p, t = normalise_name(predicted), normalise_name(truth)
    if not p or not t:
        return False
    return p == t or f" {t} " in f" {p} " or f" {p} " in f" {t} "


# ---------------------------------------------------------------------------------------------- dates

_MONTHS_BY_NUMBER = (
    ("jan", "january", "januar", "janner", "janvier", "enero", "gennaio", "januari", "janeiro", "stycznia"),
    ("feb", "february", "februar", "fevrier", "febrero", "febbraio", "februari", "fevereiro"),
    ("mar", "march", "marz", "maerz", "mars", "marzo", "maart", "marco", "mrz"),
    ("apr", "april", "avril", "abril", "aprile"),
    ("may", "mai", "mayo", "maggio", "mei", "maio"),
    ("jun", "june", "juni", "juin", "junio", "giugno", "junho"),
    ("jul", "july", "juli", "juillet", "julio", "luglio", "julho"),
    ("aug", "august", "aout", "agosto", "augustus"),
    ("sep", "sept", "september", "septembre", "septiembre", "settembre", "setembro"),
    ("oct", "october", "oktober", "okt", "octobre", "octubre", "ottobre", "outubro"),
    ("nov", "november", "novembre", "noviembre", "novembro"),
    ("dec", "december", "dezember", "dez", "decembre", "diciembre", "dicembre", "dezembro"),
)
MONTHS = {name: number for number, names in enumerate(_MONTHS_BY_NUMBER, 1) for name in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\.?\s*(?:de\s+)?({_MONTH})\.?,?\s*(?:de\s+)?(\d{{4}})\b")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")
_CJK = re.compile(r"(\d{4})\s*[年.]\s*(\d{1,2})\s*[月.]\s*(\d{1,2})\s*日?")


def _day(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_when(text: str) -> date | datetime | None:
    """A day (or an aware/naive datetime when the text has a time) in a date value or a dateline."""
    text = text.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text or ":" in text \
            else date.fromisoformat(text)
    except ValueError:
        pass
    m = _ISO.search(text)
    if m:
        value = m.group(0)
        try:
            if len(value) > 10:
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            return date.fromisoformat(value)
        except ValueError:
            pass
    folded = strip_accents(text).casefold()
    m = _DAY_MONTH.search(folded)
    if m:
        return _day(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    m = _MONTH_DAY.search(folded)
    if m:
        return _day(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))
    m = _CJK.search(text)
    if m:
        return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC.search(text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return _day(year, b, a) or _day(year, a, b)  # day first (21/06/2014), else month first
    return None


def same_day(predicted: date | datetime, truth: date | datetime) -> bool:
    if isinstance(predicted, datetime) and isinstance(truth, datetime) and predicted.tzinfo and truth.tzinfo:
        predicted = predicted.astimezone(truth.tzinfo)
    p = predicted.date() if isinstance(predicted, datetime) else predicted
    t = truth.date() if isinstance(truth, datetime) else truth
    return p == t


# ---------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Truth:
    page: str
    authors: tuple[str, ...] | None  # None: no author in the ground truth
    date: str | None


@dataclass(frozen=True)
class Prediction:
    authors: tuple[str, ...] = ()
    author_sources: tuple[str, ...] = ()  # where each author came from (auditor only)
    date: str | None = None  # the raw value the date was taken from
    date_source: str | None = None
    published: tuple[str, ...] = ()  # all raw published values (auditor only)


@dataclass(frozen=True)
class PageResult:
    page: str
    truth: Truth
    prediction: Prediction
    author_correct: bool | None  # None: no prediction or no ground truth
    authors_found: tuple[str, ...]  # ground-truth authors matched
    authors_missed: tuple[str, ...]
    wrong_authors: tuple[str, ...]  # predicted authors matching no ground-truth author
    date_correct: bool | None  # None: no predicted date or no ground truth


@dataclass
class ToolScore:
    tool: str
    seconds: float = 0.0
    pages: list[PageResult] = field(default_factory=list)

    def _ratio(self, num: int, den: int) -> float | None:
        return num / den if den else None

    def subset(self, source: str) -> ToolScore:
        prefix = f"pages/{source}/"
        return ToolScore(self.tool, 0.0, [p for p in self.pages if p.page.startswith(prefix)])

    @property
    def author_precision(self) -> float | None:
        judged = [p for p in self.pages if p.author_correct is not None]
        return self._ratio(sum(p.author_correct is True for p in judged), len(judged))

    @property
    def author_recall(self) -> float | None:
        with_truth = [p for p in self.pages if p.truth.authors]
        return self._ratio(sum(not p.authors_missed for p in with_truth), len(with_truth))

    @property
    def author_micro_recall(self) -> float | None:
        found = sum(len(p.authors_found) for p in self.pages if p.truth.authors)
        return self._ratio(found, found + sum(len(p.authors_missed) for p in self.pages if p.truth.authors))

    @property
    def date_precision(self) -> float | None:
        judged = [p for p in self.pages if p.date_correct is not None]
        return self._ratio(sum(p.date_correct is True for p in judged), len(judged))

    @property
    def date_recall(self) -> float | None:
        with_truth = [p for p in self.pages if p.truth.date]
        return self._ratio(sum(p.date_correct is True for p in with_truth), len(with_truth))

    def figures(self) -> dict[str, float | None]:
        return {"author_precision": self.author_precision, "author_recall": self.author_recall,
                "author_micro_recall": self.author_micro_recall, "date_precision": self.date_precision,
                "date_recall": self.date_recall}


@dataclass
class Evaluation:
    corpus: Path
    tools: dict[str, ToolScore] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(next(iter(self.tools.values())).pages) if self.tools else 0


# ---------------------------------------------------------------------------------------------- loading


def load_truth(corpus: Path, sources: Iterable[str] = SOURCES) -> dict[str, Truth]:
    out: dict[str, Truth] = {}
    for source in sources:
        path = corpus / "ground_truth" / f"{source}.json"
        if not path.exists():
            continue
        for page, entry in json.loads(path.read_text(encoding="utf-8")).items():
            if not (corpus / page).exists():
                continue
            if "byline" in entry:
                byline = (entry.get("byline") or "").strip()
                authors: tuple[str, ...] | None = (byline,) if byline else None
            else:
                raw = entry.get("authors")
                authors = tuple(a for a in raw if a and a.strip()) if raw else None
                authors = authors or None
            when = entry.get("date") or entry.get("publishedTime")
            if not isinstance(when, str) or not when.strip() or when.strip().lower() == "nan":
                when = None  # htmldate writes NaN for pages without a known date
            out[page] = Truth(page, authors, when)
    return out


def read_html(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def run_auditor(corpus: Path, pages: Iterable[str], errors: list[str]) -> dict[str, Prediction]:
    from auditor.evaluation import audit_folder

    wanted = set(pages)
    out: dict[str, Prediction] = {}
    for folder in sorted({str(Path(p).parent) for p in wanted}):
        reports, errs = audit_folder(corpus / folder, corpus, select=("ATT",))
        errors += [f"auditor {e}" for e in errs]
        for key, report in reports.items():
            if key not in wanted:
                continue
            att = report.attribution
            authors = tuple(a.value for a in att.authors) if att else ()
            sources = tuple(a.source for a in att.authors) if att else ()
            published = tuple(d.value for d in att.published) if att else ()
            chosen = next((d for d in (att.published if att else []) if parse_when(d.value) is not None), None)
            out[key] = Prediction(authors, sources, chosen.value if chosen else None,
                                  chosen.source if chosen else None, published)
    return out


def run_trafilatura(corpus: Path, pages: Iterable[str], errors: list[str]) -> dict[str, Prediction]:
    import trafilatura

    out: dict[str, Prediction] = {}
    for page in sorted(pages):
        try:
            tree = trafilatura.load_html(read_html(corpus / page))
            meta = trafilatura.extract_metadata(tree) if tree is not None else None
        except Exception as exc:  # a failing page is reported, not fatal
            errors.append(f"trafilatura {page}: {exc!r}")
            meta = None
        if meta is None:
            out[page] = Prediction()
            continue
        authors = tuple(a.strip() for a in (meta.author or "").split(";") if a.strip())
        out[page] = Prediction(authors, ("trafilatura",) * len(authors), meta.date or None, "trafilatura")
    return out


# ---------------------------------------------------------------------------------------------- scoring


def score_page(truth: Truth, prediction: Prediction) -> PageResult:
    found: list[str] = []
    missed: list[str] = []
    wrong: list[str] = []
    author_correct: bool | None = None
    if truth.authors:
        for author in truth.authors:
            (found if any(name_matches(p, author) for p in prediction.authors) else missed).append(author)
        wrong = [p for p in prediction.authors if not any(name_matches(p, t) for t in truth.authors)]
        if prediction.authors:
            author_correct = not wrong
    date_correct: bool | None = None
    if truth.date and prediction.date:
        predicted, expected = parse_when(prediction.date), parse_when(truth.date)
        date_correct = predicted is not None and expected is not None and same_day(predicted, expected)
    return PageResult(truth.page, truth, prediction, author_correct, tuple(found), tuple(missed), tuple(wrong),
                      date_correct)


def evaluate(corpus: Path = DEFAULT_CORPUS, sources: Iterable[str] = SOURCES) -> Evaluation:
    """Run both tools over the corpus pages that have ground truth and score them."""
    corpus = Path(corpus)
    truth = load_truth(corpus, sources)
    ev = Evaluation(corpus)
    runners: dict[str, Callable[[Path, Iterable[str], list[str]], dict[str, Prediction]]] = {
        "auditor": run_auditor, "trafilatura": run_trafilatura}
    for tool in TOOLS:
        start = time.perf_counter()
        predictions = runners[tool](corpus, truth, ev.errors)
        seconds = time.perf_counter() - start
        score = ToolScore(tool, seconds)
        for page in sorted(truth):
            score.pages.append(score_page(truth[page], predictions.get(page, Prediction())))
        ev.tools[tool] = score
    return ev


# ---------------------------------------------------------------------------------------------- output


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def table(ev: Evaluation, timing: bool = True) -> str:
    head = f"{'tool':<12} {'author P':>8} {'author R':>8} {'(micro R)':>9} {'date P':>8} {'date R':>8} {'pages':>6}"
    lines = [head + ("   seconds" if timing else ""), "-" * (len(head) + (10 if timing else 0))]
    for name, score in ev.tools.items():
        lines.append(f"{name:<12} {_pct(score.author_precision):>8} {_pct(score.author_recall):>8} "
                     f"{_pct(score.author_micro_recall):>9} {_pct(score.date_precision):>8} "
                     f"{_pct(score.date_recall):>8} {len(score.pages):>6}"
                     + (f" {score.seconds:9.2f}" if timing else ""))
    return "\n".join(lines)


def per_source(ev: Evaluation) -> str:
    lines = []
    for source in SOURCES:
        sub = Evaluation(ev.corpus, {n: s.subset(source) for n, s in ev.tools.items()})
        if sub.pages:
            lines += [f"\n{source}:", table(sub, timing=False)]
    return "\n".join(lines)


def details(score: ToolScore) -> str:
    lines = [f"\nMisses and false positives of {score.tool}:"]
    for p in score.pages:
        pred = p.prediction
        authors = ", ".join(f"{a!r} ({s})" for a, s in zip(pred.authors, pred.author_sources, strict=False))
        if p.authors_missed or p.wrong_authors:
            lines.append(f"  AUTHOR {p.page}")
            lines.append(f"      truth: {list(p.truth.authors or ())}")
            lines.append(f"      found: [{authors}]")
            if p.authors_missed:
                lines.append(f"      missed: {list(p.authors_missed)}")
            if p.wrong_authors:
                lines.append(f"      wrong: {list(p.wrong_authors)}")
        if p.truth.date and p.date_correct is not True:
            lines.append(f"  DATE   {p.page}")
            lines.append(f"      truth: {p.truth.date}   found: {pred.date!r} ({pred.date_source})")
            if pred.published and pred.date != pred.published[0]:
                lines.append(f"      published values: {list(pred.published[:6])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS,
                        help="corpus folder with pages/ and ground_truth/ (default: ../shared/corpus)")
    parser.add_argument("--details", action="store_true", help="list every miss and false positive of auditor")
    parser.add_argument("--trafilatura-details", action="store_true", help="the same for trafilatura")
    args = parser.parse_args(argv)
    if not (args.corpus / "ground_truth").is_dir():
        print(f"corpus not found at {args.corpus}; nothing to evaluate")
        return 0
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        print("trafilatura is not installed (pip install trafilatura); nothing to evaluate")
        return 0
    ev = evaluate(args.corpus)
    print(table(ev))
    print(per_source(ev))
    if args.details:
        print(details(ev.tools["auditor"]))
    if args.trafilatura_details:
        print(details(ev.tools["trafilatura"]))
    if ev.errors:
        print("\nErrors:", *ev.errors, sep="\n  ", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

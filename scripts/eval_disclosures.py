"""Precision and recall of AI-disclosure detection on the labelled evaluation pages.

    python scripts/eval_disclosures.py                      # tests/eval/pages against tests/eval/labels.json
    python scripts/eval_disclosures.py tests/eval/pages/fixtures/de --details
    python scripts/eval_disclosures.py --check              # exit 1 when the targets are missed

The engine runs in-process over every page in the folder; each page's `disclosures` are matched to the
expected ones of labels.json (keys: paths relative to the `pages` folder next to labels.json). A found
disclosure matches an expected one when the class is the same (or one the label `accept`s) and one
text contains the other (case-insensitive, Unicode- and whitespace-normalised); each is used once.
Findings of class `topic` are no disclosures and are left out. Precision per class counts the found
disclosures of that class, recall the expected ones; per placement the same with the found and the
expected placement. A topic-only page (AI as the subject, no label) counts as wrongly reported when
any finding on it is AI-made (generated, assisted, reviewed, tool-credit).

Targets (`--check`): "generated" precision >= 0.98 and recall >= 0.95, no topic-only page reported as
AI-made. Without `--check` the exit code is 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = ROOT / "tests" / "eval" / "pages"
DEFAULT_LABELS = ROOT / "tests" / "eval" / "labels.json"
CLASSES = ("generated", "assisted", "reviewed", "tool-credit", "negation")
AI_MADE = frozenset({"generated", "assisted", "reviewed", "tool-credit"})
TOPIC = "topic"
TARGET_PRECISION = 0.98
TARGET_RECALL = 0.95
_HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_HYPHENS[0xAD] = None  # soft hyphen


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_HYPHENS)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Expected:
    page: str
    cls: str
    text: str
    placement: str
    item_kind: str
    accept: tuple[str, ...] = ()

    def describe(self) -> str:
        extra = f" (or {', '.join(self.accept)})" if self.accept else ""
        return f"{self.cls}{extra} {self.text!r} [{self.placement}, {self.item_kind}]"


@dataclass(frozen=True)
class Found:
    page: str
    cls: str
    text: str
    placement: str
    item_kind: str | None
    language: str
    snippet: str

    def describe(self) -> str:
        return f"{self.cls} {self.text!r} [{self.placement}, {self.item_kind}] ({self.language})"


@dataclass(frozen=True)
class PageTruth:
    expected: tuple[Expected, ...]
    topic_only: bool


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    recalled: int = 0  # expected ones that were matched
    correct: int = 0  # found ones that were matched
    same_placement: int = 0  # matched pairs whose found placement is the expected one

    @property
    def precision(self) -> float | None:
        return self.correct / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.recalled / self.expected if self.expected else None


@dataclass
class Evaluation:
    pages: list[str] = field(default_factory=list)
    expected: list[Expected] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)  # topic findings left out
    matches: list[tuple[Expected, Found]] = field(default_factory=list)
    misses: list[Expected] = field(default_factory=list)
    false_positives: list[Found] = field(default_factory=list)
    topic_only_pages: list[str] = field(default_factory=list)
    topic_only_flagged: dict[str, list[Found]] = field(default_factory=dict)
    unlabelled_pages: list[str] = field(default_factory=list)  # in the folder, not in labels.json
    errors: list[str] = field(default_factory=list)  # pages the engine could not read

    def by_class(self) -> dict[str, Score]:
        return _scores(self, lambda e: e.cls, lambda f: f.cls, CLASSES)

    def by_placement(self) -> dict[str, Score]:
        return _scores(self, lambda e: e.placement, lambda f: f.placement, ())

    def generated(self) -> Score:
        return self.by_class()["generated"]

    def ai_made(self) -> Score:
        """Class-blind: AI-made labels found as any AI-made class (a tool credit read as 'generated')."""
        score = Score()
        found = [f for f in self.found if f.cls in AI_MADE]
        score.found = len(found)
        for page in self.pages:
            exp = [e for e in self.expected if e.page == page and e.cls in AI_MADE]
            fnd = [f for f in found if f.page == page]
            pairs = match_page(exp, fnd, class_blind=True)
            score.expected += len(exp)
            score.recalled += len(pairs)
            score.correct += len(pairs)
        return score

    def failures(self) -> list[str]:
        """Why `--check` fails; empty when the targets are met."""
        out = []
        gen = self.generated()
        if gen.expected or gen.found:
            if gen.precision is None or gen.precision < TARGET_PRECISION:
                out.append(f"'generated' precision {_pct(gen.precision).strip()} < {TARGET_PRECISION:.0%}")
            if gen.recall is None or gen.recall < TARGET_RECALL:
                out.append(f"'generated' recall {_pct(gen.recall).strip()} < {TARGET_RECALL:.0%}")
        if self.topic_only_flagged:
            out.append(f"{len(self.topic_only_flagged)} topic-only page(s) reported as AI-made")
        return out


def _scores(ev: Evaluation, exp_key, found_key, always: Iterable[str]) -> dict[str, Score]:  # type: ignore[no-untyped-def]
    scores: dict[str, Score] = {k: Score() for k in always}
    for e in ev.expected:
        scores.setdefault(exp_key(e), Score()).expected += 1
    for f in ev.found:
        scores.setdefault(found_key(f), Score()).found += 1
    for e, f in ev.matches:
        scores[exp_key(e)].recalled += 1
        scores[found_key(f)].correct += 1
        if e.placement == f.placement:
            scores[exp_key(e)].same_placement += 1
    return scores


def texts_match(a: str, b: str) -> bool:
    na, nb = normalise(a), normalise(b)
    return bool(na and nb) and (na in nb or nb in na)


def match_page(expected: list[Expected], found: list[Found], class_blind: bool = False) -> list[tuple[Expected, Found]]:
    """One-to-one pairs of expected and found disclosures of one page; the best-fitting pairs first."""
    candidates = []
    for i, e in enumerate(expected):
        for j, f in enumerate(found):
            class_ok = (e.cls in AI_MADE and f.cls in AI_MADE) if class_blind else (f.cls == e.cls or f.cls in e.accept)
            if not class_ok or not texts_match(e.text, f.text):
                continue
            fit = (f.cls == e.cls) + (f.placement == e.placement) + (f.item_kind == e.item_kind)
            candidates.append((-fit, i, j))
    pairs = []
    used_e: set[int] = set()
    used_f: set[int] = set()
    for _, i, j in sorted(candidates):
        if i not in used_e and j not in used_f:
            used_e.add(i)
            used_f.add(j)
            pairs.append((expected[i], found[j]))
    return sorted(pairs, key=lambda p: expected.index(p[0]))


def load_labels(path: Path) -> dict[str, PageTruth]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, PageTruth] = {}
    for page, entry in data["pages"].items():
        expected = tuple(
            Expected(page, e["class"], e["text"], e["placement"], e["item_kind"], tuple(e.get("accept", ())))
            for e in entry.get("expected", [])
        )
        out[page] = PageTruth(expected, bool(entry.get("topic_only", False)))
    return out


def collect(folder: Path, base: Path) -> tuple[dict[str, list[Found]], list[str]]:
    """Run the engine over `folder`: disclosures per page key (path relative to `base`), and errors."""
    from auditor.evaluation import audit_folder

    reports, errors = audit_folder(folder, base)
    found: dict[str, list[Found]] = {}
    for key, page in reports.items():
        found[key] = [Found(key, d.disclosure_class, d.text, d.placement, d.item.kind if d.item else None,
                            d.language, d.location.snippet if d.location else "") for d in page.disclosures]
    return found, errors


def evaluate(folder: Path | None = None, labels: Path | None = None) -> Evaluation:
    labels = labels or DEFAULT_LABELS
    folder = folder or labels.parent / "pages"
    truth = load_labels(labels)
    found_by_page, errors = collect(folder, labels.parent / "pages")
    ev = Evaluation(errors=errors)
    for page in sorted(found_by_page):
        if page not in truth:
            ev.unlabelled_pages.append(page)
            continue
        ev.pages.append(page)
        page_truth = truth[page]
        expected = list(page_truth.expected)
        found = [f for f in found_by_page[page] if f.cls != TOPIC]
        ev.expected += expected
        ev.found += found
        pairs = match_page(expected, found)
        ev.matches += pairs
        matched_e = {id(e) for e, _ in pairs}
        matched_f = {id(f) for _, f in pairs}
        ev.misses += [e for e in expected if id(e) not in matched_e]
        ev.false_positives += [f for f in found if id(f) not in matched_f]
        if page_truth.topic_only:
            ev.topic_only_pages.append(page)
            ai = [f for f in found if f.cls in AI_MADE]
            if ai:
                ev.topic_only_flagged[page] = ai
    return ev


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def _table(title: str, scores: dict[str, Score], placement: bool = False) -> list[str]:
    head = f"{title:<14} {'precision':>9} {'recall':>7} {'expected':>8} {'found':>6} {'TP(exp)':>7} {'TP(found)':>9}"
    if placement:
        head += f" {'same place':>10}"
    lines = [head, "-" * len(head)]
    total = Score()
    for name in sorted(scores):
        s = scores[name]
        line = (f"{name:<14} {_pct(s.precision):>9} {_pct(s.recall):>7} {s.expected:>8} {s.found:>6} "
                f"{s.recalled:>7} {s.correct:>9}")
        if placement:
            line += f" {s.same_placement:>10}"
        lines.append(line)
        total.expected += s.expected
        total.found += s.found
        total.recalled += s.recalled
        total.correct += s.correct
        total.same_placement += s.same_placement
    line = (f"{'all':<14} {_pct(total.precision):>9} {_pct(total.recall):>7} {total.expected:>8} {total.found:>6} "
            f"{total.recalled:>7} {total.correct:>9}")
    if placement:
        line += f" {total.same_placement:>10}"
    return [*lines, line]


def render(ev: Evaluation, details: bool = False) -> str:
    labelled = sum(1 for p in ev.pages if any(e.page == p for e in ev.expected))
    lines = [f"{len(ev.pages)} page(s): {labelled} with labels, {len(ev.topic_only_pages)} topic-only, "
             f"{len(ev.expected)} expected disclosure(s), {len(ev.found)} found (topic findings left out)", ""]
    lines += _table("class", ev.by_class())
    lines.append("")
    lines += _table("placement", ev.by_placement(), placement=True)
    gen, ai = ev.generated(), ev.ai_made()
    lines += [
        "",
        f"generated: precision {_pct(gen.precision).strip()}, recall {_pct(gen.recall).strip()} "
        f"(targets >= {TARGET_PRECISION:.0%} and >= {TARGET_RECALL:.0%})",
        f"AI-made, any class: precision {_pct(ai.precision).strip()}, recall {_pct(ai.recall).strip()}",
        f"topic-only pages reported as AI-made: {len(ev.topic_only_flagged)} of {len(ev.topic_only_pages)}",
    ]
    if ev.unlabelled_pages:
        lines.append(f"pages without ground truth (skipped): {len(ev.unlabelled_pages)}")
    if ev.errors:
        lines.append(f"pages the engine could not read: {len(ev.errors)}")
    if details:
        lines += ["", f"misses ({len(ev.misses)}):"]
        for e in sorted(ev.misses, key=lambda e: (e.page, e.cls, e.text)):
            on_page = sorted({f.describe() for f in ev.found if f.page == e.page})
            lines.append(f"  {e.page}: expected {e.describe()}; found {'; '.join(on_page) or 'nothing'}")
        lines += ["", f"false positives ({len(ev.false_positives)}):"]
        matched = [e for e, _ in ev.matches]
        for f in sorted(ev.false_positives, key=lambda f: (f.page, f.cls, f.text, f.placement)):
            again = any(e.page == f.page and texts_match(e.text, f.text) for e in matched)
            mark = " (a second finding for a label already matched)" if again else ""
            lines.append(f"  {f.page}: found {f.describe()} in {f.snippet[:80]!r}{mark}")
        lines += ["", "topic-only pages reported as AI-made:"]
        for page, flagged in sorted(ev.topic_only_flagged.items()):
            lines.append(f"  {page}: {'; '.join(sorted({f.describe() for f in flagged}))}")
        for page in ev.unlabelled_pages:
            lines.append(f"  no ground truth: {page}")
        for error in ev.errors:
            lines.append(f"  error: {error}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="pages to evaluate (default: tests/eval/pages)")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="ground truth (default: %(default)s)")
    parser.add_argument("--details", action="store_true", help="list every miss and false positive")
    parser.add_argument("--check", action="store_true", help="exit 1 when the targets are missed")
    args = parser.parse_args(argv)
    ev = evaluate(args.folder, args.labels)
    sys.stdout.write(render(ev, args.details))
    if args.check:
        failures = ev.failures()
        for failure in failures:
            print(f"FAIL: {failure}")
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

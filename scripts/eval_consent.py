"""Precision and recall of cookie-banner detection, and how often the consent platform is named right.

    python scripts/eval_consent.py                        # tests/consent_eval/pages against labels.json
    python scripts/eval_consent.py tests/consent_eval/pages/fixtures/cmp --details
    python scripts/eval_consent.py --check                # exit 1 when the targets are missed

The engine runs in-process with the consent rules (CON) over every page in the folder. A page's banner
counts as found when its report's `consent.found` is true; labels.json says whether a banner is there
(`banner`: in the HTML, or injected at run time by a platform the page loads). The platform counts as
identified when `consent.cmp` equals the expected name or one of its `aliases` (case-insensitive,
punctuation and spacing ignored); only pages with a known platform (`cmp` not null) enter that share.

Targets (`--check`): banner F1 >= 0.95, platform identified right on >= 0.95 of the pages with a known
platform. Without `--check` the exit code is 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = ROOT / "tests" / "consent_eval" / "labels.json"
CONSENT_DATA = ROOT / "rules" / "data" / "consent.toml"
TARGET_F1 = 0.95
TARGET_CMP = 0.95


def norm_name(name: str) -> str:
    """'Cookie Notice (dFactory)' and 'cookie-notice dfactory' compare equal."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(re.findall(r"\w+", text))


@dataclass(frozen=True)
class Truth:
    page: str
    banner: bool
    cmp: str | None
    aliases: tuple[str, ...] = ()
    note: str = ""

    def accepts(self, name: str | None) -> bool:
        if not name or not self.cmp:
            return False
        return norm_name(name) in {norm_name(n) for n in (self.cmp, *self.aliases)}


@dataclass(frozen=True)
class Found:
    page: str
    found: bool
    cmp: str | None
    recognised_by: str | None = None
    where: str = ""  # selector of the notice's root, and a short snippet
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        if not self.found and not self.cmp:
            return "nothing"
        parts = ["banner" if self.found else "no banner", f"CMP {self.cmp}" if self.cmp else "no CMP"]
        if self.recognised_by:
            parts.append(f"by {self.recognised_by}")
        if self.choices:
            parts.append("choices " + "/".join(self.choices))
        if self.where:
            parts.append(f"at {self.where}")
        return "; ".join(parts)


@dataclass
class Evaluation:
    truth: dict[str, Truth] = field(default_factory=dict)  # evaluated pages only
    found: dict[str, Found] = field(default_factory=dict)
    unlabelled_pages: list[str] = field(default_factory=list)  # in the folder, not in labels.json
    errors: list[str] = field(default_factory=list)  # pages the engine could not read

    @property
    def pages(self) -> list[str]:
        return sorted(self.truth)

    def _found(self, page: str) -> Found:
        return self.found.get(page) or Found(page, False, None)

    def _where(self, banner: bool, found: bool, pages: list[str] | None = None) -> list[str]:
        return [p for p in (pages if pages is not None else self.pages)
                if self.truth[p].banner == banner and self._found(p).found == found]

    # banner detection
    def true_positives(self, pages: list[str] | None = None) -> list[str]:
        return self._where(True, True, pages)

    def false_positives(self, pages: list[str] | None = None) -> list[str]:
        return self._where(False, True, pages)

    def misses(self, pages: list[str] | None = None) -> list[str]:
        return self._where(True, False, pages)

    def true_negatives(self, pages: list[str] | None = None) -> list[str]:
        return self._where(False, False, pages)

    def precision(self, pages: list[str] | None = None) -> float | None:
        tp, fp = len(self.true_positives(pages)), len(self.false_positives(pages))
        return tp / (tp + fp) if tp + fp else None

    def recall(self, pages: list[str] | None = None) -> float | None:
        tp, fn = len(self.true_positives(pages)), len(self.misses(pages))
        return tp / (tp + fn) if tp + fn else None

    def f1(self, pages: list[str] | None = None) -> float | None:
        p, r = self.precision(pages), self.recall(pages)
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    # platform identification
    def cmp_pages(self, pages: list[str] | None = None) -> list[str]:
        return [p for p in (pages if pages is not None else self.pages) if self.truth[p].cmp]

    def cmp_right(self, pages: list[str] | None = None) -> list[str]:
        return [p for p in self.cmp_pages(pages) if self.truth[p].accepts(self._found(p).cmp)]

    def cmp_wrong(self, pages: list[str] | None = None) -> list[str]:
        return [p for p in self.cmp_pages(pages)
                if self._found(p).cmp and not self.truth[p].accepts(self._found(p).cmp)]

    def cmp_none(self, pages: list[str] | None = None) -> list[str]:
        return [p for p in self.cmp_pages(pages) if not self._found(p).cmp]

    def cmp_unexpected(self, pages: list[str] | None = None) -> list[str]:
        """Pages without a known platform where the tool names one anyway."""
        return [p for p in (pages if pages is not None else self.pages)
                if not self.truth[p].cmp and self._found(p).cmp]

    def cmp_share(self, pages: list[str] | None = None) -> float | None:
        total = len(self.cmp_pages(pages))
        return len(self.cmp_right(pages)) / total if total else None

    def groups(self) -> dict[str, list[str]]:
        """Pages by folder: real, fixtures/cmp, fixtures/notice, fixtures/negative."""
        out: dict[str, list[str]] = {}
        for page in self.pages:
            parts = page.split("/")
            if parts[0] == "fixtures" and len(parts) > 2:
                key = "/".join(parts[:2])
            else:
                key = parts[0] if len(parts) > 1 else "."
            out.setdefault(key, []).append(page)
        return out

    def failures(self) -> list[str]:
        """Why `--check` fails; empty when the targets are met."""
        out = []
        f1, share = self.f1(), self.cmp_share()
        if f1 is None or f1 < TARGET_F1:
            out.append(f"banner F1 {_pct(f1).strip()} < {TARGET_F1:.0%}")
        if self.cmp_pages() and (share is None or share < TARGET_CMP):
            out.append(f"CMP identified right {_pct(share).strip()} < {TARGET_CMP:.0%}")
        if self.errors:
            out.append(f"{len(self.errors)} page(s) could not be read")
        return out


def load_labels(path: Path) -> dict[str, Truth]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        page: Truth(page, bool(e["banner"]), e.get("cmp") or None, tuple(e.get("aliases", ())), e.get("note", ""))
        for page, e in data["pages"].items()
    }


def known_cmp_names(path: Path = CONSENT_DATA) -> list[str]:
    """The `[[cmp]] name`s of the consent data the tool reads."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    return [c["name"] for c in data.get("cmp", []) if isinstance(c, dict) and "name" in c]


def collect(folder: Path, base: Path) -> tuple[dict[str, Found], list[str]]:
    """Run the engine with the consent rules over `folder`: what it reports per page key (path
    relative to `base`), and the errors."""
    from auditor.evaluation import audit_folder

    reports, errors = audit_folder(folder, base, ("CON",))
    return {key: _found(key, page) for key, page in reports.items()}, errors


def _found(key: str, page: object) -> Found:
    consent = getattr(page, "consent", None)
    if consent is None:
        return Found(key, False, None)
    where = ""
    location = getattr(consent, "location", None)
    if location is not None:
        selector = getattr(location, "selector", None) or ""
        snippet = " ".join((getattr(location, "snippet", None) or "").split())[:70]
        where = f"{selector} {snippet!r}" if snippet else selector
    return Found(
        key,
        bool(getattr(consent, "found", False)),
        getattr(consent, "cmp", None) or None,
        getattr(consent, "recognised_by", None) or None,
        where,
        tuple(getattr(consent, "choices", None) or ()),
    )


def evaluate(folder: Path | None = None, labels: Path | None = None) -> Evaluation:
    labels = labels or DEFAULT_LABELS
    folder = folder or labels.parent / "pages"
    truth = load_labels(labels)
    found, errors = collect(folder, labels.parent / "pages")
    ev = Evaluation(errors=errors)
    for page in sorted(found):
        if page not in truth:
            ev.unlabelled_pages.append(page)
            continue
        ev.truth[page] = truth[page]
        ev.found[page] = found[page]
    return ev


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def _row(name: str, ev: Evaluation, pages: list[str]) -> str:
    return (f"{name:<18} {len(pages):>5} {len(ev.true_positives(pages)):>4} {len(ev.false_positives(pages)):>4} "
            f"{len(ev.misses(pages)):>4} {len(ev.true_negatives(pages)):>4} {_pct(ev.precision(pages)):>9} "
            f"{_pct(ev.recall(pages)):>7} {_pct(ev.f1(pages)):>7}   {len(ev.cmp_pages(pages)):>4} "
            f"{len(ev.cmp_right(pages)):>5} {len(ev.cmp_wrong(pages)):>5} {len(ev.cmp_none(pages)):>4} "
            f"{_pct(ev.cmp_share(pages)):>7}")


def render(ev: Evaluation, details: bool = False) -> str:
    banners = sum(1 for p in ev.pages if ev.truth[p].banner)
    lines = [f"{len(ev.pages)} page(s): {banners} with a banner, {len(ev.pages) - banners} without; "
             f"{len(ev.cmp_pages())} with a known consent platform", ""]
    head = (f"{'pages':<18} {'n':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} {'precision':>9} {'recall':>7} "
            f"{'F1':>7}   {'CMP':>4} {'right':>5} {'wrong':>5} {'none':>4} {'share':>7}")
    lines += [head, "-" * len(head)]
    for name, pages in sorted(ev.groups().items()):
        lines.append(_row(name, ev, pages))
    lines.append("-" * len(head))
    lines.append(_row("all", ev, ev.pages))
    lines += [
        "",
        f"banner: TP {len(ev.true_positives())}, FP {len(ev.false_positives())}, FN {len(ev.misses())}, "
        f"TN {len(ev.true_negatives())}; precision {_pct(ev.precision()).strip()}, recall "
        f"{_pct(ev.recall()).strip()}, F1 {_pct(ev.f1()).strip()} (target >= {TARGET_F1:.0%})",
        f"CMP: {len(ev.cmp_pages())} page(s) with a known platform; identified right {len(ev.cmp_right())}, "
        f"wrong platform named {len(ev.cmp_wrong())}, none named {len(ev.cmp_none())}; share "
        f"{_pct(ev.cmp_share()).strip()} (target >= {TARGET_CMP:.0%})",
        f"CMP named on pages without a known platform: {len(ev.cmp_unexpected())}",
    ]
    names = {norm_name(n) for n in known_cmp_names()}
    expected = sorted({ev.truth[p].cmp or "" for p in ev.cmp_pages()} - {""})
    unknown = [n for n in expected
               if not any(norm_name(a) in names for a in (n, *ev.truth[_first(ev, n)].aliases))]
    if unknown:
        lines.append(f"expected platforms not (yet) in {CONSENT_DATA.relative_to(ROOT).as_posix()}: "
                     f"{', '.join(unknown)}")
    if ev.unlabelled_pages:
        lines.append(f"pages without ground truth (skipped): {len(ev.unlabelled_pages)}")
    if ev.errors:
        lines.append(f"pages the engine could not read: {len(ev.errors)}")
    if details:
        lines += ["", f"banner misses ({len(ev.misses())}):"]
        for p in ev.misses():
            lines.append(f"  {p}: expected {_expected(ev.truth[p])}; found {ev._found(p).describe()}")
            if ev.truth[p].note:
                lines.append(f"      note: {ev.truth[p].note}")
        lines += ["", f"banner false positives ({len(ev.false_positives())}):"]
        for p in ev.false_positives():
            lines.append(f"  {p}: found {ev._found(p).describe()}")
            if ev.truth[p].note:
                lines.append(f"      note: {ev.truth[p].note}")
        lines += ["", f"wrong platform named ({len(ev.cmp_wrong())}):"]
        for p in ev.cmp_wrong():
            lines.append(f"  {p}: expected {ev.truth[p].cmp}; found {ev._found(p).describe()}")
        lines += ["", f"no platform named ({len(ev.cmp_none())}):"]
        for p in ev.cmp_none():
            lines.append(f"  {p}: expected {ev.truth[p].cmp}; found {ev._found(p).describe()}")
            if ev.truth[p].note:
                lines.append(f"      note: {ev.truth[p].note}")
        lines += ["", f"platform named where none is expected ({len(ev.cmp_unexpected())}):"]
        for p in ev.cmp_unexpected():
            lines.append(f"  {p}: found {ev._found(p).describe()}")
            if ev.truth[p].note:
                lines.append(f"      note: {ev.truth[p].note}")
        for page in ev.unlabelled_pages:
            lines.append(f"  no ground truth: {page}")
        for error in ev.errors:
            lines.append(f"  error: {error}")
    return "\n".join(lines) + "\n"


def _first(ev: Evaluation, cmp: str) -> str:
    return next(p for p in ev.cmp_pages() if ev.truth[p].cmp == cmp)


def _expected(truth: Truth) -> str:
    return f"banner, CMP {truth.cmp}" if truth.cmp else "banner"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="pages to evaluate (default: tests/consent_eval/pages)")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="ground truth (default: %(default)s)")
    parser.add_argument("--details", action="store_true", help="list every miss, false positive and wrong platform")
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

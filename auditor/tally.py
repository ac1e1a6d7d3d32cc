"""What each page adds to its site's totals, kept on disk beside its summary until the site phase.

Why: a crawl where nearly every page is a site of its own (a Common Crawl segment) held each site's
counts in memory from its first page to the site phase: a `Totals` with a dict per rule, 3 KB a
site, 300 MB at 100,000 sites. Now a page's counts (flat: one key per outcome, severity, category
and rule outcome), whether it fails the run and its unused inline suppressions are written into its
summary record (`pagestore.summary_record`); the site phase reads the summaries anyway, and adds the
counts up as it reads them. What the engine keeps of a site until then is its pages' places.
"""

from __future__ import annotations

import json
import sys

from auditor.models import Outcome, PageReport, Severity, Totals

# An unused inline suppression: (path, line, kind, codes).
Unused = tuple[str, int, str, tuple[str, ...]]

# Flat count keys: "o:<outcome>", "s:<severity>", "c:<category>", "r:<rule code>:<outcome>".


def count_flat(counts: dict[str, int], page: PageReport, sign: int = 1) -> dict[str, int]:
    """Add one page's results to flat counts (with sign -1, take them out again); `counts` itself.
    What `totals_of` makes a `Totals` of: a rule that did not apply counts one `inapplicable`, every
    result counts its outcome, a violation its severity and category too."""
    get = counts.get
    for code, outcome in page.rule_outcomes.items():
        if outcome == Outcome.inapplicable:
            counts["o:inapplicable"] = get("o:inapplicable", 0) + sign
            key = f"r:{code}:inapplicable"
            counts[key] = get(key, 0) + sign
    for r in page.results:
        value = r.outcome.value
        key = "o:" + value
        counts[key] = get(key, 0) + sign
        key = f"r:{r.code}:{value}"
        counts[key] = get(key, 0) + sign
        if r.outcome == Outcome.violation:
            key = "s:" + r.severity.value
            counts[key] = get(key, 0) + sign
            key = "c:" + r.category.value
            counts[key] = get(key, 0) + sign
    return counts


def unused_suppressions(page: PageReport) -> list[Unused]:
    """The page's inline suppressions that silenced nothing."""
    return [(page.path, x.line, x.kind, tuple(x.codes)) for x in page.suppressions
            if x.kind != "enable" and x.suppressed == 0]


def fails(page: PageReport, fail_on: Severity) -> bool:
    """Whether the page has a violation at or above the fail level."""
    return any(r.outcome == Outcome.violation and r.severity.rank >= fail_on.rank for r in page.results)


def page_tally(page: PageReport, fail_on: Severity) -> bytes:
    """What a page adds to its site (counts, failing, unused suppressions), as its summary record keeps it."""
    return json.dumps([count_flat({}, page), fails(page, fail_on), unused_suppressions(page)],
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


class SiteTally:
    """A site's pages' tallies added up as the site phase reads them (in any order: only sums)."""

    __slots__ = ("counts", "failing", "unused")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.failing = False
        self.unused: dict[int, list[Unused]] = {}  # by the page's place in the site's run order

    def add(self, k: int, data: bytes) -> None:
        counts, failing, unused = json.loads(data)
        mine = self.counts
        for key, value in counts.items():
            mine[key] = mine.get(key, 0) + value
        self.failing = self.failing or failing
        if unused:
            self.unused[k] = [(path, line, kind, tuple(codes)) for path, line, kind, codes in unused]

    def totals(self, pages: int, errors: int) -> Totals:
        """The site's `Totals`: the counts that are not zero, with small per-rule counts shared."""
        return totals_of(self.counts, pages, errors)


def totals_of(counts: dict[str, int], pages: int, errors: int) -> Totals:
    """`Totals` from flat counts, leaving out those that are zero (taken out again: a page settled
    with site findings), as if never counted. Its keys are the strings of one table, and small
    per-rule counts are shared: every site's `Totals` stays in memory until the index is written."""
    by_outcome: dict[str, int] = {}
    by_severity: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_rule: dict[str, dict[str, int]] = {}
    groups = {"o": by_outcome, "s": by_severity, "c": by_category}
    keys = _KEYS
    for key, value in counts.items():
        if value == 0:
            continue
        parts = keys.get(key)
        if parts is None:
            parts = keys[key] = _key_parts(key)
        group, name, outcome = parts
        if group == "r":
            rule = by_rule.get(name)
            if rule is None:
                rule = by_rule[name] = {}
            rule[outcome] = value
        else:
            groups[group][name] = value
    for code, rule in by_rule.items():
        by_rule[code] = shared(rule)
    return Totals.model_construct(pages=pages, errors=errors, by_outcome=by_outcome, by_severity=by_severity,
                                  by_category=by_category, by_rule=by_rule)


_KEYS: dict[str, tuple[str, str, str]] = {}  # flat key -> (group, name, outcome), as interned strings


def _key_parts(key: str) -> tuple[str, str, str]:
    group, _, rest = key.partition(":")
    name, _, outcome = rest.partition(":") if group == "r" else (rest, "", "")
    return sys.intern(group), sys.intern(name), sys.intern(outcome)


# A rule's counts (`Totals.by_rule[code]`, {"pass": 1} ...) are never changed in place but replaced,
# and small ones are shared: the counts of small sites repeat, and a run where nearly every page is
# a site of its own (a Common Crawl segment) kept some 45 of these dicts per site, 8 KB of its 10.
# Shared only when every count is small, so that the table stays small however big the run
# (not every step of a big site's counts, which would grow with its pages).
_SMALL_COUNT = 4
_SHARED_COUNTS: dict[tuple[tuple[str, int], ...], dict[str, int]] = {}


def shared(counts: dict[str, int]) -> dict[str, int]:
    """An equal dict from the shared table when every count is small (never to be changed in place)."""
    if len(counts) > 3 or any(v > _SMALL_COUNT or v < 0 for v in counts.values()):
        return counts
    key = tuple(sorted(counts.items()))
    found = _SHARED_COUNTS.get(key)
    if found is None:
        found = _SHARED_COUNTS[key] = counts
    return found

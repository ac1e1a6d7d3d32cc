"""The HTML of the parts of a site report that repeat: findings, page records, rule groups, the rules
table, the page filter's options and the charts, written in Python.

Why not in the template: a site has thousands of findings and pages, and rendered through Jinja each
cost dozens of generator steps, macro calls and escapes; that was most of the time of writing a site
report. Here each is one join of constant markup and values. The output is byte for byte what the
templates made of the same data before (the markup below mirrors theirs, tag for tag).

Every value from a report goes through `_e` (or `_w`, `_n`, `_loc`, which give the same), the escaping
Jinja's autoescape applies (`markupsafe.escape`); constant markup is written here as literals and
nothing else is inserted. So an escaped value never holds `<`, `>`, `&`, `"` or `'`, and every `<` in
a record is ours: that is what lets `open_details` and `settle_links` edit records after the fact.
The records reach the template as `Markup` made here (`RecordSpool.read` and the functions that
return `Markup`), so that it writes them as they are.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Container, Hashable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from markupsafe import Markup, escape

from auditor.models import (
    AttributionRecord,
    CookieNotice,
    ItemRef,
    Location,
    Outcome,
    PageReport,
    ProvenanceRecord,
    RuleInfo,
)

if TYPE_CHECKING:
    from auditor.report.html import Chart, Facet, FindingView, Piece, RuleGroup, WorstPage

OUTCOMES: tuple[str, ...] = ("violation", "incomplete", "pass", "inapplicable")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
# Only thumbnails of this form become <img src>: the tool's own re-encoded JPEGs, never page URLs.
THUMB_PREFIX = "data:image/jpeg;base64,"
CHUNK = 1 << 16  # characters handed on at a time: big enough to make per-chunk costs vanish, small in memory


def _e(value: object) -> str:
    """Every value from a report goes through this (or `_w`, `_n`): `markupsafe.escape`, as Jinja's
    autoescape applies it. A plain str is escaped here with markupsafe's own replacements (its
    pure-Python version, the same five characters the same way), without a Markup made of each."""
    if type(value) is str:
        return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))
    return escape(value)


_WORDS: dict[str, str] = {}


def _w(value: object) -> str:
    """`_e` for values from a small vocabulary (rule codes, item kinds, sources, origins): escaped once
    and then looked up. Bounded, as page data can reach here too."""
    if type(value) is not str:  # an enum's str() is not its value; a dict would mix the two up
        return _e(value)
    text = _WORDS.get(value)
    if text is None:
        if len(_WORDS) >= 4096:
            _WORDS.clear()
        text = _WORDS[value] = _e(value)
    return text


def _n(value: object) -> str:
    """`_e` for counts and positions: nothing to escape in the str() of an int or a float."""
    return str(value) if type(value) is int or type(value) is float else _e(value)


_OUTCOME_VALUES = {o: o.value for o in Outcome}  # a look-up costs a fifth of `.value`


def by_outcome(rule_outcomes: dict[str, Outcome]) -> dict[str, list[str]]:
    """A page's rule codes by the outcome each rule ended in, in report order."""
    grouped: dict[str, list[str]] = {o: [] for o in OUTCOMES}
    for code, outcome in rule_outcomes.items():
        grouped.setdefault(_OUTCOME_VALUES[outcome], []).append(code)
    return grouped


def _loc(location: Location) -> str:
    """`line:column`, the position part of a location, escaped (as in `_n`, nothing to escape in ints)."""
    text = f"{location.line}:{location.column}"
    return text if type(location.line) is int and type(location.column) is int else _e(text)


# Badges of a few fixed values (outcomes, severities), made once; escaped all the same.
_BADGES: dict[tuple[str, str], str] = {}


def badge(kind: str, value: str) -> str:
    """`<span class="badge o-violation">violation</span>`: kind `o` for outcomes, `s` for severities."""
    key = (kind, value)
    text = _BADGES.get(key)
    if text is None:
        v = _e(value)
        text = _BADGES[key] = f'<span class="badge {kind}-{v}">{v}</span>'
    return text


def item(i: ItemRef | None) -> str:
    """What a result or a record is about: its kind and label."""
    if i is None:
        return ""
    return f"{_w(i.kind)}: {_e(i.label)}" if i.label else str(_w(i.kind))


def where(location: Location) -> str:
    """Where in the page: selector, line and column."""
    tail = f"line {_n(location.line)}, column {_n(location.column)}"
    return tail if location.selector is None else f"<code>{_e(location.selector)}</code> {tail}"


def pieces(ps: Iterable[Piece]) -> str:
    """Highlighted text: each piece escaped, matched ones inside <mark>."""
    return "".join([f"<mark>{_e(text)}</mark>" if hit else _e(text) for text, hit in ps])


# --- charts ------------------------------------------------------------------------------------


def chart_head(c: Chart, chart_w: float, label_w: float, bar_w: float, bar_h: float) -> Markup:
    """A bar chart as inline SVG with its legend (or, with no rows, its description), up to where
    the caller's data table goes (`bar_chart` in macros.html.j2)."""
    cid, title = _e(c.id), _e(c.title)
    out = [f'<figure class="chart" id="{cid}">\n<figcaption>{title}</figcaption>\n']
    if not c.rows:
        out.append(f'<p class="muted">{_e(c.desc)}</p>\n')
        return Markup("".join(out))
    w, h = _n(chart_w), _n(c.height)
    out.append(f'<svg class="bars" role="img" aria-labelledby="{cid}-t {cid}-d" viewBox="0 0 {w} {h}" width="{w}" '
               f'height="{h}">\n<title id="{cid}-t">{title}</title>\n<desc id="{cid}-d">{_e(c.desc)}</desc>\n')
    label_x, track_x, track_w, bar_h_ = _n(label_w - 8), _n(label_w), _n(bar_w), _n(bar_h)
    value_x = _n(label_w + bar_w + 8)
    for row in c.rows:
        text_y, bar_y = _n(row.y + 17), _n(row.y + 5)
        out.append(f'<g>\n<text x="{label_x}" y="{text_y}" text-anchor="end">{_e(row.label)}</text>\n'
                   f'<rect class="track" x="{track_x}" y="{bar_y}" width="{track_w}" height="{bar_h_}"/>\n')
        for seg in row.segments:
            out.append(f'<rect class="{_e(seg.cls)}" x="{_n(seg.x)}" y="{bar_y}" width="{_n(seg.width)}" '
                       f'height="{bar_h_}"/>\n')
        out.append(f'<text x="{value_x}" y="{text_y}">{_e(row.value_text)}</text>\n</g>\n')
    out.append('</svg>\n<ul class="legend">\n')
    for cls, label in c.legend:
        out.append(f'<li><svg aria-hidden="true" viewBox="0 0 10 10" width="10" height="10"><rect class="{_e(cls)}" '
                   f'width="10" height="10"/></svg>{_e(label)}</li>\n')
    out.append("</ul>\n\n")
    return Markup("".join(out))


# --- findings ----------------------------------------------------------------------------------


def finding_html(f: FindingView, rule: RuleInfo) -> str:
    """One finding of a rule's list, closed (`open_details` opens it). Compact on purpose (a site can
    have 10,000 findings): the optional end tags of dt and dd are left out."""
    r = f.result
    n = _n(f.page_no)
    outcome = r.outcome.value
    other_severity = r.severity != rule.severity
    out = [f'<li class="f" data-o="{_w(outcome)}" data-p="{n}"']
    if other_severity:
        out.append(f' data-s="{_w(r.severity.value)}"')
    if r.category != rule.category:
        out.append(f' data-c="{_w(r.category.value)}"')
    out.append("><details><summary>")
    out.append(badge("o", outcome))
    if other_severity:
        out.append(" " + badge("s", r.severity.value))
    out.append(f' {_e(r.message)} <span class="where">&mdash; {_e(f.page.path)}')
    it = r.item
    if it is not None:
        out.append(" &middot; " + item(it))
    out.append("</span></summary><dl>\n")
    if it is not None:
        out.append(f"<dt>item<dd>{_w(it.kind)} <code>{_e(it.id)}</code>")
        if f.thumbnail is not None:
            out.append(f'<br><img class="thumb" src="{_e(f.thumbnail)}" alt="thumbnail of {_e(it.label or it.id)}">')
    if f.at is not None:
        out.append(f"<dt>at<dd>{where(f.at.location)}\n")
        if f.at.pieces:
            out.append(f'<dt>snippet<dd><code class="snip">{pieces(f.at.pieces)}</code>\n')
    if f.evidence:
        out.append('<dt>evidence<dd><ol class="ev">')
        for ev in f.evidence:
            out.append("<li>" + where(ev.location))
            if ev.pieces:
                out.append(f'<code class="snip">{pieces(ev.pieces)}</code>')
        out.append("</ol>\n")
    out.append(f'<dt>page<dd><a href="#page-{n}">page record</a></dl></details></li>\n')
    return "".join(out)


def open_details(records: str) -> str:
    """Findings as they are shown when a site has few: expanded. `<details><summary>` occurs once per
    finding and only there (an escaped value holds no `<`), so this opens each and changes nothing else."""
    return records.replace("<details><summary>", "<details open><summary>")


def is_web_url(url: str) -> bool:
    """Only plain http(s) URLs may become links (never `javascript:`, `data:` and the like)."""
    return url.startswith(("https://", "http://"))


_COUNTED = {"incomplete": "incomplete", "pass": "passed"}  # "violation(s)" depends on the count


def group_head(rule: RuleInfo, category_title: str, counts: dict[str, int], opened: bool) -> str:
    """The start of a rule's findings: what the rule is, why it matters, how to fix, references."""
    c = _e(rule.code)
    out = [f'<section class="rule-group" id="rule-{c}" aria-labelledby="rule-{c}-h" data-r="{c}" '
           f'data-s="{_e(rule.severity.value)}" data-c="{_e(rule.category.value)}">\n'
           f'  <h3 id="rule-{c}-h"><code>{c}</code> <span>{_e(rule.name)}</span> {badge("s", rule.severity.value)} '
           f'<span class="muted">{_e(category_title)}</span></h3>\n  <p class="muted">']
    out.append(" &middot; ".join(
        f"{_n(n)} {_e(_COUNTED.get(o) or ('violation' if n == 1 else 'violations'))}"
        for o, n in counts.items() if n))
    out.append("</p>\n")
    if rule.summary:
        out.append(f"<p>{_e(rule.summary)}</p>")
    out.append('  <dl class="kv rule-why">\n')
    if rule.rationale:
        out.append(f"<dt>why</dt><dd>{_e(rule.rationale)}</dd>")
    if rule.remediation:
        out.append(f"<dt>fix</dt><dd>{_e(rule.remediation)}</dd>")
    if rule.references:
        refs = [f'<a href="{_e(ref.url)}" rel="noopener noreferrer">{_e(ref.title)}</a>' if is_web_url(ref.url)
                else f"{_e(ref.title)} (<code>{_e(ref.url)}</code>)" for ref in rule.references]
        out.append(f"    <dt>references</dt>\n    <dd>{'; '.join(refs)}</dd>\n")
    out.append(f'  </dl>\n  <ol class="findings{"" if opened else " many"}">\n')
    return "".join(out)


GROUP_TAIL = "  </ol>\n</section>\n"


def rule_row(rule: RuleInfo, counts: dict[str, int], grouped: bool) -> str:
    """A row of the table of all rules, with its counts by outcome."""
    c = _w(rule.code)
    code = f'<a href="#rule-{c}">{c}</a>' if grouped else c
    cells = "".join(f'<td class="n">{_n(counts.get(o, 0))}</td>' for o in OUTCOMES)
    return (f"  <tr>\n    <td>{code}</td>\n"
            f"    <td>{_e(rule.name)}</td>\n    <td>{_w(rule.category.value)}</td>\n"
            f'    <td>{badge("s", rule.severity.value)}</td>\n{cells}  </tr>\n')


def worst_rows(worst: Iterable[WorstPage]) -> list[Markup]:
    """The rows of the table of the pages with the most findings."""
    rows = []
    for w in worst:
        title, path = w.page.title, w.page.path
        also = f"<br><code>{_e(path)}</code>" if title else ""
        cells = "".join(f'<td class="n">{_n(w.violations[s])}</td>' for s in SEVERITIES)
        rows.append(f'  <tr><td><a href="#page-{_n(w.page_no)}">{_e(title if title else path)}</a>{also}</td>\n'
                    f'{cells}<td class="n">{_n(w.incomplete)}</td></tr>\n')
    return [Markup("".join(rows) or
                   '  <tr><td colspan="5" class="muted">No page has a violation or an incomplete result.</td></tr>\n')]


def tracker_rows(trackers_by_page: dict[str, list[str]]) -> Markup:
    """The rows of the table of the pages that load trackers (one per page: a list as long as the site)."""
    return Markup("".join(f"<tr><td><code>{_e(page)}</code></td><td>{_e(', '.join(map(str, names)))}</td></tr>"
                          for page, names in trackers_by_page.items()))


def code_list(values: Iterable[str]) -> Markup:
    """`<code>a</code>, <code>b</code>`: a list of page paths (as long as the site)."""
    return Markup(", ".join(f"<code>{_e(v)}</code>" for v in values))


def facet_boxes(key: str, facets: Iterable[Facet]) -> list[Markup]:
    """The checkboxes of a filter (outcome, severity, category)."""
    k = _e(key)
    return [Markup("".join(f'    <label class="chk"><input type="checkbox" name="{k}" value="{_e(f.value)}"> '
                           f'{_e(f.label)} <span class="muted">({_n(f.count)})</span></label>\n' for f in facets))]


def facet_options(facets: Iterable[Facet]) -> list[Markup]:
    """The options of the rule filter."""
    return [Markup("".join(f'<option value="{_e(f.value)}">{_e(f.label)} ({_n(f.count)})</option>' for f in facets))]


def page_option(n: int, path: str, count: int) -> str:
    """An option of the page filter: a page with results."""
    return f'<option value="{_n(n)}">{_e(path)} ({_n(count)})</option>'


# --- pages -------------------------------------------------------------------------------------

# A page's rule outcomes link to the rule's findings, if the site has any: not known until every
# page is read, so a record written earlier holds this mark (with the escaped code), settled as it is
# read back. No `<?` is ever written otherwise, and an escaped code holds no `>`.
_LINK_MARK = "<?rule "
_LINK = re.compile(r"<\?rule ([^>]*)>")


def _dash(value: object) -> object:
    return value if value is not None else "—"


def page_html(page: PageReport, n: int, open_record: bool, linked: Container[str]) -> str:
    """The record of the `n`th page (from 0). A rule code in `linked` (the site has findings of it)
    links to them; any other gets a mark that `settle_links` settles when all findings are known."""
    out: list[str] = []
    add = out.append
    title, path = page.title, page.path
    add(f'<section class="page" id="page-{n}" aria-labelledby="page-{n}-h">\n  <h3 id="page-{n}-h">'
        f'{_e(title if title else path)}</h3>\n  <p class="meta">\n    <span><code>{_e(path)}</code></span>\n')
    oc = by_outcome(page.rule_outcomes)
    shown = [o for o in OUTCOMES if oc[o]]
    add("    <span>" + " ".join(f"{badge('o', o)} {len(oc[o])}" for o in shown) + "</span>\n")
    if page.results:
        add(f'<a href="#findings" class="js-only" hidden data-set="p:{n}">Show this page\'s findings</a>')
    add("  </p>\n  <details" + (" open" if open_record else "")
        + '>\n  <summary>Page record</summary>\n  <dl class="kv">\n    <dt>URL</dt><dd>')
    add(f"<code>{_e(page.url)}</code>" if page.url is not None else '<span class="muted">none</span>')
    add(f"</dd>\n    <dt>path</dt><dd><code>{_e(path)}</code></dd>\n"
        f"    <dt>sha256</dt><dd><code>{_e(page.sha256[:12])}</code></dd>\n"
        f"    <dt>title</dt><dd>{_e(_dash(title))}</dd>\n"
        f"    <dt>language</dt><dd>{_e(_dash(page.language))}</dd>\n"
        f"    <dt>encoding</dt><dd>{_e(_dash(page.encoding))}</dd>\n"
        f"    <dt>input</dt><dd>{_e(page.input_format)}</dd>\n  </dl>\n")
    if page.rule_outcomes:
        add('  <h4>Rule outcomes</h4>\n  <dl class="kv">\n')
        for o in shown:
            codes: list[str] = []
            for code in oc[o]:
                c = _w(code)
                if o == "inapplicable":
                    codes.append(c)
                elif code in linked:
                    codes.append(f'<a href="#rule-{c}">{c}</a>')
                else:
                    codes.append(f"{_LINK_MARK}{c}>")
            add(f"    <dt>{badge('o', o)}</dt><dd>{', '.join(codes)}</dd>\n")
        add("  </dl>\n")
    add("  <h4>AI disclosures</h4>\n")
    if page.disclosures:
        add('  <table>\n    <thead><tr><th scope="col">class</th><th scope="col">text</th><th scope="col">placement'
            '</th><th scope="col">item</th><th scope="col">scope</th><th scope="col">line:col</th></tr></thead>\n'
            "    <tbody>\n")
        for d in page.disclosures:
            lang = f' <span class="muted">({_e(d.language)})</span>' if d.language else ""
            add(f"    <tr>\n      <td>{_w(d.disclosure_class)}</td>\n      <td>{_e(d.text)}{lang}</td>\n"
                f"      <td>{_w(d.placement)}</td>\n      <td>{item(d.item)}</td>\n      <td>{_w(d.scope)}</td>\n"
                f"      <td>{_loc(d.location)}</td>\n    </tr>\n")
        add("    </tbody>\n  </table>\n")
    else:
        add('  <p class="muted">None found.</p>\n')
    if page.signals:
        add('  <h4>Machine-readable AI signals</h4>\n  <table>\n    <thead><tr><th scope="col">kind</th>'
            '<th scope="col">source</th><th scope="col">value</th><th scope="col">says AI</th><th scope="col">item'
            '</th><th scope="col">problem</th><th scope="col">line:col</th></tr></thead>\n    <tbody>\n')
        for s in page.signals:
            says = "yes" if s.says_ai else ("no" if s.says_ai is False else "—")
            at = _loc(s.location) if s.location is not None else "—"
            add(f"    <tr>\n      <td>{_w(s.kind)}</td><td>{_w(s.source)}</td><td><code>{_e(s.value)}</code></td>\n"
                f"      <td>{_e(says)}</td>\n      <td>{item(s.item)}</td><td>{_e(_dash(s.problem))}</td>\n"
                f"      <td>{at}</td>\n    </tr>\n")
        add("    </tbody>\n  </table>\n")
    if page.provenance:
        add("  <h4>Image provenance</h4>\n")
        for card in page.provenance:
            _provenance(card, add)
    if page.chat_widgets:
        add('  <h4>Chat and assistant widgets</h4>\n  <table>\n    <thead><tr><th scope="col">widget</th>'
            '<th scope="col">AI</th><th scope="col">recognised by</th><th scope="col">the page says</th></tr>'
            "</thead>\n    <tbody>\n")
        for w in page.chat_widgets:
            add(f"    <tr><td>{_e(w.name)}</td><td>{_e(w.ai)}</td><td>{_e(w.recognised_by)}</td>"
                f"<td>{_e(_dash(w.disclosure))}</td></tr>\n")
        add("    </tbody>\n  </table>\n")
    if page.attribution is not None:
        _attribution(page.attribution, add)
    add("  <h4>Consent</h4>\n")
    if page.consent is not None:
        _consent(page.consent, add)
    else:
        add('  <p class="muted">Not checked.</p>\n')
    add("  </details>\n</section>\n")
    return "".join(out)


def _provenance(c: ProvenanceRecord, add: Callable[[str], object]) -> None:
    # A page may show dozens of images: the common parts of a card go out in two strings.
    thumb = (f'<img class="thumb" src="{_e(c.thumbnail)}" alt="thumbnail of {_e(c.src)}">'
             if c.thumbnail is not None and c.thumbnail.startswith(THUMB_PREFIX) else "")
    path = f" <code>{_e(c.path)}</code>" if c.path is not None else ""
    error = f" &mdash; {_e(c.error)}" if c.error is not None else ""
    tried = ('<br><span class="muted">looked at:</span> ' + ", ".join([f"<code>{_e(t)}</code>" for t in c.tried])
             if c.origin == "missing" and c.tried else "")
    add(f'  <div class="prov">\n{thumb}    <b>{item(c.image)}</b> <code>{_e(c.src)}</code><br>\n'
        f'    <span class="muted">bytes:</span> {_w(c.origin)}{path}{error}{tried}')
    f = c.file
    if f is not None:
        media_type = f.media_type if f.media_type is not None else "unknown type"
        add(f'    <br><span class="muted">file:</span> {_e(media_type)}')
        if f.width is not None and f.height is not None:
            add(f", {_n(f.width)}&times;{_n(f.height)}")
        add(f", {_n(f.size)} bytes, sha256 <code>{_e(f.sha256[:12])}</code>\n")
        if f.marks:
            add('    <table>\n      <thead><tr><th scope="col">mark</th><th scope="col">where</th><th scope="col">says'
                '</th><th scope="col">source type</th><th scope="col">validation</th><th scope="col">signer</th>'
                '<th scope="col">problem</th></tr></thead>\n      <tbody>\n')
            for mk in f.marks:
                says = "AI-made" if mk.says_ai else ("not AI-made" if mk.says_ai is False else "—")
                remote = " (remote, not fetched)" if mk.remote_manifest else ""
                add(f"      <tr><td>{_w(mk.kind)}</td><td>{_w(mk.carrier)}</td>\n        <td>{_w(says)}</td>\n"
                    f"        <td>{_w(_dash(mk.digital_source_type))}</td>\n"
                    f"        <td>{_w(_dash(mk.validation))}{remote}</td>\n"
                    f"        <td>{_e(_dash(mk.signer))}</td>\n        <td>{_e(_dash(mk.problem))}</td></tr>\n")
            add("      </tbody>\n    </table>\n")
        else:
            add('<br><span class="muted">marks:</span> none')
        for err in f.errors:
            add(f'<br><span class="muted">!</span> {_e(err)}')
    label = c.visible_label if c.visible_label is not None else "none"
    mark = (f'<br><span class="muted">page markup:</span> <code>{_e(c.page_mark)}</code>'
            if c.page_mark is not None else "")
    at = f'<br><span class="muted">at</span> {where(c.location)}' if c.location is not None else ""
    add(f'    <br><span class="muted">visible label:</span> {_w(label)}\n{mark}{at}  </div>\n')


def _attribution(at: AttributionRecord, add: Callable[[str], object]) -> None:
    add('  <h4>Attribution</h4>\n  <dl class="kv">\n')
    for label, values in (("authors", at.authors), ("other names", at.other_authors), ("published", at.published),
                          ("modified", at.modified), ("sources", at.sources)):
        shown = []
        for sv in values:
            url = f" <code>{_e(sv.url)}</code>" if sv.url is not None else ""
            kind = f", {_w(sv.kind)}" if sv.kind is not None else ""
            line = f", line {_loc(sv.location)}" if sv.location is not None else ""
            shown.append(f'{_e(sv.value)}{url} <span class="muted">({_w(sv.source)}{kind}{line})</span>')
        add(f"    <dt>{_w(label)}</dt><dd>{'; '.join(shown) if shown else '—'}</dd>\n")
    credits = []
    for ic in at.image_credits:
        line = f'<span class="muted">, line {_loc(ic.location)}</span>' if ic.location is not None else ""
        credits.append(f'{_e(ic.value)} <span class="muted">({_w(ic.kind)}, image</span> <code>{_e(ic.image)}</code>'
                       f'{line}<span class="muted">)</span>')
    add(f"    <dt>image credits</dt><dd>{'; '.join(credits) if credits else '—'}</dd>\n")
    if at.crawled_at is not None:
        source = f' <span class="muted">({_e(at.crawled_at_source)})</span>' if at.crawled_at_source is not None else ""
        add(f"<dt>crawled</dt><dd>{_e(at.crawled_at)}{source}</dd>")
    add("  </dl>\n")


def _consent(c: CookieNotice, add: Callable[[str], object]) -> None:
    choices = _e(", ".join(map(str, c.choices)) if c.choices else "—")  # Jinja's join filter, then escaped
    purposes = _e(", ".join(map(str, c.purposes)) if c.purposes else "—")
    texts = ", ".join(f"<code>{_e(t)}</code>" for t in c.choice_texts) or "—"
    policy = f"<code>{_e(c.policy_link)}</code>" if c.policy_link is not None else "—"
    injected = " (banner injected at run time)" if c.found and not c.banner_in_html else ""
    signals = ("IAB TCF " if c.tcf else "") + ("GPP " if c.gpp else "") \
        + "".join(f"{_w(k)}={_w(v)} " for k, v in c.consent_mode.items())
    if c.held_back_scripts:
        signals += f"{_n(c.held_back_scripts)} script(s) held back"
    if not (c.tcf or c.gpp or c.consent_mode or c.held_back_scripts):
        signals += "—"
    trackers = ", ".join(f"{_w(t.name)} ({_w(t.purpose)}{', held back' if t.held_back else ''})"
                         for t in c.trackers) or "—"
    add(f'  <dl class="kv">\n    <dt>found</dt><dd>{"yes" if c.found else "no"}</dd>\n'
        f"    <dt>CMP</dt><dd>{_w(_dash(c.cmp))}</dd>\n"
        f"    <dt>choices</dt><dd>{choices}</dd>\n"
        f"    <dt>choice texts</dt><dd>{texts}</dd>\n"
        f"    <dt>policy link</dt><dd>{policy}</dd>\n"
        f"    <dt>purposes</dt><dd>{purposes}</dd>\n"
        f"    <dt>recognised by</dt><dd>{_w(_dash(c.recognised_by))}{injected}</dd>\n"
        f"    <dt>pre-ticked boxes</dt><dd>{_n(c.prechecked_boxes)}</dd>\n"
        f"    <dt>signals</dt><dd>{signals}</dd>\n"
        f"    <dt>trackers</dt><dd>{trackers}</dd>\n")
    if c.location is not None:
        snip = f'<code class="snip">{_e(c.location.snippet)}</code>' if c.location.snippet else ""
        add(f"<dt>at</dt><dd>{where(c.location)}{snip}</dd>")
    add("  </dl>\n")


# --- keeping records until the template asks for them -------------------------------------------

SPOOL_BUDGET = 1 << 19  # characters of records kept in memory per site before they go to files


class RecordSpool:
    """Records by part (the findings of a rule and outcome, the page filter's options), in the order
    written, until the template reads them back. Kept in memory while a site's records are small (most
    sites: no folder to make and remove, which cost more than the writing); past SPOOL_BUDGET
    characters all of them go to files in a private temporary folder, so that memory stays flat
    however big the site."""

    def __init__(self, budget: int = SPOOL_BUDGET) -> None:
        self.budget = budget
        self._memory: dict[Hashable, list[str]] = {}
        self._size = 0
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._files: dict[Hashable, TextIO] = {}
        self._paths: dict[Hashable, Path] = {}

    def __enter__(self) -> RecordSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __contains__(self, part: Hashable) -> bool:
        return part in self._memory or part in self._paths

    def write(self, part: Hashable, text: str) -> None:
        if self._folder is None:
            self._memory.setdefault(part, []).append(text)
            self._size += len(text)
            if self._size > self.budget:
                self._spill()
            return
        fh = self._files.get(part)
        if fh is None:
            fh = self._open(part)
        fh.write(text)

    def _spill(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="auditor-html-")
        for part, texts in self._memory.items():
            self._open(part).writelines(texts)
        self._memory.clear()

    def _open(self, part: Hashable) -> TextIO:
        assert self._folder is not None
        path = self._paths[part] = Path(self._folder.name) / f"records-{len(self._paths)}.html"
        # newline="": written and read back as they are (a snippet may hold "\r").
        fh = self._files[part] = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in finish()
        return fh

    def finish(self) -> None:
        """Done writing: the files are complete from here on."""
        for fh in self._files.values():
            fh.close()
        self._files.clear()

    def close(self) -> None:
        self.finish()
        self._memory.clear()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def read(self, part: Hashable, opened: bool = False, links: Container[str] | None = None) -> Iterator[Markup]:
        """The records of a part, in pieces of about CHUNK characters, for the template to write as they
        are (every value in them was escaped as it was made). `opened`: findings shown expanded;
        `links`: page records, their rule marks settled (`settle_links`)."""
        texts = self._memory.get(part)
        if texts is not None:
            text = "".join(texts)
            if opened:
                text = open_details(text)
            yield Markup(text if links is None else settle_links(text, links))
            return
        if part not in self._paths:
            return
        with open(self._paths[part], encoding="utf-8", newline="") as fh:
            if opened:  # a site with few findings: read whole, so that no tag is cut in two
                yield Markup(open_details(fh.read()))
                return
            carry = ""
            while text := fh.read(CHUNK):
                if links is not None:
                    # Held back from the last "<" on: a mark holds no "<" but its first, so none is cut.
                    text = carry + text
                    cut = text.rfind("<")
                    text, carry = (text[:cut], text[cut:]) if cut != -1 else (text, "")
                    text = settle_links(text, links)
                if text:
                    yield Markup(text)
            if carry and links is not None:
                yield Markup(settle_links(carry, links))


def finding_groups(groups: Iterable[RuleGroup], category_titles: dict[str, str], opened: bool) -> Iterator[Markup]:
    """The findings section's groups, one per rule with results: its head, its findings, its end."""
    for g in groups:
        category = g.rule.category.value
        yield Markup(group_head(g.rule, category_titles.get(category, category), g.counts, opened))
        yield from g.findings
        yield Markup(GROUP_TAIL)


def rules_table(rules: Iterable[RuleInfo], by_rule: dict[str, dict[str, int]],
                grouped: Container[str]) -> Iterator[Markup]:
    """The rows of the table of all rules."""
    yield Markup("".join(rule_row(r, by_rule.get(r.code, {}), r.code in grouped) for r in rules))


def link_targets(codes: Iterable[str]) -> set[str]:
    """The rule codes that link to their findings, escaped as in the marks, for `settle_links`."""
    return {_w(code) for code in codes}


def settle_links(records: str, targets: Container[str]) -> str:
    """Rule codes marked by `page_html`, now that every finding is known: links if the site has findings
    of the rule, plain codes otherwise. `targets`: from `link_targets`."""
    if _LINK_MARK not in records:
        return records
    return _LINK.sub(lambda m: f'<a href="#rule-{m[1]}">{m[1]}</a>' if m[1] in targets else m[1], records)

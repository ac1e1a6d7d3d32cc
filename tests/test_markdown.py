"""Markdown sources (Hugo, Jekyll, Eleventy, Astro): front matter read safely, the article rendered and
audited as a page, and every finding pointing at a line of the Markdown file."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.config import MarkdownKeys
from auditor.engine import Engine, Options, run
from auditor.evaluation import audit_folder
from auditor.facts.markdown import gather_markdown, render_article
from auditor.facts.model import PageFacts, SourceLocation
from auditor.inputs.files import discover, page_format
from auditor.inputs.markdown import MAX_FRONT_MATTER_BYTES, has_front_matter, split_markdown
from auditor.models import PageReport, Result
from auditor.rulepacks import load_packs, select_rules

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


def line_of(name_or_text: str, needle: str) -> int:
    """The first line of a fixture (or of a text) that contains `needle`."""
    path = FIXTURES / name_or_text
    text = path.read_text(encoding="utf-8") if "\n" not in name_or_text and path.is_file() else name_or_text
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def gather(name: str, text: str | None = None, keys: MarkdownKeys | None = None) -> PageFacts:
    path = FIXTURES / name
    facts = PageFacts(path=str(path), input_format="markdown", source_file=str(path))
    return gather_markdown(text if text is not None else path.read_text(encoding="utf-8"), facts, keys)


@pytest.fixture(scope="module")
def pages() -> dict[str, PageReport]:
    """The fixture folder audited once, as `auditor audit tests/fixtures/markdown` does."""
    reports, errors = audit_folder(FIXTURES, FIXTURES)
    assert errors == []
    return reports


def results(page: PageReport, code: str, outcome: str | None = None) -> list[Result]:
    return [r for r in page.results if r.code == code and (outcome is None or r.outcome.value == outcome)]


def audit_files(*paths: Path, select: tuple[str, ...] = ()) -> dict[str, PageReport]:
    packs = load_packs()
    result = run(discover([str(p) for p in paths]), Engine(packs, select_rules(packs, select), Options()))
    assert result.index.errors == [] and all(not s.errors for s in result.sites.values())
    return {Path(p.path).name: p for s in result.sites.values() for p in s.pages}


# -- generators' conventions ------------------------------------------------------------------


def test_hugo_article_with_toml_front_matter() -> None:
    name = "hugo-budget.en.md"
    facts = gather(name)
    assert facts.language == "en"  # Hugo's language from the file name
    assert facts.title == "City council approves the 2025 budget"
    meta = {m.key: m for m in facts.meta}
    assert meta["author"].value == "Maria Keller" and meta["author"].location.line == line_of(name, "authors =")
    assert meta["article:published_time"].value == "2025-03-14T09:30:00+01:00"
    assert meta["article:published_time"].location.line == line_of(name, "date =")
    assert meta["article:modified_time"].value == "2025-03-15T12:00:00+01:00"
    assert meta["article:modified_time"].location.snippet == "lastmod = 2025-03-15T12:00:00+01:00"
    [image] = facts.images
    assert (image.src, image.credit) == ("council.jpg", "Photo: Anna Berg / Reuters")
    headings = {b.text: b for b in facts.blocks if b.heading_level}
    assert headings["City council approves the 2025 budget"].location.line == line_of(name, "title =")
    assert headings["What changes"].location.line == line_of(name, "## What changes")
    assert facts.main_item == "main" and facts.items["main"].location.line == 1


def test_jekyll_post(pages: dict[str, PageReport]) -> None:
    name = "2025-03-10-new-tram-line.md"
    page = pages[name]
    assert page.title == "New tram line opens in the east"
    attribution = page.attribution
    assert attribution is not None
    assert [(a.value, a.source) for a in attribution.authors] == [("Tom Weber", "meta")]
    assert attribution.authors[0].location is not None
    assert attribution.authors[0].location.line == line_of(name, "author:")
    assert attribution.published[0].value == "2025-03-10 08:00:00 +0100"
    assert attribution.published[0].day == "2025-03-10"
    assert [c.value for c in attribution.image_credits] == ["Photo: City of Example"]
    for code in ("ATT001", "ATT002", "ATT009"):
        assert [r.outcome.value for r in results(page, code)] == ["pass"], code


def test_astro_mdx_post() -> None:
    name = "astro-library.mdx"
    facts = gather(name)
    meta = {m.key: m.value for m in facts.meta}
    assert meta["author"] == "Lena Fischer"  # author: {name: ..., url: ...}
    assert meta["article:published_time"] == "Jul 08 2024"
    assert meta["article:modified_time"] == "Jul 10 2024"
    [image] = facts.images
    assert (image.src, image.alt) == ("../../assets/library.jpg", "The reading room with its glass roof")
    assert image.location.line == line_of(name, "heroImage:")
    texts = [b.text for b in facts.blocks]
    assert not any("import" in t for t in texts)  # MDX import lines are code, not text
    callout = next(b for b in facts.blocks if b.text.startswith("Opening hours"))
    assert callout.location.line == line_of(name, "<Callout")


def test_astro_dates_are_read_as_days(pages: dict[str, PageReport]) -> None:
    attribution = pages["astro-library.mdx"].attribution
    assert attribution is not None
    assert [d.day for d in attribution.published] == ["2024-07-08"]
    assert [d.day for d in attribution.modified] == ["2024-07-10"]


# -- AI disclosure --------------------------------------------------------------------------------


def test_machine_mark_without_visible_label(pages: dict[str, PageReport]) -> None:
    name = "ai-generated.md"
    page = pages[name]
    assert [(s.kind, s.value, s.says_ai) for s in page.signals] == [("ai-disclosure-meta", "ai-generated", True)]
    [violation] = results(page, "AIL007", "violation")
    assert violation.location is not None and violation.location.line == line_of(name, "ai_generated:")
    assert violation.location.snippet == "ai_generated: true"
    assert not [d for d in page.disclosures if d.disclosure_class != "topic"]


def test_disclosure_text_becomes_a_visible_label(pages: dict[str, PageReport]) -> None:
    name = "ai-disclosure.md"
    page = pages[name]
    [label] = page.disclosures
    assert label.text == "This article was generated by AI" and label.placement == "top"
    assert label.item is not None and label.item.kind == "main"
    assert label.location is not None and label.location.line == line_of(name, "ai_disclosure:")
    assert [r.outcome.value for r in results(page, "AIL001")] == ["pass"]
    assert not results(page, "AIL007", "violation")
    assert page.signals == []  # a sentence is no machine-readable mark (AIL008 says so)
    assert results(page, "AIL008", "violation")


@pytest.mark.parametrize(
    ("front", "machine", "visible", "models"),
    [
        ("ai_generated: false", "none", [], []),
        ("ai: ai-assisted", "ai-assisted", [], []),
        ("generated_by: ChatGPT", "ai-generated", [], ["ChatGPT"]),
        ("ai_disclosure:\n  generated: true\n  label: Summary written with AI\n  model: GPT-4o",
         "ai-generated", ["Summary written with AI"], ["GPT-4o"]),
        ("aiDisclosure: [ai-generated, 'Images made with Midjourney']", "ai-generated",
         ["Images made with Midjourney"], []),
    ],
)
def test_ai_disclosure_shapes(front: str, machine: str, visible: list[str], models: list[str]) -> None:
    facts = gather("x.md", f"---\ntitle: T\n{front}\n---\n\nText.\n")
    assert [m.value for m in facts.meta if m.key == "ai-disclosure"] == [machine]
    assert [m.value for m in facts.meta if m.key == "ai-model"] == models
    assert [b.text for b in facts.blocks if b.tag == "p" and b.text != "Text."] == visible


# -- attribution and locations --------------------------------------------------------------------


def test_missing_author_is_reported_at_line_1(pages: dict[str, PageReport]) -> None:
    [violation] = results(pages["no-author.md"], "ATT001", "violation")
    assert violation.location is not None and violation.location.line == 1


def test_findings_in_the_body_point_at_markdown_lines(pages: dict[str, PageReport]) -> None:
    name = "body-lines.md"
    page = pages[name]
    [label] = page.disclosures
    assert label.placement == "caption"
    assert label.location is not None and label.location.line == line_of(name, "<figcaption>")
    attribution = page.attribution
    assert attribution is not None
    [source] = attribution.sources
    assert source.location is not None
    # The link is on the second line of a paragraph: soft breaks keep the lines apart.
    assert source.location.line == line_of(name, "[figures]")
    assert source.location.column == line_of_column(name, "[figures]")
    [image_signal] = [r for r in page.results if r.code == "AIL006"]
    assert image_signal.location is not None and image_signal.location.line == line_of(name, "<div ai-disclosure")


def line_of_column(name: str, needle: str) -> int:
    text = (FIXTURES / name).read_text(encoding="utf-8").splitlines()[line_of(name, needle) - 1]
    return text.index(needle) + 1


def _locations(facts: PageFacts) -> list[SourceLocation]:
    found: list[SourceLocation] = []

    def visit(value: Any) -> None:
        if isinstance(value, SourceLocation):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                visit(v)
        elif isinstance(value, dict):
            for v in value.values():
                visit(v)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            visit(getattr(value, "location", None))

    for field in dataclasses.fields(facts):
        if field.name not in ("jsonld", "http_headers"):
            visit(getattr(facts, field.name))
    return found


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".md", ".mdx")))
def test_every_location_is_a_line_of_the_markdown_file(name: str) -> None:
    facts = gather(name)
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    locations = _locations(facts)
    assert locations
    for loc in locations:
        assert 1 <= loc.line <= len(lines), loc
        if loc.column:
            assert loc.snippet and (loc.snippet in lines[loc.line - 1] or loc.selector), loc


def test_rendered_lines_map_to_the_source() -> None:
    text = ("---\ntitle: T\n---\n\n# Own headline\n\n- one\n- two\n  - three\n\n> quoted\n> more\n\n"
            "| a |\n|---|\n| 1 |\n")
    article = render_article(split_markdown(text), MarkdownKeys())
    html_lines = article.html.split("\n")
    where = {needle: article.line_map[next(i for i, h in enumerate(html_lines, 1) if needle in h)]
             for needle in ("<h1>Own headline", "<li>one", "<li>two", "<li>three", "more</p>", "<td>1")}
    assert where == {"<h1>Own headline": 5, "<li>one": 7, "<li>two": 8, "<li>three": 9, "more</p>": 12, "<td>1": 16}
    assert article.html.count("<h1>") == 1  # the body's own headline; the title is not repeated


# -- suppressions ---------------------------------------------------------------------------------


def test_inline_suppression_comment_in_the_body(pages: dict[str, PageReport], tmp_path: Path) -> None:
    name = "body-lines.md"
    page = pages[name]
    assert not results(page, "AIL007", "violation")
    [record] = page.suppressions
    assert (record.kind, record.codes, record.suppressed) == ("disable-next", ["AIL007"], 1)
    assert record.line == line_of(name, "auditor-disable-next")
    assert record.target_line == line_of(name, "<div ai-disclosure")
    # Without the comment, the finding is there, at the line the comment named.
    text = (FIXTURES / name).read_text(encoding="utf-8").replace("<!-- auditor-disable-next", "<!-- note")
    (tmp_path / name).write_text(text, encoding="utf-8")
    [violation] = results(audit_files(tmp_path / name, select=("AIL007",))[name], "AIL007", "violation")
    assert violation.location is not None and violation.location.line == line_of(text, "<div ai-disclosure")


@pytest.mark.parametrize("comment", ["# auditor-disable ATT001 bylines come from the theme",
                                     "# auditor-disable-next ATT001 bylines come from the theme"])
def test_front_matter_comment_silences_findings_about_the_article(tmp_path: Path, comment: str) -> None:
    text = (FIXTURES / "no-author.md").read_text(encoding="utf-8").replace("---\n", f"---\n{comment}\n", 1)
    (tmp_path / "post.md").write_text(text, encoding="utf-8")
    page = audit_files(tmp_path / "post.md", select=("ATT001", "ATT002"))["post.md"]
    assert not results(page, "ATT001", "violation")
    [record] = page.suppressions
    assert record.suppressed == 1 and record.reason == "bylines come from the theme"


# -- configuration --------------------------------------------------------------------------------


def test_key_names_come_from_markdown_keys() -> None:
    text = ("---\nheadline: Flood warning lifted\nwriter: Ana Ruiz\npublished_on: 2025-02-01\n"
            "machine_written: true\npicture: flood.jpg\npicture_source: 'Photo: dpa'\n"
            "author: Not Used\n---\n\nThe river fell below the warning level overnight.\n")
    keys = MarkdownKeys(title=["headline"], author=["writer"], date=["published_on"],
                        ai_disclosure=["machine_written"], image=["picture"], image_credit=["picture_source"])
    facts = gather("custom.md", text, keys)
    meta = {m.key: (m.value, m.location.line) for m in facts.meta}
    assert meta["author"] == ("Ana Ruiz", 3)
    assert meta["article:published_time"] == ("2025-02-01", 4)
    assert meta["ai-disclosure"] == ("ai-generated", 5)
    assert facts.title == "Flood warning lifted"
    assert [(i.src, i.credit) for i in facts.images] == [("flood.jpg", "Photo: dpa")]
    default = gather("custom.md", text)
    assert [m.value for m in default.meta if m.key == "author"] == ["Not Used"]


def test_json_front_matter_and_absolute_url() -> None:
    text = ('{\n  "title": "Harbour reopens",\n  "author": ["Kim Lee", "Ola Berg"],\n'
            '  "url": "https://news.example.org/harbour-reopens/"\n}\n\nThe harbour reopened today.\n')
    facts = gather("harbour.md", text)
    assert [(m.value, m.location.line) for m in facts.meta if m.key == "author"] == [("Kim Lee", 3), ("Ola Berg", 3)]
    assert [(m.value, m.location.line) for m in facts.meta if m.key == "link:canonical"] == [
        ("https://news.example.org/harbour-reopens/", 4)]
    relative = gather("harbour.md", text.replace("https://news.example.org", ""))
    assert not [m for m in relative.meta if m.key == "link:canonical"]


def test_front_matter_value_shapes() -> None:
    text = ("---\ntitle: 2025\nauthors:\n  - name: Jane Doe\n  - John Roe\ndate: 2025-01-02\n"
            "updated: 2025-01-03T04:05:06Z\nimage:\n  src: a.jpg\n  alt: A harbour\n  credit: 'Photo: AP'\n"
            "published: true\n---\nText.\n")
    facts = gather("shapes.md", text)
    meta = [(m.key, m.value, m.location.line) for m in facts.meta]
    assert ("author", "Jane Doe", 4) in meta and ("author", "John Roe", 5) in meta
    assert ("article:published_time", "2025-01-02", 6) in meta
    assert ("article:modified_time", "2025-01-03T04:05:06+00:00", 7) in meta
    assert facts.title == "2025"
    [image] = facts.images
    assert (image.src, image.alt, image.credit) == ("a.jpg", "A harbour", "Photo: AP")


def test_first_key_with_a_usable_value_wins() -> None:
    text = ("---\npublished: true\npubDate: 2024-01-05\nurl: /news/a/\ncanonicalURL: https://x.example.org/a/\n"
            "author: []\ncreator: Ines Vidal\n---\nText.\n")
    meta = {m.key: (m.value, m.location.line) for m in gather("first.md", text).meta}
    assert meta["article:published_time"] == ("2024-01-05", 3)  # Jekyll's `published: true` is no date
    assert meta["link:canonical"] == ("https://x.example.org/a/", 5)  # a relative url is not the page's URL
    assert meta["author"] == ("Ines Vidal", 7)


def test_markdown_without_front_matter_is_an_article() -> None:
    facts = gather("plain.md", "# Just a heading\n\nSome text.\n")
    assert facts.title == "Just a heading" and facts.main_item == "main"


# -- broken and hostile front matter --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("---\ntitle: x\n\nBody without a closing line.\n", "front matter opened with '---' on line 1 is never closed"),
        ("---\ntitle: x\nauthor: [a, b\n---\nBody\n", "front matter is not valid YAML at line 4"),
        ("+++\ntitle = \"x\"\ndate = \ndraft = false\n+++\nBody\n",
         "front matter is not valid TOML: Invalid value (at line 3"),
        ('{\n  "title": "x",\n}\nBody\n', "front matter is not valid JSON"),
        ("---\n- a\n- b\n---\nBody\n", "is a list, not a mapping"),
        ("---\ndate: 2025-13-45\n---\nBody\n", "front matter has a value YAML cannot build"),
        ("---\ntitle: " + "x" * MAX_FRONT_MATTER_BYTES + "\n---\nBody\n", "larger than the limit of 64 KiB"),
    ],
)
def test_broken_front_matter_is_a_value_error(text: str, cause: str) -> None:
    with pytest.raises(ValueError, match=re.escape(cause)):
        split_markdown(text)


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "---\n" + "\n".join(lines) + "\nauthor: *i\n---\nBody\n"
    started = time.perf_counter()
    with pytest.raises(ValueError, match="alias bomb"):
        split_markdown(text)
    assert time.perf_counter() - started < 1.0
    # A few aliases, as real front matter uses them, are fine.
    ok = split_markdown("---\nperson: &p {name: Jane Doe}\nauthor: *p\n---\nBody\n")
    assert ok.front_matter.data["author"] == {"name": "Jane Doe"}


def test_yaml_tags_that_would_run_code_are_refused() -> None:
    with pytest.raises(ValueError, match="not valid YAML"):
        split_markdown("---\ntitle: !!python/object/apply:os.system ['echo hacked']\n---\nBody\n")


# -- discovery and the command line ---------------------------------------------------------------


def test_markdown_suffixes_and_front_matter_in_folders(tmp_path: Path) -> None:
    assert [page_format(n) for n in ("a.md", "b.MARKDOWN", "c.mdx", "d.md.gz", "e.mdown")] == [
        "markdown", "markdown", "markdown", "markdown", None]
    assert not has_front_matter(FIXTURES / "README.md")
    assert has_front_matter(FIXTURES / "hugo-budget.en.md")
    found = {s.relative_path for s in discover([str(FIXTURES)])}
    assert "README.md" not in found and "astro-library.mdx" in found and len(found) == 7
    # A file named explicitly is read whether or not it has front matter.
    assert [s.input_format for s in discover([str(FIXTURES / "README.md")])] == ["markdown"]


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "--isolated", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_on_a_folder_of_markdown(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = _cli(str(FIXTURES), "--out", str(out), "--base-url", "https://news.example.org/",
                        "--format", "json")
    assert code == 0, output
    assert "example.org: 7 page(s)" in output
    report = json.loads((out / "example.org.json").read_text())
    by_name = {Path(p["path"]).name: p for p in report["pages"]}
    assert set(by_name) == {p.name for p in FIXTURES.iterdir() if p.name != "README.md"}
    assert by_name["no-author.md"]["url"] == "https://news.example.org/no-author.md"
    assert report["errors"] == []


def test_cli_broken_front_matter_is_an_input_error(tmp_path: Path) -> None:
    site = tmp_path / "content"
    site.mkdir()
    shutil.copy(FIXTURES / "no-author.md", site / "good.md")
    (site / "broken.md").write_text("---\ntitle: Broken\nauthor: [Jane\n---\n\nBody.\n", encoding="utf-8")
    out = tmp_path / "out"
    code, output = _cli(str(site), "--out", str(out), "--format", "json")
    assert code == 2, output
    index = json.loads((out / "index.json").read_text())
    [error] = index["errors"] + [e for s in index["sites"] for e in json.loads(
        (out / s["json_report"]).read_text())["errors"]]
    assert error["path"].endswith("broken.md")
    assert "front matter is not valid YAML at line" in error["error"]
    assert index["totals"]["pages"] == 1  # the good file is still audited

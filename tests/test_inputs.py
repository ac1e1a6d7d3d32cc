"""Inputs: finding page files, reading them (gzip too), decoding bytes, URLs and sites, safe report names."""

from __future__ import annotations

import codecs
import gzip
import json
import os
from pathlib import Path

import pytest

import auditor.limits as limits_mod
from auditor.inputs.decode import decode_page
from auditor.inputs.files import PageReadError, PageSource, discover, read_page
from auditor.inputs.urls import NO_SITE, mirror_url, resolve_url, site_file_stem, site_of
from auditor.models import Reference
from auditor.report.write import safe_target, to_json, write_atomic

PAGE = b"<html><body><p>hello</p></body></html>"


def _write(path: Path, data: bytes = PAGE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _source(path: Path) -> PageSource:
    sources = list(discover([str(path)]))
    assert len(sources) == 1
    return sources[0]


# --------------------------------------------------------------------------------------------------
# discover()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    for rel in [
        "b.html",
        "a/z.htm",
        "a/y.XHTML",
        "a/deep/x.shtml",
        "c.shtml",
        "d.txt",
        "e.html.gz",
        "f.txt.gz",
        "drafts/old.html",
        # not pages
        "g.css",
        "h.js",
        "i.gz",
        "j.html.bak",
        "k.json",
        "a/image.png",
        "README",
    ]:
        _write(root / rel)
    return root


def test_discover_finds_page_suffixes_recursively_and_ignores_other_files(tree: Path) -> None:
    found = {s.relative_path: s.input_format for s in discover([str(tree)])}
    assert found == {
        "b.html": "html",
        "a/z.htm": "html",
        "a/y.XHTML": "html",
        "a/deep/x.shtml": "html",
        "c.shtml": "html",
        "d.txt": "text",
        "e.html.gz": "html",
        "f.txt.gz": "text",
        "drafts/old.html": "html",
    }


def test_discover_order_is_stable_and_sorted_within_each_folder(tree: Path) -> None:
    first = [s.relative_path for s in discover([str(tree)])]
    second = [s.relative_path for s in discover([str(tree)])]
    assert first == second
    by_folder: dict[str, list[str]] = {}
    for rel in first:
        folder, _, name = rel.rpartition("/")
        by_folder.setdefault(folder, []).append(name)
    for names in by_folder.values():
        assert names == sorted(names)
    # Sub-folders are walked in sorted order too.
    folders_in_order = list(dict.fromkeys(rel.rpartition("/")[0] for rel in first if "/" in rel))
    top_level = [f for f in folders_in_order if "/" not in f]
    assert top_level == sorted(top_level)


def test_discover_source_points_at_the_real_file(tree: Path) -> None:
    for source in discover([str(tree)]):
        assert source.file == tree / source.relative_path
        assert source.file.is_file()


def test_discover_takes_a_file_named_explicitly_whatever_its_suffix(tmp_path: Path) -> None:
    notes = _write(tmp_path / "notes.md")
    text = _write(tmp_path / "page.txt")
    gz = _write(tmp_path / "page.htm.gz", gzip.compress(PAGE))
    sources = list(discover([str(notes), str(text), str(gz)]))
    assert [(s.file, s.display_path, s.relative_path, s.input_format) for s in sources] == [
        (notes, str(notes), "notes.md", "markdown"),
        (text, str(text), "page.txt", "text"),
        (gz, str(gz), "page.htm.gz", "html"),
    ]


def test_discover_keeps_the_order_of_the_arguments(tmp_path: Path) -> None:
    one = _write(tmp_path / "one" / "p.html")
    two = _write(tmp_path / "two" / "p.html")
    sources = list(discover([str(tmp_path / "two"), str(tmp_path / "one")]))
    assert [s.file for s in sources] == [two, one]


def test_discover_empty_folder_yields_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert list(discover([str(tmp_path / "empty")])) == []


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        # a pattern matching the file name finds files in sub-folders too
        (("*.txt",), (), {"d.txt"}),
        (("*.htm",), (), {"a/z.htm"}),
        # a pattern matching the relative path
        (("a/*",), (), {"a/z.htm", "a/y.XHTML", "a/deep/x.shtml"}),
        (("drafts/old.html",), (), {"drafts/old.html"}),
        # exclude by relative path and by name
        ((), ("drafts/*",), {"b.html", "a/z.htm", "a/y.XHTML", "a/deep/x.shtml", "c.shtml", "d.txt",
                             "e.html.gz", "f.txt.gz"}),
        ((), ("*.gz", "a/*"), {"b.html", "c.shtml", "d.txt", "drafts/old.html"}),
        # include and exclude together: exclude wins
        (("*.html", "*.htm"), ("drafts/*",), {"b.html", "a/z.htm"}),
        # a pattern that matches nothing
        (("*.nothing",), (), set()),
    ],
)
def test_discover_include_exclude_globs(
    tree: Path, include: tuple[str, ...], exclude: tuple[str, ...], expected: set[str]
) -> None:
    assert {s.relative_path for s in discover([str(tree)], include, exclude)} == expected


def test_discover_globs_apply_to_an_explicit_file_by_name(tmp_path: Path) -> None:
    page = _write(tmp_path / "keep.html")
    assert [s.file for s in discover([str(page)], include=("keep.*",))] == [page]
    assert list(discover([str(page)], include=("other.*",))) == []
    assert list(discover([str(page)], exclude=("*.html",))) == []


@pytest.mark.parametrize("suffix", ["", "/"])
def test_display_path_joins_the_argument_and_the_relative_path(tree: Path, suffix: str) -> None:
    arg = str(tree) + suffix
    for source in discover([arg]):
        assert source.display_path == f"{tree.as_posix()}/{source.relative_path}"


def test_display_path_keeps_a_relative_argument_relative(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    displays = {s.display_path for s in discover(["in"])}
    assert "in/a/z.htm" in displays
    assert "in/b.html" in displays
    assert all(d.startswith("in/") for d in displays)


# --------------------------------------------------------------------------------------------------
# read_page()


def test_read_plain_file(tmp_path: Path) -> None:
    page = _write(tmp_path / "p.html")
    raw = read_page(_source(page))
    assert raw.data == PAGE
    assert raw.source.file == page


def test_read_gzipped_file_yields_the_original_bytes(tmp_path: Path) -> None:
    original = "<p>Grüße – “quoted”</p>\n".encode() * 200
    page = _write(tmp_path / "p.html.gz", gzip.compress(original))
    assert read_page(_source(page)).data == original


def test_read_gzip_is_detected_by_content_not_by_name(tmp_path: Path) -> None:
    page = _write(tmp_path / "p.html", gzip.compress(PAGE))
    assert read_page(_source(page)).data == PAGE


@pytest.mark.parametrize("keep", [0.5, -4, -1])
def test_read_truncated_gzip_is_an_error(tmp_path: Path, keep: float) -> None:
    blob = gzip.compress(os.urandom(2000))
    cut = blob[: int(len(blob) * keep)] if isinstance(keep, float) else blob[:keep]
    page = _write(tmp_path / "p.html.gz", cut)
    with pytest.raises(PageReadError) as info:
        read_page(_source(page))
    assert "truncated" in info.value.cause
    assert info.value.source.file == page


@pytest.mark.parametrize("junk", [b"this is not deflate data at all" * 4, b"\x08\x00" + b"\xff" * 64])
def test_read_corrupt_gzip_is_an_error(tmp_path: Path, junk: bytes) -> None:
    page = _write(tmp_path / "p.html.gz", b"\x1f\x8b" + junk)
    with pytest.raises(PageReadError) as info:
        read_page(_source(page))
    assert "gzip" in info.value.cause
    assert str(info.value).startswith(f"{page}: ")


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t\r\n  ", gzip.compress(b""), gzip.compress(b" \n \n ")],
    ids=["empty", "whitespace", "gzip-empty", "gzip-whitespace"],
)
def test_read_empty_or_blank_file_is_an_error(tmp_path: Path, data: bytes) -> None:
    page = _write(tmp_path / "p.html", data)
    with pytest.raises(PageReadError) as info:
        read_page(_source(page))
    assert info.value.cause == "empty file"


def test_read_error_message_starts_with_the_display_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "crawl" / "example.com" / "empty.html", b"")
    monkeypatch.chdir(tmp_path)
    (source,) = discover(["crawl"])
    with pytest.raises(PageReadError) as info:
        read_page(source)
    assert str(info.value) == "crawl/example.com/empty.html: empty file"


def test_read_missing_file_is_an_error_not_an_oserror(tmp_path: Path) -> None:
    missing = tmp_path / "gone.html"
    source = PageSource(missing, "gone.html", "gone.html", "html")
    with pytest.raises(PageReadError) as info:
        read_page(source)
    assert "cannot read file" in info.value.cause
    assert str(info.value).startswith("gone.html: ")


def test_read_gzip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits_mod, "_current", limits_mod.Limits(page_bytes=1000))
    bomb = gzip.compress(b"<p>" + b"A" * 1_000_000 + b"</p>")
    assert len(bomb) < 1000 * 10  # small on disk, a thousand times larger unpacked
    page = _write(tmp_path / "bomb.html.gz", bomb)
    with pytest.raises(PageReadError) as info:
        read_page(_source(page))
    assert "larger than" in info.value.cause


def test_read_plain_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits_mod, "_current", limits_mod.Limits(page_bytes=1000))
    page = _write(tmp_path / "big.html", b"x" * 1001)
    with pytest.raises(PageReadError) as info:
        read_page(_source(page))
    assert "larger than" in info.value.cause


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_read_page_exactly_at_the_limit_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compress: bool
) -> None:
    monkeypatch.setattr(limits_mod, "_current", limits_mod.Limits(page_bytes=1000))
    data = b"y" * 1000
    page = _write(tmp_path / "p.html", gzip.compress(data) if compress else data)
    assert read_page(_source(page)).data == data


def test_read_multi_member_gzip_yields_all_members(tmp_path: Path) -> None:
    page = _write(tmp_path / "p.html.gz", gzip.compress(b"<p>one</p>") + gzip.compress(b"<p>two</p>"))
    assert read_page(_source(page)).data == gzip.decompress(page.read_bytes()) == b"<p>one</p><p>two</p>"


def test_read_gzip_larger_than_the_limit_when_compressed_says_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits_mod, "_current", limits_mod.Limits(page_bytes=1000))
    page = _write(tmp_path / "p.html.gz", gzip.compress(os.urandom(5000)))  # valid, incompressible
    with pytest.raises(PageReadError) as info:
        read_page(_source(page))
    assert "larger than" in info.value.cause


# --------------------------------------------------------------------------------------------------
# decode_page()


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_decode_bom_wins_and_is_stripped(bom: bytes, codec: str, name: str) -> None:
    text = '<meta charset="iso-8859-2"><p>Grüße ✓ “quoted”</p>'
    decoded, encoding = decode_page(bom + text.encode(codec))
    assert decoded == text
    assert encoding == name


def test_decode_meta_charset_windows_1252() -> None:
    data = b'<html><head><meta charset="windows-1252"></head><body><p>\x93quoted\x94 caf\xe9</p></body></html>'
    decoded, encoding = decode_page(data)
    assert "<p>“quoted” café</p>" in decoded
    assert encoding == "cp1252"


@pytest.mark.parametrize("declared", ["iso-8859-1", "ISO-8859-1", "latin1", "us-ascii"])
def test_decode_http_equiv_latin1_or_ascii_reads_as_windows_1252(declared: str) -> None:
    data = (
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset='
        + declared.encode()
        + b'"></head><body><p>\x93quoted\x94 \x96 caf\xe9</p></body></html>'
    )
    decoded, encoding = decode_page(data)
    assert "<p>“quoted” – café</p>" in decoded
    assert encoding == "cp1252"


def test_decode_meta_utf16_on_ascii_bytes_means_utf8() -> None:
    text = '<meta charset="utf-16"><p>Grüße</p>'
    decoded, encoding = decode_page(text.encode("utf-8"))
    assert decoded == text
    assert encoding == "utf-8"


def test_decode_undeclared_utf8() -> None:
    text = "<html><body><p>Grüße – “quoted” – 日本語</p></body></html>"
    assert decode_page(text.encode("utf-8")) == (text, "utf-8")


def test_decode_text_pages_ignore_meta_like_text() -> None:
    text = 'A page about <meta charset="koi8-r"> and Grüße'
    decoded, encoding = decode_page(text.encode("utf-8"), is_html=False)
    assert decoded == text
    assert encoding == "utf-8"


CP1252_SAMPLES = {
    "short": "café naïve – déjà vu. " * 3,
    "french": "Le café est très chaud aujourd’hui, et les élèves sont déjà arrivés à l’école. " * 3,
}


@pytest.mark.parametrize("text", list(CP1252_SAMPLES.values()), ids=list(CP1252_SAMPLES))
@pytest.mark.parametrize("is_html", [True, False], ids=["html", "text"])
def test_decode_undeclared_cp1252_never_raises_nor_replaces(text: str, is_html: bool) -> None:
    data = text.encode("cp1252")
    decoded, encoding = decode_page(data, is_html=is_html)
    assert "\ufffd" not in decoded
    assert encoding
    assert decoded.count("caf") == text.count("caf")


@pytest.mark.parametrize("text", list(CP1252_SAMPLES.values()), ids=list(CP1252_SAMPLES))
def test_decode_undeclared_cp1252_returns_the_text(text: str) -> None:
    decoded, _ = decode_page(text.encode("cp1252"))
    assert decoded == text


def test_decode_lying_meta_charset_still_returns_text() -> None:
    data = '<html><head><meta charset="utf-8"></head><body><p>café naïve déjà</p></body></html>'.encode("latin-1")
    decoded, encoding = decode_page(data)
    assert isinstance(decoded, str)
    assert encoding
    assert '<meta charset="utf-8">' in decoded
    assert "<p>caf" in decoded


def test_decode_undecodable_bytes_never_raise() -> None:
    decoded, encoding = decode_page(bytes(range(256)) * 4)
    assert isinstance(decoded, str)
    assert encoding


# --------------------------------------------------------------------------------------------------
# resolve_url(), mirror_url()


def test_resolve_canonical_wins_over_og_url() -> None:
    assert (
        resolve_url("https://example.com/canonical", "https://example.com/og", "example.com/a.html", None)
        == "https://example.com/canonical"
    )


def test_resolve_og_url_when_there_is_no_canonical() -> None:
    assert resolve_url(None, "https://example.com/og", "example.com/a.html", None) == "https://example.com/og"
    assert resolve_url("", " https://example.com/og ", "pages/a.html", None) == "https://example.com/og"


def test_resolve_relative_canonical_against_the_mirror_url() -> None:
    assert resolve_url("/story/1", None, "example.com/news/a.html", None) == "https://example.com/story/1"
    assert resolve_url("b.html", None, "example.com/news/a.html", None) == "https://example.com/news/b.html"


def test_resolve_relative_canonical_without_any_base_is_ignored() -> None:
    assert resolve_url("/story/1", None, "pages/a.html", None) is None


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("example.com/news/a.html", "https://example.com/news/a.html"),
        ("Example.COM/news/a.html", "https://example.com/news/a.html"),
        ("www.bbc.co.uk/news/index.html.gz", "https://www.bbc.co.uk/news/index.html"),
        ("example.com:8080/a.html", "https://example.com:8080/a.html"),
        ("pages/a.html", None),
        ("a.html", None),
        ("localhost/a.html", None),
        ("example.com", None),
    ],
)
def test_resolve_from_the_mirror_layout(relative: str, expected: str | None) -> None:
    assert mirror_url(relative) == expected
    assert resolve_url(None, None, relative, None) == expected


@pytest.mark.parametrize("base", ["https://mirror.test/root", "https://mirror.test/root/"])
def test_resolve_base_url_is_joined_and_preferred_over_the_mirror_guess(base: str) -> None:
    assert resolve_url(None, None, "example.com/news/a.html", base) == "https://mirror.test/root/example.com/news/a.html"
    assert resolve_url(None, None, "pages/a.html.gz", base) == "https://mirror.test/root/pages/a.html"
    # a relative canonical resolves against the base URL, not the mirror guess
    assert resolve_url("b.html", None, "example.com/news/a.html", base) == "https://mirror.test/root/example.com/news/b.html"


@pytest.mark.parametrize("declared", ["javascript:alert(1)", "ftp://example.com/a.html", "mailto:a@example.com",
                                      "data:text/html,hi"])
def test_resolve_non_http_declared_urls_are_ignored(declared: str) -> None:
    assert resolve_url(declared, None, "example.com/a.html", None) == "https://example.com/a.html"
    assert resolve_url(declared, "https://example.com/og", "example.com/a.html", None) == "https://example.com/og"
    assert resolve_url(declared, None, "pages/a.html", None) is None


# --------------------------------------------------------------------------------------------------
# site_of(), site_file_stem()


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.bbc.co.uk/news", "bbc.co.uk"),
        ("https://news.bbc.co.uk/", "bbc.co.uk"),
        ("https://foo.github.io/x", "foo.github.io"),
        ("http://Example.COM./a", "example.com"),
        ("https://example.com:8443/a", "example.com"),
        ("http://192.168.1.10/page.html", "192.168.1.10"),
        ("http://192.168.1.10:8080/page.html", "192.168.1.10"),
        ("http://[2001:db8::1]/page.html", "2001:db8::1"),
        (None, NO_SITE),
        ("", NO_SITE),
        ("ftp://example.com/a", NO_SITE),
        ("javascript:alert(1)", NO_SITE),
        ("pages/a.html", NO_SITE),
    ],
)
def test_site_of(url: str | None, site: str) -> None:
    assert site_of(url) == site


def test_no_site_is_local() -> None:
    assert NO_SITE == "local"


@pytest.mark.parametrize(
    "site",
    ["../../etc/passwd", "a/b", "..", ".", "", "a\\b", ".hidden", "/abs/path", "index", "INDEX", ".index",
     "x" * 300, "bbc.co.uk", "2001:db8::1", "NUL", "con.example", "com1", "LPT9", "Example News", "..\x00x"],
)
def test_site_file_stem_is_a_safe_file_name(tmp_path: Path, site: str) -> None:
    stem = site_file_stem(site)
    assert stem
    assert "/" not in stem
    assert "\\" not in stem
    assert not stem.startswith(".")
    assert stem != "index"  # index.json / index.html are the run's own reports
    assert len(stem) <= 120
    for suffix in (".json", ".html"):
        target = safe_target(tmp_path, stem + suffix)
        assert target.parent == tmp_path.resolve()


def test_site_file_stems_never_collide() -> None:
    names = ["Example News", "example news", "example_news", "EXAMPLE NEWS", "x" * 300, "x" * 301, "a/b", "a\\b",
             "a_b", "index", "Index", "nul", "NUL"]
    stems = [site_file_stem(n) for n in names]
    assert len({s.casefold() for s in stems}) == len(names)  # distinct even on a case-insensitive disk


def test_site_file_stem_keeps_ordinary_sites_readable() -> None:
    assert site_file_stem("bbc.co.uk") == "bbc.co.uk"
    assert site_file_stem("foo.github.io") == "foo.github.io"
    assert site_file_stem(NO_SITE) == "local"


# --------------------------------------------------------------------------------------------------
# safe_target(), write_atomic(), to_json()


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../x.json", "/etc/passwd", "a\\b", "x\x00y"])
def test_safe_target_refuses_names_that_leave_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="refusing"):
        safe_target(tmp_path, name)


@pytest.mark.parametrize("name", ["index.json", "bbc.co.uk.html", "..hidden-but-inside"])
def test_safe_target_accepts_plain_names(tmp_path: Path, name: str) -> None:
    assert safe_target(tmp_path, name) == tmp_path.resolve() / name


def test_write_atomic_writes_the_text_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    text = '{"site": "café – “x”"}\n'
    target = write_atomic(tmp_path, "report.json", text)
    assert target == tmp_path.resolve() / "report.json"
    assert target.read_bytes() == text.encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_write_atomic_replaces_an_existing_report(tmp_path: Path) -> None:
    write_atomic(tmp_path, "r.json", "old and much longer text\n")
    write_atomic(tmp_path, "r.json", "new\n")
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


@pytest.mark.parametrize("name", ["", "..", "../escape.json", "sub/r.json"])
def test_write_atomic_refuses_bad_names_and_writes_nothing(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError):
        write_atomic(out, name, "x")
    assert list(tmp_path.rglob("*")) == [out]


def test_write_atomic_cleans_up_when_writing_fails(tmp_path: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        write_atomic(tmp_path, "r.json", "lone surrogate \udc80")
    assert list(tmp_path.iterdir()) == []


def test_to_json_is_canonical() -> None:
    text = to_json(Reference(url="https://example.com/é", title="Café"))
    assert text == '{\n  "title": "Café",\n  "url": "https://example.com/é"\n}\n'
    assert json.loads(text) == {"title": "Café", "url": "https://example.com/é"}

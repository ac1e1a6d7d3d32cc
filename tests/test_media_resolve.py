"""Finding an image's bytes for a page: data: URIs, files beside the page, wget mirrors, srcset;
never outside the input folder, never over the network."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from auditor.media.resolve import ImageResolver, decode_data_uri, srcset_candidates

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def test_srcset_largest_first() -> None:
    assert srcset_candidates("a.jpg 320w, b.jpg 1024w, c.jpg 640w") == ["b.jpg", "c.jpg", "a.jpg"]
    assert srcset_candidates("a.jpg 1x, b.jpg 2x") == ["b.jpg", "a.jpg"]
    assert srcset_candidates("") == [] and srcset_candidates(None) == []


def test_data_uri() -> None:
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert decode_data_uri(uri) == PNG
    assert decode_data_uri("data:image/svg+xml,%3Csvg%3E%3C/svg%3E") == b"<svg></svg>"
    found = ImageResolver(None, None, None).resolve([uri])
    assert found.origin == "data-uri" and found.data == PNG


def test_file_beside_the_page(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.png").write_bytes(PNG)
    page = tmp_path / "page.html"
    found = ImageResolver(page, tmp_path, None).resolve(["img/a.png"])
    assert found.origin == "local-file" and found.data == PNG and found.path == "img/a.png"


def test_wget_mirror_absolute_and_root_relative(tmp_path: Path) -> None:
    host = tmp_path / "news.example.com"
    (host / "media").mkdir(parents=True)
    (host / "media" / "x.png").write_bytes(PNG)
    page = host / "world" / "story.html"
    resolver = ImageResolver(page, tmp_path, "https://news.example.com/world/story.html")
    assert resolver.resolve(["/media/x.png"]).path == "news.example.com/media/x.png"
    assert resolver.resolve(["https://news.example.com/media/x.png"]).origin == "local-file"
    assert resolver.resolve(["../media/x.png"]).origin == "local-file"


def test_srcset_candidate_used_when_src_is_missing(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(PNG)
    found = ImageResolver(tmp_path / "p.html", tmp_path, None).resolve(["small.png", "big.png"])
    assert found.origin == "local-file" and found.candidate == "big.png"


def test_missing_says_where_it_looked(tmp_path: Path) -> None:
    found = ImageResolver(tmp_path / "p.html", tmp_path, None).resolve(["nothere.jpg"])
    assert found.origin == "missing" and found.tried == ["nothere.jpg"] and found.data is None


@pytest.mark.parametrize("src", ["../../etc/passwd", "/../../../etc/passwd", "../secret.png"])
def test_never_outside_the_input_folder(tmp_path: Path, src: str) -> None:
    root = tmp_path / "crawl"
    root.mkdir()
    (tmp_path / "secret.png").write_bytes(PNG)
    found = ImageResolver(root / "p.html", root, None).resolve([src])
    assert found.data is None
    assert all("outside the input folder" in t for t in found.tried)


def test_other_hosts_are_never_fetched(tmp_path: Path) -> None:
    found = ImageResolver(tmp_path / "p.html", tmp_path, "https://a.example/p.html").resolve(
        ["https://cdn.other.example/x.jpg"])
    assert found.origin == "missing" and found.tried == ["cdn.other.example/x.jpg"]

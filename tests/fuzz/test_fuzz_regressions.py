"""Replays every input that once made a fuzz test fail (`regressions/<area>/<file>`), so the corpus
grows into a regression suite: drop a file into the area's folder and it is tested from then on.

`regressions/index.toml` marks the files whose bug is still open (xfail, with where the bug is)
and what a replay must give beyond the contract (`pages`: how many pages the run must audit). A
replay tolerates no known bug: the xfail marker is what keeps an open one from failing CI.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tomllib

from auditor.engine import RunResult

from ._support import KNOWN_BUGS, REGRESSIONS, audit_page_bytes, sample_images
from .test_fuzz_aigc import check_aigc
from .test_fuzz_config import check_config
from .test_fuzz_dates import check_date
from .test_fuzz_files import PAGE, check_tree
from .test_fuzz_jsonld import check_jsonld
from .test_fuzz_marks import check_marks
from .test_fuzz_warc import check_archive

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _html(path: Path) -> RunResult | None:
    return audit_page_bytes(path.read_bytes(), "page.html", extra_files=dict(sample_images()), tolerate=False)


def _text(path: Path) -> RunResult | None:
    return audit_page_bytes(path.read_bytes(), "page.txt", tolerate=False)


def _marks(path: Path) -> None:
    check_marks(path.read_bytes(), path.name, tolerate=False)


def _warc(path: Path) -> RunResult | None:
    return check_archive(path.read_bytes(), path.name, tolerate=False)


def _config(path: Path) -> None:
    check_config(path.read_bytes(), "pyproject.toml" if path.name.startswith("pyproject") else "auditor.toml",
                 tolerate=False)


def _dates(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            check_date(line, tolerate=False)


def _jsonld(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    check_jsonld(data if isinstance(data, list) else [data], tolerate=False)


def _filenames(path: Path) -> RunResult | None:
    """The file holds the bytes of a page file's name (one per line): the pages are made with them."""
    names = [line for line in path.read_bytes().split(b"\n") if line]
    return check_tree([(name, PAGE) for name in names], tolerate=False)


def _aigc(path: Path) -> None:
    check_aigc(path.read_text(encoding="utf-8").strip(), tolerate=False)


AREAS: dict[str, Callable[[Path], RunResult | None]] = {
    "html": _html, "text": _text, "marks": _marks, "warc": _warc, "config": _config, "dates": _dates,
    "jsonld": _jsonld, "aigc": _aigc, "filenames": _filenames,
}


def _index() -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = tomllib.loads((REGRESSIONS / "index.toml").read_text(encoding="utf-8"))["files"]
    return files


def _corpus() -> list[Path]:
    return sorted(p for p in REGRESSIONS.glob("*/*") if p.is_file())


def _cases() -> Iterator[Any]:
    index = _index()
    for path in _corpus():
        rel = path.relative_to(REGRESSIONS).as_posix()
        entry = index.get(rel, {})
        marks = [pytest.mark.xfail(reason=entry["xfail"], strict=False)] if "xfail" in entry else []
        yield pytest.param(rel, entry, id=rel, marks=marks)


@pytest.mark.parametrize(("rel", "entry"), list(_cases()))
def test_replay(rel: str, entry: dict[str, Any]) -> None:
    path = REGRESSIONS / rel
    result = AREAS[path.parent.name](path)
    if "pages" in entry:
        assert result is not None
        pages = sum(len(site.pages) for site in result.sites.values())
        assert pages == entry["pages"], f"{rel}: {pages} page(s) audited, {entry['pages']} expected"


def test_corpus_is_consistent() -> None:
    """Every file is in a known area, every index entry names a file, and every bug the property
    tests tolerate has an xfail replay."""
    index = _index()
    files = {p.relative_to(REGRESSIONS).as_posix() for p in _corpus()}
    assert files, "the regression corpus is empty"
    assert {f.split("/", 1)[0] for f in files} <= set(AREAS)
    assert set(index) <= files, sorted(set(index) - files)
    for bug in KNOWN_BUGS:
        assert "xfail" in index.get(bug.regression, {}), f"{bug.regression}: a known bug needs an xfail replay"

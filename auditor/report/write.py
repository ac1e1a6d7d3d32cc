"""Writing reports to disk: atomically, deterministically, and only inside the output folder."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from auditor.models import IndexReport, SiteReport, site_consent

try:  # C speed for the reports' JSON; the standard library writes the same bytes, only slower
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    orjson = None  # type: ignore[assignment]


def canonical_json(data: Any) -> str:
    """`json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)`, the reports' one layout.

    The standard library writes an indented document with its pure-Python encoder, which took more
    time than rendering the HTML report; orjson writes the same bytes for everything a report holds
    (strings, integers, booleans, null, and shares rounded to four places, which both write in plain
    decimal) about fifteen times faster. `tests/test_report_write.py` compares the two."""
    if orjson is not None:
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode("utf-8")
        except (TypeError, orjson.JSONEncodeError):
            pass  # a lone surrogate or an integer over 64 bits: the standard library says what is wrong
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)


def to_json(model: BaseModel) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    data = _site_data(model, pages=True) if isinstance(model, SiteReport) else model.model_dump(mode="json")
    return canonical_json(data) + "\n"


def _site_data(report: SiteReport, pages: bool) -> dict[str, Any]:
    """A site report dumped (with or without its pages), its consent summary read through
    `site_consent`: a run leaves the summary's trackers_by_page on disk."""
    data = report.model_dump(mode="json", exclude={"consent"} if pages else {"consent", "pages"})
    data["consent"] = site_consent(report).model_dump(mode="json")
    return data


def safe_target(out_dir: Path, name: str) -> Path:
    """`out_dir/name`, refusing any name that would land outside `out_dir`."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        raise ValueError(f"refusing report file name {name!r}")
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise ValueError(f"refusing report file name {name!r}: outside {out_dir}")
    return target


def write_atomic(out_dir: Path, name: str, text: str | Iterable[str]) -> Path:
    """Write via a temporary file and rename, so a reader never sees half a report. `text` may be
    given in pieces (streamed, never joined in memory)."""
    tmp, target = write_temporary(out_dir, name, (text,) if isinstance(text, str) else text)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_temporary(out_dir: Path, name: str, chunks: Iterable[str]) -> tuple[Path, Path]:
    """Write a report under a temporary name beside its target (`.NAME.*.tmp`, removed again if
    anything fails, Ctrl-C included); the temporary file and the target, for the caller to rename."""
    target = safe_target(out_dir, name)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), target


def temporary_name(name: str, token: str) -> str:
    """The temporary name of report file `name` while a writer with this `token` writes it."""
    return f".{name}.{token}.tmp"


def write_temporary_as(out_dir: Path, name: str, chunks: Iterable[str], token: str) -> None:
    """`write_temporary` under the name `temporary_name(name, token)`, made anew (never an existing
    file's): a writer that writes many files knows where each is without keeping its name."""
    target = safe_target(out_dir, name)
    # A string, not a Path: pathlib interns the names it parses (a table that grows with the files).
    tmp = os.path.join(os.fspath(target.parent), temporary_name(target.name, token))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in chunks:
                fh.write(chunk)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def site_json_chunks(report: SiteReport) -> Iterator[str]:
    """`to_json(report)` in pieces: everything but the pages as one document, then each page.
    Pages kept on disk as JSON (the engine's page store) give their dumps without models."""
    stored = getattr(report.pages, "json_dicts", None)
    dumps = stored() if callable(stored) else (page.model_dump(mode="json") for page in report.pages)
    yield from _chunks_with_list(_site_data(report, pages=False), "pages", len(report.pages), dumps,
                                 lambda: to_json(report))


def index_json_chunks(index: IndexReport) -> Iterator[str]:
    """`to_json(index)` in pieces, one site's line of the index at a time: a run of 100,000 sites
    (every page a site of its own) would otherwise dump the whole index, counts per rule of every
    site, as one set of dicts and one string."""
    yield from _chunks_with_list(index.model_dump(mode="json", exclude={"sites"}), "sites", len(index.sites),
                                 (s.model_dump(mode="json") for s in index.sites), lambda: to_json(index))


def _chunks_with_list(data: dict[str, Any], key: str, count: int, items: Iterable[Any],
                      whole: Callable[[], str]) -> Iterator[str]:
    """The canonical JSON of `data` with the list `key` set to `items` (`count` of them), in pieces:
    the rest as one canonical document with a placeholder where the list goes, then each item dumped
    on its own and indented to its depth. An indented dump writes a nested value as the same lines,
    indented by its depth, as it writes the value alone (strings never hold a raw newline), so the
    bytes are those of the whole document. `whole` gives it the plain way."""
    marker = f"auditor-{key}-{uuid.uuid4().hex}"
    data[key] = marker
    text = canonical_json(data) + "\n"
    placeholder = f'"{marker}"'
    before, sep, after = text.partition(placeholder)
    if not sep or placeholder in after:  # cannot happen: the marker is random; keep the plain way then
        yield whole()
        return
    if not count:
        yield before + "[]" + after
        return
    yield before + "[\n"
    last = count - 1
    for i, item in enumerate(items):
        item_text = canonical_json(item)
        yield "    " + item_text.replace("\n", "\n    ") + (",\n" if i < last else "\n")
    yield "  ]" + after

"""Shards: the page phase's output as a file, so that audits can be split and merged.

Why: a crawl too big for one process is audited in pieces: worker processes (`--jobs`), runs that
were interrupted (`--resume`), several machines or a Spark cluster (`auditor.spark_job`). Each piece
writes a shard; `merge_shards` runs the site phase on all of them and gives the same reports, byte
for byte, as one run over everything.

A shard is gzip-compressed JSON Lines, written to a temporary name and renamed when complete (a
killed run leaves no half shard under the final name). The first line is a `ShardHeader` (tool
version, rule packs, rules and the options that change results, and which inputs it covers); then
one line per item: `{"page": PageReport, "summary": PageSummary}`, `{"error": InputError}`, or
`{"skipped": reason, "site": site, "count": n}`. Shards whose header does not match the merging run's are
refused: their results were made by other rules or options.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from auditor import __version__
from auditor.analysis.summary import AuthorNote, PageSummary, TeaserLink
from auditor.facts.model import SourceLocation
from auditor.models import InputError, ItemRef, Location, PageReport

SHARD_FORMAT = 1
SHARD_SUFFIX = ".shard.jsonl.gz"


class ShardError(Exception):
    """A shard that cannot be read, or that another run's rules or options made."""


class ShardHeader(BaseModel):
    """Who made a shard and how: enough to rebuild the same engine for the merge."""

    model_config = ConfigDict(extra="forbid")

    format: int = SHARD_FORMAT
    tool_version: str = __version__
    run: str = ""  # digest of everything below but `units`: shards of one audit share it
    packs: list[str] = Field(default_factory=list)  # rule pack sha256s
    rules: dict[str, str] = Field(default_factory=dict)  # selected rule code -> severity
    options: dict[str, Any] = Field(default_factory=dict)  # base_url, site, crawl_date, fail_on
    config: dict[str, Any] | None = None  # the project configuration, by its file's keys
    units: list[str] = Field(default_factory=list)  # the inputs covered (path, size, mtime)

    def sealed(self) -> ShardHeader:
        parts = self.model_dump(mode="json", exclude={"run", "units"})
        return self.model_copy(update={"run": run_digest(parts)})


def unit_identity(path: str) -> str:
    """An input as a resumed run recognises it: its path, size and modification time."""
    try:
        stat = os.stat(path)
        return f"{os.path.abspath(path)}|{stat.st_size}|{int(stat.st_mtime_ns)}"
    except OSError:
        return f"{os.path.abspath(path)}|missing"


def run_digest(parts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


# -- summaries (dataclasses with lazy locations) to and from JSON ------------------------------------

def _loc(loc: SourceLocation | None) -> dict[str, Any] | None:
    return loc.model().model_dump(mode="json") if loc is not None else None


def _unloc(data: dict[str, Any] | None) -> SourceLocation | None:
    if data is None:
        return None
    loc = Location.model_validate(data)
    return SourceLocation(loc.selector, loc.line, loc.column, loc.snippet)


def summary_to_json(s: PageSummary) -> dict[str, Any]:
    data = {k: v for k, v in asdict(s).items() if k not in ("main", "main_location", "teasers", "authors")}
    data["main"] = s.main.model_dump(mode="json") if s.main is not None else None
    data["main_location"] = _loc(s.main_location)
    data["teasers"] = [{"url": t.url, "label": t.label, "item": t.item.model_dump(mode="json"),
                        "location": _loc(t.location)} for t in s.teasers]
    data["authors"] = [{"name": a.name, "kind": a.kind, "profile": a.profile, "location": _loc(a.location)}
                       for a in s.authors]
    return data


def summary_from_json(data: dict[str, Any]) -> PageSummary:
    fields = dict(data)
    fields["main"] = ItemRef.model_validate(data["main"]) if data.get("main") is not None else None
    fields["main_location"] = _unloc(data.get("main_location"))
    fields["teasers"] = [TeaserLink(t["url"], t["label"], ItemRef.model_validate(t["item"]),
                                    _unloc(t["location"]) or SourceLocation(None, 0)) for t in data.get("teasers", [])]
    fields["authors"] = [AuthorNote(a["name"], a["kind"], a["profile"], _unloc(a["location"]))
                         for a in data.get("authors", [])]
    return PageSummary(**fields)


# -- writing and reading --------------------------------------------------------------------------

ShardItem = tuple[PageReport, PageSummary] | InputError | tuple[str, str, int]  # skipped: (reason, site, count)


def write_shard(path: Path, header: ShardHeader, items: Iterable[ShardItem]) -> Path:
    """Write a complete shard atomically (a temporary file in the same folder, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=3) as gz:
            gz.write((header.model_dump_json() + "\n").encode())
            for item in items:
                if isinstance(item, InputError):
                    line: dict[str, Any] = {"error": item.model_dump(mode="json")}
                elif isinstance(item[0], PageReport):
                    page, summary = item  # type: ignore[misc]
                    line = {"page": page.model_dump(mode="json"), "summary": summary_to_json(summary)}
                else:
                    line = {"skipped": item[0], "site": item[1], "count": item[2]}
                gz.write((json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n").encode())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_header(path: Path) -> ShardHeader:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return ShardHeader.model_validate_json(fh.readline())
    except (OSError, EOFError, ValueError) as exc:
        raise ShardError(f"{path}: not a shard ({exc})") from None


def read_shard(path: Path) -> Iterator[ShardItem]:
    """The items of a shard, streamed (the header is read by read_header)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            fh.readline()
            for number, text in enumerate(fh, start=2):
                data = json.loads(text)
                if "page" in data:
                    yield PageReport.model_validate(data["page"]), summary_from_json(data["summary"])
                elif "error" in data:
                    yield InputError.model_validate(data["error"])
                elif "skipped" in data:
                    yield str(data["skipped"]), str(data["site"]), int(data["count"])
                else:
                    raise ValueError(f"line {number}: unknown item")
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise ShardError(f"{path}: broken shard ({exc})") from None


def audit_to_shard(
    inputs: list[str],
    shard_path: Path,
    *,
    select: tuple[str, ...] | list[str] = (),
    ignore: tuple[str, ...] | list[str] = (),
    base_url: str | None = None,
    site: str | None = None,
    crawl_date: str | None = None,
    fail_on: str = "error",
) -> Path:
    """Audit inputs (page files, folders, WARC/WACZ archives) into one shard file: the entry point of
    cluster jobs (auditor.spark_job). `auditor report merge` turns shards into reports; shards made
    with the same options merge into the same reports as one `auditor audit` of all the inputs."""
    from auditor.engine import Engine, Options
    from auditor.inputs.files import discover
    from auditor.inputs.stream import read_sources
    from auditor.models import Severity
    from auditor.rulepacks import load_packs, select_rules

    packs = load_packs()
    rules = select_rules(packs, tuple(select), tuple(ignore))
    engine = Engine(packs, rules, Options(base_url=base_url, site=site, crawl_date=crawl_date,
                                          fail_on=Severity(fail_on)))
    sources = list(discover(inputs))
    for item in read_sources(sources):
        engine.audit_item(item)
    header = engine.shard_header().model_copy(update={"units": [unit_identity(str(s.file)) for s in sources]})
    return write_shard(shard_path, header, engine.drain())


def shard_files(paths: Iterable[str | Path]) -> list[Path]:
    """Shard files named directly or found in folders, sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        found.extend(sorted(p.glob(f"*{SHARD_SUFFIX}")) if p.is_dir() else [p])
    return found


__all__ = ["SHARD_SUFFIX", "ShardError", "ShardHeader", "audit_to_shard", "read_header", "read_shard", "run_digest",
           "shard_files", "summary_from_json", "summary_to_json", "unit_identity", "write_shard"]

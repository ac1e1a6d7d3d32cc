"""Shards: the page phase's output as a file, so that an audit can be split, resumed and merged.

Why: a crawl too big for one process is audited in pieces: worker processes (`--jobs`), a run that
was killed and goes on (`--resume`), several machines, or a Spark cluster (`auditor.spark_job`).
Each piece writes shards; `merge_shards` runs the site phase on all of them and gives the same
reports, byte for byte, as one run over every input.

The format (`auditor-shard/1`): gzip-compressed JSON Lines, written under a temporary name in the
same folder and renamed when complete, so a file under a shard's name is always whole. Each line is
one pydantic model, told apart by its `kind`:

- line 1, `header` (`ShardHeader`): `settings`, everything that decides a page's results (tool
  version, report format, the rule packs' sha256s and a sha256 of all rule data, the selected rules
  with their severities, base URL, site, crawl date, fail level, the configuration's overrides, site
  mapping, Markdown keys and input limits); and `units`, the inputs the shard covers (path as reports
  show it, file, size, modification time: what `--resume` matches; for a chunk of a cut archive,
  `chunk`: which one, of which cut, its records and its first item's position);
- `page`: a page's `PageReport` after the page checks, and its `PageSummary` (what the site phase
  reads; its source locations written resolved);
- `error`: an `InputError` (an input, record or page that could not be audited);
- `skipped`: archive records that hold no page, counted by site and reason;
- last, `end`: the number of items before it. A shard without it is incomplete and is refused.

Items carry their unit (an index into the header's units) and their position in the unit's input
stream, so a merge puts every page in the same order whatever process, run or machine audited it.
Shards whose settings differ are refused with a message that names the setting: merged, their
results would mix two audits.

For cluster jobs: `audit_to_shard(inputs, shard_path, select=..., ignore=..., ...)` audits inputs
into one shard (keyword options as on the command line); `auditor report merge SHARDS --out DIR`
turns shards into reports.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from auditor import __version__
from auditor.analysis.summary import AuthorNote, PageSummary, TeaserLink
from auditor.config import Config, MarkdownKeys, Override
from auditor.facts.model import SourceLocation
from auditor.gctuning import tuned_for_pages
from auditor.limits import Limits, limits
from auditor.models import REPORT_FORMAT_VERSION, InputError, ItemRef, Location, PageReport, RulePackInfo, Severity
from auditor.timestamps import parse_utc

if TYPE_CHECKING:
    from auditor.engine import Engine, RunResult
    from auditor.inputs.files import PageSource, RawPage

SHARD_FORMAT: Final = "auditor-shard/1"
SHARD_SUFFIX = ".shard.jsonl.gz"
_COMPRESS_LEVEL = 1  # shards are written once and read once: speed over size (5 cost the workers 0.1 ms a page more)


class ShardError(Exception):
    """A shard that cannot be read, is incomplete, or was made by another audit's settings."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- the header -----------------------------------------------------------------------------------


class ChunkInfo(_Model):
    """The part of an archive a shard covers when the archive was cut into chunks (`auditor.chunks`):
    chunk `number` of `count` of the cut `plan` (a hash of every chunk's start), from the record at
    (`part`, `start`) to the one at (`stop_part`, `stop`) ((-1, -1): to the end); `first` is the
    position of its first item in the archive's stream."""

    number: int
    count: int
    plan: str
    part: int
    start: int
    stop_part: int
    stop: int
    first: int


class UnitInfo(_Model):
    """One input a shard covers (a page file or a web archive), as a resumed run recognises it;
    `chunk`: only that chunk of the archive (None: all of it)."""

    path: str  # as reports show it (the input argument joined with the relative path)
    file: str  # the file, absolute, on the machine that audited it
    size: int
    mtime_ns: int
    chunk: ChunkInfo | None = None


class EngineSettings(_Model):
    """Everything that decides a page's results. Shards merge only when these are equal."""

    tool_version: str
    report_format: str
    rule_packs: list[RulePackInfo]
    rules_data_sha256: str  # every file of rules/: packs, lexicon, consent and tracker data
    rules: dict[str, Severity]  # the selected rules, with the severity configured for each
    fail_on: Severity
    base_url: str | None = None
    site: str | None = None
    crawl_date: str | None = None
    overrides: list[Override] = Field(default_factory=list)
    sites: dict[str, str] = Field(default_factory=dict)
    markdown: MarkdownKeys = Field(default_factory=MarkdownKeys)
    limits: dict[str, float] = Field(default_factory=dict)  # page-bytes, dom-depth ... (not page-seconds)


class ShardHeader(_Model):
    kind: Literal["header"] = "header"
    format: Literal["auditor-shard/1"] = SHARD_FORMAT
    settings: EngineSettings
    units: list[UnitInfo]


# -- the items ------------------------------------------------------------------------------------


class TeaserModel(_Model):
    url: str
    label: str | None
    item: ItemRef
    location: Location


class AuthorModel(_Model):
    name: str
    kind: str
    profile: bool
    location: Location | None


class SummaryModel(_Model):
    """`analysis.summary.PageSummary` on disk, its source locations resolved."""

    path: str
    url: str | None
    main: ItemRef | None
    main_location: Location | None
    main_disclosed: bool
    main_ai_label: str | None
    ai_labels: int
    teasers: list[TeaserModel] = Field(default_factory=list)
    items_by_kind: dict[str, int] = Field(default_factory=dict)
    labelled_by_kind: dict[str, int] = Field(default_factory=dict)
    wordings: dict[str, int] = Field(default_factory=dict)
    classes: dict[str, int] = Field(default_factory=dict)
    notice: bool = False
    cmp: str | None = None
    trackers: list[str] = Field(default_factory=list)
    trackers_before_consent: bool = False
    authors: list[AuthorModel] = Field(default_factory=list)


class PageLine(_Model):
    kind: Literal["page"] = "page"
    unit: int
    seq: int
    page: PageReport
    summary: SummaryModel


class ErrorLine(_Model):
    kind: Literal["error"] = "error"
    unit: int
    seq: int
    error: InputError


class SkippedLine(_Model):
    kind: Literal["skipped"] = "skipped"
    unit: int
    site: str
    reason: str
    count: int


class EndLine(_Model):
    kind: Literal["end"] = "end"
    items: int


ShardItem = PageLine | ErrorLine | SkippedLine
_LINE: TypeAdapter[PageLine | ErrorLine | SkippedLine | EndLine] = TypeAdapter(
    Annotated[PageLine | ErrorLine | SkippedLine | EndLine, Field(discriminator="kind")])


# -- summaries: dataclasses with lazy locations, to and from their model -------------------------


def _location(loc: SourceLocation) -> Location:
    return loc.model()


def _source_location(loc: Location) -> SourceLocation:
    return SourceLocation(loc.selector, loc.line, loc.column, loc.snippet)


def summary_model(s: PageSummary) -> SummaryModel:
    """The summary with every source location resolved (line, column and snippet looked up now)."""
    return SummaryModel(
        path=s.path, url=s.url, main=s.main,
        main_location=_location(s.main_location) if s.main_location is not None else None,
        main_disclosed=s.main_disclosed, main_ai_label=s.main_ai_label, ai_labels=s.ai_labels,
        teasers=[TeaserModel(url=t.url, label=t.label, item=t.item, location=_location(t.location))
                 for t in s.teasers],
        items_by_kind=dict(s.items_by_kind), labelled_by_kind=dict(s.labelled_by_kind), wordings=dict(s.wordings),
        classes=dict(s.classes), notice=s.notice, cmp=s.cmp, trackers=list(s.trackers),
        trackers_before_consent=s.trackers_before_consent,
        authors=[AuthorModel(name=a.name, kind=a.kind, profile=a.profile,
                             location=_location(a.location) if a.location is not None else None)
                 for a in s.authors],
    )


def summary_from_model(m: SummaryModel) -> PageSummary:
    return PageSummary(
        path=m.path, url=m.url, main=m.main,
        main_location=_source_location(m.main_location) if m.main_location is not None else None,
        main_disclosed=m.main_disclosed, main_ai_label=m.main_ai_label, ai_labels=m.ai_labels,
        teasers=[TeaserLink(t.url, t.label, t.item, _source_location(t.location)) for t in m.teasers],
        items_by_kind=dict(m.items_by_kind), labelled_by_kind=dict(m.labelled_by_kind), wordings=dict(m.wordings),
        classes=dict(m.classes), notice=m.notice, cmp=m.cmp, trackers=list(m.trackers),
        trackers_before_consent=m.trackers_before_consent,
        authors=[AuthorNote(a.name, a.kind, a.profile,
                            _source_location(a.location) if a.location is not None else None) for a in m.authors],
    )


def settled_summary(s: PageSummary) -> PageSummary:
    """The same summary with plain (resolved) source locations: what a shard gives back, and no
    reference left to the page's source text, which lazy locations keep alive."""
    return summary_from_model(summary_model(s))


# -- settings -------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def rules_data_sha256(folder: str | None = None) -> str:
    """sha256 over every file of the rules folder (names and bytes, in name order)."""
    from auditor.rulepacks import rules_dir

    root = Path(folder) if folder else rules_dir()
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


_RESULT_LIMITS = ("page_bytes", "dom_depth", "elements", "image_bytes", "xmp_bytes")


def limit_settings(current: Limits) -> dict[str, float]:
    """The limits that change results (page-seconds does not: it only decides what times out)."""
    return {name.replace("_", "-"): float(getattr(current, name)) for name in _RESULT_LIMITS}


def engine_settings(engine: Engine) -> EngineSettings:
    """The settings of an engine (and of this process's input limits)."""
    options = engine.options
    config = options.config
    return EngineSettings(
        tool_version=__version__, report_format=REPORT_FORMAT_VERSION,
        rule_packs=[p.info() for p in engine.packs], rules_data_sha256=rules_data_sha256(),
        rules={r.code: r.severity for r in engine.rules}, fail_on=options.fail_on,
        base_url=options.base_url, site=options.site, crawl_date=options.crawl_date,
        overrides=list(config.overrides) if config is not None else [],
        sites=dict(config.sites) if config is not None else {},
        markdown=config.markdown if config is not None else MarkdownKeys(),
        limits=limit_settings(limits()),
    )


def engine_from_settings(settings: EngineSettings) -> Engine:
    """The engine that made a shard, rebuilt in this process (and its input limits configured).
    ShardError when this installation's tool version or rule data differ from the shard's."""
    from auditor.engine import Engine, Options
    from auditor.limits import configure
    from auditor.rulepacks import load_packs

    packs = load_packs()
    here = EngineSettings(tool_version=__version__, report_format=REPORT_FORMAT_VERSION,
                          rule_packs=[p.info() for p in packs], rules_data_sha256=rules_data_sha256(),
                          rules={}, fail_on=Severity.error)
    for name in ("tool_version", "report_format", "rule_packs", "rules_data_sha256"):
        if getattr(here, name) != getattr(settings, name):
            raise ShardError(f"made by another installation of auditor ({_field_name(name)} differs: "
                             f"{_short(getattr(settings, name))} in the shard, {_short(getattr(here, name))} here); "
                             "merge with the version that made the shards")
    known = {r.code: r for p in packs for r in p.rules}
    missing = sorted(set(settings.rules) - set(known))
    if missing:
        raise ShardError(f"names rules this installation does not have: {', '.join(missing)}")
    rules = sorted((known[code].model_copy(update={"severity": severity}) if known[code].severity != severity
                    else known[code] for code, severity in settings.rules.items()), key=lambda r: r.code)
    config = None
    if settings.overrides or settings.sites or settings.markdown != MarkdownKeys():
        config = Config(overrides=settings.overrides, sites=settings.sites, markdown=settings.markdown)
    configure(Limits().with_values({**settings.limits, "page-seconds": limits().page_seconds}))
    return Engine(packs, rules, Options(base_url=settings.base_url, site=settings.site, fail_on=settings.fail_on,
                                        crawl_date=settings.crawl_date, config=config))


def settings_difference(a: EngineSettings, b: EngineSettings) -> str | None:
    """The first setting in which two shards' settings differ, described; None when equal."""
    if a == b:
        return None
    for name in EngineSettings.model_fields:
        mine, theirs = getattr(a, name), getattr(b, name)
        if mine != theirs:
            if name == "rules":
                only_a = sorted(set(mine) - set(theirs))
                only_b = sorted(set(theirs) - set(mine))
                rated = sorted(c for c in set(mine) & set(theirs) if mine[c] != theirs[c])
                parts = [f"only in one: {', '.join(only_a + only_b)}"] if only_a or only_b else []
                parts += [f"severity of {', '.join(rated)}"] if rated else []
                return f"the selected rules differ ({'; '.join(parts)})"
            return f"{_field_name(name)} differs ({_short(mine)} against {_short(theirs)})"
    return "settings differ"


def _field_name(name: str) -> str:
    return {"tool_version": "the auditor version", "report_format": "the report format",
            "rule_packs": "the rule packs", "rules_data_sha256": "the rule data (lexicon, vocabularies)",
            "fail_on": "--fail-on", "base_url": "--base-url", "site": "--site", "crawl_date": "--crawl-date",
            "overrides": "the configuration's overrides", "sites": "the configuration's site mapping",
            "markdown": "the configuration's Markdown keys", "limits": "the input limits"}.get(name, name)


def _short(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    elif isinstance(value, list):
        value = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    text = json.dumps(value, sort_keys=True, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."


# -- units ----------------------------------------------------------------------------------------


def unit_info(source: PageSource) -> UnitInfo:
    """An input as shards record it: where it is, its size and modification time (-1 when gone)."""
    try:
        stat = os.stat(source.file)
        size, mtime = stat.st_size, stat.st_mtime_ns
    except OSError:
        size, mtime = -1, -1
    return UnitInfo(path=source.display_path, file=os.path.abspath(source.file), size=size, mtime_ns=mtime)


def unit_shard_name(source: PageSource, occurrence: int = 0) -> str:
    """The shard file of one input in a shard folder: named by where the input is, so that a resumed
    run finds it again (`occurrence` tells apart an input named twice)."""
    key = f"{source.display_path}\0{os.path.abspath(source.file)}\0{occurrence}"
    return "unit-" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24] + SHARD_SUFFIX


def unit_order(path: str) -> tuple[tuple[int, str], ...]:
    """A unit's place in the merge: its path, compared as a folder walk goes (in each folder the
    files by name, then the subfolders by name), which is the order `discover` finds inputs in.
    It does not depend on which run, process or machine audited the unit."""
    parts = path.split("/")
    return (*((1, p) for p in parts[:-1]), (0, parts[-1]))


# -- writing --------------------------------------------------------------------------------------


class ShardWriter:
    """Writes one shard item by item (pages stream through, none is kept), under a temporary name
    in the target's folder; `commit` adds the end line and renames it, `abort` removes it."""

    def __init__(self, path: Path, header: ShardHeader) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        self.tmp = Path(tmp)
        self._raw = os.fdopen(fd, "wb")
        self._gz = gzip.GzipFile(filename="", fileobj=self._raw, mode="wb", compresslevel=_COMPRESS_LEVEL, mtime=0)
        self.items = 0
        self._write(header)

    def _write(self, line: BaseModel) -> None:
        self._gz.write(line.model_dump_json().encode("utf-8") + b"\n")

    def add(self, item: ShardItem) -> None:
        self._write(item)
        self.items += 1

    def commit(self) -> Path:
        try:
            self._write(EndLine(items=self.items))
            self._gz.close()
            self._raw.close()
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        except BaseException:
            self.abort()
            raise
        return self.path

    def abort(self) -> None:
        for closing in (self._gz, self._raw):
            with contextlib.suppress(Exception):  # the file is being thrown away
                closing.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def write_shard(path: Path, header: ShardHeader, items: Iterable[ShardItem]) -> Path:
    """Write a complete shard atomically; `items` are streamed, not held."""
    with ShardWriter(path, header) as writer:
        for item in items:
            writer.add(item)
    return Path(path)


# -- reading --------------------------------------------------------------------------------------


def read_header(path: Path) -> ShardHeader:
    try:
        with gzip.open(path, "rb") as fh:
            first = fh.readline(64 * 1024 * 1024)
    except (OSError, EOFError, ValueError) as exc:
        raise ShardError(f"{path}: not a shard ({exc})") from None
    try:
        return ShardHeader.model_validate_json(first)
    except ValidationError as exc:
        raise ShardError(f"{path}: not a shard of this format ({SHARD_FORMAT}): {_first_problem(exc)}") from None


def read_shard(path: Path) -> tuple[ShardHeader, Iterator[ShardItem]]:
    """The shard's header, and its items streamed (one line in memory at a time). The iterator
    raises ShardError on a broken line, and at the end when the shard is incomplete."""
    header = read_header(path)
    return header, _items(Path(path), len(header.units))


def _items(path: Path, units: int) -> Iterator[ShardItem]:
    number, count = 1, 0
    try:
        with gzip.open(path, "rb") as fh:
            fh.readline(64 * 1024 * 1024)
            for number, text in enumerate(fh, start=2):
                line = _LINE.validate_json(text)
                if isinstance(line, EndLine):
                    if line.items != count or fh.read(1):
                        raise ShardError(f"{path}: line {number}: the end line says {line.items} item(s), "
                                         f"{count} were read")
                    return
                if not 0 <= line.unit < units:
                    raise ShardError(f"{path}: line {number}: unit {line.unit} is not in the header")
                count += 1
                yield line
    except ShardError:
        raise
    except ValidationError as exc:
        raise ShardError(f"{path}: line {number}: not a shard item: {_first_problem(exc)}") from None
    except (OSError, EOFError, ValueError) as exc:
        raise ShardError(f"{path}: broken after line {number} ({exc})") from None
    raise ShardError(f"{path}: incomplete: no end line after line {number} (was the run that wrote it killed?)")


def verify_shard(path: Path) -> ShardHeader:
    """The header of a shard that is whole (gzip intact, end line present and right), without
    validating every item; ShardError otherwise."""
    header = read_header(path)
    last, lines = b"", 0
    try:
        with gzip.open(path, "rb") as fh:
            for text in fh:
                last, lines = text, lines + 1
        end = EndLine.model_validate_json(last)
    except (OSError, EOFError, ValueError) as exc:
        raise ShardError(f"{path}: incomplete or broken ({exc})") from None
    if end.items != lines - 2:
        raise ShardError(f"{path}: incomplete: the end line says {end.items} item(s), the file holds {lines - 2}")
    return header


def _first_problem(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else str(err["msg"])


def shard_files(paths: Iterable[str | Path]) -> list[Path]:
    """Shard files named directly, and those in folders (`*.shard.jsonl.gz`, by name)."""
    found: list[Path] = []
    for p in map(Path, paths):
        found.extend(sorted(p.glob(f"*{SHARD_SUFFIX}")) if p.is_dir() else [p])
    return found


# -- merging --------------------------------------------------------------------------------------


@dataclass(slots=True)
class ShardMerger:
    """Feeds shards into an engine after checking that they belong to the same audit and cover
    no input twice; `finish` runs the site phase (see `Engine.finish`)."""

    engine: Engine
    settings: EngineSettings
    first: str = ""
    seen_units: dict[str, str] | None = None
    # The chunked inputs seen: path to (plan, count, the chunk numbers seen).
    chunked: dict[str, tuple[str, int, set[int]]] | None = None

    def add_shard(self, path: Path) -> tuple[int, int]:
        """Add every item of one shard; the number of pages and of input errors it held."""
        header, items = read_shard(path)
        return self.add_items(path, header, items)

    def check(self, path: Path, header: ShardHeader) -> None:
        difference = settings_difference(header.settings, self.settings)
        if difference is not None:
            against = f"the shard {self.first}" if self.first else "this run"
            raise ShardError(f"{path}: made by another audit than {against}: {difference}; merge shards made "
                             "with the same rules and options")
        if not self.first:
            self.first = str(path)
        if self.seen_units is None:
            self.seen_units = {}
        for unit in header.units:
            key = unit.path if unit.chunk is None else f"{unit.path}\0{unit.chunk.number}"
            other = self.seen_units.get(key) or self.seen_units.get(
                f"{unit.path}\0*" if unit.chunk is None else unit.path)
            if other is not None and other != str(path):
                what = unit.path if unit.chunk is None else f"{unit.path} (chunk {unit.chunk.number + 1})"
                raise ShardError(f"{path}: the input {what} is in the shard {other} too; merging both would "
                                 "count its pages twice")
            self.seen_units[key] = str(path)
            if unit.chunk is not None:
                self.seen_units[f"{unit.path}\0*"] = str(path)
                self._check_chunk(path, unit.path, unit.chunk)

    def _check_chunk(self, path: Path, input_path: str, chunk: ChunkInfo) -> None:
        """Chunks of one input merge only when they come from the same cut."""
        if self.chunked is None:
            self.chunked = {}
        plan, count, numbers = self.chunked.setdefault(input_path, (chunk.plan, chunk.count, set()))
        if (plan, count) != (chunk.plan, chunk.count):
            raise ShardError(f"{path}: the input {input_path} was cut into chunks another way in another shard; "
                             "merge the shards of one run")
        numbers.add(chunk.number)

    def missing_chunks(self) -> str | None:
        """An input of which some chunks were merged but not all, described; None when all are whole."""
        for input_path, (_, count, numbers) in sorted((self.chunked or {}).items()):
            if len(numbers) != count:
                missing = sorted(set(range(count)) - numbers)
                shown = ", ".join(str(n + 1) for n in missing[:5]) + (" ..." if len(missing) > 5 else "")
                return f"the input {input_path} was cut into {count} chunks; the shards of chunks {shown} are missing"
        return None

    def add_items(self, path: Path, header: ShardHeader, items: Iterable[ShardItem]) -> tuple[int, int]:
        from auditor.engine import AuditedPage, Skipped

        self.check(path, header)
        orders = [unit_order(u.path) for u in header.units]
        pages = errors = 0
        for line in items:
            if isinstance(line, PageLine):
                self.engine.add(AuditedPage(line.page, summary_from_model(line.summary)), (orders[line.unit], line.seq))
                pages += 1
            elif isinstance(line, ErrorLine):
                self.engine.add(line.error, (orders[line.unit], line.seq))
                errors += 1
            else:
                self.engine.add(Skipped(line.site, line.reason, line.count), (orders[line.unit], 0))
        return pages, errors


def merge_shards(paths: Sequence[Path], engine: Engine, jobs: int = 1) -> RunResult:
    """The reports of the audit the shards come from: every shard's items fed into `engine` (whose
    settings the shards must have), then the site phase and totals. ShardError for a shard that is
    broken, incomplete, from another audit, or covering an input another shard covers too."""
    merger = ShardMerger(engine, engine_settings(engine))
    for path in paths:
        merger.add_shard(Path(path))
    missing = merger.missing_chunks()
    if missing is not None:
        raise ShardError(missing)
    return engine.finish(jobs)


# -- the cluster entry point ----------------------------------------------------------------------


def audit_to_shard(
    inputs: Sequence[str | Path],
    shard_path: str | Path,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    base_url: str | None = None,
    site: str | None = None,
    crawl_date: str | None = None,
    fail_on: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    config: str | Path | None = None,
    page_timeout: float | None = None,
) -> Path:
    """Audit inputs (page files, folders, WARC/WACZ archives) into one shard file, and return its path.

    The entry point of cluster jobs (`auditor.spark_job`): each task calls it for its inputs, then
    `auditor report merge SHARDS --out DIR` (or `merge_shards`) writes the reports, the same bytes as
    `auditor audit` of all the inputs on one machine with the same options. The options are those of
    `auditor audit`: rule codes, prefixes or categories (`select`, `ignore`), `base_url`, `site`,
    `crawl_date` (YYYY-MM-DD or ISO 8601), `fail_on`, `include`/`exclude` globs, a configuration
    file (`config`; default none: the run is isolated), and the per-page time budget in seconds
    (`page_timeout`; default the configuration's page-seconds, 60; 0 turns it off; it only works
    in a process's main thread). Pages stream into the shard: memory does not grow with the input.
    Raises ShardError for unusable options (unknown rules, bad dates or URLs, a broken configuration).
    """
    from auditor.config import ConfigError, load_config
    from auditor.engine import Engine, Options
    from auditor.inputs.files import discover
    from auditor.inputs.urls import is_http_url
    from auditor.limits import configure
    from auditor.rulepacks import RulePackError, load_packs, select_rules

    loaded: Config | None = None
    try:
        packs = load_packs()
        if config is not None:
            loaded = load_config(Path(config), {r.code for p in packs for r in p.rules})
        configure(Limits().with_values(loaded.limits) if loaded is not None else Limits())
        rules = select_rules(packs, _split(select) or tuple(loaded.select if loaded else ()),
                             tuple(loaded.ignore if loaded else ()) + _split(ignore),
                             tuple(loaded.jurisdictions) if loaded else (),
                             dict(loaded.severity) if loaded else None)
    except (ConfigError, RulePackError) as exc:
        raise ShardError(str(exc)) from None
    if not rules:
        raise ShardError("select/ignore leave no rule to run")
    if loaded is not None:
        base_url, site = base_url or loaded.base_url, site or loaded.site
        crawl_date = crawl_date or loaded.crawl_date
        include, exclude = include or loaded.include, exclude or loaded.exclude
        fail_on = fail_on or (loaded.fail_on.value if loaded.fail_on is not None else None)
    if base_url and not is_http_url(base_url):
        raise ShardError(f"base_url {base_url!r} is not an http(s) URL")
    engine = Engine(packs, rules, Options(base_url=base_url, site=site, fail_on=Severity(fail_on or "error"),
                                          crawl_date=iso_utc(crawl_date) if crawl_date else None, config=loaded))
    budget = limits().page_seconds if page_timeout is None else page_timeout
    sources = list(discover([str(i) for i in inputs], tuple(include), tuple(exclude)))
    header = ShardHeader(settings=engine_settings(engine), units=[unit_info(s) for s in sources])
    with tuned_for_pages(), ShardWriter(Path(shard_path), header) as writer:
        for index, source in enumerate(sources):
            for item in unit_lines(engine, source, index, budget):
                writer.add(item)
    return Path(shard_path)


def unit_lines(engine: Engine, source: PageSource, unit: int, page_seconds: float = 0.0,
               replace: Mapping[int, str] | None = None,
               on_page: Callable[[int, RawPage], None] | None = None) -> Iterator[ShardItem]:
    """The shard lines of one input, audited as they stream (see `Engine.audit_unit`). A chunk of an
    archive numbers its items from its first item's position in the whole archive's stream, so they
    take the places an unsplit read gives them (`replace` and `on_page` count from the chunk's start)."""
    from auditor.engine import AuditedPage, Skipped
    from auditor.inputs.archive import ChunkSource

    base = source.chunk.first if isinstance(source, ChunkSource) and source.chunk is not None else 0
    for position, item in engine.audit_unit(source, page_seconds, replace, on_page):
        seq = base + position
        if isinstance(item, AuditedPage):
            yield PageLine(unit=unit, seq=seq, page=item.page, summary=summary_model(item.summary))
        elif isinstance(item, Skipped):
            yield SkippedLine(unit=unit, site=item.site, reason=item.reason, count=item.count)
        else:
            yield ErrorLine(unit=unit, seq=seq, error=item)


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in str(value).split(",") if v.strip())


def iso_utc(value: str) -> str:
    """A date or ISO 8601 time as UTC `YYYY-MM-DDTHH:MM:SSZ` (what --crawl-date takes)."""
    stamp = parse_utc(value)
    if stamp is None:
        raise ShardError(f"{value!r} is not a date (YYYY-MM-DD or ISO 8601)")
    return stamp


__all__ = [
    "SHARD_FORMAT", "SHARD_SUFFIX", "ChunkInfo", "EngineSettings", "ErrorLine", "PageLine", "ShardError", "ShardHeader",
    "ShardItem", "ShardMerger", "ShardWriter", "SkippedLine", "SummaryModel", "UnitInfo", "audit_to_shard",
    "engine_from_settings", "engine_settings", "merge_shards", "read_header", "read_shard", "settled_summary",
    "shard_files", "summary_from_model", "summary_model", "unit_info", "unit_lines", "unit_order",
    "unit_shard_name", "verify_shard", "write_shard",
]

"""The command line: `auditor audit`, `auditor rules`, `auditor inspect` and `auditor report`.

Exit codes: 0 no finding at or above the fail level (with a baseline: none the baseline does not
accept); 1 at least one; 2 a usage error, a broken rule pack or baseline, a report that cannot be
written, or an input that could not be read (the reports are still written, with that input listed).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from auditor import __version__
from auditor.models import Severity
from auditor.options import selection_options

if TYPE_CHECKING:
    from auditor.config import Config
    from auditor.engine import Engine, RunResult
    from auditor.inputs.files import PageSource
    from auditor.models import SiteReport
    from auditor.parallel import RunShards
    from auditor.report.baseline import Baseline
    from auditor.report.bundle import ReportSet
    from auditor.report.load import LoadedReports


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """The version, and whether the fact walk is the compiled one (a build without a C compiler runs
    the walk in Python: same results, slower)."""
    if not value or ctx.resilient_parsing:
        return
    from lxml import etree

    from auditor.facts.html import compiled_walk

    walk = "compiled" if compiled_walk() is not None else "in Python"
    click.echo(f"auditor, version {__version__} (fact walk {walk}; lxml {etree.__version__})")
    ctx.exit()


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


class _Commands(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        # Ctrl-C: click would say "Aborted!" and exit 1, which means "violations found" here.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\nauditor: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version (and which fact walk runs) and exit.")
def main() -> None:
    """Audit web pages for AI-content labels, provenance, cookie consent and attribution."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for the reports (created if missing).  [default: reports]")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]),
              help="Exit 1 when a violation of this severity or higher is found.  [default: error]")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="Configuration file (auditor.toml, or a pyproject.toml with [tool.auditor]); default: the "
              "nearest one from the working folder upwards.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@selection_options()
@click.option("--crawl-date", help="When the pages were fetched (YYYY-MM-DD or ISO 8601), for dates in the future; "
              "default: the WARC record's date, a saved Date header, else the file's modification time.")
@click.option("--format", "formats", multiple=True, metavar="FORMATS",
              help="Output formats, comma-separated or repeated: json, html, sarif, junit, github, gitlab, "
              "markdown, text (violations on stdout, no files).  [default: json,html]")
@click.option("--statistics", is_flag=True, help="After the run, print the number of violations per rule.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Fail only on violations not in this baseline file; list those fixed since.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write every current violation to this baseline file (the run then exits 0 unless an "
              "input could not be read).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes. 1: audit in this process. Reports are the same bytes whatever N.  "
              "[default: the number of CPUs; inputs under 4 MiB and 100 files are audited in this process]")
@click.option("--page-timeout", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Time budget of one page; a page over it is an input error and the run goes on (0: none).  "
              "[default: the limit page-seconds, 60]")
@click.option("--resume", is_flag=True, help="Continue an interrupted run from its shard folder: inputs whose "
              "shard is complete (same file size and modification time, same options) are not audited again.")
@click.option("--keep-shards", is_flag=True, help="Keep the shard folder after the run (for `auditor report merge`).")
@click.option("--shard-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Folder for the shards (one per input file or archive).  [default: OUT/.shards]")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def audit(
    inputs: tuple[str, ...],
    out_dir: str | None,
    fail_on: str | None,
    config_file: str | None,
    isolated: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    base_url: str | None,
    site_name: str | None,
    crawl_date: str | None,
    formats: tuple[str, ...],
    statistics: bool,
    baseline_file: str | None,
    write_baseline: str | None,
    jobs: int | None,
    page_timeout: float | None,
    resume: bool,
    keep_shards: bool,
    shard_dir: Path | None,
    quiet: bool,
) -> None:
    """Audit pages (HTML files, .txt page text, Markdown articles, gzipped or not, WARC/WACZ web archives,
    or folders of them) and write reports.

    For every site found: OUT/<site>.json and OUT/<site>.html, plus OUT/index.json and
    OUT/index.html listing all sites with their totals (the default formats, json and html). Other
    formats: OUT/auditor.sarif, OUT/auditor.junit.xml, OUT/gl-code-quality-report.json,
    OUT/summary.md, and GitHub annotations on stdout (github).
    """
    from auditor.engine import Engine, Options
    from auditor.inputs.files import discover
    from auditor.inputs.urls import is_http_url
    from auditor.report.baseline import BaselineError, load_baseline
    from auditor.report.formats import FormatError, parse_formats
    from auditor.rulepacks import RulePackError, load_packs, select_rules

    config = _load_config(config_file, isolated)
    if config is not None:
        # The command line wins over the file: lists replace, except --ignore, which adds.
        formats = formats or tuple(config.format)
        out_dir = out_dir or config.out
        fail_on = fail_on or (config.fail_on.value if config.fail_on else None)
        include, exclude = include or tuple(config.include), exclude or tuple(config.exclude)
        select = select or tuple(config.select)
        ignore = tuple(config.ignore) + ignore
        base_url, site_name = base_url or config.base_url, site_name or config.site
        crawl_date = crawl_date or config.crawl_date
        baseline_file = baseline_file or (str(Path(config.root or ".") / config.baseline) if config.baseline
                                          else None)
    out_dir, fail_on = out_dir or "reports", fail_on or "error"
    try:
        chosen = parse_formats(formats)
    except FormatError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    old_baseline: Baseline | None = None
    if baseline_file:
        try:
            old_baseline = load_baseline(Path(baseline_file))
        except BaselineError as exc:
            click.echo(f"auditor: error: {exc}", err=True)
            sys.exit(2)
    if base_url and not is_http_url(base_url):
        raise click.BadParameter(f"{base_url!r} is not an http(s) URL", param_hint="--base-url")
    if crawl_date:
        crawl_date = _iso_utc(crawl_date)
    try:
        packs = load_packs()
        rules = select_rules(packs, _split(select), _split(ignore),
                             tuple(config.jurisdictions) if config else (), dict(config.severity) if config else None)
    except RulePackError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    if not rules:
        click.echo("auditor: error: --select/--ignore leave no rule to run", err=True)
        sys.exit(2)
    engine = Engine(packs, rules, Options(base_url=base_url, site=site_name, fail_on=Severity(fail_on),
                                         crawl_date=crawl_date, config=config))
    out = Path(out_dir)
    sources = list(discover(list(inputs), include, exclude, skip_dir=out))
    result, shards = _audit(engine, sources, out, jobs, page_timeout, resume, keep_shards, shard_dir, quiet)
    try:  # the reports read their pages from the run's page store: removed when done
        bundle = _with_baseline(result, old_baseline, baseline_file, write_baseline)
        n_files = _write_outputs(bundle, out, chosen, write_baseline, quiet, jobs or os.cpu_count() or 1)
        if shards is not None and not keep_shards:
            shards.remove()  # the reports are written: the shards are no longer needed
        index = bundle.index
        for error in index.errors + bundle.site_errors:
            click.echo(f"auditor: input error: {error.path}: {error.error}", err=True)
        for path, line, kind, sup_codes in result.unused_suppressions:
            codes = " ".join(sup_codes) or "(all rules)"
            click.echo(f"auditor: unused suppression: {path}:{line}: auditor-{kind} {codes}", err=True)
        if not quiet:
            t = index.totals
            for summary in index.sites:
                st = summary.totals
                sev = ", ".join(f"{st.by_severity.get(s.value, 0)} {s.value}" for s in Severity)
                click.echo(f"{summary.site}: {st.pages} page(s), violations: {sev}, "
                           f"incomplete: {st.by_outcome.get('incomplete', 0)}, errors: {st.errors}")
            click.echo(f"{t.pages} page(s) in {len(index.sites)} site(s), {t.errors} input error(s); "
                       f"{n_files} report file(s) in {out}")
        if statistics:
            from auditor.report.bundle import format_statistics
            from auditor.report.bundle import statistics as rule_statistics

            table = format_statistics(rule_statistics(bundle.new_findings))
            if table:
                click.echo(table)
        if old_baseline is not None and bundle.baseline is not None and not quiet:
            check = bundle.baseline
            new = [] if write_baseline else bundle.new_findings
            click.echo(f"baseline {baseline_file}: {len(new)} new, {len(bundle.findings) - len(new)} baselined, "
                       f"{len(check.fixed)} fixed violation(s)", err=True)
            for f in new:
                loc = f.result.location
                where = f"{f.page.path}:{loc.line}" if loc is not None and loc.line >= 1 else f.page.path
                click.echo(f"auditor: new: {f.result.code} {f.result.severity.value} {where}: {f.result.message}",
                           err=True)
            for e in check.fixed:
                click.echo(f"auditor: fixed: {e.code} {e.url}: {e.message}", err=True)
        if index.totals.pages == 0 and index.totals.errors == 0:
            click.echo("auditor: error: no pages found in the input (looked for .html .htm .xhtml .shtml .txt .md, "
                       "gzipped or not, and .warc .warc.gz .wacz archives)", err=True)
            sys.exit(2)
        sys.exit(index.exit_code)
    finally:
        result.close()


# Below this much input (bytes and files), starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
PARALLEL_MIN_FILES = 100


def _audit(engine: Engine, sources: list[PageSource], out: Path, jobs: int | None, page_timeout: float | None,
           resume: bool, keep_shards: bool, shard_dir: Path | None, quiet: bool) -> tuple[RunResult, RunShards | None]:
    """The page phase (in this process, or in worker processes through shards) and the site phase;
    exit 2 when --resume finds shards of another audit."""
    import contextlib

    from auditor.limits import limits
    from auditor.parallel import DebugHooks, audit_run
    from auditor.progress import Progress
    from auditor.shards import ShardError

    if jobs is None:
        jobs = os.cpu_count() or 1
        size = 0
        for source in sources:
            with contextlib.suppress(OSError):
                size += source.file.stat().st_size
        if size < PARALLEL_MIN_BYTES and len(sources) < PARALLEL_MIN_FILES:
            jobs = 1
    folder = (shard_dir or out / ".shards") if (jobs > 1 or resume or keep_shards) else None
    budget = limits().page_seconds if page_timeout is None else page_timeout
    try:
        with Progress(enabled=not quiet) as progress:
            return audit_run(sources, engine, jobs=jobs, shard_dir=folder, resume=resume, page_seconds=budget,
                             progress=progress, debug=DebugHooks.from_env())
    except ShardError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"auditor: error: cannot write shards to {folder}: {exc}", err=True)
        sys.exit(2)


@main.command("shard")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The shard file to write (named *.shard.jsonl.gz, `auditor report merge` finds it in a folder).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="Configuration file; default: the nearest one from the working folder upwards.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@selection_options()
@click.option("--crawl-date", help="When the pages were fetched (YYYY-MM-DD or ISO 8601).")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]),
              help="Fail level the merged reports will use.  [default: error]")
@click.option("--page-timeout", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Time budget of one page (0: none).  [default: the limit page-seconds, 60]")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def shard_command(inputs: tuple[str, ...], out_file: Path, config_file: str | None, isolated: bool,
                  include: tuple[str, ...], exclude: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...],
                  base_url: str | None, site_name: str | None, crawl_date: str | None, fail_on: str | None,
                  page_timeout: float | None, quiet: bool) -> None:
    """Audit inputs into one shard file, without the site phase and without reports.

    For audits split over machines or cluster tasks: each writes a shard of its inputs, then
    `auditor report merge SHARDS... --out DIR` writes the reports, the same bytes as one `auditor
    audit` of all the inputs with the same options. From Python: `auditor.shards.audit_to_shard`.
    """
    from auditor.config import find_config
    from auditor.shards import ShardError, audit_to_shard, read_header

    config = Path(config_file) if config_file else (None if isolated else find_config())
    try:
        path = audit_to_shard(list(inputs), out_file, select=_split(select), ignore=_split(ignore),
                              base_url=base_url, site=site_name, crawl_date=crawl_date, fail_on=fail_on,
                              include=include, exclude=exclude, config=config, page_timeout=page_timeout)
    except ShardError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"auditor: error: cannot write the shard {out_file}: {exc}", err=True)
        sys.exit(2)
    if not quiet:
        units = len(read_header(path).units)
        click.echo(f"{units} input(s) audited into {path}; merge with: auditor report merge SHARDS... --out DIR")


def _load_config(config_file: str | None, isolated: bool) -> Config | None:
    """The project configuration (explicit, else the nearest found), or None; exit 2 when broken."""
    from auditor.config import ConfigError, find_config, load_config
    from auditor.limits import Limits
    from auditor.limits import configure as configure_limits
    from auditor.rulepacks import RulePackError, load_packs

    configure_limits(Limits())  # the defaults, unless the configuration sets some
    if isolated:
        return None
    path = Path(config_file) if config_file else find_config()
    if path is None:
        return None
    try:
        codes = {r.code for p in load_packs() for r in p.rules}
        config = load_config(path, codes)
        configure_limits(Limits().with_values(config.limits))  # checked by load_config already
        return config
    except (ConfigError, RulePackError) as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)


def _with_baseline(result: RunResult, old: Baseline | None, old_path: str | None,
                   write_path: str | None) -> ReportSet:
    """The run as reporters see it: held against the old baseline, or (when a new baseline is being
    written) with every current violation accepted, so the exit code reflects the new baseline."""
    from auditor.report.baseline import BaselineCheck, check_baseline
    from auditor.writer import report_set

    plain = report_set(result)
    check: BaselineCheck | None = None
    if old is not None:
        check = check_baseline(old, old_path or "", result.sites.values(), plain.findings)
    if write_path:
        fixed = check.fixed if check is not None else []
        check = BaselineCheck(path=write_path, baselined=frozenset(f.fingerprint for f in plain.findings),
                              fixed=fixed)
    return report_set(result, check) if check is not None else plain


def _write_outputs(bundle: ReportSet, out: Path, formats: tuple[str, ...], write_baseline: str | None,
                   quiet: bool, jobs: int) -> int:
    """Write the reports (with `jobs` processes), print what formats print, append the step summary,
    write the baseline; exit 2 on any failure. Returns the number of report files written."""
    from auditor.report.baseline import build_baseline
    from auditor.report.formats import FormatError
    from auditor.report.write import to_json, write_atomic
    from auditor.writer import emit_reports

    try:
        emitted = emit_reports(bundle, out, formats, jobs)
    except FormatError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    except (OSError, ValueError) as exc:
        click.echo(f"auditor: error: cannot write reports to {out}: {exc}", err=True)
        sys.exit(2)
    if emitted.stdout:
        click.echo(emitted.stdout, nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if emitted.step_summary and summary_file:
        try:
            with open(summary_file, "a", encoding="utf-8") as fh:
                fh.write(emitted.step_summary)
        except OSError as exc:
            click.echo(f"auditor: error: cannot append to GITHUB_STEP_SUMMARY file {summary_file}: {exc}", err=True)
            sys.exit(2)
    if write_baseline:
        target = Path(write_baseline)
        if bundle.index.totals.pages == 0:
            click.echo(f"auditor: error: no page was audited, so the baseline {target} is left as it was", err=True)
            sys.exit(2)
        baseline = build_baseline(bundle.findings)
        try:
            write_atomic(target.parent, target.name, to_json(baseline))
        except (OSError, ValueError) as exc:
            click.echo(f"auditor: error: cannot write baseline {target}: {exc}", err=True)
            sys.exit(2)
        if not quiet:
            click.echo(f"baseline: {len(baseline.findings)} violation(s) written to {target}", err=True)
    return len(emitted.files)


def _iso_utc(value: str) -> str:
    from auditor.timestamps import parse_utc

    stamp = parse_utc(value)
    if stamp is None:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD or ISO 8601)", param_hint="--crawl-date")
    return stamp


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def inspect(files: tuple[str, ...], fmt: str) -> None:
    """Print the provenance card of image files: C2PA, IPTC and AIGC marks, and their validity.

    Nothing is fetched: remote C2PA manifests are reported, not followed. Exit code 2 when a file
    cannot be read; marks that are broken are shown, not treated as errors of the command.
    """
    from auditor.media.marks import read_marks
    from auditor.media.resolve import MAX_IMAGE_BYTES
    from auditor.report.write import to_json

    status = 0
    cards = []
    for name in files:
        try:
            size = Path(name).stat().st_size
            if size > MAX_IMAGE_BYTES:
                raise OSError(f"larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB")
            data = Path(name).read_bytes()
        except OSError as exc:
            click.echo(f"auditor: error: {name}: cannot read ({exc})", err=True)
            status = 2
            continue
        card = read_marks(data, Path(name).name)
        cards.append((name, card))
    if fmt == "json":
        payload = [{"path": name, **json.loads(to_json(card))} for name, card in cards]
        click.echo(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        for name, card in cards:
            click.echo(_card_text(name, card))
    sys.exit(status)


def _card_text(name: str, card: object) -> str:
    from auditor.models import FileMarks

    assert isinstance(card, FileMarks)
    says = {True: "AI-made", False: "not AI-made", None: "no claim"}[card.says_ai]
    size = f"{card.width}x{card.height}, " if card.width and card.height else ""
    lines = [f"{name}", f"  {card.media_type or card.format or 'unknown format'}, {size}{card.size} bytes, "
                        f"sha256 {card.sha256[:16]}", f"  verdict: {says}"]
    if not card.marks:
        lines.append("  marks: none (no C2PA manifest, IPTC digital source type or AIGC label)")
    for mark in card.marks:
        claim = {True: "says AI-made", False: "says not AI-made", None: "no AI claim"}[mark.says_ai]
        lines.append(f"  - {mark.kind} in {mark.carrier}: {claim}")
        for label, value in (("source type", mark.digital_source_type), ("value", mark.value),
                             ("validation", mark.validation), ("signer", mark.signer),
                             ("generator", mark.claim_generator), ("problem", mark.problem)):
            if value:
                lines.append(f"      {label}: {value}")
        if mark.actions:
            lines.append(f"      actions: {', '.join(mark.actions)}")
        if mark.validation_codes:
            lines.append(f"      codes: {', '.join(mark.validation_codes)}")
        if mark.remote_manifest:
            lines.append("      remote manifest: not fetched")
    for error in card.errors:
        lines.append(f"  ! {error}")
    return "\n".join(lines)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True)
def rules_command(fmt: str) -> None:
    """List the rules of the installed rule packs."""
    from auditor.rulepacks import RulePackError, load_packs, select_rules

    try:
        packs = load_packs()
    except RulePackError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    rules = select_rules(packs)
    if fmt == "json":
        data = [r.info().model_dump(mode="json") for r in rules]
        click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(rules_markdown(rules))
    else:
        width = max(len(r.name) for r in rules)
        for r in rules:
            click.echo(f"{r.code}  {r.name:<{width}}  {r.category.value:<13}  {r.severity.value:<7}  {r.message}")


def rules_markdown(rules: list) -> str:  # type: ignore[type-arg]
    lines = ["| Code | Name | Category | Severity | What it checks | References |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rules:
        refs = "; ".join(f"[{ref.title}]({ref.url})" for ref in r.references)
        lines.append(f"| {r.code} | {r.name} | {r.category.value} | {r.severity.value} | {r.message} | {refs} |")
    return "\n".join(lines)


@main.group("report")
def report_group() -> None:
    """Work with JSON reports of earlier runs: compare two runs, render their HTML."""


@report_group.command("diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default="info", show_default=True,
              help="Exit 1 when a new violation of this severity or higher is found.")
def report_diff(old: Path, new: Path, fmt: str, fail_on: str) -> None:
    """Compare two runs: new, fixed and unchanged violations.

    OLD and NEW are report folders (as `auditor audit --out` writes them), index.json files or site
    JSON reports. Violations are matched by fingerprint, so moved lines do not make them new. Exit
    1 when there is a new violation at or above --fail-on, 2 when a report cannot be read.
    """
    from auditor.report.diff import RENDERERS, diff_reports
    from auditor.report.load import ReportLoadError, load_reports

    try:
        before = _site_reports(load_reports([old]))
        after = _site_reports(load_reports([new]))
    except ReportLoadError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    diff = diff_reports(before, after)
    click.echo(RENDERERS[fmt](diff), nl=False)
    threshold = Severity(fail_on).rank
    sys.exit(1 if any(d.severity.rank >= threshold for d in diff.new) else 0)


def _site_reports(loaded: LoadedReports) -> list[SiteReport]:
    """The site reports loaded, plus those an index file names beside it."""
    from auditor.report.load import load_file

    for path, index in list(loaded.indexes):
        have = {r.site for r in loaded.sites}
        for summary in index.sites:
            if summary.site not in have:
                load_file(path.parent / Path(summary.json_report).name, loaded)
    return loaded.sites


@report_group.command("render")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the HTML reports (created if missing).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def report_render(inputs: tuple[Path, ...], out_dir: Path, quiet: bool) -> None:
    """Render the HTML reports from JSON reports (site reports, index.json, or report folders).

    Each site report gives OUT/<site>.html, an index gives OUT/index.html, the same files
    `auditor audit` writes.
    """
    from functools import partial

    from auditor.inputs.urls import site_file_stem
    from auditor.report.bundle import Body, body_chunks
    from auditor.report.html import render_index_html, site_html_chunks
    from auditor.report.load import ReportLoadError, load_reports
    from auditor.report.write import write_atomic

    try:
        loaded = load_reports(list(inputs))
    except ReportLoadError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    pages: dict[str, Body] = {}
    for report in loaded.sites:
        name = f"{site_file_stem(report.site)}.html"
        if name in pages:
            click.echo(f"auditor: error: two reports of site {report.site!r} given (both would be {name})", err=True)
            sys.exit(2)
        pages[name] = partial(site_html_chunks, report)  # streamed to disk as it is rendered
    if len(loaded.indexes) > 1:
        names = ", ".join(str(p) for p, _ in loaded.indexes)
        click.echo(f"auditor: error: more than one index report given ({names}); render them one at a time",
                   err=True)
        sys.exit(2)
    for _, index in loaded.indexes:
        pages["index.html"] = render_index_html(index)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, body in pages.items():
            write_atomic(out_dir, name, body_chunks(body))
    except (OSError, ValueError) as exc:
        click.echo(f"auditor: error: cannot write reports to {out_dir}: {exc}", err=True)
        sys.exit(2)
    if not quiet:
        click.echo(f"{len(pages)} report file(s) in {out_dir}")


@report_group.command("merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports (created if missing).")
@click.option("--format", "formats", multiple=True, metavar="FORMATS",
              help="Output formats, as for `auditor audit`.  [default: json,html]")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes that write the site reports.  [default: the number of CPUs]")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def report_merge(shards: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], jobs: int | None,
                 quiet: bool) -> None:
    """Merge shards (from `auditor audit --keep-shards`, `auditor shard`, several machines, or the Spark
    job) into reports.

    SHARDS are shard files or folders of them (*.shard.jsonl.gz). All must come from the same audit
    settings (auditor version, rule data, selected rules, options) and cover each input once; the
    reports are those one `auditor audit` of all their inputs writes. Exit codes as for `auditor
    audit`; 2 also when a shard is broken, incomplete, or from another audit.
    """
    from auditor.report.formats import FormatError, parse_formats
    from auditor.shards import ShardError, engine_from_settings, merge_shards, read_header, shard_files

    try:
        chosen = parse_formats(formats)
    except FormatError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    files = shard_files(shards)
    if not files:
        click.echo("auditor: error: no shard files (*.shard.jsonl.gz) found in " + ", ".join(map(str, shards)),
                   err=True)
        sys.exit(2)
    files = list(dict.fromkeys(f.resolve() for f in files))  # a shard named twice counts once
    try:
        settings = read_header(files[0]).settings
    except ShardError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    try:
        engine = engine_from_settings(settings)
    except ShardError as exc:
        click.echo(f"auditor: error: {files[0]}: {exc}", err=True)
        sys.exit(2)
    try:
        result = merge_shards(files, engine, jobs or os.cpu_count() or 1)
    except ShardError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    try:
        bundle = _with_baseline(result, None, None, None)
        n_files = _write_outputs(bundle, out_dir, chosen, None, quiet, jobs or os.cpu_count() or 1)
        errors = bundle.index.errors + bundle.site_errors  # read before the store is removed
    finally:
        result.close()
    index = bundle.index
    for error in errors:
        click.echo(f"auditor: input error: {error.path}: {error.error}", err=True)
    if not quiet:
        click.echo(f"{index.totals.pages} page(s) in {len(index.sites)} site(s) from {len(files)} shard(s), "
                   f"{index.totals.errors} input error(s); {n_files} report file(s) in {out_dir}")
    sys.exit(index.exit_code)

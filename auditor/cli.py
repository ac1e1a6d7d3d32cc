"""The command line: `auditor audit` and `auditor rules`.

Exit codes: 0 no finding at or above the fail level; 1 at least one; 2 a usage error, a broken rule
pack, or an input that could not be read (the reports are still written, with that input listed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from auditor import __version__
from auditor.models import Severity


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def main() -> None:
    """Audit web pages for AI-content labels, provenance, cookie consent and attribution."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--out", "out_dir", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the reports (created if missing).")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default="error", show_default=True,
              help="Exit 1 when a violation of this severity or higher is found.")
@click.option("--include", multiple=True, help="Only files matching this glob (relative path or name). Repeatable.")
@click.option("--exclude", multiple=True, help="Skip files matching this glob. Repeatable.")
@click.option("--select", multiple=True, help="Rule codes, code prefixes or categories to run (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule codes, code prefixes or categories to skip (comma-separated).")
@click.option("--base-url", help="URL of the input root, for pages that name no canonical URL.")
@click.option("--site", "site_name", help="Put every page in this site, whatever its URL.")
@click.option("--crawl-date", help="When the pages were fetched (YYYY-MM-DD or ISO 8601), for dates in the future; "
              "default: the WARC record's date, a saved Date header, else the file's modification time.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def audit(
    inputs: tuple[str, ...],
    out_dir: str,
    fail_on: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    base_url: str | None,
    site_name: str | None,
    crawl_date: str | None,
    quiet: bool,
) -> None:
    """Audit pages (HTML files, .txt page text, gzipped or not, or folders of them) and write reports.

    For every site found: OUT/<site>.json and OUT/<site>.html, plus OUT/index.json and
    OUT/index.html listing all sites with their totals.
    """
    from auditor.engine import Engine, Options, run
    from auditor.inputs.files import discover
    from auditor.inputs.urls import is_http_url
    from auditor.rulepacks import RulePackError, load_packs, select_rules
    from auditor.writer import write_reports

    if base_url and not is_http_url(base_url):
        raise click.BadParameter(f"{base_url!r} is not an http(s) URL", param_hint="--base-url")
    if crawl_date:
        crawl_date = _iso_utc(crawl_date)
    try:
        packs = load_packs()
        rules = select_rules(packs, _split(select), _split(ignore))
    except RulePackError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        sys.exit(2)
    if not rules:
        click.echo("auditor: error: --select/--ignore leave no rule to run", err=True)
        sys.exit(2)
    engine = Engine(packs, rules, Options(base_url=base_url, site=site_name, fail_on=Severity(fail_on),
                                         crawl_date=crawl_date))
    out = Path(out_dir)
    sources = discover(list(inputs), include, exclude, skip_dir=out)
    result = run(sources, engine)
    try:
        written = write_reports(result, out)
    except OSError as exc:
        click.echo(f"auditor: error: cannot write reports to {out}: {exc}", err=True)
        sys.exit(2)
    index = result.index
    for error in index.errors + [e for s in result.sites.values() for e in s.errors]:
        click.echo(f"auditor: input error: {error.path}: {error.error}", err=True)
    if not quiet:
        t = index.totals
        for summary in index.sites:
            st = summary.totals
            sev = ", ".join(f"{st.by_severity.get(s.value, 0)} {s.value}" for s in Severity)
            click.echo(f"{summary.site}: {st.pages} page(s), violations: {sev}, "
                       f"incomplete: {st.by_outcome.get('incomplete', 0)}, errors: {st.errors}")
        click.echo(f"{t.pages} page(s) in {len(index.sites)} site(s), {t.errors} input error(s); "
                   f"{len(written)} report file(s) in {out}")
    if index.totals.pages == 0 and index.totals.errors == 0:
        click.echo("auditor: error: no pages found in the input (looked for .html .htm .xhtml .shtml .txt, "
                   "gzipped or not)", err=True)
        sys.exit(2)
    sys.exit(index.exit_code)


def _iso_utc(value: str) -> str:
    from datetime import datetime, timezone

    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD or ISO 8601)", param_hint="--crawl-date") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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

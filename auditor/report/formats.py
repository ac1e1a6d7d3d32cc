"""The output formats of `auditor audit --format`, each a reporter: ReportSet in, Output out.

| format   | output                                          |
| -------- | ----------------------------------------------- |
| json     | OUT/<site>.json per site and OUT/index.json      |
| html     | OUT/<site>.html per site and OUT/index.html      |
| sarif    | OUT/auditor.sarif (SARIF 2.1.0, one run per site) |
| junit    | OUT/auditor.junit.xml                             |
| gitlab   | OUT/gl-code-quality-report.json                   |
| markdown | OUT/summary.md                                    |
| github   | annotations on stdout, step summary to $GITHUB_STEP_SUMMARY |
| text     | one line per violation on stdout (for terminals and pre-commit) |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial

from auditor.models import SiteReport
from auditor.report.bundle import Body, Output, ReportSet, body_text
from auditor.report.github import github_reporter
from auditor.report.gitlab import gitlab_reporter
from auditor.report.html import index_html_chunks, site_html_chunks
from auditor.report.junit import junit_reporter
from auditor.report.markdown import markdown_reporter
from auditor.report.sarif import sarif_reporter
from auditor.report.text import text_reporter
from auditor.report.write import index_json_chunks, site_json_chunks

Reporter = Callable[[ReportSet], Output]


class FormatError(ValueError):
    """A format name that does not exist, or report files that would overwrite each other."""


DEFAULT_FORMATS: tuple[str, ...] = ("json", "html")


def _unique(files: Mapping[str, object], name: str, site: str) -> None:
    if name in files:
        raise FormatError(f"two sites would share the report file {name!r} (the second is {site!r})")


def site_json_body(sites: Mapping[str, SiteReport], site: str) -> Iterable[str]:
    """A site's JSON report, its report read when it is written: a run's site reports stay on disk
    until then (`auditor.sitereports`), one in memory at a time."""
    return site_json_chunks(sites[site])


def site_html_body(sites: Mapping[str, SiteReport], site: str) -> Iterable[str]:
    return site_html_chunks(sites[site])


def _site_files(bundle: ReportSet, kind: str, body: Callable[[Mapping[str, SiteReport], str], Iterable[str]],
                site_files: bool) -> dict[str, Body]:
    """Each site's report file of this kind ("json", "html"), made when it is written; none without
    `site_files`. The index is read one line at a time: a run's is on disk."""
    files: dict[str, Body] = {}
    for summary in bundle.index.sites if site_files else ():
        if summary.site in bundle.sites:
            name = summary.json_report if kind == "json" else summary.html_report
            _unique(files, name, summary.site)
            files[name] = partial(body, bundle.sites, summary.site)
    return files


def json_reporter(bundle: ReportSet, site_files: bool = True) -> Output:
    files = _site_files(bundle, "json", site_json_body, site_files)
    files["index.json"] = partial(index_json_chunks, bundle.index)
    return Output(files=files)


def html_reporter(bundle: ReportSet, site_files: bool = True) -> Output:
    files = _site_files(bundle, "html", site_html_body, site_files)
    files["index.html"] = partial(index_html_chunks, bundle.index)
    return Output(files=files)


FORMATS: dict[str, Reporter] = {
    "json": json_reporter,
    "html": html_reporter,
    "sarif": sarif_reporter,
    "junit": junit_reporter,
    "github": github_reporter,
    "gitlab": gitlab_reporter,
    "markdown": markdown_reporter,
    "text": text_reporter,
}


# The formats with a file per site.
_SITE_REPORTERS: dict[str, Callable[[ReportSet, bool], Output]] = {"json": json_reporter, "html": html_reporter}


def parse_formats(values: Iterable[str]) -> tuple[str, ...]:
    """Format names from `--format` values (comma-separated or repeated), in order, without repeats;
    the default formats when none is given."""
    names: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name not in FORMATS:
                raise FormatError(f"unknown format {name!r} (choose from {', '.join(FORMATS)})")
            if name not in names:
                names.append(name)
    return tuple(names) or DEFAULT_FORMATS


def render(bundle: ReportSet, formats: Iterable[str]) -> Output:
    """Every format's output together, as text; a file name two formats (or two sites) would share
    is an error."""
    merged = collect(bundle, formats)
    merged.files = {name: body_text(body) for name, body in merged.files.items()}
    return merged


def collect(bundle: ReportSet, formats: Iterable[str], site_files: bool = True) -> Output:
    """Every format's output together, big files still to be streamed (see `Body`); a file name two
    formats (or two sites) would share is an error. Without `site_files`, the JSON and HTML formats
    give their index only (the writer describes each site's files itself, when it writes them)."""
    merged = Output()
    owner: dict[str, str] = {}
    for name in formats:
        out = _SITE_REPORTERS[name](bundle, site_files) if name in _SITE_REPORTERS else FORMATS[name](bundle)
        for file_name, text in out.files.items():
            if file_name in merged.files:
                raise FormatError(f"report file {file_name!r} would be written twice (by {owner[file_name]} "
                                  f"and {name}); rename the site with --site or drop a format")
            owner[file_name] = name
            merged.files[file_name] = text
        merged.stdout += out.stdout
        if out.step_summary and not merged.step_summary:
            merged.step_summary = out.step_summary
    return merged

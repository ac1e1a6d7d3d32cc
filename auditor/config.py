"""Project configuration: `[tool.auditor]` in pyproject.toml, or an auditor.toml, found upwards.

Why: a publisher's repository and a CI job run the same audit many times; the choices (rules,
severities, fail level, which laws apply, which paths are drafts) belong in the repository, as with
ruff or html-validate. The nearest folder from the working folder upwards that has an `auditor.toml`
or a `pyproject.toml` with a `[tool.auditor]` table wins (auditor.toml first). Options on the command
line win over the file. Unknown keys, rule codes, severities and jurisdictions are errors that name
the file and the line.
"""

from __future__ import annotations

import fnmatch
import math
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import tomllib
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.limits import Limits
from auditor.models import Severity

JURISDICTIONS = ("EU", "UK", "CN", "KR", "US-CA")
CONFIG_NAMES = ("auditor.toml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file, the line and the cause."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Override(_Strict):
    """Rules to ignore or re-rate on some pages: by path glob (relative to the input) or URL glob."""

    paths: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)

    def applies(self, path: str, url: str | None) -> bool:
        return any(_glob(path, p) for p in self.paths) or bool(url and any(fnmatch.fnmatchcase(url, u)
                                                                             for u in self.urls))


class MarkdownKeys(_Strict):
    """Front matter keys of Markdown articles, first found wins (Hugo, Jekyll, Eleventy, Astro)."""

    author: list[str] = Field(default_factory=lambda: ["author", "authors", "byline", "creator"])
    date: list[str] = Field(default_factory=lambda: ["date", "published", "publishDate", "pubDate", "pub_date"])
    modified: list[str] = Field(default_factory=lambda: ["lastmod", "updated", "modified", "last_modified_at",
                                                         "updatedDate"])
    image: list[str] = Field(default_factory=lambda: ["image", "cover", "featured_image", "heroImage", "thumbnail"])
    image_credit: list[str] = Field(default_factory=lambda: ["image_credit", "credit", "cover_credit",
                                                             "imageCredit", "photo_credit"])
    ai_disclosure: list[str] = Field(default_factory=lambda: ["ai_disclosure", "ai", "aiDisclosure",
                                                              "ai_generated", "generated_by"])
    title: list[str] = Field(default_factory=lambda: ["title"])
    url: list[str] = Field(default_factory=lambda: ["url", "permalink", "canonical", "canonicalURL"])


class Config(_Strict):
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    fail_on: Severity | None = Field(default=None, alias="fail-on")
    severity: dict[str, Severity] = Field(default_factory=dict)
    jurisdictions: list[str] = Field(default_factory=list)
    format: list[str] = Field(default_factory=list)
    out: str | None = None
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    base_url: str | None = Field(default=None, alias="base-url")
    site: str | None = None
    sites: dict[str, str] = Field(default_factory=dict)  # host glob -> site name
    crawl_date: str | None = Field(default=None, alias="crawl-date")
    baseline: str | None = None
    overrides: list[Override] = Field(default_factory=list)
    markdown: MarkdownKeys = Field(default_factory=MarkdownKeys)
    limits: dict[str, float] = Field(default_factory=dict)  # page-bytes, dom-depth, elements ... (auditor/limits.py)
    # Where the settings came from (for messages), and the folder that relative paths start from.
    source: str | None = Field(default=None, exclude=True)
    root: str | None = Field(default=None, exclude=True)

    def site_for(self, host: str) -> str | None:
        """The site name a URL host is mapped to (`[tool.auditor.sites]`), or None."""
        for pattern, name in self.sites.items():
            if fnmatch.fnmatchcase(host, pattern):
                return name
        return None

    def overrides_for(self, path: str, url: str | None) -> list[Override]:
        return [o for o in self.overrides if o.applies(path, url)]


def _glob(path: str, pattern: str) -> bool:
    # "drafts/**" matches every file below drafts/; fnmatch's * crosses slashes already.
    if pattern.endswith("/**"):
        prefix = pattern[:-3]
        return path == prefix or path.startswith(prefix + "/") or f"/{prefix}/" in f"/{path}"
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], pattern)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest auditor.toml, or pyproject.toml with [tool.auditor], from `start` upwards."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "auditor.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue  # not ours to judge: another tool's broken file
            if isinstance(data.get("tool"), dict) and "auditor" in data["tool"]:
                return pyproject
    return None


def load_config(path: Path, known_codes: set[str] | None = None) -> Config:
    """Read and validate one configuration file; raises ConfigError naming file, line and cause."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    prefix = ""
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        section = tool.get("auditor") if isinstance(tool, dict) else None
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: no [tool.auditor] table")
        data, prefix = section, "tool.auditor."
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        key = next((str(p) for p in reversed(err["loc"]) if isinstance(p, str)), where)
        line = _line_of(text, key)
        what = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise ConfigError(f"{path}:{line}: {prefix}{where}: {what}") from None
    _check_values(config, text, path, known_codes)
    return config.model_copy(update={"source": str(path), "root": str(path.parent)})


def _check_values(config: Config, text: str, path: Path, known_codes: set[str] | None) -> None:
    for value in config.jurisdictions:
        if value not in JURISDICTIONS:
            raise ConfigError(f"{path}:{_line_of(text, value)}: jurisdictions: unknown {value!r} "
                              f"(known: {', '.join(JURISDICTIONS)})")
    for key, number in config.limits.items():
        # TOML has inf and nan: int(inf) raised OverflowError out of load_config (found by fuzzing,
        # tests/fuzz/regressions/config/limit-inf.toml), and nan passed every comparison.
        if not math.isfinite(number):
            raise ConfigError(f"{path}:{_line_of(text, key)}: limits.{key}: must be a finite number, not {number}")
    try:
        Limits().with_values(config.limits)
    except KeyError as exc:
        key = str(exc.args[0])
        raise ConfigError(f"{path}:{_line_of(text, key)}: limits.{key}: unknown limit (known: "
                          f"{', '.join(f.name.replace('_', '-') for f in fields(Limits))})") from None
    except ValueError as exc:
        raise ConfigError(f"{path}:{_line_of(text, 'limits')}: limits: {exc}") from None
    if known_codes is None:
        return
    prefixes = {c[:3] for c in known_codes}
    codes: list[str] = list(config.severity)
    for override in config.overrides:
        codes += override.ignore + list(override.severity)
    for code in codes:
        if code.upper() not in known_codes and code.upper() not in prefixes:
            raise ConfigError(f"{path}:{_line_of(text, code)}: unknown rule code {code!r}")


def _line_of(text: str, needle: str) -> int:
    """The first line where a key or value is written, for error messages (TOML parsers give none)."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(needle)}(?![\w-])")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line.split("#", 1)[0]):
            return number
    return 1


def merged_list(cli: tuple[str, ...], configured: list[str]) -> tuple[str, ...]:
    """Command-line values replace the configured ones (as ruff's --select does)."""
    return cli if cli else tuple(configured)


def as_dict(config: Config) -> dict[str, Any]:
    return config.model_dump(by_alias=True, exclude_defaults=True)

"""Markdown sources: the front matter of an article file, read safely, with the line of every key.

Static site generators keep an article's metadata in front matter above the Markdown body:
- YAML between `---` lines (Jekyll, Hugo, Eleventy, Astro; Jekyll also closes with `...`),
- TOML between `+++` lines (Hugo),
- a JSON object starting on the first line (Hugo).
The front matter is parsed here, never executed: YAML through `yaml.safe_load` only, after a scan of
its events that refuses alias bombs and deep nesting (the scan also gives the line of each top-level
key and of every value under it); TOML through `tomllib`; JSON through `json`. Front matter larger
than `MAX_FRONT_MATTER_BYTES`, an opening delimiter that is never closed, or text the parser refuses
is a ValueError whose message a reader can act on (the engine turns it into an input error naming
the file). Line numbers are those of the file, 1-based: the body keeps the front matter's lines as
blank lines. In MDX, top-level `import`/`export` statements are JavaScript and are blanked too.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib
import yaml

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
MAX_FRONT_MATTER_BYTES = 64 * 1024
# YAML aliases share one object per anchor, but `b: &b [*a, *a, ...]` chains grow exponentially
# when the result is walked (the "billion laughs" attack). A document is refused before it is built
# when its events, with every alias expanded, count more values than this, or when it uses more
# aliases than real front matter ever does.
MAX_YAML_NODES = 100_000
MAX_YAML_ALIASES = 200
MAX_YAML_DEPTH = 40
_SCAN_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it
_JSON_START = re.compile(r"\{\s*[\"}]")
_DELIMITERS = {"---": "yaml", "+++": "toml"}
_CLOSING = {"yaml": ("---", "..."), "toml": ("+++",)}
_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*[.=]""")
_TOML_TABLE = re.compile(r"""^\s*\[\[?\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))""")
_FRONT_MATTER_COMMENT = re.compile(r"^\s*#\s*(auditor-(?:disable-next|disable|enable)\b.*)$")


@dataclass(slots=True)
class FrontMatter:
    """The parsed front matter and where each of its parts is written in the file."""

    data: dict[str, Any] = field(default_factory=dict)
    format: str | None = None  # yaml | toml | json; None: the file has no front matter
    start_line: int = 0  # the opening delimiter's line (1), 0 without front matter
    end_line: int = 0  # the closing delimiter's line
    key_lines: dict[str, int] = field(default_factory=dict)  # top-level key -> its line
    # Top-level key -> (scalar text, line) of every scalar value written under it (YAML only).
    value_lines: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # `# auditor-disable CODE reason` comment lines: (line, comment text without the `#`).
    comments: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        """The line of a top-level key, else of the front matter's opening delimiter (1)."""
        return self.key_lines.get(key) or self.start_line or 1

    def value_line(self, key: str, value: str, lines: list[str]) -> int:
        """The line where `value` is written under `key` (a list entry on its own line), else the key's line."""
        start = self.line_of(key)
        wanted = value.strip()
        if not wanted:
            return start
        for text, line in self.value_lines.get(key, []):
            if text.strip() == wanted:
                return line
        following = sorted(n for n in self.key_lines.values() if n > start)
        stop = following[0] if following else self.end_line or start + 1
        for number in range(start, max(stop, start + 1)):
            if 0 < number <= len(lines) and wanted in lines[number - 1]:
                return number
        return start


@dataclass(slots=True)
class MarkdownSource:
    """A Markdown file split into front matter and body.

    `body` keeps the file's line count: the front matter's lines are blank in it, so a line of the
    body is the same line of the file.
    """

    front_matter: FrontMatter
    body: str
    lines: list[str]  # the file's lines (newlines normalised), for snippets


def is_markdown_name(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return lower.endswith(MARKDOWN_SUFFIXES)


def starts_with_front_matter(head: bytes) -> bool:
    """Whether a file's first bytes open front matter (`---`, `+++` or a JSON object)."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    first = head.partition(b"\n")[0].rstrip(b"\r \t")
    if first in (b"---", b"+++"):
        return True
    return bool(_JSON_START.match(head.decode("utf-8", "replace")))


def has_front_matter(path: Path) -> bool:
    """Whether a Markdown file (gzipped or not) starts with front matter; False when unreadable.

    In folders, only such files are articles: a README, a changelog or the SOURCES.md beside test
    pages has none (Jekyll, too, renders only the files that have front matter)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
            if head.startswith(b"\x1f\x8b"):
                fh.seek(0)
                with gzip.open(fh) as unzipped:
                    head = unzipped.read(64)
    except (OSError, EOFError, gzip.BadGzipFile):
        return False
    return starts_with_front_matter(head)


def split_markdown(text: str, mdx: bool = False) -> MarkdownSource:
    """Split a Markdown file's text into front matter and body. Raises ValueError for broken front matter."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    front = FrontMatter()
    body_from = 0  # index of the first body line
    first = lines[0].rstrip(" \t") if lines else ""
    if first in _DELIMITERS:
        fmt = _DELIMITERS[first]
        close = next((i for i in range(1, len(lines)) if lines[i].rstrip(" \t") in _CLOSING[fmt]), None)
        if close is None:
            raise ValueError(f"front matter opened with '{first}' on line 1 is never closed "
                             f"(no line '{_CLOSING[fmt][0]}' follows)")
        raw = "\n".join(lines[1:close])
        _check_size(raw)
        front = FrontMatter(format=fmt, start_line=1, end_line=close + 1)
        if fmt == "yaml":
            _parse_yaml(raw, front)
        else:
            _parse_toml(raw, front, lines[1:close])
        body_from = close + 1
    elif _JSON_START.match(text):
        try:
            data, end = json.JSONDecoder(strict=False).raw_decode(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"front matter is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")\
                from None
        except RecursionError:
            raise ValueError("front matter is not valid JSON: nested too deeply") from None
        raw = text[:end]
        _check_size(raw)
        close = raw.count("\n")
        front = FrontMatter(format="json", start_line=1, end_line=close + 1)
        front.data = _mapping(data, "JSON")
        front.key_lines = _json_key_lines(front.data, lines[: close + 1])
        body_from = close + 1
    if front.format in ("yaml", "toml"):
        front.comments = [(n + 1, m.group(1)) for n in range(1, front.end_line - 1)
                          if (m := _FRONT_MATTER_COMMENT.match(lines[n]))]
    body_lines = [""] * body_from + lines[body_from:]
    if mdx:
        _blank_mdx_statements(body_lines, body_from)
    return MarkdownSource(front, "\n".join(body_lines), lines)


def _check_size(raw: str) -> None:
    size = len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise ValueError(f"front matter of {size // 1024} KiB is larger than the limit of "
                         f"{MAX_FRONT_MATTER_BYTES // 1024} KiB")


def _mapping(data: Any, what: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"front matter ({what}) is a {type(data).__name__}, not a mapping of keys to values")
    return {k: v for k, v in data.items() if isinstance(k, str)}


def _parse_yaml(raw: str, front: FrontMatter) -> None:
    offset = front.start_line + 1  # file line of the front matter's first line
    try:
        _scan_yaml(raw, front, offset)  # raises ValueError for alias bombs and deep nesting
        try:
            data = yaml.safe_load(raw)
        except (ValueError, TypeError, OverflowError) as exc:  # a timestamp such as 2024-13-45
            raise ValueError(f"front matter has a value YAML cannot build: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + offset}, column {mark.column + 1}" if mark is not None else ""
        problem = " ".join((exc.problem or exc.context or "cannot be read").split())
        raise ValueError(f"front matter is not valid YAML{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"front matter is not valid YAML: {exc}") from None
    except RecursionError:
        raise ValueError("front matter is not valid YAML: nested too deeply") from None
    front.data = _mapping(data, "YAML")


def _scan_yaml(raw: str, front: FrontMatter, offset: int) -> None:
    """Walk the YAML events (nothing is built): refuse alias bombs and deep nesting, and note the
    line of each top-level key and of each scalar below it."""
    aliases = 0
    expanded = 0  # nodes of the document with every alias expanded, as walking the result meets them
    sizes: dict[str, int] = {}  # anchor -> nodes under it, expanded
    # One entry per open collection: [is a mapping, its next node is a key, nodes under it, anchor];
    # stack[0] is the document's top mapping, so a key at depth 1 is a top-level key.
    stack: list[list[Any]] = []
    current_key: str | None = None
    for event in yaml.parse(raw, Loader=_SCAN_LOADER):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            _, _, size, anchor = stack.pop()
            if anchor:
                sizes[anchor] = size
            if stack:
                stack[-1][2] += size
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            continue
        size = 1
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            size = sizes.get(event.anchor or "", 1)
        elif isinstance(event, yaml.ScalarEvent) and event.anchor:
            sizes[event.anchor] = 1
        expanded += size
        if aliases > MAX_YAML_ALIASES or expanded > MAX_YAML_NODES:
            raise ValueError(f"front matter expands to more than {MAX_YAML_NODES} values or uses more than "
                             f"{MAX_YAML_ALIASES} aliases (a YAML alias bomb?); it is not read")
        line = (event.start_mark.line if event.start_mark is not None else 0) + offset
        parent = stack[-1] if stack else None
        is_key = parent is not None and parent[0] and parent[1]
        if parent is not None and parent[0]:
            parent[1] = not parent[1]
        if len(stack) == 1 and is_key:
            current_key = event.value if isinstance(event, yaml.ScalarEvent) else None
            if current_key is not None:
                front.key_lines.setdefault(current_key, line)
        elif stack and current_key is not None and isinstance(event, yaml.ScalarEvent):
            front.value_lines.setdefault(current_key, []).append((event.value, line))
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([isinstance(event, yaml.MappingStartEvent), True, 1, event.anchor])
            if len(stack) > MAX_YAML_DEPTH:
                raise ValueError(f"front matter nests YAML deeper than {MAX_YAML_DEPTH} levels; it is not read")
        elif parent is not None:
            parent[2] += size


def _parse_toml(raw: str, front: FrontMatter, fm_lines: list[str]) -> None:
    offset = front.start_line  # TOML line 1 is the line after the opening delimiter
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        message = _TOML_LINE.sub(lambda m: f"(at line {int(m.group(1)) + offset}, column {m.group(2)})", str(exc))
        raise ValueError(f"front matter is not valid TOML: {message}") from None
    except RecursionError:
        raise ValueError("front matter is not valid TOML: nested too deeply") from None
    front.data = _mapping(data, "TOML")
    in_table = False
    for number, line in enumerate(fm_lines, start=offset + 1):
        table = _TOML_TABLE.match(line)
        if table:
            in_table = True
            key = next(g for g in table.groups() if g is not None)
            if key in front.data:
                front.key_lines.setdefault(key, number)
            continue
        match = None if in_table else _TOML_KEY.match(line)
        if match:
            key = next(g for g in match.groups() if g is not None)
            if key in front.data:
                front.key_lines.setdefault(key, number)


def _json_key_lines(data: dict[str, Any], lines: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key in data:
        pattern = re.compile(r'^\s*\{?\s*"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:')
        out[key] = next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), 1)
    return out


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MDX_STATEMENT = re.compile(r"^(?:import|export)\s")


def _blank_mdx_statements(lines: list[str], start: int) -> None:
    """MDX: `import` and `export` lines are JavaScript, not text a reader sees (outside code fences)."""
    fence: str | None = None
    open_braces = False
    for i in range(start, len(lines)):
        match = _FENCE.match(lines[i])
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if open_braces and fence is None:  # the rest of `import {\n  a,\n  b,\n} from "x"`
            open_braces = "}" not in lines[i]
            lines[i] = ""
        elif fence is None and _MDX_STATEMENT.match(lines[i]):
            open_braces = lines[i].count("{") > lines[i].count("}")
            lines[i] = ""


__all__ = [
    "MARKDOWN_SUFFIXES",
    "MAX_FRONT_MATTER_BYTES",
    "FrontMatter",
    "MarkdownSource",
    "has_front_matter",
    "is_markdown_name",
    "split_markdown",
    "starts_with_front_matter",
]

"""Read JSON reports back (for `auditor report diff` and `auditor report render`).

A path is a site report (`<site>.json`), an index (`index.json`) or a report folder. In a folder the
index names the site reports; without an index every `*.json` that looks like a site report (an
object with `site` and `pages`) is read and other JSON files (SARIF, GitLab, baselines) are passed
over. Any file that is not valid JSON or not a valid report is a ReportLoadError naming it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from auditor.models import IndexReport, SiteReport


class ReportLoadError(Exception):
    pass


@dataclass
class LoadedReports:
    sites: list[SiteReport] = field(default_factory=list)
    indexes: list[tuple[Path, IndexReport]] = field(default_factory=list)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportLoadError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportLoadError(f"{path}: cannot read ({exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportLoadError(f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def _validate(path: Path, data: Any, model: type[BaseModel], what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ReportLoadError(f"{path}: not an auditor {what}: {where}: {first['msg']}{more}") from None


def _is_index(data: Any) -> bool:
    return isinstance(data, dict) and "sites" in data and "exit_code" in data


def _looks_like_site(data: Any) -> bool:
    return isinstance(data, dict) and "site" in data and "pages" in data


def load_file(path: Path, into: LoadedReports) -> None:
    data = _read_json(path)
    if _is_index(data):
        into.indexes.append((path, _validate(path, data, IndexReport, "index report")))
    else:
        into.sites.append(_validate(path, data, SiteReport, "site report"))


def load_folder(folder: Path, into: LoadedReports) -> None:
    index_path = folder / "index.json"
    if index_path.is_file():
        index_data = _read_json(index_path)
        index: IndexReport = _validate(index_path, index_data, IndexReport, "index report")
        into.indexes.append((index_path, index))
        for summary in index.sites:
            name = Path(summary.json_report).name  # only files of this folder
            into.sites.append(_validate(folder / name, _read_json(folder / name), SiteReport, "site report"))
        return
    found = False
    for path in sorted(folder.glob("*.json")):
        data = _read_json(path)
        if _looks_like_site(data):
            into.sites.append(_validate(path, data, SiteReport, "site report"))
            found = True
    if not found:
        raise ReportLoadError(f"{folder}: no auditor reports in this folder (no index.json, no site report)")


def load_reports(paths: list[Path]) -> LoadedReports:
    loaded = LoadedReports()
    for path in paths:
        if path.is_dir():
            load_folder(path, loaded)
        else:
            load_file(path, loaded)
    return loaded

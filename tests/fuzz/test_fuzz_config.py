"""Project configuration files for `auditor.config.load_config`: valid TOML with the known keys and
values of right and wrong types (inf and nan floats, huge integers, nested tables where lists
belong), the same text mutated into invalid TOML, undecodable bytes, and pyproject.toml files with
and without a [tool.auditor] table.

The property: a Config or a ConfigError (whose message names the file), nothing else, and a Config
holds only values that the run can use (finite, positive limits that `Limits.with_values` takes).
"""

from __future__ import annotations

import functools
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.config import Config, ConfigError, load_config
from auditor.limits import Limits

from ._support import known_bug, rule_codes, time_limit

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")


def check_config(data: bytes, name: str = "auditor.toml", known: bool = False, tolerate: bool = True) -> None:
    """The contract of load_config on one file's bytes."""
    with tempfile.TemporaryDirectory(prefix="fuzz-config-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            with time_limit(10, "load_config"):
                config = load_config(path, rule_codes() if known else None)
        except ConfigError as exc:
            assert str(path) in str(exc), str(exc)
            return
        except Exception as exc:
            if known_bug(exc, tolerate) is None:
                raise
            return
    assert isinstance(config, Config)
    assert all(math.isfinite(v) and v > 0 for v in config.limits.values()), config.limits
    Limits().with_values(config.limits)


# -- a small TOML writer (inline tables), enough for generated data ----------------------------------


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string is JSON-compatible for what json.dumps writes
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, Any], table: str | None) -> str:
    lines = [f"[{table}]"] if table else []
    lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in data.items()]
    return "\n".join(lines) + "\n"


@functools.cache
def _codes() -> list[str]:
    return sorted(rule_codes())


scalars = st.one_of(st.text(max_size=12), st.integers(min_value=-(2**64), max_value=2**64), st.booleans(),
                    st.floats(), st.sampled_from(["error", "warning", "info", "EU", "CN", "US-CA", "json", "html"]))
codes = st.one_of(st.sampled_from(_codes()), st.sampled_from(["ATT", "att001", "XYZ999", "", "*"]))
severities = st.sampled_from(["error", "warning", "info", "fatal", ""])
string_lists = st.lists(st.one_of(codes, st.text(max_size=8)), max_size=4)
limits_tables = st.dictionaries(
    st.sampled_from(["page-bytes", "dom-depth", "elements", "image-bytes", "xmp-bytes", "page-seconds", "nope",
                     "page_bytes"]),
    st.one_of(st.integers(min_value=-10, max_value=2**70), st.floats(), st.just(float("inf")), st.just(float("nan")),
              st.text(max_size=3)),
    max_size=4)
overrides = st.lists(st.fixed_dictionaries({}, optional={
    "paths": string_lists, "urls": string_lists, "ignore": st.lists(codes, max_size=3),
    "severity": st.dictionaries(codes, severities, max_size=3), "extra": scalars}), max_size=3)
config_data = st.fixed_dictionaries({}, optional={
    "select": st.lists(codes, max_size=4), "ignore": st.lists(codes, max_size=4), "fail-on": severities,
    "severity": st.dictionaries(codes, st.one_of(severities, scalars), max_size=4),
    "jurisdictions": st.lists(st.sampled_from(["EU", "UK", "CN", "KR", "US-CA", "XX", ""]), max_size=3),
    "format": string_lists, "out": st.text(max_size=10), "include": string_lists, "exclude": string_lists,
    "base-url": st.sampled_from(["https://x.example/", "not a url", ""]), "site": st.text(max_size=10),
    "sites": st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
    "crawl-date": st.sampled_from(["2026-01-01T00:00:00Z", "yesterday", ""]), "baseline": st.text(max_size=8),
    "overrides": overrides, "markdown": st.dictionaries(st.sampled_from(["author", "date", "nope"]), string_lists,
                                                        max_size=2),
    "limits": limits_tables, "unknown-key": scalars,
}).flatmap(lambda d: st.one_of(st.just(d), st.builds(lambda k, v: {**d, k: v}, st.sampled_from(sorted(d) or ["x"]),
                                                                  scalars)))


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    chars = list(text)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(chars)))
        op = draw(st.sampled_from(["delete", "insert", "insert"]))
        if op == "delete" and chars:
            del chars[min(at, len(chars) - 1)]
        else:
            chars.insert(at, draw(st.sampled_from(["[", "]", "{", "}", '"', "'", "=", "\n", "#", ".", ",", "\\",
                                                   "\x00", "[[", "]]", '"""', "é", "\ud800"])))
    return "".join(chars)


@given(config_data, st.sampled_from(["auditor.toml", "pyproject.toml", "pyproject.toml"]), st.booleans())
def test_valid_toml(data: dict[str, Any], name: str, known: bool) -> None:
    table = "tool.auditor" if name == "pyproject.toml" else None
    check_config(toml_document(data, table).encode(), name, known)


@given(config_data.flatmap(lambda d: mutated_text(toml_document(d, None))), st.booleans())
def test_invalid_toml(text: str, known: bool) -> None:
    check_config(text.encode("utf-8", "surrogatepass"), "auditor.toml", known)


@given(st.binary(max_size=300), st.sampled_from(["auditor.toml", "pyproject.toml"]))
def test_random_bytes(data: bytes, name: str) -> None:
    check_config(data, name)


@given(st.sampled_from(["[tool]\nauditor = 1\n", "tool = 'x'\n", "[tool.other]\nx=1\n", "[[tool.auditor]]\n",
                        "[tool.auditor.limits]\npage-bytes = inf\n", "[tool.auditor.limits]\nelements = nan\n",
                        "[tool.auditor]\nlimits = []\n", "[tool.auditor.overrides]\nignore = ['ATT001']\n"]))
def test_pyproject_shapes(text: str) -> None:
    check_config(text.encode(), "pyproject.toml")

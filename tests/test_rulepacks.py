"""Rule packs: the shipped packs are valid, selection works, and broken packs fail with a precise error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from auditor.checks import CHECKS, SITE_CHECKS
from auditor.models import Category
from auditor.rulepacks import (
    CODE_PATTERN,
    RulePackError,
    file_sha256,
    load_pack,
    load_packs,
    rules_dir,
    select_rules,
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    load_packs.cache_clear()
    yield
    load_packs.cache_clear()


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)  # strings, numbers and booleans: JSON spelling is valid TOML here


def _rule(**overrides: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "code": "TST001",
        "name": "test-rule",
        "category": "attribution",
        "severity": "warning",
        "message": "A test rule",
        "rationale": "Because tests need one",
        "remediation": "Nothing to do",
        "check": "byline",
        "references": [{"title": "Example", "url": "https://example.com/ref"}],
    }
    for key, value in overrides.items():
        if value is None:
            rule.pop(key, None)
        else:
            rule[key] = value
    return rule


def _pack_text(*rules: dict[str, Any], name: str = "test") -> str:
    lines = ["[pack]", f"name = {json.dumps(name)}", 'version = "1.0.0"', ""]
    for rule in rules:
        lines.append("[[rule]]")
        refs = rule.get("references")
        for key, value in rule.items():
            if key != "references":
                lines.append(f"{key} = {_toml_value(value)}")
        if isinstance(refs, list) and refs and all(isinstance(r, dict) for r in refs):
            for ref in refs:
                lines.append("[[rule.references]]")
                lines.extend(f"{k} = {_toml_value(v)}" for k, v in ref.items())
        elif refs is not None:
            lines.append(f"references = {_toml_value(refs)}")
        lines.append("")
    return "\n".join(lines)


def _write_pack(folder: Path, filename: str, *rules: dict[str, Any], name: str = "test") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(_pack_text(*rules, name=name), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------
# The shipped packs


def test_shipped_packs_load() -> None:
    packs = load_packs()
    assert packs
    assert [p.path for p in packs] == sorted(p.name for p in rules_dir().glob("*.toml"))
    assert "core" in {p.name for p in packs}
    for pack in packs:
        assert pack.sha256 == file_sha256(rules_dir() / pack.path)
        assert pack.rules


def test_rules_dir_is_the_checkout_rules_folder_when_not_installed() -> None:
    folder = rules_dir()
    assert (folder / "core.toml").is_file()
    assert (folder / "lexicon" / "en.toml").is_file()
    assert (folder / "data" / "consent.toml").is_file()


def test_every_shipped_rule_is_complete() -> None:
    rules = [r for p in load_packs() for r in p.rules]
    codes = [r.code for r in rules]
    assert len(codes) == len(set(codes))
    assert {"AIL001", "CON001"} <= set(codes)
    for rule in rules:
        assert CODE_PATTERN.match(rule.code), rule.code
        assert rule.message.strip() and rule.rationale.strip() and rule.remediation.strip(), rule.code
        assert rule.references, rule.code
        for ref in rule.references:
            parts = urlsplit(ref.url)
            assert parts.scheme == "https" and parts.netloc, (rule.code, ref.url)
            assert ref.title.strip(), rule.code
        assert rule.check is not None or rule.site_check is not None, rule.code
        if rule.check is not None:
            assert rule.check in CHECKS, (rule.code, rule.check)
            CHECKS[rule.check].params_model.model_validate(rule.params)
        if rule.site_check is not None:
            assert rule.site_check in SITE_CHECKS, (rule.code, rule.site_check)


def test_shipped_pack_loads_alone_with_load_pack() -> None:
    pack = load_pack(rules_dir() / "core.toml")
    assert pack.name == "core"
    assert pack.path == "core.toml"
    assert "AIL001" in {r.code for r in pack.rules}


# --------------------------------------------------------------------------------------------------
# select_rules()


def _codes(select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> list[str]:
    return [r.code for r in select_rules(load_packs(), select, ignore)]


def _all_codes() -> list[str]:
    return sorted(r.code for p in load_packs() for r in p.rules)


def test_select_nothing_means_every_rule_sorted_by_code() -> None:
    assert _codes() == _all_codes()
    assert _codes(("ALL",)) == _all_codes()


def test_select_by_exact_code() -> None:
    assert _codes(("AIL001",)) == ["AIL001"]
    assert _codes((" AIL001 ",)) == ["AIL001"]


def test_select_by_prefix() -> None:
    ail = _codes(("AIL",))
    assert ail == [c for c in _all_codes() if c.startswith("AIL")]
    assert {"AIL001", "AIL002", "AIL003", "AIL004"} <= set(ail)
    assert not any(c.startswith("CON") for c in ail)


def test_select_by_category() -> None:
    rules = select_rules(load_packs(), ("consent",))
    assert rules
    assert all(r.category is Category.consent for r in rules)
    expected = sorted(r.code for p in load_packs() for r in p.rules if r.category is Category.consent)
    assert [r.code for r in rules] == expected
    assert "CON001" in expected


def test_select_several_selectors_is_a_union() -> None:
    assert _codes(("AIL001", "CON001")) == ["AIL001", "CON001"]


def test_ignore_removes_rules() -> None:
    assert _codes(("AIL",), ("AIL002",)) == [c for c in _all_codes() if c.startswith("AIL") and c != "AIL002"]
    no_consent = _codes((), ("consent",))
    assert no_consent == [c for c in _all_codes() if not c.startswith("CON")]
    assert _codes(("AIL001",), ("AIL",)) == []


@pytest.mark.parametrize("where", ["select", "ignore"])
@pytest.mark.parametrize("selector", ["XYZ", "AIL999", "cookies", "AIL0011"])
def test_unknown_selector_is_an_error_naming_it(where: str, selector: str) -> None:
    select, ignore = ((selector,), ()) if where == "select" else ((), (selector,))
    with pytest.raises(RulePackError) as info:
        select_rules(load_packs(), select, ignore)
    assert repr(selector) in str(info.value)


# --------------------------------------------------------------------------------------------------
# Broken packs


def test_the_helper_pack_is_valid(tmp_path: Path) -> None:
    # The broken packs below differ from this one in one field only.
    pack = load_pack(_write_pack(tmp_path, "mypack.toml", _rule()))
    assert [r.code for r in pack.rules] == ["TST001"]
    assert pack.name == "test"


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[pack\nname = "x"\n', encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    assert "broken.toml" in str(info.value)
    assert "TOML" in str(info.value)


def test_unreadable_pack_is_a_rule_pack_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'[pack]\nname = "caf\xe9"\nversion = "1"\n')
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    assert "latin.toml" in str(info.value)


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"remediation": None}, ["remediation"]),
        ({"severity": "fatal"}, ["severity"]),
        ({"category": "privacy"}, ["category"]),
        ({"check": "no_such_check"}, ["check", "no_such_check"]),
        ({"params": {"threshold": 3}}, ["params", "threshold"]),
        ({"site_check": "no_such_site_check"}, ["site_check", "no_such_site_check"]),
        ({"name": "Not Kebab"}, ["name"]),
        ({"references": []}, ["references"]),
        ({"references": None}, ["references"]),
        ({"severty": "warning"}, ["severty"]),
    ],
    ids=["no-remediation", "bad-severity", "bad-category", "unknown-check", "unknown-params",
         "unknown-site-check", "bad-name", "empty-references", "no-references", "typo-field"],
)
def test_broken_rule_names_file_rule_and_field(tmp_path: Path, overrides: dict[str, Any], words: list[str]) -> None:
    path = _write_pack(tmp_path, "mypack.toml", _rule(code="TST007"), _rule(code="TST002", **overrides))
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    message = str(info.value)
    assert "mypack.toml" in message
    assert "TST002" in message
    assert "TST007" not in message
    for word in words:
        assert word in message


@pytest.mark.parametrize("code", ["AI1", "ail001", "AIL01", "AILX01", "AIL0001"])
def test_bad_code_shape_names_the_code_field(tmp_path: Path, code: str) -> None:
    path = _write_pack(tmp_path, "mypack.toml", _rule(code=code))
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    message = str(info.value)
    assert "mypack.toml" in message
    assert "code" in message
    assert code in message


def test_missing_pack_header(tmp_path: Path) -> None:
    path = tmp_path / "nohead.toml"
    path.write_text(_pack_text(_rule()).replace("[pack]", "[other]"), encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    assert "nohead.toml" in str(info.value)
    assert "pack" in str(info.value)


@pytest.mark.parametrize("entry", ["1", '"text"'])
def test_rule_entry_that_is_not_a_table_is_a_rule_pack_error(tmp_path: Path, entry: str) -> None:
    path = tmp_path / "odd.toml"
    path.write_text(f'rule = [{entry}]\n\n[pack]\nname = "x"\nversion = "1"\n', encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    assert "odd.toml" in str(info.value)


def test_duplicate_codes_across_packs(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    _write_pack(folder, "a.toml", _rule(code="TST001"), name="a")
    _write_pack(folder, "b.toml", _rule(code="TST002"), _rule(code="TST001"), name="b")
    with pytest.raises(RulePackError) as info:
        load_packs(folder)
    message = str(info.value)
    assert "duplicate" in message
    assert "TST001" in message
    assert "a.toml" in message and "b.toml" in message


def test_duplicate_codes_within_one_pack(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    _write_pack(folder, "a.toml", _rule(code="TST001"), _rule(code="TST001"))
    with pytest.raises(RulePackError, match="duplicate"):
        load_packs(folder)


def test_load_packs_from_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    _write_pack(folder, "b.toml", _rule(code="TST002"), name="b")
    _write_pack(folder, "a.toml", _rule(code="TST001"), name="a")
    _write_pack(folder / "sub", "c.toml", _rule(code="TST003"), name="c")  # not a pack: sub-folder
    packs = load_packs(folder)
    assert [p.name for p in packs] == ["a", "b"]
    assert [r.code for r in select_rules(packs)] == ["TST001", "TST002"]


def test_load_packs_in_a_folder_without_packs(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(RulePackError, match="no rule packs"):
        load_packs(tmp_path / "empty")


def test_one_broken_pack_stops_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    _write_pack(folder, "a.toml", _rule(code="TST001"))
    _write_pack(folder, "b.toml", _rule(code="TST002", severity="fatal"))
    with pytest.raises(RulePackError) as info:
        load_packs(folder)
    assert "b.toml" in str(info.value)
    assert "severity" in str(info.value)

"""Rule packs: `rules/*.toml` loaded and validated into typed rules.

A broken pack stops the run with an error that names the file, the rule and the field, before any
page is read. Each rule names its check and the check's parameters, which the check's own pydantic
model validates, so a typo in a parameter is caught at load time too.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import tomllib
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from auditor.models import Category, Reference, RuleInfo, RulePackInfo, Severity

CODE_PATTERN = re.compile(r"^[A-Z]{3}\d{3}$")


class RulePackError(Exception):
    """A rule pack or lexicon file that cannot be used; the message names file, rule and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSpec(_Strict):
    code: str
    name: str
    category: Category
    severity: Severity
    message: str
    rationale: str
    remediation: str
    references: list[Reference] = Field(min_length=1)
    check: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    site_check: str | None = None
    # The laws a rule enforces (EU, UK, CN, KR, US-CA); empty: a standard or practice that applies
    # everywhere. A configuration's `jurisdictions` keeps only rules of those places.
    jurisdictions: list[str] = Field(default_factory=list)

    @field_validator("jurisdictions")
    @classmethod
    def _known_jurisdictions(cls, value: list[str]) -> list[str]:
        from auditor.config import JURISDICTIONS

        unknown = [v for v in value if v not in JURISDICTIONS]
        if unknown:
            raise ValueError(f"unknown jurisdiction(s) {unknown} (known: {', '.join(JURISDICTIONS)})")
        return value

    @model_validator(mode="after")
    def _runs_something(self) -> RuleSpec:
        if self.check is None and self.site_check is None:
            raise ValueError("a rule needs a check, a site_check or both")
        return self

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not CODE_PATTERN.match(value):
            raise ValueError("must be three capital letters and three digits, e.g. AIL001")
        return value

    @field_validator("name")
    @classmethod
    def _name_shape(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9-]*", value):
            raise ValueError("must be kebab-case, e.g. ai-label-found")
        return value

    def info(self) -> RuleInfo:
        return RuleInfo(
            code=self.code,
            name=self.name,
            category=self.category,
            severity=self.severity,
            summary=self.message,
            rationale=self.rationale,
            remediation=self.remediation,
            references=list(self.references),
            jurisdictions=list(self.jurisdictions),
        )


class PackHeader(_Strict):
    name: str
    version: str
    description: str = ""


class RulePackFile(_Strict):
    pack: PackHeader
    rule: list[RuleSpec]


class RulePack(BaseModel):
    name: str
    version: str
    sha256: str
    path: str
    rules: list[RuleSpec]

    def info(self) -> RulePackInfo:
        return RulePackInfo(name=self.name, version=self.version, sha256=self.sha256)


def rules_dir() -> Path:
    """The rule packs: inside the installed package, or `rules/` beside it in a source checkout."""
    packaged = resources.files("auditor").joinpath("rules")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "rules"


M = TypeVar("M", bound=BaseModel)


def load_data_file(path: Path, model: type[M], what: str) -> M:
    """A data file of rules/ (TOML) validated by its pydantic model; any problem is a RulePackError
    naming the file and the cause."""
    try:
        return model.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise RulePackError(f"{path.name}: invalid {what}: {exc}") from None


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _describe(error: ValidationError, data: dict[str, Any]) -> str:
    parts = []
    for err in error.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "rule" and isinstance(loc[1], int):
            rules = data.get("rule") or []
            entry = rules[loc[1]] if isinstance(rules, list) and loc[1] < len(rules) else None
            code = entry.get("code", f"#{loc[1] + 1}") if isinstance(entry, dict) else f"#{loc[1] + 1}"
            field = ".".join(str(p) for p in loc[2:]) or "(rule)"
            where = f"rule {code}, field {field}"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def load_pack(path: Path) -> RulePack:
    from auditor.checks import CHECKS, SITE_CHECKS

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(f"{path}: cannot read rule pack: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulePackError(f"{path}: not valid TOML: {exc}") from None
    try:
        parsed = RulePackFile.model_validate(data)
    except ValidationError as exc:
        raise RulePackError(f"{path}: {_describe(exc, data)}") from None
    for rule in parsed.rule:
        check = CHECKS.get(rule.check) if rule.check else None
        if rule.check and check is None:
            raise RulePackError(f"{path}: rule {rule.code}, field check: unknown check {rule.check!r}")
        if check is None and rule.params:
            raise RulePackError(f"{path}: rule {rule.code}, field params: a site-only rule takes no params")
        try:
            if check is not None:
                check.params_model.model_validate(rule.params)
        except ValidationError as exc:
            fields = "; ".join(
                f"params.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise RulePackError(f"{path}: rule {rule.code}, field {fields}") from None
        if rule.site_check and rule.site_check not in SITE_CHECKS:
            raise RulePackError(
                f"{path}: rule {rule.code}, field site_check: unknown site check {rule.site_check!r}"
            )
    return RulePack(
        name=parsed.pack.name,
        version=parsed.pack.version,
        sha256=file_sha256(path),
        path=path.name,
        rules=parsed.rule,
    )


@lru_cache(maxsize=8)
def load_packs(directory: Path | None = None) -> tuple[RulePack, ...]:
    folder = directory or rules_dir()
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise RulePackError(f"{folder}: no rule packs (*.toml) found")
    packs = tuple(load_pack(p) for p in paths)
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.code in seen:
                raise RulePackError(
                    f"{pack.path}: rule {rule.code}, field code: duplicate of a rule in {seen[rule.code]}"
                )
            seen[rule.code] = pack.path
    return packs


def select_rules(
    packs: tuple[RulePack, ...], select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
    jurisdictions: tuple[str, ...] = (), severity: dict[str, Severity] | None = None,
) -> list[RuleSpec]:
    """Rules picked by codes, code prefixes or categories (as ruff's --select/--ignore), kept to the
    given jurisdictions (a rule tied to no law always stays), with configured severities."""
    rules = [r for p in packs for r in p.rules]
    known = {r.code for r in rules}
    categories = {c.value for c in Category}

    def matches(rule: RuleSpec, selector: str) -> bool:
        s = selector.strip()
        return rule.code.startswith(s.upper()) or rule.category.value == s.lower() or s.upper() == "ALL"

    for selector in select + ignore:
        s = selector.strip()
        if not s:
            continue
        if s.lower() not in categories and s.upper() != "ALL" and not any(c.startswith(s.upper()) for c in known):
            raise RulePackError(f"unknown rule selector {selector!r}: not a rule code, prefix or category")
    chosen = [r for r in rules if not select or any(matches(r, s) for s in select)]
    chosen = [r for r in chosen if not any(matches(r, s) for s in ignore)]
    if jurisdictions:
        chosen = [r for r in chosen if not r.jurisdictions or set(r.jurisdictions) & set(jurisdictions)]
    if severity:
        chosen = [r.model_copy(update={"severity": severity[r.code]}) if r.code in severity else r for r in chosen]
    return sorted(chosen, key=lambda r: r.code)

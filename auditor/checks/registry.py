"""The check registry: rule packs name checks; checks register themselves here.

A check is a small function that reads one page's facts (through its PageContext) and yields
Findings; the engine turns them into results with the rule's code, severity and category. A site
check runs once per site, after every page, on the compact summaries pages leave behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from auditor.facts.model import SourceLocation
from auditor.models import ItemRef, Outcome

P = TypeVar("P", bound=BaseModel)


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(slots=True)
class Finding:
    outcome: Outcome
    message: str
    item: ItemRef | None = None
    location: SourceLocation | None = None
    evidence: list[SourceLocation] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Check(Generic[P]):
    name: str
    params_model: type[P]
    run: Callable[[Any, P], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class SiteCheck:
    name: str
    # (site summaries of every page, params) -> (page path, finding) pairs that replace or add to
    # the page's results for the rule.
    run: Callable[[list[Any]], Iterator[tuple[str, Finding]]]


CHECKS: dict[str, Check[Any]] = {}
SITE_CHECKS: dict[str, SiteCheck] = {}


CheckFn = Callable[..., Iterator[Finding]]
SiteCheckFn = Callable[..., Iterator[tuple[str, Finding]]]


def check(name: str, params: type[BaseModel] = NoParams) -> Callable[[CheckFn], CheckFn]:
    """Register a page check under `name`, with the pydantic model of its parameters."""

    def register(fn: CheckFn) -> CheckFn:
        if name in CHECKS:
            raise RuntimeError(f"check {name!r} registered twice")
        CHECKS[name] = Check(name, params, fn)
        return fn

    return register


def site_check(name: str) -> Callable[[SiteCheckFn], SiteCheckFn]:
    """Register a site check: it runs once per site on the pages' summaries."""

    def register(fn: SiteCheckFn) -> SiteCheckFn:
        SITE_CHECKS[name] = SiteCheck(name, fn)
        return fn

    return register

"""Command-line options that `auditor audit`, `auditor shard` and the Spark job share, written once so
that the three say the same thing in the same words."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])

_RULES = "Rule codes, code prefixes or categories to {} (comma-separated)."


def selection_options(in_listed_folders: bool = False) -> Callable[[F], F]:
    """--include and --exclude (globs over files; with `in_listed_folders`, over the files of the
    folders a path list names, as the Spark job reads it), --select and --ignore (rules), --base-url
    and --site (the pages' URL and site)."""
    where = ", in folders of the list" if in_listed_folders else ""
    options = [
        click.option("--include", multiple=True,
                     help=f"Only files matching this glob{where or ' (relative path or name)'}. Repeatable."),
        click.option("--exclude", multiple=True, help=f"Skip files matching this glob{where}. Repeatable."),
        click.option("--select", multiple=True, help=_RULES.format("run")),
        click.option("--ignore", multiple=True, help=_RULES.format("skip")),
        click.option("--base-url", help="URL of the input root, for pages that name no canonical URL."),
        click.option("--site", "site_name", help="Put every page in this site, whatever its URL."),
    ]

    def apply(command: F) -> F:
        for option in reversed(options):  # decorators apply bottom-up: keep the listed order in --help
            command = option(command)
        return command

    return apply

"""Regenerate the rule table in README.md from `auditor rules --format markdown`.

    python scripts/update_readme.py
"""

from __future__ import annotations

from pathlib import Path

from auditor.cli import rules_markdown
from auditor.rulepacks import load_packs, select_rules

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- rules:start -->\n", "<!-- rules:end -->"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    table = rules_markdown(select_rules(load_packs()))
    README.write_text(f"{head}{START}{table}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()

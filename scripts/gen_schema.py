"""Write the JSON Schemas of the reports, generated from the pydantic models.

    python scripts/gen_schema.py          # rewrite schemas/*.schema.json
    python scripts/gen_schema.py --check  # exit 1 when the committed schemas are out of date
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from auditor.models import IndexReport, SiteReport

SCHEMAS = {"site-report.schema.json": SiteReport, "index.schema.json": IndexReport}
OUT = Path(__file__).resolve().parent.parent / "schemas"


def render(model: type[SiteReport] | type[IndexReport], name: str) -> str:
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for name, model in SCHEMAS.items():
        text = render(model, name)
        path = OUT / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            OUT.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python scripts/gen_schema.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

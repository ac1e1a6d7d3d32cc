"""XML safety of pages: external entities are never read, entity bombs never expand.

XHTML pages (and HTML that declares entities) go through lxml's HTML parser with no_network; it
does not process a DOCTYPE's internal subset, so neither `<!ENTITY xxe SYSTEM "file:///etc/passwd">`
nor a billion-laughs chain can reach the text the checks read or the reports quote. (XMP and SVG
inside images are parsed with defusedxml: see tests/test_media_marks.py.)
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import main

SECRET = "auditor-xxe-canary-7f3a"

XXE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html [
  <!ENTITY xxe SYSTEM "file://{path}">
  <!ENTITY remote SYSTEM "http://127.0.0.1:9/leak">
]>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><title>Story &xxe;</title></head>
<body><main><article><h1>Story &xxe;</h1><p class="byline">By &xxe; &remote;</p>
<p>Body text of the story &xxe;.</p></article></main></body></html>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE html [
  <!ENTITY a "lol">
""" + "".join(f'  <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9)) + """]>
<html xmlns="http://www.w3.org/1999/xhtml"><body><main><article><h1>Laughs</h1><p>&j;</p></article></main>
</body></html>
"""


def audit(tmp_path: Path, name: str, text: str) -> tuple[int, str]:
    page = tmp_path / "in" / name
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["audit", str(page.parent), "--out", str(out), "--isolated", "-q"],
                                catch_exceptions=False)
    reports = "".join(p.read_text() for p in sorted(out.iterdir())) if out.is_dir() else ""
    return result.exit_code, reports


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    code, reports = audit(tmp_path, "story.xhtml", XXE.format(path=secret))
    assert code in (0, 1)
    assert reports and SECRET not in reports
    page = json.loads((tmp_path / "out" / "local.json").read_text())["pages"][0]
    assert SECRET not in json.dumps(page)


def test_entity_bombs_do_not_expand(tmp_path: Path) -> None:
    started = time.monotonic()
    code, reports = audit(tmp_path, "laughs.xhtml", LAUGHS)
    assert time.monotonic() - started < 20
    assert code in (0, 1, 2)
    assert "lollollol" not in reports
    assert len(reports) < 2_000_000

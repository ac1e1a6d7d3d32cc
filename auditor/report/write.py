"""Writing reports to disk: atomically, deterministically, and only inside the output folder."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel


def to_json(model: BaseModel) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    data = model.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def safe_target(out_dir: Path, name: str) -> Path:
    """`out_dir/name`, refusing any name that would land outside `out_dir`."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        raise ValueError(f"refusing report file name {name!r}")
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve():
        raise ValueError(f"refusing report file name {name!r}: outside {out_dir}")
    return target


def write_atomic(out_dir: Path, name: str, text: str) -> Path:
    """Write via a temporary file and rename, so a reader never sees half a report."""
    target = safe_target(out_dir, name)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target

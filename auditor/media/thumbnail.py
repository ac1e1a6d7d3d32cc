"""Small thumbnails of images in the crawl, for the HTML report's provenance cards and findings.

Why: an editor recognises a picture faster than a file name. The thumbnail is re-encoded from the
decoded pixels (never the original bytes, so no embedded script, SVG or metadata reaches the
report) as a small JPEG data URI. JPEGs are decoded at reduced scale (Pillow's draft mode); images
over the pixel limit or that fail to decode get no thumbnail.
"""

from __future__ import annotations

import base64
import io
import warnings

from PIL import Image

SIDE = 96  # pixels, the longer side
MAX_PIXELS = 40_000_000  # decoding more than this for a thumbnail is not worth it
PREFIX = "data:image/jpeg;base64,"


def make_thumbnail(data: bytes) -> str | None:
    """A JPEG data URI of at most SIDE x SIDE pixels, or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > MAX_PIXELS or img.format in (None, "SVG"):
                    return None
                img.draft("RGB", (SIDE * 2, SIDE * 2))  # JPEG: decode at 1/2 .. 1/8 scale
                img.seek(0)
                if img.mode in ("P", "PA", "LA", "RGBA", "La"):
                    rgba = img.convert("RGBA")  # transparency onto white, as a page would show it
                    small = Image.new("RGB", rgba.size, "white")
                    small.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    small = img.convert("RGB")
                small.thumbnail((SIDE, SIDE))
                out = io.BytesIO()
                small.save(out, "JPEG", quality=70, optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            EOFError, MemoryError):
        return None
    return PREFIX + base64.b64encode(out.getvalue()).decode("ascii")

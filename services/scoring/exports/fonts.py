"""Find the CJK font the PDF and its charts need for Chinese; register it with reportlab and matplotlib."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from matplotlib import font_manager
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

# TrueType fonts (or TrueType collections) that reportlab can embed. Debian's fonts-noto-cjk ships
# CFF-flavoured OpenType, which reportlab's TTFont cannot read, so it is not in this list.
KNOWN_CJK_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
DEBIAN_PACKAGE = "fonts-wqy-microhei"
ENV_OVERRIDE = "CJK_FONT_PATH"
REPORTLAB_NAME = "AMC-CJK"
_PROBE = "中文集群"


class CJKFontMissing(RuntimeError):
    """No usable CJK font: Chinese text would render as empty boxes, so the PDF is refused."""


@dataclass(frozen=True, slots=True)
class CJKFont:
    """The font in use: its file, its reportlab name and its matplotlib family name."""

    path: Path
    reportlab_name: str
    matplotlib_family: str


def find_cjk_font() -> Path:
    """The CJK font file: `$CJK_FONT_PATH` when set (it must then be usable), else the first known path."""
    override = os.environ.get(ENV_OVERRIDE)
    if override:
        path = Path(override)
        problem = _unusable(path)
        if problem:
            raise CJKFontMissing(f"{ENV_OVERRIDE}={override} cannot be used: {problem}")
        return path
    for candidate in KNOWN_CJK_FONTS:
        path = Path(candidate)
        if path.is_file() and not _unusable(path):
            return path
    raise CJKFontMissing(
        "no CJK TrueType font found, so Chinese text cannot be rendered. Install one "
        f"(Debian: apt-get install {DEBIAN_PACKAGE}) or point {ENV_OVERRIDE} at a .ttf/.ttc with Chinese "
        f"glyphs. Looked in: {', '.join(KNOWN_CJK_FONTS)}"
    )


@functools.cache
def register_cjk_font() -> CJKFont:
    """Register the CJK font with reportlab and matplotlib once per process and say how to refer to it."""
    path = find_cjk_font()
    pdfmetrics.registerFont(TTFont(REPORTLAB_NAME, str(path), subfontIndex=0))
    # <b> and <i> in paragraphs fall back to the same face: the CJK fonts we accept have no bold or italic.
    pdfmetrics.registerFontFamily(
        REPORTLAB_NAME,
        normal=REPORTLAB_NAME,
        bold=REPORTLAB_NAME,
        italic=REPORTLAB_NAME,
        boldItalic=REPORTLAB_NAME,
    )
    font_manager.fontManager.addfont(str(path))
    family = next(
        (entry.name for entry in font_manager.fontManager.ttflist if Path(entry.fname) == path),
        None,
    )
    if family is None:
        raise CJKFontMissing(f"matplotlib could not load the CJK font {path}")
    return CJKFont(path=path, reportlab_name=REPORTLAB_NAME, matplotlib_family=family)


def _unusable(path: Path) -> str | None:
    """Why reportlab cannot use `path` for Chinese, or None when it can."""
    if not path.is_file():
        return "no such file"
    try:
        face = TTFont("probe", str(path), subfontIndex=0).face
    except (TTFError, OSError) as exc:
        return f"reportlab cannot read it ({exc}); it must be TrueType, not CFF-based OpenType"
    missing = [ch for ch in _PROBE if ord(ch) not in face.charToGlyph]
    if missing:
        return f"it has no glyphs for {''.join(missing)}"
    return None

"""Build the CJK fonts the PDF documents embed (static/fonts/), from Debian's font packages,
all under the SIL Open Font License 1.1 (embedding and redistribution allowed):

    apt-get download fonts-noto-cjk fonts-lxgw-wenkai
    for f in fonts-*.deb; do dpkg -x "$f" /tmp/cjk; done
    .venv/bin/python scripts/subset_fonts.py /tmp/cjk/usr/share/fonts

The meeting pack's body face (meetings/packs/fonts/NotoSerifSC-Regular.otf, Noto Serif CJK
SC) keeps every character the font has except Hangul: all of CJK Unified Ideographs and
Extension A, the ~2,000 Extension B–F characters Noto carries, kana, Latin, Greek, Cyrillic,
symbols. It is the last font of every fallback chain, so a name written with a rare
character (𠀾, 䶮) prints with a real glyph. The heading faces (黑体, 楷体, the 小标宋
title) need only what official text uses — GB 2312, every character of the plan texts in
plans/sources/, ASCII and punctuation — and fall back to the body face for anything else.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "static" / "fonts"
PACK = ROOT / "meetings" / "packs" / "fonts"
# (file under the fonts folder, index of the Simplified Chinese face or None, output, full?)
# static/fonts/ holds the two faces WeasyPrint's documents use (supervision notices); the
# meeting pack's Typst reads meetings/packs/fonts/ ("pack/" below), where the 黑体 face is a
# copy of the one above.
FACES = [
    ("opentype/noto/NotoSerifCJK-Regular.ttc", 2, "NotoSerifSC-Regular-subset.otf", False),
    ("opentype/noto/NotoSansCJK-Bold.ttc", 2, "NotoSansSC-Bold-subset.otf", False),
    ("opentype/noto/NotoSerifCJK-Regular.ttc", 2, "pack/NotoSerifSC-Regular.otf", True),
    ("opentype/noto/NotoSerifCJK-Bold.ttc", 2, "pack/NotoSerifSC-Bold-subset.otf", False),
    (
        "truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
        None,
        "pack/LXGWWenKai-Regular-subset.ttf",
        False,
    ),
]
# Left out of the full body face: Hangul (11,000 syllables no Chinese name uses) and the
# half-width/compatibility Hangul forms. Everything else the SC face maps is kept.
DROPPED = [(0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF)]


def gb2312() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def official() -> set[int]:
    chars = gb2312()
    for source in (ROOT / "plans" / "sources").glob("*.txt"):
        chars |= set(source.read_text(encoding="utf-8"))
    codes = {ord(c) for c in chars if c.isprintable() or c == " "}
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x205E), (0x3000, 0x303F), (0xFF01, 0xFF65)]
    for start, end in ranges:
        codes |= set(range(start, end + 1))
    return codes


def everything_but_hangul(font: TTFont) -> set[int]:
    return {
        code
        for code in font.getBestCmap()
        if not any(start <= code <= end for start, end in DROPPED)
    }


def main(source_dir: Path) -> None:
    PACK.mkdir(parents=True, exist_ok=True)
    for path, index, name, full in FACES:
        source = source_dir / path
        font = TTCollection(source).fonts[index] if index is not None else TTFont(source)
        options = subset.Options()
        options.layout_features = ["*"]  # keep vertical forms and punctuation spacing
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=everything_but_hangul(font) if full else official())
        subsetter.subset(font)
        target = PACK / name.removeprefix("pack/") if name.startswith("pack/") else OUT / name
        font.save(target)
        print(target, target.stat().st_size)
    # The pack's 黑体 is the same face as static/fonts' (the pack's fonts stay self-contained).
    shutil.copyfile(OUT / "NotoSansSC-Bold-subset.otf", PACK / "NotoSansSC-Bold-subset.otf")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""Build the CJK fonts the PDF meeting pack embeds (static/fonts/), from Debian's
fonts-noto-cjk package (SIL Open Font License 1.1):

    apt-get download fonts-noto-cjk && dpkg -x fonts-noto-cjk_*.deb /tmp/noto
    .venv/bin/python scripts/subset_fonts.py /tmp/noto/usr/share/fonts/opentype/noto

Subset to what official plan documents use: every character of GB 2312 (6,763 hanzi and its
symbols), every character of the plan texts in plans/sources/, ASCII, CJK and full-width
punctuation. Kept in the repository so a PDF never depends on the server's fonts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "static" / "fonts"
# (collection, index of the Simplified Chinese face, output name)
FACES = [
    ("NotoSerifCJK-Regular.ttc", 2, "NotoSerifSC-Regular-subset.otf"),
    ("NotoSansCJK-Bold.ttc", 2, "NotoSansSC-Bold-subset.otf"),
]


def gb2312() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted() -> str:
    chars = gb2312()
    for source in (ROOT / "plans" / "sources").glob("*.txt"):
        chars |= set(source.read_text(encoding="utf-8"))
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x205E), (0x3000, 0x303F), (0xFF01, 0xFF65)]
    for start, end in ranges:
        chars |= {chr(c) for c in range(start, end + 1)}
    return "".join(sorted(c for c in chars if c.isprintable() or c == " "))


def main(source_dir: Path) -> None:
    text = wanted()
    OUT.mkdir(parents=True, exist_ok=True)
    for collection, index, name in FACES:
        font = TTCollection(source_dir / collection).fonts[index]
        options = subset.Options()
        options.layout_features = ["*"]  # keep vertical forms and punctuation spacing
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        font.save(OUT / name)
        print(OUT / name, (OUT / name).stat().st_size)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

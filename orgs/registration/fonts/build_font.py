"""Rebuild NotoSansSC-Regular-GB2312.ttf from Debian's fonts-noto-cjk (run once; the result is in the repo).

    .venv/bin/python orgs/registration/fonts/build_font.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

Subset of Noto Sans CJK SC (face 2 of the collection) to ASCII, every GB 2312 character (hanzi and symbols),
CJK punctuation and full-width forms, then CFF outlines → TrueType outlines (fpdf2 maps TrueType glyphs to
Unicode cleanly, so the PDF's text can be extracted). SIL Open Font License 1.1: see OFL.txt.
The outline conversion follows fontTools' Snippets/otf2ttf.py.
"""

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import newTable

HERE = Path(__file__).resolve().parent
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
TARGET = HERE / "NotoSansSC-Regular-GB2312.ttf"


def characters() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([high, low]).decode("gb2312"))
    chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    return "".join(sorted(chars))


def to_truetype(font) -> None:
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in [
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ]:
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    font["maxp"] = maxp
    maxp.compile(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\000\001\000\000"


def main(source: str = SOURCE) -> None:
    options = subset.Options()
    options.font_number = 2  # Noto Sans CJK SC
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    font = subset.load_font(source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    font.recalcBBoxes = True  # the new glyf outlines need their bounding boxes
    to_truetype(font)
    font.save(TARGET)
    print(f"{TARGET} {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])

"""The fonts inside the package, and an fpdf2 document that uses them for every script.

A disclosure that leaves out a name is wrong, so a PDF never depends on the fonts of the
computer it is made on: they ship in sharetui/fonts (see the README there), Noto Sans for the
body and one font per script behind it as fpdf2 fallbacks, with HarfBuzz shaping so Arabic
letters join and Indic conjuncts form. `undrawable()` finds a character none of them has
before anything is drawn, so the caller can stop and say which one and where.

Four fpdf2 2.8.9 behaviours are corrected here, each pinned by tests/cli/test_export.py:
- when a line starts in a fallback font and ends in another, it sets the page's font inside
  that line's q/Q, which undoes it, and the next lines are drawn in the fallback font;
- its bidi algorithm gives a zero-width joiner or non-joiner the paragraph's direction, so a
  Persian name with a ZWNJ inside English text came out with its two halves swapped;
- it starts a new run of text at every change of font or script, so a zero-width joiner or
  variation selector (which the body font also holds) is cut off from the letters it joins;
- a glyph HarfBuzz adds to a cluster (a Bengali vowel sign drawn before its consonant) gets
  no ToUnicode entry, and PDF readers then copy its raw code as a stray character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import fpdf.output
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.bidi import BidiParagraph, auto_detect_base_direction
from fpdf.enums import TextDirection
from fpdf.fonts import TTFFont
from fpdf.line_break import Fragment

from sharetui.domain.errors import ShareError

BODY = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")  # Latin, Greek, Cyrillic
# Tried in this order for a character the body font lacks: scripts first, then Chinese and
# Japanese, Korean, emoji, and last the symbol fonts (a character in both is an emoji).
FALLBACKS: tuple[str, ...] = (
    "NotoSansArabic-Regular.ttf",  # Arabic, Persian, Urdu, Pashto, Kurdish (Sorani)
    "NotoSansHebrew-Regular.ttf",
    "NotoSansDevanagari-Regular.ttf",  # Hindi, Marathi, Nepali
    "NotoSansBengali-Regular.ttf",  # Bengali, Sylheti written in Bengali, Assamese
    "NotoSansGurmukhi-Regular.ttf",  # Punjabi
    "NotoSansGujarati-Regular.ttf",
    "NotoSansOriya-Regular.ttf",
    "NotoSansTamil-Regular.ttf",
    "NotoSansTelugu-Regular.ttf",
    "NotoSansKannada-Regular.ttf",
    "NotoSansMalayalam-Regular.ttf",
    "NotoSansSinhala-Regular.ttf",
    "NotoSansThai-Regular.ttf",
    "NotoSansLao-Regular.ttf",
    "NotoSansKhmer-Regular.ttf",
    "NotoSansMyanmar-Regular.ttf",  # Burmese, Rohingya written in Burmese
    "NotoSansEthiopic-Regular.ttf",  # Amharic, Tigrinya
    "NotoSansArmenian-Regular.ttf",
    "NotoSansGeorgian-Regular.ttf",
    "NotoSansThaana-Regular.ttf",  # Dhivehi
    "NotoSansSyriac-Regular.ttf",
    "NotoSansTifinagh-Regular.ttf",  # Berber languages
    "DroidSansFallbackFull.ttf",  # Chinese (simplified and traditional), Japanese
    "NanumSquareR.ttf",  # Korean
    "NotoColorEmoji.ttf",
    "NotoSansSymbols-Regular.ttf",
    "NotoSansSymbols2-Regular.ttf",
    "NotoSansMath-Regular.ttf",
)
_VARIATION_SELECTORS = frozenset(range(0xFE00, 0xFE10)) | frozenset(range(0xE0100, 0xE01F0))
# Format characters that are drawn: the prepended concatenation marks (an Arabic number sign,
# the Syriac abbreviation mark, the Kaithi number signs).
_VISIBLE_FORMAT = frozenset((*range(0x0600, 0x0606), 0x06DD, 0x070F, 0x08E2, 0x110BD, 0x110CD))


class UndrawableCharacter(ShareError):
    """A character no bundled font can draw: the PDF would silently leave it out."""

    def __init__(self, char: str, where: str) -> None:
        self.char = char
        self.where = where
        name = unicodedata.name(char, "no name: private use or not assigned")
        super().__init__(
            f"The PDF was not written: no font can show U+{ord(char):04X} ({name}) in "
            f"{where}. The JSON and CSV exports hold the exact text"
        )


def font_folder() -> Traversable:
    return resources.files("sharetui") / "fonts"


def needs_glyph(char: str) -> bool:
    """False for what is not drawn itself: joiners, variation selectors, other invisible
    format characters (they shape their neighbours) and the line break."""
    if char == "\n" or ord(char) in _VARIATION_SELECTORS:
        return False
    return unicodedata.category(char) != "Cf" or ord(char) in _VISIBLE_FORMAT


@cache
def coverage(path: Path) -> frozenset[int]:
    """Code points the font maps (its cmap table only: cheap next to loading the font)."""
    font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def fallbacks_for(chars: set[int], folder: Path) -> tuple[list[str], set[int]]:
    """The fallback fonts chars need beyond the body font, in order, and the characters no
    bundled font has. A fallback's table is read only when the fonts before it leave some
    character uncovered: an export in Latin script reads none of them."""
    wanted = chars - coverage(folder / BODY[0])
    needed: list[str] = []
    for name in FALLBACKS:
        if not wanted:
            break
        covered = wanted & coverage(folder / name)
        if covered:
            needed.append(name)
            wanted -= covered
    return needed, wanted


def undrawable(text: str, folder: Path) -> str | None:
    """The first character of text that no bundled font has, else None."""
    _, missing = fallbacks_for({ord(c) for c in text if needs_glyph(c)}, folder)
    return next((c for c in text if ord(c) in missing), None)


class ScriptDoc(FPDF):
    """An A4 document in the bundled fonts: family "body" (regular and bold), and the
    fallbacks the given text needs, and only those (the CJK and emoji fonts are large)."""

    def __init__(self, folder: Path, text: str) -> None:
        super().__init__(format="A4")
        self.add_font("body", "", str(folder / BODY[0]))
        self.add_font("body", "B", str(folder / BODY[1]))
        families: list[str] = []
        for name in fallbacks_for({ord(c) for c in text}, folder)[0]:
            family = Path(name).stem.lower()
            self.add_font(family, "", str(folder / name))
            families.append(family)
        if families:  # bold text takes the regular fallback: no bold in most script fonts
            self.set_fallback_fonts(families, exact_match=False)
        self._body = coverage(folder / BODY[0])
        self.set_font("body", "", 10)

    def shape_for(self, text: str) -> None:
        """Shape the next text with HarfBuzz when it needs it: a letter from beyond the body
        font (Arabic joining, Indic conjuncts), a combining mark or a joiner. Text the body
        font draws letter by letter is not shaped: through fpdf2 that takes three times
        as long, for the kerning of Latin letters only."""
        self.set_text_shaping(
            any(
                c != "\n" and (ord(c) not in self._body or unicodedata.category(c)[0] in "MC")
                for c in text
            )
        )

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        super().add_page(*args, **kwargs)
        self._set_page_font()

    def multi_cell(self, *args: Any, **kwargs: Any) -> Any:
        self._set_page_font()
        return super().multi_cell(*args, **kwargs)

    def _set_page_font(self) -> None:
        """Set the current font on the page itself, outside any line, as fpdf2's cell()
        does; see the module's docstring."""
        if self.page and self.current_font is not None and not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))

    def _preload_bidirectional_text(self, text: str, markdown: bool) -> Sequence[Fragment]:
        """fpdf2's own method (fpdf.py), with a joiner kept in the direction of the letters
        around it (UAX #9, X9: it takes no direction of its own)."""
        if not self.text_shaping:
            return super()._preload_bidirectional_text(text, markdown)
        direction = self.text_shaping["direction"] or auto_detect_base_direction(text)
        self.text_shaping["paragraph_direction"] = direction
        paragraph = BidiParagraph(
            text=text,
            base_direction=direction,
            preserve_bn_chars=True,
            alias=self.str_alias_nb_pages,
        )
        emphasis = (
            "B" in self.font_style,
            "I" in self.font_style,
            self.strikethrough,
            self.underline,
        )
        fragments: list[Fragment] = []
        for segment, segment_direction in _join_segments(paragraph.get_bidi_fragments()):
            self.text_shaping["fragment_direction"] = segment_direction
            fragments.extend(
                self._preload_font_styles(segment, markdown, _initial_emphasis=emphasis)
            )
            emphasis = getattr(self, "_markdown_emphasis", emphasis)
        return tuple(fragments)

    def _parse_chars(self, text: str, markdown: bool, **kwargs: Any) -> Iterator[Fragment]:
        """fpdf2's runs, with leading joiners, what they join and combining marks moved to
        the run before them, so HarfBuzz shapes the whole sequence (an emoji family, a Malayalam
        chillu, a Sinhala conjunct) and the copied text keeps the joiner."""
        previous: Fragment | None = None
        for fragment in super()._parse_chars(text, markdown, **kwargs):
            if previous is not None and _plain(previous) and _plain(fragment):
                lead = next(
                    (i for i, c in enumerate(fragment.characters) if not _joins(c)),
                    len(fragment.characters),
                )
                previous.characters.extend(fragment.characters[:lead])
                del fragment.characters[:lead]
                if not fragment.characters:
                    continue
            if _continues(previous, fragment):
                assert previous is not None
                previous.characters.extend(fragment.characters)
                continue
            if previous is not None:
                yield previous
            previous = fragment
        if previous is not None:
            yield previous

    def to_bytes(self) -> bytes:
        """The PDF; UndrawableCharacter if any font was asked for a glyph it lacks (fpdf2
        itself only logs a warning then)."""
        token = _WRITING.set(self)
        try:
            data = bytes(self.output())
        finally:
            _WRITING.reset(token)
        for font in self.fonts.values():
            if isinstance(font, TTFFont) and font.missing_glyphs:
                raise UndrawableCharacter(chr(font.missing_glyphs[0]), "the export")
        return data


def _joins(char: str) -> bool:
    """A joiner, variation selector or other format character: it belongs to its neighbours."""
    return char != "\n" and not needs_glyph(char)


def _join_segments(
    segments: Sequence[tuple[str, TextDirection]],
) -> list[tuple[str, TextDirection]]:
    """Bidi runs with each run of joiners, and what follows it in the same direction, added
    to the run before."""
    joined: list[tuple[str, TextDirection]] = []
    for text, direction in segments:
        if joined and text:
            before, before_direction = joined[-1]
            if all(_joins(c) for c in text) or (
                direction == before_direction and before and _joins(before[-1])
            ):
                joined[-1] = (before + text, before_direction)
                continue
        joined.append((text, direction))
    return joined


def _plain(fragment: Fragment) -> bool:
    """A run of text (not the page-count placeholder fpdf2 fills in later)."""
    return type(fragment) is Fragment


def _continues(previous: Fragment | None, fragment: Fragment) -> bool:
    if previous is None or not _plain(previous) or not _plain(fragment):
        return False
    if not previous.characters or not fragment.characters:
        return False
    if fragment.graphics_state != previous.graphics_state:
        return False
    return _joins(previous.characters[-1]) or all(
        unicodedata.category(c).startswith("M") for c in fragment.characters
    )


# The document being written, for the ToUnicode entries below.
_WRITING: ContextVar[ScriptDoc | None] = ContextVar("sharetui_pdf_writing", default=None)
_FPDF_BUILD_CMAP_BLOCKS = fpdf.output._build_cmap_blocks


def _unmapped_codes(doc: ScriptDoc) -> set[int]:
    """Codes of glyphs that carry no text of their own: all glyphs are placed by now (the
    fonts are written after the pages, the last footer included)."""
    return {
        code
        for font in doc.fonts.values()
        if isinstance(font, TTFFont)
        for glyph, code in font.subset.items()
        if glyph is not None and not glyph.unicode
    }


def _build_cmap_blocks(entries: list[str], operator: Any) -> str:
    """fpdf2's ToUnicode blocks, plus an empty entry (no text) for each glyph that shares a
    cluster with another, instead of no entry, which readers copy as its raw code."""
    doc = _WRITING.get()
    if doc is not None and operator == "bfchar" and entries and entries[0].index(">") == 5:
        present = {int(entry[1:5], 16) for entry in entries}
        missing = sorted(_unmapped_codes(doc) - present)
        entries = entries + [f"<{code:04X}> <>\n" for code in missing]
    return str(_FPDF_BUILD_CMAP_BLOCKS(entries, operator))


fpdf.output._build_cmap_blocks = _build_cmap_blocks

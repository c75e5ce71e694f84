"""Text hygiene: what every free-text value goes through on the way in, and search keys."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 control characters except tab and newline, plus DEL. Bidi overrides and
# isolates are removed too: they can make a stored reason read differently on screen. Lone
# surrogates (a broken paste, a bad terminal) cannot be written as UTF-8, so no database or
# export could hold them.
#
# Deliberately NOT removed, though they are invisible too: the zero-width non-joiner and joiner
# (U+200C, U+200D) and the variation selectors (U+FE00-FE0F, U+E0100-E01EF). Names need them:
# Persian and Malayalam words, Sinhala and Devanagari conjuncts, emoji such as a family. Removing
# them changes the name as typed. KEPT_FORMAT lists them for the layers that filter keystrokes.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
KEPT_FORMAT = frozenset("\u200c\u200d")


SHORT_TEXT = 200
LONG_TEXT = 20_000


def clean(value: str | None) -> str:
    """Strip control characters (keeping newline and tab) and surrounding whitespace."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def scrub(value: str) -> str:
    """Only the characters no record may hold removed; whitespace kept as typed (drafts)."""
    return _CONTROL.sub("", value)


def scrub_json(value: object) -> object:
    """scrub() every string, keys included, of a JSON-like value."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub(str(k)): scrub_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_json(v) for v in value]
    return value


def clean_line(value: str | None) -> str:
    """Like clean(), but a single line: newlines and tabs become spaces."""
    return " ".join(clean(value).split())


def fold(value: str) -> str:
    """Case- and accent-insensitive form used for searching names."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def name_tokens(*names: str) -> set[str]:
    """Folded words of every name given: what a partial-name search matches against."""
    tokens: set[str] = set()
    for name in names:
        tokens.update(_WORD.findall(fold(name or "")))
    return tokens


def query_tokens(query: str) -> list[str]:
    """Folded words of a search query, longest first (most selective first)."""
    return sorted(set(_WORD.findall(fold(query))), key=len, reverse=True)


def length_error(value: str, limit: int, label: str) -> str | None:
    """An instruction when a value is too long, else None."""
    if len(value) > limit:
        return f"{label} must be {limit:,} characters or fewer (it is {len(value):,})"
    return None


def required_text_error(value: str, limit: int, *, missing: str, noun: str) -> str | None:
    """The instruction for a required answer: `missing` when it is empty, "Enter a <noun> of
    <limit> characters or fewer" when too long, else None. Names, titles and reasons asked for
    across the services all say it in these words, so a change of wording happens once."""
    if not value:
        return missing
    if len(value) > limit:
        return f"Enter a {noun} of {limit:,} characters or fewer"
    return None

"""Typed joiners reach the text box.

Textual's Input and TextArea insert a key only when `Key.is_printable`, which is
`str.isprintable()`: false for every format character, so the zero-width joiner and
non-joiner (U+200C, U+200D) typed on a keyboard were silently dropped. A name in Persian,
Malayalam, Sinhala or a Devanagari conjunct, or an emoji family, was then stored altered
(pasting kept them, typing did not). Variation selectors are already printable.

The check is widened once, for the whole app, so every widget that takes typed text (today's
and any new form) keeps them; Textual is pinned, and tests/ui/test_typed_joiners.py fails if
an upgrade changes the property this relies on.
"""

from __future__ import annotations

from textual import events

from sharetui.domain.text import KEPT_FORMAT

# The property object itself (Key.is_printable, read on the class, is typed as a method).
_TEXTUAL_IS_PRINTABLE: property = vars(events.Key)["is_printable"]


def _is_printable(self: events.Key) -> bool:
    """Textual's rule, plus the joiners a name needs."""
    if self.character is not None and self.character in KEPT_FORMAT:
        return True
    rule = _TEXTUAL_IS_PRINTABLE.fget
    assert rule is not None  # a property Textual defines with a getter
    return bool(rule(self))


def keep_typed_joiners() -> None:
    """Make Textual treat U+200C and U+200D as typed text (idempotent)."""
    # A property put in place of Textual's own: mypy sees a method being replaced.
    events.Key.is_printable = property(_is_printable, doc=_TEXTUAL_IS_PRINTABLE.__doc__)  # type: ignore[assignment]  # a property in place of the method mypy sees

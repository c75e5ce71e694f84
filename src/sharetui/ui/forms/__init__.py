"""The form kit: one field, one error summary, one long-text box, one short-text box, one
choice list and single-flight saving, used by every form and dialog so that what is typed
is what is kept (pastes keep their lines, limits are said, choices change only on their own
keys, a save runs once).

Each name is imported when first asked for: the sign-in screen needs only single-flight
saving, and the text boxes bring in Textual's TextArea, which the first screen can do
without (cold start)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sharetui.ui.forms.choices import Choice, Choices
    from sharetui.ui.forms.field import ErrorSummary, Field, FieldHead, date_question
    from sharetui.ui.forms.saving import SingleFlight
    from sharetui.ui.forms.text import LimitReached, LongText, ShortText

_WHERE = {
    "Choice": "choices",
    "Choices": "choices",
    "ErrorSummary": "field",
    "Field": "field",
    "FieldHead": "field",
    "LimitReached": "text",
    "LongText": "text",
    "ShortText": "text",
    "SingleFlight": "saving",
    "date_question": "field",
}

__all__ = [
    "Choice",
    "Choices",
    "ErrorSummary",
    "Field",
    "FieldHead",
    "LimitReached",
    "LongText",
    "ShortText",
    "SingleFlight",
    "date_question",
]


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value

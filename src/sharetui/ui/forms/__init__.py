"""The form kit: one field, one error summary, one long-text box, one short-text box, one
choice list and single-flight saving, used by every form and dialog so that what is typed
is what is kept (pastes keep their lines, limits are said, choices change only on their own
keys, a save runs once)."""

from sharetui.ui.forms.choices import Choice, Choices
from sharetui.ui.forms.field import ErrorSummary, Field, FieldHead
from sharetui.ui.forms.saving import SingleFlight
from sharetui.ui.forms.text import LimitReached, LongText, ShortText

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
]

"""How a person is named on screen: always literal, never markup, the same everywhere."""

from __future__ import annotations

from rich.text import Text

from sharetui.services.views import PersonSummary
from sharetui.ui.literal import plain


def person_name(person: PersonSummary) -> str:
    """'Family, Given': family first, as desk staff read a list."""
    family, given = plain(person.family_name), plain(person.given_names)
    return f"{family}, {given}" if given else family


def person_line(person: PersonSummary, limit: int = 200) -> Text:
    """One line naming the person with what tells two namesakes apart."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(plain(person_name(person), 60), style="bold")
    text.append(f"  born {person.dob_text}  ref {plain(person.reference, 40)}")
    if person.other_names:
        text.append("  also known as ")
        text.append(plain(person.other_names, 60))
    text.truncate(limit, overflow="ellipsis")
    return text


def chosen(words: Text | str) -> Text:
    """What a picker on a form has chosen, under the picker: "Chosen: " and the choice."""
    return Text.assemble(("Chosen: ", "bold"), words)

"""The details tab: what is held about the person, field by field, as stored."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from sharetui.services.views import PersonDetail
from sharetui.ui.literal import day, labelled_lines, when
from sharetui.ui.screens.person_tabs.base import RecordTab


def details_text(detail: PersonDetail, tz: ZoneInfo) -> Text:
    p = detail.summary
    rows = [
        ("Family name", p.family_name),
        ("Given names", p.given_names),
        ("Other names", p.other_names or "None recorded"),
        (
            "Date of birth",
            (day(p.date_of_birth) + (" (estimated)" if p.dob_estimated else ""))
            if p.date_of_birth
            else "Not known",
        ),
        ("Reference", p.reference),
        ("NHS number", detail.nhs_number or "Not recorded"),
        ("On record since", when(detail.created_at, tz)),
        ("Notes", detail.notes or "None"),
    ]
    return labelled_lines(rows)


class DetailsTab(RecordTab):
    NAME = "details"
    TITLE = "Details (d)"

    def __init__(self) -> None:
        super().__init__()
        self.text = Text()
        self.body = Static(self.text, id="details")

    def parts(self) -> Iterable[Widget]:
        yield VerticalScroll(self.body)

    def show_detail(self, detail: PersonDetail, tz: ZoneInfo) -> None:
        self.text = details_text(detail, tz)
        if self.built:
            self.fill()

    def fill(self) -> None:
        self.body.update(self.text)

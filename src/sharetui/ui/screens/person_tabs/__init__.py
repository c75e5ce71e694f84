"""The tabs of a person's record, one widget each.

Each tab is a `TabPane` that shows what the person screen read (the screen calls its
`show...` method) and says what the person asked for with a Message (open this entry, the
next page, that linked person). None of them reads data: the screen reads the record once
and hands each tab its part.
"""

from sharetui.ui.screens.person_tabs.base import RecordTab
from sharetui.ui.screens.person_tabs.consent import NO_CONSENT, ConsentTab
from sharetui.ui.screens.person_tabs.details import DetailsTab
from sharetui.ui.screens.person_tabs.links import LinksTab
from sharetui.ui.screens.person_tabs.timeline import TIMELINE_PAGE, TimelineTab
from sharetui.ui.screens.person_tabs.viewed import ViewedByTab

__all__ = [
    "NO_CONSENT",
    "TIMELINE_PAGE",
    "ConsentTab",
    "DetailsTab",
    "LinksTab",
    "RecordTab",
    "TimelineTab",
    "ViewedByTab",
]

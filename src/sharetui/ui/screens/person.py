"""A person's record: what we hold about them and what their family has agreed to.

Tabs, each its own widget (person_tabs): current consent per scope (refused and withdrawn as
visible as given), linked people, the timeline (newest first, a page at a time), details, and
for supervisors who viewed the record. The screen reads the record and hands each tab its
part; a tab tells the screen what was asked for by a Message. Opening the screen is recorded
by the service. The terminal title never names the person; the page itself does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Header, Static, TabbedContent

from sharetui.domain.enums import ConsentStatus
from sharetui.domain.errors import NotFound, ShareError
from sharetui.domain.permissions import Permission, allowed
from sharetui.services.consent import describe
from sharetui.services.views import ConsentLine, Page, PersonDetail, TimelineEntry
from sharetui.ui.literal import lit
from sharetui.ui.screens.base import KioskScreen
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.screens.link_person import LinkPersonDialog
from sharetui.ui.screens.lock import LockScreen
from sharetui.ui.screens.person_tabs import (
    NO_CONSENT,
    TIMELINE_PAGE,
    ConsentTab,
    DetailsTab,
    LinksTab,
    RecordTab,
    TimelineTab,
    ViewedByTab,
)
from sharetui.ui.screens.raise_advice import RaiseAdviceDialog
from sharetui.ui.screens.record_consent import (
    ConsentEventDialog,
    RecordConsentDialog,
    WithdrawConsentDialog,
)
from sharetui.ui.widgets.keybar import KeyBar
from sharetui.ui.widgets.paging import OwnsPagedList
from sharetui.ui.widgets.person_text import person_name

if TYPE_CHECKING:
    from sharetui.services.audit import ViewRecord
    from sharetui.ui.app import ShareApp

__all__ = ["NO_CONSENT", "TIMELINE_PAGE", "PersonScreen", "reopen"]


@dataclass(frozen=True)
class _Record:
    """What one read of the record returns (detail is None when it was not re-read)."""

    detail: PersonDetail | None
    timeline: Page[TimelineEntry]
    consent: list[ConsentLine]
    viewed_by: list[ViewRecord] | None


class PersonScreen(OwnsPagedList, KioskScreen):
    """One person: consent, links, timeline, details (and who viewed, for supervisors)."""

    CSS_PATH = "person.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "record_consent", "Record consent"),
        Binding("w", "withdraw_consent", "Withdraw"),
        Binding("l", "link_person", "Link person"),
        Binding("s", "seek_advice", "Seek advice"),
        Binding("n", "new_decision", "New decision"),
        Binding("pagedown", "next_page", "Older"),
        Binding("pageup", "previous_page", "Newer"),
        Binding("c", "show_tab('consent')", "Consent", show=False),
        Binding("p", "show_tab('people')", "Linked people", show=False),
        Binding("t", "show_tab('timeline')", "Timeline", show=False),
        Binding("d", "show_tab('details')", "Details", show=False),
        Binding("v", "show_tab('viewed')", "Viewed by", show=False),
    ]

    FIELD_HELP = {
        "consent-lines": "The current state of each consent scope, oldest event first after "
        "the state. Select a line and press w to withdraw it: withdrawing is as easy as "
        "giving. Press r to record a new consent event. Enter shows the event in full.",
        "links": "Parents, carers, siblings and household members. Enter opens that "
        "person's record; l links another person.",
        "timeline": "Consent events, sharing decisions and advice, newest first. Enter opens "
        "an entry in full; PageDown shows older entries.",
        "viewed-by": "Everyone who read this person's details (the record, a decision, an "
        "advice request...), newest first, with the terminal used.",
    }
    TYPEAHEAD_WAIT_GROUPS = frozenset({"person-load"})  # keys act on the record once shown

    def __init__(
        self,
        person_id: int,
        *,
        resume: tuple[int, dict[str, Any], dict[str, Any]] | None = None,
    ) -> None:
        """resume: (draft id, context, answers) of a consent record, a withdrawal or a link
        kept as a draft, opened again on top once the record is shown."""
        super().__init__()
        self.person_id = person_id
        self.resume = resume
        self.detail: PersonDetail | None = None
        self.consent_lines: list[ConsentLine] = []
        self.timeline: Page[TimelineEntry] = Page((), 0, TIMELINE_PAGE, False)
        self.first_page_shown = asyncio.Event()
        self._loaded = False
        self._covered_by_screen = False
        self._prefetch: asyncio.Future[_Record] | None = None
        self._oversees: bool | None = None
        self.consent_tab = ConsentTab()
        self.links_tab = LinksTab()
        self.timeline_tab = TimelineTab()
        self.details_tab = DetailsTab()
        self.viewed_tab = ViewedByTab()

    # -- layout ---------------------------------------------------------------------------
    @property
    def oversees(self) -> bool:
        """Whether the signed-in user may see who viewed the record. Decided once, when the
        screen is built: key checks still run while a sign-out clears the screens."""
        if self._oversees is None:
            self._oversees = allowed(self.actor.role, Permission.OVERSEE)
        return self._oversees

    @property
    def tabs(self) -> dict[str, RecordTab]:
        """The tabs this user has, by the word their keys use."""
        tabs = [self.consent_tab, self.links_tab, self.timeline_tab, self.details_tab]
        return {tab.NAME: tab for tab in [*tabs, *([self.viewed_tab] if self.oversees else [])]}

    def compose(self) -> ComposeResult:
        self._start_fetch()
        yield Header()
        yield Static("Loading the record…", id="person-heading")
        with TabbedContent(initial=self.consent_tab.id or ""):
            yield from self.tabs.values()
        yield KeyBar()  # the keys that work now, without Footer's rebuild per focus change

    def on_mount(self) -> None:
        self.title = "sharetui"
        self.sub_title = "Person record"
        self.consent_tab.focus_content()
        read = self._prefetch
        if read is not None and read.done() and not read.cancelled() and not read.exception():
            self._shown(read.result())  # read before the screen was shown: painted at once
        else:
            self._load_all()

    def on_screen_suspend(self) -> None:
        """Note whether another record's screen covers this one (not a dialog or the lock)."""
        top = self.app.screen
        self._covered_by_screen = top is not self and not isinstance(top, (ModalScreen, LockScreen))

    def on_screen_resume(self) -> None:
        if self._loaded and self._covered_by_screen:
            # back from a linked person, a decision or advice: show what changed meanwhile
            self._covered_by_screen = False
            self._reload(details=False)

    # -- loading --------------------------------------------------------------------------
    def _fetch(self, *, details: bool, timeline_offset: int) -> Callable[[], _Record]:
        """Everything the screen shows, read in one go in a worker thread: one hand-over
        between threads instead of four, and no half-drawn screen in between. Who and what
        are settled here, on the screen's thread; the returned function only reads."""
        svc, actor, pid, oversees = self.services, self.actor, self.person_id, self.oversees

        def read() -> _Record:
            return _Record(
                detail=svc.people.open(actor, pid) if details else None,
                timeline=svc.people.timeline(actor, pid, timeline_offset, TIMELINE_PAGE),
                consent=svc.consent.current(actor, pid),
                viewed_by=svc.audit.viewed_by(actor, pid) if oversees else None,
            )

        return read

    def _start_fetch(self) -> None:
        """Read the record while the widgets are still being built (mounting takes longer
        than the reading): the loading worker picks the result up."""
        if self._prefetch is None:
            self._prefetch = asyncio.ensure_future(
                asyncio.to_thread(self._fetch(details=True, timeline_offset=0))
            )

    def read_ahead(self) -> asyncio.Future[_Record]:
        """Start reading the record before the screen is shown. The app waits a moment for
        it (app.open_person), so that the first frame painted is the record itself, not
        "Loading the record" then the record: one layout of the screen instead of three."""
        self._start_fetch()
        assert self._prefetch is not None
        return self._prefetch

    @work(exclusive=True, group="person-load", exit_on_error=False)
    async def _load_all(self) -> None:
        self._start_fetch()
        assert self._prefetch is not None
        try:
            record = await self._prefetch
        except ShareError as exc:
            self._cannot_open(exc.message)
            return
        if not self.is_attached:  # closed (or signed out) while reading
            return
        self._shown(record)

    def _shown(self, record: _Record) -> None:
        """The first read of the record on screen, and what waited for it."""
        self._show(record)
        self._loaded = True
        # the timeline's first page is built (hidden) once the record is painted, so that
        # t only has to show it
        self.call_after_refresh(self.timeline_tab.build)
        if self.resume is not None:
            draft_id, context, values = self.resume
            self.resume = None
            self._reopen(draft_id, context, values)

    def _cannot_open(self, message: str) -> None:
        def back(_: None) -> None:
            if self.is_current:
                self.app.pop_screen()

        self.app.push_screen(MessageDialog("This record cannot be opened", message), back)

    def _reload(self, *, details: bool) -> None:
        self._refresh(details, 0 if details else self.timeline.offset)

    @work(exclusive=True, group="person-reload", exit_on_error=False)
    async def _refresh(self, details: bool, timeline_offset: int) -> None:
        try:
            record = await self.call(self._fetch(details=details, timeline_offset=timeline_offset))
        except ShareError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        if self.is_attached:
            self._show(record)

    def _show(self, record: _Record) -> None:
        keys_before = self._key_state()
        tz = self.share_app.settings.tz
        if record.detail is not None:
            self._show_detail(record.detail)
        self.consent_lines = record.consent
        self.consent_tab.show_lines(record.consent, tz)
        if record.viewed_by is not None:
            self.viewed_tab.show_views(record.viewed_by, tz)
        self._show_timeline(record.timeline)
        self._refresh_keys(keys_before)

    def _key_state(self) -> tuple[bool, bool, bool]:
        """What decides which keys the footer offers (redrawing it is slow: only on change)."""
        return (bool(self.consent_lines), self.timeline.has_more, self.timeline.offset > 0)

    def _refresh_keys(self, before: tuple[bool, bool, bool]) -> None:
        if self._key_state() != before:
            self.refresh_bindings()

    def _show_detail(self, detail: PersonDetail) -> None:
        self.detail = detail
        p = detail.summary
        heading = Text()
        heading.append(person_name(p), style="bold")
        heading.append(f"  born {p.dob_text}  ref ")
        heading.append(lit(p.reference))
        self.query_one("#person-heading", Static).update(heading)
        self.details_tab.show_detail(detail, self.share_app.settings.tz)
        self.links_tab.show_links(detail.links)

    def _show_timeline(self, page: Page[TimelineEntry]) -> None:
        self.timeline = page
        self.timeline_tab.show_page(page, self.share_app.settings.tz)
        self.first_page_shown.set()

    # -- keys -----------------------------------------------------------------------------
    @property
    def active_tab(self) -> str:
        active = self.query_one(TabbedContent).active
        return next((name for name, tab in self.tabs.items() if tab.id == active), "consent")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_tab":
            return parameters != ("viewed",) or self.oversees
        if action == "withdraw_consent":
            return self.active_tab == "consent" and bool(self.consent_lines)
        if action == "link_person":
            return self.active_tab == "people"
        if action == "next_page":
            return self.active_tab == "timeline" and self.timeline.has_more
        if action == "previous_page":
            return self.active_tab == "timeline" and self.timeline.offset > 0
        return super().check_action(action, parameters)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.tabs[self.active_tab].build()
        self.refresh_bindings()

    def action_show_tab(self, name: str) -> None:
        tab = self.tabs.get(name)
        if tab is None:
            return
        tab.build()
        self.query_one(TabbedContent).active = tab.id or ""
        tab.focus_content()

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- timeline -------------------------------------------------------------------------
    def action_next_page(self) -> None:
        if self.timeline.has_more:
            self._timeline_page(self.timeline.offset + TIMELINE_PAGE)

    def action_previous_page(self) -> None:
        if self.timeline.offset > 0:
            self._timeline_page(max(self.timeline.offset - TIMELINE_PAGE, 0))

    @work(exclusive=True, group="person-timeline", exit_on_error=False)
    async def _timeline_page(self, offset: int) -> None:
        try:
            page = await self.call(
                self.services.people.timeline, self.actor, self.person_id, offset, TIMELINE_PAGE
            )
        except ShareError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        if not self.is_attached:
            return
        keys_before = self._key_state()
        self._show_timeline(page)
        self._refresh_keys(keys_before)

    @on(TimelineTab.EntryOpened)
    def _open_entry(self, event: TimelineTab.EntryOpened) -> None:
        entry = event.entry
        if entry.kind == "consent":
            self.app.push_screen(ConsentEventDialog(entry.id))
        elif entry.kind == "decision":
            self._navigate(self.share_app.open_decision, entry.id)
        elif entry.kind == "advice":
            self._navigate(self.share_app.open_advice, entry.id)

    def _navigate(self, go: Any, *args: Any, **kwargs: Any) -> None:
        """Open another screen; say so in words if that part of the app is not installed."""
        try:
            go(*args, **kwargs)
        except ImportError:
            self.notify(
                "That screen is not available in this version of sharetui",
                severity="error",
                markup=False,
            )

    # -- links ----------------------------------------------------------------------------
    @on(LinksTab.PersonOpened)
    def _open_link(self, event: LinksTab.PersonOpened) -> None:
        self.share_app.open_person(event.person_id)

    def _reopen(self, draft_id: int, context: dict[str, Any], values: dict[str, Any]) -> None:
        """Carry on with a dialog kept as a draft, by the kind of dialog it was."""
        if "event_id" in context:
            line = next(
                (ln for ln in self.consent_lines if ln.current.id == context["event_id"]), None
            )
            if line is None or line.current.status is not ConsentStatus.GIVEN:
                self.notify(
                    "That consent is no longer given: there is nothing to withdraw",
                    markup=False,
                )
                return
            self._open_withdraw(line, values=values, draft_id=draft_id)
        elif context.get("link"):
            self.action_link_person(values=values, draft_id=draft_id)
        else:
            self._open_consent_dialog(values=values, draft_id=draft_id)

    def action_link_person(
        self, values: dict[str, Any] | None = None, draft_id: int | None = None
    ) -> None:
        if self.detail is None:
            return

        def linked(saved: bool | None) -> None:
            if saved:
                self.notify("Link saved", markup=False)
                self._reload(details=True)

        self.app.push_screen(
            LinkPersonDialog(
                self.person_id,
                person_name(self.detail.summary),
                values=values,
                draft_id=draft_id,
            ),
            linked,
        )

    # -- consent --------------------------------------------------------------------------
    def action_record_consent(self) -> None:
        self._open_consent_dialog()

    def _open_consent_dialog(
        self, values: dict[str, Any] | None = None, draft_id: int | None = None
    ) -> None:
        label = person_name(self.detail.summary) if self.detail else ""
        self.app.push_screen(
            RecordConsentDialog(self.person_id, label, values=values, draft_id=draft_id),
            self._consent_saved,
        )

    def action_withdraw_consent(self) -> None:
        line = self.consent_tab.selected()
        if line is None:
            self.notify("Select a consent line first", markup=False)
            return
        if line.current.status is not ConsentStatus.GIVEN:
            state = line.current.status.label.lower()
            self.notify(
                f"This consent is {state}: only consent that is given can be withdrawn",
                severity="warning",
                markup=False,
            )
            return
        self._open_withdraw(line)

    def _open_withdraw(
        self, line: ConsentLine, values: dict[str, Any] | None = None, draft_id: int | None = None
    ) -> None:
        words = describe(line, self.share_app.settings.tz)
        self.app.push_screen(
            WithdrawConsentDialog(line, words, values=values, draft_id=draft_id),
            self._consent_saved,
        )

    def _consent_saved(self, saved: object) -> None:
        if saved is not None:
            self.notify("Consent recorded", markup=False)
            self._reload(details=False)

    @on(ConsentTab.LineOpened)
    def _open_consent_line(self, event: ConsentTab.LineOpened) -> None:
        self.app.push_screen(ConsentEventDialog(event.line.current.id))

    # -- elsewhere ------------------------------------------------------------------------
    def action_seek_advice(self) -> None:
        def raised(advice: object) -> None:
            if advice is not None:
                self.notify("Advice requested", markup=False)
                self._reload(details=False)

        label = person_name(self.detail.summary) if self.detail else ""
        self.app.push_screen(
            RaiseAdviceDialog(person_id=self.person_id, person_label=label), raised
        )

    def action_new_decision(self) -> None:
        self._navigate(self.share_app.start_decision, person_id=self.person_id)


async def reopen(
    app: ShareApp, draft_id: int, context: dict[str, Any], values: dict[str, Any]
) -> None:
    """A consent record, a withdrawal or a link kept as a draft: the person's record opens
    with the dialog on top, every answer as it was left."""
    person_id = context.get("person_id")
    if not isinstance(person_id, int):
        raise NotFound("That draft is not a consent record this version can open")
    if not app.lock_is_up:  # locked meanwhile: the draft stays under My drafts
        await app.push_screen(PersonScreen(person_id, resume=(draft_id, context, values)))

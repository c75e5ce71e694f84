"""A person's record: what we hold about them and what their family has agreed to.

Tabs: current consent per scope (in words, refused and withdrawn as visible as given), linked
people, the timeline (consent, decisions, advice; newest first, a page at a time), details,
and for supervisors who viewed the record. Opening the screen is recorded by the service.
The terminal title never names the person; the page itself does.
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
from textual.containers import VerticalScroll
from textual.widgets import (
    DataTable,
    Header,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from sharetui.domain.enums import ConsentStatus
from sharetui.domain.errors import ShareError
from sharetui.domain.permissions import Permission, allowed
from sharetui.services.views import (
    ConsentLine,
    LinkView,
    Page,
    PersonDetail,
    TimelineEntry,
)
from sharetui.ui.literal import day, lit, one_line, when
from sharetui.ui.screens.base import KioskScreen
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.widgets.keybar import KeyBar
from sharetui.ui.widgets.person_text import person_name
from sharetui.ui.widgets.table import Table

if TYPE_CHECKING:
    from sharetui.services.audit import ViewRecord

TIMELINE_PAGE = 20

TABS = {
    "consent": "consent-tab",
    "people": "people-tab",
    "timeline": "timeline-tab",
    "details": "details-tab",
    "viewed": "viewed-tab",
}

TABLE_COLUMNS: dict[str, tuple[tuple[str, int], ...]] = {
    "links": (("Relationship", 34), ("Name", 26), ("Born", 17)),
    "timeline": (("When", 17), ("What", 24), ("Detail", 28)),
    "viewed-by": (("When", 17), ("Who", 26), ("What", 18), ("Terminal", 16)),
}

LAZY_TABS = ("people", "timeline", "details", "viewed")

NO_CONSENT = (
    "No consent recorded for this person. Press r to record consent given, refused, "
    "withdrawn, or not sought (with the reason)."
)


@dataclass(frozen=True)
class _Record:
    """What one read of the record returns (detail is None when it was not re-read)."""

    detail: PersonDetail | None
    timeline: Page[TimelineEntry]
    consent: list[ConsentLine]
    viewed_by: list[ViewRecord] | None


class _PagedTable(Table):
    """The timeline: PageDown and PageUp fetch older and newer pages from the database."""

    def action_page_down(self) -> None:
        if isinstance(self.screen, PersonScreen):
            self.screen.action_next_page()

    def action_page_up(self) -> None:
        if isinstance(self.screen, PersonScreen):
            self.screen.action_previous_page()


class PersonScreen(KioskScreen):
    """One person: consent, links, timeline, details (and who viewed, for supervisors)."""

    DEFAULT_CSS = """
    PersonScreen #person-heading {
        height: auto;
        padding: 0 1;
    }
    PersonScreen TabbedContent {
        height: 1fr;
    }
    PersonScreen ContentSwitcher {
        height: 1fr;
    }
    PersonScreen TabPane {
        height: 1fr;
        padding: 0 1;
    }
    PersonScreen #consent-lines, PersonScreen #links, PersonScreen #timeline,
    PersonScreen #viewed-by {
        height: 1fr;
    }
    PersonScreen .pane-hint {
        height: auto;
        color: $text-muted;
    }
    PersonScreen .hidden {
        display: none;
    }
    """

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
        self._viewed_by: list[ViewRecord] | None = None
        self._built: set[str] = set()

    # -- layout ---------------------------------------------------------------------------
    @property
    def oversees(self) -> bool:
        """Whether the signed-in user may see who viewed the record. Decided once, when the
        screen is built: key checks still run while a sign-out clears the screens."""
        if self._oversees is None:
            self._oversees = allowed(self.actor.role, Permission.OVERSEE)
        return self._oversees

    def compose(self) -> ComposeResult:
        self._start_fetch()
        yield Header()
        yield Static("Loading the record…", id="person-heading")
        with TabbedContent(initial=TABS["consent"]):
            with TabPane("Consent (c)", id=TABS["consent"]):
                yield Static(NO_CONSENT, id="no-consent", classes="hidden")
                yield OptionList(id="consent-lines")
                yield Static(
                    "r: record consent   w: withdraw the selected consent   Enter: in full",
                    classes="pane-hint",
                )
            # the hidden tabs are filled when first shown: building them all up front
            # was most of the time taken to open a record
            yield TabPane("People (p)", id=TABS["people"])
            yield TabPane("Timeline (t)", id=TABS["timeline"])
            yield TabPane("Details (d)", id=TABS["details"])
            if self.oversees:
                yield TabPane("Viewed by (v)", id=TABS["viewed"])
        yield KeyBar()  # the keys that work now, without Footer's rebuild per focus change

    def on_mount(self) -> None:
        self.title = "sharetui"
        self.sub_title = "Person record"
        self.query_one("#consent-lines", OptionList).focus()
        self._load_all()

    @staticmethod
    def _add_columns(table: DataTable[Any]) -> None:
        """Columns for one of the screen's tables, sized to fill its tab."""
        # fill the tab (the shared sheet sizes tables to their rows, capped at 12)
        table.styles.height = "1fr"
        table.styles.max_height = "100%"
        for label, width in TABLE_COLUMNS[table.id or ""]:
            table.add_column(label, width=width)

    def _build_tab(self, name: str) -> None:
        """Mount a hidden tab's widgets the first time it is shown, filled with what was read."""
        if name in self._built or name not in LAZY_TABS:
            return
        if name == "viewed" and not self.oversees:
            return
        self._built.add(name)
        pane = self.query_one(f"#{TABS[name]}", TabPane)
        if name == "people":
            links = DataTable[Text](id="links", cursor_type="row", zebra_stripes=True)
            self._add_columns(links)
            pane.mount_all(
                [links, Static("Enter: open that person   l: link a person", classes="pane-hint")]
            )
            if self.detail is not None:
                self._fill_links(self.detail)
        elif name == "timeline":
            timeline = _PagedTable(id="timeline", cursor_type="row", zebra_stripes=True)
            self._add_columns(timeline)
            pane.mount_all([timeline, Static("", id="timeline-status", classes="pane-hint")])
            self._fill_timeline(self.timeline)
        elif name == "details":
            scroll = VerticalScroll()
            pane.mount(scroll)
            scroll.mount(Static("", id="details"))
            if self.detail is not None:
                self._fill_details(self.detail)
        else:
            viewed = DataTable[Text](id="viewed-by", cursor_type="row", zebra_stripes=True)
            self._add_columns(viewed)
            pane.mount(viewed)
            if self._viewed_by is not None:
                self._fill_viewed_by(self._viewed_by)

    def on_screen_suspend(self) -> None:
        """Note whether another record's screen covers this one (not a dialog or the lock)."""
        from textual.screen import ModalScreen

        from sharetui.ui.screens.lock import LockScreen

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
        self._show(record)
        self._loaded = True
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
        if record.detail is not None:
            self._show_detail(record.detail)
        self._show_consent(record.consent)
        if record.viewed_by is not None:
            self._show_viewed_by(record.viewed_by)
        self._show_timeline(record.timeline)
        self._refresh_keys(keys_before)

    def _key_state(self) -> tuple[bool, bool, bool]:
        """What decides which keys the footer offers (redrawing it is slow: only on change)."""
        return (bool(self.consent_lines), self.timeline.has_more, self.timeline.offset > 0)

    def _refresh_keys(self, before: tuple[bool, bool, bool]) -> None:
        if self._key_state() != before:
            self.refresh_bindings()

    def _show_viewed_by(self, views: list[ViewRecord]) -> None:
        self._viewed_by = views
        if "viewed" in self._built:
            self._fill_viewed_by(views)

    def _fill_viewed_by(self, views: list[ViewRecord]) -> None:
        tz = self.share_app.settings.tz
        table = self.query_one("#viewed-by", DataTable)
        table.clear()
        for v in views:
            table.add_row(
                Text(when(v.at, tz)),
                one_line(f"{v.display_name} ({v.username})", 26),
                one_line(v.what, 18),
                one_line(v.terminal, 16),
            )
        if not views:
            table.add_row(Text("Nobody has opened this record yet"), Text(""), Text(""), Text(""))

    # -- showing --------------------------------------------------------------------------
    def _show_detail(self, detail: PersonDetail) -> None:
        self.detail = detail
        p = detail.summary
        heading = Text()
        heading.append(person_name(p), style="bold")
        heading.append(f"  born {p.dob_text}  ref ")
        heading.append(lit(p.reference))
        self.query_one("#person-heading", Static).update(heading)
        if "details" in self._built:
            self._fill_details(detail)
        if "people" in self._built:
            self._fill_links(detail)

    def _fill_details(self, detail: PersonDetail) -> None:
        p = detail.summary
        tz = self.share_app.settings.tz
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
        text = Text()
        for i, (label, value) in enumerate(rows):
            if i:
                text.append("\n")
            text.append(f"{label}: ", style="bold")
            text.append(lit(value))
        self.query_one("#details", Static).update(text)

    def _fill_links(self, detail: PersonDetail) -> None:
        table = self.query_one("#links", DataTable)
        table.clear()
        for i, link in enumerate(detail.links):
            table.add_row(
                Text(link.relationship.label),
                one_line(person_name(link.person), 26),
                Text(link.person.dob_text),
                key=str(i),
            )
        if not detail.links:
            table.add_row(Text("No linked people. Press l to link one."), Text(""), Text(""))

    def _show_consent(self, lines: list[ConsentLine]) -> None:
        from sharetui.services.consent import describe

        self.consent_lines = lines
        tz = self.share_app.settings.tz
        options = self.query_one("#consent-lines", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for i, line in enumerate(lines):
            text = Text()
            text.append(line.current.status.label.upper(), style="bold")
            text.append(": ")
            text.append(lit(describe(line, tz)))
            options.add_option(Option(text, id=f"c{i}"))
        if lines:
            options.highlighted = min(highlighted or 0, len(lines) - 1)
        self.query_one("#no-consent").set_class(bool(lines), "hidden")
        options.set_class(not lines, "hidden")

    def _show_timeline(self, page: Page[TimelineEntry]) -> None:
        self.timeline = page
        if "timeline" in self._built:
            self._fill_timeline(page)
        self.first_page_shown.set()

    def _fill_timeline(self, page: Page[TimelineEntry]) -> None:
        tz = self.share_app.settings.tz
        table = self.query_one("#timeline", DataTable)
        table.clear()
        for i, entry in enumerate(page.items):
            table.add_row(
                Text(when(entry.at, tz)),
                one_line(entry.title, 24),
                one_line(entry.detail, 28),
                key=str(i),
            )
        if page.items:
            first, last = page.offset + 1, page.offset + len(page.items)
            words = f"Entries {first} to {last}, newest first."
            if page.has_more:
                words += " PageDown: older."
            if page.offset:
                words += " PageUp: newer."
            words += " Enter: open in full."
        else:
            words = "Nothing recorded about this person yet."
        self.query_one("#timeline-status", Static).update(Text(words))

    # -- keys -----------------------------------------------------------------------------
    @property
    def active_tab(self) -> str:
        active = self.query_one(TabbedContent).active
        return next((name for name, pane in TABS.items() if pane == active), "consent")

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
        self._build_tab(self.active_tab)
        self.refresh_bindings()

    def action_show_tab(self, name: str) -> None:
        if name not in TABS or (name == "viewed" and not self.oversees):
            return
        self.query_one(TabbedContent).active = TABS[name]
        self._build_tab(name)
        focus = {
            "consent": "#consent-lines",
            "people": "#links",
            "timeline": "#timeline",
            "viewed": "#viewed-by",
        }.get(name)
        if focus:
            self.query_one(focus).focus()

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
        for table in self.query("#timeline").results(DataTable):
            table.move_cursor(row=0)

    @on(DataTable.RowSelected, "#timeline")
    def _open_entry(self, event: DataTable.RowSelected) -> None:
        index = int(str(event.row_key.value))
        if not 0 <= index < len(self.timeline.items):
            return
        entry = self.timeline.items[index]
        if entry.kind == "consent":
            from sharetui.ui.screens.record_consent import ConsentEventDialog

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
    @on(DataTable.RowSelected, "#links")
    def _open_link(self, event: DataTable.RowSelected) -> None:
        if self.detail is None or event.row_key.value is None:
            return
        index = int(str(event.row_key.value))
        links: tuple[LinkView, ...] = self.detail.links
        if 0 <= index < len(links):
            self.share_app.open_person(links[index].person.id)

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
        from sharetui.ui.screens.link_person import LinkPersonDialog

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
    def _selected_line(self) -> ConsentLine | None:
        index = self.query_one("#consent-lines", OptionList).highlighted
        if index is None or not 0 <= index < len(self.consent_lines):
            return None
        return self.consent_lines[index]

    def action_record_consent(self) -> None:
        self._open_consent_dialog()

    def _open_consent_dialog(
        self, values: dict[str, Any] | None = None, draft_id: int | None = None
    ) -> None:
        from sharetui.ui.screens.record_consent import RecordConsentDialog

        label = person_name(self.detail.summary) if self.detail else ""
        self.app.push_screen(
            RecordConsentDialog(self.person_id, label, values=values, draft_id=draft_id),
            self._consent_saved,
        )

    def action_withdraw_consent(self) -> None:
        line = self._selected_line()
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
        from sharetui.services.consent import describe
        from sharetui.ui.screens.record_consent import WithdrawConsentDialog

        words = describe(line, self.share_app.settings.tz)
        self.app.push_screen(
            WithdrawConsentDialog(line, words, values=values, draft_id=draft_id),
            self._consent_saved,
        )

    def _consent_saved(self, saved: object) -> None:
        if saved is not None:
            self.notify("Consent recorded", markup=False)
            self._reload(details=False)

    @on(OptionList.OptionSelected, "#consent-lines")
    def _open_consent_line(self, event: OptionList.OptionSelected) -> None:
        from sharetui.ui.screens.record_consent import ConsentEventDialog

        if 0 <= event.option_index < len(self.consent_lines):
            line = self.consent_lines[event.option_index]
            self.app.push_screen(ConsentEventDialog(line.current.id))

    # -- elsewhere ------------------------------------------------------------------------
    def action_seek_advice(self) -> None:
        from sharetui.ui.screens.raise_advice import RaiseAdviceDialog

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

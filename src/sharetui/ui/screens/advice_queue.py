"""The seek-advice queue for supervisors: open items for their own advice roles, urgent first
then oldest, a page at a time, refreshed on a timer so a new urgent item shows without a key."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from sharetui.domain.advice_rules import age_in_words
from sharetui.domain.enums import AdviceRole, AdviceStatus, Urgency
from sharetui.domain.errors import Conflict, ShareError
from sharetui.services.views import AdviceView, Page
from sharetui.ui.forms import SingleFlight
from sharetui.ui.literal import lit, one_line
from sharetui.ui.screens.base import KioskScreen, SerialLoadMixin
from sharetui.ui.screens.dialogs import MessageDialog
from sharetui.ui.widgets.keybar import KeyBar
from sharetui.ui.widgets.table import Table

OPEN = (AdviceStatus.PENDING, AdviceStatus.CLAIMED)
URGENCY_WORD = {Urgency.URGENT: "URGENT", Urgency.TODAY: "Today", Urgency.ROUTINE: "Routine"}


def due_words(view: AdviceView, now: datetime, tz: ZoneInfo) -> Text:
    """'OVERDUE by 2 h 5 min' (marked), 'in 40 min (14:05)', 'today 17:00', 'Thu 17 Jul 17:00'."""
    if view.status in OPEN and now > view.due_at:
        return Text(f"OVERDUE by {age_in_words(now - view.due_at)}", style="bold reverse")
    local = view.due_at.astimezone(tz)
    today = now.astimezone(tz).date()
    if view.due_at - now <= timedelta(hours=2):
        return Text(f"in {age_in_words(view.due_at - now)} ({local:%H:%M})")
    if local.date() == today:
        return Text(f"today {local:%H:%M}")
    if local.date() == today + timedelta(days=1):
        return Text(f"tomorrow {local:%H:%M}")
    return Text(f"{local:%a %d %b %H:%M}")


def status_words(view: AdviceView, me: int | None) -> Text:
    """Fits the 12 columns of the status at 80 columns: who claimed it is said in full on
    the detail line under the list (a name cut to "Claimed by …" told nobody who)."""
    if view.status is AdviceStatus.CLAIMED:
        return Text("Claimed: you" if view.claimed_by_id == me else "Claimed")
    return Text(view.status.label)


def claim_words(view: AdviceView, me: int | None, tz: ZoneInfo) -> str:
    """The detail line's account of a claim: by whom and when."""
    if view.status is not AdviceStatus.CLAIMED:
        return ""
    who = "you" if view.claimed_by_id == me else view.claimed_by
    at = f" at {view.claimed_at.astimezone(tz):%d %b %H:%M}" if view.claimed_at else ""
    return f"Claimed by {who}{at} · "


class AdviceQueueScreen(SerialLoadMixin, KioskScreen):
    """Enter opens an item; c claims it here; r and u filter; PageDown / PageUp page."""

    REFRESH_SECONDS: ClassVar[float] = 5.0
    PAGE_SIZE: ClassVar[int] = 20

    CSS_PATH = "advice_queue.tcss"

    BINDINGS = [
        Binding("enter", "open_item", "Open", show=True),
        Binding("c", "claim", "Claim"),
        Binding("r", "role_filter", "Role filter"),
        Binding("u", "urgency_filter", "Urgency filter"),
        Binding("pagedown", "next_page", "Next page", priority=True),
        Binding("pageup", "previous_page", "Previous page", priority=True),
        Binding("g", "reload", "Refresh"),
        Binding("escape", "back", "Back"),
    ]

    FIELD_HELP = {
        "queue-table": "Requests for advice for your roles, urgent first then the oldest. "
        "Overdue items say so in words. Claim one (c) so nobody else works on it; release it "
        "if you cannot answer. Status says Claimed (Claimed: you when it is yours); the lines "
        "under the list say who claimed the one under the cursor, and when. Rule 3: when in doubt, seek advice; the outcome is always "
        "recorded.",
    }

    def __init__(self) -> None:
        super().__init__()
        self.page_offset = 0
        self.role: str | None = None
        self.urgency: str | None = None
        self.page: Page[AdviceView] | None = None
        self._by_key: dict[str, AdviceView] = {}
        self._seen_urgent: set[int] | None = None
        self._loader: Worker[None] | None = None
        self._again = False
        self.claiming = SingleFlight(self, group="queue-claim")  # one claim per c, however fast

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="queue-filters")
        yield Static("Loading the queue…", id="queue-summary")
        yield Static("", id="queue-notice", classes="error-message")
        yield Table(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="queue-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "sharetui"
        self.sub_title = "Advice queue"
        table = self.query_one("#queue-table", DataTable)
        table.add_column("Urgency", width=7)
        table.add_column("Waiting", width=10)
        table.add_column("Due", width=21)
        table.add_column("Status", width=12)
        table.add_column("Question")
        table.focus()
        self._show_filters()
        self.set_interval(self.REFRESH_SECONDS, self._tick)

    def on_screen_resume(self) -> None:
        self.action_reload()

    def _tick(self) -> None:
        """Refresh only while this screen is the one on view (not behind a lock or a dialog),
        and never on top of a load still running (a slow database must not pile them up)."""
        if self.is_current and not (self._loader and not self._loader.is_finished):
            self.action_reload()

    # -- loading --------------------------------------------------------------------------
    async def _fetch_and_show(self) -> None:
        svc, actor = self.services, self.actor
        try:
            page = await self.call(
                svc.advice.queue,
                actor,
                roles=[self.role] if self.role else None,
                urgencies=[self.urgency] if self.urgency else None,
                offset=self.page_offset,
                limit=self.PAGE_SIZE,
            )
            counts = await self.call(svc.advice.counts, actor)
        except ShareError as exc:
            if self.is_attached:
                self.query_one("#queue-summary", Static).update(
                    lit(f"The queue could not be loaded: {exc.message}")
                )
            return
        if not page.items and self.page_offset > 0:
            # The page emptied (items claimed or closed elsewhere): go back to the first page.
            self.page_offset = 0
            self._again = True
            return
        if self.is_attached:
            self._show(page, counts)

    def _show(self, page: Page[AdviceView], counts: dict[str, object]) -> None:
        self.page = page
        tz = self.share_app.settings.tz
        now = self.share_app.clock.now()
        table = self.query_one("#queue-table", DataTable)
        keep = self.highlighted
        table.clear()
        self._by_key = {}
        for view in page.items:
            key = str(view.id)
            self._by_key[key] = view
            urgency = Text(URGENCY_WORD[view.urgency])
            if view.urgency is Urgency.URGENT:
                urgency.stylize("bold")
            table.add_row(
                urgency,
                Text(age_in_words(now - view.raised_at)),
                due_words(view, now, tz),
                status_words(view, self.actor.user_id),
                one_line(view.question, 120),
                key=key,
            )
        if keep is not None and str(keep.id) in self._by_key:
            table.move_cursor(row=table.get_row_index(str(keep.id)), animate=False)
        self._show_summary(page, counts)
        self._announce_new_urgent(page)
        self._show_detail()
        self.refresh_bindings()

    def _show_summary(self, page: Page[AdviceView], counts: dict[str, Any]) -> None:
        by: dict[str, int] = counts["by_urgency"]
        text = Text(
            f"Open for your roles: {counts['total']} (urgent {by['urgent']}, today "
            f"{by['today']}, routine {by['routine']})"
        )
        if counts["overdue"]:
            text.append("  ")
            text.append(f"{counts['overdue']} OVERDUE", style="bold reverse")
        else:
            text.append("  Nothing overdue")
        shown = len(page.items)
        where = (
            f"\nShowing {page.offset + 1} to {page.offset + shown}"
            if shown
            else "\nNo open requests for your roles with these filters"
        )
        if page.has_more:
            where += " · PageDown for more"
        if page.offset:
            where += " · PageUp for earlier"
        text.append(where)
        self.query_one("#queue-summary", Static).update(text)

    def _announce_new_urgent(self, page: Page[AdviceView]) -> None:
        urgent = {v.id for v in page.items if v.urgency is Urgency.URGENT}
        if self._seen_urgent is not None and urgent - self._seen_urgent:
            self.notify(
                "A new urgent request has arrived in the queue.",
                title="Urgent advice needed",
                severity="warning",
                markup=False,
            )
        self._seen_urgent = (self._seen_urgent or set()) | urgent

    def _show_filters(self) -> None:
        role = AdviceRole(self.role).label if self.role else "all your roles"
        urgency = Urgency(self.urgency).label if self.urgency else "all urgencies"
        self.query_one("#queue-filters", Static).update(
            lit(f"Role: {role} (r)   Urgency: {urgency} (u)   Enter opens a request")
        )

    # -- the highlighted item -------------------------------------------------------------
    @property
    def highlighted(self) -> AdviceView | None:
        table = self.query_one("#queue-table", DataTable)
        if not self._by_key or table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - no row under the cursor
            return None
        return self._by_key.get(str(key.value))

    @on(DataTable.RowHighlighted, "#queue-table")
    def _highlighted(self) -> None:
        self._show_detail()
        self.refresh_bindings()

    def _show_detail(self) -> None:
        view = self.highlighted
        detail = self.query_one("#queue-detail", Static)
        if view is None:
            detail.update("")
            return
        tz = self.share_app.settings.tz
        text = lit(
            claim_words(view, self.actor.user_id, tz) + f"{view.advice_role.label} · "
            f"asked by {view.raised_by} at "
            f"{view.raised_at.astimezone(tz):%d %b %H:%M} · about {view.person_label}\n",
            limit=240,
        )
        text.append_text(lit(" ".join(view.question.split()), limit=220))
        detail.update(text)

    @on(DataTable.RowSelected, "#queue-table")
    def _selected(self) -> None:
        self.action_open_item()

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "claim":
            view = self.highlighted if self.is_mounted else None
            return view is not None and view.status is AdviceStatus.PENDING
        if action == "next_page":
            return bool(self.page and self.page.has_more)
        if action == "previous_page":
            return self.page_offset > 0
        if action == "role_filter":
            return len(self.share_app.actor.advice_roles) > 1 if self.share_app.actor else False
        return super().check_action(action, parameters)

    def action_open_item(self) -> None:
        view = self.highlighted
        if view is not None:
            self.share_app.open_advice(view.id)

    def action_claim(self) -> None:
        view = self.highlighted
        if view is not None:
            self.claiming.run(lambda: self._claim(view.id))

    async def _claim(self, advice_id: int) -> None:
        try:
            await self.call(self.services.advice.claim, self.actor, advice_id)
        except Conflict as exc:
            self.query_one("#queue-notice", Static).update(lit(exc.message))
            self.app.push_screen(MessageDialog("Someone else has this request", exc.message))
            self.action_reload()
            return
        except ShareError as exc:
            self.query_one("#queue-notice", Static).update(lit(exc.message))
            self.action_reload()
            return
        self.query_one("#queue-notice", Static).update("")
        self.share_app.open_advice(advice_id)

    def action_role_filter(self) -> None:
        options: list[str | None] = [None, *self.actor.advice_roles]
        self.role = options[(options.index(self.role) + 1) % len(options)]
        self._filters_changed()

    def action_urgency_filter(self) -> None:
        options: list[str | None] = [None, *(u.value for u in Urgency)]
        self.urgency = options[(options.index(self.urgency) + 1) % len(options)]
        self._filters_changed()

    def _filters_changed(self) -> None:
        self.page_offset = 0
        self._show_filters()
        self.action_reload()

    def action_next_page(self) -> None:
        if self.page and self.page.has_more:
            self.page_offset += self.PAGE_SIZE
            self.query_one("#queue-table", DataTable).move_cursor(row=0, animate=False)
            self.action_reload()

    def action_previous_page(self) -> None:
        if self.page_offset > 0:
            self.page_offset = max(self.page_offset - self.PAGE_SIZE, 0)
            self.query_one("#queue-table", DataTable).move_cursor(row=0, animate=False)
            self.action_reload()

    def action_back(self) -> None:
        self.app.pop_screen()

"""Home: my drafts, my advice requests and the advice given on them, recent decisions; for
supervisors the advice queue by urgency with overdue items said in words; for admins, accounts
and the import of a site's people (i); for the information governance lead and admins, subject
access requests due and overdue (s) and the retention review queue (t)."""

from __future__ import annotations

import contextlib
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from sharetui.domain.enums import ADVICE_ROLE_LEGEND, AdviceStatus
from sharetui.domain.errors import NotFound, ShareError
from sharetui.domain.governance import may_govern
from sharetui.domain.permissions import Permission, allowed
from sharetui.ui.forms import SingleFlight
from sharetui.ui.literal import lit, one_line, when
from sharetui.ui.screens.base import LoadingScreen
from sharetui.ui.screens.home_admin import verify_audit
from sharetui.ui.screens.home_after_share import (
    AFTER_SHARE_COLUMNS,
    after_share_rows,
    after_share_sections,
    fetch_after_share,
)
from sharetui.ui.screens.home_governance import (
    SAR_COLUMNS,
    SAR_EMPTY,
    fetch_governance,
    governance_rows,
    governance_sections,
    show_retention,
)
from sharetui.ui.screens.keeping import open_agreement, open_keeping
from sharetui.ui.widgets.keybar import KeyBar
from sharetui.ui.widgets.table import Table

# What each home key needs (domain/permissions.py holds the one matrix of roles).
KEY_NEEDS = {
    "new_decision": Permission.WORK_WITH_PEOPLE,
    "find_person": Permission.WORK_WITH_PEOPLE,
    "advice_queue": Permission.ADVISE,
    "reports": Permission.OVERSEE,
    "users": Permission.ADMINISTER,
    "verify_audit": Permission.ADMINISTER,
    "import_people": Permission.ADMINISTER,
    "keeping": Permission.OVERSEE,
}


class HomeScreen(LoadingScreen):
    """One home per role; every screen is a key away (see the footer)."""

    BINDINGS = [
        Binding("n", "new_decision", "New decision"),
        Binding("f", "find_person", "Find person"),
        Binding("a", "advice_queue", "Advice queue"),
        Binding("r", "reports", "Reports"),
        Binding("u", "users", "Accounts"),
        Binding("v", "verify_audit", "Verify audit"),
        Binding("i", "import_people", "Import people"),
        Binding("k", "keeping", "Register, agreements"),
        Binding("s", "subject_access", "Subject access"),
        Binding("t", "retention", "Retention"),
        Binding("g", "refresh", "Refresh"),
        Binding("x", "discard_draft", "Discard draft"),
        Binding("m", "my_account", "My account"),
    ]
    QUEUE_REFRESH_SECONDS = 5.0  # new urgent advice must show within 10 s without a key
    TYPEAHEAD_WAIT_GROUPS = frozenset({"home-load"})

    def __init__(self) -> None:
        super().__init__()
        self._first_focus_done = False
        self._rows: dict[str, dict[str, tuple[str, int]]] = {}
        self._urgent_seen: int | None = None
        self._counts_loader: Worker[None] | None = None
        self.verifying = SingleFlight(self, group="verify")

    def compose(self) -> ComposeResult:
        yield Header()
        role = self.actor.role
        with VerticalScroll(id="home-body"):
            yield Static(
                lit(f"Signed in as {self.actor.display_name} ({role.label.lower()})"), id="whoami"
            )
            yield Static("", id="welcome", classes="hint", markup=False)
            if allowed(role, Permission.ADVISE):
                yield Static("Advice queue", classes="section-title")
                yield Static("Loading…", id="queue-counts")
            if may_govern(self.actor.role, self.actor.advice_roles):
                yield from governance_sections()
            if allowed(role, Permission.ADMINISTER):
                # An administrator's own drafts (the governance forms), shown when there are any.
                yield Static("My drafts", classes="section-title admin-drafts")
                yield Table(
                    id="drafts-table", cursor_type="row", zebra_stripes=True, classes="admin-drafts"
                )
                yield Static("", id="at-rest", markup=False)  # encrypted on disk, or why not
                yield Static("Accounts (u: add and change accounts)", classes="section-title")
                yield Table(id="users-table", cursor_type="row", zebra_stripes=True)
                yield Static(ADVICE_ROLE_LEGEND, classes="hint", markup=False)
                yield Static("", id="audit-status")
            else:
                yield Static("My drafts", classes="section-title")
                yield Table(id="drafts-table", cursor_type="row", zebra_stripes=True)
                # Urgent shares waiting for their rule 5 answers: shown only when there are any.
                yield Static(
                    "To complete: urgent shares (say what could happen if shared and if not)",
                    classes="section-title to-complete",
                )
                yield Table(
                    id="complete-table",
                    cursor_type="row",
                    zebra_stripes=True,
                    classes="to-complete",
                )
                yield Static("My advice requests", classes="section-title")
                yield Table(id="advice-table", cursor_type="row", zebra_stripes=True)
                yield Static("My recent decisions", classes="section-title")
                yield Table(id="decisions-table", cursor_type="row", zebra_stripes=True)
                yield from after_share_sections(role)
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in KEY_NEEDS:
            actor = self.share_app.actor
            return actor is not None and allowed(actor.role, KEY_NEEDS[action])
        if action in ("subject_access", "retention"):
            actor = self.share_app.actor
            return actor is not None and may_govern(actor.role, actor.advice_roles)
        if action == "discard_draft":
            return self._chosen_draft() is not None
        return super().check_action(action, parameters)

    def on_mount(self) -> None:
        self.title = "sharetui"
        self.sub_title = "Home"
        for table_id, columns in (
            ("#drafts-table", ("Draft", "Page", "Status", "Saved")),
            ("#advice-table", ("Question", "Asked of", "Status", "Advice")),
            ("#decisions-table", ("Decided", "Person", "Decision", "Recipient")),
            ("#complete-table", ("Decided", "Person", "Decision", "Recipient")),
            ("#users-table", ("Username", "Name", "Role", "State", "Advice roles")),
            *AFTER_SHARE_COLUMNS,
            SAR_COLUMNS,
        ):
            for table in self.query(table_id).results(DataTable):
                table.add_columns(*columns)
        self.query_one("#welcome", Static).display = False
        for widget in self.query(".to-complete, .admin-drafts"):
            widget.display = False  # until there is something to complete
        # No load here: ScreenResume follows the first mount too, and loads once.
        if allowed(self.actor.role, Permission.ADVISE):
            self.set_interval(self.QUEUE_REFRESH_SECONDS, self._tick_counts)

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def show_welcome(self, words: str) -> None:
        """Said once, on this screen only (a toast covered the fields of the next screens)."""
        welcome = self.query_one("#welcome", Static)
        welcome.update(words)
        welcome.display = True

    def on_screen_suspend(self) -> None:
        self.query_one("#welcome", Static).display = False  # the welcome is said once

    def _focus_first_list(self) -> None:
        """After sign-in, the first list with something in it has the focus, so Enter opens
        its first row; later refreshes leave the focus where the person put it."""
        if self._first_focus_done:
            return
        self._first_focus_done = True
        for table_id in (
            "#drafts-table",
            "#complete-table",
            "#advice-table",
            "#decisions-table",
            "#users-table",
        ):
            if self._rows.get(table_id):
                table = self.query_one(table_id, DataTable)
                table.move_cursor(row=0)
                table.focus()
                return

    def _tick_counts(self) -> None:
        """Supervisors see new advice requests without pressing a key (only while on view)."""
        running = self._counts_loader is not None and not self._counts_loader.is_finished
        if self.is_current and not running:
            self._counts_loader = self._load_counts()

    @work(exclusive=True, group="home-counts", exit_on_error=False)
    async def _load_counts(self) -> None:
        try:
            counts = await self.call(self.services.advice.counts, self.actor)
        except ShareError:
            return  # the next tick tries again; a full refresh (g) reports the problem
        if self.is_attached:
            self._show_counts(counts)

    def _show_counts(self, c: dict[str, Any]) -> None:
        by = c["by_urgency"]
        if self._urgent_seen is not None and by["urgent"] > self._urgent_seen:
            self.notify(
                "A new urgent advice request is waiting in the queue (a).",
                title="Urgent advice needed",
                severity="warning",
                markup=False,
            )
        self._urgent_seen = by["urgent"]
        text = Text()
        text.append(
            f"Urgent: {by['urgent']}   Today: {by['today']}   "
            f"Routine: {by['routine']}   Total open: {c['total']}"
        )
        if c["overdue"]:
            text.append(
                f"\nOVERDUE: {c['overdue']} item(s) past their due time", style="bold reverse"
            )
        else:
            text.append("\nNothing overdue")
        self.query_one("#queue-counts", Static).update(text)

    def action_refresh(self) -> None:
        self._load()

    @work(exclusive=True, group="home-load", exit_on_error=False)
    async def _load(self) -> None:
        await self.load_and_show(self._fetch(), self._show)

    async def _fetch(self) -> dict[str, Any]:
        svc, actor = self.services, self.actor
        role = actor.role
        data: dict[str, Any] = {}
        data["drafts"] = await self.call(svc.drafts.mine, actor)  # an administrator's too
        if allowed(role, Permission.ADMINISTER):
            data["users"] = await self.call(svc.users.list, actor)
            data["at_rest"] = await self.call(svc.at_rest)
        if allowed(role, Permission.WORK_WITH_PEOPLE):
            data["advice"] = await self.call(svc.advice.mine, actor)
            data["decisions"] = await self.call(svc.decisions.mine, actor)
            data["to_complete"] = await self.call(svc.decisions.to_complete, actor)
        if allowed(role, Permission.ADVISE):
            data["counts"] = await self.call(svc.advice.counts, actor)
        if allowed(role, Permission.WORK_WITH_PEOPLE):
            data.update(await fetch_after_share(self, role))
        if may_govern(actor.role, actor.advice_roles):
            data.update(await fetch_governance(self))
        return data

    def _show(self, data: dict[str, Any]) -> None:
        tz = self.share_app.settings.tz
        self._rows = {}
        if "counts" in data:
            self._show_counts(data["counts"])
        if "at_rest" in data:
            stored = data["at_rest"]
            self.query_one("#at-rest", Static).update(
                Text(f"Database: {stored.words}", style="" if stored.encrypted else "bold")
            )
        if "drafts" in data:
            rows: list[tuple[Any, ...]] = [
                (
                    lit(d.title or d.kind, limit=50),
                    lit(d.page),  # stored text, like the title: never markup
                    lit(d.status.replace("_", " ")),
                    when(d.updated_at, tz),
                    ("draft:" + d.kind, d.id),
                )
                for d in data["drafts"]
            ]
            self._fill("#drafts-table", rows, "No drafts: nothing unfinished")
            for widget in self.query(".admin-drafts"):
                widget.display = bool(rows)
        if "advice" in data:
            now = self.share_app.clock.now()
            rows = []
            for a in data["advice"]:
                status = a.status.label
                if a.overdue(now):
                    status += " (overdue)"
                if a.status is AdviceStatus.ADVISED:
                    status = "Advice given: record the outcome"
                rows.append(
                    (
                        one_line(a.question, 50),
                        a.advice_role.label,
                        status,
                        one_line(a.advice_text or "-", 40),
                        ("advice", a.id),
                    )
                )
            self._fill("#advice-table", rows, "No open advice requests")
        if "to_complete" in data:
            rows = [
                (
                    when(d.decided_at, tz),
                    one_line(d.subject.full_name, 30),
                    d.outcome.label + " (urgent): to complete",
                    one_line(d.recipient_org or "-", 30),
                    ("decision", d.id),
                )
                for d in data["to_complete"]
            ]
            self._fill("#complete-table", rows, "")
            for widget in self.query(".to-complete"):
                widget.display = bool(rows)
        if "decisions" in data:
            rows = [
                (
                    when(d.decided_at, tz),
                    one_line(d.subject.full_name, 30),
                    d.outcome.label
                    + (" (urgent)" if d.urgent else "")
                    + (": to complete" if d.to_complete else ""),
                    one_line(d.recipient_org or "-", 30),
                    ("decision", d.id),
                )
                for d in data["decisions"]
            ]
            self._fill("#decisions-table", rows, "No decisions yet")
        for table_id, rows, empty in after_share_rows(data, tz):
            self._fill(table_id, rows, empty)
        if "sar" in data:
            rows = governance_rows(data["sar"], self.share_app.clock.today())
            self._fill("#sar-table", rows, SAR_EMPTY)
            show_retention(self, data["retention"])
        if "users" in data:
            rows = [
                (
                    lit(u.username),
                    one_line(u.display_name, 20),
                    u.role.label,
                    lit(u.state_words),  # before the advice roles: cut last at 80 columns
                    one_line(", ".join(r.short for r in u.advice_roles) or "-", 30),
                    ("user", u.id),
                )
                for u in data["users"]
            ]
            self._fill("#users-table", rows, "No accounts")
        self._focus_first_list()

    def _fill(self, table_id: str, rows: list[tuple[Any, ...]], empty: str) -> None:
        table = self.query_one(table_id, DataTable)
        table.clear()
        keys: dict[str, tuple[str, int]] = {}
        if not rows:
            table.add_row(*([lit(empty)] + [""] * (len(table.columns) - 1)))
        for i, row in enumerate(rows):
            key = f"r{i}"
            keys[key] = row[-1]
            table.add_row(*row[:-1], key=key)
        self._rows[table_id] = keys

    @on(DataTable.RowSelected)
    def _open_row(self, event: DataTable.RowSelected) -> None:
        table_id = f"#{event.data_table.id}"
        target = self._rows.get(table_id, {}).get(str(event.row_key.value))
        if target is None:
            return
        kind, ident = target
        app = self.share_app
        if kind.startswith("draft:"):
            from sharetui.ui.screens.resume import resume_draft

            resume_draft(app, ident, kind.removeprefix("draft:"))
        elif kind == "advice":
            app.open_advice(ident)
        elif kind == "agreement":
            open_agreement(app, ident)
        elif kind == "decision":
            app.open_decision(ident)
        elif kind == "user":
            app.open_accounts()
        elif kind == "sar":
            app.open_subject_access(ident)

    def _chosen_draft(self) -> int | None:
        """The draft under the cursor of My drafts, when that list has the focus."""
        tables = self.query("#drafts-table").results(DataTable)
        table = next(iter(tables), None)
        if table is None or not table.has_focus or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        target = self._rows.get("#drafts-table", {}).get(str(key))
        return target[1] if target is not None else None

    def action_discard_draft(self) -> None:
        """x on My drafts: discard that draft, after a confirmation."""
        from sharetui.ui.screens.dialogs import ConfirmDialog

        draft_id = self._chosen_draft()
        if draft_id is None:
            return

        ConfirmDialog(
            "Discard this draft? What was typed in it cannot be brought back.",
            yes="Discard",
            no="Keep it",
        ).ask(self.app, lambda: self._discard(draft_id))

    @work(group="home-discard", exit_on_error=False)
    async def _discard(self, draft_id: int) -> None:
        with contextlib.suppress(NotFound):  # gone already: nothing to discard
            await self.call(self.services.drafts.discard, self.actor, draft_id)
        self.notify("Draft discarded.", markup=False)
        self.action_refresh()

    # -- navigation -----------------------------------------------------------------------
    def action_new_decision(self) -> None:
        self.share_app.start_decision()

    def action_find_person(self) -> None:
        self.share_app.open_search()

    def action_advice_queue(self) -> None:
        self.share_app.open_queue()

    def action_reports(self) -> None:
        self.share_app.open_reports()

    def action_users(self) -> None:
        self.share_app.open_accounts()

    def action_my_account(self) -> None:
        self.share_app.open_my_account()

    def action_subject_access(self) -> None:
        self.share_app.open_subject_access()

    def action_retention(self) -> None:
        self.share_app.open_retention()

    def action_verify_audit(self) -> None:
        # Verifying writes its own audit event: once per press, however fast (single-flight).
        self.verifying.run(lambda: verify_audit(self))

    def action_keeping(self) -> None:
        open_keeping(self.app)

    def action_import_people(self) -> None:
        from sharetui.ui.screens.import_people import ImportPeopleDialog

        self.app.push_screen(ImportPeopleDialog())

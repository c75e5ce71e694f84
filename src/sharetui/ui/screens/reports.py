"""Reports in the app for supervisors and administrators: decisions per week and advice
turnaround against its target as charts, with the same numbers in tables; after the share,
organisations as the register names them, agreements, receipts confirmed on time and child
protection file transfers within 5 school days (the report service is shared with
`sharetui report`, so screen and command line never disagree)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static
from textual_plotext import PlotextPlot

from sharetui.domain.advice_rules import duration_words
from sharetui.domain.enums import Urgency
from sharetui.domain.errors import ShareError
from sharetui.services.governors import GovernorsReport
from sharetui.services.reports import Report, TurnaroundRow, week_start
from sharetui.ui.literal import lit, one_line
from sharetui.ui.screens.base import KioskScreen
from sharetui.ui.widgets.keybar import KeyBar
from sharetui.ui.widgets.table import Table, refill

# Bars told apart by their fill as well as their colour.
MARKERS = ["█", "▒", "░"]
URGENCY_WORD = {Urgency.URGENT: "Urgent", Urgency.TODAY: "Today", Urgency.ROUTINE: "Routine"}


def _percent(row: TurnaroundRow) -> float:
    """Median time to advice over the time allowed, in percent (0 when nothing to measure)."""
    if row.median_minutes is None or not row.target_minutes:
        return 0.0
    return round(100 * row.median_minutes / row.target_minutes, 1)


BAR_WIDTH = 30


def governors_bars(report: GovernorsReport) -> Text:
    """The governors' report as bars of plain text, one per count, scaled within a section.
    A suppressed count has a fixed mark instead of a bar, so that its length cannot tell a
    1 from a 4."""
    out = Text()
    section = ""
    for m in report.measures:
        if m.section != section:
            section = m.section
            out.append(f"\n{section}\n", style="bold")
            scale = max(
                (x.count for x in report.section(section) if x.bar and x.shown[0].isdigit()),
                default=0,
            )
        label = f"  {m.label[:38]:<38} "
        if not m.bar:
            out.append(f"{label}{m.shown}\n", style="bold")
        elif m.shown[0].isdigit():
            length = max(1, round(BAR_WIDTH * m.count / scale)) if scale else 0
            out.append(f"{label}{'█' * length} {m.shown}\n")
        else:
            out.append(f"{label}░ {m.shown}\n")
    if not report.transfers_recorded:
        out.append("\nChild protection file transfers: not recorded in sharetui at this site.\n")
    return out


def _table(table_id: str) -> Table:
    """A table of counts: nothing to choose in it, so no cursor."""
    return Table(id=table_id, cursor_type="none", zebra_stripes=True)


def _section(title: str, table_id: str) -> ComposeResult:
    """A titled table of counts, the shape of most of the report."""
    yield Static(title, classes="section-title")
    yield _table(table_id)


def _stands_out(count: int) -> Text | str:
    """A count of what is late (open overdue advice, receipts due and unconfirmed) in
    reverse when there is any, so that it catches the eye; a zero stays plain."""
    return Text(str(count), style="bold reverse") if count else str(count)


def _count_ticks(plot: PlotextPlot, values: list[float]) -> None:
    """Whole numbers on a count axis (never 8.3 decisions)."""
    top = int(max(values, default=0))
    step = max(1, -(-top // 5))
    plot.plt.yticks(list(range(0, top + step + 1, step)))


class ReportsScreen(KioskScreen):
    """The last weeks at a glance; 4, 13 or 52 weeks on one key each."""

    DEFAULT_WEEKS: ClassVar[int] = 13

    CSS_PATH = "reports.tcss"

    BINDINGS = [
        Binding("4", "period(4)", "4 weeks"),
        Binding("3", "period(13)", "13 weeks"),
        Binding("5", "period(52)", "52 weeks"),
        Binding("g", "reload", "Refresh"),
        Binding("w", "write_governors", "Write governors' report"),
        Binding("escape", "back", "Back"),
    ]
    TYPEAHEAD_WAIT_GROUPS = frozenset({"report-load"})

    FIELD_HELP = {
        "report-body": "Counts only, no one's details. Decisions count once, in the week they "
        "were first made, with the values of their latest version. Advice turnaround is the "
        "time from asking to advice given, against the time allowed by its urgency (urgent: "
        "an hour; today: 5 pm; routine: three working days). Organisations are named as the "
        "register names them: old free-text spellings merged into an entry count under it. "
        "A receipt is on time when confirmed before the share would be chased (working days "
        "per kind of share; school days for a transfer), counted from the send that counts. "
        "A transfer is within 5 school days when sent by its due date (Keeping Children Safe "
        "in Education) and not left failed.",
    }

    def __init__(self) -> None:
        super().__init__()
        self.weeks = self.DEFAULT_WEEKS
        self.report: Report | None = None
        # What each chart was last drawn from, by series name (read by the tests).
        self.series: dict[str, dict[str, list[float]]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="report-body"):
            yield Static("Loading the report…", id="report-period")
            yield Static("Decisions per week", classes="section-title")
            yield PlotextPlot(id="decisions-chart")
            yield _table("report-totals")
            yield Static(
                "Advice turnaround against target: median time to advice as a share of the "
                "time allowed (urgent: an hour; today: 5 pm; routine: three working days)",
                classes="section-title",
            )
            yield PlotextPlot(id="turnaround-chart")
            yield Static("Advice given per week, on time or late", classes="section-title")
            yield PlotextPlot(id="advice-weeks-chart")
            yield _table("report-turnaround")
            yield from _section("Shared decisions by lawful basis", "report-basis")
            yield from _section(
                "Not shared, by month: what could happen because it was not shared, recorded "
                "(rule 5)",
                "report-not-shared",
            )
            yield from _section(
                "By receiving organisation (most decisions first)", "report-recipients"
            )
            yield from _section(
                "Shares under a data sharing agreement (ICO data sharing code: good practice "
                "for routine sharing; none is needed for a one-off or urgent share)",
                "report-agreements",
            )
            yield from _section(
                "Receipts confirmed on time: confirmed before the share would be chased",
                "report-receipts",
            )
            yield from _section(
                "Child protection file transfers within 5 school days of the move (KCSIE)",
                "report-transfers",
            )
            yield Static(
                'For governors and trustees (counts under 5 shown as "fewer than 5"; '
                "w writes the one-page PDF or the CSV)",
                classes="section-title",
            )
            yield Static("", id="governors-bars")
        yield Static("", id="governors-written", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "sharetui"
        self.sub_title = "Reports"
        self.query_one("#report-totals", DataTable).add_columns("Decisions", "Number")
        self.query_one("#report-turnaround", DataTable).add_columns(
            "Urgency",
            "Asked",
            "Advised",
            "On time",
            "Late",
            "Open, in time",
            "Open, overdue",
            "Median",
            "Target",
        )
        self.query_one("#report-basis", DataTable).add_columns("Lawful basis", "Shared")
        self.query_one("#report-not-shared", DataTable).add_columns(
            "Month", "Not shared", "Impact recorded", "Before the question existed"
        )
        self.query_one("#report-recipients", DataTable).add_columns(
            "Organisation", "Decisions", "Shared", "Not shared", "In the register"
        )
        self.query_one("#report-agreements", DataTable).add_columns(
            "Agreement", "Shares", "Of which urgent"
        )
        self.query_one("#report-receipts", DataTable).add_columns(
            "Kind",
            "Days allowed",
            "Sent",
            "On time",
            "Late",
            "Failed",
            "Due, unconfirmed",
            "Awaiting",
        )
        self.query_one("#report-transfers", DataTable).add_columns("Transfers", "Number")
        self.query_one("#report-body", VerticalScroll).focus()
        self.action_reload()

    # -- loading --------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        """Whole weeks, Monday first, ending with the current week."""
        today = self.share_app.clock.today()  # the site's day, not the machine's
        return week_start(today) - timedelta(weeks=self.weeks - 1), today

    def action_period(self, weeks: int) -> None:
        self.weeks = weeks
        self.action_reload()

    def action_reload(self) -> None:
        self._load(*self.period())

    def action_write_governors(self) -> None:
        from sharetui.ui.screens.governors_file import GovernorsFileDialog

        def written(path: Path | None) -> None:
            if path is not None:  # said where it stays in view, not only for a moment
                self.query_one("#governors-written", Static).update(
                    lit(f"Governors' report written: {path}")
                )

        self.app.push_screen(GovernorsFileDialog(*self.period()), written)

    @work(exclusive=True, group="report-load", exit_on_error=False)
    async def _load(self, start: date, end: date) -> None:
        status = self.query_one("#report-period", Static)
        status.update(lit(f"Counting {start:%d %b %Y} to {end:%d %b %Y}…"))
        try:
            report = await self.call(self.services.reports.build, self.actor, start, end)
            governors = await self.call(self.services.governors.build, self.actor, start, end)
        except ShareError as exc:
            status.update(lit(f"The report could not be made: {exc.message}"))
            return
        if self.is_attached:
            self._show(report)
            self.query_one("#governors-bars", Static).update(governors_bars(governors))

    # -- showing --------------------------------------------------------------------------
    def _show(self, report: Report) -> None:
        self.report = report
        t = report.totals
        self.query_one("#report-period", Static).update(
            lit(
                f"From {report.start:%d %b %Y} to {report.end:%d %b %Y} ({self.weeks} weeks; "
                f"times in {report.timezone}). {t.decisions} decision(s), "
                f"{t.shared_any} shared, {t.not_shared} not shared."
            )
        )
        self._decisions_chart(report)
        self._turnaround_chart(report)
        self._advice_weeks_chart(report)
        self._fill(
            "#report-totals",
            [
                ("Decisions made", t.decisions),
                ("Shared", t.shared),
                ("Shared in part", t.shared_in_part),
                ("Not shared", t.not_shared),
                ("Pending advice", t.pending_advice),
                ("Shared without consent", t.shared_without_consent),
                ("Urgent", t.urgent),
                ("Amended (more than one version)", t.amended),
                (
                    "Not shared, impact of not sharing recorded (rule 5)",
                    t.not_shared_impact_recorded,
                ),
            ],
        )
        self._fill(
            "#report-turnaround",
            [
                (
                    URGENCY_WORD[r.urgency],
                    r.raised,
                    r.advised,
                    r.on_time,
                    r.late,
                    r.open_in_time,
                    _stands_out(r.open_overdue),
                    duration_words(r.median_minutes),
                    duration_words(r.target_minutes),
                )
                for r in report.turnaround
            ],
        )
        self._fill(
            "#report-basis",
            [(b.label, b.shared) for b in report.by_lawful_basis if b.shared],
            empty="No shared decisions in this period",
        )
        self._fill(
            "#report-not-shared",
            [
                (
                    f"{m.start:%b %Y}",
                    m.counts.not_shared,
                    m.counts.not_shared_impact_recorded,
                    m.counts.not_shared - m.counts.not_shared_impact_recorded,
                )
                for m in report.months
                if m.counts.not_shared
            ],
            empty="No decisions not to share in this period",
        )
        self._fill(
            "#report-recipients",
            [
                (
                    one_line(r.organisation, 40),
                    r.decisions,
                    r.shared,
                    r.not_shared,
                    "Yes" if r.in_register else "No: free text",
                )
                for r in report.by_recipient[:20]
            ],
            empty="No decisions in this period",
        )
        self._fill(
            "#report-agreements",
            [(a.label, a.shares, a.urgent) for a in report.by_agreement],
        )
        self._fill(
            "#report-receipts",
            [
                (
                    r.label,
                    f"{r.days} {'school' if r.kind == 'cp_transfer' else 'working'}",
                    r.sent,
                    r.on_time,
                    r.late,
                    r.failed,
                    _stands_out(r.unconfirmed_due),
                    r.awaiting,
                )
                for r in report.receipts
            ],
        )
        moves = report.transfers
        self._fill(
            "#report-transfers",
            [
                ("Sent", moves.made),
                ("Within 5 school days", moves.within),
                ("Later, or not shown to be in time", moves.later),
                ("Receipt confirmed by the new setting", moves.confirmed),
            ],
        )

    def _fill(self, table_id: str, rows: list[tuple[object, ...]], empty: str = "") -> None:
        table = self.query_one(table_id, DataTable)
        cells = [tuple(c if isinstance(c, Text) else str(c) for c in row) for row in rows]
        nothing = (lit(empty), *[""] * (len(table.columns) - 1)) if empty else None
        refill(table, cells, empty=nothing, cursor=0)

    def _week_ticks(self, plot: PlotextPlot, starts: list[date]) -> None:
        """Label at most about eight weeks so the dates stay readable at 80 columns."""
        step = max(1, -(-len(starts) // 8))
        ticks = list(range(1, len(starts) + 1, step))
        plot.plt.xticks([float(t) for t in ticks], [f"{starts[i - 1]:%d %b}" for i in ticks])

    def _weekly_bars(
        self, plot: PlotextPlot, starts: list[date], series: dict[str, list[float]], unit: str
    ) -> None:
        """Counts per week as stacked bars, one stack per series, each told apart by its fill
        (MARKERS, in order); whole numbers on the count axis, named by `unit`."""
        plt = plot.plt
        plt.clear_figure()
        plt.stacked_bar(
            list(range(1, len(starts) + 1)),
            list(series.values()),
            labels=list(series),  # type: ignore[call-arg]  # plotext takes labels; the stub lacks them
            marker=MARKERS[: len(series)],  # type: ignore[arg-type]  # one marker per stack; the stub allows one
        )
        self._week_ticks(plot, starts)
        _count_ticks(plot, [sum(v) for v in zip(*series.values(), strict=True)])
        plt.ylabel(unit)
        plot.refresh()

    def _decisions_chart(self, report: Report) -> None:
        plot = self.query_one("#decisions-chart", PlotextPlot)
        starts = [w.start for w in report.weeks]
        series = {
            "Shared (in full or part)": [float(w.counts.shared_any) for w in report.weeks],
            "Not shared": [float(w.counts.not_shared) for w in report.weeks],
            "Pending advice": [float(w.counts.pending_advice) for w in report.weeks],
        }
        self.series["decisions"] = series
        self._weekly_bars(plot, starts, series, "decisions")

    def _turnaround_chart(self, report: Report) -> None:
        """Median time to advice as a share of the time allowed: 100% is exactly on the due
        time, so urgent (an hour) and routine (days) read on one scale."""
        plot = self.query_one("#turnaround-chart", PlotextPlot)
        rows = report.turnaround
        values = [_percent(r) for r in rows]
        self.series["turnaround"] = {"Median time to advice (% of time allowed)": values}
        plt = plot.plt
        plt.clear_figure()
        positions = list(range(1, len(rows) + 1))
        plt.bar(
            positions,
            values,
            marker=MARKERS[0],
            width=0.4,
            label="Median time to advice (% of time allowed)",
        )
        plt.plot([0.5, len(rows) + 0.5], [100, 100], label="Due time (100%)", marker="─")
        plt.xticks([float(p) for p in positions], [URGENCY_WORD[r.urgency] for r in rows])
        top = max([*values, 100.0]) * 1.2
        step = next(s for s in (10, 25, 50, 100, 250, 500, 1000, 2500, 5000) if top / s <= 6)
        plt.yticks(list(range(0, int(top) + step, step)))
        plt.ylim(0, top)
        plt.ylabel("% of time allowed")
        plot.refresh()

    def _advice_weeks_chart(self, report: Report) -> None:
        plot = self.query_one("#advice-weeks-chart", PlotextPlot)
        starts = [w.start for w in report.advice_weeks]
        series = {
            "On time": [float(w.on_time) for w in report.advice_weeks],
            "Late": [float(w.late) for w in report.advice_weeks],
        }
        self.series["advice_weeks"] = series
        self._weekly_bars(plot, starts, series, "advice given")

    def action_back(self) -> None:
        self.app.pop_screen()

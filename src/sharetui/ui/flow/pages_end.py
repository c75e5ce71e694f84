"""The last pages: the rule 6 checks, the decision, check your answers, and the confirmation."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from sharetui.domain.decision import QualityCheck
from sharetui.domain.enums import AdviceStatus, Outcome, Quality, ShareMethod
from sharetui.domain.text import LONG_TEXT
from sharetui.ui.flow.impact_part import collect_impact, compose_impact, first_box, show_impact
from sharetui.ui.flow.messages import ContinueAsked, PartAsked, SavedRecordAsked
from sharetui.ui.flow.page import FlowPage, field_id, to_bool
from sharetui.ui.flow.state import ALL_PAGES, PART_NAMES, QUESTIONS, FlowState
from sharetui.ui.flow.summary import WHEN_FORMAT, parts
from sharetui.ui.forms.choices import Choice, Choices
from sharetui.ui.literal import plain

CONFIRM = [Choice("y", "yes", "Confirmed"), Choice("n", "no", "Not confirmed")]
TOLD = [Choice("y", "yes", "Yes"), Choice("n", "no", "No")]
PART_KEYS = {page: str(i) for i, page in enumerate(ALL_PAGES[:-1], 1)}
WHEN_ERROR = (
    "Enter when it was shared as day/month/year hours:minutes, for example 05/03/2026 14:30"
)


class ChecksPage(FlowPage):
    PAGE = "checks"
    HINT = "Confirm each quality (y) or say why not (n). Press a to confirm all six."
    BINDINGS = [Binding("a", "confirm_all", "Confirm all six")]

    def body(self) -> ComposeResult:
        d = self.data
        for quality in Quality:
            check = d.checks.get(quality.value, QualityCheck())
            yield self.yes_no(
                f"checks.{quality.value}", CONFIRM, f"{quality.label}?", check.confirmed
            )
            yield self.field(
                f"note.{quality.value}",
                "",
                self.long_text(f"note.{quality.value}", check.note, LONG_TEXT),
                shown=check.confirmed is False,
            )
        yield self.yes_no(
            "person_told",
            TOLD,
            "Was the person (or family) told about the share (rule 2)?",
            d.person_told,
        )
        yield self.field(
            "not_told_reason",
            "Why not?",
            self.long_text("not_told_reason", d.not_told_reason, LONG_TEXT),
            "For example: telling them would put the child at risk.",
            shown=d.person_told is False,
        )
        yield self.field(
            "identities_protected",
            "Identities protected (optional)",
            self.long_text("identities_protected", d.identities_protected, LONG_TEXT),
            "Whose details were left out so they cannot reach someone who could harm them.",
        )

    def picked(self, choices: Choices, value: str) -> Widget | bool | None:
        cid = choices.id or ""
        if cid.startswith("f-checks-"):
            quality = next(q for q in Quality if field_id(f"checks.{q.value}") == cid)
            self.show_group(f"note.{quality.value}", value == "no")
        elif cid == field_id("person_told"):
            self.show_group("not_told_reason", value == "no")
        return None

    def action_confirm_all(self) -> None:
        for quality in Quality:
            self.query_one(f"#{field_id(f'checks.{quality.value}')}", Choices).choose(
                "yes", announce=False
            )
            self.show_group(f"note.{quality.value}", False)
        self.query_one(f"#{field_id('person_told')}").focus()

    def collect(self) -> dict[str, str]:
        d = self.data
        for quality in Quality:
            confirmed = to_bool(self.choice(f"checks.{quality.value}"))
            note = self.text_of(f"note.{quality.value}")
            if confirmed is None and not note:
                d.checks.pop(quality.value, None)
            else:
                d.checks[quality.value] = QualityCheck(
                    confirmed, note if confirmed is False else ""
                )
        d.person_told = to_bool(self.choice("person_told"))
        d.not_told_reason = self.text_of("not_told_reason") if d.person_told is False else ""
        d.identities_protected = self.text_of("identities_protected")
        return {}


class DecisionPage(FlowPage):
    PAGE = "decision"
    HINT = (
        "Record your reasons whatever you decide (rule 7). The reasons come straight after "
        "the decision, so typing them can never change how it was shared."
    )

    def body(self) -> ComposeResult:
        d = self.data
        tz = self.flow.share_app.settings.tz
        sharing = d.outcome in (Outcome.SHARE, Outcome.SHARE_IN_PART)
        yield self.field(
            "outcome",
            "",
            Choices(
                [
                    Choice("1", Outcome.SHARE.value, "Share", "Share what you described."),
                    Choice(
                        "2",
                        Outcome.SHARE_IN_PART.value,
                        "Share in part",
                        "Say in the reasons what was left out and why.",
                    ),
                    Choice(
                        "3",
                        Outcome.DO_NOT_SHARE.value,
                        "Do not share",
                        "The reasons are still recorded (rule 7).",
                    ),
                ],
                value=d.outcome.value
                if d.outcome and d.outcome is not Outcome.PENDING_ADVICE
                else None,
                id=field_id("outcome"),
            ),
        )
        yield self.field(
            "reasons",
            "Reasons",
            self.long_text("reasons", d.reasons, LONG_TEXT),
        )
        yield self.enum_question(
            "share_method", "How was it shared?", ShareMethod, d.share_method, shown=sharing
        )
        typed = self.flow.state.extras.get("shared_at_text")
        if typed is None:
            when = d.shared_at or self.flow.share_app.clock.now()
            typed = when.astimezone(tz).strftime(WHEN_FORMAT)
        yield self.field(
            "shared_at",
            "When was it shared? (day/month/year hours:minutes)",
            self.short_text("shared_at", typed, 40),
            "Now, unless you change it (Shift+Tab comes back here).",
            shown=sharing,
        )
        yield from compose_impact(self)  # rule 5: ui/flow/impact_part.py

    def on_mount(self) -> None:
        show_impact(self, self.data.outcome)

    def focus_first(self) -> None:
        """Completing an urgent record: straight to the rule 5 question."""
        box = first_box(self)
        state = self.flow.state
        if box is not None and state.amend_of is not None and not self.data.impact_if_not_shared:
            box.focus(scroll_visible=True)
            return
        super().focus_first()

    def picked(self, choices: Choices, value: str) -> Widget | bool | None:
        if choices.id == field_id("outcome"):
            sharing = value in (Outcome.SHARE.value, Outcome.SHARE_IN_PART.value)
            self.show_group("share_method", sharing)
            self.show_group("shared_at", sharing)
            show_impact(self, Outcome(value))
        elif choices.id == field_id("share_method"):
            # The time is filled in (now): the next question left is rule 5, when it is asked.
            return first_box(self)
        return None

    def collect(self) -> dict[str, str]:
        d = self.data
        outcome = self.choice("outcome")
        d.outcome = Outcome(outcome) if outcome else None
        d.reasons = self.text_of("reasons")
        collect_impact(self)
        typed = self.text_of("shared_at")
        self.flow.state.extras["shared_at_text"] = typed
        if not d.is_sharing:
            d.share_method = None
            d.shared_at = None
            return {}
        method = self.choice("share_method")
        d.share_method = ShareMethod(method) if method else None
        if not typed.strip():
            d.shared_at = None
            return {}
        try:
            naive = datetime.strptime(" ".join(typed.split()), WHEN_FORMAT)
        except ValueError:
            d.shared_at = None
            return {"shared_at": WHEN_ERROR}
        d.shared_at = naive.replace(tzinfo=self.flow.share_app.settings.tz)
        return {}


class CheckPage(FlowPage, can_focus=True):
    """Every answer, grouped; a key per part to change it; saving happens only here."""

    PAGE = "check"
    HINT = "Press a part's number to change it: you come straight back here. Enter saves."
    BINDINGS = [
        Binding("enter", "save", "Save"),
        *[
            Binding(key, f"change('{page}')", f"Change {PART_NAMES[page].lower()}", show=False)
            for page, key in PART_KEYS.items()
        ],
    ]

    @property
    def question(self) -> str:
        return QUESTIONS["amend" if self.flow.state.amend_of is not None else "check"]

    def body(self) -> ComposeResult:
        yield Static(self.answers(), id="answers")
        state = self.flow.state
        if state.amend_of is not None:
            yield self.field(
                "amend_reason",
                "Why are you amending this decision?",
                self.long_text("amend_reason", state.extras.get("amend_reason", ""), LONG_TEXT),
                "The earlier version is kept; this reason is shown with the new one.",
            )
        if any(a.status is AdviceStatus.ADVISED for a in self.flow.advice):
            yield self.field(
                "advice_outcome",
                "What came of the advice? (optional: recorded with the advice)",
                self.long_text("advice_outcome", state.extras.get("advice_outcome", ""), LONG_TEXT),
            )

    def answers(self, errors: dict[str, str] | None = None) -> Text:
        flow = self.flow
        state: FlowState = flow.state
        by_page: dict[str, list[str]] = {}
        for key, message in (errors or {}).items():
            by_page.setdefault(state.page_of(key), []).append(message)
        text = Text()
        for i, part in enumerate(
            parts(
                state.data,
                person=flow.person_label,
                consent_record=flow.consent_label,
                tz=flow.share_app.settings.tz,
                urgent_path=state.urgent_path,
            )
        ):
            if i:
                text.append("\n\n")
            key = PART_KEYS[part.page]
            text.append(f"{key}  {part.title}", style="bold underline")
            text.append(f"   (press {key} to change)", style="dim")
            for label, value in part.rows:
                text.append(f"\n   {label}: ", style="bold")
                text.append(plain(value, 600))
            for message in by_page.get(part.page, []):
                text.append("\n   ! ", style="bold")
                text.append(plain(message), style="bold")
        return text

    def focus_first(self) -> None:
        self.focus()

    def fields_in_order(self) -> list:
        return [self, *super().fields_in_order()]

    def action_change(self, page: str) -> None:
        self.post_message(PartAsked(page))

    def action_save(self) -> None:
        self.post_message(ContinueAsked())

    def collect(self) -> dict[str, str]:
        extras = self.flow.state.extras
        for name in ("amend_reason", "advice_outcome"):
            found = self.query(f"#{field_id(name)}")
            if found:
                extras[name] = self.text_of(name)
        return {}

    def show_errors(self, errors: dict[str, str], labels: dict[str, str] | None = None) -> None:
        state = self.flow.state
        labels = {
            key: f"{PART_KEYS.get(state.page_of(key), '')} {PART_NAMES.get(state.page_of(key), '')}".strip()
            for key in errors
        }
        self.query_one("#answers", Static).update(self.answers(errors))
        super().show_errors(errors, labels)
        if errors and not self.screen.focused:
            self.focus()


class DonePage(FlowPage, can_focus=True):
    """What was saved, its reference, and what happens next."""

    PAGE = "done"
    BINDINGS = [
        Binding("enter", "home", "Back to home"),
        Binding("o", "open_record", "Open the record"),
    ]

    def body(self) -> ComposeResult:
        yield Static(self.confirmation(), id="confirmation")

    def confirmation(self) -> Text:
        flow = self.flow
        view = flow.saved
        assert view is not None
        tz = flow.share_app.settings.tz
        text = Text()
        text.append(f"Reference: decision {view.root_id}, version {view.version}", style="bold")
        text.append("\n\nWhat was saved\n", style="bold underline")
        text.append(f"{view.outcome.label}" + (" (urgent)" if view.urgent else ""))
        text.append(" about ")
        text.append(plain(view.subject.full_name, 80))
        if view.recipient_org:
            text.append(", for ")
            text.append(plain(view.recipient_org, 80))
        text.append(f".\nDecided by {plain(view.decided_by, 60)} at ")
        text.append(view.decided_at.astimezone(tz).strftime(WHEN_FORMAT))
        if view.amend_reason:
            text.append("\nAmendment reason: ")
            text.append(plain(view.amend_reason, 300))
        if view.caller_unverified:
            text.append("\nThe caller was not verified: the record says so.")
        text.append("\n\nWhat happens next\n", style="bold underline")
        steps = [
            "The decision is on the person's record and under My recent decisions on your home "
            "screen. It cannot be edited: a correction is a new version with its reason."
        ]
        if view.to_complete:
            steps.append(
                "It is marked urgent and shows as 'to complete' on your home screen until you "
                "say what could happen to the child and others if it is shared and if it is "
                "not (rule 5): open it and press m. Complete the rest then too, and ask for "
                "advice afterwards if you need it."
            )
        elif view.urgent:
            steps.append(
                "It is marked urgent. Complete the rest later by amending it, and ask for "
                "advice afterwards if you need it."
            )
        if flow.advice:
            steps.append("The advice asked for this decision is linked to the record.")
        record = flow.state.data
        if record.is_sharing and record.person_told is False:
            steps.append("Tell the person about the share when it is safe to (rule 2).")
        for step in steps:
            text.append("- " + step + "\n")
        text.append("\nEnter: back to home.   o: open the record.", style="bold")
        return text

    def focus_first(self) -> None:
        self.focus()

    def action_open_record(self) -> None:
        self.post_message(SavedRecordAsked())

    def action_home(self) -> None:
        self.post_message(ContinueAsked())

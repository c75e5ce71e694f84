"""Rule 5, the last part of the decision page: what could happen to the child, and to others
affected, if the information is not shared and if it is.

Kept in its own module so the decision page only composes it, passes it the outcome and
collects it. The wording follows the outcome: holding back (do not share, share in part)
must say what not sharing could do, in words of its own; a share needs a few words either
way; an urgent share leaves the question until the record is completed. The people to weigh
are named: the person, anyone added as affected, and, when the person is a parent or carer,
each child linked to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from sharetui.domain.decision import impact_deferred
from sharetui.domain.enums import Outcome
from sharetui.domain.text import LONG_TEXT
from sharetui.ui.flow.page import field_id
from sharetui.ui.forms import Field
from sharetui.ui.widgets.person_text import person_name

if TYPE_CHECKING:
    from sharetui.services.views import PersonSummary
    from sharetui.ui.flow.page import FlowPage

NOT_SHARED = "impact_if_not_shared"
SHARED = "impact_if_shared"
HEADING = "What could happen to the child, and to others affected? (rule 5)"
DEFERRED = (
    "Urgent share: this is asked when you complete the record. Until then the decision shows "
    "as 'to complete' on your home screen."
)

_SOURCE = (
    'HM Government, "Information sharing: advice for practitioners providing safeguarding '
    'services to children, young people, parents and carers" (2018, revised 2024)'
)
IMPACT_HELP: dict[str, str] = {
    field_id(NOT_SHARED): (
        'Rule 5. The guidance asks that decisions rest on "the safety and well-being of the '
        'person you are sharing information about" and of "others who may be affected by what '
        'happens next", and that those working with adults who care for children "should '
        'evaluate the wider impact not sharing information could cause". Reviews after a '
        "child's death or serious injury keep finding that key information was not shared. "
        "Say, in your own words, what could happen to the child and to each person named here "
        "because this is not shared (sharing in part: because of what is held back). It is "
        "not the reasons again: the reasons say why; this says what could follow. On a share, "
        f"a few words are enough. Source: {_SOURCE}."
    ),
    field_id(SHARED): (
        "Rule 5, the other side: what could happen to the child, and to others affected, "
        "because this is shared, for example a parent's reaction at home, or someone at risk "
        "learning where a carer lives (protect their identity, rule 6). Weigh it against what "
        f"could happen if it is not shared. Source: {_SOURCE}."
    ),
}


def _labels(outcome: Outcome | None) -> dict[str, tuple[str, str]]:
    """(label, hint) of each question, worded for the decision made."""
    if outcome is Outcome.SHARE:
        return {
            NOT_SHARED: ("If it were not shared, what could happen?", "A few words are enough."),
            SHARED: ("If it is shared, what could happen? (optional)", ""),
        }
    held = "what is held back" if outcome is Outcome.SHARE_IN_PART else "this"
    return {
        NOT_SHARED: (
            f"If {held} is not shared, what could happen?",
            "In your own words, not the reasons again.",
        ),
        SHARED: ("If it were shared, what could happen? (optional)", ""),
    }


def people_text(page: FlowPage) -> Text:
    """The people whose safety and well-being the decision could affect, by name."""
    flow, data = page.flow, page.data
    text = Text()

    def name(pid: int) -> str:
        person = flow.people.get(pid)
        return person_name(person) if person else f"Person {pid}"

    if data.subject_id is not None:
        text.append("About: ", style="bold")
        text.append(name(data.subject_id))
    if data.others_affected:
        text.append("\nOthers affected: ", style="bold")
        text.append("; ".join(name(pid) for pid in data.others_affected))
    children: tuple[PersonSummary, ...] = flow.linked_children
    if children:
        text.append("\n")
        text.append(name(data.subject_id or 0), style="bold")
        text.append(" is a parent or carer of: ", style="bold")
        text.append("; ".join(f"{person_name(c)} (born {c.dob_text})" for c in children))
        text.append("\nWeigh what this decision could mean for each of them.")
    return text


def compose_impact(page: FlowPage) -> ComposeResult:
    """The part itself, shown for the outcome already chosen (hidden before one is)."""
    d = page.data
    yield Static(HEADING, classes="field-label impact-part", id="impact-heading")
    yield Static(people_text(page), classes="impact-part", id="impact-people")
    yield Static(DEFERRED, classes="impact-part hint", id="impact-deferred")
    labels = _labels(d.outcome)
    for name, value in ((NOT_SHARED, d.impact_if_not_shared), (SHARED, d.impact_if_shared)):
        label, hint = labels[name]
        yield page.field(name, label, page.long_text(name, value, LONG_TEXT), hint)


def show_impact(page: FlowPage, outcome: Outcome | None) -> None:
    """Show the part for this outcome, worded for it."""
    state = page.flow.state
    chosen = outcome in (Outcome.SHARE, Outcome.SHARE_IN_PART, Outcome.DO_NOT_SHARE)
    probe = page.data.__class__(urgent=page.data.urgent, outcome=outcome)
    deferred = chosen and impact_deferred(probe, amendment=state.amend_of is not None)
    for widget in page.query(".impact-part"):
        widget.display = chosen
    page.query_one("#impact-deferred").display = deferred
    labels = _labels(outcome)
    for name in (NOT_SHARED, SHARED):
        group = page.query_one(f"#g-{field_id(name)[2:]}", Field)
        group.display = chosen and not deferred
        group.head.set_label(*labels[name])


def first_box(page: FlowPage) -> Widget | None:
    """Where the focus goes once the rest of the decision is answered, if it is asked."""
    group = page.query_one(f"#g-{field_id(NOT_SHARED)[2:]}", Field)
    return group.widget if group.display else None


def collect_impact(page: FlowPage) -> None:
    d = page.data
    d.impact_if_not_shared = page.text_of(NOT_SHARED)
    d.impact_if_shared = page.text_of(SHARED)

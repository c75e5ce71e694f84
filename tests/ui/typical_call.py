"""The typical duty-desk call, as keys: a known person, consent given, shared with a
recipient picked from the register by typing (whose secure email route proposes how it is
sent). The Pilot test drives exactly this sequence and the benchmarks report its count.

A step is ("key", name): one keystroke, counted; ("text", words): free text typed by the
practitioner, not counted (the issue counts keystrokes beyond the free text).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select
from textual import events
from textual.pilot import Pilot

from sharetui.domain.consent import ConsentInput
from sharetui.domain.enums import (
    CallerCheck,
    ConsentGiver,
    ConsentMethod,
    ConsentStatus,
)
from sharetui.domain.person import PersonInput
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.services.users import _view, actor_for
from sharetui.services.views import ConsentEventView, PersonSummary
from sharetui.store.models import User
from tests.services.helpers import share

Step = tuple[str, str]

RECIPIENT_ORG = "Northshire Children's Social Care"
PURPOSE = "Section 47 enquiry"
INFORMATION = "Attendance record and the concerns logged this term"
IMPACT = "The enquiry would miss what the school has seen"


def typical_call_steps(person_query: str = "Jane Smith") -> list[Step]:
    """From the home screen to the confirmation page."""
    return [
        ("key", "n"),  # home: new decision
        ("key", "n"),  # urgency: no
        ("key", "enter"),
        ("text", person_query),  # who: search
        ("key", "enter"),  # to the matches
        ("key", "enter"),  # pick the first match
        ("key", "enter"),  # continue
        ("key", "1"),  # an incoming request
        ("key", "3"),  # caller: a known contact
        ("text", "Northshire duty"),  # search the register (organisation and role)
        ("key", "enter"),  # take the match highlighted: organisation, role, name, contact
        ("text", PURPOSE),
        ("key", "enter"),
        ("key", "n"),  # not special category
        ("key", "n"),  # not criminal offence data: on to the information
        ("text", INFORMATION),
        ("key", "enter"),
        ("key", "1"),  # consent given
        ("key", "1"),  # relies on the first consent record offered
        ("key", "enter"),
        ("key", "1"),  # public task
        ("key", "enter"),
        ("key", "a"),  # all six rule 6 qualities confirmed
        ("key", "y"),  # the person was told
        ("key", "enter"),
        ("key", "1"),  # share: on to the reasons
        ("text", "Consent given; needed for the enquiry"),
        ("key", "tab"),  # to how it was shared
        ("key", "1"),  # by secure email (when: now); on to rule 5
        ("text", IMPACT),  # if it were not shared, what could happen: a few words
        ("key", "enter"),
        ("key", "enter"),  # check your answers: save
    ]


def keystrokes(steps: list[Step]) -> int:
    return sum(1 for kind, _ in steps if kind == "key")


async def calm(pilot: Pilot[None]) -> None:
    """Wait for what a key started (a page change, a search) and the repaint after it."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()


async def drive(pilot: Pilot[None], steps: list[Step]) -> int:
    """Press every step, letting the screen settle after each; returns the keys counted."""
    count = 0
    for kind, value in steps:
        if kind == "key":
            await pilot.press(value)
            count += 1
        else:
            await type_text(pilot, value)
        await calm(pilot)
    return count


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Free text arrives as the terminal delivers a paste: one event, not counted as keys."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


# -- arranging the data of the call, through the services ---------------------------------
def actor(services: Services, username: str) -> Actor:
    """A signed-in Actor for a stored account (no passphrase hashing per test)."""
    with Session(services.store.engine) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        return actor_for(_view(user), "ui-test")


def known_person(
    services: Services, by: Actor, given: str = "Jane", family: str = "Smith", ref: str = "N0001"
) -> PersonSummary:
    return services.people.create(
        by,
        PersonInput(
            family_name=family, given_names=given, date_of_birth=date(2016, 3, 4), reference=ref
        ),
        confirm_not_duplicate=True,
    )


def consent_given(
    services: Services, by: Actor, person_id: int, *, status: ConsentStatus = ConsentStatus.GIVEN
) -> ConsentEventView:
    return services.consent.record(
        by,
        ConsentInput(
            person_id=person_id,
            status=status,
            given_by=ConsentGiver.PARENT_WITH_PR,
            given_by_name="Ann Smith",
            method=ConsentMethod.WRITTEN,
            told="Why, what and with whom it would be shared",
            scope_information="School records",
            scope_recipient=RECIPIENT_ORG,
            scope_purpose="Child protection",
            effective_at=datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
        ),
    )


def earlier_share(services: Services, by: Actor, person_id: int) -> None:
    """The recipient in the register (added from an earlier decision), and that decision."""
    org = services.register.add_org(by, RECIPIENT_ORG, "social_care", from_decision=True)
    contact = services.register.add_contact(
        by,
        org.org_id,
        "Duty social worker",
        "Sam Patel",
        "duty@northshire.gov.uk",
        from_decision=True,
    )
    services.decisions.log(
        by,
        share(
            person_id,
            caller_check=CallerCheck.NOT_BY_PHONE,
            recipient_org_id=contact.org_id,
            recipient_contact_id=contact.contact_id,
            recipient_org=RECIPIENT_ORG,
            recipient_role="Duty social worker",
            recipient_name="Sam Patel",
            recipient_contact="duty@northshire.gov.uk",
            shared_at=datetime.now(UTC) - timedelta(days=2),
        ),
    )

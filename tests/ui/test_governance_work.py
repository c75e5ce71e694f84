"""Information governance done in the app, as the information governance lead and an
administrator do it at a kiosk with no shell: a subject access request from logging to
answered (identity, an extension, the review of each marked entry, the reviewed file written
to a folder), and the retention review queue (keep, legal hold placed and lifted, disposal
after a confirmation that names what goes). Each test drives the screens with keys and checks
what the screen says and what was stored; one picture of each screen at 80x24."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select
from textual.pilot import Pilot
from textual.widgets import DataTable

from sharetui.domain.clock import Clock
from sharetui.domain.governance import SarStatus, due_date
from sharetui.services import audit
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.services.users import _view, actor_for
from sharetui.store.models import User
from sharetui.ui.app import ShareApp
from sharetui.ui.screens import retention_forms, sar_forms
from sharetui.ui.screens.governance_forms import GovernanceForm
from sharetui.ui.screens.resume import REOPENERS
from sharetui.ui.screens.retention import RetentionScreen
from sharetui.ui.screens.sar import SubjectAccessScreen
from sharetui.ui.screens.sar_review import SarReviewScreen
from tests.services.helpers import audit_actions, consent, last_audit_id, person, share
from tests.ui.conftest import settle, sign_in
from tests.ui.screen import screen_text


def actor_of(svc: Services, username: str) -> Actor:
    """An account's actor as stored, without a sign-in (the UI signs in for itself)."""
    with Session(svc.store.engine) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        return actor_for(_view(user), "ui-test")


def typed(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)


def listed(app: ShareApp) -> list[str]:
    """The first column of the retention queue's rows."""
    table = app.screen.query_one("#retention-list", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def footer(app: ShareApp) -> str:
    """The key bar: the last lines of the screen."""
    return " ".join(screen_text(app).splitlines()[-3:])


def test_every_governance_form_opens_again_from_a_draft() -> None:
    """Each form a module declares is one its reopen knows, and My drafts sends each kind
    to the module that declares it."""
    for module in (sar_forms, retention_forms):
        declared = {
            cls.DRAFT_KIND
            for cls in vars(module).values()
            if isinstance(cls, type) and issubclass(cls, GovernanceForm) and cls.DRAFT_KIND
        }
        assert {form.DRAFT_KIND for form in module.FORMS} == declared
        assert {k for k, m in REOPENERS.items() if m == module.__name__} == declared


async def test_a_subject_access_request_from_logging_to_answered(
    make_app: Callable[..., ShareApp], ui_services: Services, tmp_path: Path
) -> None:
    svc = ui_services
    pat, ina = actor_of(svc, "pat"), actor_of(svc, "ina")
    child = person(svc, pat, family="Quill", given="Tamsin")
    sibling = person(svc, pat, family="Quill", given="Oberon", dob=date(2012, 5, 6))
    svc.people.link(pat, sibling.id, child.id, "sibling")
    svc.decisions.log(
        pat, share(child.id, others_affected=[sibling.id], reasons="Zephyrine told us all")
    )
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date()
    received = today - timedelta(days=3)
    before = last_audit_id(svc)

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "ina")
        await keys(pilot, "s")
        assert isinstance(app.screen, SubjectAccessScreen)
        assert "No open requests" in screen_text(app)
        await keys(pilot, "f1")  # the guidance, in its own terms
        assert "one calendar month" in screen_text(app, fold=True)
        await keys(pilot, "escape")

        # Log it: nothing chosen is said on the field; then the person, who asks, when.
        await keys(pilot, "n")
        await keys(pilot, "ctrl+s")
        shown = screen_text(app, fold=True)
        assert "Error: Choose who the request is about" in shown
        await keys(pilot, *"Quill Tamsin")  # the error took the focus to the search box
        await keys(pilot, "down", "enter")
        assert "Chosen: Quill, Tamsin" in screen_text(app, fold=True)
        await keys(pilot, *"[@click=app.quit]Ann", "tab", "2")
        await keys(pilot, *"31/2/2026", "ctrl+s")
        assert "Error: Enter the date as day/month/year" in screen_text(app, fold=True)
        await keys(pilot, "ctrl+u", *typed(received), "ctrl+s")
        assert isinstance(app.screen, SubjectAccessScreen)
        shown = screen_text(app)
        assert "[@click=app.quit]Ann" in shown  # stored text shown literally
        assert "ID to confirm" in shown and "clock not started" in shown
        [logged] = svc.sar.list(ina)
        assert logged.status is SarStatus.AWAITING_IDENTITY
        assert logged.requester_name == "[@click=app.quit]Ann"
        assert (logged.person_id, logged.received_on) == (child.id, received)

        # Identity confirmed: the clock starts, the due date is said in words.
        await keys(pilot, "i", *typed(received), "ctrl+s")
        due = due_date(received)
        words = f"due in {(due - today).days} days"
        assert words in screen_text(app) and "Open" in screen_text(app)
        assert f"due {due:%d %b %Y}" in screen_text(app, fold=True)

        # An extension: the service's rule (told within the first month) is said on the field.
        await keys(pilot, "e", "1", *"Two schools", "tab")
        await keys(pilot, *typed(due + timedelta(days=1)), "ctrl+s")
        assert "must be told within the first month" in screen_text(app, fold=True)
        await keys(pilot, "ctrl+u", *typed(today), "ctrl+s")
        extended = svc.sar.get(ina, logged.id)
        assert (extended.extension_months, extended.extension_told_on) == (1, today)
        assert extended.due_on == due_date(received, 1)
        assert "Extended by 1 month(s)" in screen_text(app, fold=True)

        # The review: every staff name released at once, the sibling withheld one by one
        # then by mark, the free text released, the line naming an informant withheld.
        await keys(pilot, "v")
        review = app.screen
        assert isinstance(review, SarReviewScreen)
        assert "TO REVIEW" in screen_text(app)
        marks = [e.mark for e in review.items]
        await keys(pilot, *["down"] * marks.index("staff"))
        await keys(pilot, "m", "r", *"In role", "ctrl+s")
        assert "Released (mark)" in screen_text(app)
        third = [e for e in review.items if e.mark == "third_party"]
        assert review.chosen() == third[0]  # the cursor went on to the next to review
        await keys(pilot, "enter", "w", *"Sibling", "ctrl+s")
        await keys(pilot, "m", "w", *"Sibling", "ctrl+s")
        await keys(pilot, "m", "r", *"Read", "ctrl+s")
        informant = next(i for i, e in enumerate(review.items) if "Zephyrine" in e.value)
        here = review.query_one("#review-table").cursor_row  # type: ignore[attr-defined]
        await keys(pilot, *(["down"] if informant > here else ["up"]) * abs(informant - here))
        await keys(pilot, "c", "w", *"Informant", "ctrl+s")
        while review.query("#review-table") and any(e.choice is None for e in review.items):
            await keys(pilot, "m", "r", *"Reviewed", "ctrl+s")
        assert "Every entry is decided" in screen_text(app, fold=True)
        # As stored (reading the record again adds its own audit entry, a staff name that
        # the decision on every staff name covers).
        stored = {e.entry: e.choice for e in svc.sar_reviews.entries(ina, logged.id)}
        assert all(stored[e.entry] is e.choice for e in review.items)
        assert None not in stored.values()

        # The file to give out, written where the screen says.
        await keys(pilot, "d", "j")  # JSON, into a folder of the test's own
        app.screen.query_one("#folder").value = str(tmp_path)  # type: ignore[attr-defined]
        await keys(pilot, "ctrl+s")
        name = f"subject-access-{logged.id}-{today:%Y-%m-%d}.json"
        assert "Written to" in screen_text(app, fold=True)
        assert name in screen_text(app, fold=True).replace(" ", "")
        text = (tmp_path / name).read_text()
        assert "Tamsin" in text and "[withheld]" in text
        assert "Oberon" not in text and "Zephyrine" not in text
        [made] = svc.sar_reviews.disclosures(ina, logged.id)
        assert made.format == "json"
        assert json.loads(text)["format"].endswith("disclosure")
        await keys(pilot, "enter", "escape")

        # Answered: it leaves the open list, and shows among all requests on time.
        assert isinstance(app.screen, SubjectAccessScreen)
        await keys(pilot, "a", *typed(today), "ctrl+s")
        assert "No open requests" in screen_text(app)
        assert "answered on time" in screen_text(app)
        await keys(pilot, "o")
        assert "Answered" in screen_text(app) and "o Open only" in footer(app)
        assert svc.sar.get(ina, logged.id).status is SarStatus.ANSWERED

    done = {action for action, *_ in audit_actions(svc, before)}
    assert {"sar.log", "sar.identity", "sar.extend", "sar.review", "sar.disclose"} <= done
    assert {"sar.answer", "person.export"} <= done


async def test_the_retention_queue_keep_hold_and_dispose(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    svc = ui_services
    pat, ada = actor_of(svc, "pat"), actor_of(svc, "ada")
    today = datetime.now(UTC).date()
    born = date(today.year - 27, 3, 1)
    kept, held, gone = (
        person(svc, pat, family=family, given="Former", dob=born)
        for family in ("Keepsake", "Holdfast", "Goneaway")
    )
    for p in (kept, held, gone):
        svc.retention.set_kind(ada, p.reference, "child_protection")
    svc.consent.record(pat, consent(gone.id))
    before = last_audit_id(svc)

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "ada")
        assert "3 record(s) due for review" in screen_text(app)
        await keys(pilot, "t")
        assert isinstance(app.screen, RetentionScreen)
        shown = screen_text(app)
        assert all(p.reference in shown for p in (kept, held, gone))
        assert "child protection" in shown and "25th birthday" in shown

        # Keep, with the reason and the next review: off the queue until then.
        next_review = today + timedelta(days=365)
        await keys(pilot, "k", *"Civil claim expected", "tab", *typed(next_review), "ctrl+s")
        assert listed(app) == [held.reference, gone.reference]
        assert f"Kept: {kept.reference}" in screen_text(app)
        assert [q.reference for q in svc.retention.queue(ada)] == [held.reference, gone.reference]
        later = svc.retention.queue(ada, next_review)
        assert kept.reference in [q.reference for q in later]

        # A legal hold: disposal is not offered; lifted, it is again.
        await keys(pilot, "h", *"Inquiry ref IQ-42", "ctrl+s")
        assert "HELD" in screen_text(app) and "UNDER A LEGAL HOLD" in screen_text(app)
        assert "d Dispose" not in footer(app) and "l Lift hold" in footer(app)
        await keys(pilot, "d")
        assert isinstance(app.screen, RetentionScreen)  # nothing asked, nothing disposed
        await keys(pilot, "l", *"Inquiry closed", "ctrl+s")
        assert "HELD" not in screen_text(app) and "d Dispose" in footer(app)
        [hold] = svc.retention.holds(ada, held.reference)
        assert hold.reason == "Inquiry ref IQ-42" and hold.lifted_at is not None

        # Disposal: the confirmation names what goes and says it cannot be undone; n keeps.
        await keys(pilot, "down", "d")
        asked = screen_text(app, fold=True)
        assert f"Dispose of the record of Former Goneaway ({gone.reference})" in asked
        assert "This cannot be undone" in asked
        assert "their details" in asked and "consent records" in asked
        await keys(pilot, "n")
        assert svc.people.summary(pat, gone.id).reference == gone.reference
        await keys(pilot, "d", "y")
        assert "Disposed of" in screen_text(app, fold=True)
        await keys(pilot, "enter")
        assert listed(app) == [held.reference]
        assert not svc.people.search(pat, "Goneaway").items
        [tomb] = svc.retention.tombstones(ada)
        assert (tomb.former_person_id, tomb.record_kind) == (gone.id, "child_protection")
    assert audit.verify(svc.store).ok
    done = [(a, e) for a, e, _ in audit_actions(svc, before)]
    for action in ("retention.keep", "retention.hold", "retention.lift", "retention.preview"):
        assert (action, "person") in done
    assert ("person.dispose", "person") in done


async def test_a_governance_form_left_is_kept_as_a_draft_and_opens_again(
    make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    """An administrator's home lists their drafts too (their governance forms)."""
    svc = ui_services
    pat, ada = actor_of(svc, "pat"), actor_of(svc, "ada")
    former = person(svc, pat, family="Draftwell", given="Former", dob=date(1990, 5, 1))
    svc.retention.set_kind(ada, former.reference, "child_protection")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "ada")
        assert "My drafts" not in screen_text(app)  # none yet: not shown
        await keys(pilot, "t", "h", *"Court order 2026/17", "escape")
        await keys(pilot, "k")  # keep what was typed as a draft
        assert isinstance(app.screen, RetentionScreen)
        await keys(pilot, "escape")
        assert f"Legal hold: {former.reference}" in screen_text(app)
        app.screen.query_one("#drafts-table", DataTable).focus()
        await keys(pilot, "enter")
        assert "Court order 2026/17" in screen_text(app)
        await keys(pilot, "ctrl+s")
        [hold] = svc.retention.holds(ada, former.reference)
        assert hold.reason == "Court order 2026/17" and hold.lifted_at is None
        assert svc.drafts.mine(ada) == []


# -- pictures -----------------------------------------------------------------------------
FIXED = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)  # a Wednesday
FIXED_CLOCK = Clock(ZoneInfo("Europe/London"), lambda: FIXED)


def test_snapshot_subject_access(
    snap_compare: Callable[..., bool], make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    svc = ui_services
    pat, ina = actor_of(svc, "pat"), actor_of(svc, "ina")
    child = person(svc, pat, family="Marker", given="[b]Jo[/b]", reference="SNAP01")
    for received, identity, requester in (
        (date(2026, 2, 2), date(2026, 2, 2), "Ann Parent"),
        (date(2026, 2, 20), date(2026, 2, 20), "Bea Solicitor"),
        (date(2026, 3, 2), None, "Jo Marker"),
    ):
        svc.sar.log(
            ina,
            child.reference,
            requester_name=requester,
            relationship="person" if identity is None else "parent_with_pr",
            received_on=received,
            identity_confirmed_on=identity,
        )

    async def run_before(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "ina")
        await keys(pilot, "s")

    assert snap_compare(make_app(clock=FIXED_CLOCK), run_before=run_before, terminal_size=(80, 24))


def test_snapshot_retention_queue(
    snap_compare: Callable[..., bool], make_app: Callable[..., ShareApp], ui_services: Services
) -> None:
    svc = ui_services
    pat, ina = actor_of(svc, "pat"), actor_of(svc, "ina")
    for family, born, ref in (
        ("Older", date(1990, 5, 1), "SNAP01"),
        ("[@click=app.quit]Younger", date(1995, 9, 30), "SNAP02"),
    ):
        p = person(svc, pat, family=family, given="Former", dob=born, reference=ref)
        svc.retention.set_kind(ina, p.reference, "child_protection")
    svc.retention.hold(ina, "SNAP02", "Inquiry")

    async def run_before(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "ina")
        await keys(pilot, "t")

    assert snap_compare(make_app(clock=FIXED_CLOCK), run_before=run_before, terminal_size=(80, 24))

"""Rule 5 through the services, on both databases: the two answers stored with each version,
a 'do not share' refused without them, an urgent share 'to complete' until an amendment
answers them, the subject access export (staff free text marked for review), the report's
'not shared with the impact recorded' by month, and the children linked to a parent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sharetui.config import Settings
from sharetui.domain.decision import IMPACT_NOT_ASKED, DecisionInput
from sharetui.domain.enums import Outcome
from sharetui.domain.errors import ValidationFailed
from sharetui.services.export import FREE_TEXT, Export
from sharetui.services.facade import Services
from sharetui.services.reports import Reports
from sharetui.store.types import replayed_clock
from tests.services.helpers import (
    NO_SHARE_IMPACT,
    audit_actions,
    insert_as_written,
    last_audit_id,
    no_share,
    person,
    share,
)
from tests.services.test_migrations import empty_url  # noqa: F401 - the fixture, both engines


def test_both_answers_are_stored_with_each_version(svc, actors):
    p = person(svc, actors.pat)
    v1 = svc.decisions.log(
        actors.pat,
        share(p.id, impact_if_not_shared="Left at risk", impact_if_shared="Father may react"),
    )
    v2 = svc.decisions.amend(
        actors.pat, v1.id, share(p.id, impact_if_not_shared="Left at risk tonight"), "Clearer"
    )
    first, second = svc.decisions.versions(actors.pat, v1.id)
    assert (first.fields["impact_if_not_shared"], first.fields["impact_if_shared"]) == (
        "Left at risk",
        "Father may react",
    )
    assert (second.fields["impact_if_not_shared"], second.fields["impact_if_shared"]) == (
        "Left at risk tonight",
        "",
    )
    assert first.impact_asked and second.impact_asked and second.id == v2.id
    again = svc.decisions.to_input(second)
    assert again.impact_if_not_shared == "Left at risk tonight"


def test_do_not_share_without_the_impact_of_not_sharing_is_refused(svc, actors):
    p = person(svc, actors.pat)
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.log(actors.pat, no_share(p.id, impact=""))
    assert set(err.value.field_errors) == {"impact_if_not_shared"}
    with pytest.raises(ValidationFailed) as err:
        svc.decisions.log(actors.pat, no_share(p.id, reasons="No need", impact="no need."))
    assert "repeats the reasons" in err.value.field_errors["impact_if_not_shared"]
    assert svc.decisions.mine(actors.pat) == []


def test_urgent_share_is_to_complete_on_the_senders_home_until_amended(svc, actors):
    p = person(svc, actors.pat)
    urgent = share(p.id, urgent=True, impact_if_not_shared="", impact_if_shared="")
    view = svc.decisions.log(actors.pat, urgent)
    assert view.to_complete
    assert [d.id for d in svc.decisions.to_complete(actors.pat)] == [view.id]
    assert svc.decisions.to_complete(actors.pip) == []  # the sender's home only
    assert [d.to_complete for d in svc.decisions.mine(actors.pat)] == [True]
    with pytest.raises(ValidationFailed) as err:  # completing the record asks rule 5
        svc.decisions.amend(actors.pat, view.id, urgent, "Added the checks")
    assert set(err.value.field_errors) == {"impact_if_not_shared"}
    done = svc.decisions.amend(
        actors.pat,
        view.id,
        share(p.id, urgent=True, impact_if_not_shared="She would have gone home to him"),
        "Completed the record after the urgent share",
    )
    assert not done.to_complete
    assert svc.decisions.to_complete(actors.pat) == []


def test_export_marks_the_answers_as_staff_free_text(svc, actors):
    p = person(svc, actors.pat)
    svc.decisions.log(actors.pat, no_share(p.id))
    svc.decisions.log(actors.pat, share(p.id, impact_if_shared="Mother may be upset"))
    exported = Export(svc.store).person(actors.ada, p.reference, "json")
    found = {
        (f.key, f.value, f.review)
        for r in exported.records("decision")
        for f in r.fields
        if f.key.startswith("impact_")
    }
    assert ("impact_if_not_shared", NO_SHARE_IMPACT, FREE_TEXT) in found
    assert ("impact_if_shared", "Mother may be upset", FREE_TEXT) in found
    labels = {f.label for r in exported.records("decision") for f in r.fields}
    assert "What could happen if it is not shared (rule 5)" in labels


def test_report_counts_not_shared_with_the_impact_recorded_by_month(svc, actors):
    year = date.today().year - 1
    p = person(svc, actors.pat)
    with replayed_clock(lambda: datetime(year, 3, 10, 10, tzinfo=UTC)):
        svc.decisions.log(actors.pat, no_share(p.id))
        svc.decisions.log(actors.pat, share(p.id, shared_at=datetime(year, 3, 10, 9, tzinfo=UTC)))
    with replayed_clock(lambda: datetime(year, 4, 10, 10, tzinfo=UTC)):
        svc.decisions.log(actors.pat, no_share(p.id, reasons="Nothing new"))
        svc.decisions.log(actors.pat, no_share(p.id, reasons="Still nothing new"))
    report = Reports(svc.store).build(actors.sam, date(year, 3, 1), date(year, 4, 30))
    march, april = (m.counts for m in report.months)
    assert (march.not_shared, march.not_shared_impact_recorded) == (1, 1)
    assert (april.not_shared, april.not_shared_impact_recorded) == (2, 2)
    assert report.totals.not_shared_impact_recorded == 3


def test_a_parents_linked_children_are_named_and_the_look_up_is_audited(svc, actors):
    today = date.today()
    mum = person(svc, actors.pat, "Smith", "Ann", dob=date(1985, 1, 2))
    jane = person(svc, actors.pat, "Smith", "Jane", dob=today - timedelta(days=365 * 7))
    baby = person(svc, actors.pat, "Smith", "Baby", dob=None)
    grown = person(svc, actors.pat, "Smith", "Grown", dob=date(2000, 5, 5))
    niece = person(svc, actors.pat, "Jones", "Nia", dob=today - timedelta(days=365 * 5))
    svc.people.link(actors.pat, mum.id, jane.id, "parent_with_pr")  # mum is parent of jane
    svc.people.link(actors.pat, baby.id, mum.id, "child")  # baby is child of mum
    svc.people.link(actors.pat, mum.id, grown.id, "parent_with_pr")  # an adult now
    svc.people.link(actors.pat, niece.id, mum.id, "other_relative")
    before = last_audit_id(svc)
    children = svc.impact.linked_children(actors.pat, mum.id)
    assert [c.id for c in children] == [jane.id, baby.id]  # youngest known first
    assert audit_actions(svc, before) == [
        ("person.children", "person", str(mum.id)),
        ("person.summary", "person", str(jane.id)),  # each child named is on their trail
        ("person.summary", "person", str(baby.id)),
    ]
    assert svc.impact.linked_children(actors.pat, jane.id) == ()  # a child has none
    assert svc.impact.linked_children(actors.pat, niece.id) == ()


def test_pending_advice_is_never_to_complete(svc, actors):
    p = person(svc, actors.pat)
    pending = DecisionInput(
        subject_id=p.id, urgent=True, outcome=Outcome.PENDING_ADVICE, reasons="Asked the DSL"
    )
    view = svc.decisions.log(actors.pat, pending)
    assert not view.to_complete and svc.decisions.to_complete(actors.pat) == []


# -- decisions made before the question existed ---------------------------------------------
def test_decisions_held_before_the_question_are_left_as_they_were(empty_url):  # noqa: F811
    """A site on schema 0003 with a 'do not share' on record: the upgrade adds the columns
    and changes no row; the decision reads 'not recorded (before this question existed)' in
    the record and the export, is never 'to complete', and counts as not recorded in the
    report. Amending it now asks rule 5."""
    from alembic import command
    from sqlmodel import Session, select

    from sharetui.services.users import _view, actor_for
    from sharetui.store.engine import make_engine
    from sharetui.store.migrate import alembic_config
    from sharetui.store.models import User
    from sharetui.store.types import utcnow

    year = date.today().year - 1
    at = datetime(year, 6, 1, 10, tzinfo=UTC)
    engine = make_engine(empty_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003")
        with engine.begin() as conn:  # what the app of schema 0003 wrote
            insert_as_written(
                conn,
                "app_user",
                [
                    {
                        "id": 1,
                        "username": "pat",
                        "display_name": "Pat Practitioner",
                        "role": "practitioner",
                        "advice_roles": "",
                        "passphrase_hash": "x",
                        "active": True,
                        "failed_signins": 0,
                        "created_at": utcnow(),
                    },
                    {
                        "id": 2,
                        "username": "ada",
                        "display_name": "Ada Admin",
                        "role": "admin",
                        "advice_roles": "",
                        "passphrase_hash": "x",
                        "active": True,
                        "failed_signins": 0,
                        "created_at": utcnow(),
                    },
                ],
            )
            insert_as_written(
                conn,
                "person",
                [
                    {
                        "id": 1,
                        "family_name": "Old",
                        "given_names": "Olive",
                        "other_names": "",
                        "sort_key": "old olive",
                        "dob_estimated": False,
                        "reference": "OLD1",
                        "notes": "",
                        "created_by_id": 1,
                        "created_at": at,
                        "last_activity_at": at,
                    }
                ],
            )
            insert_as_written(
                conn,
                "sharing_decision",
                [
                    {
                        "id": 1,
                        "root_id": 1,
                        "version": 1,
                        "amend_reason": "",
                        "subject_id": 1,
                        "urgent": True,
                        "recipient_org": "",
                        "recipient_role": "",
                        "recipient_name": "",
                        "recipient_contact": "",
                        "caller_unverified": False,
                        "purpose": "",
                        "information": "",
                        "categories": [],
                        "special_category": False,
                        "criminal_offence": False,
                        "without_consent_reason": "",
                        "necessity": "",
                        "checks": {},
                        "identities_protected": "",
                        "not_told_reason": "",
                        "outcome": "do_not_share",
                        "reasons": "Not needed",
                        "decided_by_id": 1,
                        "decided_at": at,
                    }
                ],
            )
    finally:
        engine.dispose()
    svc = Services.open(Settings(database_url=empty_url, terminal="t"))
    try:
        with Session(svc.store.engine) as s:
            users = {u.username: _view(u) for u in s.exec(select(User)).all()}
        pat, ada = actor_for(users["pat"], "t"), actor_for(users["ada"], "t")
        [view] = svc.decisions.versions(pat, 1)
        assert view.fields["impact_if_not_shared"] is None and not view.impact_asked
        assert not view.to_complete and svc.decisions.to_complete(pat) == []
        exported = Export(svc.store).person(ada, "OLD1", "json")
        [record] = exported.records("decision")
        impact = {f.key: f.value for f in record.fields if f.key.startswith("impact_")}
        assert impact == {
            "impact_if_not_shared": IMPACT_NOT_ASKED,
            "impact_if_shared": IMPACT_NOT_ASKED,
        }
        report = Reports(svc.store).build(ada, date(year, 6, 1), date(year, 6, 30))
        assert (report.totals.not_shared, report.totals.not_shared_impact_recorded) == (1, 0)
        with pytest.raises(ValidationFailed) as err:
            svc.decisions.amend(pat, 1, svc.decisions.to_input(view), "typo")
        assert set(err.value.field_errors) == {"impact_if_not_shared"}
    finally:
        svc.close()

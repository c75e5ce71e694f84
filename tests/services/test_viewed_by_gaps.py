"""'Viewed by' against someone who reads a person's consent history without opening their
record (the decision flow's consent page does, for the person chosen from a search): on both
databases. Opening the record itself still reads as one line, "the record"."""

from __future__ import annotations

from sharetui.services.audit import viewed_by
from tests.services.helpers import consent, person


def test_consent_history_read_outside_the_record_is_in_viewed_by(svc, actors):
    p = person(svc, actors.pat)
    svc.consent.record(actors.pat, consent(p.id))
    svc.consent.current(actors.pip, p.id)  # the consent page of a decision: no record opened
    views = viewed_by(svc.store, actors.sam, p.id)
    assert [(v.username, v.what) for v in views] == [("pip", "consent history")]
    # The record's own read of its consent history (and its reloads) is "the record".
    svc.people.open(actors.sue, p.id)
    svc.consent.current(actors.sue, p.id)
    svc.consent.current(actors.sue, p.id)
    views = viewed_by(svc.store, actors.sam, p.id)
    assert [(v.username, v.what) for v in views] == [
        ("sue", "the record"),
        ("pip", "consent history"),
    ]


def test_opening_a_decision_is_on_the_trail_of_everyone_it_names(svc, actors):
    """A decision names others affected (a sibling, a parent): it is on their timeline, and
    opening it shows their names, yet only the subject's 'Viewed by' said so."""
    from dataclasses import replace

    from tests.services.helpers import no_share

    child = person(svc, actors.pat)
    sibling = person(svc, actors.pat, "Smith", "Tom")
    decision = svc.decisions.log(
        actors.pat, replace(no_share(child.id), others_affected=[sibling.id])
    )
    svc.decisions.versions(actors.pip, decision.id)
    for who in (child, sibling):
        views = viewed_by(svc.store, actors.sam, who.id)
        assert [(v.username, v.what) for v in views] == [("pip", "a decision")], who


def test_the_children_a_decision_names_are_on_their_own_trail(svc, actors):
    """The decision page of a parent names each linked child (rule 5): the read was on the
    parent's trail only."""
    from datetime import date

    mum = person(svc, actors.pat, "Smith", "Ann", date(1990, 1, 1))
    child = person(svc, actors.pat, "Smith", "Kit", date(2018, 1, 1))
    svc.people.link(actors.pat, mum.id, child.id, "parent_with_pr")
    assert [c.id for c in svc.impact.linked_children(actors.pip, mum.id)] == [child.id]
    views = viewed_by(svc.store, actors.sam, child.id)
    assert [(v.username, v.what) for v in views] == [("pip", "name and details")]

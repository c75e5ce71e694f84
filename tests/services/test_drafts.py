"""Drafts on both databases: nothing typed is lost, and a draft is its owner's alone."""

from __future__ import annotations

import pytest

from sharetui.domain.decision import DecisionInput
from sharetui.domain.errors import NotFound, ValidationFailed
from sharetui.store.models import Draft
from tests.services.helpers import count, person, share


def test_save_overwrite_load_and_discard(svc, actors):
    p = person(svc, actors.pat)
    form = share(p.id)
    first = svc.drafts.save(actors.pat, kind="decision", payload={}, page="who", title="Jane")
    again = svc.drafts.save(
        actors.pat,
        kind="decision",
        payload=form.to_dict(),
        page="decision",
        title="Jane Smith",
        draft_id=first.id,
    )
    assert again.id == first.id and count(svc, Draft) == 1
    loaded = svc.drafts.load(actors.pat, first.id)
    assert (loaded.page, loaded.title) == ("decision", "Jane Smith")
    assert DecisionInput.from_dict(loaded.payload) == form
    assert [d.id for d in svc.drafts.mine(actors.pat)] == [first.id]
    svc.drafts.discard(actors.pat, first.id)
    assert svc.drafts.mine(actors.pat) == []
    with pytest.raises(NotFound):
        svc.drafts.load(actors.pat, first.id)


def test_a_draft_is_private_to_its_owner(svc, actors):
    mine = svc.drafts.save(actors.pat, kind="decision", payload={"reasons": "secret"})
    assert svc.drafts.mine(actors.pip) == []
    for attempt in (
        lambda: svc.drafts.load(actors.pip, mine.id),
        lambda: svc.drafts.discard(actors.sam, mine.id),
        lambda: svc.drafts.save(actors.pip, kind="decision", payload={}, draft_id=mine.id),
    ):
        with pytest.raises(NotFound, match="That draft is gone"):
            attempt()
    assert svc.drafts.load(actors.pat, mine.id).payload == {"reasons": "secret"}


def test_newest_draft_first_and_size_limit(svc, actors):
    a = svc.drafts.save(actors.pat, kind="decision", payload={"n": 1})
    b = svc.drafts.save(actors.pat, kind="decision", payload={"n": 2})
    svc.drafts.save(actors.pat, kind="decision", payload={"n": 3}, draft_id=a.id)
    assert [d.id for d in svc.drafts.mine(actors.pat)] == [a.id, b.id]
    with pytest.raises(ValidationFailed) as err:
        svc.drafts.save(actors.pat, kind="decision", payload={"reasons": "x" * 1_000_001})
    assert err.value.field_errors == {"payload": "This form is too large to save as a draft"}
    assert count(svc, Draft) == 2

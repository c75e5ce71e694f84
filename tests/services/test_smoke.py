from __future__ import annotations

from datetime import date

from sharetui.domain.person import PersonInput


def test_create_and_find_person(svc, actors):
    p = svc.people.create(actors.pat, PersonInput("Smith", "Jane", date_of_birth=date(2016, 3, 4)))
    page = svc.people.find(actors.pat, "jan smi")
    assert [r.id for r in page.items] == [p.id]

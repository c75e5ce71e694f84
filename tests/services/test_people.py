"""People through the service on both databases: create, find, links and timeline."""

from __future__ import annotations

from datetime import date

import pytest

from sharetui.domain.enums import ConsentStatus, Relationship
from sharetui.domain.errors import NotFound, ValidationFailed
from sharetui.domain.person import PersonInput
from sharetui.services.people import PossibleDuplicate
from sharetui.store.models import Person
from tests.services.helpers import consent, count, no_share, person

DOB = date(2016, 3, 4)


def names(page) -> list[str]:
    return [f"{p.given_names} {p.family_name}" for p in page.items]


def test_create_cleans_and_gives_a_reference(svc, actors):
    p = svc.people.create(
        actors.pat,
        PersonInput(
            family_name=" Smith\x1b[0m ",
            given_names="Jane\u202e",
            date_of_birth=DOB,
            nhs_number="943 476 5919",
            notes="Allergic\r\nto nuts\x07",
        ),
    )
    assert (p.family_name, p.given_names, p.reference) == ("Smith[0m", "Jane", f"P{p.id:06d}")
    detail = svc.people.open(actors.pat, p.id)
    assert (detail.nhs_number, detail.notes) == ("9434765919", "Allergic\nto nuts")


def test_possible_duplicate_then_confirmed(svc, actors):
    first = svc.people.create(actors.pat, PersonInput("Smith", "Jane", date_of_birth=DOB))
    with pytest.raises(PossibleDuplicate) as err:
        svc.people.create(actors.pat, PersonInput("SMITH", " jane ", date_of_birth=DOB))
    assert [m.id for m in err.value.matches] == [first.id]
    assert first.reference in err.value.message
    assert count(svc, Person) == 1
    assert [
        (m.person.id, m.reason)
        for m in svc.people.possible_duplicates(
            actors.pat, PersonInput("Smith", "Jane", date_of_birth=DOB)
        )
    ] == [(first.id, "exact")]
    second = svc.people.create(
        actors.pat, PersonInput("Smith", "Jane", date_of_birth=DOB), confirm_not_duplicate=True
    )
    assert second.id != first.id and count(svc, Person) == 2
    # A different date of birth is not a duplicate.
    svc.people.create(actors.pat, PersonInput("Smith", "Jane", date_of_birth=date(2015, 1, 1)))


def test_reference_is_unique_whatever_the_case(svc, actors):
    person(svc, actors.pat, reference="abc-1")
    with pytest.raises(ValidationFailed) as err:
        person(svc, actors.pat, "Jones", "Tom", reference=" ABC-1 ")
    assert err.value.field_errors == {
        "reference": "The reference ABC-1 is already used by another person"
    }


def test_nhs_number_checksum(svc, actors):
    with pytest.raises(ValidationFailed) as err:
        person(svc, actors.pat, nhs_number="943 476 5918")
    assert err.value.field_errors == {
        "nhs_number": "Check the NHS number: its last digit does not match (it may be mistyped)"
    }
    with pytest.raises(ValidationFailed) as err:
        person(svc, actors.pat, family="", given="", dob=date(2999, 1, 1))
    assert set(err.value.field_errors) == {"family_name", "given_names", "date_of_birth"}
    assert count(svc, Person) == 0


def test_find_by_partial_names_in_any_order(svc, actors):
    jane = person(svc, actors.pat, "Smith", "Jane Mary")
    person(svc, actors.pat, "Smithers", "Tom")
    person(svc, actors.pat, "Jones", "Janet")
    for query in ("jane smith", "SMITH JANE", "smi ja", "ma sm", "Jane  Mary"):
        assert [p.id for p in svc.people.find(actors.pat, query).items] == [jane.id], query
    assert names(svc.people.find(actors.pat, "smi")) == ["Jane Mary Smith", "Tom Smithers"]
    assert names(svc.people.find(actors.pat, "jan")) == ["Janet Jones", "Jane Mary Smith"]
    assert svc.people.find(actors.pat, "   ").items == ()
    assert svc.people.find(actors.pat, "nobody").items == ()


def test_find_is_accent_insensitive_both_ways(svc, actors):
    zoe = person(svc, actors.pat, "Brontë", "Zoë")
    sean = person(svc, actors.pat, "O'Connor", "Seán")
    for query in ("zoe", "ZOË", "zoe bronte", "brontë"):
        assert [p.id for p in svc.people.find(actors.pat, query).items] == [zoe.id], query
    assert [p.id for p in svc.people.find(actors.pat, "sean connor").items] == [sean.id]


def test_find_by_other_names(svc, actors):
    p = person(svc, actors.pat, "Smith", "Jane", other_names="Janie Bloggs")
    assert [x.id for x in svc.people.find(actors.pat, "blog").items] == [p.id]
    assert [x.id for x in svc.people.find(actors.pat, "janie smith").items] == [p.id]


def test_find_by_date_of_birth_in_several_formats(svc, actors):
    jane = person(svc, actors.pat, "Smith", "Jane", dob=DOB)
    person(svc, actors.pat, "Smith", "Jane", dob=date(2016, 4, 3))
    person(svc, actors.pat, "Jones", "Tom", dob=None)
    for query in ("2016-03-04", "4/3/2016", "04/03/2016", "4-3-2016", "4.3.2016", "4 3 2016"):
        assert [p.id for p in svc.people.find(actors.pat, query).items] == [jane.id], query
        assert [p.id for p in svc.people.find(actors.pat, f"jane {query}").items] == [jane.id]
        assert svc.people.find(actors.pat, f"tom {query}").items == (), query


def test_find_by_reference_or_nhs_prefix(svc, actors):
    a = person(svc, actors.pat, reference="CASE-1001")
    b = person(svc, actors.pat, "Jones", "Tom", reference="CASE-1002", nhs_number="9434765919")
    assert {p.id for p in svc.people.find(actors.pat, "case-100").items} == {a.id, b.id}
    assert [p.id for p in svc.people.find(actors.pat, "case-1002").items] == [b.id]
    assert [p.id for p in svc.people.find(actors.pat, "943 476").items] == [b.id]
    assert [p.id for p in svc.people.find(actors.pat, "9434765919").items] == [b.id]


def test_equal_names_newest_activity_first(svc, actors):
    old = person(svc, actors.pat, "Smith", "Jane", dob=date(2010, 1, 1))
    new = person(svc, actors.pat, "Smith", "Jane", dob=date(2012, 1, 1))
    person(svc, actors.pat, "Adams", "Zed")
    assert [p.id for p in svc.people.find(actors.pat, "smith jane").items] == [new.id, old.id]
    svc.consent.record(actors.pat, consent(old.id))  # activity on the older record
    assert [p.id for p in svc.people.find(actors.pat, "smith jane").items] == [old.id, new.id]
    svc.decisions.log(actors.pat, no_share(new.id))
    assert [p.id for p in svc.people.find(actors.pat, "smith jane").items] == [new.id, old.id]
    # Different names sort by family name, then given names.
    person(svc, actors.pat, "Smith", "Adam")
    assert names(svc.people.find(actors.pat, "smith"))[0] == "Adam Smith"


def test_paging_has_more(svc, actors):
    made = [person(svc, actors.pat, "Page", f"Kid{i:02d}").id for i in range(23)]
    first = svc.people.find(actors.pat, "page", limit=20)
    assert len(first.items) == 20 and first.has_more
    second = svc.people.find(actors.pat, "page", offset=20, limit=20)
    assert len(second.items) == 3 and not second.has_more
    assert sorted(p.id for p in first.items + second.items) == sorted(made)
    exact = svc.people.find(actors.pat, "page", offset=3, limit=20)
    assert len(exact.items) == 20 and not exact.has_more


def test_links_show_both_ways_with_the_inverse_relationship(svc, actors):
    child = person(svc, actors.pat, "Smith", "Jane")
    mum = person(svc, actors.pat, "Smith", "Mary", dob=date(1985, 5, 5))
    brother = person(svc, actors.pat, "Smith", "Tom", dob=date(2014, 1, 1))
    svc.people.link(actors.pat, mum.id, child.id, "parent_with_pr")
    svc.people.link(actors.pat, brother.id, child.id, "Sibling")
    child_links = {
        lv.person.id: lv.relationship for lv in svc.people.open(actors.pat, child.id).links
    }
    assert child_links == {mum.id: Relationship.PARENT_WITH_PR, brother.id: Relationship.SIBLING}
    mum_links = {lv.person.id: lv.relationship for lv in svc.people.open(actors.pat, mum.id).links}
    assert mum_links == {child.id: Relationship.CHILD}
    bro_links = {
        lv.person.id: lv.relationship for lv in svc.people.open(actors.pat, brother.id).links
    }
    assert bro_links == {child.id: Relationship.SIBLING}


def test_link_errors(svc, actors):
    a = person(svc, actors.pat, "Smith", "Jane")
    b = person(svc, actors.pat, "Smith", "Mary")
    svc.people.link(actors.pat, a.id, b.id, "sibling")
    cases = [
        ((b.id, a.id, "sibling"), "to_person_id", "These two people are already linked"),
        ((a.id, a.id, "sibling"), "to_person_id", None),
        ((a.id, b.id, "cousin-ish"), "relationship", "Choose the relationship"),
        ((a.id, 999_999, "sibling"), "to_person_id", "Choose a person who is on record"),
    ]
    for args, field, message in cases:
        with pytest.raises(ValidationFailed) as err:
            svc.people.link(actors.pat, *args)
        assert field in err.value.field_errors
        if message:
            assert err.value.field_errors[field] == message


def test_open_unknown_person(svc, actors):
    with pytest.raises(NotFound, match="not on record"):
        svc.people.open(actors.pat, 999_999)
    with pytest.raises(NotFound):
        svc.people.timeline(actors.pat, 999_999)


def test_timeline_pages_through_hundreds_of_entries(svc, actors):
    p = person(svc, actors.pat)
    kinds = []
    for i in range(70):
        svc.consent.record(actors.pat, consent(p.id, scope_purpose=f"Purpose {i}"))
        svc.decisions.log(actors.pat, no_share(p.id, f"Reason {i}"))
        svc.advice.raise_request(
            actors.pat,
            question=f"Question {i}",
            advice_role="dsl",
            urgency="routine",
            person_id=p.id,
        )
        kinds += ["consent", "decision", "advice"]
    seen = []
    offset = 0
    while True:
        page = svc.people.timeline(actors.pat, p.id, offset=offset, limit=25)
        seen.extend(page.items)
        if not page.has_more:
            break
        offset += 25
    assert len(seen) == 210
    assert len({(e.kind, e.id) for e in seen}) == 210
    assert sorted(e.kind for e in seen) == sorted(kinds)
    times = [e.at for e in seen]
    assert times == sorted(times, reverse=True)
    assert seen[0].title == "Advice pending" and seen[0].detail == "Question 69"
    assert seen[-1].title == "Consent given"


def test_timeline_shows_the_latest_version_of_a_decision(svc, actors):
    p = person(svc, actors.pat)
    v1 = svc.decisions.log(actors.pat, no_share(p.id))
    v2 = svc.decisions.amend(actors.pat, v1.id, no_share(p.id, "Corrected"), "typo")
    entries = svc.people.timeline(actors.pat, p.id).items
    assert [(e.kind, e.id, e.title) for e in entries] == [
        ("decision", v2.id, "Decision: Do not share (version 2)")
    ]


def test_timeline_shows_consent_refused_as_clearly_as_given(svc, actors):
    p = person(svc, actors.pat)
    svc.consent.record(actors.pat, consent(p.id, ConsentStatus.REFUSED, told=""))
    [entry] = svc.people.timeline(actors.pat, p.id).items
    assert entry.title == "Consent refused"
    assert entry.detail == "Health information to School nurse for Care plan"


def test_odd_queries_find_nothing_and_never_fail(svc, actors):
    person(svc, actors.pat)
    for query in ("1\x002", "²/3/2016", "%_*", "\x1b[2J", "\u202e123", "'; drop table person; --"):
        assert svc.people.find(actors.pat, query).items == (), query
        assert svc.people.search(actors.pat, query).items == (), query


def test_search_pages_exact_matches_then_similar_names(svc, actors):
    exact = [person(svc, actors.pat, "Page", f"Kid{i:02d}").id for i in range(21)]
    similar = [
        person(svc, actors.pat, "Paige", "Amy").id,
        person(svc, actors.pat, "Pagre", "Bo").id,
    ]
    first = svc.people.search(actors.pat, "page", 0, 20)
    assert [m.reason for m in first.items] == ["exact"] * 20 and first.has_more
    assert first.similar_count is None  # not looked for while exact matches fill the page
    assert svc.people.search(actors.pat, "page", 0, 20, count_similar=True).similar_count == 2
    second = svc.people.search(actors.pat, "page", 20, 20)
    assert [(m.person.id, m.reason) for m in second.items] == [
        (exact[-1], "exact"),
        (similar[0], "sounds like"),
        (similar[1], "one letter different"),
    ]
    assert not second.has_more and second.exact_count == 21
    third = svc.people.search(actors.pat, "page", 21, 20)  # starts past the exact group
    assert [m.person.id for m in third.items] == similar and third.exact_count == 21


def test_search_by_reference_or_number_stays_exact(svc, actors):
    a = person(svc, actors.pat, reference="CASE-1001")
    person(svc, actors.pat, "Jones", "Tom", reference="CASE-1011")
    page = svc.people.search(actors.pat, "case-1001")
    assert [(m.person.id, m.reason) for m in page.items] == [(a.id, "exact")]
    assert page.similar_count == 0
    assert svc.people.search(actors.pat, "case-1002").items == ()


def test_search_by_year_of_birth_narrows_names(svc, actors):
    born_2016 = person(svc, actors.pat, "Smith", "Jane", dob=DOB)
    person(svc, actors.pat, "Smith", "Janet", dob=date(2015, 3, 4))
    smyth = person(svc, actors.pat, "Smyth", "Jane", dob=date(2016, 7, 1))
    page = svc.people.search(actors.pat, "jane smith 2016")
    assert [(m.person.id, m.reason) for m in page.items] == [
        (born_2016.id, "exact"),
        (smyth.id, "sounds like"),
    ]

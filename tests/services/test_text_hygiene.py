"""Control characters never reach the database: every service is fed text laced with
escape sequences and bidi overrides, then every text and JSON column of every table is read
back and searched for them."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from sharetui.domain.decision import QualityCheck
from sharetui.domain.enums import ConsentGiver, ConsentMethod, Quality
from sharetui.domain.person import PersonInput
from sharetui.services import audit
from sharetui.services.export import Export, to_csv, to_json
from tests.services.helpers import consent, share

BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
DIRTY = "\x1b[31m\x1b]8;;http://x\x07E\u202eSC\u2066\x00\x9b\u200f"


def _is_text(kind: object) -> bool:
    """String, Text and JSON columns, including SQLModel's AutoString wrapper."""
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return isinstance(kind, String | Text | JSON)


def d(label: str) -> str:
    """A value with every kind of unwanted character wrapped around a readable label."""
    return f"{DIRTY}{label}{DIRTY}\r\n{label}\x7f"


def test_no_control_characters_are_stored_anywhere(svc, actors):
    p = svc.people.create(
        actors.pat,
        PersonInput(
            family_name=d("Smith"),
            given_names=d("Jane"),
            other_names=d("Janie"),
            reference=d("REF1"),
            notes=d("notes"),
        ),
    )
    q = svc.people.create(actors.pat, PersonInput(family_name="Smith", given_names=d("Tom")))
    svc.people.link(actors.pat, q.id, p.id, "sibling")
    ev = svc.consent.record(
        actors.pat,
        consent(
            p.id,
            given_by_name=d("Mum"),
            told=d("told"),
            scope_information=d("info"),
            scope_recipient=d("nurse"),
            scope_purpose=d("plan"),
        ),
    )
    svc.consent.withdraw(
        actors.pat, ev.id, ConsentGiver.PERSON, ConsentMethod.VERBAL, given_by_name=d("Jane")
    )
    decision = share(
        p.id,
        recipient_org=d("org"),
        recipient_role=d("role"),
        recipient_name=d("name"),
        recipient_contact=d("contact"),
        purpose=d("purpose"),
        information=d("information"),
        categories=[d("health")],
        without_consent_reason=d("why"),
        necessity=d("necessity"),
        identities_protected=d("identities"),
        not_told_reason=d("not told"),
        reasons=d("reasons"),
        checks={x.value: QualityCheck(False, d("note")) for x in Quality},
    )
    draft = svc.drafts.save(
        actors.pat,
        kind="decision",
        payload={"reasons": d("typed"), "nested": [d("x"), {d("k"): d("v")}]},
        page=d("page"),
        title=d("title"),
    )
    v1 = svc.decisions.log(actors.pat, decision)
    svc.decisions.amend(actors.pat, v1.id, replace(decision, reasons=d("again")), d("typo"))
    item = svc.advice.raise_request(
        actors.pat,
        question=d("question"),
        advice_role="dsl",
        urgency="today",
        person_id=p.id,
        anonymised=True,
        draft_id=draft.id,
    )
    svc.advice.reveal(actors.sam, item.id, d("reason"))
    svc.advice.claim(actors.sam, item.id)
    svc.advice.advise(actors.sam, item.id, d("advice"))
    svc.advice.close(actors.pat, item.id, d("outcome"))
    svc.users.set_roles(actors.ada, "pip", "supervisor", ["dsl"])
    audit.verify_as(svc.store, actors.ada)

    found: list[str] = []
    seen = 0
    with svc.store.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in table.columns if _is_text(c.type)]
            if not cols:
                continue
            for row in conn.execute(select(*cols)).mappings():
                for name, value in row.items():
                    if value is None:
                        continue
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    seen += 1
                    if BAD.search(text):
                        found.append(f"{table.name}.{name}: {text[:60]!r}")
    assert seen > 100
    assert found == []
    # And the readable text survived.
    stored = svc.people.open(actors.pat, p.id).summary
    assert stored.family_name == "[31m]8;;http://xESCSmith[31m]8;;http://xESC Smith"


# What names need is kept exactly: the zero-width non-joiner and joiner, and variation
# selectors, even with controls and bidi overrides wrapped around them.
NEEDED = {
    "family_name": "അന്\u200dവര്\u200d",  # Malayalam chillu letters (ZWJ)
    "given_names": "نیک\u200cنام ශ්\u200dරීනාත්",  # Persian (ZWNJ), Sinhala conjunct (ZWJ)
    "other_names": "\U0001f468\u200d\U0001f469\u200d\U0001f467 \u2764\ufe0f \u845b\U000e0100",
    "notes": "लक्ष्\u200dमी\nक्\u200cष",  # Devanagari half form asked for, and refused
}


def test_joiners_and_variation_selectors_are_stored_exactly(svc, actors):
    dirty = {k: f"\u202e{v}\x1b\u2066" for k, v in NEEDED.items()}
    p = svc.people.create(actors.pat, PersonInput(**dirty))
    detail = svc.people.open(actors.pat, p.id)
    names = {k: getattr(detail.summary, k) for k in ("family_name", "given_names", "other_names")}
    assert {**names, "notes": detail.notes} == NEEDED
    found = svc.people.find(actors.pat, NEEDED["family_name"]).items
    assert [x.id for x in found] == [p.id]
    decision = svc.decisions.log(actors.pat, share(p.id, reasons=f"\u202e{NEEDED['notes']}"))
    assert svc.decisions.versions(actors.pat, decision.id)[0].fields["reasons"] == NEEDED["notes"]
    draft = svc.drafts.save(
        actors.pat, kind="decision", payload={"reasons": NEEDED["given_names"] + "\x07"}
    )
    assert svc.drafts.load(actors.pat, draft.id).payload == {"reasons": NEEDED["given_names"]}
    exported = Export(svc.store).person(actors.ada, p.reference, "json")
    details = {f.key: f.value for f in exported.records("person")[0].fields}
    assert {k: details[k] for k in NEEDED} == NEEDED
    in_json = json.loads(to_json(exported))["sections"][0]["records"][0]["fields"]
    assert {f["key"]: f["value"] for f in in_json if f["key"] in NEEDED} == NEEDED
    in_csv = {row["field"]: row["value"] for row in csv.DictReader(io.StringIO(to_csv(exported)))}
    assert {k: in_csv[k] for k in NEEDED} == NEEDED

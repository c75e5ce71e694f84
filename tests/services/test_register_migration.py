"""Schema 0006 on a site with history, on both engines: free-text recipients become the
register, obvious duplicates merged, near ones listed for review, and reports still find the
organisation of decisions that cannot be changed."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from sharetui.config import Settings
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.store.engine import make_engine
from sharetui.store.migrate import alembic_config, head_revision, upgrade
from sharetui.store.types import utcnow
from tests.services.helpers import insert_as_written
from tests.services.test_migrations import empty_url  # noqa: F401  (the fixture)

RECORDED = [
    # (organisation as typed, role, name, contact)
    ("Northshire Children's Social Care", "Duty social worker", "Sam Patel", "duty@ns.gov.uk"),
    ("northshire childrens social care", "Duty Social Worker", "Sam  Patel", "duty@ns.gov.uk"),
    ("The Northshire Children’s Social-Care", "", "", ""),
    ("Northshire Children's Social Care", "Team manager", "Alex Kim", "alex@ns.gov.uk"),
    ("Northshire CSC", "", "", "mash@ns.gov.uk"),
    ("Northfield Academy", "DSL", "Jo Reid", "dsl@northfield.sch.uk"),
    ("Northshire Police", "", "", ""),
]


def _decision_rows(now):
    base = {
        "version": 1,
        "amend_reason": "",
        "subject_id": 1,
        "urgent": False,
        "caller_unverified": False,
        "purpose": "Referral",
        "information": "Concerns",
        "categories": [],
        "special_category": False,
        "criminal_offence": False,
        "without_consent_reason": "",
        "necessity": "",
        "checks": {},
        "identities_protected": "",
        "not_told_reason": "",
        "outcome": "share",
        "reasons": "Risk",
        "decided_by_id": 1,
        "decided_at": now,
    }
    return [
        {
            **base,
            "id": n,
            "root_id": n,
            "recipient_org": org,
            "recipient_role": role,
            "recipient_name": name,
            "recipient_contact": contact,
        }
        for n, (org, role, name, contact) in enumerate(RECORDED, 1)
    ]


def test_free_text_recipients_become_the_register(empty_url):  # noqa: F811
    from sharetui.store.models import SharingDecision

    engine = make_engine(empty_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003")
        now = utcnow()
        old_columns = [
            c
            for c in SharingDecision.__table__.c
            if c.name
            not in {
                "kind",
                "recipient_org_id",
                "recipient_contact_id",
                "agreement_id",
                "agreement_cover",
                "transfer_reason",
                "moved_on",
                "pupil_file_separate",
                "receipt_required",
            }
        ]
        decision_0003 = sa.Table(
            "sharing_decision", sa.MetaData(), *(c._copy() for c in old_columns)
        )
        with engine.begin() as conn:
            insert_as_written(
                conn,
                "app_user",
                [
                    {
                        "id": 1,
                        "username": "sam",
                        "display_name": "Sam",
                        "role": "supervisor",
                        "advice_roles": "dsl",
                        "passphrase_hash": "x",
                        "active": True,
                        "failed_signins": 0,
                        "created_at": now,
                    }
                ],
            )
            insert_as_written(
                conn,
                "person",
                [
                    {
                        "id": 1,
                        "family_name": "Smith",
                        "given_names": "Jane",
                        "other_names": "",
                        "sort_key": "smith jane",
                        "dob_estimated": False,
                        "reference": "R1",
                        "notes": "",
                        "created_by_id": 1,
                        "created_at": now,
                        "last_activity_at": now,
                    }
                ],
            )
            conn.execute(decision_0003.insert(), _decision_rows(now))
        assert upgrade(engine) == head_revision()
    finally:
        engine.dispose()
    svc = Services.open(Settings(database_url=empty_url, terminal="t"))
    try:
        sam = Actor(1, "sam", "Sam", "supervisor", ("dsl",), "t")
        orgs = {o.name: o for o in svc.register.orgs(sam)}
        # Three spellings that fold alike are one organisation, named by the commonest
        assert sorted(orgs) == [
            "Northfield Academy",
            "Northshire CSC",
            "Northshire Children's Social Care",
            "Northshire Police",
        ]
        csc = orgs["Northshire Children's Social Care"]
        assert csc.kind.value == "social_care"
        assert orgs["Northfield Academy"].kind.value == "school"
        assert orgs["Northshire Police"].kind.value == "police"
        # Contacts merged where they differ only by case and spacing
        assert sorted((c.role, c.name) for c in csc.contacts) == [
            ("Duty social worker", "Sam Patel"),
            ("Team manager", "Alex Kim"),
        ]
        assert "Spellings merged:" in csc.review_note
        # Not obvious: listed for review with the other named, not merged
        assert "Possibly the same organisation as: Northshire CSC" in csc.review_note
        assert "Possibly the same organisation as: Northshire Children's Social Care" in (
            orgs["Northshire CSC"].review_note
        )
        assert all(o.to_review for o in orgs.values())
        # A supervisor merges them; the register then offers one
        svc.register.merge(sam, csc.id, orgs["Northshire CSC"].id)
        found = svc.register.search(sam, "northshire mash")
        assert [(c.org, c.contact) for c in found] == [
            ("Northshire Children's Social Care", "mash@ns.gov.uk")
        ]
        # The old decisions are unchanged (append-only) and still read as they were
        with svc.store.engine.connect() as conn:
            orgs_on_record = (
                conn.execute(sa.text("SELECT recipient_org FROM sharing_decision ORDER BY id"))
                .scalars()
                .all()
            )
        assert orgs_on_record == [r[0] for r in RECORDED]
    finally:
        svc.close()

"""Retention and disposal, on both engines: the review queue, keep with a reason and the next
date, disposal that leaves no row and no search key about the person, a tombstone, an audit
trail that still verifies, and database files in which `strings` finds none of the person's
details once the database has cleaned up; a legal hold stops disposal, in the service and in
the database itself."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from sharetui.config import Settings
from sharetui.domain.after_share import DecisionKind
from sharetui.domain.errors import NotAllowed, ValidationFailed
from sharetui.domain.governance import RecordKind
from sharetui.services import audit
from sharetui.services.facade import Services
from sharetui.store.append_only import refusal
from sharetui.store.disposal_sql import HELD
from tests.conftest import PASSPHRASE, TOTP_SECRET, totp_code
from tests.services.helpers import audit_actions, consent, last_audit_id, person, share
from tests.services.test_append_only import roles_database  # noqa: F401 - a fixture

DETAILS = ("Wilhelmina", "Quartermaine", "Larkspur Close", "WQ-9931", "9434765919")


@pytest.fixture
def ig(actors):
    return actors.ina  # seeded with the information governance role (tests/conftest.py)


def _born_26_years_ago() -> date:
    today = datetime.now(UTC).date()
    return date(today.year - 26, 1, 15)


IMPORT_HEADER = (
    "Adno,UPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Gender,Year,Reg,NHS Number\r\n"
)


def _after_the_share(svc, actors, p, tmp_path: Path) -> dict[str, int]:
    """The register era: a share to a register entry and a child protection file transfer,
    each with receipt steps (append-only), a file received about them, unfinished forms in
    the shapes the screens save, and an import that kept their earlier details as a version
    (append-only). Returns the ids the checks look for."""
    org = svc.register.add_org(actors.sam, "Northshire Children's Services", "social_care")
    school = svc.register.add_org(actors.sam, "Larkspur Academy Trust", "school")
    shared = svc.decisions.log(
        actors.pat,
        share(p.id, recipient_org_id=org.org_id, recipient_org=org.org, purpose="Referral"),
    )
    svc.receipts.record(actors.pat, shared.id, "failed", note="Bounced from Larkspur Close")
    svc.receipts.record(actors.pat, shared.id, "resent", method="portal")
    svc.receipts.record(
        actors.pat, shared.id, "confirmed", who="Duty worker for Wilhelmina", method="phone"
    )
    moved = datetime.now(UTC) - timedelta(days=3)
    transfer = svc.decisions.log(
        actors.pat,
        share(
            p.id,
            kind=DecisionKind.CP_TRANSFER,
            recipient_org_id=school.org_id,
            recipient_org=school.org,
            purpose="Child protection file transfer",
            information="The child protection file",
            consent_position=None,
            not_sought_reason=None,
            without_consent_reason="",
            checks={},
            person_told=None,
            not_told_reason="",
            transfer_reason="Moved to Larkspur Close",
            moved_on=moved.date(),
            pupil_file_separate=True,
            shared_at=moved,
        ),
    )
    svc.receipts.record(actors.pat, transfer.id, "chased", note="Asked about WQ-9931")
    svc.transfers.record_incoming(
        actors.pat,
        p.id,
        from_org_id=school.org_id,
        received_on=moved.date(),
        confirmed_back="secure_email",
        note="File for Wilhelmina, Larkspur Close",
    )
    forms = [
        ("decision", {"data": {"subject_id": p.id, "purpose": "Larkspur Close"}}),
        ("decision", {"data": {"subject_id": 0}, "amend_of": shared.id, "page": "check"}),
        ("consent", {"context": {"person_id": p.id, "person_label": "Wilhelmina"}}),
        ("receipt-step", {"context": {"decision_id": shared.root_id}, "values": {}}),
    ]
    for kind, payload in forms:
        svc.drafts.save(actors.pat, kind=kind, payload=payload, title=kind)
    csv_file = tmp_path / "pupils.csv"
    dob = _born_26_years_ago()
    csv_file.write_text(
        IMPORT_HEADER
        + f"A9,B801200005001,Quartermaine,Wilhelmina,Mina,{dob:%d/%m/%Y},F,,,9434765919\r\n"
    )
    result = svc.imports.run(actors.ada, svc.imports.read(actors.ada, csv_file))
    assert result.updated == 1, result  # the earlier details are now a version
    return {"decision": shared.root_id or 0, "transfer": transfer.root_id or 0}


def _former_pupil(svc, actors, ig, tmp_path: Path | None = None):
    """A former pupil (child protection record, past their 25th birthday) with a history in
    every table that can hold something about a person."""
    p = person(
        svc,
        actors.pat,
        family="Quartermaine",
        given="Wilhelmina",
        dob=_born_26_years_ago(),
        reference="WQ-9931",
        nhs_number="9434765919",
        notes="Lived at 4 Larkspur Close",
    )
    sibling = person(svc, actors.pat, family="Oddie", given="Bram")
    svc.people.link(actors.pat, sibling.id, p.id, "sibling")
    svc.consent.record(actors.pat, consent(p.id, given_by_name="Wilhelmina Quartermaine"))
    first = svc.decisions.log(
        actors.pat, share(p.id, others_affected=[sibling.id], purpose="Larkspur Close visit")
    )
    svc.decisions.amend(actors.pat, first.id, share(p.id, purpose="Corrected"), "typo")
    svc.decisions.log(actors.pat, share(sibling.id, others_affected=[p.id]))
    a = svc.advice.raise_request(
        actors.pat,
        question="Share about Wilhelmina?",
        advice_role="dsl",
        urgency="today",
        person_id=p.id,
    )
    svc.advice.claim(actors.sam, a.id)
    svc.drafts.save(actors.pat, kind="decision", payload={"subject_id": p.id}, title="x")
    svc.sar.log(
        ig,
        p.reference,
        requester_name="Wilhelmina Quartermaine",
        relationship="person",
        received_on=date(2025, 1, 31),
        identity_confirmed_on=date(2025, 1, 31),
    )
    svc.drafts.save(  # the advice dialog's unfinished text, in its form's shape
        actors.sam, kind="advice-text", payload={"context": {"advice_id": a.id}}, title="a"
    )
    svc.drafts.save(  # about the sibling: stays
        actors.pat, kind="consent", payload={"context": {"person_id": sibling.id}}, title="s"
    )
    if tmp_path is not None:
        _after_the_share(svc, actors, p, tmp_path)
    svc.retention.set_kind(ig, p.reference, "child_protection")
    return p, sibling


def _decisions_of(svc, pid: int) -> set[int]:
    with svc.store.engine.connect() as conn:
        return set(
            conn.execute(
                text("SELECT id FROM sharing_decision WHERE subject_id = :p"), {"p": pid}
            ).scalars()
        )


def _rows_naming(svc, pid: int, decisions: set[int] = frozenset()) -> list[str]:
    """Every row of every table, as text, that holds one of the details or the person's id in
    a column about a person, or the id of one of their decisions in a column about one."""
    found = []
    person_columns = {"person_id", "subject_id", "from_person_id", "to_person_id"}
    decision_columns = {"decision_id", "decision_root_id"}
    with svc.store.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                data = dict(row._mapping)
                blob = repr(data)
                if any(d in blob for d in DETAILS):
                    found.append(f"{table.name}: {blob[:120]}")
                if table.name == "person" and data["id"] == pid:
                    found.append("person row")
                for column in person_columns & set(data):
                    if data[column] == pid and table.name not in ("disposal_pending",):
                        found.append(f"{table.name}.{column}")
                for column in decision_columns & set(data):
                    if data[column] in decisions:
                        found.append(f"{table.name}.{column}")
                if table.name == "draft" and (
                    pid in _draft_ids(data["payload"], ("subject_id", "person_id"))
                    or _draft_ids(data["payload"], ("decision_id", "amend_of")) & decisions
                ):
                    found.append(f"draft {data['kind']}")
    return found


def _draft_ids(payload: dict, keys: tuple[str, ...]) -> set[int]:
    """The ids under these keys in an unfinished form, wherever its shape keeps them."""
    out = set()
    for part in (payload, payload.get("data") or {}, payload.get("context") or {}):
        for key in keys:
            if isinstance(part.get(key), int):
                out.add(part[key])
    return out


def _strings(path: Path) -> str:
    """What `strings` shows of a file (a Python equivalent where binutils is missing)."""
    if shutil.which("strings"):
        return subprocess.run(
            ["strings", "-a", str(path)], capture_output=True, check=True
        ).stdout.decode("latin-1")
    data = path.read_bytes()
    return "\n".join(m.decode() for m in re.findall(rb"[\x20-\x7e\t]{4,}", data))


def _database_files(svc, tmp_path: Path) -> list[Path]:
    """A copy of the database's files: the SQLite file (and -wal), or on PostgreSQL the
    files of this database in the server's data folder."""
    url = str(svc.store.engine.url)
    if url.startswith("sqlite"):
        db = Path(svc.store.engine.url.database or "")
        out = []
        for suffix in ("", "-wal"):
            src = Path(str(db) + suffix)
            if src.exists():
                out.append(Path(shutil.copy(src, tmp_path / f"copy{suffix or '.db'}")))
        return out
    with svc.store.engine.connect() as conn:
        folder = conn.execute(text("SHOW data_directory")).scalar_one()
        oid = conn.execute(
            text("SELECT oid FROM pg_database WHERE datname = current_database()")
        ).scalar_one()
    base = Path(folder) / "base" / str(oid)
    try:
        return [p for p in base.iterdir() if p.is_file()]
    except OSError as exc:
        pytest.skip(f"the PostgreSQL data folder is not readable here: {exc}")


def _relation(svc, path: Path) -> str:
    """Which table or index a PostgreSQL file holds, for a failure message."""
    if not path.name.split(".")[0].isdigit():
        return path.name
    with svc.store.engine.connect() as conn:
        name = conn.execute(
            text("SELECT relname FROM pg_class WHERE pg_relation_filenode(oid) = :n"),
            {"n": int(path.name.split("_")[0].split(".")[0])},
        ).scalar()
    return f"{path.name} ({name})"


def test_review_queue_keep_and_schedule(svc, actors, ig):
    p, sibling = _former_pupil(svc, actors, ig)
    queue = svc.retention.queue(ig)
    assert [q.reference for q in queue] == [p.reference]
    item = queue[0]
    assert item.kind is RecordKind.CHILD_PROTECTION and "25th birthday" in item.rule
    assert not item.held

    # A site that keeps child protection files to the 30th birthday: not due yet.
    svc.retention.set_rule(
        ig, "child_protection", age_years=30, years_after=None, source="Our policy, 2026"
    )
    assert svc.retention.queue(ig) == []
    assert "Our policy" in next(r for r in svc.retention.schedule(ig) if r.age_years == 30).source
    svc.retention.set_rule(
        ig, "child_protection", age_years=25, years_after=None, source="IRMS toolkit"
    )

    with pytest.raises(ValidationFailed) as no_reason:
        svc.retention.keep(ig, p.reference, "", date.today() + timedelta(days=365))
    assert "why" in no_reason.value.field_errors["reason"]
    svc.retention.keep(ig, p.reference, "Civil claim expected", date.today() + timedelta(days=365))
    assert svc.retention.queue(ig) == []
    with pytest.raises(ValidationFailed) as early:
        svc.retention.dispose(ig, p.reference)
    assert "not due" in early.value.field_errors["review"]
    # Not due for a year: the queue on that day has them again.
    later = svc.retention.queue(ig, date.today() + timedelta(days=366))
    assert [q.reference for q in later] == [p.reference]


def test_only_the_governance_lead_and_administrators_dispose(svc, actors, ig):
    p, _ = _former_pupil(svc, actors, ig)
    for who in (actors.pat, actors.sam):
        with pytest.raises(NotAllowed):
            svc.retention.dispose(who, p.reference)
        with pytest.raises(NotAllowed):
            svc.retention.disposal_preview(who, p.reference)
        with pytest.raises(NotAllowed):
            svc.retention.queue(who)


def test_disposal_leaves_nothing_of_the_person_but_a_tombstone(svc, actors, ig, tmp_path):
    p, sibling = _former_pupil(svc, actors, ig, tmp_path)
    decisions = _decisions_of(svc, p.id)
    named = _rows_naming(svc, p.id, decisions)
    # The history is there to dispose of, in the register-era tables too.
    for where in (
        "receipt_event.decision_root_id",
        "incoming_file.person_id",
        "person_version.person_id",
        "draft receipt-step",
        "draft consent",
    ):
        assert where in named, where
    # The audit trail never held the person's details, only ids: it needs no change.
    assert not [r for r in named if r.startswith("audit_event")]

    # The confirmation names what will go: the same rows, counted, before anything goes.
    preview = svc.retention.disposal_preview(ig, p.reference)
    assert (preview.reference, preview.name, preview.held) == (p.reference, p.full_name, False)
    assert svc.people.summary(actors.pat, p.id).reference == p.reference  # nothing removed

    tomb = svc.retention.dispose(ig, p.reference)
    assert preview.removed == tomb.removed
    assert tomb.record_kind == "child_protection"
    assert "25th birthday" in tomb.rule
    assert tomb.disposed_by == ig.display_name
    assert tomb.removed["person"] == 1 and tomb.removed["person_name_key"] > 0
    assert tomb.removed["sharing_decision"] == 4 and tomb.removed["consent_event"] == 1
    assert tomb.removed["receipt_event"] == 4 and tomb.removed["incoming_file"] == 1
    assert tomb.removed["person_version"] == 1 and tomb.removed["draft"] == 6

    assert _rows_naming(svc, p.id, decisions) == []
    # The register keeps its organisations (no one's details); the sibling's form stays.
    assert {o.name for o in svc.register.orgs(actors.sam)} >= {"Larkspur Academy Trust"}
    assert [d.kind for d in svc.drafts.mine(actors.pat)] == ["consent"]
    assert not svc.people.search(actors.pat, "Quartermaine").items
    assert not svc.people.search(actors.pat, "Wilhelmina").items
    [kept] = svc.retention.tombstones(ig)
    assert (kept.former_person_id, kept.record_kind) == (p.id, "child_protection")
    # The sibling and their own decision stay; the decision no longer names the person.
    assert svc.people.search(actors.pat, "Bram Oddie").items
    # The request stays for the counts, without who asked or whom it was about.
    [sar] = svc.sar.list(ig)
    assert (sar.person_id, sar.requester_name, sar.reference) == (None, "", "")

    result = audit.verify(svc.store)
    assert result.ok, result.problem

    # PostgreSQL's VACUUM FULL keeps a deleted row that a transaction still open elsewhere
    # on the server might see; the clean-up is run again then (at most five times here).
    attempts = 0
    for _ in range(5):
        attempts += 1
        done = svc.retention.clean_up(ig)
        assert done.done, done.message
        if not str(svc.store.engine.url).startswith("sqlite"):
            with create_engine(svc.store.engine.url).connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("CHECKPOINT")
        found = _details_in_files(svc, tmp_path)
        if not found:
            break
    assert found == [], f"after {attempts} clean-ups"


def _details_in_files(svc, tmp_path: Path) -> list[tuple[str, str]]:
    files = _database_files(svc, tmp_path)
    assert files
    found = []
    for path in files:
        shown = _strings(path)
        raw = path.read_bytes()
        for detail in DETAILS:
            if detail in shown or detail.encode() in raw:
                found.append((_relation(svc, path), detail))
    return found


def test_a_new_person_never_takes_a_disposed_persons_number(svc, actors, ig):
    p, _ = _former_pupil(svc, actors, ig)
    svc.retention.dispose(ig, p.reference)
    newcomer = person(svc, actors.pat, family="New", given="Person")
    assert newcomer.id > p.id


def test_a_legal_hold_stops_disposal_until_lifted(svc, actors, ig):
    p, _ = _former_pupil(svc, actors, ig)
    hold = svc.retention.hold(ig, p.reference, "Independent inquiry, order of 2026")
    assert svc.retention.queue(ig)[0].held
    before = last_audit_id(svc)
    preview = svc.retention.disposal_preview(ig, p.reference)
    assert preview.held and preview.removed["legal_hold"] == 1
    assert audit_actions(svc, before) == [("retention.preview", "person", str(p.id))]
    with pytest.raises(ValidationFailed) as held:
        svc.retention.dispose(ig, p.reference)
    assert "legal hold" in held.value.field_errors["hold"]
    # The database refuses as well, whatever the code above it does.
    with pytest.raises(DBAPIError) as refused, svc.store.engine.begin() as conn:
        conn.execute(text("INSERT INTO disposal_pending (person_id) VALUES (:p)"), {"p": p.id})
    assert HELD in str(refused.value.orig)
    assert svc.people.summary(actors.pat, p.id).reference == p.reference

    svc.retention.lift(ig, hold, "Inquiry closed")
    assert not svc.retention.queue(ig)[0].held
    svc.retention.dispose(ig, p.reference)
    assert svc.retention.queue(ig) == []


def test_append_only_rows_go_only_with_their_own_persons_disposal(svc, actors, ig):
    """A pending disposal of one person lets no other row go, and never an audit event; the
    tombstones themselves cannot be changed or removed."""
    p, sibling = _former_pupil(svc, actors, ig)
    svc.consent.record(actors.pat, consent(sibling.id))
    engine = svc.store.engine
    for sql in (
        "DELETE FROM consent_event WHERE person_id = :p OR person_id = :s",
        "DELETE FROM consent_event",
        "DELETE FROM sharing_decision WHERE subject_id = :s",
        "DELETE FROM audit_event",
        "UPDATE consent_event SET told = 'x' WHERE person_id = :p",
    ):
        with pytest.raises(DBAPIError) as refused, engine.begin() as conn:
            conn.execute(text("INSERT INTO disposal_pending (person_id) VALUES (:p)"), {"p": p.id})
            conn.execute(text(sql), {"p": p.id, "s": sibling.id})
        assert "append-only" in str(refused.value.orig), sql
    with engine.begin() as conn:  # the person's own rows may go while theirs is pending
        conn.execute(text("INSERT INTO disposal_pending (person_id) VALUES (:p)"), {"p": p.id})
        gone = conn.execute(text("DELETE FROM consent_event WHERE person_id = :p"), {"p": p.id})
        assert gone.rowcount == 1
        conn.execute(text("DELETE FROM disposal_pending"))
        conn.rollback()
    svc.retention.dispose(ig, p.reference)
    for sql in ("UPDATE disposal SET rule = 'x'", "DELETE FROM disposal"):
        with pytest.raises(DBAPIError) as refused, engine.begin() as conn:
            conn.execute(text(sql))
        assert refusal("disposal") in str(refused.value.orig)


def test_the_app_role_disposes_only_through_the_owners_function(roles_database, tmp_path):  # noqa: F811
    owner_url, app_url = roles_database
    Services.open(Settings(database_url=owner_url, terminal="t")).close()
    svc = Services.open(Settings(database_url=app_url, terminal="t"))
    try:
        svc.users.create(None, "ada", "Ada Admin", "admin", [], PASSPHRASE)
        svc.users.create(None, "pat", "Pat Practitioner", "practitioner", [], PASSPHRASE)
        svc.users.create(None, "sam", "Sam Supervisor", "supervisor", ["dsl"], PASSPHRASE)
        svc.users.create(
            None, "ina", "Ina Governance", "supervisor", ["information_governance"], PASSPHRASE
        )
        actors = type("A", (), {})()
        for name in ("sam", "ina", "ada"):  # supervisors and administrators: a second factor
            svc.users.set_factor_secret(None, name, TOTP_SECRET)
        actors.pat = svc.users.sign_in("pat", PASSPHRASE, "t")
        for name in ("sam", "ina", "ada"):
            setattr(
                actors, name, svc.users.sign_in(name, PASSPHRASE, "t", code=totp_code(svc, name))
            )
        p, _ = _former_pupil(svc, actors, actors.ina, tmp_path)
        decisions = _decisions_of(svc, p.id)
        with pytest.raises(DBAPIError) as denied, svc.store.engine.begin() as conn:
            conn.execute(text("INSERT INTO disposal_pending (person_id) VALUES (:p)"), {"p": p.id})
            conn.execute(text("DELETE FROM consent_event WHERE person_id = :p"), {"p": p.id})
        assert "permission denied" in str(denied.value.orig)
        for sql in (  # nor any receipt step or earlier version of their details
            "DELETE FROM receipt_event WHERE decision_root_id = :d",
            "DELETE FROM person_version WHERE person_id = :p",
        ):
            with pytest.raises(DBAPIError) as denied, svc.store.engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO disposal_pending (person_id) VALUES (:p)"), {"p": p.id}
                )
                conn.execute(text(sql), {"p": p.id, "d": min(decisions)})
            assert "permission denied" in str(denied.value.orig)
        tomb = svc.retention.dispose(actors.ina, p.reference)
        assert tomb.removed["receipt_event"] == 4 and tomb.removed["person_version"] == 1
        assert _rows_naming(svc, p.id, decisions) == []
        assert audit.verify(svc.store).ok
        cleaned = svc.retention.clean_up(actors.ina)  # the app role may not VACUUM FULL
        assert not cleaned.done and "VACUUM FULL" in cleaned.message
    finally:
        svc.close()

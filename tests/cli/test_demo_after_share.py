"""The demo shows every state after the share, so a newcomer sees them in `sharetui demo`:
the register (with entries to review), agreements (one past review), receipts confirmed,
to chase and overdue, a failed share sent again, transfers out and a file received."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sharetui.config import Settings
from sharetui.domain.after_share import DecisionKind, ReceiptState
from sharetui.services.facade import Services
from sharetui.services.users import _view, actor_for
from tests.cli.conftest import Demo, connect, site_key_file


def _query(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_the_demo_shows_each_state_after_the_share(demo_db: Demo) -> None:
    db = demo_db.path
    assert _query(db, "select count(*) from recipient_org where active")[0][0] >= 12
    assert _query(db, "select count(*) from recipient_org where to_review")[0][0] >= 1
    assert _query(db, "select count(*) from site_term")[0][0] == 2
    steps = {s for (s,) in _query(db, "select distinct step from receipt_event")}
    assert steps == {"confirmed", "failed", "resent"}
    assert _query(db, "select count(*) from incoming_file")[0][0] == 1
    covers = {c for (c,) in _query(db, "select distinct agreement_cover from sharing_decision")}
    assert {"covered", "none"} <= covers
    settings = Settings(database_url=demo_db.url, terminal="t", key_file=str(site_key_file()))
    svc = Services.open(settings, create=False)
    try:
        from sqlmodel import Session, select

        from sharetui.store.models import User

        with Session(svc.store.engine) as s:
            who = {u.username: actor_for(_view(u), "t") for u in s.exec(select(User)).all()}
        today = svc.store.settings.clock.today()
        chase = svc.receipts.to_chase(who["priya"], today)
        assert {v.state for v in chase} == {ReceiptState.CHASE, ReceiptState.OVERDUE}
        overdue = svc.receipts.overdue(who["dee"], today)
        assert {v.kind for v in overdue} == {DecisionKind.SHARE, DecisionKind.CP_TRANSFER}
        due = svc.agreements.due_for_review(who["sam"], today)
        assert any(a.past_review(today) for a in due)
        assert any(not a.past_review(today) for a in due)
        assert isinstance(today, date)
    finally:
        svc.close()

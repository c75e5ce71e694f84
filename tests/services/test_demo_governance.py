"""The demo's governance story, on both engines: a request due within the week, one overdue,
one answered on time, one waiting for proof of identity, and people due for review (one
under a legal hold), as the information governance lead's home and queue show them."""

from __future__ import annotations

from sharetui.config import Settings
from sharetui.demo import seed
from sharetui.domain.governance import SarStatus
from sharetui.services.facade import Services
from sharetui.services.users import actor_for
from tests.services.test_migrations import empty_url  # noqa: F401 - a fixture


def test_the_demo_shows_requests_on_the_clock_and_reviews_due(empty_url):  # noqa: F811
    svc = Services.open(Settings(database_url=empty_url, terminal="t"))
    try:
        seed(svc, families=6)
        sam = actor_for(next(u for u in svc.users.list(None) if u.username == "sam"), "t")
        due = svc.sar.due(sam)
        assert len(due["overdue"]) == 1 and len(due["due_soon"]) == 1
        assert len(due["waiting"]) == 1
        answered = [v for v in svc.sar.list(sam, open_only=False) if v.status is SarStatus.ANSWERED]
        assert len(answered) == 1 and answered[0].on_time() and answered[0].disclosures == 1
        queue = svc.retention.queue(sam)
        assert len(queue) == 3 and sum(q.held for q in queue) == 1
    finally:
        svc.close()

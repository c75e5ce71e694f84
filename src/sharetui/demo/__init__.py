"""A demo database: fictional families, their consent, decisions and advice, replayed through
the real services over the past six months so every record has its audit event and the
database passes `sharetui audit verify`.

The content (names, families, choices) depends only on the seed; dates are placed relative to
the day the demo is seeded so the advice queue is current. Nothing here is real: every name
is made up and every address or email uses the reserved .example domain.

Where things are: accounts.py (who signs in), site.py (the demo's file and state), world.py
(the fictional material and the plan), families.py (people, links, consent), decisions.py (one
scenario per kind of share), advice.py (requests, views, drafts), after_share.py (register,
agreements, receipts, transfers) and governance.py (subject access, retention); this module
replays the plan through the services.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sharetui.demo.accounts import DEMO_ACCOUNTS, DemoAccount, demo_code
from sharetui.demo.advice import _pending_advice, _plan_drafts, _plan_standalone_advice, _plan_views
from sharetui.demo.after_share import plan_after_share
from sharetui.demo.families import (
    _families,
    _plan_consent_history,
    _plan_family,
    _plan_linked_families,
)
from sharetui.demo.governance import plan_governance
from sharetui.demo.site import (
    added_since_demo,
    default_demo_url,
    demo_seed_used,
    demo_state,
    inspect_state,
    open_for_seeding,
    remove_sqlite_files,
    sqlite_file,
)
from sharetui.demo.stories import _plan_decisions
from sharetui.demo.world import (
    DEFAULT_SEED,
    FAMILIES,
    HISTORY_DAYS,
    STORY_DAYS,
    SeedSummary,
    _Plan,
    _World,
)
from sharetui.services import site
from sharetui.services.demo_marks import DEMO_BEGIN, DEMO_COMPLETE
from sharetui.services.facade import Services
from sharetui.services.unit_of_work import Actor
from sharetui.services.users import actor_for

__all__ = [
    "DEFAULT_SEED",
    "DEMO_ACCOUNTS",
    "FAMILIES",
    "DemoAccount",
    "SeedSummary",
    "added_since_demo",
    "default_demo_url",
    "demo_code",
    "demo_seed_used",
    "demo_state",
    "inspect_state",
    "open_for_seeding",
    "remove_sqlite_files",
    "seed",
    "sqlite_file",
]


# -- the whole seeding ----------------------------------------------------------------------
def seed(
    svc: Services,
    seed: int = DEFAULT_SEED,
    *,
    families: int = FAMILIES,
    progress: Callable[[int, int], None] | None = None,
) -> SeedSummary:
    """Fill an empty database with the demo through the services. Raises ValueError when
    the database is not empty (it never writes into real records)."""
    state = demo_state(svc)
    if state != "empty":
        raise ValueError(f"the database is not empty ({state})")
    settings = svc.settings
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    rng = random.Random(seed)
    clock = {"now": now - timedelta(days=HISTORY_DAYS + 1)}
    with site.replayed_clock(lambda: clock["now"]):
        svc.demo_marks.mark(DEMO_BEGIN, seed)
        actors: dict[str, Actor] = {}
        for acc in DEMO_ACCOUNTS:
            view = svc.users.create(
                None,
                acc.username,
                acc.display_name,
                acc.role,
                list(acc.advice_roles),
                acc.passphrase,
            )
            if acc.totp_secret:
                svc.users.set_factor_secret(None, acc.username, acc.totp_secret)
            actors[acc.username] = actor_for(view, settings.terminal)
        world = _World(svc, rng, settings.tz, now, actors)
        fams = _families(world, families)
        plan = _Plan()
        for fam in fams:
            _plan_family(world, plan, fam)
        _plan_linked_families(world, plan, fams)
        for fam in fams:
            # A family's story with the service runs for a few months after first contact.
            start = fam.first_contact + timedelta(hours=1)
            end = min(start + timedelta(days=STORY_DAYS), now - timedelta(hours=1))
            for child in fam.children:
                _plan_consent_history(world, plan, fam, child, start, end)
                _plan_decisions(world, plan, fam, child, start, end)
        # A few decisions still waiting for advice today, whatever the seed.
        for fam in rng.sample(fams, k=min(3, len(fams))):
            waiting = now - timedelta(hours=rng.uniform(1, 40))
            _pending_advice(world, plan, fam, fam.children[0], waiting, now)
        _plan_standalone_advice(world, plan, fams)
        _plan_views(world, plan, fams)
        _plan_drafts(world, plan, fams)
        plan_after_share(world, plan, fams)
        plan_governance(world, plan, fams)
        steps = sorted(plan.steps, key=lambda st: (st[0], st[1]))
        total = len(steps)
        for done, (when, _, step) in enumerate(steps, start=1):
            clock["now"] = min(when, now)
            step()
            if progress is not None and (done % 50 == 0 or done == total):
                progress(done, total)
    svc.demo_marks.mark(DEMO_COMPLETE, seed)
    by_status: dict[str, int] = {}
    for status in world.advice_status.values():
        by_status[status] = by_status.get(status, 0) + 1
    c = world.counts
    return SeedSummary(
        seed=seed,
        families=len(fams),
        people=c.get("people", 0),
        links=c.get("links", 0),
        consent_events=c.get("consent_events", 0),
        decisions=c.get("decisions", 0),
        amended_decisions=c.get("amended", 0),
        advice_items=c.get("advice", 0),
        advice_by_status=by_status,
        views=c.get("views", 0),
        drafts=c.get("drafts", 0),
    )

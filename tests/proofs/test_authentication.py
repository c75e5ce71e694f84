"""Authentication: argon2id with the stated parameters, lockout after five failures, short
passphrases refused, and a failed sign-in that takes as long for an unknown username as for a
known one (so the time does not tell whether an account exists)."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from argon2 import Type
from sqlalchemy import select

from sharetui.domain.errors import SignInFailed, ValidationFailed
from sharetui.services.facade import Services
from sharetui.services.users import (
    HASHER,
    LOCKOUT,
    MAX_FAILURES,
    MIN_PASSPHRASE,
    WRONG_PAIR,
)
from sharetui.store.models import AuditEvent, User
from sharetui.store.types import utcnow
from tests.proofs.workload import PASSPHRASE

TIMED = 10  # failed sign-ins measured per case


def test_argon2id_with_the_stated_parameters(svc: Services) -> None:
    assert HASHER.type is Type.ID
    assert (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism) == (3, 64 * 1024, 4)
    assert (HASHER.hash_len, HASHER.salt_len) == (32, 16)
    with svc.store.engine.connect() as conn:
        hashes = conn.execute(select(User.__table__.c.passphrase_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") for h in hashes)
    assert len(set(hashes)) == len(hashes), "salted: equal passphrases, different hashes"
    assert not any(PASSPHRASE in h for h in hashes)


def test_five_failures_lock_the_account(svc: Services) -> None:
    for attempt in range(1, MAX_FAILURES):
        with pytest.raises(SignInFailed) as failed:
            svc.users.sign_in("pat", f"wrong guess number {attempt}", f"kiosk-{attempt}")
        assert failed.value.message == WRONG_PAIR
    with pytest.raises(SignInFailed, match="locked") as locked:
        svc.users.sign_in("pat", "the fifth wrong guess", "kiosk-5")
    with pytest.raises(SignInFailed, match="locked"):
        svc.users.sign_in("pat", PASSPHRASE, "kiosk-6")  # even the right passphrase, now
    assert "until" in locked.value.message  # says when to try again

    with svc.store.engine.connect() as conn:
        until = conn.execute(
            select(User.__table__.c.locked_until).where(User.__table__.c.username == "pat")
        ).scalar_one()
        actions = (
            conn.execute(
                select(AuditEvent.__table__.c.action).where(
                    AuditEvent.__table__.c.username == "pat"
                )
            )
            .scalars()
            .all()
        )
    assert abs(until - (utcnow() + LOCKOUT)) < timedelta(minutes=1)
    assert actions.count("signin.failed") == MAX_FAILURES - 1
    assert actions.count("signin.locked") == 1

    svc.users.set_active(None, "pat", True)  # an administrator unlocks it
    assert svc.users.sign_in("pat", PASSPHRASE, "kiosk-1").username == "pat"


def test_passphrases_below_the_minimum_are_refused(svc: Services) -> None:
    assert MIN_PASSPHRASE == 12
    short = "x" * (MIN_PASSPHRASE - 1)
    with pytest.raises(ValidationFailed) as refused:
        svc.users.create(None, "newbie", "New Person", "practitioner", [], short)
    assert refused.value.field_errors == {
        "passphrase": f"Enter a passphrase of at least {MIN_PASSPHRASE} characters"
    }
    with pytest.raises(ValidationFailed, match="at least 12"):
        svc.users.set_passphrase(None, "pat", short)
    with pytest.raises(SignInFailed):
        svc.users.sign_in("pat", short)
    assert svc.users.sign_in("pat", PASSPHRASE).username == "pat", "old passphrase kept"

    svc.users.create(None, "newbie", "New Person", "practitioner", [], "y" * MIN_PASSPHRASE)
    assert svc.users.sign_in("newbie", "y" * MIN_PASSPHRASE).username == "newbie"


def _failed_sign_in_seconds(svc: Services, username: str) -> float:
    started = time.perf_counter()
    with pytest.raises(SignInFailed) as failed:
        svc.users.sign_in(username, "not the passphrase at all", "kiosk-t")
    elapsed = time.perf_counter() - started
    assert failed.value.message == WRONG_PAIR  # the same words either way
    return elapsed


def test_failed_sign_in_time_does_not_tell_whether_the_username_exists(svc: Services) -> None:
    """A security property, not a speed target: the medians of the two kinds of failure are
    within a factor of two (an unknown name that skipped the hash would be 100x faster)."""
    _failed_sign_in_seconds(svc, "nobody-warm-up")
    unknown, known = [], []
    for n in range(TIMED):  # interleaved, so load on the machine falls on both alike
        unknown.append(_failed_sign_in_seconds(svc, f"nobody{n}"))
        known.append(_failed_sign_in_seconds(svc, "pip"))
        svc.users.set_active(None, "pip", True)  # clear the count, so it never locks
    slow, fast = sorted([statistics.median(unknown), statistics.median(known)], reverse=True)
    assert slow / fast < 2.0, f"unknown {unknown}, known {known}"
    print(
        f"\nfailed sign-in, median of {TIMED}: unknown username "
        f"{statistics.median(unknown) * 1000:.0f} ms, known username "
        f"{statistics.median(known) * 1000:.0f} ms"
    )

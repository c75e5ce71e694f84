"""Authentication: argon2id with the stated parameters, passphrases refused with a reason,
and sign-in that tells nothing: for 10 failures in a row a username that exists and one that
does not get the same words, the same waits and about the same time, and the name typed is
never stored. Revocation: a disabled account's open session is locked within 5 seconds."""

from __future__ import annotations

import re
import statistics
import time

import pytest
from argon2 import Type
from sqlalchemy import select

from sharetui.domain.errors import SignInFailed, ValidationFailed
from sharetui.services.facade import Services
from sharetui.services.signin import HASHER, WRONG_PAIR
from sharetui.store.models import AuditEvent, SignInThrottle, User
from tests.proofs.scale import scaled
from tests.proofs.workload import PASSPHRASE

FAILURES = 10  # failed sign-ins compared per username (the "at least 10")
TIMED = scaled(6, 20)  # rounds of timed failures, each at a fresh terminal


def test_argon2id_with_the_stated_parameters(svc: Services) -> None:
    assert HASHER.type is Type.ID
    assert (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism) == (3, 64 * 1024, 4)
    assert (HASHER.hash_len, HASHER.salt_len) == (32, 16)
    with svc.store.engine.connect() as conn:
        hashes = conn.execute(select(User.__table__.c.passphrase_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") for h in hashes)
    assert len(set(hashes)) == len(hashes), "salted: equal passphrases, different hashes"
    assert not any(PASSPHRASE in h for h in hashes)


WEAK = [" " * 12, "aaaaaaaaaaaa", "123456789012", "qwertyuiopasdfgh", "abcdefghijklmnop"]


@pytest.mark.parametrize("weak", WEAK)
def test_weak_passphrases_are_refused_with_a_reason(svc: Services, weak: str) -> None:
    for call in (
        lambda: svc.users.create(None, "newbie", "New Person", "practitioner", [], weak),
        lambda: svc.users.set_passphrase(None, "pip", weak),
    ):
        with pytest.raises(ValidationFailed) as err:
            call()
        assert "three or more random words" in err.value.field_errors["passphrase"]
    with pytest.raises(ValidationFailed, match="your username or your name"):
        svc.users.set_passphrase(None, "pip", "pip practitioner desk")
    assert svc.users.sign_in("pip", PASSPHRASE).username == "pip", "old passphrase kept"


def _ten_failures(svc: Services, username: str, terminal: str) -> tuple[list[str], list[float]]:
    words, seconds = [], []
    for _ in range(FAILURES):
        started = time.perf_counter()
        with pytest.raises(SignInFailed) as failed:
            svc.users.sign_in(username, "not the passphrase at all", terminal)
        seconds.append(time.perf_counter() - started)
        words.append(failed.value.message)
    return words, seconds


def _same_words(message: str) -> str:
    return re.sub(r"\d+ seconds", "N seconds", message)


def test_ten_failures_tell_nothing_about_whether_the_username_exists(svc: Services) -> None:
    """Words, waits and stored traces: identical for a known and an unknown username."""
    known_words, _ = _ten_failures(svc, "pip", "kiosk-k")
    unknown_words, _ = _ten_failures(svc, "nobody-here", "kiosk-u")
    assert [_same_words(w) for w in known_words] == [_same_words(w) for w in unknown_words]
    assert known_words[:4] == [WRONG_PAIR] * 4
    assert "try again in" in known_words[4] and "try again in" in known_words[9]
    with svc.store.engine.connect() as conn:
        rows = conn.execute(
            select(SignInThrottle.terminal, SignInThrottle.failures, SignInThrottle.next_try_at)
        ).all()
        typed = conn.execute(
            select(AuditEvent.username).where(AuditEvent.username.like("%nobody%"))  # type: ignore[attr-defined]
        ).all()
    by_terminal = {t: (n, at is not None) for t, n, at in rows}
    assert by_terminal["kiosk-k"] == by_terminal["kiosk-u"] == (5, True)  # waits, not locks
    assert typed == []  # the unknown name typed is nowhere in the audit trail
    # The known account was never locked: the right passphrase works at another terminal.
    assert svc.users.sign_in("pip", PASSPHRASE, "kiosk-other").username == "pip"


def test_failed_sign_in_time_does_not_tell_whether_the_username_exists(svc: Services) -> None:
    """A security property, not a speed target: the medians of the two kinds of failure are
    within a factor of two (an unknown name that skipped the hash would be 100x faster)."""
    _ten_failures(svc, "warm-up", "kiosk-w")
    unknown: list[float] = []
    known: list[float] = []
    for n in range(TIMED):  # interleaved, each pair at a fresh terminal: no waits in the way
        for name, into in (("nobody", unknown), ("pip", known)):
            started = time.perf_counter()
            with pytest.raises(SignInFailed):
                svc.users.sign_in(name, "not the passphrase at all", f"timed-{n}")
            into.append(time.perf_counter() - started)
    slow, fast = sorted([statistics.median(unknown), statistics.median(known)], reverse=True)
    assert slow / fast < 2.0, f"unknown {unknown}, known {known}"
    print(
        f"\nfailed sign-in, median of {TIMED}: unknown username "
        f"{statistics.median(unknown) * 1000:.0f} ms, known username "
        f"{statistics.median(known) * 1000:.0f} ms"
    )

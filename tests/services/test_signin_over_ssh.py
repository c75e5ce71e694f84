"""Guessing over SSH, on both databases. Each connection has its own terminal id in the audit
trail (ssh:ADDRESS:PORT), and the client's port is new at every connection: counted by that
id, the waits after failed sign-ins started again at every reconnection, so a guesser had
four free tries a connection, without end. The waits count by the connecting address."""

from __future__ import annotations

import pytest

from sharetui.domain.errors import SignInFailed
from sharetui.services.signin import FREE_FAILURES, WRONG_PAIR
from tests.conftest import PASSPHRASE, totp_code


def _guess(svc, username: str, terminal: str, guess: str = "wrong passphrase!") -> str:
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in(username, guess, terminal)
    return err.value.message


def test_a_new_connection_does_not_start_the_count_again(svc):
    said = [_guess(svc, "pat", f"ssh:192.0.2.7:{50000 + i}") for i in range(FREE_FAILURES + 1)]
    assert said[:FREE_FAILURES] == [WRONG_PAIR] * FREE_FAILURES
    assert "30 seconds" in said[-1]
    # The next connection from that machine waits, even with the right passphrase.
    assert "try again in" in _guess(svc, "pat", "ssh:192.0.2.7:50999", PASSPHRASE)
    # Another desk (another address) is not held up; IPv6 addresses too.
    assert svc.users.sign_in("pat", PASSPHRASE, "ssh:192.0.2.8:40000").username == "pat"
    assert svc.users.sign_in("pat", PASSPHRASE, "ssh:2001:db8::5:40001").username == "pat"


def test_wrong_codes_count_by_address_too(svc):
    for i in range(FREE_FAILURES + 1):
        step = svc.users.begin("sam", PASSPHRASE, f"ssh:192.0.2.9:{51000 + i}")
        with pytest.raises(SignInFailed):
            svc.users.give_code(step.ticket, "000000")
    with pytest.raises(SignInFailed) as err:
        svc.users.sign_in("sam", PASSPHRASE, "ssh:192.0.2.9:51999", code=totp_code(svc, "sam"))
    assert "try again in" in err.value.message

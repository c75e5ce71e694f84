"""The demo's accounts: who a newcomer signs in as, and the code each one's authenticator
would show (the demo's own fixed secrets, never a real site's)."""

from __future__ import annotations

from dataclasses import dataclass

from sharetui.domain.enums import (
    AdviceRole,
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    advice_roles: tuple[str, ...]
    role_label: str
    passphrase: str
    # The second factor's secret (RFC 6238, base32), published like the passphrase so that a
    # newcomer can add it to an authenticator app; the sign-in screen of the demo also shows
    # the current code. Supervisors and administrators always have one.
    totp_secret: str = ""


# Fixed passphrases: the demo holds only fictional data, and a reused demo database must
# print the same ones again whatever seed it was made with.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("priya", "Priya Shah", "practitioner", (), "Practitioner", "apple orchard lantern"),
    DemoAccount(
        "sam",
        "Sam Okafor",
        "supervisor",
        tuple(r.value for r in AdviceRole),
        "Supervisor: DSL, Caldicott guardian, senior leadership, IG lead",
        "copper kettle harbour",
        "DEMOSAMOKAFORSUPERVISORDSL234567",
    ),
    DemoAccount(
        "dee",
        "Dee Lewis",
        "supervisor",
        (AdviceRole.DSL.value,),
        "Supervisor: DSL",
        "maple ferry willow",
        "DEMODEELEWISSUPERVISORDSL2345672",
    ),
    DemoAccount(
        "alex",
        "Alex Morgan",
        "admin",
        (),
        "Administrator",
        "granite meadow signal",
        "DEMOALEXMORGANADMINISTRATOR23456",
    ),
)


def demo_code(username: str) -> str:
    """The code a demo account's authenticator shows now ('' for an account without one or
    not of the demo): the demo's secrets are published, so showing it gives nothing away."""
    import pyotp

    for acc in DEMO_ACCOUNTS:
        if acc.username == username.strip().lower() and acc.totp_secret:
            return str(pyotp.TOTP(acc.totp_secret).now())
    return ""

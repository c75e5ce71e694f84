"""Which passphrases are refused, and why, in words for the person choosing one.

NCSC guidance: favour length (three random words), no composition rules (no "one capital
and one digit"), no forced expiry, and refuse the passphrases an attacker tries first:
common and breached ones, the username or the person's name, repeated or sequential
characters. The strength estimate is zxcvbn's (Dropbox's estimator: frequency lists of
common passwords, words and names, keyboard patterns, sequences, repeats and dates), not a
hand-written rule set; this module only turns its findings into an instruction.
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from typing import Any

MIN_LENGTH = 12
MAX_LENGTH = 1024
# zxcvbn's score 3: "safely unguessable" (about 10^8 guesses or more), which with argon2id
# and the sign-in throttle is far beyond what an online or a stolen-hash attack reaches.
MIN_SCORE = 3
# zxcvbn refuses (ValueError) anything longer than this, since its matching slows with length.
# The estimate of the first ESTIMATED characters is a lower bound for the whole passphrase,
# and a passphrase that long with a strong start is strong.
ESTIMATED = 72
ADVICE = "choose three or more random words, for example from things around you"

_REASONS = {
    "repeat": "It repeats characters or words (like aaaa or abcabc)",
    "sequence": "It is a sequence of letters or digits (like abcd or 6543)",
    "spatial": "It is a pattern of neighbouring keys (like qwerty)",
    "date": "It is or holds a date or a year",
}


def passphrase_problem(
    passphrase: str, *, username: str = "", display_name: str = ""
) -> str | None:
    """None when the passphrase is acceptable; else an instruction that says why not."""
    if not passphrase.strip():
        return f"Enter a passphrase of at least {MIN_LENGTH} characters: {ADVICE}"
    if len(passphrase) < MIN_LENGTH:
        return f"Enter a passphrase of at least {MIN_LENGTH} characters: {ADVICE}"
    if len(passphrase) > MAX_LENGTH:
        return f"Enter a passphrase of {MAX_LENGTH:,} characters or fewer"
    if any("\ud800" <= ch <= "\udfff" for ch in passphrase):
        return "Enter the passphrase again: it holds a broken character"
    folded = passphrase.casefold()
    words = set(re.findall(r"[^\W\d_]+|\d+", folded))
    personal = [
        p for p in _personal(username, display_name) if p in words or (len(p) >= 4 and p in folded)
    ]
    if personal:
        return f"Do not use your username or your name in your passphrase: {ADVICE}"
    from zxcvbn import zxcvbn

    result = zxcvbn(passphrase[:ESTIMATED], user_inputs=_personal(username, display_name))
    if result["score"] >= MIN_SCORE:
        return None
    return f"{_reason(result)}: {ADVICE}"


def _personal(username: str, display_name: str) -> list[str]:
    """The username and each part of the name that is long enough to matter."""
    parts = [username.casefold()] + [w.casefold() for w in display_name.split()]
    return [p for p in dict.fromkeys(parts) if len(p) >= 3]


def _reason(result: dict[str, Any]) -> str:
    sequence: list[dict[str, Any]] = result.get("sequence") or []
    patterns = [m.get("pattern") for m in sequence]
    names = [m.get("dictionary_name") for m in sequence]
    if "user_inputs" in names:
        return "It is too close to your username or your name"
    if "passwords" in names:
        return "It is one of the passphrases people use most, which are tried first"
    for pattern in ("repeat", "sequence", "spatial", "date"):
        if pattern in patterns:
            return _REASONS[pattern]
    if names and all(n for n in names):
        return "It is made of a few very common words or names"
    return "It is too easy to guess"


@lru_cache(maxsize=1)
def _words() -> tuple[str, ...]:
    """Everyday spoken English words of 4 to 7 letters, from zxcvbn's own list of words in
    film and television subtitles (so no word list is shipped twice): about 9,000 words,
    13 bits each (four words: 52 bits, for a passphrase used once)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words = [
        w
        for w in FREQUENCY_LISTS["us_tv_and_film"]
        if 4 <= len(w) <= 7 and w.isascii() and w.isalpha()
    ]
    return tuple(words)


def one_time_passphrase() -> str:
    """Four random words for an administrator to hand over; it must be changed at the first
    sign-in. Drawn again in the rare case the estimator thinks it weak."""
    words = _words()
    while True:
        candidate = " ".join(secrets.choice(words) for _ in range(4))
        if passphrase_problem(candidate) is None:
            return candidate

"""Unique pupil number (UPN) check, so a mistyped or garbled UPN from a school's export is
refused rather than stored as a key that later matches nobody, or the wrong child.

A UPN is 13 characters: a check letter, the 3-digit local authority number, the 4-digit
establishment number, 2 digits for the year it was allocated and a 3-digit serial; a temporary
UPN ends in a letter instead of its last digit. The check letter (DfE, "Unique pupil numbers
(UPN)", the UPN check-letter method): the 12 characters after it are weighted 2 to 13 from the
left, digits by their value and a final letter by its place in the check alphabet below; the
remainder of the sum divided by 23 picks the check letter from that alphabet (A-Z without I,
O and S, which are too easily read as 1, 0 and 5).

The local authority number is not checked against a list: authorities are renumbered, and a
list kept here would refuse a new one.
"""

from __future__ import annotations

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: remainder 0 is A, 22 is Z
EXAMPLE = "A123456789012"  # shown in messages; not a real pupil's (its check letter is wrong)


def normalise_upn(value: str) -> str:
    """Upper case, spaces and dashes removed: exports and people write UPNs either way."""
    return "".join(ch for ch in value if not ch.isspace() and ch != "-").upper()


def upn_check_letter(last_twelve: str) -> str:
    """The check letter for the 12 characters that follow it (digits, perhaps a final letter)."""
    if len(last_twelve) != 12:
        raise ValueError("a UPN has 12 characters after its check letter")
    total = 0
    for weight, ch in enumerate(last_twelve, start=2):
        if ch.isdigit():
            value = int(ch)
        elif weight == 13 and ch in CHECK_ALPHABET:
            value = CHECK_ALPHABET.index(ch)
        else:
            raise ValueError(f"unexpected character {ch!r} in a UPN")
        total += weight * value
    return CHECK_ALPHABET[total % 23]


def upn_error(value: str) -> str | None:
    """None when valid, else what is wrong, in words for the person fixing the file."""
    upn = normalise_upn(value)
    if len(upn) != 13:
        return f"A UPN has 13 characters (a letter, then 12 digits); this one has {len(upn)}"
    first, middle, last = upn[0], upn[1:12], upn[12]
    if not middle.isdigit() or not (last.isdigit() or last in CHECK_ALPHABET):
        return (
            "A UPN is a letter followed by 12 digits (a temporary one ends in a letter); "
            "this one has other characters"
        )
    if first not in CHECK_ALPHABET:
        return "A UPN starts with a check letter (A to Z, never I, O or S)"
    if upn_check_letter(upn[1:]) != first:
        return "Check the UPN: its first letter does not match the rest (it may be mistyped)"
    return None

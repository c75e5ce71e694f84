"""NHS number check (modulus 11), so a mistyped number is caught at the desk."""

from __future__ import annotations


def normalise_nhs_number(value: str) -> str:
    """Digits only: people type NHS numbers with spaces or dashes."""
    return "".join(ch for ch in value if not ch.isspace() and ch != "-")


def check_digit(first_nine: str) -> int | None:
    """The tenth digit the first nine call for (weights 10 down to 2, modulus 11); None where
    they call for 10, which no NHS number is given."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def nhs_number_error(value: str) -> str | None:
    """None when valid, else an instruction for the field."""
    digits = normalise_nhs_number(value)
    if len(digits) != 10 or not digits.isdigit():
        return "Enter an NHS number of 10 digits, like 943 476 5919"
    if check_digit(digits[:9]) != int(digits[9]):
        return "Check the NHS number: its last digit does not match (it may be mistyped)"
    return None

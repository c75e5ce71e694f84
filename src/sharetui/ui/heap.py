"""The garbage collector's full passes kept short while a person waits.

Python's collector walks every container object it tracks on a full pass. Once the store is
open the interpreter holds about 200,000 of them (Textual, SQLAlchemy, the name-matching and
passphrase word lists), nearly all kept for the life of the process; a full pass over them
took 100-280 ms on this two-core terminal under load and fell, about one time in three, inside
the opening of a person's record. Moving what is alive at a quiet moment out of the
collector's sight (gc.freeze) leaves its passes only the objects made since. (A larger young
threshold was tried as well and made the openings no faster.)

Freezing is done after a collection, so nothing that is already garbage is kept for good.
The quiet moments: the store just opened (the sign-in screen waits for a username), and a
sign-in just finished (the home screen is reading its lists on a thread).
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what is garbage now, then leave what is alive out of later passes."""
    gc.collect()
    gc.freeze()

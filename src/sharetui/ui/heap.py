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

Start-up is the exception: the app's own process (App.run) freezes what its imports made
before the first screen is built, without a collection, since a full pass then is what it
would save. Without it, the full pass that Textual's first screen set off walked the modules
and classes the imports had just made (pydantic's, Textual's): about 18 ms of a 330 ms
start, in CPU. The imports leave next to no garbage (the young passes during them find tens
of objects), and the first settle() takes those objects back into view before it collects.
"""

from __future__ import annotations

import gc

_held_at_start = False


def hold_start() -> None:
    """Leave what start-up imported out of the collector's passes until the store opens."""
    global _held_at_start
    gc.freeze()
    _held_at_start = True


def settle() -> None:
    """Collect what is garbage now, then leave what is alive out of later passes."""
    global _held_at_start
    if _held_at_start:  # start-up's objects were frozen unswept: this pass looks at them too
        gc.unfreeze()
        _held_at_start = False
    gc.collect()
    gc.freeze()

"""The garbage collector's full passes kept short while a person waits.

Python's collector walks every container object it tracks on a full pass. Once the store is
open the interpreter holds about 200,000 of them (Textual, SQLAlchemy, the name-matching and
passphrase word lists), nearly all kept for the life of the process; a full pass over them
took 100-280 ms on this two-core terminal under load and fell, about one time in three, inside
the opening of a person's record. Moving what is alive at a quiet moment out of the
collector's sight (gc.freeze) leaves its passes only the objects made since. (A larger young
threshold was tried as well and made the openings no faster.)

Freezing is done after a collection, once: when the store has just opened (the sign-in
screen waits for a username), so what is frozen is what the process keeps for its life
(modules, classes, the word lists, the engine). A session's own screens are never frozen: a
frozen object is never collected, so freezing at each sign-in kept a signed-out session's
screens (which hold one another in cycles) for the life of the process, and taking them
back at each sign-in cost a full collection of everything, every time (a minute of the test
suite).

Start-up is the exception: the app's own process (App.run) freezes what its imports made
before the first screen is built, without a collection, since a full pass then is what it
would save. Without it, the full pass that Textual's first screen set off walked the modules
and classes the imports had just made (pydantic's, Textual's): about 18 ms of a 330 ms
start, in CPU. The imports leave next to no garbage (the young passes during them find tens
of objects), and the first settle() looks at those objects too.
"""

from __future__ import annotations

import gc


def hold_start() -> None:
    """Leave what start-up imported out of the collector's passes until the store opens."""
    gc.freeze()


def settle() -> None:
    """Collect what is garbage now, start-up's objects included, then leave what is alive
    out of later passes."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()

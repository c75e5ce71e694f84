"""The garbage collector's full passes kept short while a person waits.

Python's collector walks every container object it tracks on a full pass. Once the store is
open the interpreter holds about 200,000 of them (Textual, SQLAlchemy, the name-matching and
passphrase word lists), nearly all kept for the life of the process; a full pass over them
took 100-280 ms on this two-core terminal under load and fell, about one time in three, inside
the opening of a person's record. Moving what is alive at a quiet moment out of the
collector's sight (gc.freeze) leaves its passes only the objects made since. (A larger young
threshold was tried as well and made the openings no faster.)

Freezing is done after a collection, and each collection first takes back into view what
an earlier one froze: a frozen object is never collected, so the screens of a session signed
out since (which hold one another in cycles) would otherwise stay for the life of the
process, a session's worth of memory at every sign-in on a shared terminal. The quiet
moments: the store just opened (the sign-in screen waits for a username), and a sign-in just
finished (the home screen is reading its lists on a thread).

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
    """Collect what is garbage now, everything included (what an earlier settle froze and
    has been let go of since), then leave what is alive out of later passes."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()

"""The process the crash proof kills: it saves decisions (new ones and amendments) as fast as
it can and prints each id only after the service call has returned, i.e. after the app would
have told the person "saved". It starts, says "ready", and waits for "go" on stdin, so the
harness can start the next child while it checks the last crash.

    python -m tests.proofs.crash_child DATABASE_URL RUN SUBJECT_ID
"""

from __future__ import annotations

import sys

from sharetui.config import Settings
from sharetui.services.facade import Services
from tests.proofs.workload import actor, share


def main(url: str, run: int, subject_id: int) -> None:
    svc = Services.open(Settings(database_url=url, terminal=f"crash-{run}"), migrate=False)
    pat = actor(svc, "pat", f"crash-{run}")
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    latest: int | None = None
    i = 0
    while True:
        tag = f"r{run}s{i}"
        if latest is not None and i % 3 == 2:
            view = svc.decisions.amend(pat, latest, share(subject_id, tag), f"correction {tag}")
            print(f"amended {view.id} {view.root_id} {view.version} {tag}", flush=True)
        else:
            view = svc.decisions.log(pat, share(subject_id, tag))
            print(f"logged {view.id} {view.root_id} {view.version} {tag}", flush=True)
        latest = view.id
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))

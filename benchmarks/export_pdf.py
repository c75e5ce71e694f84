"""Time and size of the subject access PDF for one person, in process (the CLI adds its own
start-up and sign-in). The records are read once; the PDF is then made --runs times, and the
first run (fonts loaded for the first time) is shown apart from the median of the rest.

    sharetui demo --database sqlite:///demo.db --no-open
    .venv/bin/python benchmarks/export_pdf.py --database sqlite:///demo.db DEMO-00227
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlmodel import Session, select

from sharetui.config import Settings
from sharetui.services.export import Export, render
from sharetui.services.facade import Services
from sharetui.services.users import _view, actor_for
from sharetui.store.models import User


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--user", default="sam", help="a supervisor or administrator")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("reference", nargs="+")
    args = parser.parse_args()
    # from_env: the demo is encrypted under the site key that `sharetui demo` made
    settings = Settings.from_env(database_url=args.database).replace(terminal="bench-pdf")
    svc = Services.open(settings, create=False)
    try:
        with Session(svc.store.engine) as s:
            user = s.exec(select(User).where(User.username == args.user)).one()
        actor = actor_for(_view(user), "bench-pdf")
        for ref in args.reference:
            export = Export(svc.store).person(actor, ref, "pdf")
            seconds, size = [], 0
            for _ in range(args.runs):
                start = time.perf_counter()
                size = len(render(export, "pdf"))
                seconds.append(time.perf_counter() - start)
            records = sum(len(s.records) for s in export.sections)
            print(
                f"{ref}: {records} records, {size:,} bytes; first {seconds[0]:.2f} s, "
                f"then median {statistics.median(seconds[1:] or seconds):.2f} s"
            )
    finally:
        svc.close()


if __name__ == "__main__":
    main()

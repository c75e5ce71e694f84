"""Time `sharetui import people` on a generated school export: 2,000 pupils with 3,000
contacts (SIMS-style, two contacts side by side per row; 500 families with two children at
the school, so contacts are shared and siblings linked), in process through the services (the
command adds its start-up and sign-in). Runs the import, then the same file again (which must
change nothing), and prints wall clock and CPU time of each.

    .venv/bin/python benchmarks/import_people.py                      # a new SQLite file
    createdb -h 127.0.0.1 -U root sharetui_import_bench
    .venv/bin/python benchmarks/import_people.py \\
        --database postgresql://root@127.0.0.1/sharetui_import_bench   # an empty database

The goal (issue 19): under 30 s on each engine.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from names import ADULT_MEN, ADULT_WOMEN, BOYS, FAMILY_NAMES, GIRLS
from sharetui.config import Settings
from sharetui.domain.upn import upn_check_letter
from sharetui.services.facade import Services
from sharetui.store.engine import make_engine
from sharetui.store.migrate import upgrade

HEADERS = [
    "Adno",
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "Preferred Forename",
    "DOB",
    "Gender",
    "Year",
    "Reg",
] + [
    f"Contact {n} {what}"
    for n in (1, 2)
    for what in (
        "Surname",
        "Forename",
        "Relationship",
        "Parental Responsibility",
        "Telephone",
        "Email",
    )
]
PASSPHRASE = "correct horse battery staple"  # a passphrase naming the account is refused


def upn(n: int) -> str:
    rest = f"801{2000 + n // 1000:04d}26{n % 1000:03d}"
    return upn_check_letter(rest) + rest


def generate(path: Path, pupils: int, contacts: int, seed: int = 19) -> None:
    """pupils rows; contacts // 2 families of two contacts; the first families get two
    children until every pupil has a family."""
    rng = random.Random(seed)
    families = contacts // 2
    rows = []
    n = 0
    for f in range(families):
        family = rng.choice(FAMILY_NAMES)
        mum = (
            family,
            rng.choice(ADULT_WOMEN),
            "Mother",
            "Yes",
            f"07700 9{f:05d}",
            f"parent{f}a@example.org",
        )
        dad = (
            rng.choice(FAMILY_NAMES),
            rng.choice(ADULT_MEN),
            "Father",
            rng.choice(["Yes", "Yes", "No", ""]),
            f"07800 9{f:05d}",
            "",
        )
        kids = 2 if f < pupils - families else 1
        for _ in range(kids):
            if n >= pupils:
                break
            girl = rng.random() < 0.5
            given = rng.choice(GIRLS if girl else BOYS)
            year = rng.randint(0, 6)
            dob = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{2019 - year}"
            rows.append(
                [
                    f"{n + 1:05d}",
                    upn(n),
                    family,
                    given,
                    "",
                    dob,
                    "F" if girl else "M",
                    f"Year {year + 1}",
                    f"{year + 1}{rng.choice('ABC')}",
                    *mum,
                    *dad,
                ]
            )
            n += 1
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--pupils", type=int, default=2_000)
    parser.add_argument("--contacts", type=int, default=3_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sharetui-import-bench-"))
    url = args.database or f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    csv_path = folder / "pupils.csv"
    generate(csv_path, args.pupils, args.contacts)
    svc = Services.open(Settings(database_url=url, terminal="bench-import"))
    try:
        if not any(u.username == "bench" for u in svc.users.list(None)):
            svc.users.create(None, "bench", "Benchmark", "admin", [], PASSPHRASE)
        from sharetui.services.users import actor_for

        # The acting administrator as stored (a finished sign-in): the import is measured.
        actor = actor_for(svc.users.get(None, "bench"), "bench-import")
        print(f"{url.split('://')[0]}: {csv_path} ({csv_path.stat().st_size / 1e6:.1f} MB)")
        for label in ("first run", "second run (same file)"):
            wall, cpu = time.perf_counter(), time.process_time()
            file = svc.imports.read(actor, csv_path)
            result = svc.imports.run(actor, file)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU; {result.counts()}")
    finally:
        svc.close()


if __name__ == "__main__":
    main()

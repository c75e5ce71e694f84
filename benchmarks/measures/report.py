"""One table per run, on the console and as Markdown, headed by what was measured: the
commit (and whether the tree was dirty), the database, the machine and its load average at
the start and end of the run."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

COLUMNS = (
    "measure",
    "median",
    "p95",
    "min",
    "max",
    "baseline",
    "ratio",
    "goal",
    "result",
    "cpu median",
    "cpu p95",
    "on CPU",
)


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    return f"{value:,.0f} {unit}"


def verdict(r: dict[str, Any]) -> str:
    if r.get("not_applicable"):
        return "n/a"
    if r["passed"] is None:
        return "reported"
    return "pass" if r["passed"] else "MISS"


def cells(r: dict[str, Any]) -> list[str]:
    unit = r["unit"]
    return [
        r["title"],
        fmt(r["median"], unit),
        fmt(r["p95"], unit),
        fmt(r["low"], unit),
        fmt(r["high"], unit),
        fmt(r["baseline"], unit),
        f"{r['ratio']:.1f}x" if r["ratio"] is not None else "-",
        r["goal"],
        verdict(r),
        fmt(r["cpu_median"], unit),
        fmt(r["cpu_p95"], unit),
        "-" if r["cpu_passed"] is None else "pass" if r["cpu_passed"] else "miss",
    ]


def heading(report: dict[str, Any]) -> str:
    m, db, src = report["machine"], report["database"], report["source"]
    tree = (
        f"a DIRTY tree ({src['changed_count']} files differ from it)"
        if src["dirty"]
        else "a clean tree"
    )
    start, end = report["load_average"]["start"], report["load_average"]["end"]
    return (
        f"Measured {report['measured_at']} at commit {src['commit']} ({tree}) on "
        f"{db['backend']} {db['version']} ({db['person']:,} people, {db['audit_event']:,} audit "
        f"events): {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python "
        f"{m['python']}; load average (1, 5, 15 min) at start {', '.join(map(str, start))}, "
        f"at end {', '.join(map(str, end))}."
    )


def render(report: dict[str, Any], previous: dict[str, Any] | None, console: Console) -> None:
    table = Table(title="sharetui benchmarks", show_lines=False)
    for name in COLUMNS:
        if name == "measure":
            table.add_column(name, min_width=44, ratio=3)
        elif name == "goal":
            table.add_column(name, min_width=16, ratio=1)
        else:
            table.add_column(name, justify="right", no_wrap=True)
    if previous:
        table.add_column("previous", justify="right")
    prev = {r["key"]: r for r in (previous or {}).get("results", [])}
    for r in report["results"]:
        row = [Text(c) for c in cells(r)]
        row[8].stylize("yellow" if r["passed"] is None else "green" if r["passed"] else "bold red")
        if previous:
            old = prev.get(r["key"])
            figure = None if old is None else (old.get("p95") or old.get("median"))
            row.append(Text(fmt(figure, r["unit"])))
        table.add_row(*row)
    console.print(table)
    for r in report["results"]:
        if r["note"]:
            console.print(Text(f"  {r['title']}: {r['note']}"))
    console.print(Text(heading(report)))


def markdown(report: dict[str, Any]) -> str:
    """The table as Markdown, for benchmarks/README.md."""
    lines = [
        heading(report),
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for r in report["results"]:
        row = cells(r)
        row[8] = {"MISS": "**miss**"}.get(row[8], row[8])
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    lines.append("")
    lines += [f"- {r['title']}: {r['note']}" for r in report["results"] if r["note"]]
    return "\n".join(lines) + "\n"

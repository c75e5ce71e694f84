"""The governors' report, on both engines: counts for a period, every count under 5 shown as
"fewer than 5" (and one more hidden where subtraction would reveal it), no personal details,
one page of PDF and a CSV."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from sharetui.domain.errors import NotAllowed, ValidationFailed
from sharetui.services.governors import FEWER, HIDDEN, Governors, suppress, to_csv, to_pdf
from tests.services.helpers import (
    audit_actions,
    last_audit_id,
    no_share,
    person,
    share,
    transfer,
)


def test_small_counts_are_suppressed_and_cannot_be_worked_out():
    assert suppress([(None, [0, 3, 4, 5, 120])]) == [(None, [FEWER, FEWER, FEWER, "5", "120"])]
    # Total 20 = 12 + 6 + 2: the 2 alone hidden would be 20 - 12 - 6, so the 6 goes too.
    assert suppress([(20, [12, 6, 2])]) == [("20", ["12", HIDDEN, FEWER])]
    # Two hidden already: their sum is known, not each.
    assert suppress([(20, [16, 2, 2])]) == [("20", ["16", FEWER, FEWER])]
    assert suppress([(3, [3, 0])]) == [(FEWER, [FEWER, FEWER])]


def test_the_report_for_a_period(svc, actors, tmp_path):
    kids = [person(svc, actors.pat, given=f"Child{i}") for i in range(8)]
    for kid in kids[:6]:
        svc.decisions.log(actors.pat, share(kid.id))
    for kid in kids[6:]:
        svc.decisions.log(actors.pat, no_share(kid.id))
    ig = actors.ina
    svc.sar.log(
        ig,
        kids[0].reference,
        requester_name="Parent Requester",
        relationship="parent_with_pr",
        received_on=date.today() - timedelta(days=2),
        identity_confirmed_on=date.today() - timedelta(days=2),
    )
    before = last_audit_id(svc)
    today = date.today()
    report = Governors(svc.store).build(actors.sam, today - timedelta(days=30), today)
    shown = {(m.section, m.label): m.shown for m in report.measures}
    assert shown[("Sharing decisions", "Total decisions")] == "8"
    assert shown[("Sharing decisions", "Shared")] == "6"
    assert shown[("Sharing decisions", "Not shared")] == FEWER
    assert shown[("Sharing decisions", "Shared in part")] == FEWER
    assert shown[("Shared without consent, by lawful basis", "Total shared without consent")] == "6"
    assert shown[("Subject access requests", "Received")] == FEWER
    assert ("report.governors", "report", "") in audit_actions(svc, before)
    assert not report.transfers_recorded

    text = to_csv(report)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "measure", "value"]
    values = [r[2] for r in rows[3:]]
    assert all(v in (FEWER, HIDDEN) or int(v.replace(",", "")) >= 5 for v in values), values
    for detail in ("Child", "Smith", "Parent Requester", kids[0].reference):
        assert detail not in text

    pdf = to_pdf(report)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # one page


def test_who_may_run_it_and_bad_periods(svc, actors):
    today = date.today()
    with pytest.raises(NotAllowed):
        Governors(svc.store).build(actors.pat, today, today)
    assert Governors(svc.store).build(actors.ada, today, today).measures
    with pytest.raises(ValidationFailed) as bad:
        Governors(svc.store).build(actors.sam, today, today - timedelta(days=1))
    assert "after the first day" in bad.value.field_errors["to"]


def test_transfers_within_five_school_days(svc, actors):
    """Where the site records transfers, the report counts those sent within 5 school days of
    the move; a transfer sent late, or left failed, is not."""
    today = date.today()
    school = svc.register.add_org(actors.sam, "Southfield Primary School", "school")
    moved = today - timedelta(days=25)
    kids = [person(svc, actors.pat, given=f"Mover{i}") for i in range(8)]
    for kid in kids[:6]:  # sent the day after the move
        svc.decisions.log(actors.pat, transfer(kid.id, school.org_id, school.org, moved))
    late = transfer(kids[6].id, school.org_id, school.org, moved)
    svc.decisions.log(actors.pat, replace(late, shared_at=late.shared_at + timedelta(days=15)))
    failed = svc.decisions.log(actors.pat, transfer(kids[7].id, school.org_id, school.org, moved))
    svc.receipts.record(actors.pat, failed.id, "failed", note="Portal refused the file")

    report = Governors(svc.store).build(actors.sam, today - timedelta(days=30), today)
    assert report.transfers_recorded
    t = "Child protection file transfers"
    counted = {m.label: (m.count, m.shown) for m in report.section(t)}
    assert counted == {
        "Total transfers": (8, "8"),
        # 2 is a small count, and 6 would give it away by subtraction: both hidden.
        "Within 5 school days": (6, HIDDEN),
        "Later, or not shown to be in time": (2, FEWER),
    }
    assert "not recorded in sharetui" not in to_csv(report)
    # A period before any of them: recorded at this site, none in the period.
    earlier = Governors(svc.store).build(actors.sam, today - timedelta(days=400), moved)
    assert {(m.label, m.shown) for m in earlier.section(t)} >= {("Total transfers", FEWER)}

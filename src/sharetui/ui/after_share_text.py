"""The decision record's 'after the share' part, in words: which register entry and
agreement it relied on, and where the receipt stands with each step."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text

from sharetui.domain.after_share import AgreementCover, DecisionKind, ReceiptState
from sharetui.services.receipts import ReceiptView
from sharetui.services.views import DecisionView
from sharetui.ui.literal import day, plain, when


def after_share_text(view: DecisionView, receipt: ReceiptView | None, tz: ZoneInfo) -> Text:
    f = view.fields
    text = Text("After the share", style="bold underline")
    kind = f.get("kind") or "share"
    if kind == DecisionKind.CP_TRANSFER.value:
        text.append("\n  Child protection file transfer (KCSIE)", style="bold")
        text.append(f"\n  Moved: {day(f.get('moved_on'))}")
        text.append("\n  Reason for the move: " + plain(f.get("transfer_reason") or "", 300))
        separate = f.get("pupil_file_separate")
        text.append(
            "\n  Sent separately from the main pupil file: " + ("yes" if separate else "no")
        )
    org_id = f.get("recipient_org_id")
    text.append(
        "\n  Recipient: from the register"
        if org_id
        else "\n  Recipient: as typed (not in the register)"
    )
    cover = f.get("agreement_cover")
    if cover:
        text.append("\n  Data sharing agreement: " + AgreementCover(cover).label)
        if f.get("agreement_id"):
            text.append(f" (agreement {f['agreement_id']})")
    if receipt is None:
        text.append("\n  Receipt: not needed (said or handed over in person)")
        return text
    style = "bold reverse" if receipt.state is ReceiptState.OVERDUE else ""
    text.append("\n  Receipt: ")
    text.append(receipt.state.label, style=style)
    if receipt.state is not ReceiptState.CONFIRMED:
        text.append(
            f" (chase from {day(receipt.times.chase_on)}; overdue from "
            f"{day(receipt.times.overdue_on)}; c records a step)"
        )
    if receipt.due_on is not None:
        text.append(f"\n  File due at the new setting by {day(receipt.due_on)} (5 school days)")
    for step in receipt.steps:
        text.append(f"\n    {when(step.at, tz)}  {step.step.label}")
        if step.who:
            text.append(": " + plain(step.who, 80))
        if step.method:
            text.append(f" ({step.method.label.lower()})")
        if step.note:
            text.append(" - " + plain(step.note, 200))
        text.append(" [recorded by " + plain(step.recorded_by, 60) + "]")
    return text

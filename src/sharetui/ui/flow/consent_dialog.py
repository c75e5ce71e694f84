"""Record consent that was just given, without leaving the decision: who gave it, how, what
they were told, and what it covers (filled in from the share being recorded).

It is the consent form itself with the answer to "what happened?" fixed at "given" and
today's date, so it shares its fields, checks, single-flight save and draft keeping."""

from __future__ import annotations

from typing import Any

from sharetui.domain.enums import ConsentStatus
from sharetui.domain.text import SHORT_TEXT
from sharetui.ui.screens.record_consent import RecordConsentDialog


class ConsentNowDialog(RecordConsentDialog):
    """Returns the consent event recorded, or None when cancelled."""

    TITLE_WORDS = "Record consent given now"

    FIELD_HELP = {
        **RecordConsentDialog.FIELD_HELP,
        "given_by": "Who gave consent: the person, a parent with parental responsibility, a "
        "competent child, or someone else. Press the number shown.",
        "scope_information": "Consent covers only this information, this recipient and this "
        "purpose. A later share outside it needs its own basis.",
    }

    def __init__(
        self,
        person_id: int,
        information: str,
        recipient: str,
        purpose: str,
        **kwargs: Any,
    ) -> None:
        prefill = {
            "status": ConsentStatus.GIVEN.value,
            "scope_information": information[:SHORT_TEXT],
            "scope_recipient": recipient[:SHORT_TEXT],
            "scope_purpose": purpose[:SHORT_TEXT],
        }
        super().__init__(person_id, values={**prefill, **kwargs.pop("values", {})}, **kwargs)

    def restored(self) -> None:
        super().restored()
        for fixed in ("status", "effective_at"):
            for field in self.query(f"#{fixed}").results():
                if field.parent is not None:  # always: a field sits in its labelled row
                    field.parent.display = False

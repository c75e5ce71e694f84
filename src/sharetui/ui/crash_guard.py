"""The last line of defence: an exception nothing else caught.

Textual would print a traceback with local variables (a name, a passphrase) and exit with
status 0; a person's typed work would be lost. Instead every open form is saved as a draft,
a report without local values goes to a file only the kiosk account can read, and the
terminal gets a plain message and a non-zero exit status.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from sharetui.crash import plain_message, write_report
from sharetui.ui.locking import LockModes
from sharetui.ui.screens.base import KioskMixin

CRASH_EXIT_CODE = 70  # EX_SOFTWARE: stopped on an internal error (1 is a refused command)


class CrashGuard(LockModes):
    """Replaces Textual's handling of an uncaught exception."""

    def _handle_exception(self, error: Exception) -> None:
        self._return_code = CRASH_EXIT_CODE
        if self._exception is None:  # run_test re-raises it, so a test sees the fault
            self._exception = error
            self._exception_event.set()
        if self._crashed:
            return
        self._crashed = True
        drafts = self._save_drafts_after_crash()
        screens = [*self.work_stack, *(self.screen_stack if self.lock_is_up else [])]
        report: Path | None = None
        try:
            report = write_report(
                error,
                self.settings.crash_path,
                context=[
                    f"screens: {' > '.join(type(s).__name__ for s in screens)}",
                    f"drafts: {drafts}",
                ],
            )
        except OSError:
            report = None
        self.crash_report = report
        self._exit_renderables.append(Text(plain_message(report, drafts)))
        self._close_messages_no_wait()

    def _fatal_error(self) -> None:
        """Never Textual's traceback with local variables: see _handle_exception."""
        self._close_messages_no_wait()

    def _save_drafts_after_crash(self) -> str:
        """Save every open form now, on this thread: the app is about to stop. One form
        that cannot be read or saved does not stop the others."""
        if self.actor is None or self.services is None:
            return "Nobody was signed in: nothing to save."
        saved = failed = 0
        for screen in self.work_stack:
            if not isinstance(screen, KioskMixin):
                continue
            try:
                snap = screen.draft_snapshot()
                if snap is None:
                    continue
                snap.save(self.services, self.actor)
                saved += 1
            except Exception:  # noqa: BLE001 - counted and said; the others still save
                failed += 1
        self.crash_drafts = (saved, failed)
        if failed:
            return f"{saved} unfinished form(s) saved as drafts; {failed} could not be saved."
        if saved:
            return f"Your unfinished form(s) ({saved}) were saved as drafts: see My drafts."
        return "There was no unfinished form to save."

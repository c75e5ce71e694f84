"""The one table every screen uses: Textual's DataTable, painted in its final column widths.

A DataTable measures new rows when its queue goes idle. If it paints before that (a busy
machine, a big page), the rows are drawn in the old, narrow column widths and cached; the
measurement then widens the columns but, for rows of fixed height, leaves those cached rows in
place (Textual 8.2 clears its line caches only for auto-height rows). The table then shows cut
columns until something else changes, which the home screen did under load: "Advice give" for
"Advice given". Clearing the caches after a measurement makes the next paint right.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import DataTable


class Table(DataTable[Any]):
    """A DataTable whose rows are repainted once their columns have been measured."""

    @property
    def laid_out(self) -> bool:
        """False while rows or cells wait to be measured (they would paint too narrow)."""
        return not (self._require_update_dimensions or self._updated_cells)

    async def _on_idle(self, event: events.Idle) -> None:
        measuring = not self.laid_out
        await super()._on_idle(event)
        if measuring:
            self._clear_caches()
            self.refresh()

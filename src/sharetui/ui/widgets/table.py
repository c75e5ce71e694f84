"""The one table every screen uses: Textual's DataTable, painted in its final column widths.

A DataTable measures new rows when its queue goes idle. If it paints before that (a busy
machine, a big page), the rows are drawn in the old, narrow column widths and cached; the
measurement then widens the columns but, for rows of fixed height, leaves those cached rows in
place (Textual 8.2 clears its line caches only for auto-height rows). The table then shows cut
columns until something else changes, which the home screen did under load: "Advice give" for
"Advice given". Clearing the caches after a measurement makes the next paint right.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from textual import events
from textual.widgets import DataTable

T = TypeVar("T")


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


# The list screens' one way of filling a table and reading the row under its cursor, so a
# reload keeps the reader's place and an empty list says so in the same way everywhere.
def refill(
    table: DataTable[Any],
    rows: Sequence[tuple[Any, ...]],
    *,
    empty: tuple[Any, ...] | None = None,
    cursor: int | None = None,
) -> None:
    """Show `rows` in place of the table's rows. The cursor stays on the row number it was on
    (or goes to `cursor`), within the rows there are; with no rows, `empty` (when given) is
    the one row that says there is nothing."""
    at = table.cursor_row if cursor is None else cursor
    table.clear()
    for row in rows:
        table.add_row(*row)
    if not rows and empty is not None:
        table.add_row(*empty)
    table.move_cursor(row=max(0, min(at, len(rows) - 1)))


def under_cursor(table: DataTable[Any], items: Sequence[T]) -> T | None:
    """The item shown on the row under the cursor; None when there are none (the table may
    still show its row saying so)."""
    if not items or table.cursor_row < 0:
        return None
    return items[min(table.cursor_row, len(items) - 1)]

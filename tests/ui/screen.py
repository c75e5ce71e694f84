"""The one way tests read the terminal: the whole screen as composited, as a person sees it.

Reads what is painted (dialogs over their screens, notifications, the footer), not a widget's
own text: a value scrolled out of view, hidden under a dialog or cut at the edge does not count
as shown. Passphrase boxes paint bullets, so a passphrase can never be read here either."""

from __future__ import annotations

import re

from textual._context import visible_screen_stack
from textual.app import App
from textual.pilot import Pilot

BORDERS = re.compile("[█▀▄▊▎▔▁▐▌┃━┏┓┗┛│─▇▂▃▅▆╭╮╰╯]")


def screen_text(target: App[object] | Pilot[object], *, fold: bool = False) -> str:
    """Every line of the terminal now. With fold=True, borders are removed and whitespace is
    folded, so a sentence wrapped over two lines still reads as one."""
    app = target.app if isinstance(target, Pilot) else target
    # Screens below a dialog show through it; the compositor takes them from this context
    # (and pops from the list, hence the copy).
    visible_screen_stack.set(list(app._background_screens))
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    text = "\n".join(line.rstrip() for line in lines)
    if fold:
        return " ".join(BORDERS.sub(" ", text).split())
    return text


# A terminal tall enough to show a long page (check your answers, a record, F1 help) whole,
# for tests that read such a page without scrolling it.
TALL = (100, 100)

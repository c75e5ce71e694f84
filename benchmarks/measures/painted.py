"""Time to a frame actually painted. The app runs headless (Textual's Pilot), where the
driver writes nothing; every update the screen's compositor hands to the app for the
terminal (App._display) is still made. Here each one is also encoded as a terminal driver
would (render_segments), applied to a grid of text, and stamped with the clock and the
process's CPU time. A measure waits for the first frame whose text shows what it expects
(worked out beforehand from the services, not from the screen), so a screen that has its
data but has not painted it yet does not count, and neither does one painted empty."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate

Stamp = tuple[float, float, int]  # perf_counter, process_time, frames sent so far


class Terminal:
    """The text a terminal would show, kept from every update the app sends it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        width, height = app.size
        self.rows = [" " * width for _ in range(height)]
        self.frames = 0
        self._waiting: list[tuple[Callable[[str], bool], type, asyncio.Future[Stamp]]] = []
        self._display = app._display
        app._display = self._hooked

    def close(self) -> None:
        self.app._display = self._display

    def text(self) -> str:
        return "\n".join(self.rows)

    def _hooked(self, screen: Any, renderable: Any) -> None:
        self._display(screen, renderable)
        if not isinstance(renderable, CompositorUpdate) or self.app._batch_count:
            return  # nothing was sent
        renderable.render_segments(self.app.console)  # what the driver would write
        self.frames += 1
        stamp = (time.perf_counter(), time.process_time(), self.frames)
        self._apply(renderable)
        if self._waiting:
            shown = self.text()
            for waiting in list(self._waiting):
                wanted, kind, future = waiting
                if future.done():
                    self._waiting.remove(waiting)
                elif isinstance(screen, kind) and wanted(shown):
                    future.set_result(stamp)
                    self._waiting.remove(waiting)

    def _put(self, y: int, x: int, text: str) -> None:
        if 0 <= y < len(self.rows):
            row = self.rows[y]
            self.rows[y] = (row[:x].ljust(x) + text + row[x + len(text) :])[: len(row)]

    def _apply(self, update: CompositorUpdate) -> None:
        if isinstance(update, LayoutUpdate):
            for y, line in enumerate(update.strips, update.region.y):
                self._put(y, update.region.x, "".join(strip.text for strip in line))
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                for end, (x, strip) in zip(
                    update.chop_ends[y], update.chops[y].items(), strict=False
                ):
                    if strip is None or x > x2 or end <= x1:
                        continue
                    if not (x2 > x >= x1 and end <= x2):
                        strip = strip.crop(0, min(end, x2) - x)
                    self._put(y, x, strip.text)

    def when_shown(self, wanted: Callable[[str], bool], screen: type) -> asyncio.Future[Stamp]:
        """A future set to the stamp of the first frame from now on that a screen of this
        class sends and after which the terminal's text passes `wanted`."""
        future: asyncio.Future[Stamp] = asyncio.get_running_loop().create_future()
        self._waiting.append((wanted, screen, future))
        return future


def all_of(*tests: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda shown: all(test(shown) for test in tests)


def on_one_line(*needles: str) -> Callable[[str], bool]:
    """Every needle on the same line of the terminal."""
    return lambda shown: any(all(n in line for n in needles) for line in shown.splitlines())

"""A QR code drawn with block characters, two rows of modules to a line, dark on light
whatever the theme (a phone camera reads dark modules on a light ground)."""

from __future__ import annotations

from rich.text import Text

QUIET = 2  # modules of light border; phone cameras read two in a terminal


def qr_text(data: str) -> Text:
    import segno

    matrix = [list(row) for row in segno.make(data, error="m", micro=False).matrix]
    width = len(matrix[0]) + 2 * QUIET
    rows = [[0] * width for _ in range(QUIET)]
    rows += [[0] * QUIET + [int(bool(c)) for c in row] + [0] * QUIET for row in matrix]
    rows += [[0] * width for _ in range(QUIET)]
    if len(rows) % 2:
        rows.append([0] * width)
    text = Text(no_wrap=True, overflow="crop")
    for top, bottom in zip(rows[::2], rows[1::2], strict=True):
        line = "".join(_cell(t, b) for t, b in zip(top, bottom, strict=True))
        text.append(line, style="#000000 on #ffffff")
        text.append("\n")
    text.rstrip()
    return text


def _cell(top: int, bottom: int) -> str:
    """Light is the background (white), dark is drawn (black)."""
    return {(0, 0): " ", (1, 0): "▀", (0, 1): "▄", (1, 1): "█"}[(top, bottom)]


def secret_text(secret: str) -> Text:
    """The secret as text, in groups of four, for an app that cannot scan."""
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Text.assemble(("Secret: ", "bold"), grouped, "  (time-based, 6 digits, 30 s)")

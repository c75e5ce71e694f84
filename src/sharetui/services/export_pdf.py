"""The subject access export as a PDF (fpdf2): one field per line pair, every value marked for
review shaded and tagged, so a reviewer can work through it on paper or screen.

Names are written in a Unicode font found on the system (DejaVu, Liberation or Noto). Without
one, the PDF falls back to a built-in font that covers Western European letters only, says so
on its first page, and points to the JSON or CSV export for the exact text.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from sharetui.services.export import REVIEW_GUIDE, REVIEW_SHORT, SubjectAccessExport

FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
    ("/Library/Fonts/Arial Unicode.ttf", ""),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
)
REVIEW_FILL = (255, 236, 160)
LINE = 5.0


def unicode_font() -> tuple[Path, Path | None] | None:
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file():
            return Path(regular), (Path(bold) if bold and Path(bold).is_file() else None)
    return None


class _Doc(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.font_family, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, self.footer_text, align="L")
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


class _Writer:
    def __init__(self, export: SubjectAccessExport) -> None:
        self.pdf = _Doc(format="A4")
        self.pdf.set_auto_page_break(True, margin=16)
        self.pdf.set_margins(15, 15, 15)
        self.pdf.set_title(f"Subject access export {export.reference}")
        self.pdf.set_creator("sharetui")
        font = unicode_font()
        self.exact = font is not None
        self.bold = ""
        if font is not None:
            regular, bold = font
            self.pdf.add_font("body", "", str(regular))
            if bold is not None:
                self.pdf.add_font("body", "B", str(bold))
                self.bold = "B"
            self.family = "body"
        else:
            self.family = "helvetica"
            self.bold = "B"
        self.pdf.set_font(self.family, "", 10)
        self.pdf.footer_text = f"{export.reference}: personal data, handle securely"
        self.export = export

    def text(self, value: str) -> str:
        if self.exact:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def para(self, value: str, *, size: float = 10, style: str = "", fill: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font(self.family, style if style != "B" else self.bold, size)
        if fill:
            pdf.set_fill_color(*REVIEW_FILL)
        pdf.multi_cell(
            0,
            LINE if size <= 10 else size * 0.5,
            self.text(value),
            fill=fill,
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def gap(self, mm: float = 2) -> None:
        self.pdf.ln(mm)

    def build(self) -> bytes:
        e = self.export
        self.pdf.add_page()
        self.para("Subject access export", size=18, style="B")
        self.gap()
        self.para(f"Person: {e.name} ({e.reference})", size=12, style="B")
        produced = e.generated_at.strftime("%Y-%m-%d %H:%M UTC")
        self.para(f"Produced {produced} by {e.generated_by}. Times are {e.timezone} time.")
        if not self.exact:
            self.para(
                "No Unicode font was found on this computer: letters outside Western European "
                "alphabets show as '?'. The JSON and CSV exports hold the exact text.",
                style="B",
            )
        self.gap(4)
        self.para("Before disclosure", size=12, style="B")
        self.para(
            "Shaded values are marked for review. Nothing has been removed: decide what to "
            "withhold or redact, and record why."
        )
        for code, guide in REVIEW_GUIDE.items():
            self.para(f"[{REVIEW_SHORT[code]}] {guide}", size=9, fill=True)
        for section in e.sections:
            self.gap(5)
            self.para(section.title, size=14, style="B")
            if not section.records:
                self.para("Nothing held.")
                continue
            for record in section.records:
                self.gap(2)
                title = record.title
                if record.review:
                    title += f"  [{REVIEW_SHORT[record.review]}]"
                self.para(title, size=11, style="B", fill=bool(record.review))
                for f in record.fields:
                    self.pdf.set_text_color(80, 80, 80)
                    self.para(f.label, size=8)
                    self.pdf.set_text_color(0, 0, 0)
                    value = f.value + (f"  [{REVIEW_SHORT[f.review]}]" if f.review else "")
                    self.para(value, fill=bool(f.review))
        return bytes(self.pdf.output())


def to_pdf(export: SubjectAccessExport) -> bytes:
    return _Writer(export).build()

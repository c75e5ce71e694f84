"""The subject access export as a PDF (fpdf2): one field per line pair, every value marked for
review shaded and tagged, so a reviewer can work through it on paper or screen.

Every character stored is drawn, in the fonts bundled with sharetui (services/pdf_fonts.py):
the export checks each value first, and a character no font can show stops it with its code
point, name and field, so an incomplete disclosure is never written.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from fpdf.enums import XPos, YPos

from sharetui.services.export_records import REVIEW_GUIDE, REVIEW_SHORT, SubjectAccessExport
from sharetui.services.pdf_fonts import ScriptDoc, UndrawableCharacter, font_folder, undrawable

__all__ = ["UndrawableCharacter", "to_pdf"]

REVIEW_FILL = (255, 236, 160)
LINE = 5.0


def _texts(export: SubjectAccessExport) -> Iterator[tuple[str, str]]:
    """Every stored value the PDF shows, with where a reviewer would find it."""
    yield "the person's name", export.name
    yield "the person's reference", export.reference
    yield "the name of who made the export", export.generated_by
    for section in export.sections:
        for record in section.records:
            place = f"{record.title!r}"
            if record.title != section.title:
                place += f" in {section.title!r}"
            yield f"the title of {place}", record.title
            for f in record.fields:
                yield f"the field {f.label!r} of {place}", f.value


class _Doc(ScriptDoc):
    footer_text = ""

    def footer(self) -> None:
        shaping = self.text_shaping  # the footer can fall in the middle of a paragraph
        self.set_y(-12)
        self.set_font("body", "", 8)
        self.set_text_color(90, 90, 90)
        self.shape_for(self.footer_text)
        self.cell(0, 5, self.footer_text, align="L")
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)
        self.text_shaping = shaping


class _Writer:
    def __init__(self, export: SubjectAccessExport, folder: Path) -> None:
        self.pdf = _Doc(folder, "".join(text for _, text in _texts(export)))
        self.pdf.set_auto_page_break(True, margin=16)
        self.pdf.set_margins(15, 15, 15)
        self.pdf.set_title(f"Subject access export {export.reference}")
        self.pdf.set_creator("sharetui")
        self.pdf.footer_text = f"{export.reference}: personal data, handle securely"
        self.export = export

    def para(self, value: str, *, size: float = 10, style: str = "", fill: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font("body", style, size)
        pdf.shape_for(value)
        if fill:
            pdf.set_fill_color(*REVIEW_FILL)
        pdf.multi_cell(
            0,
            LINE if size <= 10 else size * 0.5,
            value.expandtabs(4),
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
        heading = "Subject access disclosure" if e.disclosure else "Subject access export"
        self.para(heading, size=18, style="B")
        self.gap()
        self.para(f"Person: {e.name} ({e.reference})", size=12, style="B")
        produced = e.generated_at.strftime("%Y-%m-%d %H:%M UTC")
        self.para(f"Produced {produced} by {e.generated_by}. Times are {e.timezone} time.")
        self.gap(4)
        if e.disclosure:
            self.para(
                "This is the information held about you. Where a value reads [withheld], it "
                "was withheld after review, usually because it is about someone else."
            )
        else:
            self.para("Before disclosure", size=12, style="B")
            self.para(
                "Shaded values are marked for review. Nothing has been removed: decide what "
                "to withhold or redact, and record why."
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
        return self.pdf.to_bytes()


def to_pdf(export: SubjectAccessExport) -> bytes:
    """The PDF, or UndrawableCharacter naming the first character it could not show."""
    with resources.as_file(font_folder()) as folder:
        for where, text in _texts(export):
            char = undrawable(text, folder)
            if char is not None:
                raise UndrawableCharacter(char, where)
        return _Writer(export, folder).build()

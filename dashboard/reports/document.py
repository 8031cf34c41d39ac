"""The session pack's PDF building blocks: A4 pages that say they are confidential and carry
'page N of M', the bundled Unicode font (Cyrillic and Kazakh letters), headings that make the
outline, paragraphs, tables, and bar and line charts drawn with fpdf2's own lines."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from dashboard.i18n import N_, t
from dashboard.i18n.format import (
    fmt_rate,
)

CONFIDENTIAL = N_("Confidential — committee members only")

_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
_PALETTE = ((31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14))


@cache
def font_path(style: str = "") -> Path:
    """DejaVu Sans from the system (fonts-dejavu-core), else the copy inside the package."""
    name = _FONT_FILES[style]
    system = _SYSTEM_FONTS / name
    if system.is_file():
        return system
    return Path(str(resources.files("dashboard.resources").joinpath(f"fonts/{name}")))


class PackPDF(FPDF):
    """A4 pages that each say they are confidential and carry 'page N of M'."""

    def header(self) -> None:
        self.set_font("DejaVu", "B", 8)
        self.set_text_color(150, 0, 0)
        self.cell(0, 5, t(CONFIDENTIAL), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_font("DejaVu", "", 10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, t(CONFIDENTIAL), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, t("Page {n} of {total}", n=self.page_no(), total="{nb}"), align="R")
        self.set_text_color(0, 0, 0)


def new_pdf() -> Any:

    pdf = PackPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    for style in _FONT_FILES:
        pdf.add_font("DejaVu", style, str(font_path(style)))
    pdf.set_font("DejaVu", "", 10)
    return pdf


def h1(pdf: Any, text: str) -> None:
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)


#: the colour of section headings and of the rule under them
_SECTION_RGB = (20, 60, 120)


def heading(
    pdf: Any,
    text: str,
    *,
    size: int,
    height: float,
    space: float,
    last_y: float,
    rgb: tuple[int, int, int] = (0, 0, 0),
    section: bool = False,
) -> None:
    """A bold heading after `space` mm, on a new page when it would start below `last_y` mm
    (never alone at the foot of a page); the body font follows it. A `section` heading is an
    entry of the contents and of the PDF's outline."""
    if pdf.get_y() > last_y:
        pdf.add_page()
    if section:
        pdf.start_section(text)  # an entry of the contents and of the PDF's outline
    pdf.ln(space)
    pdf.set_font("DejaVu", "B", size)
    pdf.set_text_color(*rgb)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "", 10)


def h2(pdf: Any, text: str) -> None:
    heading(pdf, text, size=13, height=7, space=3, last_y=250, rgb=_SECTION_RGB, section=True)
    pdf.set_draw_color(*_SECTION_RGB)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def h3(pdf: Any, text: str) -> None:
    heading(pdf, text, size=11, height=6, space=2, last_y=255)


def para(pdf: Any, text: str, size: int = 10) -> None:
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)


def table(
    pdf: Any, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> None:
    pdf.set_font("DejaVu", "", 9)
    pdf.set_fill_color(255, 255, 255)  # charts leave their colour behind
    pdf.set_draw_color(0, 0, 0)
    with pdf.table(
        col_widths=tuple(widths),
        line_height=5,
        text_align="LEFT",
        headings_style=heading_style(),
        first_row_as_headings=True,
    ) as table:
        for cells in [header, *rows]:
            r = table.row()
            for c in cells:
                r.cell(c)
    pdf.set_font("DejaVu", "", 10)


def heading_style() -> Any:

    return FontFace(emphasis="BOLD", fill_color=(225, 232, 242))


def bar_chart(pdf: Any, title: str, items: Sequence[tuple[str, float | None]]) -> None:
    """Horizontal bars of rates (0-100 %); a rate without cases is written, not drawn."""
    if not items:
        return
    label_w, bar_w, row_h = 70.0, 90.0, 7.0
    height = 10 + row_h * len(items)
    if pdf.get_y() + height > pdf.h - 20:
        pdf.add_page()
    x0, y = pdf.l_margin, pdf.get_y()
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_xy(x0, y)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    y += 8
    pdf.set_font("DejaVu", "", 8)
    pdf.set_draw_color(180, 180, 180)
    for frac in (0, 0.25, 0.5, 0.75, 1.0):
        x = x0 + label_w + bar_w * frac
        pdf.line(x, y, x, y + row_h * len(items))
    for i, (name, value) in enumerate(items):
        yy = y + i * row_h
        pdf.set_xy(x0, yy + 1)
        while pdf.get_string_width(name) > label_w - 3 and len(name) > 4:
            name = name[:-2].rstrip() + "…"  # long titles must not run past the margin
        pdf.cell(label_w - 2, 5, name, align="R")
        if value is None:
            pdf.set_xy(x0 + label_w + 1, yy + 1)
            pdf.cell(bar_w, 5, t("no cases"))
            continue
        v = max(0.0, min(1.0, float(value)))
        pdf.set_fill_color(*_PALETTE[0])
        pdf.rect(x0 + label_w, yy + 1, max(bar_w * v, 0.3), 5, style="F")
        pdf.set_xy(x0 + label_w + bar_w * v + 1, yy + 1)
        pdf.cell(20, 5, fmt_rate(v))
    pdf.set_xy(x0, y + row_h * len(items) + 2)
    pdf.set_font("DejaVu", "", 10)


def line_chart(
    pdf: Any, title: str, periods: Sequence[str], series: dict[str, list[float | None]]
) -> None:
    """Rates (0-100 %) over the sessions' periods, one coloured line per indicator."""
    if not periods or not series:
        return
    w, h = 150.0, 55.0
    legend_h = 6 * len(series)
    if pdf.get_y() + h + legend_h + 20 > pdf.h - 15:
        pdf.add_page()
    x0 = pdf.l_margin + 12
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    y0 = pdf.get_y() + 2
    pdf.set_font("DejaVu", "", 7)
    pdf.set_draw_color(200, 200, 200)
    for frac in (0, 0.25, 0.5, 0.75, 1.0):
        y = y0 + h * (1 - frac)
        pdf.line(x0, y, x0 + w, y)
        pdf.set_xy(x0 - 12, y - 2)
        pdf.cell(11, 4, f"{frac * 100:.0f} %", align="R")
    n = len(periods)
    xs = [x0 + (w * (i + 0.5) / n) for i in range(n)]
    for i, p in enumerate(periods):
        pdf.set_xy(xs[i] - 12, y0 + h + 1)
        pdf.cell(24, 4, p, align="C")
    for k, (name, values) in enumerate(series.items()):
        color = _PALETTE[k % len(_PALETTE)]
        pdf.set_draw_color(*color)
        pdf.set_fill_color(*color)
        pdf.set_line_width(0.6)
        pts = [
            (xs[i], y0 + h * (1 - max(0.0, min(1.0, v))))
            for i, v in enumerate(values)
            if v is not None
        ]
        for a, b in zip(pts, pts[1:], strict=False):
            pdf.line(a[0], a[1], b[0], b[1])
        for x, y in pts:
            pdf.circle(x=x, y=y, radius=0.9, style="F")
        pdf.set_line_width(0.2)
        ly = y0 + h + 7 + 5 * k
        pdf.rect(x0, ly + 1, 4, 3, style="F")
        pdf.set_xy(x0 + 6, ly)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 5, name)
    pdf.set_xy(pdf.l_margin, y0 + h + 8 + 5 * len(series))
    pdf.set_draw_color(0, 0, 0)
    pdf.set_font("DejaVu", "", 10)


def contents(pdf: Any, outline: Sequence[Any]) -> None:
    """The contents list: each section with its page number."""
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 7, t("Contents"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for entry in outline:
        pdf.cell(160, 6, entry.name)
        pdf.cell(0, 6, str(entry.page_number), align="R", new_x="LMARGIN", new_y="NEXT")

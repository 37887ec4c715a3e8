"""Office documents of an analysis: a 16:9 PowerPoint deck for the meeting and a Word document for
the manuscript, with every table as a native, editable table (never a picture of one).

The deck: a title slide (cohort, selection, date), one slide per figure with its title as editable
text, Table 1 and the landmark estimates as PowerPoint tables, the methods last. The document: the
results and methods text, Table 1 and the landmark tables as Word tables.
"""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from docx import Document
from docx.shared import Pt as DocxPt
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from ilp_core.cohort.endpoints import ENDPOINTS
from ilp_core.reporting import display, export, figures, forest, report
from ilp_core.results.analysis import Analysis

SYNTHETIC = "Synthetic sample data: not real patients"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)      # 16:9
MARGIN = Inches(0.5)
TITLE_HEIGHT = Inches(0.9)
TABLE_ROWS = 14                                  # body rows per slide before a table continues
TEXT_CHARACTERS = 1_400                          # methods text per slide


def _selection(analysis: Analysis, source: str) -> str:
    parts = [source, f"{analysis.n_selected} of {analysis.n_loaded} patients"]
    if analysis.filters:
        parts.append(analysis.filters)
    if analysis.compare_by:
        parts.append(f"compared by {analysis.compare_by}")
    return " \u00b7 ".join(parts)


def landmark_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    """``{'Estimates: ' endpoint title: the landmark estimates as displayed}`` for every reported endpoint."""
    settings = analysis.settings
    return {f"Estimates: {ENDPOINTS[e].title}": display.landmark_display(analysis.landmarks_table(e), conf_level=settings.conf_level,
                                                         time_unit=settings.time_unit, what=ENDPOINTS[e].axis)
            for e in analysis.curves}


def forest_title(model) -> str:
    """'Hazard ratios for overall survival' (a Fine-Gray model's: subdistribution hazard ratios)."""
    return f"{model.outcome.ratio}s for {model.outcome.heading[:1].lower()}{model.outcome.heading[1:]}"


def _chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    return [frame.iloc[i:i + size] for i in range(0, max(len(frame), 1), size)]


def _paragraph_chunks(text: str, size: int) -> list[str]:
    """Whole paragraphs, as many as fit ``size`` characters per slide."""
    chunks, current = [], ""
    for paragraph in [p for p in text.split("\n\n") if p.strip()]:
        if current and len(current) + len(paragraph) > size:
            chunks.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}" if current else paragraph
    return chunks + ([current] if current else [])


# -- PowerPoint -----------------------------------------------------------------------------------

def _titled_slide(deck, title: str):
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only": the title stays editable text
    slide.shapes.title.text = title
    slide.shapes.title.left, slide.shapes.title.top = MARGIN, Inches(0.25)
    slide.shapes.title.width, slide.shapes.title.height = WIDTH - 2 * MARGIN, TITLE_HEIGHT
    for paragraph in slide.shapes.title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(30)
    return slide


def _picture(slide, png: bytes) -> None:
    """The figure as large as the slide allows below the title, its shape kept, centred."""
    width_px, height_px = export.png_size(png)
    room_w, room_h = WIDTH - 2 * MARGIN, HEIGHT - TITLE_HEIGHT - Inches(0.5) - MARGIN
    scale = min(room_w / width_px, room_h / height_px)
    width, height = Emu(int(width_px * scale)), Emu(int(height_px * scale))
    slide.shapes.add_picture(io.BytesIO(png), (WIDTH - width) // 2, TITLE_HEIGHT + Inches(0.5), width, height)


def _pptx_table(slide, frame: pd.DataFrame) -> None:
    """A PowerPoint table: the first column (the characteristic, the group) wider, the font smaller
    as columns are added, so a comparison of many groups still fits the slide."""
    rows, columns = len(frame) + 1, len(frame.columns)
    font = 12 if columns <= 5 else 10 if columns <= 8 else 8
    shape = slide.shapes.add_table(rows, columns, MARGIN, TITLE_HEIGHT + Inches(0.4), WIDTH - 2 * MARGIN,
                                   Pt(font * 2.2) * rows)
    first = Inches(3.0) if columns <= 5 else Inches(2.0)
    shape.table.columns[0].width = first
    for column in list(shape.table.columns)[1:]:
        column.width = (WIDTH - 2 * MARGIN - first) // (columns - 1)
    cells = [list(map(str, frame.columns))] + frame.astype(str).values.tolist()
    for r, values in enumerate(cells):
        for c, value in enumerate(values):
            cell = shape.table.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(font)
                    run.font.bold = r == 0


def _text_slide(deck, title: str, text: str) -> None:
    slide = _titled_slide(deck, title)
    box = slide.shapes.add_textbox(MARGIN, TITLE_HEIGHT + Inches(0.4), WIDTH - 2 * MARGIN,
                                   HEIGHT - TITLE_HEIGHT - Inches(0.4) - MARGIN)
    frame = box.text_frame
    frame.word_wrap = True
    for i, paragraph in enumerate(text.split("\n\n")):
        line = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        line.text = paragraph
        line.space_after = Pt(8)
        for run in line.runs:
            run.font.size = Pt(14)


def slide_deck(analysis: Analysis, *, source: str, synthetic: bool = False, model=None,
               today: dt.date | None = None, figure_options: dict | None = None) -> bytes:
    """A 16:9 .pptx: title slide; each figure on its own slide under its title as editable text;
    Table 1 and the landmark estimates as PowerPoint tables (long tables continue on the next
    slide); the model's sentence when given; the methods on the last slides."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = "Outcomes after isolated limb perfusion"
    first.placeholders[1].text = "\n".join(
        [_selection(analysis, source), f"{(today or dt.date.today()):%d %B %Y}"] + ([SYNTHETIC] if synthetic else []))
    for shape, top, height in ((first.shapes.title, Inches(2.0), Inches(1.5)),
                               (first.placeholders[1], Inches(3.7), Inches(2.0))):  # the template is 4:3
        shape.left, shape.top, shape.width, shape.height = MARGIN, top, WIDTH - 2 * MARGIN, height
    subtitle = SYNTHETIC if synthetic else ""
    made = figures.figures(analysis, subtitle=subtitle, titled=False, options=figure_options)
    titles = figures.figure_titles(analysis, figure_options)
    if model is not None:
        made["forest"] = forest.forest_plot(model.model.table, title="", subtitle=subtitle, ratio=model.outcome.ratio,
                                            conf_level=model.model.conf_level)
        titles["forest"] = forest_title(model)
    for name, chart in made.items():
        _picture(_titled_slide(deck, titles[name]), export.figure_bytes(chart, "png"))
    baseline = analysis.baseline.display
    for i, part in enumerate(_chunks(baseline, TABLE_ROWS)):
        _pptx_table(_titled_slide(deck, "Table 1: baseline characteristics" + (" (continued)" if i else "")), part)
    for title, table in landmark_tables(analysis).items():
        for i, part in enumerate(_chunks(table, TABLE_ROWS)):
            _pptx_table(_titled_slide(deck, title + (" (continued)" if i else "")), part)
    sentence = report.fitted_model_sentence(model)
    if sentence:
        _text_slide(deck, f"{forest_title(model)}: the model in words", sentence)
    for i, part in enumerate(_paragraph_chunks(report.methods_text(analysis), TEXT_CHARACTERS)):
        _text_slide(deck, "Methods" + (" (continued)" if i else ""), part)
    if synthetic:  # on every slide: a slide travels alone
        for slide in list(deck.slides)[1:]:
            mark = slide.shapes.add_textbox(MARGIN, HEIGHT - Inches(0.45), WIDTH - 2 * MARGIN, Inches(0.35))
            mark.text_frame.text = SYNTHETIC
            mark.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
            mark.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


# -- Word -----------------------------------------------------------------------------------------

def _docx_table(document, frame: pd.DataFrame) -> None:
    table = document.add_table(rows=len(frame) + 1, cols=len(frame.columns))
    table.style = "Table Grid"
    cells = [list(map(str, frame.columns))] + frame.astype(str).values.tolist()
    for r, values in enumerate(cells):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            for run in cell.paragraphs[0].runs:
                run.font.size = DocxPt(9)
                run.font.bold = r == 0


def manuscript(analysis: Analysis, *, source: str, synthetic: bool = False, model=None,
               today: dt.date | None = None) -> bytes:
    """A .docx for the manuscript: the results text (with the model's sentence when given), Table 1
    and the landmark tables as Word tables, and the methods text."""
    document = Document()
    document.add_heading("Outcomes after isolated limb perfusion", level=1)
    document.add_paragraph(f"{_selection(analysis, source)} \u00b7 {(today or dt.date.today()):%d %B %Y}")
    if synthetic:
        document.add_paragraph(SYNTHETIC)
    document.add_heading("Results", level=2)
    sentence = report.fitted_model_sentence(model)
    for paragraph in report.results_text(analysis).split("\n\n") + ([sentence] if sentence else []):
        document.add_paragraph(paragraph)
    document.add_heading("Table 1: baseline characteristics", level=2)
    _docx_table(document, analysis.baseline.display)
    document.add_paragraph(analysis.baseline.footnote)
    for title, table in landmark_tables(analysis).items():
        document.add_heading(title, level=2)
        _docx_table(document, table)
    document.add_heading("Methods", level=2)
    for paragraph in report.methods_text(analysis).split("\n\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

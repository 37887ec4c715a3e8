"""The PowerPoint deck and the Word document, opened with python-pptx and python-docx: slides, figures,
native tables holding the same text as the app's tables, no 'nan'."""
import datetime as dt
import io
import re

import docx
import pandas as pd
import pptx
import pytest
from pptx.util import Inches
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.conventions import Settings
from ilp_core.reporting import documents, export, figures
from ilp_core.results import analysis, predictors, selection

NAN = re.compile(r"\bnan\b|\bNaN\b|\bNone\b|<NA>")


@pytest.fixture(scope="module")
def data():
    return core.load_cohort(SAMPLE).data


@pytest.fixture(scope="module")
def result(data):
    return analysis.analyse(data, selection.strata(data, "limb"), Settings(conf_level=0.9), [12, 24],
                            n_loaded=34, n_rows=34, compare_by="Limb", filters="")


@pytest.fixture(scope="module")
def model(data):
    return predictors.fit_outcome_model(data, predictors.ModelRequest("overall_survival", ("age_years", "limb")),
                                        conf_level=0.9)


@pytest.fixture(scope="module")
def deck(result, model):
    raw = documents.slide_deck(result, source="sample.xlsx", synthetic=True, model=model, today=dt.date(2026, 12, 3))
    return pptx.Presentation(io.BytesIO(raw))


def table_rows(shape) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in shape.table.rows]


def as_rows(frame: pd.DataFrame) -> list[list[str]]:
    return [list(map(str, frame.columns))] + frame.astype(str).values.tolist()


def test_the_deck_is_16_9_with_a_title_slide(deck, result):
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    first = deck.slides[0]
    assert first.shapes.title.text == "Outcomes after isolated limb perfusion"
    subtitle = first.placeholders[1].text
    assert "sample.xlsx" in subtitle and "34 of 34 patients" in subtitle and "compared by Limb" in subtitle
    assert "03 December 2026" in subtitle and "Synthetic sample data" in subtitle


def test_each_figure_has_its_slide_with_an_editable_title_and_a_picture_of_the_right_shape(deck, result):
    titles = figures.figure_titles(result) | {"forest": "Hazard ratios for overall survival"}
    slides = {s.shapes.title.text: s for s in deck.slides if s.shapes.title is not None}
    for title in titles.values():
        pictures = [shape for shape in slides[title].shapes if shape.shape_type == 13]
        assert len(pictures) == 1, title
        picture = pictures[0]
        width_px, height_px = export.png_size(picture.image.blob)
        assert picture.width / picture.height == pytest.approx(width_px / height_px, rel=0.01)
        assert picture.left >= 0 and picture.left + picture.width <= deck.slide_width
        assert picture.top + picture.height <= deck.slide_height


def test_table_one_and_the_landmark_estimates_are_native_tables_with_the_apps_text(deck, result):
    tables: dict[str, list[list[str]]] = {}
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                title = slide.shapes.title.text.replace(" (continued)", "")
                rows = table_rows(shape)
                tables[title] = tables.get(title, [rows[0]]) + rows[1:]
    assert tables["Table 1: baseline characteristics"] == as_rows(result.baseline.display)
    landmarks = documents.landmark_tables(result)
    assert len(landmarks) == len(result.curves)
    for title, frame in landmarks.items():
        assert tables[title] == as_rows(frame)
        assert "90% CI" in tables[title][0]  # the level the analysis used


def test_every_slide_of_the_synthetic_sample_says_so(deck):
    for slide in deck.slides:
        assert any("Synthetic sample data" in shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_the_deck_ends_with_the_methods_and_holds_no_nan(deck):
    assert deck.slides[-1].shapes.title.text.startswith("Methods")
    text = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    text += "\n".join(cell for slide in deck.slides for shape in slide.shapes if shape.has_table
                      for row in table_rows(shape) for cell in row)
    assert not NAN.search(text), NAN.search(text)
    assert "In the Cox model for overall survival" in text


def test_the_word_document_holds_the_text_and_native_tables(result, model):
    raw = documents.manuscript(result, source="sample.xlsx", model=model, today=dt.date(2026, 12, 3))
    document = docx.Document(io.BytesIO(raw))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["Outcomes after isolated limb perfusion", "Results", "Table 1: baseline characteristics"]
    assert headings[-1] == "Methods"
    body = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert body == as_rows(result.baseline.display)
    for table, frame in zip(document.tables[1:], documents.landmark_tables(result).values(), strict=True):
        assert [[cell.text for cell in row.cells] for row in table.rows] == as_rows(frame)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "In the Cox model for overall survival" in text and not NAN.search(text)


def test_long_tables_continue_on_the_next_slide():
    frame = pd.DataFrame({"a": range(30)})
    assert [len(part) for part in documents._chunks(frame, documents.TABLE_ROWS)] == [14, 14, 2]
    assert documents._paragraph_chunks("a" * 900 + "\n\n" + "b" * 900 + "\n\nc", 1400) == ["a" * 900, "b" * 900 + "\n\nc"]

"""Make docs/slide.png, the README's picture of a slide from the deck (the sample cohort by limb).

Needs LibreOffice (`soffice`) and `pdftoppm` (poppler-utils) to render the .pptx; the app does not.
Run from the project root: .venv/bin/python docs/make_slide_picture.py
"""
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ilp_core as core  # noqa: E402
from ilp_core.conventions import Settings  # noqa: E402
from ilp_core.reporting import documents  # noqa: E402
from ilp_core.results import analysis, selection  # noqa: E402

SLIDE = 2  # the first figure: amputation, death competing

data = core.load_cohort(ROOT / "sample_data" / "ilp_sample_cohort.xlsx").data
result = analysis.analyse(data, selection.strata(data, "limb"), Settings(), [12, 24], n_loaded=len(data),
                          n_rows=len(data), compare_by="Limb")
with tempfile.TemporaryDirectory() as folder:
    deck = Path(folder) / "ilp_slides.pptx"
    deck.write_bytes(documents.slide_deck(result, source="Synthetic sample cohort", synthetic=True))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder, str(deck)], check=True,
                   capture_output=True)
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", str(SLIDE), "-l", str(SLIDE), "-singlefile",
                    str(deck.with_suffix(".pdf")), str(ROOT / "docs" / "slide")], check=True)
print(ROOT / "docs" / "slide.png")

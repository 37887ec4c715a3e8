"""A real Chromium against a real server: upload, filter, and download a figure in three formats.

Uses Debian's chromium (/usr/bin/chromium); skipped with a reason when it is missing
(.ci/run installs it).
"""
import re

import pytest
from browser import app_server, chromium_tab, go, needs_chromium, settle, workbook_input
from workbooks import ENGLISH, patient, workbook

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server():
    with app_server() as (url, _):
        yield url


@pytest.fixture
def page(server):
    with chromium_tab(server, width=1500, height=1100, timeout_ms=30_000) as tab:
        yield tab


def selected(tab) -> str:
    return tab.get_by_test_id("stSidebar").get_by_test_id("stMetricValue").inner_text()


def test_upload_filter_and_download_figures(page, tmp_path):
    rows = [ENGLISH] + [patient(f"P{i:02d}", limb="upper" if i % 3 == 0 else "lower", sex="F" if i % 2 else "M")
                        for i in range(12)]
    path = tmp_path / "unit cohort.xlsx"
    path.write_bytes(workbook(rows, title_rows=[["Sarcoma unit ILP series"]]))
    assert selected(page) == "34 of 34"

    go(page, "Data")
    workbook_input(page).set_input_files(str(path))
    page.get_by_text(re.compile(r"^12 patients loaded, 0 rows excluded\.")).wait_for()
    settle(page)
    assert selected(page) == "12 of 12"

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stExpander").filter(has_text="Filters").get_by_text("Filters").click()
    limb = sidebar.get_by_test_id("stMultiSelect").filter(has=page.get_by_text("Limb", exact=True)).locator("input")
    limb.wait_for(state="visible")
    limb.click()
    limb.fill("upper")
    page.get_by_role("option", name="upper", exact=True).wait_for()
    limb.press("Enter")
    page.keyboard.press("Escape")
    settle(page)
    assert selected(page) == "4 of 12"

    go(page, "Amputation")
    page.get_by_test_id("stVegaLiteChart").first.wait_for()
    files = {}
    for fmt in ("PNG", "SVG", "PDF"):
        with page.expect_download() as download:
            page.get_by_test_id("stDownloadButton").filter(has_text=fmt).first.click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        files[fmt] = target.read_bytes()
    assert files["PNG"][:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(files["PNG"][16:20], "big"), int.from_bytes(files["PNG"][20:24], "big")
    assert 2900 <= width <= 3300 and 1500 <= height <= 2000  # a 10 x 5.6 in slide figure at 300 dpi
    dpi_chunk = files["PNG"].index(b"pHYs")
    assert int.from_bytes(files["PNG"][dpi_chunk + 4:dpi_chunk + 8], "big") == 11811  # 300 dpi in pixels/metre
    assert files["SVG"].lstrip().startswith(b"<svg") and b"Cumulative incidence of amputation" in files["SVG"]
    assert files["PDF"][:5] == b"%PDF-"
    assert not page.get_by_test_id("stException").count()

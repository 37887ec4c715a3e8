"""Patient data stay on the machine: no request leaves it, nothing is written to disk, no shared cache."""
import os
import re
import tomllib
from pathlib import Path

from browser import ARGS, CHROMIUM, READY, ROOT, app_server, needs_chromium, workbook_input
from hostile_files import _csv
from workbooks import ENGLISH, patient

APP_FILES = [ROOT / "app.py", ROOT / "ui.py", *sorted((ROOT / "app_pages").glob("*.py"))]
PAGES = ["Data", "Cohort", "Amputation", "Early complications", "Survival", "Export"]


def test_config_turns_off_usage_statistics_and_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] <= 100
    assert config["server"]["fileWatcherType"] == "none"  # its polling took about 1.5 s from the first figure


def test_no_cache_shared_between_sessions_and_nothing_persisted():
    for path in APP_FILES + sorted((ROOT / "ilp_core").rglob("*.py")):
        source = path.read_text()
        for call in re.findall(r"st\.cache_(?:data|resource)\([^)]*\)|@st\.cache_(?:data|resource)\b(?!\()", source):
            assert 'scope="session"' in call and "persist" not in call, f"{path.name}: {call}"
        assert "streamlit" not in source or "ilp_core" not in path.parts, f"{path.name} imports streamlit"


def _files(root: Path, skip=(".git", ".venv", ".venv-runtime", "__pycache__", ".pytest_cache", ".hypothesis")) -> set:
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip]
        found |= {os.path.join(dirpath, f) for f in filenames}
    return found


@needs_chromium
def test_a_whole_session_stays_on_the_machine_and_off_the_disk(tmp_path):
    from playwright.sync_api import sync_playwright
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    upload = tmp_path / "upload" / "cohort.csv"
    upload.parent.mkdir()
    rows = [ENGLISH] + [patient(f"PRIV{i:05d}", histology="myxoid liposarcoma") for i in range(11_000)]
    upload.write_text(_csv(rows))
    assert upload.stat().st_size > 2**20  # Streamlit spools uploads over 1 MB through TMPDIR
    project_before = _files(ROOT)
    requests = []
    with app_server({"HOME": str(home), "TMPDIR": str(temp)}) as (url, _):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.goto(url)
            page.wait_for_selector(READY)
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Data").click()
            page.wait_for_selector(READY)
            workbook_input(page).set_input_files(str(upload))
            page.get_by_text("11000 patients loaded").wait_for(timeout=120_000)
            for name in PAGES:
                page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
                page.wait_for_timeout(300)
                page.wait_for_selector(READY, timeout=120_000)
            browser.close()
    hosts = {re.match(r"^[a-z]+://([^/]+)", u).group(1) for u in requests if re.match(r"^[a-z]+://", u)}
    assert hosts == {url.split("//")[1]}, f"requests left the machine: {hosts}"
    assert not _files(home) and not _files(temp), (_files(home), _files(temp))
    assert _files(ROOT) == project_before


def test_the_server_log_keeps_where_an_error_happened_but_not_its_message():
    import io
    import logging

    from ilp_core.log_privacy import withhold_exception_messages
    stream = io.StringIO()
    logger = logging.getLogger("test_privacy.server")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        withhold_exception_messages()
        withhold_exception_messages()  # idempotent
        assert len(handler.filters) == 1
        try:
            int("Jane Doe 1957-03-02")
        except ValueError:
            logger.exception("Uncaught app exception")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "Jane Doe" not in text and "1957" not in text
    assert text.startswith("Uncaught app exception ValueError at test_privacy.py:")
    assert "message withheld" in text
    assert any(isinstance(f, type(handler.filters[0])) for f in logging.lastResort.filters)  # uvicorn.error's way out

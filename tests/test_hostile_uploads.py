"""The hostile corpus uploaded through a real Chromium to the app served from requirements.txt alone,
while a second session works on the sample: every file gets a message (never a traceback), the
second session keeps working, the server stays up, no request leaves for another origin, and the
server log holds no patient value."""
import re

import pytest
from browser import ARGS, CHROMIUM, READY, app_server, needs_chromium, runtime_python, workbook_input
from hostile_files import corpus

pytestmark = [pytest.mark.slow, needs_chromium]
PATIENT_VALUES = ["SAME", "left open", "opened here", "UPS\x0bgrade", "12.03.2019", "\u2460"]


def _extension(name: str) -> str:
    return "csv" if "csv" in name else "ods" if "ods" in name else "xls" if name.startswith("xls ") else "xlsx"


def _outcome(tab, file_name: str) -> str:
    """What the Data page says about the upload: its first error or success message."""
    tab.get_by_test_id("stSidebar").get_by_text(file_name).wait_for()  # this upload, not the one before
    tab.wait_for_selector(READY, timeout=120_000)
    tab.wait_for_timeout(300)
    tab.wait_for_selector(READY, timeout=120_000)
    assert not tab.get_by_test_id("stException").count()
    alerts = tab.get_by_test_id("stMain").get_by_test_id("stAlertContainer")
    texts = [alerts.nth(i).inner_text() for i in range(alerts.count())]
    return next((t for t in texts if "synthetic sample" not in t), "")


def test_hostile_uploads_leave_the_server_and_other_sessions_working(tmp_path):
    from playwright.sync_api import sync_playwright
    files = corpus()
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / f"{re.sub(r'[^a-z0-9]+', '_', name)}.{_extension(name)}"
        paths[name].write_bytes(data)
    requests, said = [], {}
    with app_server(python=runtime_python()) as (url, server):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            other, attacker = browser.new_context().new_page(), browser.new_context().new_page()
            for tab in (other, attacker):
                tab.set_default_timeout(120_000)
                tab.on("request", lambda request: requests.append(request.url))
                tab.goto(url)
                tab.wait_for_selector(READY)
            attacker.get_by_test_id("stSidebarNav").get_by_role("link", name="Data", exact=True).click()
            attacker.wait_for_selector(READY)
            for number, (name, path) in enumerate(paths.items()):
                workbook_input(attacker).set_input_files(str(path))
                said[name] = _outcome(attacker, path.name)
                assert said[name], f"{name}: no message on the Data page"
                assert server.poll() is None, f"{name}: the server died"
                if number % 5 == 0:  # the other session goes on with its own cohort
                    page = "Survival" if number % 10 == 0 else "Cohort"
                    other.get_by_test_id("stSidebarNav").get_by_role("link", name=page, exact=True).click()
                    other.wait_for_selector(READY)
                    other.get_by_role("heading", name=page, level=1).wait_for()
                    assert other.get_by_text("34 of 34").count(), f"after {name}: the other session lost its cohort"
            browser.close()
        assert server.poll() is None
    log = server.stdout.read().decode("utf-8", "replace")
    hosts = {re.match(r"^[a-z]+://([^/]+)", u).group(1) for u in requests if re.match(r"^[a-z]+://", u)}
    assert hosts == {url.split("//")[1]}, f"requests left the machine: {hosts}"
    assert "Traceback" not in log, log[-3000:]
    assert not [v for v in PATIENT_VALUES if v in log], log[-3000:]
    assert "needed more than 400 MB" in said["xls with a cell at IV65536"]
    assert "spans 60,000 rows by 16,384 columns" in said["forged dimension, cell at XFD60000"]
    assert "10 patients loaded" in said["csv with a quote never closed"]

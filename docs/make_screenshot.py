"""Take the README's screenshot: the app on the synthetic sample, amputation page, compared by limb.

Run from the project root: .venv/bin/python docs/make_screenshot.py (needs /usr/bin/chromium).
"""
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765
server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
                           "--server.address=127.0.0.1", f"--server.port={PORT}",
                           "--browser.gatherUsageStats=false"], cwd=ROOT, stdout=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"http://127.0.0.1:{PORT}")
        ready = '[data-testid="stApp"][data-test-script-state="notRunning"]'
        page.wait_for_selector(ready)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=sys.argv[1] if len(sys.argv) > 1 else "Amputation").click()
        page.wait_for_selector(ready)
        page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Compare by").click()
        page.get_by_role("option", name="Limb", exact=True).click()
        page.wait_for_timeout(1500)
        page.wait_for_selector(ready)
        page.screenshot(path=str(ROOT / "docs" / (sys.argv[2] if len(sys.argv) > 2 else "screenshot.png")),
                        full_page=False)
        browser.close()
finally:
    server.terminate()

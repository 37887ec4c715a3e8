"""Starting the app's server and Debian's chromium for the browser tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian chromium not installed (/usr/bin/chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def runtime_python() -> str:
    """The Python of the environment `make run` makes from requirements.txt alone (ILP_RUNTIME_PYTHON,
    set by `make test`); the end-to-end tests serve the app from it, as users get it."""
    path = os.environ.get("ILP_RUNTIME_PYTHON")
    if not path:
        pytest.skip("ILP_RUNTIME_PYTHON is not set: run `make test`, which builds .venv-runtime from "
                    "requirements.txt alone")
    if not Path(path).exists():
        pytest.fail(f"ILP_RUNTIME_PYTHON={path} does not exist")
    return path


@contextmanager
def app_server(env: dict | None = None, python: str | None = None):
    """The app on a free loopback port, served by ``python`` (default: this interpreter); yields (url, process)."""
    port = free_port()
    process = subprocess.Popen(
        [python or sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", "--server.address=127.0.0.1",
         f"--server.port={port}", "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=open(os.environ.get("ILP_SERVER_LOG", os.devnull), "w") if os.environ.get("ILP_SERVER_LOG")
        else subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the Streamlit server did not start within 60 s:\n" + process.stdout.read().decode()[-2000:])
    try:
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def chromium_tab(url: str, width: int = 1440, height: int = 1000, timeout_ms: int = 60_000):
    """A Chromium tab (downloads accepted) on ``url``, once the app's first run is done."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        tab = context.new_page()
        tab.set_default_timeout(timeout_ms)
        tab.goto(url)
        settle(tab)
        try:
            yield tab
        finally:
            browser.close()


def settle(tab) -> None:
    """Wait until the app's script run (and the one a widget change may start) is done."""
    tab.wait_for_selector(READY)
    tab.wait_for_timeout(400)
    tab.wait_for_selector(READY)


def go(tab, name: str) -> None:
    """Open a page from the sidebar navigation."""
    tab.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    settle(tab)


def workbook_input(tab):
    """The Data page's workbook uploader (the page also holds one for a settings file)."""
    return tab.get_by_test_id("stFileUploader").filter(has_text="Upload a cohort workbook") \
        .get_by_test_id("stFileUploaderDropzoneInput")
